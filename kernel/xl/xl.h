/* SPDX-License-Identifier: MIT */
/* Exception-less system calls: syscall pages, worker harts, syscall threads
 * (docs/xl.md; the ABI is lib/xl_abi.h). */
#pragma once
#include "kernel/spinlock.h"
#include "lib/xl_abi.h"

struct proc;
struct thread;

/* One registered page of a process. */
struct xl_reg {
	uint64_t uva;          /* its user address; 0: the slot is free */
	struct xl_page *k;     /* the same page, pinned, as the kernel sees it */
	int refs;              /* 1 while registered, +1 per thread serving it */
	bool stopped;          /* END seen or unregistered: serve nothing more */
	unsigned next;         /* where the next scan starts (round robin) */
};

/* A process's syscall threads on one worker hart (under the context's
 * lock unless noted). */
struct xl_pool {
	struct xl_ctx *ctx;    /* fixed once the context is made */
	int worker;            /* index into xl_workers, fixed */
	int nthreads;          /* threads alive */
	int nidle;             /* of them asleep waiting for work */
	int nfree;             /* of them not inside a handler (atomic) */
	bool kick;             /* work announced to the idle ones */
	char work_chan;
};

/* A process's exception-less state, under lock. */
struct xl_ctx {
	struct spinlock lock;
	struct proc *proc;     /* NULL: the slot is free (set under ctx_lock
				* and lock; pollers may read it racily) */
	bool frozen;           /* exec: serve nothing, let the threads go */
	struct xl_reg reg[XL_MAX_PAGES];
	struct xl_pool pool[XL_MAX_WORKERS]; /* one per worker */
	int nthreads;          /* syscall threads alive, over all pools */
	int nparked;           /* of them asleep inside a handler (atomic) */
	int waiters;           /* xl_wait callers asleep */
	char done_chan;
};

/* A worker hart: its polling thread, its idle state, its counters. */
struct xl_worker {
	int hart;
	struct thread *thread;
	bool sleeping;         /* asleep, or about to be (xl/poll.c's sleep_lock) */
	int spinners;          /* syscall threads polling on its behalf (atomic) */
	int io_waiters;        /* threads on its hart asleep until a polled pmem
				* completion: it polls the device for them (atomic) */
	struct xl_worker_stats st;
};

extern struct xl_worker xl_workers[XL_MAX_WORKERS];
extern int xl_nworkers;
extern uint64_t xl_spin_ticks;

/* xl_register, xl_unregister, xl_wait - the system calls' work for the
 * current process (sys_xl.c decodes the arguments); each is described
 * above its definition in xl.c. */
long xl_register(uint64_t uva);
long xl_unregister(uint64_t uva);
long xl_wait(long min, long timeout, uint64_t pages);
/* xl_init - start a worker thread on every worker hart (ROLE_WORKER in
 * the role table, hart_roles_assign); print the banner
 * line. Boot hart, after hart_start_all. */
void xl_init(void);
/* xl_proc_quiesce - exec is about to replace p's image: serve none of its
 * pages, cancel its syscall threads' calls (-EINTR where they block) and
 * wait until they have ended. The caller is p's only user thread. 0, or
 * -EINTR if the caller is killed meanwhile (the pages are served again).
 * xl_proc_thaw - exec failed: serve the pages again. */
int xl_proc_quiesce(struct proc *p);
void xl_proc_thaw(struct proc *p);
/* xl_proc_unmapped - p freed some of its memory (sbrk shrank): drop the
 * registration of every page it freed, as xl_unregister would. Takes the
 * context's and the allocator's locks, then none (it may free pages). */
void xl_proc_unmapped(struct proc *p);
/* xl_proc_teardown - the process's last thread is leaving: unregister and
 * unpin every page, free the context. No syscall thread of p is left. */
void xl_proc_teardown(struct proc *p);

/* xl_thread_parks - sleep_on's park hook for syscall threads (sched lock
 * held): t goes to sleep (asleep) or woke up; counts it if t is inside a
 * handler. Lock-free. */
void xl_thread_parks(struct thread *t, bool asleep);

/* xl_poller_needed - a thread on this worker hart is about to sleep until
 * a polled pmem completion: count it, and make sure the worker is awake
 * to poll the device. xl_poller_done - it woke. No-ops on other harts.
 * Take the workers' sleep lock (needed only). */
void xl_poller_needed(void);
void xl_poller_done(void);

/* Internal to kernel/xl/xl.c, kernel/xl/worker.c and kernel/xl/poll.c. */
/* xl_count - add n to a counter that several threads bump. */
static inline void xl_count(uint64_t *counter, uint64_t n)
{
	__atomic_add_fetch(counter, n, __ATOMIC_RELAXED);
}
/* xl_worker_main - a worker hart's polling thread (arg: its xl_worker). */
void xl_worker_main(void *arg);
/* xl_poll_pass - one pass of the worker's duties, by whoever polls on w's
 * hart: reap pmem completions (polled mode, and only while a thread on
 * w's hart waits for one), get a syscall thread going on w's hart for
 * each process (but self) with submitted entries. Takes each busy
 * context's lock in turn. Returns how much it found (processes with
 * submitted entries, and completions). kernel/xl/poll.c */
int xl_poll_pass(struct xl_worker *w, struct xl_ctx *self);
/* xl_pending - is an entry of c SUBMITTED or END (to be noticed) on a
 * page it serves? c->lock held, or a racy look that only reads. */
bool xl_pending(struct xl_ctx *c);
/* xl_get_going - c has submitted entries: make sure one of its syscall
 * threads on w's hart is going (wake an idle one, or make one). If no
 * thread can be had and every one of c's sleeps in a handler, complete
 * the entries with -EAGAIN. c->lock held. kernel/xl/worker.c */
void xl_get_going(struct xl_ctx *c, struct xl_worker *w);
/* xl_kick_idle - wake c's idle syscall threads to look again (c->lock). */
void xl_kick_idle(struct xl_ctx *c);
/* xl_ctxs - a context slot per possible process (the pollers scan them;
 * each lock is set up once, in xl_init). */
extern struct xl_ctx xl_ctxs[];
extern int xl_nctx;
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
