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
#include "kernel/lab.h" /* the student tree's stubs */
#include "kernel/printk.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/sched.h"
#include "kernel/proc/sched_lock.h"
#include "kernel/syscall.h"
#include "kernel/proc/thread.h"
#include "lib/errno.h"

#define XL_PAGE_QUOTA 16 /* entries taken from one page per turn: a batch */
#define XL_QUOTA 32      /* entries one syscall thread runs before yielding */
#define XL_FULL_LOOK 8   /* every this many turns look at every page's states */

/* Results of one page, run and not yet published (on the serving
 * thread's stack; the park hook finds it through in_call). */
struct xl_batch {
	struct xl_pool *pl;
	struct xl_reg *reg;    /* referenced by the server while it serves */
	struct xl_page *pg;
	int n;                 /* results held */
	uint64_t refused;      /* bit k: slot[k] was refused unrun */
	uint8_t slot[XL_ENTRIES];
};

/* The batch whose entry each syscall thread is running a handler for, by
 * thread slot (NULL between entries). */
static struct xl_batch *in_call[NTHREAD];

/* How notify may wake xl_wait callers. */
enum { UNLOCKED, CTX_LOCKED, SCHED_LOCKED };

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

/* Tell xl_wait callers of c that entries completed (once per batch). */
static void notify(struct xl_ctx *c, int how)
{
	/* Pairs with the fence in sys_xl_wait (no lost wake-up): either it
	 * sees our COMPLETED or we see its waiters. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&c->waiters, __ATOMIC_RELAXED))
		return;
	if (how == SCHED_LOCKED) {
		/* From the park hook: c->lock would invert the lock order. A
		 * waiter between its count and its sleep misses this; its
		 * xl_wait timeout (the library's 10 ticks) is the net. */
		wakeup_locked(&c->done_chan);
		return;
	}
	if (how == UNLOCKED)
		spin_lock(&c->lock);
	wakeup(&c->done_chan);
	if (how == UNLOCKED)
		spin_unlock(&c->lock);
}

/* Append n entry indices to pg's completion queue. The user's cq_head is
 * read once and trusted for nothing but room: a record goes in only if
 * the records between it and our tail are fewer than XL_CQ_SIZE; else
 * (CQ full, or a head ahead of the tail or too far behind) it is counted
 * in cq_lost and the user finds the entry by its state. */
static void post_cq(struct xl_ctx *c, struct xl_reg *r, struct xl_page *pg, const uint8_t *slot,
		    int n)
{
	uint32_t head, tail, lost = 0;
	spin_lock(&c->cq_lock);
	tail = r->cq_tail;
	head = __atomic_load_n(&pg->hdr.cq_head, __ATOMIC_RELAXED);
	for (int k = 0; k < n; k++) {
		if (tail - head >= XL_CQ_SIZE) {
			lost++;
			continue;
		}
		__atomic_store_n(&pg->cq[tail % XL_CQ_SIZE], slot[k], __ATOMIC_RELAXED);
		tail++;
	}
	r->cq_tail = tail;
	/* The records before the tail: pairs with the user's load-acquire
	 * of cq_tail (user/lib/xl.c drain). */
	__atomic_store_n(&pg->hdr.cq_tail, tail, __ATOMIC_RELEASE);
	spin_unlock(&c->cq_lock);
	if (lost)
		__atomic_add_fetch(&pg->hdr.cq_lost, lost, __ATOMIC_RELAXED);
}

/* Publish the results b holds: counters once, each state EXECUTING ->
 * COMPLETED, the CQ records, one notify. */
static void flush(struct xl_batch *b, int how)
{
	struct xl_page *pg = b->pg;
	struct xl_worker *w = &xl_workers[b->pl->worker];
	uint64_t nref = (uint64_t)__builtin_popcountl(b->refused), dref = 0, dropped = 0;
	uint8_t done[XL_ENTRIES];
	int ok = 0;

	if (!b->n)
		return;
	/* Counted before the states: whoever sees COMPLETED sees it counted
	 * (a dropped one is taken off again below). */
	xl_count(&pg->hdr.completed, (uint64_t)b->n);
	xl_count(&pg->hdr.rejected, nref);
	__atomic_store_n(&pg->hdr.worker, (uint32_t)w->hart, __ATOMIC_RELAXED);
	for (int k = 0; k < b->n; k++) {
		/* LAB xl: BEGIN */
		uint32_t s = XL_EXECUTING;
		/* ret before COMPLETED (release: pairs with the user's acquire
		 * of the state or of cq_tail); if the user scribbled on the
		 * state meanwhile, the entry is theirs again and we leave it. */
		if (__atomic_compare_exchange_n(&pg->e[b->slot[k]].state, &s, XL_COMPLETED, false,
						__ATOMIC_RELEASE, __ATOMIC_RELAXED)) {
			done[ok++] = b->slot[k];
			continue;
		}
		/* LAB xl: ELSE
		// Stub: so that no caller waits for ever, every entry "completes"
		// by plain stores with -ENOSYS instead of its result.
		static bool said;
		if (!said)
			said = lab_missing("xl", "publish not implemented");
		pg->e[b->slot[k]].ret = -ENOSYS;
		pg->e[b->slot[k]].state = XL_COMPLETED;
		done[ok++] = b->slot[k];
		continue;
		   LAB xl: END */
		dropped++;
		dref += (b->refused >> k) & 1;
	}
	if (dropped) {
		__atomic_sub_fetch(&pg->hdr.completed, dropped, __ATOMIC_RELAXED);
		__atomic_sub_fetch(&pg->hdr.rejected, dref, __ATOMIC_RELAXED);
		xl_count(&pg->hdr.dropped, dropped);
	}
	post_cq(b->pl->ctx, b->reg, pg, done, ok);
	xl_count(&w->st.served, (uint64_t)ok);
	xl_count(&w->st.rejected, nref - dref);
	xl_count(&w->st.dropped, dropped);
	b->n = 0;
	b->refused = 0;
	notify(b->pl->ctx, how);
}

void xl_thread_parks(struct thread *t, bool asleep)
{
	struct xl_batch *b = in_call[t - threads];
	struct xl_worker *w;
	if (!b)
		return;
	w = &xl_workers[b->pl->worker];
	xl_count(asleep ? &w->st.parked : &w->st.resumed, 1);
	__atomic_add_fetch(&b->pl->nparked, asleep ? 1 : -1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&w->active, asleep ? -1 : 1, __ATOMIC_RELAXED);
	if (asleep)
		flush(b, SCHED_LOCKED); /* what ran before must not wait for this one */
}

/* Copy, check and run the entry e, which has become ours to run, as b's
 * next; a refusal is marked in b (the handler's own errors are results). */
static long execute(struct xl_batch *b, volatile struct xl_entry *e)
{
	struct thread *t = curthread();
	struct sys_args a;
	unsigned nr = e->nr;
	long ret;
	int n;

	if ((ret = syscall_page_refusal(nr))) {
		b->refused |= 1UL << b->n;
		return ret;
	}
	/* From here on we use the copy: the user may rewrite the entry. Only
	 * the arguments the call reads (the list's nargs); the rest are 0. */
	n = syscall_nargs(nr);
	for (int i = 0; i < SYSCALL_MAX_ARGS; i++)
		a.a[i] = i < n ? e->arg[i] : 0;
	in_call[t - threads] = b; /* a park inside publishes b's results */
	ret = syscall_dispatch(nr, &a);
	in_call[t - threads] = NULL;
	return ret;
}

/* Take entry e if it is SUBMITTED: true if it was ours. */
static bool take(struct xl_entry *e)
{
	/* LAB xl: BEGIN */
	uint32_t s = XL_SUBMITTED;
	/* The arguments after SUBMITTED (acquire: pairs with the release
	 * fence in user/lib/xl.c submit()); one taker wins. */
	return __atomic_compare_exchange_n(&e->state, &s, XL_EXECUTING, false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
	/* LAB xl: ELSE
	// Stub: a look and a store, no atomicity and no ordering: two
	// syscall threads can both take one entry.
	static bool said;
	if (!said)
		said = lab_missing("xl", "take not implemented");
	if (e->state != XL_SUBMITTED)
		return false;
	e->state = XL_EXECUTING;
	return true;
	   LAB xl: END */
}

/* pg's entries SUBMITTED or END, a bit per entry (one look, reads only:
 * a snapshot the take's compare-and-swap checks again). */
static uint64_t page_work(const struct xl_page *pg)
{
	uint64_t bits = 0;
	for (int j = 0; j < XL_ENTRIES; j++) {
		uint32_t s = __atomic_load_n(&pg->e[j].state, __ATOMIC_RELAXED);
		if (s == XL_SUBMITTED || s == XL_END)
			bits |= 1UL << j;
	}
	return bits;
}

/* The index of x's lowest set bit (x not 0): a de Bruijn multiply and a
 * table, since rv64imac has no count-trailing-zeros instruction (gcc's
 * __builtin_ctzl calls libgcc, some 20 instructions an entry). */
static int lowest_bit(uint64_t x)
{
	static const uint8_t pos[64] = {
		0,  1,  48, 2,  57, 49, 28, 3,  61, 58, 50, 42, 38, 29, 17, 4,
		62, 55, 59, 36, 53, 51, 43, 22, 45, 39, 33, 30, 24, 18, 12, 5,
		63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21, 44, 32, 23, 11,
		46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9,  13, 8,  7,  6,
	};
	return pos[((x & -x) * 0x03f79d71b4cb0a89UL) >> 58];
}

/* The next entry of bits at or after *i, round the page: its index, or -1. */
static int next_bit(uint64_t bits, unsigned i)
{
	uint64_t from = bits & (~0UL << i);
	if (!bits)
		return -1;
	return lowest_bit(from ? from : bits);
}

/* Run up to XL_PAGE_QUOTA of the entries in *work (page_work's look at
 * b's page), from *next on round the page, then publish them; *stop if
 * an END entry says so. Only the entries the look found are visited: no
 * second scan; *work keeps those not visited. How many ran. */
static int serve_page(struct xl_batch *b, uint64_t *work, unsigned *next, bool *stop)
{
	struct xl_page *pg = b->pg;
	int ran = 0, i;
	while (ran < XL_PAGE_QUOTA && (i = next_bit(*work, *next % XL_ENTRIES)) >= 0) {
		uint32_t s = __atomic_load_n(&pg->e[i].state, __ATOMIC_RELAXED);
		long ret;
		*work &= ~(1UL << i);
		*next = (unsigned)i + 1;
		if (s == XL_END) {
			*stop = true;
			break;
		}
		if (s != XL_SUBMITTED || !take(&pg->e[i]))
			continue;
		ret = execute(b, &pg->e[i]);
		__atomic_store_n(&pg->e[i].ret, ret, __ATOMIC_RELAXED);
		b->slot[b->n++] = (uint8_t)i;
		ran++;
		if (proc_killed())
			break;
	}
	flush(b, UNLOCKED);
	return ran;
}

/* Must this turn look at the states of r's page pg? The user's hint
 * (sub_gen, read once here and trusted for nothing) saves the look when
 * it has not changed since a look that left nothing behind; every
 * XL_FULL_LOOK-th turn looks anyway, so entries published without the
 * hint (or behind a hint the user rewrote) wait a few turns, never for
 * good. *gen: the hint as read, for look_done. */
static bool must_look(struct xl_reg *r, struct xl_page *pg, unsigned turn, uint32_t *gen)
{
	/* Pairs with the library's release between its states and the hint:
	 * a new hint seen means its entries' states are seen. */
	*gen = __atomic_load_n(&pg->hdr.sub_gen, __ATOMIC_ACQUIRE);
	return *gen != __atomic_load_n(&r->seen_gen, __ATOMIC_RELAXED) ||
	       __atomic_load_n(&r->more, __ATOMIC_RELAXED) || turn % XL_FULL_LOOK == 0;
}

/* A look at r's page, made after reading gen, left the entries in left
 * behind (unvisited: the batch was full). Several threads may race
 * here; a stale value costs a look, or a wait for a full turn. */
static void look_done(struct xl_reg *r, uint32_t gen, uint64_t left)
{
	__atomic_store_n(&r->seen_gen, gen, __ATOMIC_RELAXED);
	__atomic_store_n(&r->more, left != 0, __ATOMIC_RELAXED);
}

/* One turn over c's pages, a page at a time, each pinned by a reference
 * while we serve it. Returns how many entries ran. */
static int serve(struct xl_pool *pl, unsigned *rr)
{
	struct xl_ctx *c = pl->ctx;
	int ran = 0;
	for (int k = 0; k < XL_MAX_PAGES && ran < XL_QUOTA && !proc_killed(); k++) {
		int i = (int)((*rr + k) % XL_MAX_PAGES);
		struct xl_reg *r = &c->reg[i];
		struct xl_batch b = { .pl = pl, .reg = r };
		unsigned next;
		uint64_t work;
		uint32_t gen;
		bool stop = false;

		/* A look without the lock first: reading a page that is being
		 * unregistered is harmless; only taking an entry needs the
		 * reference that keeps it pinned. */
		if (!(b.pg = __atomic_load_n(&r->k, __ATOMIC_RELAXED)) ||
		    !must_look(r, b.pg, *rr, &gen))
			continue;
		if (!(work = page_work(b.pg))) {
			look_done(r, gen, 0);
			continue;
		}
		spin_lock(&c->lock);
		if (!r->k || r->stopped || c->frozen) {
			spin_unlock(&c->lock);
			continue;
		}
		r->refs++;
		b.pg = r->k;
		next = r->next;
		spin_unlock(&c->lock);
		ran += serve_page(&b, &work, &next, &stop);
		look_done(r, gen, work);
		spin_lock(&c->lock);
		r->next = next;
		if (stop && !r->stopped) {
			r->stopped = true;
			__atomic_or_fetch(&b.pg->hdr.flags, XL_STOPPED, __ATOMIC_RELEASE);
		}
		b.pg = xl_reg_put(c, i);
		spin_unlock(&c->lock);
		xl_page_release(b.pg);
	}
	(*rr)++;
	return ran;
}

bool xl_pending(struct xl_ctx *c)
{
	if (c->frozen)
		return false;
	for (int i = 0; i < XL_MAX_PAGES; i++) {
		struct xl_page *pg = c->reg[i].k;
		if (pg && !c->reg[i].stopped && page_work(pg))
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
		struct xl_batch b = { .pl = &c->pool[w - xl_workers], .reg = &c->reg[i],
				      .pg = c->reg[i].k };
		if (!b.pg || c->reg[i].stopped)
			continue;
		for (int j = 0; j < XL_ENTRIES; j++) {
			struct xl_entry *e = &b.pg->e[j];
			long err;
			if (__atomic_load_n(&e->state, __ATOMIC_RELAXED) != XL_SUBMITTED || !take(e))
				continue;
			err = syscall_page_refusal(__atomic_load_n(&e->nr, __ATOMIC_RELAXED));
			__atomic_store_n(&e->ret, err ? err : -EAGAIN, __ATOMIC_RELAXED);
			b.refused |= 1UL << b.n;
			b.slot[b.n++] = (uint8_t)j;
		}
		flush(&b, CTX_LOCKED);
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

/* Runs entries of one process on a worker hart, polls for the worker
 * between them, spins a while when there are none, then sleeps. Counted
 * active (polling for the worker) except while idle or parked. */
void xl_syscall_thread_main(void *arg)
{
	struct xl_pool *pl = arg;
	struct xl_ctx *c = pl->ctx;
	struct xl_worker *w = &xl_workers[pl->worker];
	uint64_t last = arch_time();
	unsigned rr = 0;
	bool stay = true;

	while (stay && !proc_killed()) {
		uint64_t i0 = arch_instret();
		int ran = serve(pl, &rr);
		if (ran + xl_poll_pass(w, c) > 0)
			last = arch_time();
		count_instret(w, ran, arch_instret() - i0);
		if (ran && !others_ready(w))
			continue;
		if (ran || arch_time() - last < xl_spin_ticks) {
			if (others_ready(w))
				sched_yield(); /* fair turns with other processes */
			else
				arch_relax();
			continue;
		}
		__atomic_sub_fetch(&w->active, 1, __ATOMIC_RELAXED);
		stay = idle(pl);
		__atomic_add_fetch(&w->active, 1, __ATOMIC_RELAXED);
		last = arch_time();
	}
	__atomic_sub_fetch(&w->active, 1, __ATOMIC_RELAXED);
	spin_lock(&c->lock);
	pl->nthreads--;
	xl_sys_thread_gone();
	XL_ASSERT_OK(c);
	spin_unlock(&c->lock);
	thread_exit(0);
}
