/* SPDX-License-Identifier: MIT */
/* The fiber library's insides, shared by user/lib/fiber*.c. */
#pragma once
#include "../fiber.h"

#define CANARY 0x6e61676966696265UL /* "ebifigan" */
#define CANARY_WORDS 8              /* at the stack's low end */

enum fiber_state { F_READY, F_RUNNING, F_PARKED, F_DONE };

/* What the scheduler does with the fiber that just switched out to it. */
enum after { A_REQUEUE, A_PARK, A_EXIT };

struct fsched;

struct fiber {
	void *sp;                 /* saved while switched out (fiber_switch) */
	struct fiber *next;       /* in one run queue or wait queue at a time */
	struct fiber *all_next;   /* every fiber of the run (the run's list) */
	struct fiber **all_pprev;
	void (*fn)(void *);
	void *arg;
	char *stack;              /* low end: CANARY_WORDS of canary */
	unsigned long stack_size;
	int state;                /* enum fiber_state */
	int err;                  /* fiber-local errno */
	long value;               /* fiber_exit's */
	long io_ret;              /* the parked entry's result */
	struct ulock lk;          /* guards state DONE and joiner */
	struct fiber *joiner;
	char name[16];
};

/* One kernel thread of a run: its run queue, its page, its counters.
 * tp points here while the thread runs fibers (and is 0 otherwise): the
 * system call stubs test it (user/lib/syscall.S). */
struct fsched {
	void *sp;                 /* the scheduler loop's context */
	struct fiber *cur;        /* running fiber, or NULL in the loop */
	struct fiber *next;       /* the loop runs it before popping (requeue) */
	int after;                /* enum after: set by the fiber switching out */
	struct ulock *after_lock; /* A_PARK: released once switched out */
	int idx, tid;
	struct ulock qlk;         /* guards q: other threads steal from it */
	struct fiber_queue q;
	long qlen;
	struct fiber_io *io;      /* the page and what is in flight (fiber_io.c) */
	int asleep;               /* 1: reading wake[0], nothing in flight (atomic) */
	int idle;                 /* 1: in idle(), nothing to run (atomic; cleared
				   * under qlk before an xl_wait) */
	int wake[2];              /* a pipe: a byte in it wakes the thread */
	struct fiber_thread_stats st;
};

/* The run: shared by its threads. */
struct frun {
	int nthreads;
	bool trap;
	bool page_only;           /* fiber_opts.page_only */
	bool serve_idle;          /* fiber_opts.serve_idle */
	unsigned long stack;
	int spin_ticks;
	int spin_few_ticks;       /* the spin with at most FIBER_FEW entries out */
	int untaken_ticks;        /* FIBER_UNTAKEN_US */
	int max_inflight;
	long live;                /* fibers not yet ended (atomic) */
	int nasleep;              /* threads with asleep set (atomic) */
	long inflight;            /* entries out, all threads (atomic) */
	long nfull;               /* fibers on full (atomic) */
	struct ulock full_lk;     /* guards full */
	struct fiber_queue full;  /* fibers waiting for inflight < max_inflight */
	struct ulock lk;          /* guards all */
	struct fiber *all;
	struct fsched sched[FIBER_MAX_THREADS];
};
extern struct frun *fiber_run_now;

static inline struct fsched *cur_sched(void)
{
	struct fsched *s;
	asm volatile("mv %0, tp" : "=r"(s));
	return s;
}

static inline uint64_t fiber_rdtime(void)
{
	uint64_t t;
	asm volatile("rdtime %0" : "=r"(t));
	return t;
}

/* The FIFO queues of fibers: run queues and every waiter list (caller
 * holds whatever lock guards q). Inline: a yield makes a push and a pop. */
static inline void fq_push(struct fiber_queue *q, struct fiber *f)
{
	f->next = NULL;
	if (q->tail)
		q->tail->next = f;
	else
		q->head = f;
	q->tail = f;
}

static inline struct fiber *fq_pop(struct fiber_queue *q)
{
	struct fiber *f = q->head;
	if (f) {
		q->head = f->next;
		if (!q->head)
			q->tail = NULL;
		f->next = NULL;
	}
	return f;
}

/* fiber_park - switch out, parked; lk (may be NULL) is released only once
 * the fiber's context is saved, so whoever wakes it under lk cannot run it
 * before. fiber_ready - put a parked fiber on the caller's thread's queue. */
void fiber_park(struct ulock *lk);
void fiber_ready(struct fiber *f);
/* fiber_ready_on - the same on thread s (s's own loop only). */
void fiber_ready_on(struct fsched *s, struct fiber *f);
/* fiber_ready_reaped - ready f, whose entry s's loop just reaped: on an
 * idle thread with an empty queue if s has other fibers (ready, or with
 * entries out), so that fibers do not pile up on one thread while
 * another idles (stealing takes only fibers that wait in a queue); else
 * on s. */
void fiber_ready_reaped(struct fsched *s, struct fiber *f);
/* fiber_new - a fiber with its stack, canary and first frame, on the
 * run's list but on no queue; NULL if out of memory. fiber_free - off
 * the run's list and freed (it has ended or never ran). Take r->lk. */
struct fiber *fiber_new(struct frun *r, void (*fn)(void *), void *arg, const char *name,
			unsigned long stack);
void fiber_free(struct frun *r, struct fiber *f);
/* fiber_sched_loop - one kernel thread's scheduler (tp set to s): run
 * fibers, reap, steal, idle, until none is left in the run. */
void fiber_sched_loop(struct frun *r, struct fsched *s);

/* fiber_io.c: the syscall page, for the scheduler loop. */
int fio_start(struct fsched *s, struct frun *r);   /* 0 or -E*: page set up */
void fio_stop(struct fsched *s);
int fio_reap(struct fsched *s);                    /* completions readied */
long fio_inflight(struct fsched *s);
/* fio_idle - nothing ready: sleep in one trap until a completion (or a
 * tick passes); unless page_only, run there first the thread's entries
 * that no worker has taken. fio_untaken - has no worker taken one of the
 * thread's entries yet? */
void fio_idle(struct fsched *s);
bool fio_untaken(struct fsched *s);
