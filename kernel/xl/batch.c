// SPDX-License-Identifier: MIT
// Exception-less system calls, one batch of entries: take an entry
// (SUBMITTED -> EXECUTING), run it through the trap path's dispatcher,
// publish the batch's results at once (COMPLETED, the completion queue, one
// notify). Syscall threads on worker harts (worker.c) and a caller that
// serves its own pages while it waits (xl_serve_here) share these steps.
#include "xl_internal.h"
#include "kernel/hart.h"
#include "kernel/lab.h" /* the student tree's stubs */
#include "kernel/proc/proc.h"
#include "kernel/proc/sched.h"
#include "kernel/proc/sched_lock.h"
#include "kernel/syscall.h"
#include "kernel/proc/thread.h"
#include "lib/errno.h"

/* The batch whose entry each thread is running a handler for, by thread
 * slot (NULL between entries). */
static struct xl_batch *in_call[NTHREAD];


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

/* Syscall threads asleep in handlers on w now (racy: a hint). */
static uint32_t asleep_on(const struct xl_worker *w)
{
	/* Two racy reads: a resume may be counted before its park is seen. */
	uint64_t resumed = __atomic_load_n(&w->st.resumed, __ATOMIC_RELAXED);
	uint64_t parked = __atomic_load_n(&w->st.parked, __ATOMIC_RELAXED);
	return parked > resumed ? (uint32_t)(parked - resumed) : 0;
}

void xl_flush(struct xl_batch *b, int how)
{
	struct xl_page *pg = b->pg;
	struct xl_worker *w = b->pl ? &xl_workers[b->pl->worker] : NULL;
	uint64_t nref = b->refused ? (uint64_t)__builtin_popcountl(b->refused) : 0;
	uint64_t dref = 0, dropped = 0;
	uint8_t done[XL_ENTRIES];
	int ok = 0;

	if (!b->n)
		return;
	/* Counted before the states: whoever sees COMPLETED sees it counted
	 * (a dropped one is taken off again below). */
	xl_count(&pg->hdr.completed, (uint64_t)b->n);
	xl_count(&pg->hdr.rejected, nref);
	__atomic_store_n(&pg->hdr.worker, (uint32_t)(w ? w->hart : this_hart()->id),
			 __ATOMIC_RELAXED);
	if (w)
		__atomic_store_n(&pg->hdr.busy, asleep_on(w), __ATOMIC_RELAXED);
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
	post_cq(b->ctx, b->reg, pg, done, ok);
	if (w) {
		xl_count(&w->st.served, (uint64_t)ok);
		xl_count(&w->st.rejected, nref - dref);
		xl_count(&w->st.dropped, dropped);
	} else {
		xl_count(&xl_served_here, (uint64_t)ok);
	}
	b->n = 0;
	b->refused = 0;
	notify(b->ctx, how);
}

void xl_thread_parks(struct thread *t, bool asleep)
{
	struct xl_batch *b = in_call[t - threads];
	if (!b)
		return;
	if (b->pl) { /* a syscall thread: its pool and worker count it */
		struct xl_worker *w = &xl_workers[b->pl->worker];
		xl_count(asleep ? &w->st.parked : &w->st.resumed, 1);
		__atomic_add_fetch(&b->pl->nparked, asleep ? 1 : -1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&w->active, asleep ? -1 : 1, __ATOMIC_RELAXED);
	}
	if (asleep)
		xl_flush(b, SCHED_LOCKED); /* what ran before must not wait for this one */
}

/* Run the entry e, which has become ours, as b's next: its result in
 * *ret, a refusal marked in b (the handler's own errors are results).
 * False if it was not run: a caller serving its own page must not wait
 * for another program (a pipe's writer may be one of its own fibers), so
 * such a call is left to a syscall thread. */
static bool execute(struct xl_batch *b, volatile struct xl_entry *e, struct thread *t, long *ret)
{
	bool refused;

	in_call[t - threads] = b; /* a park inside publishes b's results */
	*ret = syscall_page_run(e->nr, e->arg, !b->pl, &refused);
	in_call[t - threads] = NULL;
	if (refused)
		b->refused |= 1UL << b->n;
	return b->pl || *ret != -EMAYWAIT;
}

/* Give back an entry taken but not run (EXECUTING -> SUBMITTED) and have
 * the next look at its page find it. If the user rewrote the state
 * meanwhile, the entry is theirs already. */
static void untake(struct xl_batch *b, struct xl_entry *e)
{
	uint32_t s = XL_EXECUTING;
	/* Release: pairs with the next taker's CAS-acquire in xl_take (the
	 * arguments are the user's, untouched; this keeps them ordered). */
	__atomic_compare_exchange_n(&e->state, &s, XL_SUBMITTED, false, __ATOMIC_RELEASE,
				    __ATOMIC_RELAXED);
	__atomic_store_n(&b->reg->more, true, __ATOMIC_RELAXED);
}

bool xl_take(struct xl_entry *e)
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

uint64_t xl_page_work(const struct xl_page *pg)
{
	/* A bit per state wanted: a shift and a mask a state, no branch (a
	 * state past 31 may alias one: the caller reads it again). */
	const uint32_t wanted = 1u << XL_SUBMITTED | 1u << XL_END;
	uint64_t bits = 0;
#pragma GCC unroll 8
	for (int j = 0; j < XL_ENTRIES; j++) {
		uint32_t s = __atomic_load_n(&pg->e[j].state, __ATOMIC_RELAXED);
		bits |= (uint64_t)(wanted >> (s & 31) & 1) << j;
	}
	return bits;
}

uint64_t xl_page_work_from(const struct xl_page *pg, unsigned from, unsigned want)
{
	const uint32_t wanted = 1u << XL_SUBMITTED | 1u << XL_END;
	uint64_t bits = 0;
	unsigned j = from % XL_ENTRIES;

	if (want > XL_FEW) /* then the full look's straight line is cheaper */
		return xl_page_work(pg);
	for (int k = 0; k < XL_ENTRIES && want; k++) {
		uint32_t s = __atomic_load_n(&pg->e[j].state, __ATOMIC_RELAXED);
		if (wanted >> (s & 31) & 1) {
			bits |= 1UL << j;
			want--;
		}
		if (++j == XL_ENTRIES)
			j = 0;
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

int xl_serve_page(struct xl_batch *b, uint64_t *work, unsigned *next, bool *stop)
{
	struct xl_page *pg = b->pg;
	struct thread *t = curthread();
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
		if (s != XL_SUBMITTED || !xl_take(&pg->e[i]))
			continue;
		if (!execute(b, &pg->e[i], t, &ret)) {
			untake(b, &pg->e[i]);
			continue;
		}
		__atomic_store_n(&pg->e[i].ret, ret, __ATOMIC_RELAXED);
		b->slot[b->n++] = (uint8_t)i;
		ran++;
		if (proc_killed())
			break;
	}
	xl_flush(b, UNLOCKED);
	return ran;
}

void xl_reg_served(struct xl_ctx *c, int i, bool stop)
{
	struct xl_reg *r = &c->reg[i];
	struct xl_page *pg;

	spin_lock(&c->lock);
	if (stop && !r->stopped) {
		r->stopped = true;
		__atomic_or_fetch(&r->k->hdr.flags, XL_STOPPED, __ATOMIC_RELEASE);
	}
	pg = xl_reg_put(c, i);
	spin_unlock(&c->lock);
	xl_page_release(pg);
}

uint64_t xl_served_here;

int xl_serve_here(struct xl_ctx *c, unsigned pages)
{
	int ran = 0;

	for (int i = 0; i < XL_MAX_PAGES && !proc_killed(); i++) {
		struct xl_reg *r = &c->reg[i];
		struct xl_batch b = { .ctx = c, .reg = r };
		unsigned next;
		uint64_t work;
		bool stop = false;

		/* A look without the lock first, as a syscall thread's. */
		if ((pages && !(pages & (1u << i))) || !(b.pg = __atomic_load_n(&r->k, __ATOMIC_RELAXED)) ||
		    !(work = xl_page_work(b.pg)))
			continue;
		spin_lock(&c->lock);
		if (!r->k || r->stopped || c->frozen) {
			spin_unlock(&c->lock);
			continue;
		}
		r->refs++; /* pinned while we serve it */
		b.pg = r->k;
		next = __atomic_load_n(&r->next, __ATOMIC_RELAXED);
		spin_unlock(&c->lock);
		ran += xl_serve_page(&b, &work, &next, &stop);
		__atomic_store_n(&r->next, next, __ATOMIC_RELAXED); /* a hint: racy */
		xl_reg_served(c, i, stop);
	}
	return ran;
}
