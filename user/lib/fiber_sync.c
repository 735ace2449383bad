// SPDX-License-Identifier: MIT
// Fiber synchronisation: mutex, semaphore, condition variable, wait group.
// Each guards its state with a spinlock held only for a few instructions;
// a waiter parks with it held and the scheduler releases it once the
// waiter's context is saved (fiber_park), so a wake-up cannot be lost.
#include "fiber_impl.h"

/* Park the calling fiber on q; lk is held and is released by the park. */
static void wait_on(struct fiber_queue *q, struct ulock *lk)
{
	struct fiber *me = fiber_self();
	me->state = F_PARKED;
	fq_push(q, me);
	fiber_park(lk);
}

void fiber_mutex_lock(struct fiber_mutex *m)
{
	struct fiber *me = fiber_self();

	ulock_acquire(&m->lk);
	if (!m->owner) {
		m->owner = me;
		ulock_release(&m->lk);
		return;
	}
	wait_on(&m->waiters, &m->lk); /* unlock makes us the owner */
}

bool fiber_mutex_trylock(struct fiber_mutex *m)
{
	bool got = false;

	ulock_acquire(&m->lk);
	if (!m->owner) {
		m->owner = fiber_self();
		got = true;
	}
	ulock_release(&m->lk);
	return got;
}

void fiber_mutex_unlock(struct fiber_mutex *m)
{
	struct fiber *next;

	ulock_acquire(&m->lk);
	next = fq_pop(&m->waiters);
	m->owner = next; /* handed over: nobody can take it in between */
	ulock_release(&m->lk);
	if (next)
		fiber_ready(next);
}

void fiber_sem_init(struct fiber_sem *s, long count)
{
	memset(s, 0, sizeof(*s));
	s->count = count;
}

void fiber_sem_wait(struct fiber_sem *s)
{
	ulock_acquire(&s->lk);
	if (s->count > 0) {
		s->count--;
		ulock_release(&s->lk);
		return;
	}
	wait_on(&s->waiters, &s->lk); /* post hands us its unit */
}

void fiber_sem_post(struct fiber_sem *s)
{
	struct fiber *w;

	ulock_acquire(&s->lk);
	w = fq_pop(&s->waiters);
	if (!w)
		s->count++;
	ulock_release(&s->lk);
	if (w)
		fiber_ready(w);
}

void fiber_cond_wait(struct fiber_cond *c, struct fiber_mutex *m)
{
	/* On c's queue before m goes: a signal after the unlock finds us. */
	ulock_acquire(&c->lk);
	fiber_mutex_unlock(m);
	wait_on(&c->waiters, &c->lk);
	fiber_mutex_lock(m);
}

void fiber_cond_signal(struct fiber_cond *c)
{
	struct fiber *w;

	ulock_acquire(&c->lk);
	w = fq_pop(&c->waiters);
	ulock_release(&c->lk);
	if (w)
		fiber_ready(w);
}

void fiber_cond_broadcast(struct fiber_cond *c)
{
	struct fiber_queue all;

	ulock_acquire(&c->lk);
	all = c->waiters;
	c->waiters = (struct fiber_queue){ 0 };
	ulock_release(&c->lk);
	for (struct fiber *w = fq_pop(&all); w; w = fq_pop(&all))
		fiber_ready(w);
}

void fiber_wg_add(struct fiber_wg *w, long n)
{
	ulock_acquire(&w->lk);
	w->count += n;
	ulock_release(&w->lk);
}

void fiber_wg_done(struct fiber_wg *w)
{
	struct fiber_queue all = { 0 };

	ulock_acquire(&w->lk);
	if (--w->count <= 0) {
		all = w->waiters;
		w->waiters = (struct fiber_queue){ 0 };
	}
	ulock_release(&w->lk);
	for (struct fiber *f = fq_pop(&all); f; f = fq_pop(&all))
		fiber_ready(f);
}

void fiber_wg_wait(struct fiber_wg *w)
{
	ulock_acquire(&w->lk);
	if (w->count <= 0) {
		ulock_release(&w->lk);
		return;
	}
	wait_on(&w->waiters, &w->lk);
}
