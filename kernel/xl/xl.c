// SPDX-License-Identifier: MIT
// Exception-less system calls, the trap-based half: choosing the worker
// harts, registering syscall pages, waiting, waking, statistics, teardown.
// The worker loop and the syscall threads are in xl/worker.c.
#include "xl_internal.h"
#include "kernel/bootargs.h"
#include "kernel/hart.h"
#include "kernel/mm/page.h"
#include "kernel/printk.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/sched.h"
#include "kernel/proc/thread.h"
#include "kernel/mm/vm.h"
#include "drivers/pmem/pmem.h"
#include "kernel/time.h"
#include "lib/abi.h"
#include "lib/errno.h"
#include "lib/string.h"

struct xl_worker xl_workers[XL_MAX_WORKERS];
int xl_nworkers;
uint64_t xl_spin_ticks;
bool xl_instret;
struct xl_ctx xl_ctxs[NPROC];
int xl_nctx; /* slots ever used: the pollers look no further */
/* Allocation of contexts. */
static struct spinlock ctx_lock = SPINLOCK_INIT("xl.ctx");

void xl_init(void)
{
	xl_spin_ticks = bootarg_ulong("xl_spin", 200) * timer_ticks_per_us();
	xl_instret = arch_instret_counts();
	sched_register_park_hook(xl_thread_parks);
	for (int i = 0; i < NPROC; i++) {
		spin_init(&xl_ctxs[i].lock, "xl.ctx");
		spin_init(&xl_ctxs[i].cq_lock, "xl.cq");
	}
	for (int id = 0; id < MAX_HARTS && xl_nworkers < XL_MAX_WORKERS; id++) {
		struct xl_worker *w = &xl_workers[xl_nworkers];
		if (harts[id].role != ROLE_WORKER || !harts[id].online)
			continue;
		w->hart = w->st.hart = id;
		w->thread = kthread_create("xlworker", xl_worker_main, w, id);
		if (!w->thread) {
			kprintf("nagi: xl: no thread for the worker on hart %d\n", id);
			continue;
		}
		kprintf("nagi: hart %d is a syscall worker (spins %lu us before sleeping%s)\n", id,
			xl_spin_ticks / timer_ticks_per_us(),
			xl_instret ? "; counts its instructions" : "");
		xl_nworkers++;
	}
}

/* The process's context, made on first use; NULL if none is free. */
static struct xl_ctx *ctx_get(struct proc *p)
{
	struct xl_ctx *c = NULL;
	spin_lock(&ctx_lock);
	if (p->xl) {
		spin_unlock(&ctx_lock);
		return p->xl;
	}
	for (int i = 0; i < NPROC && !c; i++)
		if (!xl_ctxs[i].proc)
			c = &xl_ctxs[i];
	if (c) {
		/* A poller may still be looking at the slot's last owner: reset
		 * it under its lock (set up once, in xl_init), never memset. */
		spin_lock(&c->lock);
		memset(c->reg, 0, sizeof(c->reg));
		memset(c->pool, 0, sizeof(c->pool));
		for (int w = 0; w < XL_MAX_WORKERS; w++)
			c->pool[w] = (struct xl_pool){ .ctx = c, .worker = w };
		c->waiters = 0;
		c->frozen = false;
		c->proc = p;
		spin_unlock(&c->lock);
		p->xl = c;
		if (c - xl_ctxs >= __atomic_load_n(&xl_nctx, __ATOMIC_RELAXED))
			__atomic_store_n(&xl_nctx, (int)(c - xl_ctxs) + 1, __ATOMIC_RELEASE);
	}
	spin_unlock(&ctx_lock);
	return c;
}

/* The physical page behind user page uva, pinned; or -EFAULT/-EBUSY. */
static long pin_user_page(struct vm *vm, uint64_t uva, struct xl_page **out)
{
	uint64_t pa;
	long err;
	/* Under the vm lock: sbrk cannot unmap it between lookup and pin
	 * (and frees only after unlocking, when the pin holds it). */
	spin_lock(&vm->lock);
	pa = mmu_lookup(vm->root, uva, MMU_R | MMU_W | MMU_U);
	err = pa ? page_pin((void *)pa) : -EFAULT;
	spin_unlock(&vm->lock);
	if (err == -EINVAL)
		err = -EFAULT; /* not a page of the allocator's */
	*out = (struct xl_page *)pa;
	return err;
}

/* How long xl_register waits for an unregistered page's slot: the
 * syscall thread that holds it lets go at the end of its turn, within
 * microseconds; an entry still blocked in flight may never, and then the
 * caller gets ENOSPC. */
#define XL_DRAIN_TICKS 2

/* A free slot of c, or -1 (c->lock held). */
static int free_slot(struct xl_ctx *c)
{
	for (int i = 0; i < XL_MAX_PAGES; i++)
		if (!c->reg[i].k)
			return i;
	return -1;
}

/* Is a slot of c unregistered but still held by a syscall thread (its
 * turn, or an entry in flight)? c->lock held. */
static bool draining(struct xl_ctx *c)
{
	for (int i = 0; i < XL_MAX_PAGES; i++)
		if (c->reg[i].k && c->reg[i].stopped)
			return true;
	return false;
}

/* A free slot of c, waiting up to XL_DRAIN_TICKS for a draining one (a
 * page unregistered a moment ago whose syscall thread has not let go
 * yet): -ENOSPC if none frees, -EINTR on a kill. c->lock held. */
static int take_slot(struct xl_ctx *c)
{
	uint64_t deadline = sched_ticks() + XL_DRAIN_TICKS;
	int i, err = 0;

	while ((i = free_slot(c)) < 0 && !err && draining(c) && sched_ticks() < deadline) {
		c->reg_waiters++;
		err = sleep_on_until(&c->reg, &c->lock, deadline); /* xl_reg_put wakes */
		c->reg_waiters--;
	}
	return i >= 0 ? i : err ? err : -ENOSPC;
}

/* xl_register(page) -> the page's index, or -ENXIO (no workers), -EINVAL
 * (not page aligned), -EFAULT (not mapped writable user memory), -EBUSY
 * (registered already), -ENOSPC (XL_MAX_PAGES, none of them draining
 * within XL_DRAIN_TICKS), -EINTR (killed while waiting for one). Takes
 * vm, page, ctx locks; may sleep. */
long xl_register(uint64_t uva)
{
	struct proc *p = curproc();
	struct xl_page *k;
	struct xl_ctx *c;
	long err;
	int i;

	if (!xl_nworkers)
		return -ENXIO;
	if (uva % PAGE_SIZE)
		return -EINVAL;
	if (uva < USER_BASE || uva >= USER_TOP)
		return -EFAULT;
	if (!(c = ctx_get(p)))
		return -ENOMEM;
	if ((err = pin_user_page(p->vm, uva, &k)))
		return err;
	spin_lock(&c->lock);
	if ((i = take_slot(c)) < 0) {
		spin_unlock(&c->lock);
		xl_page_release(k);
		return i;
	}
	memset(&k->hdr, 0, sizeof(k->hdr));
	k->hdr.worker = (uint32_t)xl_workers[0].hart;
	c->reg[i] = (struct xl_reg){ .uva = uva, .k = k, .refs = 1, .more = true };
	spin_unlock(&c->lock);
	xl_wake_all(); /* let them see the page now */
	return i;
}

struct xl_page *xl_reg_put(struct xl_ctx *c, int i)
{
	struct xl_reg *r = &c->reg[i];
	struct xl_page *k = r->k;
	if (--r->refs > 0)
		return NULL;
	*r = (struct xl_reg){ 0 };
	if (c->reg_waiters)
		wakeup(&c->reg); /* a slot for take_slot */
	return k;
}

void xl_page_release(struct xl_page *k)
{
	/* Freed by the user meanwhile (sbrk, exit): another hart's TLB may
	 * still map it for a thread of the process until a shootdown. */
	if (k && page_unpin(k)) {
		tlb_shootdown();
		page_free(k);
	}
}

/* xl_unregister(page) -> 0, or -EINVAL if page is not registered. Entries
 * in flight finish (into the page, still pinned); nothing more is taken. */
long xl_unregister(uint64_t uva)
{
	struct xl_ctx *c = curproc()->xl;
	struct xl_page *k;
	int i;
	if (!c || !uva)
		return -EINVAL;
	spin_lock(&c->lock);
	for (i = 0; i < XL_MAX_PAGES; i++)
		if (c->reg[i].k && c->reg[i].uva == uva)
			break;
	if (i == XL_MAX_PAGES) {
		spin_unlock(&c->lock);
		return -EINVAL;
	}
	c->reg[i].stopped = true;
	c->reg[i].uva = 0;
	k = xl_reg_put(c, i);
	xl_kick_idle(c); /* idle syscall threads look again: maybe they go */
	spin_unlock(&c->lock);
	xl_page_release(k);
	return 0;
}

void xl_proc_unmapped(struct proc *p)
{
	struct xl_ctx *c = p->xl;
	struct xl_page *k[XL_MAX_PAGES] = { 0 };
	if (!c)
		return;
	spin_lock(&c->lock);
	for (int i = 0; i < XL_MAX_PAGES; i++) {
		struct xl_reg *r = &c->reg[i];
		if (!r->k || !r->uva || !page_orphaned(r->k))
			continue;
		/* As if unregistered: entries in flight finish into the old
		 * page, which stays pinned until the last of them is done. */
		r->stopped = true;
		r->uva = 0;
		__atomic_or_fetch(&r->k->hdr.flags, XL_STOPPED, __ATOMIC_RELEASE);
		k[i] = xl_reg_put(c, i);
	}
	xl_kick_idle(c);
	spin_unlock(&c->lock);
	for (int i = 0; i < XL_MAX_PAGES; i++)
		xl_page_release(k[i]);
}

int xl_count_completed(struct xl_ctx *c, unsigned pages)
{
	int n = 0;
	for (int i = 0; i < XL_MAX_PAGES; i++) {
		struct xl_page *pg = c->reg[i].k;
		if (!pg || (pages && !(pages & (1u << i))))
			continue;
		for (int j = 0; j < XL_ENTRIES; j++)
			n += __atomic_load_n(&pg->e[j].state, __ATOMIC_RELAXED) == XL_COMPLETED;
	}
	return n;
}

/* xl_wait(min, timeout, pages) -> how many entries are COMPLETED in the
 * process's pages whose index (xl_register's result) is a bit of pages
 * (0: all of them), once at least min are or timeout ticks have passed
 * (0: no timeout); -EINVAL (no pages, bad min, timeout or mask) or
 * -EINTR. With XL_WAIT_SERVE in pages, first runs those pages' SUBMITTED
 * entries on this thread (a caller with nothing else to do serves its
 * own page rather than wait for a worker hart). Wakes the workers if
 * they sleep and entries wait. Sleeps on the context's done channel. */
long xl_wait(long min, long timeout, uint64_t pages)
{
	struct xl_ctx *c = curproc()->xl;
	uint64_t deadline = sched_ticks() + (uint64_t)timeout;
	bool here = pages & XL_WAIT_SERVE;
	long n;
	int err = 0;

	pages &= ~(uint64_t)XL_WAIT_SERVE;
	if (!c || min < 0 || min > XL_MAX_PAGES * XL_ENTRIES || timeout < 0 ||
	    pages >> XL_MAX_PAGES)
		return -EINVAL;
	if (here)
		xl_serve_here(c, (unsigned)pages);
	if (!here || xl_pending(c, 0))
		xl_wake_all();
	spin_lock(&c->lock);
	c->waiters++;
	for (;;) {
		/* Pairs with the fence after a completion: either it sees
		 * waiters, or we see its COMPLETED. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		n = xl_count_completed(c, (unsigned)pages);
		if (n >= min || err || (timeout && sched_ticks() >= deadline))
			break;
		err = timeout ? sleep_on_until(&c->done_chan, &c->lock, deadline)
			      : sleep_on(&c->done_chan, &c->lock);
	}
	c->waiters--;
	spin_unlock(&c->lock);
	return err ? err : n;
}

/* Freeze or thaw c's pages (frozen: served by nobody). */
static void set_frozen(struct xl_ctx *c, bool frozen)
{
	spin_lock(&c->lock);
	c->frozen = frozen;
	xl_kick_idle(c); /* frozen: idle syscall threads see no pages and leave */
	spin_unlock(&c->lock);
	if (!frozen)
		xl_wake_all(); /* entries may wait */
}

int xl_proc_quiesce(struct proc *p)
{
	struct xl_ctx *c = p->xl;
	int err;
	if (!c)
		return 0;
	set_frozen(c, true); /* after this no syscall thread is made */
	err = proc_end_sys_threads(p);
	if (err)
		set_frozen(c, false);
	return err;
}

void xl_proc_thaw(struct proc *p)
{
	if (p->xl)
		set_frozen(p->xl, false);
}

void xl_proc_teardown(struct proc *p)
{
	struct xl_ctx *c = p->xl;
	struct xl_page *k[XL_MAX_PAGES] = { 0 };
	if (!c)
		return;
	spin_lock(&c->lock);
	for (int i = 0; i < XL_MAX_PAGES; i++)
		if (c->reg[i].k) {
			c->reg[i].stopped = true;
			k[i] = xl_reg_put(c, i);
		}
	if (xl_ctx_threads(c))
		panic("xl_proc_teardown: pid %d still has %d syscall threads", p->pid,
		      xl_ctx_threads(c));
	spin_unlock(&c->lock);
	for (int i = 0; i < XL_MAX_PAGES; i++)
		xl_page_release(k[i]);
	spin_lock(&ctx_lock);
	spin_lock(&c->lock);
	c->proc = NULL;
	spin_unlock(&c->lock);
	p->xl = NULL;
	spin_unlock(&ctx_lock);
}
