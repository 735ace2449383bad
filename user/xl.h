/* SPDX-License-Identifier: MIT */
/* The syscall-page library (user/lib/xl.c): exception-less system calls.
 * A ring is one or more registered syscall pages used by one thread;
 * docs/xl.md describes the protocol. */
#pragma once
#include "user.h"
#include "../lib/syscall.h"
#include "../lib/xl_abi.h"

#define XL_SPIN_POLLS 64   /* looks at a slot between two reads of the time */
#define XL_SPIN_TICKS 200  /* rdtime ticks (20 us) xl_wait_done spins before xl_wait */
#define XL_TAKE_TICKS 50   /* ... or 5 us, if no worker has taken the entry by then */
#define XL_BUSY_FEW 2      /* ... and only if the page's hdr.busy is at most this */
#define XL_RING_SLOTS (XL_MAX_PAGES * XL_ENTRIES)

/*
 * Each slot of a ring is, at any time, exactly one of: free, prepped
 * (handed to the user, not yet published) or the kernel's (published and
 * not taken back, or found not FREE when it was to be handed out). The
 * first two are places in stack[], entry pointers:
 *
 *     0 ............ nfree ............ nfree + nprep
 *     |  free         |  prepped         |
 *
 * xl_prep_batch takes entries off the free top (they become the lowest
 * prepped), xl_publish hands the prepped ones to the kernel, a reap puts
 * entries back on the free top (the prepped ones move up). A stack: a
 * batch reuses the slots the last one freed, on as few pages as it can.
 * The kernel's slots are in no place; own[] marks them, so that a slot is
 * taken back (and stacked) only once.
 */
struct xl_ring {
	/* What the fast path touches, within a load's reach (12-bit offsets)
	 * of the start. */
	uint32_t nfree, nprep;
	int npages;
	struct xl_page *page[XL_MAX_PAGES]; /* contiguous: page[i] = page[0] + i pages */
	/* How far the library has read each page's completion queue. */
	uint32_t cq_head[XL_MAX_PAGES];
	uint32_t cq_lost[XL_MAX_PAGES];
	unsigned rescan; /* a bit per page whose states must be scanned */
	unsigned pages;  /* a bit per page index (xl_register's), for xl_wait */
	unsigned long timeouts; /* xl_waits that ended by their timeout: a
				 * wake-up that never came, or a very slow call */
	unsigned long rescans;  /* reaps that scanned a page's states: a CQ
				 * record was lost (the kernel's cq_lost) */
	unsigned long wakes;    /* xl_wake traps made after submitting: the
				 * workers slept (NEED_WAKEUP) */
	unsigned long unspun;   /* xl_wait_done calls that slept without a
				 * spin: the page's hdr.busy was high */
	uint32_t wait_ticks;    /* xl_wait_done's running mean of how long a
				 * wait took, in rdtime ticks (x 8): it looks
				 * at the entry only after half of it */
	bool serve_here; /* xl_wait_done runs an entry no worker has taken
			  * itself (XL_WAIT_SERVE); off after xl_setup: with
			  * one worker hart it measured slower (docs/xl.md) */
	/* Per line of the pages (line = (entry - page[0]) / 64): 1 while
	 * that entry is the kernel's; 0 in the room after them, where a reap
	 * may look for any CQ byte (user/lib/xl.c take_named). */
	uint8_t own[XL_MAX_PAGES * XL_PAGE_SIZE / XL_LINE + 256];
	struct xl_entry *stack[XL_RING_SLOTS + 1]; /* + 1: room for a loop's end mark */
};

/* One call for xl_submit_batch. */
struct xl_call {
	uint16_t nr, tag;
	uint64_t arg[6];
};

/* One completion from xl_reap. */
struct xl_done {
	int slot;
	uint16_t tag;
	long ret;
};

/* xl_setup - npages fresh pages from sbrk, registered: 0 or -E* (nothing
 * stays registered then). xl_teardown - unregister them (the memory stays). */
int xl_setup(struct xl_ring *r, int npages);
int xl_teardown(struct xl_ring *r);
/* xl_nslots - how many entries the ring has (62 per page). */
static inline int xl_nslots(const struct xl_ring *r) { return r->npages * XL_ENTRIES; }
/* xl_entry_of - slot's entry (0 <= slot < xl_nslots). */
static inline struct xl_entry *xl_entry_of(struct xl_ring *r, int slot)
{
	return &r->page[slot / XL_ENTRIES]->e[slot % XL_ENTRIES];
}
/* xl_page_of - the page the entry e is on. */
static inline struct xl_page *xl_page_of(const struct xl_entry *e)
{
	return (struct xl_page *)((uintptr_t)e & ~(uintptr_t)(XL_PAGE_SIZE - 1));
}
/* xl_slot_of - the slot of e, an entry of the ring. */
static inline int xl_slot_of(const struct xl_ring *r, const struct xl_entry *e)
{
	uintptr_t off = (uintptr_t)e - (uintptr_t)r->page[0];
	return (int)(off / XL_PAGE_SIZE) * XL_ENTRIES + (int)(off % XL_PAGE_SIZE / XL_LINE) - 1;
}
/* xl_nfree - slots free now; xl_inflight - slots the kernel has (published
 * and not taken back), derived. */
static inline int xl_nfree(const struct xl_ring *r) { return (int)r->nfree; }
static inline int xl_inflight(const struct xl_ring *r)
{
	return xl_nslots(r) - (int)(r->nfree + r->nprep);
}

/* xl_prep_batch - reserve up to k entries to fill in place (io_uring's
 * get_sqe, k at a time): (*ents)[0..n) are n FREE entries set to call nr,
 * tagged tag, tag + 1, ...; n returned: fewer than k only when fewer
 * are free. Write the arguments the call reads (and another nr or tag
 * if wanted); the state is xl_publish's. *ents is valid until the next
 * call that takes or hands out slots (xl_prep*, xl_submit*, xl_poll, a
 * reap); the entries stay prepped. O(1) plus a load and a store per
 * entry (an entry whose state was written behind the library's back is
 * left out: the kernel's until taken back). */
int xl_prep_batch(struct xl_ring *r, int k, long nr, uint16_t tag, struct xl_entry *const **ents);
/* xl_prep - one entry to fill in place, with nr and tag set; *slot (if
 * not NULL) is its slot. NULL if no slot is free. */
struct xl_entry *xl_prep(struct xl_ring *r, long nr, uint16_t tag, int *slot);
/* xl_publish - hand every prepped entry to the kernel: one release fence,
 * the states, the pages' hint; how many. xl_submit_prepped - the same,
 * then xl_kick. */
int xl_publish(struct xl_ring *r);
int xl_submit_prepped(struct xl_ring *r);
/* xl_kick - after publishing: xl_wake() if NEED_WAKEUP is set; true if
 * it trapped so (counted in r->wakes). */
bool xl_kick(struct xl_ring *r);
/* xl_submit - publish one call: its slot, or -EAGAIN if every slot is in
 * use. Wakes the worker (one trap) if it sleeps. O(1), but for moving the
 * entries the user has prepped, if any: they stay prepped. */
int xl_submit(struct xl_ring *r, long nr, const uint64_t arg[6], uint16_t tag);
/* xl_submit_batch - publish up to n calls, slots[i] for each (slots may be
 * NULL); one release fence and one wake-up check for all. Returns how many
 * were submitted (fewer if slots ran out). Prepped entries stay so. */
int xl_submit_batch(struct xl_ring *r, int n, const struct xl_call *calls, int *slots);
/* xl_poll - has slot completed? Then *ret is its result and the slot is free. */
bool xl_poll(struct xl_ring *r, int slot, long *ret);
/* xl_reap_batch - take back up to max completed entries, found through
 * the pages' completion queues (O(completions)): (*ents)[0..n) are FREE
 * again, each with its tag and ret to read, until the next call that
 * takes or hands out slots (io_uring's CQE iteration, no copy). n
 * returned, 0 if nothing had completed. */
int xl_reap_batch(struct xl_ring *r, int max, struct xl_entry *const **ents);
/* xl_reap - the same, copied out as {slot, tag, ret}; up to max. */
int xl_reap(struct xl_ring *r, struct xl_done *out, int max);
/* xl_wait_done - spin briefly (20 us), then sleep in xl_wait for one more
 * completion in this ring's own pages, until slot is COMPLETED (it stays
 * so). No spin before the first sleep when the page's header says the
 * worker had more than XL_BUSY_FEW calls asleep (hdr.busy): the entry
 * will wait behind them. With r->serve_here set, an entry no worker has taken within 5 us
 * is run by this thread in that xl_wait (the workers are busy, and the
 * caller has nothing else to do). xl_wait_slot - the same, then xl_poll: the result, and the slot is
 * free. */
void xl_wait_done(struct xl_ring *r, int slot);
long xl_wait_slot(struct xl_ring *r, int slot);
/* xl_call - a synchronous call through the ring: submit, wait, result.
 * -EAGAIN if the ring is full. */
long xl_call(struct xl_ring *r, long nr, long a0, long a1, long a2, long a3, long a4, long a5);

/* xl_call_or_trap - xl_call through r, or with r NULL the same call by
 * trap: one workload, either path. */
long xl_call_or_trap(struct xl_ring *r, long nr, long a0, long a1, long a2, long a3, long a4,
		     long a5);

/* The trap-based calls behind it (lib/syscall_list.h 40-45). */
int xl_register(void *page);
int xl_unregister(void *page);
long xl_wait(long min, long timeout_ticks, unsigned long pages);
int xl_wake(void);
long echo(long a0, long a1, long a2, long a3, long a4, long a5);
int xlstat(struct xl_stats *st, unsigned long size);
