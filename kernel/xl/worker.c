// SPDX-License-Identifier: MIT
// Exception-less system calls, the syscall threads: on a worker hart,
// kernel threads of the owning process take SUBMITTED entries from its
// pages and run them through the trap path's dispatcher. A process has a
// pool of them on each worker hart; one that blocks in a handler parks,
// and the next poller (kernel/xl/poll.c) wakes an idle one or makes
// another, so blocking calls never stall the ring.
#include "xl.h"
#include "kernel/hart.h"
#include "kernel/printk.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/sched.h"
#include "kernel/syscall.h"
#include "kernel/proc/thread.h"
#include "lib/errno.h"

#define XL_PAGE_QUOTA 16 /* entries taken from one page per turn */
#define XL_QUOTA 32      /* entries one syscall thread runs before yielding */
/* Syscall threads: per process (each may sit in a blocking call), and in
 * all, so that user threads always find slots in the thread table. */
#define XL_MAX_THREADS XL_MAX_BLOCKED
#define XL_MAX_SYS_THREADS (NTHREAD / 2)

static int nsys_threads; /* syscall threads alive (atomic) */

/* Calls an entry may not make: they act on the calling thread itself
 * (which in a page is a kernel syscall thread) or on the page machinery. */
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

/* Tell xl_wait callers of c that an entry completed; locked: c->lock is
 * held by the caller. */
static void notify(struct xl_ctx *c, bool locked)
{
	/* Pairs with the fence in sys_xl_wait (no lost wake-up). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&c->waiters, __ATOMIC_RELAXED))
		return;
	if (!locked)
		spin_lock(&c->lock);
	wakeup(&c->done_chan);
	if (!locked)
		spin_unlock(&c->lock);
}

/* The pool each syscall thread runs a handler for, by thread slot (NULL
 * between entries): sleep_on counts parks through it. */
static struct xl_pool *in_call[NTHREAD];

void xl_thread_parks(struct thread *t, bool asleep)
{
	struct xl_pool *pl = in_call[t - threads];
	if (!pl)
		return;
	xl_count(asleep ? &xl_workers[pl->worker].st.parked : &xl_workers[pl->worker].st.resumed, 1);
	__atomic_add_fetch(&pl->ctx->nparked, asleep ? 1 : -1, __ATOMIC_RELAXED);
}

/* Copy, check and run the entry e has become ours to run; *refused if
 * the kernel would not run it (the handler's own errors are results). */
static long execute(struct xl_pool *pl, volatile struct xl_entry *e, bool *refused)
{
	struct thread *t = curthread();
	struct xl_worker *w = &xl_workers[pl->worker];
	struct sys_args a;
	unsigned nr = e->nr;
	long ret;

	/* From here on we use the copy: the user may rewrite the entry. */
	for (int i = 0; i < SYSCALL_MAX_ARGS; i++)
		a.a[i] = e->arg[i];
	if ((ret = syscall_page_refusal(nr))) {
		*refused = true;
		return ret;
	}
	*refused = false;
	/* Inside a handler we may park: we no longer poll for the worker. */
	__atomic_sub_fetch(&pl->nfree, 1, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&w->spinners, 1, __ATOMIC_RELAXED);
	in_call[t - threads] = pl;
	ret = syscall_dispatch(nr, &a);
	in_call[t - threads] = NULL;
	__atomic_add_fetch(&w->spinners, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&pl->nfree, 1, __ATOMIC_RELAXED);
	return ret;
}

/* Page pg's entry e is EXECUTING and ret its result: publish it and count
 * it. Returns whether it was published. */
static bool publish(struct xl_worker *w, struct xl_page *pg, struct xl_entry *e, long ret,
		    bool refused)
{
	uint32_t s = XL_EXECUTING;
	__atomic_store_n(&e->ret, ret, __ATOMIC_RELAXED);
	/* The result before COMPLETED; if the user scribbled on the state
	 * meanwhile, the entry is theirs again and we leave it. */
	if (!__atomic_compare_exchange_n(&e->state, &s, XL_COMPLETED, false, __ATOMIC_RELEASE,
					 __ATOMIC_RELAXED)) {
		xl_count(&pg->hdr.dropped, 1);
		xl_count(&w->st.dropped, 1);
		return false;
	}
	if (refused) {
		xl_count(&pg->hdr.rejected, 1);
		xl_count(&w->st.rejected, 1);
	}
	__atomic_store_n(&pg->hdr.worker, (uint32_t)w->hart, __ATOMIC_RELAXED);
	xl_count(&pg->hdr.completed, 1);
	xl_count(&w->st.served, 1);
	return true;
}

/* Take entry e if it is SUBMITTED: true if it was ours. */
static bool take(struct xl_entry *e)
{
	uint32_t s = XL_SUBMITTED;
	return __atomic_compare_exchange_n(&e->state, &s, XL_EXECUTING, false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
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

/* Serve up to XL_PAGE_QUOTA entries of pg from *next on; *stop if an END
 * entry says so. Returns how many ran. */
static int serve_page(struct xl_pool *pl, struct xl_page *pg, unsigned *next, bool *stop)
{
	int ran = 0;
	for (int k = 0; k < XL_ENTRIES && ran < XL_PAGE_QUOTA; k++) {
		unsigned i = (*next + k) % XL_ENTRIES;
		uint32_t s = __atomic_load_n(&pg->e[i].state, __ATOMIC_RELAXED);
		bool refused;
		long ret;
		if (s == XL_END) {
			*stop = true;
			break;
		}
		if (s != XL_SUBMITTED || !take(&pg->e[i]))
			continue;
		ret = execute(pl, &pg->e[i], &refused);
		if (publish(&xl_workers[pl->worker], pg, &pg->e[i], ret, refused))
			notify(pl->ctx, false);
		ran++;
		*next = i + 1;
		if (proc_killed())
			break;
	}
	return ran;
}

/* One turn over c's pages, a page at a time, each pinned by a reference
 * while we serve it. Returns how many entries ran. */
static int serve(struct xl_pool *pl, unsigned *rr)
{
	struct xl_ctx *c = pl->ctx;
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
		if (!r->k || r->stopped || c->frozen) {
			spin_unlock(&c->lock);
			continue;
		}
		r->refs++;
		pg = r->k;
		next = r->next;
		spin_unlock(&c->lock);
		ran += serve_page(pl, pg, &next, &stop);
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

bool xl_pending(struct xl_ctx *c)
{
	if (c->frozen)
		return false;
	for (int i = 0; i < XL_MAX_PAGES; i++) {
		struct xl_page *pg = c->reg[i].k;
		if (pg && !c->reg[i].stopped && page_busy(pg))
			return true;
	}
	return false;
}

static bool has_pages(struct xl_ctx *c)
{
	for (int i = 0; i < XL_MAX_PAGES && !c->frozen; i++)
		if (c->reg[i].k && !c->reg[i].stopped)
			return true;
	return false;
}

static void syscall_thread_main(void *arg);

/* A new syscall thread in pool pl, on its worker's hart (c->lock held).
 * False if none can be made: the process is dying, or no thread slot. */
static bool spawn(struct xl_pool *pl)
{
	struct xl_ctx *c = pl->ctx;
	struct proc *p = c->proc;
	struct thread *t;
	if (__atomic_add_fetch(&nsys_threads, 1, __ATOMIC_RELAXED) > XL_MAX_SYS_THREADS) {
		__atomic_sub_fetch(&nsys_threads, 1, __ATOMIC_RELAXED);
		return false;
	}
	spin_lock(&p->lock);
	if (p->killed || p->nthreads == 0) { /* dying, or its last thread left */
		spin_unlock(&p->lock);
		__atomic_sub_fetch(&nsys_threads, 1, __ATOMIC_RELAXED);
		return false;
	}
	p->nthreads++; /* the process cannot end while we set it up */
	p->nsys++;
	spin_unlock(&p->lock);
	t = thread_alloc(p, "xlsys");
	if (!t) {
		spin_lock(&p->lock);
		p->nthreads--, p->nsys--; /* its user threads still count: never 0 */
		spin_unlock(&p->lock);
		__atomic_sub_fetch(&nsys_threads, 1, __ATOMIC_RELAXED);
		return false;
	}
	t->sys = true;
	t->kfn = syscall_thread_main;
	t->karg = pl;
	t->pin = xl_workers[pl->worker].hart;
	pl->nthreads++;
	c->nthreads++;
	__atomic_add_fetch(&pl->nfree, 1, __ATOMIC_RELAXED);
	xl_count(&xl_workers[pl->worker].st.threads, 1);
	sched_make_runnable(t);
	return true;
}

/* Complete c's SUBMITTED entries unrun (c->lock held): -EAGAIN, or the
 * error a number would get anyway. */
static void refuse_all(struct xl_ctx *c, struct xl_worker *w)
{
	for (int i = 0; i < XL_MAX_PAGES; i++) {
		struct xl_page *pg = c->reg[i].k;
		if (!pg || c->reg[i].stopped)
			continue;
		for (int j = 0; j < XL_ENTRIES; j++) {
			struct xl_entry *e = &pg->e[j];
			long err;
			if (__atomic_load_n(&e->state, __ATOMIC_RELAXED) != XL_SUBMITTED || !take(e))
				continue;
			err = syscall_page_refusal(__atomic_load_n(&e->nr, __ATOMIC_RELAXED));
			if (publish(w, pg, e, err ? err : -EAGAIN, true))
				notify(c, true);
		}
	}
}

void xl_get_going(struct xl_ctx *c, struct xl_worker *w)
{
	struct xl_pool *pl = &c->pool[w - xl_workers];
	if (__atomic_load_n(&pl->nfree, __ATOMIC_RELAXED) > pl->nidle)
		return; /* one is running or runnable here: it will get there */
	if (pl->nidle > 0) {
		pl->kick = true;
		wakeup(&pl->work_chan);
		return;
	}
	if (c->nthreads < XL_MAX_THREADS && spawn(pl))
		return;
	/* No new thread: a free one on another worker will do. */
	for (int i = 0; i < xl_nworkers; i++) {
		struct xl_pool *o = &c->pool[i];
		if (__atomic_load_n(&o->nfree, __ATOMIC_RELAXED) > o->nidle)
			return;
		if (o->nidle > 0) {
			o->kick = true;
			wakeup(&o->work_chan);
			return;
		}
	}
	/* Every thread is inside a handler. If all of them sleep there,
	 * nobody can take these entries: say so in them. */
	if (__atomic_load_n(&c->nparked, __ATOMIC_RELAXED) >= c->nthreads)
		refuse_all(c, w);
}

void xl_kick_idle(struct xl_ctx *c)
{
	for (int i = 0; i < xl_nworkers; i++) {
		c->pool[i].kick = true;
		wakeup(&c->pool[i].work_chan);
	}
}

/* Sleep until there is work for pl (or none will come): false to exit. */
static bool idle(struct xl_pool *pl)
{
	struct xl_ctx *c = pl->ctx;
	bool stay = true;
	spin_lock(&c->lock);
	if (!pl->kick && has_pages(c) && !proc_killed()) {
		pl->nidle++;
		sleep_on(&pl->work_chan, &c->lock);
		pl->nidle--;
	}
	pl->kick = false;
	if (!has_pages(c) || proc_killed())
		stay = false;
	spin_unlock(&c->lock);
	return stay;
}

/* Runs entries of one process on a worker hart, polls for the worker
 * between them, spins a while when there are none, then sleeps. */
static void syscall_thread_main(void *arg)
{
	struct xl_pool *pl = arg;
	struct xl_ctx *c = pl->ctx;
	struct xl_worker *w = &xl_workers[pl->worker];
	uint64_t last = arch_time();
	unsigned rr = 0;

	__atomic_add_fetch(&w->spinners, 1, __ATOMIC_RELAXED);
	while (!proc_killed()) {
		int ran = serve(pl, &rr);
		if (ran + xl_poll_pass(w, c) > 0)
			last = arch_time();
		if (ran && !others_ready(w))
			continue;
		if (ran || arch_time() - last < xl_spin_ticks) {
			if (others_ready(w))
				sched_yield(); /* fair turns with other processes */
			else
				arch_relax();
			continue;
		}
		__atomic_sub_fetch(&w->spinners, 1, __ATOMIC_RELAXED);
		bool stay = idle(pl);
		__atomic_add_fetch(&w->spinners, 1, __ATOMIC_RELAXED);
		if (!stay)
			break;
		last = arch_time();
	}
	__atomic_sub_fetch(&w->spinners, 1, __ATOMIC_RELAXED);
	spin_lock(&c->lock);
	pl->nthreads--;
	c->nthreads--;
	__atomic_sub_fetch(&pl->nfree, 1, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&nsys_threads, 1, __ATOMIC_RELAXED);
	spin_unlock(&c->lock);
	thread_exit(0);
}
