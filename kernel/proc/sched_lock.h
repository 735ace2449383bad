/* SPDX-License-Identifier: MIT */
/* The scheduler lock and what may be done only while holding it. Private to
 * the scheduler, threads and processes (sched.c, thread.c, proc.c). */
#pragma once
#include "kernel/spinlock.h"

struct thread;
struct proc;

/* Protects every thread's state, chan and run-queue link. */
extern struct spinlock sched_lock;

/* sched - switch to this hart's scheduler; the caller has set the state.
 * Exactly sched_lock must be held. Returns when the thread runs again. */
void sched(void);
/* wakeup_locked - wakeup() with sched_lock already held. */
void wakeup_locked(void *chan);
/* sched_wake_locked - make the sleeping thread t runnable. */
void sched_wake_locked(struct thread *t);
/* proc_thread_exiting - thread t of a process is exiting with value;
 * returns true if it was the last one, after tearing the process down. */
bool proc_thread_exiting(struct thread *t, long value);
