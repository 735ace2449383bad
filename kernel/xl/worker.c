// SPDX-License-Identifier: MIT
// Exception-less system calls, the syscall threads: on a worker hart,
// kernel threads of the owning process take SUBMITTED entries from its
// pages in batches, run them through the trap path's dispatcher and
// publish the batch's results at once. A process has a pool of them on
// each worker hart; one that blocks in a handler parks (publishing what
// its batch holds so far), and the next poller (kernel/xl/poll.c) wakes an
// idle one or makes another, so blocking calls never stall the ring.
#include "xl_internal.h"
#include "kernel/hart.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/sched.h"
#include "kernel/syscall.h"
#include "kernel/proc/thread.h"
#include "lib/errno.h"

#define XL_QUOTA 32      /* entries one syscall thread runs before yielding */

/* Is a thread other than the worker thread waiting for this hart? The
 * worker thread is always runnable while awake, and a polling syscall
 * thread does its work: no need to let it in. */
static bool others_ready(struct xl_worker *w)
{
	int n = __atomic_load_n(&harts[w->hart].nready, __ATOMIC_RELAXED);
	if (w->thread && w->thread->state == T_RUNNABLE)
		n--;
	return n > 0 || this_hart()->need_resched;
}

/* How many entries this turn looks for on r's page pg (0: none). The
 * user's hint sub_gen (read once here, trusted for nothing) counts the
 * entries it published: a look that left nothing behind is followed by
 * one that stops once it found as many as the hint moved since. A look
 * that left entries behind, and every XL_FULL_LOOK-th turn, looks at
 * every entry, so entries published without the hint (or behind a hint
 * the user rewrote) wait a few turns, never for good. *gen: the hint as
 * read, for look_done. */
static unsigned must_look(struct xl_reg *r, struct xl_page *pg, unsigned turn, uint32_t *gen)
{
	uint32_t d;
	/* Pairs with the library's release between its states and the hint:
	 * a new hint seen means its entries' states are seen. */
	*gen = __atomic_load_n(&pg->hdr.sub_gen, __ATOMIC_ACQUIRE);
	d = *gen - __atomic_load_n(&r->seen_gen, __ATOMIC_RELAXED);
	if (__atomic_load_n(&r->more, __ATOMIC_RELAXED) || turn % XL_FULL_LOOK == 0)
		return XL_ENTRIES;
	return d < XL_ENTRIES ? d : XL_ENTRIES; /* a hint run backwards: all */
}

/* Where a look at r's page starts: the entry taken last. A caller that
 * makes one call at a time reuses the entry it just got back. */
static unsigned look_from(struct xl_reg *r)
{
	return __atomic_load_n(&r->next, __ATOMIC_RELAXED) + XL_ENTRIES - 1;
}

/* A look at r's page, made after reading gen, left the entries in left
 * behind (unvisited: the batch was full). Several threads may race
 * here; a stale value costs a look, or a wait for a full turn. */
static void look_done(struct xl_reg *r, uint32_t gen, uint64_t left)
{
	__atomic_store_n(&r->seen_gen, gen, __ATOMIC_RELAXED);
	__atomic_store_n(&r->more, left != 0, __ATOMIC_RELAXED);
}

/* The pages a syscall thread holds a reference on, by registration
 * index, kept from turn to turn while it polls: a turn then takes no lock
 * for the pages it serves (two lock round trips a turn, each two CSR
 * accesses, were a tenth of a lone entry's round trip). A pin goes when
 * its registration stops, when the context freezes (exec), and whenever
 * the thread stops polling (yield, idle, exit); while it stays, the
 * registration's page cannot change (xl_reg_put clears it at the last
 * reference only). */
struct pins {
	struct xl_page *pg[XL_MAX_PAGES];
};

/* Drop the pin on page i (stop: an END entry was met). Takes c->lock. */
static void unpin(struct xl_ctx *c, struct pins *p, int i, bool stop)
{
	xl_reg_served(c, i, stop);
	p->pg[i] = NULL;
}

static void unpin_all(struct xl_ctx *c, struct pins *p)
{
	for (int i = 0; i < XL_MAX_PAGES; i++)
		if (p->pg[i])
			unpin(c, p, i, false);
}

/* May page i still be served? Racy reads: a stop seen a turn late costs
 * one more look, as a lock taken a moment earlier would. */
static bool servable(struct xl_ctx *c, int i)
{
	return !__atomic_load_n(&c->reg[i].stopped, __ATOMIC_RELAXED) &&
	       !__atomic_load_n(&c->frozen, __ATOMIC_RELAXED);
}

/* Pin page i unless pinned already: false if it may not be served. */
static bool pin(struct xl_ctx *c, struct pins *p, int i)
{
	struct xl_reg *r = &c->reg[i];
	if (p->pg[i])
		return true;
	spin_lock(&c->lock);
	if (r->k && !r->stopped && !c->frozen) {
		r->refs++;
		p->pg[i] = r->k;
	}
	spin_unlock(&c->lock);
	return p->pg[i] != NULL;
}

/* One turn over c's pages, a page at a time, each pinned (p) while we
 * serve it. Returns how many entries ran. */
static int serve(struct xl_pool *pl, struct pins *p, unsigned *rr)
{
	struct xl_ctx *c = pl->ctx;
	int ran = 0;
	for (int k = 0; k < XL_MAX_PAGES && ran < XL_QUOTA && !proc_killed(); k++) {
		int i = (int)((*rr + k) % XL_MAX_PAGES);
		struct xl_reg *r = &c->reg[i];
		struct xl_batch b = { .pl = pl, .ctx = c, .reg = r };
		unsigned next;
		uint64_t work;
		uint32_t gen;
		unsigned want;
		bool stop = false;

		if (p->pg[i] && !servable(c, i))
			unpin(c, p, i, false);
		/* A look without a pin first: reading a page that is being
		 * unregistered is harmless; only taking an entry needs the
		 * reference that keeps it pinned. */
		if (!(b.pg = __atomic_load_n(&r->k, __ATOMIC_RELAXED)) ||
		    !(want = must_look(r, b.pg, *rr, &gen)))
			continue;
		if (!(work = xl_page_work_from(b.pg, look_from(r), want))) {
			look_done(r, gen, 0);
			continue;
		}
		if (!pin(c, p, i))
			continue;
		b.pg = p->pg[i];
		next = __atomic_load_n(&r->next, __ATOMIC_RELAXED);
		/* Seen before it runs: while a handler of this batch sleeps,
		 * pollers look past its entries, but at every entry if it
		 * holds more than one (those may need another thread). */
		look_done(r, gen, work & (work - 1));
		ran += xl_serve_page(&b, &work, &next, &stop);
		look_done(r, gen, work);
		__atomic_store_n(&r->next, next, __ATOMIC_RELAXED); /* a hint: racy */
		if (stop)
			unpin(c, p, i, true);
	}
	(*rr)++;
	return ran;
}

bool xl_pending(struct xl_ctx *c, unsigned pass)
{
	if (__atomic_load_n(&c->frozen, __ATOMIC_RELAXED))
		return false;
	for (int i = 0; i < XL_MAX_PAGES; i++) {
		struct xl_reg *r = &c->reg[i];
		struct xl_page *pg = __atomic_load_n(&r->k, __ATOMIC_RELAXED);
		unsigned want;
		uint32_t gen;
		if (!pg || __atomic_load_n(&r->stopped, __ATOMIC_RELAXED) ||
		    !(want = must_look(r, pg, pass, &gen)))
			continue;
		if (xl_page_work_from(pg, look_from(r), want))
			return true;
	}
	return false;
}

static bool has_pages(struct xl_ctx *c)
{
	for (int i = 0; i < XL_MAX_PAGES && !c->frozen; i++)
		if (c->reg[i].k && !c->reg[i].stopped)
			return true;
	return false;
}

/* Complete c's SUBMITTED entries unrun (c->lock held): -EAGAIN, or the
 * error a number would get anyway. */
static void refuse_all(struct xl_ctx *c, struct xl_worker *w)
{
	for (int i = 0; i < XL_MAX_PAGES; i++) {
		struct xl_batch b = { .pl = &c->pool[w - xl_workers], .ctx = c, .reg = &c->reg[i],
				      .pg = c->reg[i].k };
		if (!b.pg || c->reg[i].stopped)
			continue;
		for (int j = 0; j < XL_ENTRIES; j++) {
			struct xl_entry *e = &b.pg->e[j];
			long err;
			if (__atomic_load_n(&e->state, __ATOMIC_RELAXED) != XL_SUBMITTED || !xl_take(e))
				continue;
			err = syscall_page_refusal(__atomic_load_n(&e->nr, __ATOMIC_RELAXED));
			__atomic_store_n(&e->ret, err ? err : -EAGAIN, __ATOMIC_RELAXED);
			b.refused |= 1UL << b.n;
			b.slot[b.n++] = (uint8_t)j;
		}
		xl_flush(&b, CTX_LOCKED);
	}
}

/* Threads of pl that will get to submitted entries: neither idle nor
 * parked (running, runnable, or inside a handler that has not slept). */
static int going(const struct xl_pool *pl)
{
	return pl->nthreads - pl->nidle - __atomic_load_n(&pl->nparked, __ATOMIC_RELAXED);
}

/* Wake pl's idle threads, if it has any. */
static bool wake_idle(struct xl_pool *pl)
{
	if (!pl->nidle)
		return false;
	pl->kick = true;
	wakeup(&pl->work_chan);
	return true;
}

void xl_get_going(struct xl_ctx *c, struct xl_worker *w)
{
	struct xl_pool *pl = &c->pool[w - xl_workers];
	XL_ASSERT_OK(c);
	if (going(pl) > 0 || wake_idle(pl) || xl_spawn(pl))
		return;
	/* No new thread: a going or idle one on another worker will do. */
	for (int i = 0; i < xl_nworkers; i++)
		if (going(&c->pool[i]) > 0 || wake_idle(&c->pool[i]))
			return;
	/* Every thread sleeps in a handler: nobody can take these entries.
	 * Say so in them. */
	if (xl_ctx_parked(c) >= xl_ctx_threads(c))
		refuse_all(c, w);
}

void xl_kick_idle(struct xl_ctx *c)
{
	for (int i = 0; i < xl_nworkers; i++) {
		c->pool[i].kick = true;
		wakeup(&c->pool[i].work_chan);
	}
}

/* Sleep until there is work for pl (or none will come): false to exit. */
static bool idle(struct xl_pool *pl)
{
	struct xl_ctx *c = pl->ctx;
	bool stay = true;
	spin_lock(&c->lock);
	if (!pl->kick && has_pages(c) && !proc_killed()) {
		pl->nidle++;
		sleep_on(&pl->work_chan, &c->lock);
		pl->nidle--;
	}
	pl->kick = false;
	if (!has_pages(c) || proc_killed())
		stay = false;
	XL_ASSERT_OK(c);
	spin_unlock(&c->lock);
	return stay;
}

/* A turn of the loop below that ran entries: the look at the pages, the
 * locks, the entries, their publication and the poll pass, counted. */
static void count_instret(struct xl_worker *w, int ran, uint64_t ins)
{
	if (ran && ins < XL_INSTRET_CAP) {
		xl_count(&w->st.instret, ins);
		xl_count(&w->st.measured, (uint64_t)ran);
	}
}

/* Has this thread found no work for xl_spin? One read of the clock; a
 * turn that found work marks *last stale, and the next quiet turn's read
 * sets it. */
static bool spun_out(uint64_t *last, bool *stale)
{
	uint64_t now = arch_time();
	if (*stale) {
		*last = now;
		*stale = false;
	}
	return now - *last >= xl_spin_ticks;
}

/* Runs entries of one process on a worker hart, polls for the worker
 * between them, spins a while when there are none, then sleeps. Counted
 * active (polling for the worker) except while idle or parked. A turn
 * that runs entries reads the clock only when it finds nothing, and
 * instret only when that counts instructions (xl_instret): under plain
 * QEMU each read costs as much as some 60 instructions, and a lone
 * entry's turn is a few hundred. */
void xl_syscall_thread_main(void *arg)
{
	struct xl_pool *pl = arg;
	struct xl_ctx *c = pl->ctx;
	struct xl_worker *w = &xl_workers[pl->worker];
	uint64_t last = arch_time();
	struct pins pins = { 0 };
	unsigned rr = 0;
	bool stay = true, stale = false, crowd;

	while (stay && !proc_killed()) {
		uint64_t i0 = xl_instret ? arch_instret() : 0;
		int ran = serve(pl, &pins, &rr);
		if (ran + xl_poll_pass(w, c, false) > 0)
			stale = true;
		if (xl_instret)
			count_instret(w, ran, arch_instret() - i0);
		crowd = others_ready(w);
		if (ran && crowd) {
			unpin_all(c, &pins);
			sched_yield(); /* fair turns with other processes */
		}
		if (ran)
			continue;
		/* Spin alone only: among others, a thread with nothing to do
		 * sleeps, and the pollers wake it when its entries come. Each
		 * spinner's turn costs a switch and a poll pass, and with
		 * tens of them a process waited that many turns for its own. */
		if (!crowd && !spun_out(&last, &stale)) {
			arch_relax();
			continue;
		}
		unpin_all(c, &pins);
		__atomic_sub_fetch(&w->active, 1, __ATOMIC_RELAXED);
		stay = idle(pl);
		__atomic_add_fetch(&w->active, 1, __ATOMIC_RELAXED);
		last = arch_time();
		/* Woken: a poller found entries, maybe by a look that did
		 * not go by the hint. The first turn looks at every entry. */
		rr = (rr | (XL_FULL_LOOK - 1)) + 1;
	}
	unpin_all(c, &pins);
	__atomic_sub_fetch(&w->active, 1, __ATOMIC_RELAXED);
	spin_lock(&c->lock);
	pl->nthreads--;
	xl_sys_thread_gone();
	XL_ASSERT_OK(c);
	spin_unlock(&c->lock);
	thread_exit(0);
}
