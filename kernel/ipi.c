// SPDX-License-Identifier: MIT
// IPIs: post a reason bit in the target's struct hart, then interrupt it.
#include "ipi.h"
#include "hart.h"
#include "printk.h"
#include "bootargs.h"
#include "lib/errno.h"

static const char *const names[NR_IPI] = {
	[IPI_RESCHED] = "Rescheduling interrupts", [IPI_CALL] = "Function call interrupts",
	[IPI_STOP] = "CPU stop interrupts",        [IPI_TLB] = "TLB shootdowns",
	[IPI_PMEM] = "pmem completions",           [IPI_TEST] = "Test interrupts",
	[IPI_PMEM_DOORBELL] = "pmem doorbells",
};
_Static_assert(IPI_PMEM_DOORBELL < NR_IPI, "NR_IPI (intrstat.h) covers every reason");

/* Registered handlers, written at boot before their first IPI. */
static ipi_fn handlers[NR_IPI];
static uint64_t spinning; /* bit per reason: run its handler in spin_lock too */

int ipi_register(enum ipi_reason reason, ipi_fn fn, bool while_spinning)
{
	if ((unsigned)reason >= NR_IPI || reason == IPI_RESCHED || reason == IPI_CALL ||
	    reason == IPI_STOP || reason == IPI_TEST)
		return -EINVAL;
	if (handlers[reason])
		return -EBUSY;
	if (while_spinning)
		__atomic_fetch_or(&spinning, 1UL << reason, __ATOMIC_RELAXED);
	/* Pairs with the acquire loads in ipi_handle and ipi_serve_spinning:
	 * a hart that sees fn sees what its owner set up before registering.
	 * One that sees the spinning bit first finds fn NULL and skips it. */
	__atomic_store_n(&handlers[reason], fn, __ATOMIC_RELEASE);
	return 0;
}

void ipi_serve_spinning(void)
{
	uint64_t bits = __atomic_load_n(&spinning, __ATOMIC_RELAXED);
	for (int r = 0; bits; r++, bits >>= 1) {
		ipi_fn fn = __atomic_load_n(&handlers[r], __ATOMIC_ACQUIRE);
		if ((bits & 1) && fn)
			fn();
	}
}

static bool direct; /* by the ACLINT SSWI */

void ipi_route_init(void)
{
	direct = arch_ipi_direct(!bootarg_is("ipi", "sbi"));
}

const char *ipi_route(void)
{
	return direct ? "ACLINT SSWI (one store)" : "SBI (through the firmware)";
}

int ipi_send(int id, enum ipi_reason reason)
{
	if (id < 0 || id >= MAX_HARTS || harts[id].role == ROLE_NONE)
		return -ENXIO;
	/* The reason is visible before the interrupt that announces it. */
	__atomic_fetch_or(&harts[id].ipi_pending, 1UL << reason, __ATOMIC_RELEASE);
	return arch_ipi_send(id);
}

void ipi_handle(void)
{
	struct hart *h = this_hart();
	uint64_t pending;

	/* Acknowledge first: a reason posted after the swap re-raises SSIP. */
	arch_ipi_clear();
	pending = __atomic_exchange_n(&h->ipi_pending, 0, __ATOMIC_ACQUIRE);
	for (int r = 0; r < NR_IPI; r++) {
		ipi_fn fn;
		if (!(pending & (1UL << r)))
			continue;
		intrstat_inc(STAT_IPI + r);
		if (r == IPI_STOP) {
			h->online = false;
			for (;;)
				arch_wait();
		}
		if (r == IPI_RESCHED && h->current)
			h->need_resched = true;
		fn = __atomic_load_n(&handlers[r], __ATOMIC_ACQUIRE);
		if (fn)
			fn();
		/* CALL, TEST: waking the hart is the whole job here; its
		 * scheduler loop checks for the work. PMEM_DOORBELL goes
		 * only to the pmem device's hart, which never comes here. */
	}
}

const char *ipi_name(int reason)
{
	return reason >= 0 && reason < NR_IPI && names[reason] ? names[reason] : "IPI";
}
