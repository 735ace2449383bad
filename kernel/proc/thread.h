/* SPDX-License-Identifier: MIT */
/* Threads: a kernel stack, a saved context, a state; maybe a process. */
#pragma once
#include "arch/riscv/arch.h"
#include "lib/types.h"
#include "alarm.h"
#include "kernel/hart.h"

#define NTHREAD 256
#define KSTACK_PAGES 4 /* 16 KiB, with an unmapped guard page below */

enum thread_state {
	T_UNUSED,
	T_NEW,      /* allocated, being set up */
	T_RUNNABLE, /* on the run queue */
	T_RUNNING,  /* on a hart */
	T_SLEEPING, /* on chan */
	T_ZOMBIE,   /* exited, waiting to be joined or reaped */
};

struct proc;

struct thread {
	/* Under the scheduler lock: */
	enum thread_state state;
	void *chan;              /* what a sleeping thread waits for */
	struct thread *next;     /* run queue link */
	struct thread *snext, **sprev; /* sleeping: its channel's bucket (sched.c) */
	int hart;                /* where it runs or last ran */
	uint64_t wake_tick;      /* sleep_on_until's deadline, 0: none */
	uint64_t nsleeps;        /* times it slept: a syscall thread parked */
	int pin;                 /* hart it must run on, or -1 (setaffinity
				  * changes it: sched_set_affinity) */
	/* Fixed while the thread lives: */
	int tid;
	struct proc *proc;       /* NULL for a kernel-only thread */
	bool sys;                /* a syscall thread: kernel code of proc,
				  * never in user mode (kernel/xl/worker.c) */
	bool cancel;             /* a syscall thread told to give up its call
				  * and end (exec): proc_killed() says so */
	char name[16];
	struct context ctx;      /* saved by arch_switch_to */
	uint64_t kstack_lo, kstack_top; /* usable stack (guard below lo) */
	struct trapframe *tf;    /* user threads: the frame at kstack_top */
	void (*kfn)(void *);     /* kernel threads: what to run */
	void *karg;
	long exit_value;         /* for thread_join */
	bool joined;             /* someone is joining or joined it */
	bool exiting;            /* in thread_exit: runs on the kernel's table
				  * (its process's may be freed meanwhile) */
	struct alarm alarm;      /* sigalarm's state (alarm.h) */
};

/* curthread - the thread running on this hart (NULL in the scheduler).
 * Inline: the trap path and the syscall threads ask for it per call. */
static inline struct thread *curthread(void) { return this_hart()->current; }
/* thread_alloc - a new thread in state T_NEW (reserved, being set up), with its
 * kernel stack mapped; NULL if none is free. Not yet runnable. */
struct thread *thread_alloc(struct proc *p, const char *name);
/* kthread_create - a kernel thread running fn(arg), pinned to hart pin
 * (-1: any), made runnable. Returns it or NULL. */
struct thread *kthread_create(const char *name, void (*fn)(void *), void *arg, int pin);
/* thread_exit - the calling thread ends with value; the process's last
 * thread ends the process. Never returns. */
void thread_exit(long value) __attribute__((noreturn));
/* thread_free_count - how many thread slots are unused now (takes
 * sched_lock; a snapshot). */
int thread_free_count(void);
/* thread_kstack_pages - pages held as kernel stacks by slots, used or not
 * (a slot keeps its stack for the next thread). */
uint64_t thread_kstack_pages(void);
/* thread_free - give a zombie's slot back (scheduler lock held). */
void thread_free(struct thread *t);
/* thread_by_tid - the live or zombie thread tid, or NULL (sched lock held). */
struct thread *thread_by_tid(int tid);
/* threads - the thread table, for the scheduler and for debugging. */
extern struct thread threads[NTHREAD];
