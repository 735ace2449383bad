// SPDX-License-Identifier: MIT
// In-kernel tests of the syscall workers: pmem I/O from a thread on a
// worker hart completes in both modes; in polled mode the thread sleeps
// while the worker polls (seed 000: I/O without interrupts), in interrupt
// mode the IPI handler wakes it and the worker never touches the device.
//
// They need a worker and the device (`ktest pmem=last`, 4 harts).
#include "drivers/pmem/pmem.h"
#include "../../kernel/hart.h"
#include "../../kernel/ktest.h"
#include "kernel/proc/sched.h"
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
