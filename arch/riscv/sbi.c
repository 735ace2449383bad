// SPDX-License-Identifier: MIT
// SBI calls: a0-a5 arguments, a6 function, a7 extension; error in a0, value in a1.
#include "sbi.h"
#include "arch.h"
#include "../../kernel/printk.h"
#include "../../lib/errno.h"

struct sbiret {
	long error, value;
};

static struct {
	long spec_version, impl_id, impl_version;
	uint32_t present; /* bit per entry of probe_list */
} sbi;

static const struct {
	long ext;
	const char *name;
} probe_list[] = {
	{ SBI_EXT_TIME, "TIME" },     { SBI_EXT_IPI, "IPI" },   { SBI_EXT_RFENCE, "RFENCE" },
	{ SBI_EXT_HSM, "HSM" },       { SBI_EXT_SRST, "SRST" }, { SBI_EXT_PMU, "PMU" },
	{ SBI_EXT_DBCN, "DBCN" },
};

static struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2)
{
	register long r0 __asm__("a0") = a0;
	register long r1 __asm__("a1") = a1;
	register long r2 __asm__("a2") = a2;
	register long r6 __asm__("a6") = fid;
	register long r7 __asm__("a7") = ext;
	__asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
	return (struct sbiret){ r0, r1 };
}

/* SBI error codes mapped to the kernel's errno values. */
static int sbi_errno(long err)
{
	switch (err) {
	case SBI_SUCCESS: return 0;
	case SBI_ERR_NOT_SUPPORTED: return -ENOTSUP;
	case SBI_ERR_INVALID_PARAM: return -EINVAL;
	case SBI_ERR_DENIED: return -EACCES;
	case SBI_ERR_INVALID_ADDRESS: return -EFAULT;
	case SBI_ERR_ALREADY_AVAILABLE: return -EBUSY;
	case SBI_ERR_ALREADY_STARTED: return -EBUSY;
	case SBI_ERR_ALREADY_STOPPED: return -EINVAL;
	default: return -EIO; /* SBI_ERR_FAILED and the unknown */
	}
}

static long base_call(long fid, long arg)
{
	return sbi_call(SBI_EXT_BASE, fid, arg, 0, 0).value;
}

void sbi_init(void)
{
	sbi.spec_version = base_call(SBI_BASE_SPEC_VERSION, 0);
	sbi.impl_id = base_call(SBI_BASE_IMPL_ID, 0);
	sbi.impl_version = base_call(SBI_BASE_IMPL_VERSION, 0);
	for (unsigned i = 0; i < ARRAY_SIZE(probe_list); i++)
		if (base_call(SBI_BASE_PROBE_EXT, probe_list[i].ext))
			sbi.present |= 1u << i;
	/* Said on the SBI console: the UART may not be set up yet. */
	if (!sbi_has(SBI_EXT_TIME) || !sbi_has(SBI_EXT_IPI) || !sbi_has(SBI_EXT_SRST))
		kprintf("nagi: SBI lacks TIME, IPI or SRST: using the legacy calls for them\n");
	if (!sbi_has(SBI_EXT_HSM))
		kprintf("nagi: SBI lacks HSM: no other hart can be started\n");
}

bool sbi_has(long ext)
{
	for (unsigned i = 0; i < ARRAY_SIZE(probe_list); i++)
		if (probe_list[i].ext == ext)
			return sbi.present & (1u << i);
	return false;
}

void sbi_print_info(void)
{
	kprintf("nagi: SBI v%ld.%ld, %s %ld.%ld; extensions", (sbi.spec_version >> 24) & 0x7f,
		sbi.spec_version & 0xffffff, sbi.impl_id == 1 ? "OpenSBI" : "implementation",
		sbi.impl_version >> 16, sbi.impl_version & 0xffff);
	for (unsigned i = 0; i < ARRAY_SIZE(probe_list); i++)
		if (sbi.present & (1u << i))
			kprintf(" %s", probe_list[i].name);
	kprintf("\n");
}

int sbi_hart_start(unsigned long hartid, unsigned long addr, unsigned long opaque)
{
	if (!sbi_has(SBI_EXT_HSM))
		return -ENOTSUP;
	return sbi_errno(sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, hartid, addr, opaque).error);
}

int sbi_hart_status(unsigned long hartid)
{
	struct sbiret r;

	if (!sbi_has(SBI_EXT_HSM))
		return -ENOTSUP;
	r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, hartid, 0, 0);
	return r.error ? sbi_errno(r.error) : (int)r.value;
}

int sbi_send_ipi(unsigned long mask, unsigned long base)
{
	/* The legacy call takes a pointer to a mask that starts at hart 0. */
	unsigned long legacy = mask << base;

	if (!sbi_has(SBI_EXT_IPI))
		return sbi_errno(sbi_call(SBI_EXT_LEGACY_SEND_IPI, 0, (long)&legacy, 0, 0).error);
	return sbi_errno(sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, mask, base, 0).error);
}

int sbi_set_timer(uint64_t when)
{
	if (!sbi_has(SBI_EXT_TIME))
		return sbi_errno(sbi_call(SBI_EXT_LEGACY_SET_TIMER, 0, when, 0, 0).error);
	return sbi_errno(sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, when, 0, 0).error);
}

void sbi_shutdown(void)
{
	if (sbi_has(SBI_EXT_SRST))
		sbi_call(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_SHUTDOWN, SBI_SRST_NO_REASON, 0);
	sbi_call(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

void sbi_console_putchar(int c)
{
	sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, c, 0, 0);
}

void arch_firmware_init(void) { sbi_init(); }
void arch_firmware_info(void) { sbi_print_info(); }
void arch_poweroff(void) { sbi_shutdown(); }
void arch_console_putc_early(int c) { sbi_console_putchar(c); }
