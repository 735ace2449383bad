/* SPDX-License-Identifier: MIT */
/* The user alarm: sigalarm(ticks, handler) upcalls a thread every ticks
 * timer ticks it runs; the handler ends with sigreturn(). */
#pragma once
#include "arch/riscv/trapframe.h"
#include "lib/types.h"

struct thread;

/* Per thread; only the thread itself and its hart's tick touch it, with
 * interrupts off or from the thread's own system calls: no lock. */
struct alarm {
	int interval;            /* ticks between upcalls, 0: off */
	int left;                /* ticks until the next one is due */
	bool due;                /* a tick found left at 0: deliver on return */
	bool busy;               /* in the handler: no second upcall */
	uint64_t handler;        /* user address */
	struct trapframe saved;  /* the user registers the upcall replaced */
};

/* alarm_reset - no alarm (a new thread, or exec: the handler is gone). */
void alarm_reset(struct alarm *al);
/* alarm_tick - the timer tick's part: count a tick of the thread running
 * on this hart. Interrupts off. */
void alarm_tick(void);
/* alarm_deliver - on the way back to user mode: if t's alarm is due and
 * no handler runs, save t's user registers and resume in the handler. */
void alarm_deliver(struct thread *t);
