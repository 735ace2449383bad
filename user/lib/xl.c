// SPDX-License-Identifier: MIT
// Exception-less system calls from user space: submit entries into
// registered syscall pages, take results back through the pages'
// completion queues, poll for them (xl_wait.c waits; docs/xl.md). The fast path
// is loads and stores: a stack of free slots, batches reserved and
// published with one release fence, a reap that reads only the CQ
// records it has not seen and hands the entries back in place.
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
	}
	/* Every slot free, slot 0 on top: a fresh ring hands out 0, 1, 2, ... */
	for (int s = xl_nslots(r) - 1; s >= 0; s--)
		r->stack[r->nfree++] = xl_entry_of(r, s);
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
	r->nfree = r->nprep = 0;
	return err;
}

/* e's mark in own[]: 1 while it is the kernel's. */
static uint8_t *own_of(struct xl_ring *r, const struct xl_entry *e)
{
	return &r->own[((uintptr_t)e - (uintptr_t)r->page[0]) / XL_LINE];
}

/* Put e (FREE, ours again) on the free top; the lowest prepped entry
 * moves to the prepped top to make room. */
static void push(struct xl_ring *r, struct xl_entry *e)
{
	struct xl_entry **top = &r->stack[r->nfree++];
	if (r->nprep)
		top[r->nprep] = *top;
	*top = e;
}

/* No slot is free: take back the kernel's slots whose state the user set
 * to FREE itself (it took them back). Prepped slots are the library's,
 * never among them. */
static __attribute__((noinline, cold)) void reclaim(struct xl_ring *r)
{
	for (int s = 0; s < xl_nslots(r); s++) {
		struct xl_entry *e = xl_entry_of(r, s);
		uint8_t *own = own_of(r, e);
		if (*own && __atomic_load_n(&e->state, __ATOMIC_RELAXED) == XL_FREE) {
			*own = 0;
			push(r, e);
		}
	}
}

/* Set e's number and tag (w: nr in the low half, the tag in the high
 * half; nr and tag are adjacent, one store). */
static inline void set_call(struct xl_entry *e, uint32_t w)
{
	typedef uint32_t word __attribute__((may_alias, aligned(4)));
	*(word *)&e->nr = w;
}
_Static_assert(offsetof(struct xl_entry, tag) == offsetof(struct xl_entry, nr) + 2, "nr, tag");

/* xl_prep_batch once an entry that is not FREE was found among the k on
 * the free top (written behind the library's back: it is the kernel's
 * until taken back). Takes entries off the top one by one, leaving those
 * out; returns how many it took (the lowest prepped). */
static __attribute__((noinline, cold)) uint32_t prep_slow(struct xl_ring *r, uint32_t k)
{
	struct xl_entry **st = r->stack;
	uint32_t n = 0;
	while (n < k && r->nfree) {
		uint32_t b = --r->nfree;
		struct xl_entry *e = st[b];
		if (__atomic_load_n(&e->state, __ATOMIC_RELAXED) == XL_FREE) {
			n++;
			continue;
		}
		/* Close the gap at b: the n taken slide down, the top prepped
		 * entry fills their old top place. */
		*own_of(r, e) = 1;
		memmove(&st[b], &st[b + 1], n * sizeof(*st));
		if (r->nprep)
			st[b + n] = st[b + n + r->nprep];
	}
	return n;
}

/* Not FREE, on no page: ends xl_prep_batch's loop without a bound check. */
static struct xl_entry stop = { .state = XL_EXECUTING };

int xl_prep_batch(struct xl_ring *r, int k, long nr, uint16_t tag, struct xl_entry *const **ents)
{
	uint32_t nf = r->nfree, w = (uint16_t)nr | (uint32_t)tag << 16, n;
	struct xl_entry **p, **q, *above;
	if (!nf) {
		reclaim(r);
		nf = r->nfree;
	}
	n = k <= 0 ? 0 : MIN(nf, (uint32_t)k);
	p = &r->stack[nf - n];
	/* The fast path, 6 instructions an entry: up to the first entry not
	 * FREE, which stop (in place of the one above the n) is. */
	above = p[n];
	p[n] = &stop;
	for (q = p; __atomic_load_n(&(*q)->state, __ATOMIC_RELAXED) == XL_FREE; q++, w += 1u << 16)
		set_call(*q, w);
	p[n] = above;
	if (q < p + n) {
		n = prep_slow(r, n);
		p = &r->stack[r->nfree];
		w = (uint16_t)nr | (uint32_t)tag << 16;
		for (uint32_t j = 0; j < n; j++, w += 1u << 16)
			set_call(p[j], w);
	} else {
		r->nfree = nf - n;
	}
	r->nprep += n;
	*ents = p;
	return (int)n;
}

struct xl_entry *xl_prep(struct xl_ring *r, long nr, uint16_t tag, int *slot)
{
	struct xl_entry *const *p;
	if (xl_prep_batch(r, 1, nr, tag, &p) < 1)
		return NULL;
	if (slot)
		*slot = xl_slot_of(r, p[0]);
	return p[0];
}

/* The syscall list's nargs column: the kernel reads no more than these. */
static const uint8_t nargs_of[NR_SYSCALL_MAX] = {
#define SYSCALL(num, name, nargs, path) [num] = nargs,
#include "../../lib/syscall_list.h"
#undef SYSCALL
};

/* Fill e (the arguments nr reads); the state is stored after the
 * batch's fence. */
static void fill(struct xl_entry *e, long nr, const uint64_t arg[6], uint16_t tag)
{
	int n = nr >= 0 && nr < NR_SYSCALL_MAX ? nargs_of[nr] : 6;
	e->nr = (uint16_t)nr;
	e->tag = tag;
	for (int i = 0; i < n; i++)
		e->arg[i] = arg ? arg[i] : 0;
}

/* Tell the kernel that the pages in the mask (a bit per r->page index)
 * have new entries, m in all: each one's sub_gen moves on by m, after the
 * states (release: pairs with the worker's acquire of sub_gen before it
 * looks; a look for a few stops once it found that many, so a page that
 * got fewer than m costs it a longer look, never a missed entry). */
static void hint(struct xl_ring *r, unsigned mask, uint32_t m)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
	for (int i = 0; mask; i++, mask >>= 1)
		if (mask & 1)
			__atomic_store_n(&r->page[i]->hdr.sub_gen, r->page[i]->hdr.sub_gen + m,
					 __ATOMIC_RELAXED);
}

/* Hand the first m prepped entries to the kernel: one fence for all (the
 * fields before any state: pairs with the worker's CAS-acquire of
 * SUBMITTED), each state SUBMITTED and the entry the kernel's in own[],
 * then the hint for their pages (the page compared with the entry
 * before's: its bit is computed once or twice a batch). The fast path: 8
 * instructions an entry. */
static inline __attribute__((always_inline)) void publish(struct xl_ring *r, uint32_t m)
{
	struct xl_entry **p = &r->stack[r->nfree], **end = p + m, *above = *end, *e;
	uintptr_t base = (uintptr_t)r->page[0], own = (uintptr_t)r->own - base / XL_LINE;
	unsigned mask = 0;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	*end = NULL; /* on no page: ends the inner loop without a bound check */
	for (e = *p; p < end; e = *p) {
		uintptr_t pg = (uintptr_t)xl_page_of(e);
		mask |= 1u << ((pg - base) / XL_PAGE_SIZE);
		do {
			__atomic_store_n(&e->state, XL_SUBMITTED, __ATOMIC_RELAXED);
			*(uint8_t *)(own + (uintptr_t)e / XL_LINE) = 1; /* = *own_of(r, e) */
			e = *++p;
		} while ((uintptr_t)xl_page_of(e) == pg);
	}
	*end = above;
	hint(r, mask, m);
	r->nprep -= m;
	if (r->nprep) /* the rest down to the free top */
		memmove(&r->stack[r->nfree], &r->stack[r->nfree + m], r->nprep * sizeof(*p));
}

int xl_publish(struct xl_ring *r)
{
	uint32_t n = r->nprep;
	publish(r, n);
	return (int)n;
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
	struct xl_entry *const *p;
	int s;
	if (xl_prep_batch(r, 1, nr, tag, &p) < 1)
		return -EAGAIN;
	fill(p[0], nr, arg, tag);
	s = xl_slot_of(r, p[0]);
	publish(r, 1); /* just it: the lowest prepped */
	xl_kick(r);
	return s;
}

int xl_submit_batch(struct xl_ring *r, int n, const struct xl_call *calls, int *slots)
{
	struct xl_entry *const *p;
	n = xl_prep_batch(r, MIN(n, XL_RING_SLOTS), 0, 0, &p);
	for (int i = 0; i < n; i++) {
		fill(p[i], calls[i].nr, calls[i].arg, calls[i].tag);
		if (slots)
			slots[i] = xl_slot_of(r, p[i]);
	}
	if (n) {
		publish(r, (uint32_t)n); /* just them: the lowest prepped */
		xl_kick(r);
	}
	return n;
}

bool xl_poll(struct xl_ring *r, int slot, long *ret)
{
	struct xl_entry *e = xl_entry_of(r, slot);
	uint8_t *own = own_of(r, e);
	/* The result after the state: pairs with the kernel's CAS-release. */
	if (__atomic_load_n(&e->state, __ATOMIC_ACQUIRE) != XL_COMPLETED)
		return false;
	*ret = e->ret;
	__atomic_store_n(&e->state, XL_FREE, __ATOMIC_RELAXED);
	/* A slot the library has as free or prepped was submitted behind its
	 * back: it stays where it is. */
	if (*own) {
		*own = 0;
		push(r, e);
	}
	return true;
}

/* Take back the entries the CQ records c[0..n) name (entry s of the page
 * whose first entry is e, its own[] mark own[s]) that are the kernel's
 * and COMPLETED, onto the free top at q, the prepped entries nprep places
 * above moving up; returns q's new end. The fast path: 14 instructions a
 * record. Any byte is safe: own[s] is 0 beyond the ring's entries (own[]
 * has room for 255 past any page's first entry), and e[s] is then never
 * looked at; within the ring, e[s] and own[s] are the same line (the
 * pages are contiguous), whichever page's CQ named it. */
static inline struct xl_entry **take_named(const uint8_t *c, uint32_t n, struct xl_entry *e,
					   uint8_t *own, struct xl_entry **q, uint32_t nprep)
{
	for (const uint8_t *end = c + n; c < end; c++) {
		unsigned s = *c; /* stable: the kernel rewrites no record we have not passed */
		if (!own[s] || __atomic_load_n(&e[s].state, __ATOMIC_RELAXED) != XL_COMPLETED)
			continue;
		own[s] = 0;
		__atomic_store_n(&e[s].state, XL_FREE, __ATOMIC_RELAXED);
		if (nprep)
			q[nprep] = *q;
		*q++ = &e[s];
	}
	return q;
}

/* Page i's states, once a CQ record was lost: every entry that is the
 * kernel's and COMPLETED, pushed; the scan is done (its bit in
 * r->rescan cleared) when it did not stop at max. How many. */
static __attribute__((noinline, cold)) int rescan(struct xl_ring *r, int i, int max)
{
	uint8_t *own = r->own + i * (XL_PAGE_SIZE / XL_LINE) + 1; /* entry s is line s + 1 */
	struct xl_entry *e = r->page[i]->e;
	int n = 0;
	r->rescans++;
	for (int s = 0; s < XL_ENTRIES && n < max; s++)
		if (own[s] && __atomic_load_n(&e[s].state, __ATOMIC_ACQUIRE) == XL_COMPLETED) {
			own[s] = 0;
			__atomic_store_n(&e[s].state, XL_FREE, __ATOMIC_RELAXED);
			push(r, &e[s]);
			n++;
		}
	if (n < max)
		r->rescan &= ~(1u << i);
	return n;
}

/* Page i's completions not yet taken, pushed (up to max): the CQ records
 * from our head to the kernel's tail (tail, loaded with acquire); every
 * entry by its state once a record was lost (cq_lost moved, or the tail
 * is not within XL_CQ_SIZE of our head: the page was registered anew). A
 * record is only a hint: an entry is taken if it is the kernel's (own[])
 * and COMPLETED. How many. */
static inline __attribute__((always_inline)) int drain(struct xl_ring *r, int i, uint32_t tail, int max)
{
	struct xl_page *pg = r->page[i];
	uint32_t head = r->cq_head[i], lost = __atomic_load_n(&pg->hdr.cq_lost, __ATOMIC_RELAXED);
	uint8_t *own = r->own + i * (XL_PAGE_SIZE / XL_LINE) + 1; /* entry s is line s + 1 */
	uint32_t nprep = r->nprep;
	struct xl_entry **q0 = &r->stack[r->nfree], **q = q0, **end = q0 + max;
	int n;

	if (tail - head > XL_CQ_SIZE || lost != r->cq_lost[i]) {
		r->cq_lost[i] = lost;
		r->rescan |= 1u << i;
		head = tail;
	}
	/* At most as many records a pass as there is room for (each takes
	 * one entry or none), and none across the CQ's end. */
	while (head != tail && q < end) {
		uint32_t at = head % XL_CQ_SIZE, k = XL_CQ_SIZE - at;
		k = MIN(k, tail - head);
		k = MIN(k, (uint32_t)(end - q));
		if (nprep)
			q = take_named(pg->cq + at, k, pg->e, own, q, nprep);
		else
			q = take_named(pg->cq + at, k, pg->e, own, q, 0);
		head += k;
	}
	n = (int)(q - q0);
	r->nfree += (uint32_t)n;
	r->cq_head[i] = head;
	/* Our reads of the records before the kernel may reuse them. */
	__atomic_store_n(&pg->hdr.cq_head, head, __ATOMIC_RELEASE);
	if (r->rescan & (1u << i))
		n += rescan(r, i, max - n);
	return n;
}

int xl_reap_batch(struct xl_ring *r, int max, struct xl_entry *const **ents)
{
	uint32_t nf = r->nfree;
	int n = 0;
	/* Taken entries go onto the free top, where the caller reads them:
	 * no copy. A page with no new record, nothing lost and no rescan
	 * due is passed over. */
	for (int i = 0; i < r->npages && n < max; i++) {
		struct xl_header *h = &r->page[i]->hdr;
		/* Pairs with the kernel's store-release of cq_tail: the records
		 * and the entries' states and results before it are visible. */
		uint32_t tail = __atomic_load_n(&h->cq_tail, __ATOMIC_ACQUIRE);
		if (tail != r->cq_head[i] || (r->rescan & (1u << i)) ||
		    __atomic_load_n(&h->cq_lost, __ATOMIC_RELAXED) != r->cq_lost[i])
			n += drain(r, i, tail, max - n);
	}
	/* The states before the caller's reads of the results, also of an
	 * entry named by another page's record (scribbled), whose page's
	 * acquire of cq_tail we did not make. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	*ents = &r->stack[nf];
	return n;
}

int xl_reap(struct xl_ring *r, struct xl_done *out, int max)
{
	struct xl_entry *const *p;
	int n = xl_reap_batch(r, max, &p);
	for (int j = 0; j < n; j++)
		out[j] = (struct xl_done){ xl_slot_of(r, p[j]), p[j]->tag, p[j]->ret };
	return n;
}
