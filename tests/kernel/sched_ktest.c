// SPDX-License-Identifier: MIT
// In-kernel tests of threads and the scheduler: affinity, sleep/wakeup.
#include "../../kernel/hart.h"
#include "../../kernel/ktest.h"
#include "kernel/proc/sched.h"
#include "../../kernel/spinlock.h"
#include "kernel/proc/thread.h"

struct pin_probe {
	volatile int ran_on;
	volatile bool done;
};

static void record_hart(void *arg)
{
	struct pin_probe *p = arg;
	p->ran_on = hart_id();
	__atomic_store_n(&p->done, true, __ATOMIC_RELEASE);
}

/* Wait up to a second for a flag, yielding so the awaited thread can run. */
static bool wait_flag(volatile bool *flag)
{
	uint64_t end = sched_ticks() + 100;
	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE) && sched_ticks() < end)
		sched_yield();
	return *flag;
}

KTEST(kthread_runs_on_its_pinned_hart)
{
	for (int h = 0; h < MAX_HARTS; h++) {
		struct pin_probe probe = { -1, false };
		if (!harts[h].online)
			continue;
		KEXPECT(kthread_create("pinned", record_hart, &probe, h) != NULL);
		KEXPECT(wait_flag(&probe.done));
		KEXPECT(probe.ran_on == h);
	}
	return 0;
}

static struct spinlock pp_lock = SPINLOCK_INIT("ktest.pingpong");
static volatile int turn, rounds_done;

/* Two threads take turns through sleep_on/wakeup, 200 times each. */
static void pingpong(void *arg)
{
	int me = (int)(uintptr_t)arg;
	spin_lock(&pp_lock);
	for (int i = 0; i < 200; i++) {
		while (turn != me)
			sleep_on((void *)&turn, &pp_lock);
		turn = !me;
		wakeup((void *)&turn);
	}
	rounds_done++;
	wakeup((void *)&rounds_done);
	spin_unlock(&pp_lock);
}

KTEST(sleep_wakeup_pingpong_across_harts)
{
	int a = -1, b = -1;
	for (int h = 0; h < MAX_HARTS; h++) /* two different harts if we can */
		if (harts[h].online && harts[h].role == ROLE_GENERAL)
			a < 0 ? (a = h) : (b = b < 0 ? h : b);
	turn = 0;
	rounds_done = 0;
	KEXPECT(kthread_create("ping", pingpong, (void *)0, a));
	KEXPECT(kthread_create("pong", pingpong, (void *)1, b));
	spin_lock(&pp_lock);
	while (rounds_done < 2)
		sleep_on((void *)&rounds_done, &pp_lock);
	spin_unlock(&pp_lock);
	KEXPECT(rounds_done == 2);
	return 0;
}

KTEST(sleep_ticks_waits_long_enough)
{
	uint64_t t0 = sched_ticks();
	KEXPECT(sched_sleep_ticks(5) == 0);
	KEXPECT(sched_ticks() >= t0 + 5);
	return 0;
}
