/* SPDX-License-Identifier: MIT */
/* Exception-less system calls, inside the subsystem: contexts, pools,
 * workers, and the calls between xl.c, worker.c and poll.c (and ktests). */
#pragma once
#include "kernel/spinlock.h"
#include "kernel/xl/xl.h"

/* One registered page of a process. */
struct xl_reg {
	uint64_t uva;          /* its user address; 0: the slot is free */
	struct xl_page *k;     /* the same page, pinned, as the kernel sees it */
	int refs;              /* 1 while registered, +1 per thread serving it */
	bool stopped;          /* END seen or unregistered: serve nothing more */
	unsigned next;         /* where the next scan starts (round robin; a
				* hint read and written atomically, unlocked) */
	uint32_t cq_tail;      /* CQ records written: the kernel's own copy
				* (the header's is the user's to scribble on);
				* under the context's cq_lock */
	uint32_t seen_gen;     /* the header's sub_gen before the last look */
	bool more;             /* that look left entries behind (true before
				* the first look); both are hints, racy
				* between threads (atomic) */
};

/* A process's syscall threads on one worker hart (under the context's
 * lock unless noted). Derived: threads going = nthreads - nidle - nparked. */
struct xl_pool {
	struct xl_ctx *ctx;    /* fixed once the context is made */
	int worker;            /* index into xl_workers, fixed */
	int nthreads;          /* threads alive */
	int nidle;             /* of them asleep waiting for work */
	int nparked;           /* of them asleep inside a handler (atomic: the
				* park hook runs under the scheduler's lock) */
	bool kick;             /* work announced to the idle ones */
	char work_chan;
};

/* A process's exception-less state, under lock. */
struct xl_ctx {
	struct spinlock lock;
	struct spinlock cq_lock; /* the CQs of its pages; a leaf: taken under
				  * the scheduler's lock by the park hook */
	struct proc *proc;     /* NULL: the slot is free (set under ctx_lock
				* and lock; pollers may read it racily) */
	bool frozen;           /* exec: serve nothing, let the threads go */
	struct xl_reg reg[XL_MAX_PAGES];
	struct xl_pool pool[XL_MAX_WORKERS]; /* one per worker */
	int waiters;           /* xl_wait callers asleep */
	int reg_waiters;       /* xl_register callers asleep for a slot */
	char done_chan;
};

/* A worker hart: its polling thread, its idle state, its counters. */
struct xl_worker {
	int hart;
	struct thread *thread;
	bool sleeping;         /* asleep, or about to be (xl/poll.c's sleep_lock) */
	int active;            /* its syscall threads neither idle nor parked:
				* they poll on its behalf (atomic; changed only
				* when a thread starts, idles, parks or ends) */
	int io_waiters;        /* threads on its hart asleep until a polled pmem
				* completion: it polls the device for them (atomic) */
	struct xl_worker_stats st;
};

extern struct xl_worker xl_workers[XL_MAX_WORKERS];
extern int xl_nworkers;
extern uint64_t xl_spin_ticks;
/* xl_instret - does instret count instructions (QEMU with -icount)? Then
 * the syscall threads count theirs (xlstat's instret and measured). */
extern bool xl_instret;
/* xl_ctxs - a context slot per possible process (the pollers scan them;
 * each lock is set up once, in xl_init). */
extern struct xl_ctx xl_ctxs[];
extern int xl_nctx;

/* xl_count - add n to a counter that several threads bump. */
static inline void xl_count(uint64_t *counter, uint64_t n)
{
	if (n)
		__atomic_add_fetch(counter, n, __ATOMIC_RELAXED);
}

/* Results of one page, run and not yet published (on the serving
 * thread's stack; the park hook finds it while a handler runs). */
struct xl_batch {
	struct xl_pool *pl;    /* the syscall threads' pool; NULL: the caller
				* serves its own page (xl_serve_here) */
	struct xl_ctx *ctx;
	struct xl_reg *reg;    /* referenced by the server while it serves */
	struct xl_page *pg;
	int n;                 /* results held */
	uint64_t refused;      /* bit k: slot[k] was refused unrun */
	uint8_t slot[XL_ENTRIES];
};

/* How xl_flush may wake xl_wait callers: the locks its caller holds. */
enum { UNLOCKED, CTX_LOCKED, SCHED_LOCKED };

#define XL_PAGE_QUOTA 32 /* entries taken from one page per turn: a batch */
#define XL_FULL_LOOK 64  /* every this many turns or passes: look at every entry */

/* Entries run by callers on their own pages (xl_serve_here), all
 * processes (added once per batch). */
extern uint64_t xl_served_here;

/* xl_take - take entry e if it is SUBMITTED (the one winner of a
 * compare-and-swap to EXECUTING): true if it is ours to run. */
bool xl_take(struct xl_entry *e);
/* xl_page_work - pg's entries SUBMITTED or END, a bit per entry (one
 * look, reads only: a snapshot xl_take checks again). */
uint64_t xl_page_work(const struct xl_page *pg);
/* xl_page_work_from - the same, but a look that stops once it found want
 * of them, going round the page from entry from (the user's hint said
 * want were published); want over XL_FEW: every entry, xl_page_work. */
#define XL_FEW 8
uint64_t xl_page_work_from(const struct xl_page *pg, unsigned from, unsigned want);
/* xl_serve_page - run up to XL_PAGE_QUOTA of the entries in *work (an
 * xl_page_work look at b's page, whose registration b->reg the caller
 * holds a reference on), from *next on round the page, then publish
 * them; *stop if an END entry says so. Only the entries the look found
 * are visited; *work keeps those not visited. How many ran. No lock. */
int xl_serve_page(struct xl_batch *b, uint64_t *work, unsigned *next, bool *stop);
/* xl_flush - publish the results b holds: counters once, each state
 * EXECUTING -> COMPLETED (unless the user changed it: then dropped), the
 * CQ records, one notify of xl_wait callers; how: the locks held. */
void xl_flush(struct xl_batch *b, int how);

/* xl_reg_served - a server is done with c->reg[i] (it held a reference):
 * mark the page stopped if it met an END entry, drop the reference (and
 * release the page if it was the last). Where the next look starts
 * (reg[i].next) is the server's to store, atomically: a hint, racy
 * between servers. Takes c->lock; no lock held. */
void xl_reg_served(struct xl_ctx *c, int i, bool stop);
/* xl_serve_here - the current thread, one of c's process's, is about to
 * wait for completions (xl_wait with XL_WAIT_SERVE): run the SUBMITTED
 * entries of its pages whose index is a bit of pages (0: all) here, up to
 * XL_PAGE_QUOTA a page, racing the syscall threads for each (xl_take).
 * No lock held. How many ran. */
int xl_serve_here(struct xl_ctx *c, unsigned pages);

/* xl_ctx_threads / xl_ctx_parked - c's syscall threads alive, and of them
 * asleep in a handler, summed over its pools (c->lock for a true count). */
int xl_ctx_threads(const struct xl_ctx *c);
int xl_ctx_parked(const struct xl_ctx *c);
/* xl_sys_threads - syscall threads alive in the whole system. */
int xl_sys_threads(void);
/* xl_check - the bookkeeping invariants of c (c->lock held): 0, or the
 * number of the first that fails (ktests; every change under XL_DEBUG). */
int xl_check(const struct xl_ctx *c);

/* xl_worker_main - a worker hart's polling thread (arg: its xl_worker). */
void xl_worker_main(void *arg);
/* xl_poll_pass - one pass of the worker's duties, by whoever polls on w's
 * hart: reap pmem completions (polled mode, and only while a thread on
 * w's hart waits for one), get a syscall thread going on w's hart for
 * each process (but self) with submitted entries. A pass looks at each
 * page as far as its hint says (xl_pending), and at every entry
 * when exact or on every XL_FULL_LOOK-th pass: with many processes, a
 * look at all their entries each pass was most of a worker's time.
 * Takes each busy context's lock in turn. Returns how much it found
 * (processes with submitted entries, and completions). kernel/xl/poll.c */
int xl_poll_pass(struct xl_worker *w, struct xl_ctx *self, bool exact);
/* xl_pending - is an entry of c SUBMITTED or END (to be noticed) on a
 * page it serves? At each page only as far as its sub_gen hint says
 * entries were published since the last look, but at every entry when
 * pass is a multiple of XL_FULL_LOOK (0: an exact look). c->lock held,
 * or a racy look that only reads; kernel/xl/worker.c. */
bool xl_pending(struct xl_ctx *c, unsigned pass);
/* xl_get_going - c has submitted entries: make sure one of its syscall
 * threads on w's hart is going (wake an idle one, or make one). If no
 * thread can be had and every one of c's sleeps in a handler, complete
 * the entries with -EAGAIN. c->lock held. kernel/xl/worker.c */
void xl_get_going(struct xl_ctx *c, struct xl_worker *w);
/* xl_spawn - a new syscall thread in pool pl, on its worker's hart
 * (c->lock held). False if none may or can be made: over the limits
 * (XL_MAX_BLOCKED, XL_RESERVE/XL_HEADROOM), no thread slot, or the
 * process has no user thread left or is dying; nothing is counted then. */
bool xl_spawn(struct xl_pool *pl);
/* xl_spawn_test_hook - ktests only: called in xl_spawn before the thread
 * is allocated and counted; returning true fails the allocation. */
extern bool (*xl_spawn_test_hook)(struct proc *p);
/* xl_syscall_thread_main - a syscall thread's body (arg: its pool).
 * xl_sys_thread_gone - one has ended: give its place in the system's
 * count back (kernel/xl/pool.c). */
void xl_syscall_thread_main(void *arg);
void xl_sys_thread_gone(void);
/* xl_kick_idle - wake c's idle syscall threads to look again (c->lock). */
void xl_kick_idle(struct xl_ctx *c);
/* xl_reg_put - drop a reference on c->reg[i] (c->lock held); the last
 * one frees the slot and returns the page for xl_page_release (NULL
 * otherwise). xl_page_release - unpin it, free it if the user did; no
 * spinlock held (it may shoot down TLBs). NULL is ignored. */
struct xl_page *xl_reg_put(struct xl_ctx *c, int i);
void xl_page_release(struct xl_page *k);
/* xl_count_completed - entries in state COMPLETED over c's pages whose
 * index is a bit of pages, or all of them if pages is 0 (lock). */
int xl_count_completed(struct xl_ctx *c, unsigned pages);
/* xl_wake_worker - wake w's polling thread if it sleeps (or is about to:
 * then it stays awake); counts it. xl_wake_all - every worker. Take the
 * workers' sleep lock (and, to clear NEED_WAKEUP, each context's). */
void xl_wake_worker(struct xl_worker *w);
void xl_wake_all(void);

#ifdef XL_DEBUG
#include "kernel/printk.h"
#define XL_ASSERT_OK(c)                                                            \
	do {                                                                       \
		int bad_ = xl_check(c);                                            \
		if (bad_)                                                          \
			panic("xl: invariant %d broken at %s:%d", bad_, __FILE__, __LINE__); \
	} while (0)
#else
#define XL_ASSERT_OK(c) ((void)0)
#endif
