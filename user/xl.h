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

struct xl_ring {
	/* What the fast path touches first, within a load's reach (12-bit
	 * offsets) of the start: the free-slot stack (O(1) submission), the
	 * prepped entries, slot -> entry (no division). */
	int nfree;
	int nprep;       /* entries xl_prep handed out, not yet submitted */
	int inflight;    /* submitted and not yet taken back */
	int npages;
	struct xl_page *page[XL_MAX_PAGES];
	uint8_t free[XL_RING_SLOTS];
	uint8_t prep[XL_RING_SLOTS];
	bool onstack[XL_RING_SLOTS];
	struct xl_entry *ent[XL_RING_SLOTS];
	unsigned pages;  /* a bit per page index (xl_register's), for xl_wait */
	unsigned long timeouts; /* xl_waits that ended by their timeout: a
				 * wake-up that never came, or a very slow call */
	unsigned long rescans;  /* reaps that scanned a page's states: a CQ
				 * record was lost (the kernel's cq_lost) */
	unsigned long wakes;    /* xl_wake traps made after submitting: the
				 * workers slept (NEED_WAKEUP) */
	unsigned long unspun;   /* xl_wait_done calls that slept without a
				 * spin: the page's hdr.busy was high */
	/* How far the library has read each page's completion queue. */
	uint32_t cq_head[XL_MAX_PAGES];
	uint32_t cq_lost[XL_MAX_PAGES];
	unsigned rescan; /* a bit per page whose states must be scanned */
	bool serve_here; /* xl_wait_done runs an entry no worker has taken
			  * itself (XL_WAIT_SERVE); off after xl_setup: with
			  * one worker hart it measured slower (docs/xl.md) */
};
_Static_assert(XL_RING_SLOTS <= 256, "slot numbers fit a byte");

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
/* xl_nslots - how many entries the ring has (63 per page). */
static inline int xl_nslots(const struct xl_ring *r) { return r->npages * XL_ENTRIES; }
/* xl_entry_of - slot's entry (0 <= slot < xl_nslots). */
static inline struct xl_entry *xl_entry_of(struct xl_ring *r, int slot) { return r->ent[slot]; }
/* xl_submit - publish one call: its slot, or -EAGAIN if every slot is in
 * use. Wakes the worker (one trap) if it sleeps. O(1). */
int xl_submit(struct xl_ring *r, long nr, const uint64_t arg[6], uint16_t tag);
/* xl_submit_batch - publish up to n calls, slots[i] for each (slots may be
 * NULL); one release fence and one wake-up check for all. Returns how many
 * were submitted (fewer if slots ran out). */
int xl_submit_batch(struct xl_ring *r, int n, const struct xl_call *calls, int *slots);
/* xl_prep - an entry to fill in place (io_uring's get_sqe): nr and tag
 * are set; write the arguments the call reads into e->arg. *slot (if not
 * NULL) is its slot. NULL if no slot is free. Inline: the fast path is a
 * pop from the free-slot stack and four stores. xl_submit_prepped - hand
 * every prepped entry to the kernel: one release fence, one wake-up
 * check; returns how many. xl_publish - the same without the wake-up
 * check (xl_kick it after). */
struct xl_entry *xl_prep_slow(struct xl_ring *r, long nr, uint16_t tag, int *slot);
static inline struct xl_entry *xl_prep(struct xl_ring *r, long nr, uint16_t tag, int *slot)
{
	int n = r->nfree, p = r->nprep, s;
	struct xl_entry *e;
	/* An empty stack, and a slot found not FREE (written behind the
	 * library's back), are the slow path's. Loads first: the byte stores
	 * below may alias anything. */
	if (n <= 0)
		return xl_prep_slow(r, nr, tag, slot);
	s = r->free[n - 1];
	e = r->ent[s];
	if (__atomic_load_n(&e->state, __ATOMIC_RELAXED) != XL_FREE)
		return xl_prep_slow(r, nr, tag, slot);
	r->nfree = n - 1;
	r->nprep = p + 1;
	e->nr = (uint16_t)nr;
	e->tag = tag;
	r->onstack[s] = false;
	r->prep[p] = (uint8_t)s;
	if (slot)
		*slot = s;
	return e;
}
int xl_submit_prepped(struct xl_ring *r);
int xl_publish(struct xl_ring *r);
/* xl_kick - after publishing: xl_wake() if NEED_WAKEUP is set; true if
 * it trapped so (counted in r->wakes). */
bool xl_kick(struct xl_ring *r);
/* xl_poll - has slot completed? Then *ret is its result and the slot is free. */
bool xl_poll(struct xl_ring *r, int slot, long *ret);
/* xl_reap - take back up to max completed entries, found through the
 * pages' completion queues (O(completions)); how many. */
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
