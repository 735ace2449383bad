// SPDX-License-Identifier: MIT
// Exception-less system calls, the worker half: on a worker hart, syscall
// threads (kernel threads of the owning process) take SUBMITTED entries
// from their process's pages and run them through the trap path's
// dispatcher; a thread that blocks in a handler parks and another takes
// over. Whoever polls on the hart (a syscall thread between entries, or the
// worker thread when none does) reaps pmem completions and gets a thread
// going for every process with work. Idle: spin, then NEED_WAKEUP and sleep.
#include "xl.h"
#include "hart.h"
#include "printk.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "thread.h"
#include "../drivers/pmem.h"
#include "../lib/errno.h"

#define XL_PAGE_QUOTA 16 /* entries taken from one page per turn */
#define XL_QUOTA 32      /* entries one syscall thread runs before yielding */
#define XL_MAX_THREADS 16 /* syscall threads per process */

/* Calls an entry may not make: they act on the calling thread itself
 * (which in a page is a kernel syscall thread) or on the page machinery. */
static bool forbidden(unsigned nr)
{
	switch (nr) {
	case SYS_fork: case SYS_exit: case SYS_exec:
	case SYS_thread_create: case SYS_thread_exit: case SYS_thread_join: case SYS_gettid:
	case SYS_xl_register: case SYS_xl_unregister: case SYS_xl_wait: case SYS_xl_wake:
		return true;
	default:
		return false;
	}
}

static uint64_t now(void)
{
	return arch_time();
}

/* Is a thread other than the worker thread waiting for this hart? The
 * worker thread is always runnable while awake, and a polling syscall
 * thread does its work: no need to let it in. */
static bool others_ready(struct xl_worker *w)
{
	int n = __atomic_load_n(&harts[w->hart].nready, __ATOMIC_RELAXED);
	if (w->thread && w->thread->state == T_RUNNABLE)
		n--;
	return n > 0 || this_hart()->need_resched;
}

/* Tell xl_wait callers of c that an entry completed. */
static void notify(struct xl_ctx *c)
{
	/* Pairs with the fence in sys_xl_wait (no lost wake-up). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&c->waiters, __ATOMIC_RELAXED)) {
		spin_lock(&c->lock);
		wakeup(&c->done_chan);
		spin_unlock(&c->lock);
	}
}

/* Which worker each syscall thread runs a handler for, by thread slot
 * (NULL between entries): sleep_on counts parks through it. */
static struct xl_worker *in_call[NTHREAD];

void xl_thread_parks(struct thread *t, bool asleep)
{
	struct xl_worker *w = in_call[t - threads];
	if (w)
		xl_count(asleep ? &w->st.parked : &w->st.resumed, 1);
}

/* Copy, check and run the entry e has become ours to run; *refused if
 * the kernel would not run it (the handler's own errors are results). */
static long execute(struct xl_ctx *c, struct xl_worker *w, volatile struct xl_entry *e,
		    bool *refused)
{
	struct thread *t = curthread();
	struct sys_args a;
	unsigned nr = e->nr;
	long ret;

	/* From here on we use the copy: the user may rewrite the entry. */
	for (int i = 0; i < SYSCALL_MAX_ARGS; i++)
		a.a[i] = e->arg[i];
	*refused = nr >= NR_SYSCALL_MAX || forbidden(nr);
	if (*refused)
		return nr >= NR_SYSCALL_MAX ? -ENOSYS : -ENOTSUP;
	/* Inside a handler we may park: we no longer poll for the worker. */
	__atomic_sub_fetch(&c->nfree, 1, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&w->spinners, 1, __ATOMIC_RELAXED);
	in_call[t - threads] = w;
	ret = syscall_dispatch(nr, &a);
	in_call[t - threads] = NULL;
	__atomic_add_fetch(&w->spinners, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&c->nfree, 1, __ATOMIC_RELAXED);
	return ret;
}

/* Page pg's entry e is EXECUTING and ret its result: publish it, count
 * it, tell xl_wait callers. Any thread on a worker hart. */
static void finish(struct xl_ctx *c, struct xl_worker *w, struct xl_page *pg,
		   struct xl_entry *e, long ret, bool refused)
{
	uint32_t s = XL_EXECUTING;
	__atomic_store_n(&e->ret, ret, __ATOMIC_RELAXED);
	/* The result before COMPLETED; if the user scribbled on the state
	 * meanwhile, the entry is theirs again and we leave it. */
	if (!__atomic_compare_exchange_n(&e->state, &s, XL_COMPLETED, false, __ATOMIC_RELEASE,
					 __ATOMIC_RELAXED)) {
		xl_count(&pg->hdr.dropped, 1);
		xl_count(&w->st.dropped, 1);
		return;
	}
	if (refused) {
		xl_count(&pg->hdr.rejected, 1);
		xl_count(&w->st.rejected, 1);
	}
	__atomic_store_n(&pg->hdr.worker, (uint32_t)w->hart, __ATOMIC_RELAXED);
	xl_count(&pg->hdr.completed, 1);
	xl_count(&w->st.served, 1);
	notify(c);
}

/* Does pg hold an entry SUBMITTED or END? Reads only. */
static bool page_busy(const struct xl_page *pg)
{
	for (int j = 0; j < XL_ENTRIES; j++) {
		uint32_t s = __atomic_load_n(&pg->e[j].state, __ATOMIC_RELAXED);
		if (s == XL_SUBMITTED || s == XL_END)
			return true;
	}
	return false;
}

/* Take entry e if it is SUBMITTED, run it, publish the result. */
static bool run_entry(struct xl_ctx *c, struct xl_worker *w, struct xl_page *pg,
		      struct xl_entry *e)
{
	uint32_t s = XL_SUBMITTED;
	bool refused;
	long ret;
	if (!__atomic_compare_exchange_n(&e->state, &s, XL_EXECUTING, false, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED))
		return false;
	ret = execute(c, w, e, &refused);
	finish(c, w, pg, e, ret, refused);
	return true;
}

/* Serve up to XL_PAGE_QUOTA entries of pg from *next on; *stop if an END
 * entry says so. Returns how many ran. */
static int serve_page(struct xl_ctx *c, struct xl_worker *w, struct xl_page *pg, unsigned *next,
		      bool *stop)
{
	int ran = 0;
	for (int k = 0; k < XL_ENTRIES && ran < XL_PAGE_QUOTA; k++) {
		unsigned i = (*next + k) % XL_ENTRIES;
		uint32_t s = __atomic_load_n(&pg->e[i].state, __ATOMIC_RELAXED);
		if (s == XL_END) {
			*stop = true;
			break;
		}
		if (s == XL_SUBMITTED && run_entry(c, w, pg, &pg->e[i])) {
			ran++;
			*next = i + 1;
			if (proc_killed())
				break;
		}
	}
	return ran;
}

/* One turn over c's pages, a page at a time, each pinned by a reference
 * while we serve it. Returns how many entries ran. */
static int serve(struct xl_ctx *c, struct xl_worker *w, unsigned *rr)
{
	int ran = 0;
	for (int k = 0; k < XL_MAX_PAGES && ran < XL_QUOTA && !proc_killed(); k++) {
		int i = (int)((*rr + k) % XL_MAX_PAGES);
		struct xl_reg *r = &c->reg[i];
		struct xl_page *pg;
		unsigned next;
		bool stop = false;

		/* A look without the lock first: reading a page that is being
		 * unregistered is harmless; only taking an entry needs the
		 * reference that keeps it pinned. */
		if (!(pg = __atomic_load_n(&r->k, __ATOMIC_RELAXED)) || !page_busy(pg))
			continue;
		spin_lock(&c->lock);
		if (!r->k || r->stopped) {
			spin_unlock(&c->lock);
			continue;
		}
		r->refs++;
		pg = r->k;
		next = r->next;
		spin_unlock(&c->lock);
		ran += serve_page(c, w, pg, &next, &stop);
		spin_lock(&c->lock);
		r->next = next;
		if (stop && !r->stopped) {
			r->stopped = true;
			__atomic_or_fetch(&pg->hdr.flags, XL_STOPPED, __ATOMIC_RELEASE);
		}
		pg = xl_reg_put(c, i);
		spin_unlock(&c->lock);
		xl_page_release(pg);
	}
	(*rr)++;
	return ran;
}

/* Is any entry of c SUBMITTED, or END (to be noticed)? c->lock held, or
 * a racy look that only reads. */
static bool pending(struct xl_ctx *c)
{
	for (int i = 0; i < XL_MAX_PAGES; i++) {
		struct xl_page *pg = c->reg[i].k;
		if (pg && !c->reg[i].stopped && page_busy(pg))
			return true;
	}
	return false;
}

static bool has_pages(struct xl_ctx *c)
{
	for (int i = 0; i < XL_MAX_PAGES; i++)
		if (c->reg[i].k && !c->reg[i].stopped)
			return true;
	return false;
}

static void syscall_thread_main(void *arg);

/* A new syscall thread for c's process on w's hart (c->lock held). */
static void spawn(struct xl_ctx *c, struct xl_worker *w)
{
	struct proc *p = c->proc;
	struct thread *t;
	spin_lock(&p->lock);
	if (p->killed || p->nthreads == 0) { /* dying, or its last thread left */
		spin_unlock(&p->lock);
		return;
	}
	p->nthreads++; /* the process cannot end while we set it up */
	p->nsys++;
	spin_unlock(&p->lock);
	t = thread_alloc(p, "xlsys");
	if (!t) {
		spin_lock(&p->lock);
		p->nthreads--, p->nsys--; /* its user threads still count: never 0 */
		spin_unlock(&p->lock);
		return;
	}
	t->sys = true;
	t->kfn = syscall_thread_main;
	t->karg = c;
	t->pin = w->hart;
	c->nthreads++;
	__atomic_add_fetch(&c->nfree, 1, __ATOMIC_RELAXED);
	xl_count(&w->st.threads, 1);
	sched_make_runnable(t);
}

/* c has submitted entries: make sure a thread of it is going (lock held). */
static void get_going(struct xl_ctx *c, struct xl_worker *w)
{
	int nfree = __atomic_load_n(&c->nfree, __ATOMIC_RELAXED);
	if (nfree > c->nidle)
		return; /* one is running or runnable: it will get there */
	if (c->nidle > 0) {
		c->kick = true;
		wakeup(&c->work_chan);
	} else if (c->nthreads < XL_MAX_THREADS) {
		spawn(c, w);
	}
}

int xl_poll_pass(struct xl_worker *w, struct xl_ctx *self)
{
	int found = pmem_poll(), me = (int)(w - xl_workers);
	xl_count(&w->st.polled, (uint64_t)found);
	xl_count(&w->st.passes, 1);
	for (int i = 0; i < xl_nctx; i++) {
		struct xl_ctx *c = &xl_ctxs[i];
		if (c == self || !__atomic_load_n(&c->proc, __ATOMIC_RELAXED) || c->worker != me)
			continue;
		if (!pending(c)) /* unlocked look first (reads only) */
			continue;
		spin_lock(&c->lock);
		if (c->proc && pending(c)) {
			found++;
			get_going(c, w);
		}
		spin_unlock(&c->lock);
	}
	return found;
}

/* Sleep until there is work for c (or none will come): false to exit. */
static bool idle(struct xl_ctx *c)
{
	bool stay = true;
	spin_lock(&c->lock);
	if (!c->kick && has_pages(c) && !proc_killed()) {
		c->nidle++;
		sleep_on(&c->work_chan, &c->lock);
		c->nidle--;
	}
	c->kick = false;
	if (!has_pages(c) || proc_killed())
		stay = false;
	spin_unlock(&c->lock);
	return stay;
}

/* Runs entries of one process on a worker hart, polls for the worker
 * between them, spins a while when there are none, then sleeps. */
static void syscall_thread_main(void *arg)
{
	struct xl_ctx *c = arg;
	struct xl_worker *w = &xl_workers[c->worker];
	uint64_t last = now();
	unsigned rr = 0;

	__atomic_add_fetch(&w->spinners, 1, __ATOMIC_RELAXED);
	while (!proc_killed()) {
		int ran = serve(c, w, &rr);
		if (ran + xl_poll_pass(w, c) > 0)
			last = now();
		if (ran && !others_ready(w))
			continue;
		if (ran || now() - last < xl_spin_ticks) {
			if (others_ready(w))
				sched_yield(); /* fair turns with other processes */
			else
				arch_relax();
			continue;
		}
		__atomic_sub_fetch(&w->spinners, 1, __ATOMIC_RELAXED);
		bool stay = idle(c);
		__atomic_add_fetch(&w->spinners, 1, __ATOMIC_RELAXED);
		if (!stay)
			break;
		last = now();
	}
	__atomic_sub_fetch(&w->spinners, 1, __ATOMIC_RELAXED);
	spin_lock(&c->lock);
	c->nthreads--;
	__atomic_sub_fetch(&c->nfree, 1, __ATOMIC_RELAXED);
	spin_unlock(&c->lock);
	thread_exit(0);
}

/* The workers' idle state. Invariant (sleep_lock): NEED_WAKEUP is set on
 * every registered page exactly while every worker has sleeping set. */
static struct spinlock sleep_lock = SPINLOCK_INIT("xl.sleep");
static int nasleep; /* workers with sleeping set */

/* Set or clear NEED_WAKEUP on every registered page (sleep_lock held). */
static void need_wakeup(bool on)
{
	for (int i = 0; i < xl_nctx; i++) {
		struct xl_ctx *c = &xl_ctxs[i];
		if (!__atomic_load_n(&c->proc, __ATOMIC_RELAXED))
			continue;
		spin_lock(&c->lock);
		for (int j = 0; c->proc && j < XL_MAX_PAGES; j++)
			if (c->reg[j].k && on)
				__atomic_or_fetch(&c->reg[j].k->hdr.flags, XL_NEED_WAKEUP, __ATOMIC_RELAXED);
			else if (c->reg[j].k)
				__atomic_and_fetch(&c->reg[j].k->hdr.flags, ~XL_NEED_WAKEUP,
						   __ATOMIC_RELAXED);
		spin_unlock(&c->lock);
	}
}

/* w is awake again (sleep_lock held, w->sleeping set). */
static void wake_locked(struct xl_worker *w)
{
	w->sleeping = false;
	if (nasleep-- == xl_nworkers)
		need_wakeup(false);
	wakeup(&w->sleeping);
}

/* Sleep with NEED_WAKEUP set, unless a last look finds work. sleeping is
 * set before that look: an xl_wake from then on clears it, and one before
 * published its entry before the look (the lost wake-up of issue 5). */
static void deep_sleep(struct xl_worker *w)
{
	bool work;
	spin_lock(&sleep_lock);
	w->sleeping = true;
	if (++nasleep == xl_nworkers)
		need_wakeup(true);
	spin_unlock(&sleep_lock);
	/* The flag before the last look: pairs with the fence in xl_kick
	 * (user/lib/xl.c) between SUBMITTED and its look at the flag. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	work = xl_poll_pass(w, NULL) > 0;
	spin_lock(&sleep_lock);
	if (work && w->sleeping)
		wake_locked(w);
	if (w->sleeping)
		w->st.sleeps++;
	while (w->sleeping)
		sleep_on(&w->sleeping, &sleep_lock);
	spin_unlock(&sleep_lock);
}

void xl_wake_worker(struct xl_worker *w)
{
	spin_lock(&sleep_lock);
	if (w->sleeping) {
		w->st.wakeups++;
		wake_locked(w);
	}
	spin_unlock(&sleep_lock);
}

void xl_poller_needed(void)
{
	for (int i = 0; i < xl_nworkers; i++)
		if (xl_workers[i].hart == hart_id())
			xl_wake_worker(&xl_workers[i]);
}

void xl_worker_main(void *arg)
{
	struct xl_worker *w = arg;
	uint64_t last = now();
	for (;;) {
		if (xl_poll_pass(w, NULL) > 0)
			last = now();
		/* Polling syscall threads do our work: stay out of their way. */
		if (__atomic_load_n(&w->spinners, __ATOMIC_RELAXED) > 0 || pmem_inflight() > 0 ||
		    now() - last < xl_spin_ticks) {
			if (sched_others_ready())
				sched_yield();
			else
				arch_relax();
			if (__atomic_load_n(&w->spinners, __ATOMIC_RELAXED) > 0)
				last = now();
			continue;
		}
		deep_sleep(w);
		last = now();
	}
}
