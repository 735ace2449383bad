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
	long cap;                /* most entries out at once */
	struct fiber_queue full; /* fibers waiting for inflight < cap */
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
	io->cap = MIN(MAX(r->max_inflight / r->nthreads, 1), xl_nslots(&io->ring));
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
		struct fiber *f = io->owner[d[i].slot], *w;
		io->owner[d[i].slot] = NULL;
		io->inflight--;
		if (!f)
			continue; /* not ours: cannot happen, the ring is this thread's */
		f->io_ret = d[i].ret;
		fiber_ready_on(s, f);
		if ((w = fq_pop(&io->full)))
			fiber_ready_on(s, w);
	}
	return n;
}

void fio_idle(struct fsched *s)
{
	struct fiber_io *io = s->io;

	/* Count first, then wait for one more than that: a completion landing
	 * after the count makes xl_wait return at once. The one-tick timeout
	 * lets the loop look for work to steal now and then. */
	for (int slot = 0; slot < xl_nslots(&io->ring); slot++)
		if (io->owner[slot] &&
		    __atomic_load_n(&xl_entry_of(&io->ring, slot)->state, __ATOMIC_ACQUIRE) ==
			    XL_COMPLETED)
			return;
	s->st.waits++;
	xl_wait(1, 1, io->ring.pages);
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
	struct fsched *s = cur_sched();
	struct fiber *f = s->cur;
	int slot;

	while (s->io && s->io->inflight >= s->io->cap) {
		s->st.full++;
		f->state = F_PARKED;
		fq_push(&s->io->full, f);
		fiber_park(NULL); /* the loop readies us once an entry is reaped */
		s = cur_sched();  /* we may have moved to another thread */
	}
	if (!s->io || (slot = xl_submit(&s->io->ring, nr, arg, 0)) < 0) {
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
	} else {
		ret = via_page(nr, arg);
	}
	if (ret < 0)
		f->err = (int)-ret;
	return ret;
}
