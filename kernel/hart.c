// SPDX-License-Identifier: MIT
// Harts: starting them, their idle loop, and running work on a chosen hart.
#include "hart.h"
#include "ipi.h"
#include "printk.h"
#include "spinlock.h"
#include "../drivers/plic.h"
#include "kernel/hw/pmem_dev.h"
#include "time.h"
#include "bootargs.h"
#include "kernel/proc/sched.h"
#include "lib/xl_abi.h"
#include "../lib/errno.h"
#include "../lib/string.h"

struct hart harts[MAX_HARTS];
static struct spinlock call_lock = SPINLOCK_INIT("hart_call");

void hart_secondary_main(unsigned long id);

/* The syscall workers (bootarg workers=, default 1 with at least 4 harts):
 * the highest general hart ids other than the boot hart. */
static void assign_workers(int boot)
{
	unsigned long want = bootarg_ulong("workers", machine.nharts >= 4 ? 1 : 0);
	int got = 0;
	want = MIN(want, XL_MAX_WORKERS);
	for (int id = MAX_HARTS - 1; id >= 0 && got < (int)want; id--)
		if (id != boot && harts[id].role == ROLE_GENERAL) {
			harts[id].role = ROLE_WORKER;
			got++;
		}
	if (got < (int)want)
		kprintf("nagi: workers=%lu: only %d harts can be workers\n", want, got);
}

/* Harts for pinned threads only (bootarg reserve=2,3), among the rest. */
static void assign_reserved(void)
{
	unsigned long ids[BOOTARG_MAX_WORDS];
	int n = bootarg_numbers("reserve", ids, BOOTARG_MAX_WORDS);
	if (n < 0)
		kprintf("bootargs: reserve=%s is not a list of hart numbers; ignored\n",
			bootarg_get("reserve"));
	for (int i = 0; i < n; i++)
		if (ids[i] < MAX_HARTS && harts[ids[i]].role == ROLE_GENERAL)
			harts[ids[i]].role = ROLE_RESERVED;
}

void hart_roles_assign(int pmem_hart)
{
	for (int i = 0; i < machine.nharts; i++) {
		int id = machine.hartids[i];
		harts[id].id = id;
		harts[id].role = id == pmem_hart ? ROLE_PMEM : ROLE_GENERAL;
	}
	assign_workers(hart_id());
	assign_reserved();
}

const char *hart_role_name(enum hart_role role)
{
	switch (role) {
	case ROLE_GENERAL: return "general";
	case ROLE_RESERVED: return "reserved for pinned threads";
	case ROLE_WORKER: return "worker";
	case ROLE_PMEM: return "pmem device";
	default: return "none";
	}
}

/*
 * hart_local_init - what every hart does for itself once it runs C: trap
 * vector, user-readable counters, PLIC threshold, first timer tick,
 * interrupt enables. Then it is online, with interrupts on.
 */
void hart_local_init(void)
{
	mmu_enable();
	arch_trap_init();
	arch_counters_init();
	plic_hart_init();
	timer_hart_start();
	arch_irq_init();
	__atomic_store_n(&this_hart()->online, true, __ATOMIC_RELEASE);
	arch_intr_on();
}

void hart_secondary_main(unsigned long id)
{
	arch_set_this_hart(&harts[id]);
	if (harts[id].role == ROLE_PMEM)
		pmem_dev_run(); /* never returns, never goes online */
	hart_local_init();
	sched_run();
}

/* Has hart id come up? The pmem device's hart says so through the device. */
static bool is_up(int id)
{
	if (harts[id].role == ROLE_PMEM)
		return pmem_dev_ready();
	return __atomic_load_n(&harts[id].online, __ATOMIC_ACQUIRE);
}

static bool wait_online(int id, uint64_t timeout_us)
{
	uint64_t end = arch_time() + timeout_us * timer_ticks_per_us();
	while (!is_up(id))
		if (arch_time() > end)
			return false;
	return true;
}

void hart_start_all(void)
{
	int err[MAX_HARTS] = { 0 };

	/* Start them all, then wait for each: a hart takes from tens of
	 * microseconds to, on a busy host, hundreds of milliseconds to
	 * arrive, and so the waits overlap instead of adding up. */
	for (int i = 0; i < machine.nharts; i++)
		if ((int)machine.hartids[i] != hart_id())
			err[machine.hartids[i]] = arch_start_hart(machine.hartids[i]);
	for (int i = 0; i < machine.nharts; i++) {
		int id = machine.hartids[i];
		if (id == hart_id())
			continue;
		if (err[id] || !wait_online(id, 1000000)) {
			kprintf("nagi: hart %d did not start (%d)\n", id, err[id]);
			harts[id].role = ROLE_NONE;
			continue;
		}
		kprintf("nagi: hart %d started (role: %s)\n", id, hart_role_name(harts[id].role));
	}
}

int hart_online_count(void)
{
	int n = 0;
	for (int i = 0; i < MAX_HARTS; i++)
		n += harts[i].online;
	return n;
}

int hart_post(int id, void (*fn)(void *), void *arg)
{
	struct hart *h = &harts[id];
	if (id < 0 || id >= MAX_HARTS || !h->online)
		return -ENXIO;
	/* One job at a time per hart. Wait for the last one outside the
	 * lock: spinning with interrupts off on a hart that is itself in a
	 * TLB shootdown waiting for us would never end. */
	for (;;) {
		spin_lock(&call_lock);
		if (!h->call_fn)
			break;
		spin_unlock(&call_lock);
		while (__atomic_load_n(&h->call_fn, __ATOMIC_ACQUIRE))
			arch_relax();
	}
	h->call_arg = arg;
	__atomic_store_n(&h->call_fn, fn, __ATOMIC_RELEASE);
	spin_unlock(&call_lock);
	return ipi_send(id, IPI_CALL);
}

void hart_join(int id)
{
	while (__atomic_load_n(&harts[id].call_fn, __ATOMIC_ACQUIRE))
		arch_relax();
}

int hart_call(int id, void (*fn)(void *), void *arg)
{
	int err;
	if (id == hart_id()) {
		fn(arg);
		return 0;
	}
	err = hart_post(id, fn, arg);
	if (!err)
		hart_join(id);
	return err;
}
