// SPDX-License-Identifier: MIT
// A run of fibers: its kernel threads (one per general hart, pinned), set
// up from fiber_opts; fiber_main starts them and gathers their counters.
#include "fiber_impl.h"

/* General harts, from sysinfo: up to max of their ids in harts[]. */
static int general_harts(int *harts, int max)
{
	struct sysinfo si;
	int n = 0;

	if (sysinfo(&si, sizeof(si)) < 0)
		return 0;
	for (int h = 0; h < SYSINFO_MAX_HARTS && n < max; h++)
		if (si.role[h] == HART_ROLE_GENERAL)
			harts[n++] = h;
	return n;
}

/* A kernel thread of the run: pinned, tp set, the loop, tp cleared. */
static void thread_body(void *p)
{
	struct fsched *s = p;
	uint64_t t0 = fiber_rdtime();

	if (s->st.hart >= 0 && setaffinity(0, s->st.hart) < 0)
		s->st.hart = -1;
	asm volatile("mv tp, %0" : : "r"(s) : "memory");
	fiber_sched_loop(fiber_run_now, s);
	asm volatile("mv tp, zero" : : : "memory");
	s->st.busy_ticks = fiber_rdtime() - t0 - s->st.idle_ticks;
}

/* Set the run up from opts: thread count, harts, pages. */
static int setup(struct frun *r, const struct fiber_opts *o)
{
	struct fiber_opts none = { 0 };
	struct sysinfo si = { .timebase = 10000000 };
	int harts[FIBER_MAX_THREADS], nh;

	o = o ? o : &none;
	memset(r, 0, sizeof(*r));
	sysinfo(&si, sizeof(si));
	nh = general_harts(harts, FIBER_MAX_THREADS);
	r->nthreads = o->threads > 0 ? MIN(o->threads, FIBER_MAX_THREADS) : MAX(nh, 1);
	r->trap = o->trap;
	r->page_only = o->page_only;
	r->serve_idle = o->serve_idle && !o->page_only;
	r->stack = o->stack ? o->stack : FIBER_STACK;
	r->spin_ticks = (int)((uint64_t)(o->spin_us ? o->spin_us : FIBER_SPIN_US) * si.timebase /
			      1000000);
	r->spin_few_ticks = o->spin_few_us < 0 ? r->spin_ticks
			    : (int)((uint64_t)(o->spin_few_us ? o->spin_few_us : FIBER_SPIN_FEW_US) *
				    si.timebase / 1000000);
	r->max_inflight = o->max_inflight > 0 ? o->max_inflight : FIBER_MAX_INFLIGHT;
	r->untaken_ticks = (int)((uint64_t)FIBER_UNTAKEN_US * si.timebase / 1000000);
	for (int i = 0; i < r->nthreads; i++) {
		struct fsched *s = &r->sched[i];
		s->idx = i;
		s->st.hart = !o->no_pin && nh ? harts[i % nh] : -1;
		if (pipe(s->wake) < 0)
			return -EMFILE;
		if (fio_start(s, r) < 0)
			r->trap = true; /* no workers: every thread traps */
	}
	for (int i = 0; r->trap && i < r->nthreads; i++)
		fio_stop(&r->sched[i]);
	return 0;
}

static void copy_stats(struct frun *r, struct fiber_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->threads = r->nthreads;
	st->page = !r->trap;
	for (int i = 0; i < r->nthreads; i++)
		st->t[i] = r->sched[i].st;
}

void fiber_stats_now(struct fiber_stats *st)
{
	copy_stats(fiber_run_now, st);
}

int fiber_main(const struct fiber_opts *opts, void (*fn)(void *), void *arg,
	       struct fiber_stats *stats)
{
	static struct frun run;
	struct frun *r = &run;
	int tids[FIBER_MAX_THREADS], err = 0, started = 1;
	struct fiber *root;

	if (fiber_run_now)
		return -EBUSY;
	fiber_run_now = r;
	if ((err = setup(r, opts)) < 0)
		goto out;
	root = fiber_new(r, fn, arg, "main", 0);
	if (!root) {
		err = -ENOMEM;
		goto out;
	}
	fiber_ready_on(&r->sched[0], root);
	for (; started < r->nthreads; started++) {
		tids[started] = thread_spawn(thread_body, &r->sched[started]);
		if (tids[started] < 0) {
			err = tids[started];
			break;
		}
	}
	/* With fewer threads than asked, the ones started still run every
	 * fiber: a thread that never started owns nothing. */
	r->nthreads = started;
	thread_body(&r->sched[0]);
	for (int i = 1; i < started; i++)
		thread_wait(tids[i], NULL);
	if (r->sched[0].st.hart >= 0)
		setaffinity(0, -1);
out:
	while (r->all)
		fiber_free(r, r->all);
	if (stats)
		copy_stats(r, stats);
	for (int i = 0; i < FIBER_MAX_THREADS; i++) {
		struct fsched *s = &r->sched[i];
		fio_stop(s);
		if (s->wake[0] > 0) {
			close(s->wake[0]);
			close(s->wake[1]);
		}
	}
	fiber_run_now = NULL;
	return err;
}
