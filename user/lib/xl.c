// SPDX-License-Identifier: MIT
// Exception-less system calls from user space: submit entries into
// registered syscall pages, take results back through the pages'
// completion queues, poll or wait for them (docs/xl.md). The fast path
// is loads and stores: a free-slot stack to submit, one release fence
// per batch, a reap that reads only the CQ records it has not seen.
#include "../xl.h"
#include "../lab.h" /* the student tree's stub */

int xl_setup(struct xl_ring *r, int npages)
{
	char *b;
	uint64_t pad;
	memset(r, 0, sizeof(*r));
	if (npages < 1 || npages > XL_MAX_PAGES)
		return -EINVAL;
	b = sbrk(0);
	pad = ALIGN_UP((uint64_t)b, XL_PAGE_SIZE) - (uint64_t)b;
	if ((long)sbrk((long)(pad + (uint64_t)npages * XL_PAGE_SIZE)) < 0)
		return -ENOMEM;
	for (int i = 0; i < npages; i++) {
		struct xl_page *pg = (struct xl_page *)(b + pad + (uint64_t)i * XL_PAGE_SIZE);
		int err = xl_register(pg);
		if (err < 0) {
			xl_teardown(r);
			return err;
		}
		r->page[r->npages++] = pg;
		r->pages |= 1u << err; /* err is the page's index */
		for (int j = 0; j < XL_ENTRIES; j++)
			r->ent[i * XL_ENTRIES + j] = &pg->e[j];
	}
	/* Slot 0 on top: a fresh ring hands out 0, 1, 2, ... */
	for (int s = xl_nslots(r) - 1; s >= 0; s--) {
		r->free[r->nfree++] = (uint8_t)s;
		r->onstack[s] = true;
	}
	return 0;
}

int xl_teardown(struct xl_ring *r)
{
	int err = 0;
	for (int i = 0; i < r->npages; i++) {
		int e = xl_unregister(r->page[i]);
		err = err ? err : e;
	}
	r->npages = 0;
	r->pages = 0;
	r->nfree = 0;
	return err;
}

static void push_free(struct xl_ring *r, int s)
{
	if (!r->onstack[s]) {
		r->onstack[s] = true;
		r->free[r->nfree++] = (uint8_t)s;
	}
}

/* A FREE slot, or -1. O(1) from the stack; a slot someone wrote behind
 * the library's back (not FREE) is left out until it is taken back. Only
 * with the stack empty, a scan for FREE slots that left it that way. */
static int pop_free(struct xl_ring *r)
{
	for (int pass = 0; pass < 2; pass++) {
		while (r->nfree > 0) {
			int s = r->free[--r->nfree];
			r->onstack[s] = false;
			if (__atomic_load_n(&xl_entry_of(r, s)->state, __ATOMIC_RELAXED) == XL_FREE)
				return s;
		}
		for (int s = xl_nslots(r) - 1; pass == 0 && s >= 0; s--)
			if (__atomic_load_n(&xl_entry_of(r, s)->state, __ATOMIC_RELAXED) == XL_FREE)
				push_free(r, s);
	}
	return -1;
}

/* The syscall list's nargs column: the kernel reads no more than these. */
static const uint8_t nargs_of[NR_SYSCALL_MAX] = {
#define SYSCALL(num, name, nargs, path) [num] = nargs,
#include "../../lib/syscall_list.h"
#undef SYSCALL
};

/* Fill slot's entry (the arguments nr reads); the state is stored after
 * the batch's fence. */
static void fill(struct xl_ring *r, int slot, long nr, const uint64_t arg[6], uint16_t tag)
{
	struct xl_entry *e = xl_entry_of(r, slot);
	int n = nr >= 0 && nr < NR_SYSCALL_MAX ? nargs_of[nr] : 6;
	e->nr = (uint16_t)nr;
	e->tag = tag;
	for (int i = 0; i < n; i++)
		e->arg[i] = arg ? arg[i] : 0;
}

/* The page an entry is on. */
static uintptr_t page_of(const struct xl_entry *e)
{
	return (uintptr_t)e & ~(uintptr_t)(XL_PAGE_SIZE - 1);
}

/* Tell the kernel that the pages in the mask (a bit per r->page index)
 * have new entries: their sub_gen changes, after the states (release:
 * pairs with the worker's acquire of sub_gen before it looks). */
static void hint(struct xl_ring *r, unsigned mask)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
	for (int i = 0; mask; i++, mask >>= 1)
		if (mask & 1)
			__atomic_store_n(&r->page[i]->hdr.sub_gen, r->page[i]->hdr.sub_gen + 1,
					 __ATOMIC_RELAXED);
}

/* The bit of e's page in r->page, for hint(). The caller asks only when
 * the page differs from the entry before's: once or twice a batch. */
static unsigned page_bit(struct xl_ring *r, const struct xl_entry *e)
{
	for (int i = 0; i < r->npages; i++)
		if ((uintptr_t)r->page[i] == page_of(e))
			return 1u << i;
	return 0;
}

/* Hand the entries of n slots to the kernel: one fence for all of them (the arguments before any state:
 * pairs with the worker's CAS-acquire of SUBMITTED), the states, then
 * the hint. */
static void submit(struct xl_ring *r, const int *slots, int n)
{
	uintptr_t last = 0;
	unsigned mask = 0;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	for (int i = 0; i < n; i++) {
		struct xl_entry *e = r->ent[slots[i]];
		__atomic_store_n(&e->state, XL_SUBMITTED, __ATOMIC_RELAXED);
		if (page_of(e) != last) {
			last = page_of(e);
			mask |= page_bit(r, e);
		}
	}
	hint(r, mask);
	r->inflight += n;
}

struct xl_entry *xl_prep_slow(struct xl_ring *r, long nr, uint16_t tag, int *slot)
{
	int s = pop_free(r);
	struct xl_entry *e;
	if (s < 0)
		return NULL;
	e = xl_entry_of(r, s);
	e->nr = (uint16_t)nr;
	e->tag = tag;
	r->prep[r->nprep++] = (uint8_t)s;
	if (slot)
		*slot = s;
	return e;
}

int xl_publish(struct xl_ring *r)
{
	int n = r->nprep;
	const uint8_t *prep = r->prep;
	struct xl_entry *const *ent = r->ent;
	uintptr_t last = 0;
	unsigned mask = 0;
	__atomic_thread_fence(__ATOMIC_RELEASE); /* as in submit() */
	for (int i = 0; i < n; i++) {
		struct xl_entry *e = ent[prep[i]];
		__atomic_store_n(&e->state, XL_SUBMITTED, __ATOMIC_RELAXED);
		if (page_of(e) != last) {
			last = page_of(e);
			mask |= page_bit(r, e);
		}
	}
	hint(r, mask);
	r->inflight += n;
	r->nprep = 0;
	return n;
}

int xl_submit_prepped(struct xl_ring *r)
{
	int n = r->nprep ? xl_publish(r) : 0;
	if (n)
		xl_kick(r);
	return n;
}

bool xl_kick(struct xl_ring *r)
{
	/* LAB xl: BEGIN */
	/* Our SUBMITTED before the flag: pairs with the worker's fence after
	 * it sets NEED_WAKEUP and before its last look (docs/xl.md). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (int i = 0; i < r->npages; i++)
		if (__atomic_load_n(&r->page[i]->hdr.flags, __ATOMIC_RELAXED) & XL_NEED_WAKEUP) {
			r->wakes++;
			xl_wake();
			return true;
		}
	return false;
	/* LAB xl: ELSE
	static bool said;
	UNUSED(r);
	if (!said)
		said = lab_missing("xl", "xl_kick not implemented");
	return false;
	   LAB xl: END */
}

int xl_submit(struct xl_ring *r, long nr, const uint64_t arg[6], uint16_t tag)
{
	int s = pop_free(r);
	if (s < 0)
		return -EAGAIN;
	fill(r, s, nr, arg, tag);
	submit(r, &s, 1);
	xl_kick(r);
	return s;
}

int xl_submit_batch(struct xl_ring *r, int n, const struct xl_call *calls, int *slots)
{
	int mine[XL_RING_SLOTS], *sl = slots ? slots : mine, i;
	n = MIN(n, XL_RING_SLOTS);
	for (i = 0; i < n; i++) {
		if ((sl[i] = pop_free(r)) < 0)
			break;
		fill(r, sl[i], calls[i].nr, calls[i].arg, calls[i].tag);
	}
	if (i) {
		submit(r, sl, i);
		xl_kick(r);
	}
	return i;
}

/* Take slot back if it is COMPLETED (the caller has ordered the state's
 * load before the result's: acquire, or the CQ tail's acquire). */
static bool take(struct xl_ring *r, int slot, long *ret, int order)
{
	struct xl_entry *e = xl_entry_of(r, slot);
	if (__atomic_load_n(&e->state, order) != XL_COMPLETED)
		return false;
	*ret = e->ret;
	__atomic_store_n(&e->state, XL_FREE, __ATOMIC_RELAXED);
	r->inflight--;
	push_free(r, slot);
	return true;
}

bool xl_poll(struct xl_ring *r, int slot, long *ret)
{
	return take(r, slot, ret, __ATOMIC_ACQUIRE);
}

/* Page i's completions not yet taken, into out (up to max): the CQ
 * records from our head to the kernel's tail; every entry by its state
 * once a record was lost (cq_lost moved, or the tail is not within
 * XL_CQ_SIZE of our head: the page was registered anew). A record is
 * only a hint: the state says whether the entry is still to be taken. */
static int drain(struct xl_ring *r, int i, struct xl_done *out, int max)
{
	struct xl_page *pg = r->page[i];
	/* Pairs with the kernel's store-release of cq_tail: the records and
	 * the entries' states and results before it are visible. */
	uint32_t tail = __atomic_load_n(&pg->hdr.cq_tail, __ATOMIC_ACQUIRE);
	uint32_t head = r->cq_head[i], lost = __atomic_load_n(&pg->hdr.cq_lost, __ATOMIC_RELAXED);
	int n = 0, base = i * XL_ENTRIES, nfree = r->nfree;
	bool resync = tail - head > XL_CQ_SIZE || lost != r->cq_lost[i];
	const uint8_t *cq = pg->cq;
	struct xl_entry *const *ent = r->ent + base;
	bool *onstack = r->onstack + base;
	struct xl_done *o = out;
	long ret;

	if (resync) {
		r->cq_lost[i] = lost;
		r->rescan |= 1u << i;
		head = tail;
	}
	/* take() by hand, with everything it needs in registers: the fast
	 * path, about 20 instructions a record. */
	for (; head != tail && o < out + max; head++) {
		unsigned s = __atomic_load_n(&cq[head % XL_CQ_SIZE], __ATOMIC_RELAXED);
		struct xl_entry *e;
		if (s >= XL_ENTRIES ||
		    __atomic_load_n(&(e = ent[s])->state, __ATOMIC_RELAXED) != XL_COMPLETED)
			continue;
		o->slot = base + (int)s;
		o->tag = e->tag;
		o->ret = e->ret;
		o++;
		__atomic_store_n(&e->state, XL_FREE, __ATOMIC_RELAXED);
		if (!onstack[s]) {
			onstack[s] = true;
			r->free[nfree++] = (uint8_t)(base + (int)s);
		}
	}
	n = (int)(o - out);
	r->nfree = nfree;
	r->inflight -= n;
	if (head != r->cq_head[i] || resync) {
		r->cq_head[i] = head;
		/* Our reads of the records before the kernel may reuse them. */
		__atomic_store_n(&pg->hdr.cq_head, head, __ATOMIC_RELEASE);
	}
	if (!(r->rescan & (1u << i)))
		return n;
	r->rescans++;
	for (int s = 0; s < XL_ENTRIES && n < max; s++)
		if (take(r, base + s, &ret, __ATOMIC_ACQUIRE))
			out[n++] = (struct xl_done){ base + s, xl_entry_of(r, base + s)->tag, ret };
	if (n < max)
		r->rescan &= ~(1u << i);
	return n;
}

int xl_reap(struct xl_ring *r, struct xl_done *out, int max)
{
	int n = 0;
	for (int i = 0; i < r->npages && n < max; i++)
		n += drain(r, i, out + n, max - n);
	return n;
}

/* Entries of this ring that are COMPLETED (the slow path, before xl_wait). */
static long completed(struct xl_ring *r)
{
	long n = 0;
	for (int s = 0; s < xl_nslots(r); s++)
		n += __atomic_load_n(&xl_entry_of(r, s)->state, __ATOMIC_RELAXED) == XL_COMPLETED;
	return n;
}

static bool is_completed(struct xl_entry *e)
{
	if (__atomic_load_n(&e->state, __ATOMIC_RELAXED) != XL_COMPLETED)
		return false;
	/* The result after the state: pairs with the kernel's CAS-release. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return true;
}

void xl_wait_done(struct xl_ring *r, int slot)
{
	struct xl_entry *e = xl_entry_of(r, slot);
	const struct xl_page *pg = (const struct xl_page *)page_of(e);
	unsigned long serve = r->serve_here ? XL_WAIT_SERVE : 0;
	/* Spin only if the worker was not busy with others' blocked calls
	 * at this page's last batch: behind them the entry waits longer
	 * than a spin, and a spinning caller takes the hart (and the host's
	 * cores) from the processes and harts that do the work. */
	bool spin = __atomic_load_n(&pg->hdr.busy, __ATOMIC_RELAXED) <= XL_BUSY_FEW;
	long done;

	r->unspun += !spin;
	for (;; spin = true) {
		/* Spin about 20 us: the time is read once per XL_SPIN_POLLS
		 * looks, not per look (a look is a load and a compare). Stop
		 * after 5 us if the entry is still SUBMITTED: no worker has
		 * got to it, and xl_wait will run it here. */
		uint64_t end = 0, untaken = 0, now;
		for (; spin;) {
			for (int k = 0; k < XL_SPIN_POLLS; k++)
				if (is_completed(e))
					return;
			asm volatile("rdtime %0" : "=r"(now));
			if (!end) {
				end = now + XL_SPIN_TICKS;
				untaken = now + XL_TAKE_TICKS;
			} else if (now >= end || (serve && now >= untaken &&
						  __atomic_load_n(&e->state, __ATOMIC_RELAXED) ==
							  XL_SUBMITTED)) {
				break;
			}
		}
		/* Count our pages' completions first, then look at the slot
		 * once more: if it completed before the count we leave here,
		 * else the count lacks it and xl_wait returns when it comes.
		 * (Counting after the look could count it and wait for one
		 * more that never comes.) Only we take ours back, and other
		 * rings' completions do not count; the timeout is a net. */
		done = completed(r);
		if (is_completed(e))
			return;
		if (xl_wait(done + 1, 10, r->pages | serve) == done)
			r->timeouts++; /* nothing completed in 10 ticks */
	}
}

long xl_wait_slot(struct xl_ring *r, int slot)
{
	long ret = 0;
	xl_wait_done(r, slot);
	xl_poll(r, slot, &ret); /* succeeds: COMPLETED stays until we free it */
	return ret;
}

long xl_call(struct xl_ring *r, long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	uint64_t arg[6] = { a0, a1, a2, a3, a4, a5 };
	int s = xl_submit(r, nr, arg, 0);
	return s < 0 ? s : xl_wait_slot(r, s);
}

long xl_call_or_trap(struct xl_ring *r, long nr, long a0, long a1, long a2, long a3, long a4,
		     long a5)
{
	if (!r)
		return syscall_nr(nr, a0, a1, a2, a3, a4, a5);
	return xl_call(r, nr, a0, a1, a2, a3, a4, a5);
}
