// SPDX-License-Identifier: MIT
// Exception-less system calls from user space, waiting: spin for an
// entry's completion, or sleep in xl_wait for it (not spinning behind a
// busy worker: the header's busy hint; not looking at the entry for half
// the usual wait: hybrid waiting), and the synchronous xl_call built
// on it (docs/xl.md, "When a caller spins").
#include "../xl.h"

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

static inline uint64_t now(void)
{
	uint64_t t;
	asm volatile("rdtime %0" : "=r"(t));
	return t;
}

/* Hybrid waiting (Linux's hybrid polling, applied to the page): for
 * half the ring's mean wait, do not look at the entry. The worker
 * writes the entry's line several times while it serves it (takes it,
 * completes it), and every look of a spinning caller takes that line
 * back to this hart, so each of the worker's writes must fetch it again;
 * on this host that cost a lone call more than the looks gained
 * (docs/xl.md, "When a caller spins"). The time is read once per
 * XL_SPIN_POLLS pauses. Returns when the hold started. */
static uint64_t hold_off(const struct xl_ring *r)
{
	uint64_t t0 = now(), until = t0 + MIN(r->wait_ticks / 16, XL_TAKE_TICKS);
	while (until > t0 && now() < until)
		for (int k = 0; k < XL_SPIN_POLLS / 8; k++)
			asm volatile(".insn i 0x0f, 0, x0, x0, 0x010"); /* pause */
	return t0;
}

/* The wait that began at t0 just saw its entry done: fold its length
 * into the ring's mean (an eighth of the new one). */
static void wait_took(struct xl_ring *r, uint64_t t0)
{
	uint64_t d = MIN(now() - t0, (uint64_t)XL_SPIN_TICKS);
	r->wait_ticks = (uint32_t)(r->wait_ticks - r->wait_ticks / 8 + d);
}

void xl_wait_done(struct xl_ring *r, int slot)
{
	struct xl_entry *e = xl_entry_of(r, slot);
	const struct xl_page *pg = xl_page_of(e);
	unsigned long serve = r->serve_here ? XL_WAIT_SERVE : 0;
	/* Spin only if the worker was not busy with others' blocked calls
	 * at this page's last batch: behind them the entry waits longer
	 * than a spin, and a spinning caller takes the hart (and the host's
	 * cores) from the processes and harts that do the work. */
	bool spin = __atomic_load_n(&pg->hdr.busy, __ATOMIC_RELAXED) <= XL_BUSY_FEW;
	uint64_t t0 = spin ? hold_off(r) : now();
	long done;

	r->unspun += !spin;
	for (;; spin = true) {
		/* Spin about 20 us: the time is read once per XL_SPIN_POLLS
		 * looks, not per look (a look is a load and a compare). Stop
		 * after 5 us if the entry is still SUBMITTED: no worker has
		 * got to it, and xl_wait will run it here. */
		uint64_t end = 0, untaken = 0, t;
		for (; spin;) {
			for (int k = 0; k < XL_SPIN_POLLS; k++)
				if (is_completed(e)) {
					wait_took(r, t0);
					return;
				}
			t = now();
			if (!end) {
				end = t + XL_SPIN_TICKS;
				untaken = t + XL_TAKE_TICKS;
			} else if (t >= end || (serve && t >= untaken &&
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
