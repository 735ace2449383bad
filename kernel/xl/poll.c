// SPDX-License-Identifier: MIT
// Exception-less system calls, the pollers: whoever polls on a worker hart
// (a syscall thread between entries, or the worker thread when none does)
// scans the registered pages of every process, round the whole table each
// pass, and gets a syscall thread going on this hart for each process with
// work. Idle policy (io_uring's SQPOLL): spin for xl_spin, then set
// NEED_WAKEUP and sleep until an xl_wake.
#include "xl_internal.h"
#include "kernel/hart.h"
#include "kernel/lab.h" /* the student tree's stubs */
#include "kernel/proc/proc.h"
#include "kernel/proc/sched.h"
#include "kernel/proc/thread.h"
#include "drivers/pmem/pmem.h"

/* Must w poll the device? Only for I/O that threads on its own hart sleep
 * on (the driver asks, through the poller below, only in its polled
 * modes): interrupt completions are the IPI handler's, and other harts'
 * pollers reap their own. */
static bool device_poll(struct xl_worker *w)
{
	return __atomic_load_n(&w->io_waiters, __ATOMIC_RELAXED) > 0;
}

int xl_poll_pass(struct xl_worker *w, struct xl_ctx *self, bool exact)
{
	int found = device_poll(w) ? pmem_poll() : 0;
	unsigned pass = (unsigned)__atomic_add_fetch(&w->st.passes, 1, __ATOMIC_RELAXED);
	if (exact)
		pass = 0; /* xl_pending looks at every entry then */
	xl_count(&w->st.polled, (uint64_t)found);
	for (int i = 0; i < xl_nctx; i++) {
		struct xl_ctx *c = &xl_ctxs[i];
		if (c == self || !__atomic_load_n(&c->proc, __ATOMIC_RELAXED))
			continue;
		if (!xl_pending(c, pass)) /* unlocked look first (reads only) */
			continue;
		spin_lock(&c->lock);
		if (c->proc && xl_pending(c, pass)) {
			found++;
			xl_get_going(c, w);
		}
		spin_unlock(&c->lock);
	}
	return found;
}

/* The workers' idle state. Invariant (sleep_lock): NEED_WAKEUP is set on
 * every registered page exactly while every worker has sleeping set. */
static struct spinlock sleep_lock = SPINLOCK_INIT("xl.sleep");
static int nasleep; /* workers with sleeping set */

/* Set or clear NEED_WAKEUP on every registered page (sleep_lock held). */
static void need_wakeup(bool on)
{
	/* LAB xl: BEGIN */
	for (int i = 0; i < xl_nctx; i++) {
		struct xl_ctx *c = &xl_ctxs[i];
		if (!__atomic_load_n(&c->proc, __ATOMIC_RELAXED))
			continue;
		spin_lock(&c->lock);
		for (int j = 0; c->proc && j < XL_MAX_PAGES; j++)
			if (c->reg[j].k && on)
				__atomic_or_fetch(&c->reg[j].k->hdr.flags, XL_NEED_WAKEUP, __ATOMIC_RELAXED);
			else if (c->reg[j].k)
				__atomic_and_fetch(&c->reg[j].k->hdr.flags, ~XL_NEED_WAKEUP,
						   __ATOMIC_RELAXED);
		spin_unlock(&c->lock);
	}
	/* LAB xl: ELSE
	static bool said;
	if (on && !said)
		said = lab_missing("xl", "need_wakeup not implemented");
	   LAB xl: END */
}

/* w is awake again (sleep_lock held, w->sleeping set). */
static void wake_locked(struct xl_worker *w)
{
	w->sleeping = false;
	if (nasleep-- == xl_nworkers)
		need_wakeup(false);
	wakeup(&w->sleeping);
}

/* Sleep with NEED_WAKEUP set, unless a last look finds work. sleeping is
 * set before that look: an xl_wake from then on clears it, and one before
 * published its entry before the look (else a wake-up is lost). */
static void deep_sleep(struct xl_worker *w)
{
	/* LAB xl: BEGIN */
	bool work;
	spin_lock(&sleep_lock);
	w->sleeping = true;
	if (++nasleep == xl_nworkers)
		need_wakeup(true);
	spin_unlock(&sleep_lock);
	/* The flag before the last look: pairs with the fence in xl_kick
	 * (user/lib/xl.c) between SUBMITTED and its look at the flag. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	work = xl_poll_pass(w, NULL, true) > 0 || device_poll(w);
	spin_lock(&sleep_lock);
	if (work && w->sleeping)
		wake_locked(w);
	if (w->sleeping)
		w->st.sleeps++;
	while (w->sleeping)
		sleep_on(&w->sleeping, &sleep_lock);
	spin_unlock(&sleep_lock);
	/* LAB xl: ELSE
	// Stub: the worker never sleeps (it goes on polling), so nothing
	// waits for a wake-up that nobody sends.
	static bool said;
	UNUSED(w);
	if (!said)
		said = lab_missing("xl", "deep_sleep not implemented");
	   LAB xl: END */
}

void xl_wake_worker(struct xl_worker *w)
{
	spin_lock(&sleep_lock);
	if (w->sleeping) {
		w->st.wakeups++;
		wake_locked(w);
	}
	spin_unlock(&sleep_lock);
}

void xl_wake_all(void)
{
	for (int i = 0; i < xl_nworkers; i++)
		xl_wake_worker(&xl_workers[i]);
}

/* The worker of this hart, or NULL. */
static struct xl_worker *this_worker(void)
{
	for (int i = 0; i < xl_nworkers; i++)
		if (xl_workers[i].hart == hart_id())
			return &xl_workers[i];
	return NULL;
}

void xl_poller_needed(void)
{
	struct xl_worker *w = this_worker();
	if (!w)
		return;
	/* Counted before the wake: a worker about to sleep either sees it
	 * in its last look or has its sleeping mark cleared by us. */
	__atomic_add_fetch(&w->io_waiters, 1, __ATOMIC_SEQ_CST);
	xl_wake_worker(w);
}

void xl_poller_done(void)
{
	struct xl_worker *w = this_worker();
	if (w)
		__atomic_sub_fetch(&w->io_waiters, 1, __ATOMIC_RELAXED);
}

/* The pmem driver's completion poller: a waiter on a worker hart sleeps
 * and this hart's pollers reap for it. */
static bool pmem_poller_start(void)
{
	if (!this_worker())
		return false;
	xl_poller_needed();
	return true;
}

/* Does nothing on this worker hart wait to run but its polling thread
 * (always runnable while awake, and it would only poll)? Then a device
 * waiter here polls in place instead of handing the hart over. */
static bool pmem_poller_alone(void)
{
	struct xl_worker *w = this_worker();
	struct hart *h = this_hart();
	int n;

	if (!w)
		return false;
	n = __atomic_load_n(&h->nready, __ATOMIC_RELAXED);
	if (w->thread && w->thread->state == T_RUNNABLE)
		n--;
	return n <= 0 && !h->need_resched;
}

static const struct pmem_poller xl_pmem_poller = { pmem_poller_start, xl_poller_done,
						   pmem_poller_alone };

void xl_worker_main(void *arg)
{
	struct xl_worker *w = arg;
	uint64_t last = arch_time();
	pmem_poller_register(&xl_pmem_poller); /* every worker: the same, harmless */
	for (;;) {
		if (xl_poll_pass(w, NULL, false) > 0)
			last = arch_time();
		/* Active syscall threads do our work: stay out of their way.
		 * Threads here waiting for polled I/O need us awake. */
		if (__atomic_load_n(&w->active, __ATOMIC_RELAXED) > 0 || device_poll(w) ||
		    arch_time() - last < xl_spin_ticks) {
			if (sched_others_ready())
				sched_yield();
			else
				arch_relax();
			if (__atomic_load_n(&w->active, __ATOMIC_RELAXED) > 0)
				last = arch_time();
			continue;
		}
		deep_sleep(w);
		last = arch_time();
	}
}
