// SPDX-License-Identifier: MIT
// SBI calls: a0-a5 arguments, a6 function, a7 extension; error in a0, value in a1.
#include "sbi.h"
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

/* SBI error codes (negative) mapped to the kernel's errno values. */
static int sbi_errno(long err)
{
	switch (err) {
	case 0: return 0;
	case -2: return -ENOTSUP;   /* SBI_ERR_NOT_SUPPORTED */
	case -3: return -EINVAL;    /* SBI_ERR_INVALID_PARAM */
	case -4: return -EACCES;    /* SBI_ERR_DENIED */
	case -5: return -EFAULT;    /* SBI_ERR_INVALID_ADDRESS */
	case -6: return -EBUSY;     /* SBI_ERR_ALREADY_AVAILABLE */
	case -7: return -EBUSY;     /* SBI_ERR_ALREADY_STARTED */
	case -8: return -EINVAL;    /* SBI_ERR_ALREADY_STOPPED */
	default: return -EIO;       /* SBI_ERR_FAILED and the unknown */
	}
}

void sbi_init(void)
{
	sbi.spec_version = sbi_call(SBI_EXT_BASE, 0, 0, 0, 0).value;
	sbi.impl_id = sbi_call(SBI_EXT_BASE, 1, 0, 0, 0).value;
	sbi.impl_version = sbi_call(SBI_EXT_BASE, 2, 0, 0, 0).value;
	for (unsigned i = 0; i < ARRAY_SIZE(probe_list); i++)
		if (sbi_call(SBI_EXT_BASE, 3, probe_list[i].ext, 0, 0).value)
			sbi.present |= 1u << i;
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
	return sbi_errno(sbi_call(SBI_EXT_HSM, 0, hartid, addr, opaque).error);
}

int sbi_hart_status(unsigned long hartid)
{
	struct sbiret r = sbi_call(SBI_EXT_HSM, 2, hartid, 0, 0);
	return r.error ? sbi_errno(r.error) : (int)r.value;
}

int sbi_send_ipi(unsigned long mask, unsigned long base)
{
	return sbi_errno(sbi_call(SBI_EXT_IPI, 0, mask, base, 0).error);
}

int sbi_set_timer(uint64_t when)
{
	return sbi_errno(sbi_call(SBI_EXT_TIME, 0, when, 0, 0).error);
}

void sbi_shutdown(void)
{
	sbi_call(SBI_EXT_SRST, 0, 0 /* shutdown */, 0 /* no reason */, 0);
	for (;;)
		__asm__ volatile("wfi");
}

void sbi_console_putchar(int c)
{
	sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, c, 0, 0);
}
