// SPDX-License-Identifier: MIT
// Exception-less system calls, the pools' bookkeeping: how many syscall
// threads a process and the system have (derived where possible), the
// limits on making more, making one, and the invariants (xl_check).
#include "xl_internal.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/sched.h"
#include "kernel/proc/sched_lock.h"
#include "kernel/proc/thread.h"

/* Syscall threads in all, so that user threads always find slots in the
 * thread table. */
#define XL_MAX_SYS_THREADS (NTHREAD / 2)

static int nsys_threads; /* syscall threads alive (atomic; reserved by CAS) */
bool (*xl_spawn_test_hook)(struct proc *p);

int xl_ctx_threads(const struct xl_ctx *c)
{
	int n = 0;
	for (int i = 0; i < XL_MAX_WORKERS; i++)
		n += c->pool[i].nthreads;
	return n;
}

int xl_ctx_parked(const struct xl_ctx *c)
{
	int n = 0;
	for (int i = 0; i < XL_MAX_WORKERS; i++)
		n += __atomic_load_n(&c->pool[i].nparked, __ATOMIC_RELAXED);
	return n;
}

int xl_sys_threads(void)
{
	return __atomic_load_n(&nsys_threads, __ATOMIC_RELAXED);
}

int xl_check(const struct xl_ctx *c)
{
	for (int i = 0; i < XL_MAX_WORKERS; i++) {
		const struct xl_pool *pl = &c->pool[i];
		int parked = __atomic_load_n(&pl->nparked, __ATOMIC_RELAXED);
		if (pl->ctx != c || pl->worker != i)
			return 1;
		if (pl->nthreads < 0 || pl->nidle < 0 || parked < 0)
			return 2;
		if (pl->nidle + parked > pl->nthreads)
			return 3;
	}
	if (xl_ctx_threads(c) > XL_MAX_BLOCKED)
		return 4;
	for (int i = 0; i < XL_MAX_PAGES; i++)
		if (!c->reg[i].k != (c->reg[i].refs == 0) || c->reg[i].refs < 0)
			return 5;
	if (xl_sys_threads() < 0 || xl_sys_threads() > XL_MAX_SYS_THREADS)
		return 6;
	if (c->waiters < 0)
		return 7;
	return 0;
}

/* Count one more syscall thread for c, within the limits: XL_MAX_BLOCKED
 * for c; in all, XL_MAX_SYS_THREADS for a process below its reserve, and
 * XL_HEADROOM fewer for one past it, so that two big users cannot take
 * every thread from the others. One CAS: nothing to undo on refusal. */
static bool reserve_sys_thread(struct xl_ctx *c)
{
	int mine = xl_ctx_threads(c), n = xl_sys_threads();
	int limit = mine < XL_RESERVE ? XL_MAX_SYS_THREADS : XL_MAX_SYS_THREADS - XL_HEADROOM;
	do {
		if (mine >= XL_MAX_BLOCKED || n >= limit)
			return false;
	} while (!__atomic_compare_exchange_n(&nsys_threads, &n, n + 1, false, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return true;
}

/* p takes t as a syscall thread if it still has a user thread and is not
 * dying; counted in the same critical section as that check, so the
 * process cannot end between them (its last user thread leaving then
 * sees our thread and makes it leave too). */
static bool proc_adopts(struct proc *p)
{
	bool ok;
	spin_lock(&p->lock);
	ok = !p->killed && p->nthreads > p->nsys;
	if (ok) {
		p->nthreads++;
		p->nsys++;
	}
	spin_unlock(&p->lock);
	return ok;
}

bool xl_spawn(struct xl_pool *pl)
{
	struct xl_ctx *c = pl->ctx;
	struct proc *p = c->proc;
	struct thread *t = NULL;

	if (!reserve_sys_thread(c))
		return false;
	if (!(xl_spawn_test_hook && xl_spawn_test_hook(p)))
		t = thread_alloc(p, "xlsys");
	if (!t || !proc_adopts(p)) {
		if (t) {
			spin_lock(&sched_lock);
			thread_free(t); /* T_NEW: never ran, nobody knows it */
			spin_unlock(&sched_lock);
		}
		__atomic_sub_fetch(&nsys_threads, 1, __ATOMIC_RELAXED);
		return false;
	}
	t->sys = true;
	t->kfn = xl_syscall_thread_main;
	t->karg = pl;
	t->pin = xl_workers[pl->worker].hart;
	pl->nthreads++;
	__atomic_add_fetch(&xl_workers[pl->worker].active, 1, __ATOMIC_RELAXED);
	xl_count(&xl_workers[pl->worker].st.threads, 1);
	XL_ASSERT_OK(c);
	sched_make_runnable(t);
	return true;
}

void xl_sys_thread_gone(void)
{
	__atomic_sub_fetch(&nsys_threads, 1, __ATOMIC_RELAXED);
}
