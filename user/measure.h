/* SPDX-License-Identifier: MIT */
/* Measuring system call costs from user space (user/lib/measure.c):
 * shared by xldemo and the benchmark. */
#pragma once
#include "xl.h"

#define MEASURE_TIMEBASE_HZ 10000000UL /* QEMU virt's time CSR */

/* A cost per call, in hundredths (two decimals): wall ns and instructions
 * retired on the calling hart. */
struct cost {
	uint64_t ns100, instret100;
	uint64_t own100; /* instret100 less what was spent waiting for results:
			  * what the caller pays to submit and reap */
};

/* measure_time / measure_instret - the time and instret CSRs (U-mode). */
uint64_t measure_time(void);
uint64_t measure_instret(void);
/* measure_can_instret - may U-mode read instret? Probed once in a child,
 * which the kernel kills (and says so) if it may not. */
bool measure_can_instret(void);

/* Instructions a workload spent waiting for results; workloads add to it,
 * measure_median subtracts it for cost.own100. */
extern uint64_t measure_waiting;

/* Where the page workloads' caller spent its instructions, batch by
 * batch, in measure_median's timed runs (not its warm-up); meaningful
 * where instret counts instructions. submit: xl_prep_batch (with the
 * arguments an echo needs) and xl_publish;
 * kick: the fence and the look at NEED_WAKEUP; wake: a kick that trapped
 * into xl_wake (the kernel's instructions on this hart included); wait:
 * xl_wait_done and reaps that found nothing; reap: xl_reap_batch that
 * found results; check: the benchmark's own look at each result.
 * Under -icount instret is QEMU's one virtual clock, not this hart's:
 * a part during which QEMU let another hart run counts that hart's
 * instructions too. So each batch's figures are kept apart (if the
 * caller gave room: sample[p], cap places each) and read as medians.
 * With cap 0 nothing is counted: without -icount each read of instret
 * costs some 40 ns and counts host time, and a batch makes six. */
enum { PART_SUBMIT, PART_KICK, PART_WAKE, PART_WAIT, PART_REAP, PART_CHECK, NPARTS };
struct measure_parts {
	uint64_t calls, batches, wakes;
	uint64_t *sample[NPARTS]; /* per batch: instructions per entry x 100
				   * (wake: only batches whose kick trapped) */
	int cap, nsample[NPARTS];
};
extern struct measure_parts measure_parts;

/* A workload: do n calls' worth of work with ctx. */
typedef void (*measure_fn)(void *ctx, long n);
/* measure_median - run fn(ctx, calls) runs times; the median cost per call. */
void measure_median(measure_fn fn, void *ctx, long calls, int runs, struct cost *out);

/* Workloads. xlb_trap_null: null() by ecall. xlb_page_null: null through
 * the ring, batch entries submitted at once, then all waited for (the
 * ctx is a struct xlb_page). xlb_trap_echo / xlb_page_echo: the same with
 * echo(), six arguments checked. */
struct xlb_page {
	struct xl_ring *ring;
	int batch;
	long bad; /* results that were wrong */
};
void xlb_trap_null(void *ctx, long n);
void xlb_page_null(void *ctx, long n);
void xlb_trap_echo(void *ctx, long n);
void xlb_page_echo(void *ctx, long n);

/* Seed 000's workload (user/lib/seedload.c): u processes at once, each
 * rounds x (open its own file in dir, d x write SEED_BLOCK bytes, close,
 * reopen, d x read and check them, close), through the trap path or, with
 * page, each through a syscall page of its own. */
#define SEED_BLOCK 512
struct seed_load {
	int u, d, rounds;
	bool page;
	const char *dir; /* must exist */
	bool serve;      /* page: xl_call runs an untaken entry itself (xl.h serve_here) */
};
/* seed_run_times - fork the u processes, let them set up (fork, fault in
 * their buffers), start them together, wait for all. The calls are timed
 * apart from the processes' set-up and exit: *t holds, in time-CSR ticks,
 * setup (the first fork until the first process started its calls, its
 * go token's wake-up included), calls (from then until the last
 * process's last call returned) and exit (from then until the last exit
 * was reaped); and the device commands and file-system commits made
 * during the calls. Removes the files. Returns 0, how many processes
 * failed, or -E* if not all could be forked. */
struct seed_times {
	uint64_t setup, calls, exit;
	uint64_t commands, commits;
};
long seed_run_times(const struct seed_load *w, struct seed_times *t);
/* seed_run - seed_run_times with only the calls' time (*ticks). */
long seed_run(const struct seed_load *w, uint64_t *ticks);

/* The same workload in one process (user/lib/fiberload.c): u fibers whose
 * calls go through their thread's page (FIBERLOAD_PAGE; a lone fiber's
 * traps, an idle thread runs its untaken entries), every call through the
 * page (FIBERLOAD_PAGE_ONLY) or trap (FIBERLOAD_TRAP), or u kernel
 * threads that trap (FIBERLOAD_THREADS);
 * w->page is not looked at. *ticks: from the start to the last worker's
 * end. st (fibers only, may be NULL) gets the fiber run's counters.
 * Returns 0, how many workers failed, or -E*. */
#define FIBERLOAD_PAGE 0
#define FIBERLOAD_TRAP 1
#define FIBERLOAD_THREADS 2
#define FIBERLOAD_PAGE_ONLY 3
#define FIBERLOAD_PAGE_SERVE 4 /* FIBERLOAD_PAGE, and idle threads run their own entries */
struct fiber_stats;
long fiberload_run(const struct seed_load *w, int how, uint64_t *ticks, struct fiber_stats *st);
