// SPDX-License-Identifier: MIT
// Fibers' system calls: the stubs' hook, which turns a fiber's call into a
// syscall-page entry and parks the fiber until the scheduler reaps it.
// Every use of the page API (user/xl.h) by the fiber library is here.
#include "fiber_impl.h"
#include "../xl.h"

#define FIO_PAGES 1      /* per kernel thread: 63 entries (a process has 4 pages) */
#define FIO_REAP_MAX 32  /* completions taken per xl_reap */

/* One kernel thread's page and what is in flight in it. Used only by
 * that thread (its fibers and its loop), so no lock. */
struct fiber_io {
	struct xl_ring ring;
	struct fiber *owner[FIO_PAGES * XL_ENTRIES]; /* slot -> parked fiber */
	long inflight;
};
static struct fiber_io ios[FIBER_MAX_THREADS];

int fio_start(struct fsched *s, struct frun *r)
{
	struct fiber_io *io = &ios[s->idx];
	int err;

	s->io = NULL;
	if (r->trap)
		return 0;
	memset(io, 0, sizeof(*io));
	if ((err = xl_setup(&io->ring, FIO_PAGES)) < 0)
		return err;
	s->io = io;
	return 0;
}

void fio_stop(struct fsched *s)
{
	if (s->io)
		xl_teardown(&s->io->ring);
	s->io = NULL;
}

long fio_inflight(struct fsched *s)
{
	return s->io ? s->io->inflight : 0;
}

/* One entry of the run's fewer in flight: ready a fiber that waits for
 * one. The decrement and the load of nfull pair with take_slot's
 * increment of nfull and its load of inflight (both sequentially
 * consistent): either the waiter sees the free slot or we see the waiter. */
static void slot_freed(struct frun *r, struct fsched *s)
{
	struct fiber *w = NULL;

	__atomic_sub_fetch(&r->inflight, 1, __ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&r->nfull, __ATOMIC_SEQ_CST))
		return;
	ulock_acquire(&r->full_lk); /* held by a waiter until it is parked */
	if ((w = fq_pop(&r->full)))
		__atomic_sub_fetch(&r->nfull, 1, __ATOMIC_SEQ_CST);
	ulock_release(&r->full_lk);
	if (w)
		fiber_ready_on(s, w);
}

/* Count the calling fiber's entry in the run's in-flight total, parking
 * it while the total is at max_inflight (the kernel's limit of blocked
 * entries per process); any thread's reap wakes it. */
static void take_slot(struct frun *r)
{
	for (;;) {
		if (__atomic_add_fetch(&r->inflight, 1, __ATOMIC_SEQ_CST) <= r->max_inflight)
			return;
		__atomic_sub_fetch(&r->inflight, 1, __ATOMIC_SEQ_CST);
		ulock_acquire(&r->full_lk);
		__atomic_add_fetch(&r->nfull, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&r->inflight, __ATOMIC_SEQ_CST) < r->max_inflight) {
			__atomic_sub_fetch(&r->nfull, 1, __ATOMIC_SEQ_CST);
			ulock_release(&r->full_lk);
			continue;
		}
		cur_sched()->st.full++;
		fiber_self()->state = F_PARKED;
		fq_push(&r->full, fiber_self());
		fiber_park(&r->full_lk);
	}
}

int fio_reap(struct fsched *s)
{
	struct fiber_io *io = s->io;
	struct xl_done d[FIO_REAP_MAX];
	int n = xl_reap(&io->ring, d, FIO_REAP_MAX);

	s->st.scans++;
	if (n) {
		s->st.reaps++;
		s->st.reaped += (uint64_t)n;
	}
	for (int i = 0; i < n; i++) {
		struct fiber *f = io->owner[d[i].slot];
		io->owner[d[i].slot] = NULL;
		io->inflight--;
		if (!f)
			continue; /* not ours: cannot happen, the ring is this thread's */
		f->io_ret = d[i].ret;
		fiber_ready_reaped(s, f);
		slot_freed(fiber_run_now, s);
	}
	return n;
}

void fio_idle(struct fsched *s)
{
	/* xl_wait returns once one entry of our page is COMPLETED, at once if
	 * one already is: the loop has taken back every earlier completion,
	 * so none can be missed. The one-tick timeout lets the loop look for
	 * work to steal now and then. XL_WAIT_SERVE: the entries still
	 * SUBMITTED run in this trap, on this hart, which is idle anyway. */
	s->st.waits++;
	xl_wait(1, 1, s->io->ring.pages | (fiber_run_now->serve_idle ? XL_WAIT_SERVE : 0));
}

bool fio_untaken(struct fsched *s)
{
	struct fiber_io *io = s->io;

	for (int i = 0; io && i < FIO_PAGES * XL_ENTRIES; i++)
		if (io->owner[i] &&
		    __atomic_load_n(&xl_entry_of(&io->ring, i)->state, __ATOMIC_RELAXED) == XL_SUBMITTED)
			return true;
	return false;
}

/* Is sp on f's stack? Not there, the caller is the scheduler loop, a
 * thread that inherited tp, or a signal of corruption: it traps. */
static bool on_stack(const struct fiber *f)
{
	char *sp;
	asm volatile("mv %0, sp" : "=r"(sp));
	return sp >= f->stack && sp < f->stack + f->stack_size;
}

/* Submit one call for the running fiber and park it until it is reaped. */
static long via_page(long nr, const uint64_t arg[6])
{
	struct frun *r = fiber_run_now;
	struct fiber *f = fiber_self();
	struct fsched *s;
	int slot;

	take_slot(r);
	s = cur_sched(); /* take_slot may have parked us: we may have moved */
	if ((slot = xl_submit(&s->io->ring, nr, arg, 0)) < 0) {
		slot_freed(r, s); /* the ring is full: cannot happen below 63 */
		s->st.trapped++;
		return syscall_nr(nr, (long)arg[0], (long)arg[1], (long)arg[2], (long)arg[3],
				  (long)arg[4], (long)arg[5]);
	}
	s->io->owner[slot] = f;
	s->io->inflight++;
	s->st.entries++;
	f->state = F_PARKED;
	fiber_park(NULL); /* the entry's completion is reaped by this thread's loop */
	return f->io_ret;
}

/*
 * fiber_syscall - where a PAGE call's stub jumps when tp is set (the
 * calling kernel thread runs fibers): a0-a5 are the call's arguments,
 * a7 its number (the 8th argument register). From a fiber in page mode
 * the call becomes an entry; sbrk (malloc calls it under its spinlock:
 * parking there would stop every fiber of the thread that wants it), calls
 * from the scheduler's own stack and every call in trap mode trap.
 * Sets the fiber's errno on failure. Returns the call's result.
 */
long fiber_syscall(long a0, long a1, long a2, long a3, long a4, long a5, long a6, long nr)
{
	struct fsched *s = cur_sched();
	struct fiber *f = s->cur;
	uint64_t arg[6] = { (uint64_t)a0, (uint64_t)a1, (uint64_t)a2,
			    (uint64_t)a3, (uint64_t)a4, (uint64_t)a5 };
	long ret;

	UNUSED(a6);
	if (!f || !on_stack(f))
		return syscall_nr(nr, a0, a1, a2, a3, a4, a5);
	if (!s->io || nr == SYS_sbrk) {
		s->st.trapped++;
		ret = syscall_nr(nr, a0, a1, a2, a3, a4, a5);
	} else if (!s->qlen && !s->io->inflight && !fiber_run_now->page_only &&
		   __atomic_load_n(&fiber_run_now->inflight, __ATOMIC_RELAXED) <= FIBER_FEW &&
		   (ret = syscall_nr(nr | SYS_BOUNDED, a0, a1, a2, a3, a4, a5)) != -EMAYWAIT) {
		/* A fiber alone on its thread (nothing ready, nothing out) in a
		 * run with few entries out has nothing to overlap its call
		 * with: through the page it would only wait for a round trip
		 * to the worker hart, so it traps, unless the call may wait for
		 * another program (a pipe, a child), which may be a fiber of
		 * this thread. With many out, the worker is busy and a thread
		 * that stole one fiber must not block in a trap. */
		s->st.trapped++;
		s->st.lone++;
	} else {
		ret = via_page(nr, arg);
	}
	if (ret < 0)
		f->err = (int)-ret;
	return ret;
}
