// SPDX-License-Identifier: MIT
// Fibers: creation (the first context), exit and join, and each kernel
// thread's scheduler loop with its run queue, stealing and idling
// (docs/fibers.md); the run's threads and fiber_main are in fiber_run.c.
#include "fiber_impl.h"
#include "fiber_frame.h"
#include "../lab.h" /* the student tree's stubs */
#include "../../lib/syscall.h"

struct frun *fiber_run_now;
static int no_fiber_errno; /* ferrno outside fibers */

/* Wake o if it is asleep in nap(): claim its mark, write to its pipe. A
 * write by trap: the caller may be a fiber holding a spinlock, which must
 * not park. */
static bool wake(struct fsched *o)
{
	int one = 1;
	if (!__atomic_compare_exchange_n(&o->asleep, &one, 0, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_RELAXED))
		return false;
	syscall_nr(SYS_write, o->wake[1], (long)"w", 1, 0, 0, 0);
	return true;
}

/* Wake threads asleep in nap(): all, or one. */
static void wake_sleepers(struct frun *r, bool all)
{
	for (int i = 0; i < r->nthreads; i++)
		if (wake(&r->sched[i]) && !all)
			return;
}

/* Does o hold a ready fiber it will not run next? Only such a fiber is
 * stolen: o runs one now (maybe blocked in a trap), or has two queued.
 * A lone queued fiber is o's next, and taking it would undo a hand-over
 * (fiber_ready_reaped). The same rule decides when a push wakes a
 * sleeper (fiber_ready_on). */
static bool stealable(struct fsched *o)
{
	long n = __atomic_load_n(&o->qlen, __ATOMIC_RELAXED);
	return n >= 2 || (n && __atomic_load_n(&o->cur, __ATOMIC_RELAXED));
}

/* f, ready, to the tail of s's queue (s->qlk held): the new length. */
static long push(struct fsched *s, struct fiber *f)
{
	long n = s->qlen + 1;
	f->state = F_READY;
	fq_push(&s->q, f);
	__atomic_store_n(&s->qlen, n, __ATOMIC_RELAXED);
	return n;
}

void fiber_ready_on(struct fsched *s, struct fiber *f)
{
	struct frun *r = fiber_run_now;
	struct fsched *me = cur_sched(); /* NULL: fiber_main, before the threads run */
	long n;

	ulock_acquire(&s->qlk);
	n = push(s, f);
	ulock_release(&s->qlk);
	/* A fiber this thread will not run next (a fiber runs here now, or
	 * one is queued before it): a sleeping thread may steal it. The fence
	 * orders our push before the load of nasleep; it pairs with the one
	 * in nap() between a sleeper's count and its last look. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if ((n >= 2 || (me && me->cur)) && __atomic_load_n(&r->nasleep, __ATOMIC_RELAXED))
		wake_sleepers(r, false);
}

/* Put f on o's queue if o is idle with nothing queued, and wake o if it
 * naps; false if o is busy. */
static bool hand_to(struct fsched *o, struct fiber *f)
{
	bool given = false;

	if (!__atomic_load_n(&o->idle, __ATOMIC_RELAXED) ||
	    __atomic_load_n(&o->qlen, __ATOMIC_RELAXED))
		return false;
	/* Under o's queue lock, which o takes to leave for xl_wait: it sees
	 * the fiber there, or we see it no longer idle. */
	ulock_acquire(&o->qlk);
	if (o->idle && !o->qlen) {
		push(o, f);
		given = true;
	}
	ulock_release(&o->qlk);
	if (!given)
		return false;
	/* Our push before the look at o's mark: pairs with the fence in
	 * nap() (it sees the fiber, or we see its mark). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wake(o);
	return true;
}

void fiber_ready_reaped(struct fsched *s, struct fiber *f)
{
	struct frun *r = fiber_run_now;

	for (int k = 1; k < r->nthreads && (s->qlen || fio_inflight(s)); k++) {
		if (hand_to(&r->sched[(s->idx + k) % r->nthreads], f)) {
			s->st.handed++;
			return;
		}
	}
	fiber_ready_on(s, f);
}

void fiber_ready(struct fiber *f)
{
	fiber_ready_on(cur_sched(), f);
}

/* Leave the running fiber for the scheduler loop, which does what after
 * says once the fiber's context is saved. The fiber may resume on another
 * kernel thread: callers read cur_sched() again afterwards. */
static void switch_out(int after, struct ulock *lk)
{
	struct fsched *s = cur_sched();
	s->after = after;
	s->after_lock = lk;
	fiber_switch(&s->cur->sp, s->sp);
}

void fiber_park(struct ulock *lk)
{
	switch_out(A_PARK, lk);
}

void fiber_yield(void)
{
	switch_out(A_REQUEUE, NULL);
}

void fiber_exit(long value)
{
	cur_sched()->cur->value = value;
	switch_out(A_EXIT, NULL);
	__builtin_unreachable();
}

struct fiber *fiber_self(void)
{
	struct fsched *s = cur_sched();
	return s ? s->cur : NULL;
}

const char *fiber_name(const struct fiber *f)
{
	return f->name;
}

int *fiber_errno(void)
{
	struct fiber *f = fiber_self();
	return f ? &f->err : &no_fiber_errno;
}

int fiber_thread(void)
{
	struct fsched *s = cur_sched();
	return s ? s->idx : -1;
}

int fiber_sleep(long ticks)
{
	return sleep(ticks);
}

void *fiber_context(void *stack, unsigned long size, void (*entry)(void))
{
	/* The frame fiber_switch pops; its ret goes to entry, with sp at the
	 * stack's (16-byte aligned) top. */
	struct fiber_frame *fr =
		(struct fiber_frame *)(((uint64_t)stack + size) & ~15UL) - 1;
	memset(fr, 0, sizeof(*fr));
	fr->ra = (uint64_t)entry;
	return fr;
}

/* A new fiber's first instruction (its frame's ra). */
static void __attribute__((noreturn)) fiber_boot(void)
{
	struct fiber *f = cur_sched()->cur;
	f->fn(f->arg);
	fiber_exit(0);
}

struct fiber *fiber_new(struct frun *r, void (*fn)(void *), void *arg, const char *name,
			unsigned long stack)
{
	struct fiber *f = calloc(1, sizeof(*f));

	stack = ALIGN_UP(stack ? stack : r->stack, 16);
	if (!f || stack < 1024 || !(f->stack = malloc(stack))) {
		free(f);
		return NULL;
	}
	f->stack_size = stack;
	f->fn = fn;
	f->arg = arg;
	snprintf(f->name, sizeof(f->name), "%s", name ? name : "fiber");
	for (int i = 0; i < CANARY_WORDS; i++)
		((uint64_t *)f->stack)[i] = CANARY;
	f->sp = fiber_context(f->stack, stack, fiber_boot);
	ulock_acquire(&r->lk);
	f->all_next = r->all;
	if (r->all)
		r->all->all_pprev = &f->all_next;
	f->all_pprev = &r->all;
	r->all = f;
	ulock_release(&r->lk);
	__atomic_add_fetch(&r->live, 1, __ATOMIC_RELAXED);
	return f;
}

void fiber_free(struct frun *r, struct fiber *f)
{
	ulock_acquire(&r->lk);
	*f->all_pprev = f->all_next;
	if (f->all_next)
		f->all_next->all_pprev = f->all_pprev;
	ulock_release(&r->lk);
	free(f->stack);
	free(f);
}

struct fiber *fiber_create(void (*fn)(void *), void *arg, const char *name, unsigned long stack)
{
	struct fiber *f = fiber_new(fiber_run_now, fn, arg, name, stack);
	if (f)
		fiber_ready(f);
	return f;
}

int fiber_join(struct fiber *f, long *value)
{
	struct fiber *me = fiber_self();

	if (f == me)
		return -EINVAL;
	ulock_acquire(&f->lk);
	if (f->state != F_DONE) {
		f->joiner = me;
		me->state = F_PARKED;
		fiber_park(&f->lk); /* finish() readies us */
	} else {
		ulock_release(&f->lk);
	}
	if (value)
		*value = f->value;
	fiber_free(fiber_run_now, f);
	return 0;
}

/* The canary and the saved sp of f, which just switched out: an overflow
 * ends the process, naming the fiber (its memory below is not to be
 * trusted any more). */
static void check_stack(struct fiber *f)
{
	const uint64_t *c = (const uint64_t *)f->stack;
	uint64_t diff = 0;

	/* Unrolled, no branch per word: this runs at every switch. */
#pragma GCC unroll 8
	for (int i = 0; i < CANARY_WORDS; i++)
		diff |= c[i] ^ CANARY;
	if (!diff && (char *)f->sp >= f->stack + CANARY_WORDS * 8)
		return;
	fprintf(2, "fiber: stack overflow in fiber '%s' (%lu-byte stack at %p): exiting\n",
		f->name, f->stack_size, f->stack);
	exit(FIBER_EXIT_OVERFLOW);
}

/* f ended: wake its joiner. Its memory is the joiner's from here. */
static void finish(struct frun *r, struct fsched *s, struct fiber *f)
{
	struct fiber *j;

	ulock_acquire(&f->lk);
	f->state = F_DONE;
	j = f->joiner;
	ulock_release(&f->lk);
	if (j)
		fiber_ready_on(s, j);
	if (__atomic_sub_fetch(&r->live, 1, __ATOMIC_SEQ_CST) == 0)
		wake_sleepers(r, true); /* the run is over: every thread leaves */
}

/* f yielded on s (s's own loop): back to the tail of s's queue, and the
 * head out as s->next, the loop's next to run, under one hold of the lock
 * (fiber_ready_on and pop would take it twice). A lone f runs on without
 * touching the queue, as a push and a pop would have run it. */
static void requeue(struct frun *r, struct fsched *s, struct fiber *f)
{
	long left = 0;

	s->next = f;
	if (!__atomic_load_n(&s->qlen, __ATOMIC_RELAXED))
		return;
	ulock_acquire(&s->qlk);
	f->state = F_READY;
	fq_push(&s->q, f);
	s->next = fq_pop(&s->q); /* s->qlen stays */
	left = s->qlen;
	ulock_release(&s->qlk);
	/* Fibers wait here while s runs one: a sleeping thread may steal
	 * them. As in fiber_ready_on, the fence orders the queue before the
	 * load of nasleep; it pairs with the one in nap(). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (left && __atomic_load_n(&r->nasleep, __ATOMIC_RELAXED))
		wake_sleepers(r, false);
}

/* Run f until it switches out, then do what it asked for. */
static void run_one(struct frun *r, struct fsched *s, struct fiber *f)
{
	__atomic_store_n(&s->cur, f, __ATOMIC_RELAXED); /* stealable() reads it */
	f->state = F_RUNNING;
	s->st.dispatches++;
	fiber_switch(&s->sp, f->sp);
	__atomic_store_n(&s->cur, NULL, __ATOMIC_RELAXED);
	check_stack(f);
	/* LAB fibers: BEGIN */
	if (s->after == A_REQUEUE)
		requeue(r, s, f);
	else if (s->after == A_PARK && s->after_lock)
		ulock_release(s->after_lock);
	else if (s->after == A_EXIT)
		finish(r, s, f);
	/* LAB fibers: ELSE
	// Stub: say so and end the process (the fiber is neither queued
	// again, nor its lock released, nor its end reported).
	UNUSED(r);
	UNUSED(requeue);
	UNUSED(finish);
	lab_missing("fibers", "run_one not implemented");
	exit(1);
	   LAB fibers: END */
}

/* The fiber at the head of s's run queue, or NULL. */
static struct fiber *pop(struct fsched *s)
{
	/* LAB fibers: BEGIN */
	struct fiber *f;

	if (!__atomic_load_n(&s->qlen, __ATOMIC_RELAXED))
		return NULL;
	ulock_acquire(&s->qlk);
	f = fq_pop(&s->q);
	if (f)
		__atomic_store_n(&s->qlen, s->qlen - 1, __ATOMIC_RELAXED);
	ulock_release(&s->qlk);
	return f;
	/* LAB fibers: ELSE
	// Stub: say so and end the process (no fiber would ever run).
	UNUSED(s);
	lab_missing("fibers", "pop not implemented");
	exit(1);
	   LAB fibers: END */
}

/* A ready fiber from another thread's queue (it migrates here). */
static struct fiber *steal(struct frun *r, struct fsched *s)
{
	/* LAB fibers: BEGIN */
	for (int k = 1; k < r->nthreads; k++) {
		struct fsched *o = &r->sched[(s->idx + k) % r->nthreads];
		struct fiber *f = stealable(o) ? pop(o) : NULL;
		if (f) {
			s->st.steals++;
			return f;
		}
	}
	return NULL;
	/* LAB fibers: ELSE
	// Stub: nothing is ever stolen; an idle thread only naps.
	static bool said;
	UNUSED(r);
	UNUSED(s);
	if (!said)
		said = lab_missing("fibers", "steal not implemented");
	return NULL;
	   LAB fibers: END */
}

static bool others_ready(struct frun *r, struct fsched *s)
{
	for (int k = 1; k < r->nthreads; k++)
		if (stealable(&r->sched[(s->idx + k) % r->nthreads]))
			return true;
	return false;
}

/* Nothing ready and nothing in flight: sleep in a read of our wake pipe
 * until a thread with work to spare, or the run's end, writes to it.
 * Mark, fence, look once more (pairs with fiber_ready_on's fence): either
 * we see the new work or its pusher sees our mark. */
static void nap(struct frun *r, struct fsched *s)
{
	char c;
	int one = 1;

	__atomic_store_n(&s->asleep, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&r->nasleep, 1, __ATOMIC_SEQ_CST);
	if ((s->qlen || others_ready(r, s) || !__atomic_load_n(&r->live, __ATOMIC_SEQ_CST)) &&
	    __atomic_compare_exchange_n(&s->asleep, &one, 0, false, __ATOMIC_SEQ_CST,
					__ATOMIC_RELAXED)) {
		__atomic_sub_fetch(&r->nasleep, 1, __ATOMIC_RELAXED);
		return;
	}
	/* Asleep, or a waker took the mark and its byte is on the way. */
	s->st.naps++;
	syscall_nr(SYS_read, s->wake[0], (long)&c, 1, 0, 0, 0);
	__atomic_sub_fetch(&r->nasleep, 1, __ATOMIC_RELAXED);
}

/* Nothing ready here: spin for the budget looking for completions and
 * for work to steal, then sleep in one trap. The budget is longer with
 * a few entries out (FIBER_SPIN_FEW_US); but once FIBER_UNTAKEN_US have
 * passed with an entry no worker has taken, the trap comes at once and
 * runs it (fio_idle), unless the run is page_only. */
static void idle(struct frun *r, struct fsched *s)
{
	uint64_t t0 = fiber_rdtime(), now = t0;
	long out = fio_inflight(s);
	uint64_t budget = (uint64_t)(out > 0 && out <= FIBER_FEW ? r->spin_few_ticks : r->spin_ticks);
	bool looked = !r->serve_idle;

	__atomic_store_n(&s->idle, 1, __ATOMIC_RELAXED); /* fiber_ready_reaped may hand us one */
	while (now - t0 < budget) {
		if (s->qlen || others_ready(r, s) || !__atomic_load_n(&r->live, __ATOMIC_ACQUIRE) ||
		    (fio_inflight(s) && fio_reap(s)))
			goto out;
		now = fiber_rdtime();
		if (!looked && now - t0 >= (uint64_t)r->untaken_ticks) {
			looked = true;
			if (fio_untaken(s))
				break;
		}
	}
	if (fio_inflight(s)) {
		/* Nobody wakes xl_wait for a handed fiber: stop being idle
		 * under our queue lock, which fiber_ready_reaped holds to give
		 * us one, and look at the queue once more. */
		long n;
		ulock_acquire(&s->qlk);
		__atomic_store_n(&s->idle, 0, __ATOMIC_RELAXED);
		n = s->qlen;
		ulock_release(&s->qlk);
		if (!n)
			fio_idle(s);
	} else {
		nap(r, s); /* a handed fiber wakes us (fiber_ready_reaped) */
	}
out:
	__atomic_store_n(&s->idle, 0, __ATOMIC_RELAXED);
	s->st.idle_ticks += fiber_rdtime() - t0;
}

void fiber_sched_loop(struct frun *r, struct fsched *s)
{
	unsigned n = 0;

	for (;;) {
		struct fiber *f = s->next ? s->next : pop(s);
		s->next = NULL;
		if (!f && fio_inflight(s) && fio_reap(s))
			continue;
		if (!f)
			f = steal(r, s);
		if (f) {
			run_one(r, s, f);
			/* CPU-bound fibers must not hold completions back */
			if (++n % 16 == 0 && fio_inflight(s))
				fio_reap(s);
			continue;
		}
		if (!__atomic_load_n(&r->live, __ATOMIC_ACQUIRE))
			return;
		idle(r, s);
	}
}
