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

/* Four sleepers, two on each of two channels that share a bucket of the
 * sleep queue (sched.c hashes the address; 2 MiB apart lands in the same
 * one): a wakeup wakes its own channel's sleepers and leaves the others
 * asleep, never woken. */
static struct spinlock chan_lock = SPINLOCK_INIT("ktest.chans");
static char chan_keys[2][1];
#define CHAN(i) ((void *)((uintptr_t)chan_keys[0] + (uintptr_t)(i) * (1UL << 21)))
static volatile bool chan_open[2];
static volatile int chan_wakes[4], chan_done;
static struct thread *volatile chan_sleeper[4];

static void chan_sleep(void *arg)
{
	int me = (int)(uintptr_t)arg, ch = me / 2;
	spin_lock(&chan_lock);
	chan_sleeper[me] = curthread();
	while (!chan_open[ch]) {
		sleep_on(CHAN(ch), &chan_lock);
		chan_wakes[me]++;
	}
	chan_done++;
	wakeup((void *)&chan_done);
	spin_unlock(&chan_lock);
}

/* Are the sleepers in [from, to) all asleep? Waits up to a second. */
static bool chan_all_asleep(int from, int to)
{
	uint64_t end = sched_ticks() + 100;
	for (int i = from; i < to; i++)
		while (!chan_sleeper[i] || chan_sleeper[i]->state != T_SLEEPING)
			if (sched_ticks() > end)
				return false;
			else
				sched_yield();
	return true;
}

static void chan_release(int ch, int done)
{
	spin_lock(&chan_lock);
	chan_open[ch] = true;
	wakeup(CHAN(ch));
	while (chan_done < done)
		sleep_on((void *)&chan_done, &chan_lock);
	spin_unlock(&chan_lock);
}

KTEST(wakeup_wakes_only_its_channel)
{
	chan_open[0] = chan_open[1] = false;
	chan_done = 0;
	for (int i = 0; i < 4; i++) {
		chan_wakes[i] = 0;
		chan_sleeper[i] = NULL;
		KEXPECT(kthread_create("chan", chan_sleep, (void *)(uintptr_t)i, -1) != NULL);
	}
	KEXPECT(chan_all_asleep(0, 4));
	chan_release(0, 2);
	KEXPECT(chan_wakes[0] == 1 && chan_wakes[1] == 1);
	KEXPECT(chan_all_asleep(2, 4));
	KEXPECT(chan_wakes[2] == 0 && chan_wakes[3] == 0);
	chan_release(1, 4);
	KEXPECT(chan_wakes[2] == 1 && chan_wakes[3] == 1);
	return 0;
}
