// SPDX-License-Identifier: MIT
// The scheduler: one run queue under one lock, a loop per hart, affinity.
#include "sched.h"
#include "kernel/hart.h"
#include "kernel/ipi.h"
#include "kernel/printk.h"
#include "proc.h"
#include "sched_lock.h"
#include "thread.h"
#include "kernel/mm/vm.h"
#include "kernel/time.h"
#include "lib/errno.h"

struct spinlock sched_lock = SPINLOCK_INIT("sched");
static struct thread *runq_head, *runq_tail;
/* Sleepers by channel: a wakeup walks one bucket, not every thread (it
 * holds sched_lock, which every hart's scheduler loop takes). */
#define SLEEPQ 64
static struct thread *sleepq[SLEEPQ];
static int tick_sleepers; /* threads in sched_sleep_ticks, under sched_lock */
static int timed_sleepers; /* threads in sleep_on_until (atomic) */
static char tick_chan;
static sched_park_fn park_hook; /* set once at boot */

void sched_register_park_hook(sched_park_fn fn)
{
	park_hook = fn;
}

/* May hart h run t? Reserved harts run only the threads pinned to them. */
static bool allowed(const struct thread *t, int h)
{
	if (t->pin >= 0)
		return t->pin == h;
	return harts[h].role == ROLE_GENERAL;
}

/* Queued threads pinned to no hart; with each hart's nready they let an
 * idle hart see without the lock whether the queue holds work for it. */
static volatile int nfree_ready;

/* d threads pinned to pin (-1: none) joined (1) or left (-1) the queue
 * (sched_lock held): the counts that work_for reads. */
static void count_ready(int pin, int d)
{
	if (pin >= 0)
		harts[pin].nready += d;
	else
		nfree_ready += d;
}

static void enqueue(struct thread *t)
{
	count_ready(t->pin, 1);
	t->state = T_RUNNABLE;
	t->next = NULL;
	if (runq_tail)
		runq_tail->next = t;
	else
		runq_head = t;
	runq_tail = t;
}

/* The first queued thread that hart h may run, taken off the queue. */
static struct thread *dequeue_for(int h)
{
	struct thread *prev = NULL;
	for (struct thread *t = runq_head; t; prev = t, t = t->next) {
		if (!allowed(t, h))
			continue;
		if (prev)
			prev->next = t->next;
		else
			runq_head = t->next;
		if (runq_tail == t)
			runq_tail = prev;
		count_ready(t->pin, -1);
		return t;
	}
	return NULL;
}

/* Wake one idle hart that may run t (sched_lock held). */
static void kick(struct thread *t)
{
	/* Pairs with the fence in sched_run between idle and work_for:
	 * either that hart sees t counted, or we see it idle. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (int h = 0; h < MAX_HARTS; h++)
		if (harts[h].online && harts[h].idle && allowed(t, h)) {
			harts[h].idle = false;
			ipi_send(h, IPI_RESCHED);
			return;
		}
}

/*
 * sched_set_affinity - see sched.h. Takes the scheduler lock. A queued
 * thread's count moves to its new hart's nready; a running one that may
 * no longer stay where it is gives up its hart: at once if it is the
 * caller, else at its next return to user mode (an IPI asks for it).
 */
int sched_set_affinity(struct proc *p, int tid, int pin)
{
	struct thread *t, *me = curthread();
	bool move, self;

	spin_lock(&sched_lock);
	t = tid ? thread_by_tid(tid) : me;
	if (!t || t->proc != p || t->sys ||
	    (t->state != T_RUNNABLE && t->state != T_RUNNING && t->state != T_SLEEPING)) {
		spin_unlock(&sched_lock);
		return -EINVAL;
	}
	if (t->state == T_RUNNABLE) {
		count_ready(t->pin, -1);
		count_ready(pin, 1);
	}
	t->pin = pin;
	self = t == me;
	move = t->state == T_RUNNING && !allowed(t, t->hart);
	if (move && !self)
		ipi_send(t->hart, IPI_RESCHED);
	if (t->state == T_RUNNABLE)
		kick(t);
	spin_unlock(&sched_lock);
	if (move && self)
		sched_yield(); /* back only on an allowed hart */
	return 0;
}

void sched_make_runnable(struct thread *t)
{
	spin_lock(&sched_lock);
	enqueue(t);
	kick(t);
	spin_unlock(&sched_lock);
}

void sched(void)
{
	struct hart *h = this_hart();
	struct thread *t = h->current;
	bool was_on = h->intr_was_on;

	if (!spin_holding(&sched_lock) || h->intr_depth != 1)
		panic("sched: must hold exactly the scheduler lock (depth %d)", h->intr_depth);
	if (t->state == T_RUNNING)
		panic("sched: thread %d is still running", t->tid);
	arch_switch_to(&t->ctx, &h->sched_ctx);
	/* Back, perhaps on another hart: the interrupt state is the thread's. */
	this_hart()->intr_was_on = was_on;
}

void sched_yield(void)
{
	spin_lock(&sched_lock);
	enqueue(curthread());
	sched();
	spin_unlock(&sched_lock);
}

static struct thread **bucket(const void *chan)
{
	uintptr_t k = (uintptr_t)chan;
	return &sleepq[(k >> 3 ^ k >> 9 ^ k >> 15) % SLEEPQ];
}

/* t goes to sleep on chan: into its bucket (sched_lock held). */
static void sleepq_add(struct thread *t, void *chan)
{
	struct thread **b = bucket(chan);
	t->chan = chan;
	t->snext = *b;
	t->sprev = b;
	if (*b)
		(*b)->sprev = &t->snext;
	*b = t;
}

void sched_wake_locked(struct thread *t)
{
	/* Out of its bucket, wherever the wake-up comes from (a wakeup, a
	 * kill, a timeout). */
	if (t->sprev) {
		*t->sprev = t->snext;
		if (t->snext)
			t->snext->sprev = t->sprev;
		t->sprev = NULL;
		t->snext = NULL;
	}
	t->chan = NULL;
	enqueue(t);
	kick(t);
}

void wakeup_locked(void *chan)
{
	struct thread *t = *bucket(chan), *next;
	for (; t; t = next) {
		next = t->snext; /* t leaves the bucket if it is woken */
		if (t->state == T_SLEEPING && t->chan == chan)
			sched_wake_locked(t);
	}
}

void wakeup(void *chan)
{
	spin_lock(&sched_lock);
	wakeup_locked(chan);
	spin_unlock(&sched_lock);
}

int sleep_on(void *chan, struct spinlock *lk)
{
	struct thread *t = curthread();
	if (proc_killed())
		return -EINTR;
	/* Take sched_lock before letting go of lk: a wakeup needs sched_lock,
	 * so it cannot slip in between the caller's check and our sleep. */
	if (lk != &sched_lock) {
		spin_lock(&sched_lock);
		spin_unlock(lk);
	}
	/* Again under sched_lock: a kill (or cancel) between the first look
	 * and here wakes only threads already asleep, and would miss us. */
	if (proc_killed()) {
		if (lk != &sched_lock) {
			spin_unlock(&sched_lock);
			spin_lock(lk);
		}
		return -EINTR;
	}
	sleepq_add(t, chan);
	t->state = T_SLEEPING;
	t->nsleeps++;
	if (t->sys && park_hook)
		park_hook(t, true);
	sched();
	if (t->sys && park_hook)
		park_hook(t, false);
	if (lk != &sched_lock) {
		spin_unlock(&sched_lock);
		spin_lock(lk);
	}
	return proc_killed() ? -EINTR : 0;
}

int sleep_on_until(void *chan, struct spinlock *lk, uint64_t deadline)
{
	struct thread *t = curthread();
	int err;
	t->wake_tick = deadline;
	__atomic_add_fetch(&timed_sleepers, 1, __ATOMIC_RELAXED);
	err = sleep_on(chan, lk);
	__atomic_sub_fetch(&timed_sleepers, 1, __ATOMIC_RELAXED);
	t->wake_tick = 0;
	return err;
}

/* Wake the sleep_on_until sleepers whose deadline has passed. */
static void wake_expired(void)
{
	uint64_t now = sched_ticks();
	spin_lock(&sched_lock);
	for (int i = 0; i < NTHREAD; i++) {
		struct thread *t = &threads[i];
		if (t->state == T_SLEEPING && t->wake_tick && t->wake_tick <= now)
			sched_wake_locked(t);
	}
	spin_unlock(&sched_lock);
}

bool sched_others_ready(void)
{
	struct hart *h = this_hart();
	return __atomic_load_n(&h->nready, __ATOMIC_RELAXED) > 0 || h->need_resched;
}

/* Run t on this hart until it gives the hart back (sched_lock held). */
static void run(struct hart *h, struct thread *t)
{
	t->state = T_RUNNING;
	t->hart = h->id;
	h->current = t;
	h->need_resched = false;
	arch_set_kernel_stack(t->kstack_lo, t->kstack_top);
	/* Syscall threads reach user memory only through copyin/copyout's
	 * page walk: they stay on the kernel's table (no TLB flush). */
	vm_activate(t->proc && !t->sys && !t->exiting ? t->proc->vm : NULL); /* NULL once torn down */
	arch_switch_to(&h->sched_ctx, &t->ctx);
	h = this_hart();
	arch_use_boot_stack(); /* the scheduler's stack, and its guard */
	/* The scheduler always runs on the kernel's table: the process we
	 * just ran may be freed by its last thread on another hart. */
	vm_activate(NULL);
	h->current = NULL;
}

/* Serve hart_call work (hart.c), with interrupts on. */
static void serve_calls(struct hart *h)
{
	void (*fn)(void *) = __atomic_load_n(&h->call_fn, __ATOMIC_ACQUIRE);
	if (fn) {
		fn(h->call_arg);
		__atomic_store_n(&h->call_fn, NULL, __ATOMIC_RELEASE);
	}
}

/* Does the queue hold a thread hart h may run? A look without the lock:
 * an idle hart that was woken for nothing (an interrupt, a thread another
 * hart took) goes back to wfi without queueing for sched_lock behind the
 * harts that are switching threads. */
static bool work_for(const struct hart *h)
{
	return __atomic_load_n(&h->nready, __ATOMIC_RELAXED) > 0 ||
	       (h->role == ROLE_GENERAL && __atomic_load_n(&nfree_ready, __ATOMIC_RELAXED) > 0);
}

void sched_run(void)
{
	struct hart *h = this_hart();
	for (;;) {
		struct thread *t = NULL;
		arch_intr_on();
		serve_calls(h);
		if (work_for(h)) {
			spin_lock(&sched_lock);
			if ((t = dequeue_for(h->id)))
				run(h, t);
			spin_unlock(&sched_lock);
		}
		if (t)
			continue;
		/* From here a kick() sends us an IPI. The fence pairs with
		 * the one in kick(): either it sees idle, or we see its
		 * thread counted. With SIE clear the IPI stays pending and
		 * still ends the wfi. */
		__atomic_store_n(&h->idle, true, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		arch_intr_off();
		if (!work_for(h) && h->idle && !h->call_fn)
			arch_wait();
		__atomic_store_n(&h->idle, false, __ATOMIC_RELAXED);
	}
}

void sched_tick(void)
{
	struct hart *h = this_hart();
	if (h->current)
		h->need_resched = true;
	if (__atomic_load_n(&tick_sleepers, __ATOMIC_RELAXED))
		wakeup(&tick_chan);
	if (__atomic_load_n(&timed_sleepers, __ATOMIC_RELAXED))
		wake_expired();
}

void sched_preempt_point(void)
{
	struct hart *h = this_hart();
	if (h->current && h->need_resched) {
		h->need_resched = false;
		sched_yield();
	}
}

uint64_t sched_ticks(void)
{
	return arch_time() / (machine.timebase / timer_hz());
}

int sched_sleep_ticks(uint64_t n)
{
	uint64_t until = sched_ticks() + n;
	int err = 0;
	spin_lock(&sched_lock);
	tick_sleepers++;
	while (sched_ticks() < until && !err)
		err = sleep_on(&tick_chan, &sched_lock);
	tick_sleepers--;
	spin_unlock(&sched_lock);
	return err;
}
