// SPDX-License-Identifier: MIT
// In-kernel tests of TLB shootdowns: every hart at once, and preempted ones.
#include "../../kernel/hart.h"
#include "../../kernel/ktest.h"
#include "kernel/proc/sched.h"
#include "kernel/proc/thread.h"
#include "kernel/mm/vm.h"

#define SHOOTS 300        /* per hart, all harts at once */
#define MOVER_SHOOTS 200  /* the old code stalled within 40 */
#define STALL_TICKS 1000  /* 10 s at hz=100 without one shootdown: a stall */

static volatile int shooters_done;
static volatile long shots;
static volatile bool stirring_done;

/* Shoot down every other hart arg times (NULL: SHOOTS). */
static void shooter(void *arg)
{
	long n = arg ? (long)arg : SHOOTS;
	for (long i = 0; i < n; i++) {
		tlb_shootdown();
		__atomic_fetch_add(&shots, 1, __ATOMIC_RELAXED);
	}
	__atomic_fetch_add(&shooters_done, 1, __ATOMIC_RELEASE);
}

/* Wait until n shooters are done, yielding meanwhile. A slow host only
 * slows them; a stall is no shootdown at all for STALL_TICKS. */
static bool wait_shooters(int n)
{
	long seen = -1;
	uint64_t since = 0;
	while (__atomic_load_n(&shooters_done, __ATOMIC_ACQUIRE) < n) {
		long now = __atomic_load_n(&shots, __ATOMIC_RELAXED);
		if (now != seen)
			seen = now, since = sched_ticks();
		else if (sched_ticks() - since > STALL_TICKS)
			break;
		sched_yield();
	}
	if (shooters_done != n)
		kprintf("    stalled after %ld shootdowns, %d of %d shooters done\n", seen,
			shooters_done, n);
	return shooters_done == n;
}

/* Every online hart shoots all the others down at once, from its
 * scheduler loop: each waits with interrupts off, so each must serve the
 * others' requests while it waits or all of them wait forever. */
KTEST(tlb_shootdown_all_at_once)
{
	int n = 0;
	shooters_done = 0;
	shots = 0;
	for (int i = 0; i < MAX_HARTS; i++)
		if (harts[i].online && i != hart_id() && hart_post(i, shooter, NULL) == 0)
			n++;
	shooter(NULL);
	KEXPECT(wait_shooters(n + 1));
	for (int i = 0; i < MAX_HARTS; i++)
		if (harts[i].online && i != hart_id())
			hart_join(i);
	/* Every ticket handed out was served: nothing is left half done. */
	for (int i = 0; i < MAX_HARTS; i++)
		KEXPECT(harts[i].tlb_done == harts[i].tlb_req);
	return 0;
}

/* Keep a hart's scheduler loop busy until the shooters are done, so that a
 * preempted shooter is picked up by whichever hart comes first. */
static void stirrer(void *arg)
{
	UNUSED(arg);
	while (!__atomic_load_n(&stirring_done, __ATOMIC_ACQUIRE)) {
		sched_yield();
		for (int i = 0; i < 1000; i++) /* leave sched_lock alone a while */
			arch_relax();
	}
}

/* One unpinned thread shoots down in a loop while every hart's scheduler
 * looks for work: timer ticks preempt it and move it between harts. A
 * shootdown moved half way used to wait for the hart it started on, which
 * it had never asked, and stalled for good (usertests' sbrk did that). No
 * other shooter runs: its IPIs would rescue the stalled one. */
KTEST(tlb_shootdown_threads_migrate)
{
	int stirrers = 0;
	bool ok;
	shooters_done = 0;
	shots = 0;
	stirring_done = false;
	for (int h = 0; h < MAX_HARTS; h++)
		if (harts[h].online && kthread_create("stirrer", stirrer, NULL, h))
			stirrers++;
	KEXPECT(kthread_create("shooter", shooter, (void *)MOVER_SHOOTS, -1) != NULL);
	ok = wait_shooters(1);
	__atomic_store_n(&stirring_done, true, __ATOMIC_RELEASE);
	KEXPECT(stirrers > 1);
	KEXPECT(ok);
	return 0;
}
