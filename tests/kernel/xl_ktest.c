// SPDX-License-Identifier: MIT
// In-kernel tests of the syscall workers: pmem I/O from a thread on a
// worker hart completes in both modes; in polled mode the thread sleeps
// while the worker polls (seed 000: I/O without interrupts), in interrupt
// mode the IPI handler wakes it and the worker never touches the device.
//
// They need a worker and the device (`ktest pmem=last`, 4 harts).
// The bookkeeping tests (xl_spawn_*, xl_invariants) need neither.
#include "drivers/pmem/pmem.h"
#include "../../kernel/hart.h"
#include "../../kernel/ktest.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/sched.h"
#include "kernel/proc/sched_lock.h"
#include "kernel/proc/thread.h"
#include "kernel/xl/xl_internal.h"
#include "../../lib/string.h"

#define NBLK 8
static uint64_t wbuf[NBLK * 64], rbuf[NBLK * 64];

/* What the pinned thread did, for the test to check. */
static struct {
	int err;
	uint64_t sleeps;
	volatile bool done;
} io;

/* On the worker hart: write, read back, compare, 20 times. */
static void io_thread(void *arg)
{
	uint64_t block = pmem_capacity() - 128, s0 = curthread()->nsleeps;
	UNUSED(arg);
	io.err = 0;
	for (int k = 0; k < 20 && !io.err; k++) {
		for (unsigned i = 0; i < ARRAY_SIZE(wbuf); i++)
			wbuf[i] = (uint64_t)k << 32 ^ i ^ 0xabcdef;
		memset(rbuf, 0, sizeof(rbuf));
		io.err = pmem_rw(PMEM_OP_WRITE, block, NBLK, wbuf);
		if (!io.err)
			io.err = pmem_rw(PMEM_OP_READ, block, NBLK, rbuf);
		if (!io.err && memcmp(wbuf, rbuf, sizeof(wbuf)))
			io.err = -1;
	}
	io.sleeps = curthread()->nsleeps - s0;
	__atomic_store_n(&io.done, true, __ATOMIC_RELEASE);
}

/* Run io_thread on the first worker's hart in mode; what the worker
 * polled meanwhile, and how long it took in ticks. */
static int run_on_worker(int mode, uint64_t *polled, uint64_t *ticks)
{
	struct xl_worker *w = &xl_workers[0];
	uint64_t p0 = w->st.polled, t0 = sched_ticks();
	io.done = false;
	if (pmem_set_mode(mode) || !kthread_create("xlio", io_thread, NULL, w->hart))
		return -1;
	for (int i = 0; i < 500 && !__atomic_load_n(&io.done, __ATOMIC_ACQUIRE); i++)
		sched_sleep_ticks(1);
	*polled = w->st.polled - p0;
	*ticks = sched_ticks() - t0;
	return io.done ? 0 : -2;
}

KTEST(xl_worker_pmem_both_modes)
{
	uint64_t polled, ticks;
	if (!xl_nworkers || !pmem_present()) {
		kprintf("    needs a syscall worker and pmem (ktest pmem=last, 4 harts): skipped\n");
		return 0;
	}
	pmem_set_latency(1000000); /* 1 ms: commands are waited for */
	KEXPECT(run_on_worker(PMEM_MODE_IRQ, &polled, &ticks) == 0);
	KEXPECT(io.err == 0);
	KEXPECT(io.sleeps > 0); /* slept until the completion interrupt... */
	KEXPECT(polled == 0);   /* ...which the worker left to the IPI handler */
	kprintf("    interrupt mode: %lu sleeps, 40 commands in %lu ticks\n", io.sleeps, ticks);
	KEXPECT(run_on_worker(PMEM_MODE_POLL, &polled, &ticks) == 0);
	KEXPECT(io.err == 0);
	KEXPECT(io.sleeps > 0);  /* parked instead of spinning... */
	KEXPECT(polled > 0);    /* ...and the worker's polling woke it */
	kprintf("    polled mode: %lu sleeps, %lu completions reaped by the worker, %lu ticks\n",
		io.sleeps, polled, ticks);
	KEXPECT(__atomic_load_n(&xl_workers[0].io_waiters, __ATOMIC_RELAXED) == 0);
	pmem_set_mode(PMEM_MODE_IRQ);
	pmem_set_latency(0);
	return 0;
}

KTEST(xl_worker_harts_are_reserved)
{
	for (int i = 0; i < xl_nworkers; i++) {
		KEXPECT(harts[xl_workers[i].hart].role == ROLE_WORKER);
		KEXPECT(xl_workers[i].hart != pmem_hart());
		KEXPECT(xl_workers[i].thread && xl_workers[i].thread->pin == xl_workers[i].hart);
	}
	return 0;
}

/* ---- spawn's accounting, by construction ---- */

static struct proc fake_proc;
static struct xl_ctx fake_ctx;
static bool exiter_saw_last, fail_alloc;

/* The process's last user thread leaves inside spawn's window (before the
 * new thread is allocated and counted), as proc_thread_exiting counts it. */
static bool last_user_thread_leaves(struct proc *p)
{
	spin_lock(&p->lock);
	exiter_saw_last = --p->nthreads == 0;
	spin_unlock(&p->lock);
	return fail_alloc;
}

/* Spawn into a fake process with one user thread that leaves in the
 * window; whether the allocation then fails is fail. */
static int spawn_while_last_leaves(bool fail)
{
	int sys0 = xl_sys_threads(), slots0 = thread_free_count();
	bool made;
	spin_init(&fake_proc.lock, "fake");
	spin_init(&fake_ctx.lock, "fake.ctx");
	fake_proc.nthreads = 1, fake_proc.nsys = 0, fake_proc.killed = 0;
	memset(fake_ctx.pool, 0, sizeof(fake_ctx.pool));
	for (int w = 0; w < XL_MAX_WORKERS; w++)
		fake_ctx.pool[w] = (struct xl_pool){ .ctx = &fake_ctx, .worker = w };
	fake_ctx.proc = &fake_proc;
	fail_alloc = fail;
	xl_spawn_test_hook = last_user_thread_leaves;
	spin_lock(&fake_ctx.lock);
	made = xl_spawn(&fake_ctx.pool[0]);
	spin_unlock(&fake_ctx.lock);
	xl_spawn_test_hook = NULL;
	KEXPECT(!made);
	/* Whoever took the count to 0 must have been the leaving thread (it
	 * tears the process down); spawn must never be the one. */
	KEXPECT(fake_proc.nthreads > 0 || exiter_saw_last);
	KEXPECT(fake_proc.nthreads == 0 && fake_proc.nsys == 0);
	KEXPECT(xl_sys_threads() == sys0);
	KEXPECT(thread_free_count() == slots0);
	KEXPECT(xl_check(&fake_ctx) == 0);
	return 0;
}

KTEST(xl_spawn_no_leak_when_alloc_fails)
{
	return spawn_while_last_leaves(true);
}

KTEST(xl_spawn_no_leak_when_process_ends)
{
	return spawn_while_last_leaves(false);
}

KTEST(xl_invariants)
{
	for (int i = 0; i < xl_nctx; i++) {
		struct xl_ctx *c = &xl_ctxs[i];
		int bad;
		spin_lock(&c->lock);
		bad = c->proc ? xl_check(c) : 0;
		spin_unlock(&c->lock);
		if (bad)
			kprintf("    context %d: invariant %d\n", i, bad);
		KEXPECT(bad == 0);
	}
	KEXPECT(xl_sys_threads() >= 0);
	return 0;
}
