// SPDX-License-Identifier: MIT
// malloc/free/calloc/realloc: a first-fit free list over sbrk, with coalescing.
#include "../user.h"
#include "ulock.h"

/*
 * Every block starts with a header; sizes count 16-byte units (header
 * included), so every pointer handed out is 16-byte aligned. Free blocks
 * form a circular list sorted by address (K&R's allocator): free merges a
 * block with the neighbours it touches, so the heap does not fragment into
 * ever smaller pieces. One spinlock guards the list: threads share it.
 */
struct hdr {
	struct hdr *next; /* next free block (only while free) */
	size_t units;     /* size of this block, header included */
};
_Static_assert(sizeof(struct hdr) == 16, "malloc header");

#define MIN_GROW_UNITS (4096 / sizeof(struct hdr)) /* ask sbrk for >= 4 KiB */

static struct hdr base;   /* zero-size block: the list is never empty */
static struct hdr *freep; /* where the last search ended */
static struct ulock lock;

/* Put block bp back on the free list, merging it with touching neighbours. */
static void free_locked(struct hdr *bp)
{
	struct hdr *p;

	for (p = freep; !(bp > p && bp < p->next); p = p->next) {
		if (bp >= p && bp < p + p->units)
			goto twice; /* inside a free block */
		if (p >= p->next && (bp > p || bp < p->next))
			break; /* at the wrap-around: bp is past either end */
	}
	if (bp > p && bp < p + p->units)
		goto twice; /* inside the free block just below */
	if (bp + bp->units == p->next) { /* merge with the block above */
		bp->units += p->next->units;
		bp->next = p->next->next;
	} else {
		bp->next = p->next;
	}
	if (p + p->units == bp) { /* merge with the block below */
		p->units += bp->units;
		p->next = bp->next;
	} else {
		p->next = bp;
	}
	freep = p;
	return;
twice:
	fprintf(2, "free: %p is already free\n", (void *)(bp + 1));
}

/* Grow the heap by at least units; false if sbrk refuses. */
static bool grow(size_t units)
{
	uintptr_t cur = (uintptr_t)sbrk(0);
	size_t pad = ALIGN_UP(cur, sizeof(struct hdr)) - cur;
	char *p;

	if (units < MIN_GROW_UNITS)
		units = MIN_GROW_UNITS;
	p = sbrk((long)(units * sizeof(struct hdr) + pad));
	if ((long)p < 0)
		return false;
	struct hdr *h = (struct hdr *)(p + pad);
	h->units = units;
	free_locked(h);
	return true;
}

/* First fit from freep; splits a larger block and hands out its tail. */
static void *take(size_t units)
{
	struct hdr *prev = freep, *p;

	for (p = prev->next;; prev = p, p = p->next) {
		if (p->units >= units) {
			if (p->units == units) {
				prev->next = p->next;
			} else {
				p->units -= units;
				p += p->units;
				p->units = units;
			}
			freep = prev;
			return p + 1;
		}
		if (p == freep) { /* a full lap: nothing fits */
			if (!grow(units))
				return NULL;
			p = freep; /* the new space is just after freep */
		}
	}
}

/*
 * malloc - n bytes, 16-byte aligned, or NULL if the heap can't grow.
 * Thread-safe. malloc(0) returns a minimal block that free accepts.
 */
void *malloc(unsigned long n)
{
	void *p;

	if (n > (1UL << 40))
		return NULL;
	size_t units = (n + sizeof(struct hdr) - 1) / sizeof(struct hdr) + 1;
	ulock_acquire(&lock);
	if (!freep) {
		base.next = freep = &base;
		base.units = 0;
	}
	p = take(units);
	ulock_release(&lock);
	return p;
}

/* free - give back a block from malloc/calloc/realloc; NULL is ignored. */
void free(void *p)
{
	if (!p)
		return;
	ulock_acquire(&lock);
	free_locked((struct hdr *)p - 1);
	ulock_release(&lock);
}

/* calloc - n zeroed elements of size bytes; NULL on overflow or no memory. */
void *calloc(unsigned long n, unsigned long size)
{
	unsigned long total;
	void *p;

	if (__builtin_mul_overflow(n, size, &total))
		return NULL;
	p = malloc(total);
	if (p)
		memset(p, 0, total);
	return p;
}

/*
 * realloc - resize p to n bytes, keeping its contents up to the smaller
 * size. Returns p itself if it is already big enough, NULL (and p
 * untouched) if memory runs out. realloc(NULL, n) is malloc(n);
 * realloc(p, 0) frees p and returns NULL.
 */
void *realloc(void *p, unsigned long n)
{
	void *q;

	if (!p)
		return malloc(n);
	if (!n) {
		free(p);
		return NULL;
	}
	size_t have = (((struct hdr *)p - 1)->units - 1) * sizeof(struct hdr);
	if (have >= n)
		return p;
	q = malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, have);
	free(p);
	return q;
}
