/* SPDX-License-Identifier: MIT */
/* The scheduler: run queue, sleep/wakeup, preemption, hart affinity. */
#pragma once
#include "lib/types.h"

struct spinlock;
struct thread;

/* Called with sched_lock held when a syscall thread (t->sys) goes to sleep
 * in sleep_on (asleep true) and when it runs again (false). */
typedef void (*sched_park_fn)(struct thread *t, bool asleep);
/* sched_register_park_hook - the one park hook (the syscall-page code's
 * accounting). Boot hart, before any syscall thread exists. */
void sched_register_park_hook(sched_park_fn fn);

/*
 * sleep_on - sleep on chan until a wakeup(chan). lk is held on entry,
 * released while asleep (atomically with going to sleep: no lost wake-ups)
 * and held again on return. Callers re-check their condition in a loop.
 * Returns 0, or -EINTR if the calling process has been killed (checked
 * before sleeping and after waking): the caller should give up.
 */
int sleep_on(void *chan, struct spinlock *lk);
/* sleep_on_until - sleep_on that also ends when ticks reach deadline
 * (sched_ticks()); callers re-check both. 0 or -EINTR. */
int sleep_on_until(void *chan, struct spinlock *lk, uint64_t deadline);
/* sched_others_ready - is another thread waiting for this hart (a pinned
 * one queued for it), or a preemption pending? Racy hint for pollers. */
bool sched_others_ready(void);
/* wakeup - make every thread sleeping on chan runnable. Any context. */
void wakeup(void *chan);
/* sched_yield - give up the hart; the thread stays runnable. */
void sched_yield(void);
struct proc;
/* sched_set_affinity - pin thread tid (0: the caller) of process p to
 * hart pin, or unpin it (-1); the caller has checked that pin is a hart
 * that runs threads. When it returns, a pinned caller runs on pin.
 * 0, or -EINVAL if p has no such live user thread. */
int sched_set_affinity(struct proc *p, int tid, int pin);
/* sched_make_runnable - put a new or woken thread on the run queue. */
void sched_make_runnable(struct thread *t);
/* sched_run - this hart's scheduler loop: runs threads whose affinity
 * allows this hart, serves hart_call work, sleeps in wfi. Never returns. */
void sched_run(void) __attribute__((noreturn));
/* sched_tick - the timer tick on this hart: ask for a preemption. */
void sched_tick(void);
/* sched_preempt_point - yield if a preemption is pending. Called on the
 * way out of a trap whose interrupted code could be preempted. */
void sched_preempt_point(void);
/* ticks - timer ticks since boot, as uptime() reports them. */
uint64_t sched_ticks(void);
/* sched_sleep_ticks - sleep n ticks; -EINTR if killed meanwhile. */
int sched_sleep_ticks(uint64_t n);
