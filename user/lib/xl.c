// SPDX-License-Identifier: MIT
// Exception-less system calls from user space: submit entries into
// registered syscall pages, poll or wait for them (docs/xl.md).
#include "../xl.h"

#define SPIN_TICKS 200 /* rdtime ticks (20 us) to spin before xl_wait */

static uint64_t rdtime(void)
{
	uint64_t t;
	asm volatile("rdtime %0" : "=r"(t));
	return t;
}

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
	return err;
}

struct xl_entry *xl_entry_of(struct xl_ring *r, int slot)
{
	return &r->page[slot / XL_ENTRIES]->e[slot % XL_ENTRIES];
}

/* A FREE slot, or -1. */
static int find_free(struct xl_ring *r)
{
	int n = xl_nslots(r);
	for (int k = 0; k < n; k++) {
		int s = (int)((r->next + k) % n);
		if (__atomic_load_n(&xl_entry_of(r, s)->state, __ATOMIC_RELAXED) == XL_FREE) {
			r->next = s + 1;
			return s;
		}
	}
	return -1;
}

/* Fill slot and publish it: the arguments before the state (release). */
static void publish(struct xl_ring *r, int slot, long nr, const uint64_t arg[6], uint16_t tag)
{
	struct xl_entry *e = xl_entry_of(r, slot);
	e->nr = (uint16_t)nr;
	e->tag = tag;
	for (int i = 0; i < 6; i++)
		e->arg[i] = arg ? arg[i] : 0;
	__atomic_store_n(&e->state, XL_SUBMITTED, __ATOMIC_RELEASE);
	r->inflight++;
}

void xl_kick(struct xl_ring *r)
{
	/* Our SUBMITTED before the flag: pairs with the worker's fence after
	 * it sets NEED_WAKEUP and before its last look (docs/xl.md). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (int i = 0; i < r->npages; i++)
		if (__atomic_load_n(&r->page[i]->hdr.flags, __ATOMIC_RELAXED) & XL_NEED_WAKEUP) {
			xl_wake();
			return;
		}
}

int xl_submit(struct xl_ring *r, long nr, const uint64_t arg[6], uint16_t tag)
{
	int s = find_free(r);
	if (s < 0)
		return -EAGAIN;
	publish(r, s, nr, arg, tag);
	xl_kick(r);
	return s;
}

int xl_submit_batch(struct xl_ring *r, int n, const struct xl_call *calls, int *slots)
{
	int i;
	for (i = 0; i < n; i++) {
		int s = find_free(r);
		if (s < 0)
			break;
		publish(r, s, calls[i].nr, calls[i].arg, calls[i].tag);
		if (slots)
			slots[i] = s;
	}
	if (i)
		xl_kick(r);
	return i;
}

bool xl_poll(struct xl_ring *r, int slot, long *ret)
{
	struct xl_entry *e = xl_entry_of(r, slot);
	if (__atomic_load_n(&e->state, __ATOMIC_ACQUIRE) != XL_COMPLETED)
		return false;
	*ret = e->ret;
	__atomic_store_n(&e->state, XL_FREE, __ATOMIC_RELAXED);
	r->inflight--;
	return true;
}

int xl_reap(struct xl_ring *r, struct xl_done *out, int max)
{
	int n = 0;
	for (int s = 0; s < xl_nslots(r) && n < max; s++) {
		long ret;
		uint16_t tag = xl_entry_of(r, s)->tag;
		if (xl_poll(r, s, &ret))
			out[n++] = (struct xl_done){ s, tag, ret };
	}
	return n;
}

/* Entries of this ring that are COMPLETED. */
static long completed(struct xl_ring *r)
{
	long n = 0;
	for (int s = 0; s < xl_nslots(r); s++)
		n += __atomic_load_n(&xl_entry_of(r, s)->state, __ATOMIC_RELAXED) == XL_COMPLETED;
	return n;
}

void xl_wait_done(struct xl_ring *r, int slot)
{
	struct xl_entry *e = xl_entry_of(r, slot);
	uint64_t end = rdtime() + SPIN_TICKS;
	long done;

	for (;;) {
		if (__atomic_load_n(&e->state, __ATOMIC_ACQUIRE) == XL_COMPLETED)
			return;
		if (rdtime() < end)
			continue;
		/* Count our pages' completions first, then look at the slot
		 * once more: if it completed before the count we leave here,
		 * else the count lacks it and xl_wait returns when it comes.
		 * (Counting after the look could count it and wait for one
		 * more that never comes.) Only we take ours back, and other
		 * rings' completions do not count; the timeout is a net. */
		done = completed(r);
		if (__atomic_load_n(&e->state, __ATOMIC_ACQUIRE) == XL_COMPLETED)
			return;
		if (xl_wait(done + 1, 10, r->pages) == done)
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
