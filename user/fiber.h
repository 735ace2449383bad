/* SPDX-License-Identifier: MIT */
/* Fibers: user-level threads, M:N over kernel threads, whose blocking
 * system calls become syscall-page entries (docs/fibers.md). */
#pragma once
#include "user.h"
#include "lib/ulock.h"

struct fiber;

/* How fiber_main runs. Zeroed means: one kernel thread per general hart,
 * each pinned to its hart, page mode, 16 KiB stacks. */
struct fiber_opts {
	int threads;           /* kernel threads; 0: one per general hart */
	bool trap;             /* page off: every call traps and blocks its thread */
	bool page_only;        /* every call through the page, as seed 000's library:
				* a lone fiber's calls do not trap */
	bool serve_idle;       /* an idle thread runs its own page's entries that
				* no worker has taken (XL_WAIT_SERVE): off by
				* default, it measured slower (docs/fibers.md) */
	bool no_pin;           /* do not pin the threads to harts */
	unsigned long stack;   /* default stack size in bytes; 0: FIBER_STACK */
	int spin_us;           /* idle spin before sleeping; 0: FIBER_SPIN_US */
	int max_inflight;      /* entries in flight per process; 0: FIBER_MAX_INFLIGHT */
	int spin_few_us;       /* ... when only a few entries are out; 0: FIBER_SPIN_FEW_US,
				* -1: spin_us as with many */
};
#define FIBER_STACK (16 * 1024)
#define FIBER_SPIN_US 50
/* A thread with at most FIBER_FEW entries out waits for their latency,
 * not for the worker's throughput: it spins longer rather than pay a
 * sleep and an IPI wake-up (tens of us under QEMU) per call. With more
 * out, the worker hart is the bottleneck and the thread sleeps sooner,
 * leaving the host's cores to the worker and the device. */
#define FIBER_SPIN_FEW_US 500
#define FIBER_FEW 2
/* With serve_idle, an idle thread whose entries no worker has taken
 * after this long runs them itself, in its xl_wait trap. */
#define FIBER_UNTAKEN_US 5
/* The kernel runs at most XL_MAX_BLOCKED (64) blocked entries of a process
 * at once and refuses more with -EAGAIN; stay below it. */
#define FIBER_MAX_INFLIGHT 60
#define FIBER_MAX_THREADS 8
/* The exit status of a process whose fiber overflowed its stack. */
#define FIBER_EXIT_OVERFLOW 86

/* What one kernel thread of a run did (fiber_stats). */
struct fiber_thread_stats {
	int hart;                 /* pinned to, or -1 */
	uint64_t dispatches;      /* fibers run (a switch in and one out each) */
	uint64_t entries;         /* calls submitted to its page */
	uint64_t trapped;         /* calls from fibers that trapped instead */
	uint64_t lone;            /* of them: the fiber was alone on its thread (none
				   * ready, none out: nothing to overlap with) */
	uint64_t reaps;           /* xl_reap calls that found something */
	uint64_t reaped;          /* completions taken back */
	uint64_t scans;           /* xl_reap calls in all */
	uint64_t waits;           /* xl_wait traps (nothing ready, entries out); unless
				   * page_only, each runs the entries no worker took */
	uint64_t naps;            /* sleep(1) traps (nothing ready, nothing out) */
	uint64_t steals;          /* fibers taken from another thread's queue */
	uint64_t handed;          /* reaped fibers handed to an idle thread */
	uint64_t full;            /* times a fiber waited for an in-flight slot */
	uint64_t busy_ticks;      /* rdtime ticks not spinning or asleep */
	uint64_t idle_ticks;      /* spinning for work, or asleep in a trap */
};
struct fiber_stats {
	int threads;              /* kernel threads used */
	bool page;                /* did calls go through pages (else trap mode) */
	struct fiber_thread_stats t[FIBER_MAX_THREADS];
};

/*
 * fiber_main - run fn(arg) as the first fiber of a new run and return when
 * every fiber of the run has ended. Starts opts->threads kernel threads
 * (the caller is the first), each with its own run queue and, in page
 * mode, its own syscall page. Page mode falls back to trap mode when the
 * kernel has no syscall workers. stats (may be NULL) gets the run's
 * counters. Returns 0; -ENOMEM or -EMFILE (nothing ran); or
 * thread_spawn's error (the run still ran, on the threads that started).
 * One run at a time per process (-EBUSY).
 */
int fiber_main(const struct fiber_opts *opts, void (*fn)(void *), void *arg,
	       struct fiber_stats *stats);

/* fiber_stats_now - the running run's counters so far, copied racily
 * (busy and idle time are filled in only when the run ends). */
void fiber_stats_now(struct fiber_stats *st);

/* fiber_create - a new fiber running fn(arg), ready to run, on the
 * caller's thread's queue; stack 0 means the run's default. name (kept,
 * up to 15 characters) is what an overflow report shows. From a fiber
 * only. NULL if out of memory. */
struct fiber *fiber_create(void (*fn)(void *), void *arg, const char *name,
			   unsigned long stack);
/* fiber_exit - end the calling fiber with value (also what returning from
 * fn does, with 0). */
void fiber_exit(long value) __attribute__((noreturn));
/* fiber_join - wait for f to end; its value in *value (may be NULL); f's
 * memory is freed. One join per fiber; a fiber never joined is freed when
 * the run ends. Returns 0, or -EINVAL for f == self. */
int fiber_join(struct fiber *f, long *value);
/* fiber_yield - let the other ready fibers run first. */
void fiber_yield(void);
/* fiber_sleep - sleep(ticks): one page entry (its thread runs others). */
int fiber_sleep(long ticks);
/* fiber_self - the calling fiber, NULL outside fibers. */
struct fiber *fiber_self(void);
const char *fiber_name(const struct fiber *f);
/* fiber_errno - the calling fiber's errno: the last failed call's E*
 * (positive), set by every system call a fiber makes. */
int *fiber_errno(void);
#define ferrno (*fiber_errno())
/* fiber_thread - index of the kernel thread running the caller (-1 outside). */
int fiber_thread(void);

/* The context switch alone, under the scheduler (docs/fibers.md "The
 * switch"): for bench's switch row, tests and the lab; programs yield.
 * fiber_switch - save ra and s0-s11 on the current stack and its sp in
 * *save, then go on at to: a context saved by fiber_switch, or one made
 * by fiber_context (it starts there). Returns when something switches
 * back to *save. fiber_context - a context at the top of stack (size
 * bytes) whose first switch starts entry, which must never return (it
 * has nothing to return to). */
void fiber_switch(void **save, void *to);
void *fiber_context(void *stack, unsigned long size, void (*entry)(void));

/* Synchronisation between fibers, on any of the run's threads. Zeroed
 * structures are ready (unlocked mutex, semaphore 0, empty condvar and
 * wait group). Waiters are served in FIFO order. From fibers only. */
struct fiber_queue {
	struct fiber *head, *tail;
};
struct fiber_mutex {
	struct ulock lk;
	struct fiber *owner;
	struct fiber_queue waiters;
};
struct fiber_sem {
	struct ulock lk;
	long count;
	struct fiber_queue waiters;
};
struct fiber_cond {
	struct ulock lk;
	struct fiber_queue waiters;
};
struct fiber_wg {
	struct ulock lk;
	long count;
	struct fiber_queue waiters;
};
/* fiber_mutex_lock - take m, waiting behind earlier waiters; unlock hands
 * it straight to the first waiter (no barging: fair under contention). */
void fiber_mutex_lock(struct fiber_mutex *m);
bool fiber_mutex_trylock(struct fiber_mutex *m);
void fiber_mutex_unlock(struct fiber_mutex *m);
/* fiber_sem_* - a counting semaphore: wait takes one (waiting for a
 * post if none), post gives one (to the first waiter if any). */
void fiber_sem_init(struct fiber_sem *s, long count);
void fiber_sem_wait(struct fiber_sem *s);
void fiber_sem_post(struct fiber_sem *s);
/* fiber_cond_* - wait releases m and sleeps as one step (no lost
 * wake-up), and takes m again before returning. */
void fiber_cond_wait(struct fiber_cond *c, struct fiber_mutex *m);
void fiber_cond_signal(struct fiber_cond *c);
void fiber_cond_broadcast(struct fiber_cond *c);
/* fiber_wg_* - a wait group: add n, each done takes one, wait returns
 * once the count is 0. */
void fiber_wg_add(struct fiber_wg *w, long n);
void fiber_wg_done(struct fiber_wg *w);
void fiber_wg_wait(struct fiber_wg *w);
