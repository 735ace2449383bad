// SPDX-License-Identifier: MIT
// sigalarm/sigreturn: a user upcall every N timer ticks (lab traps).
#include "alarm.h"
#include "proc.h"
#include "thread.h"
#include "kernel/lab.h"
#include "kernel/syscall.h"
#include "arch/riscv/upcall.h"
#include "lib/errno.h"

void alarm_reset(struct alarm *al)
{
	al->interval = 0;
	al->left = 0;
	al->due = false;
	al->busy = false;
	al->handler = 0;
}

void alarm_tick(void)
{
	struct thread *t = curthread();
	/* LAB traps: BEGIN */
	/* Only user threads have alarms; ticks spent in their system calls
	 * count too, as the thread runs then. */
	if (!t || !t->proc || t->sys || t->alarm.interval == 0)
		return;
	if (--t->alarm.left <= 0) {
		t->alarm.left = t->alarm.interval;
		t->alarm.due = true;
	}
	/* LAB traps: ELSE
	UNUSED(t);
	   LAB traps: END */
}

void alarm_deliver(struct thread *t)
{
	/* LAB traps: BEGIN */
	if (!t->alarm.due || t->alarm.busy || t->alarm.interval == 0)
		return;
	t->alarm.due = false;
	t->alarm.busy = true; /* until sigreturn: a slow handler is not re-entered */
	arch_upcall_enter(t->tf, &t->alarm.saved, t->alarm.handler);
	/* LAB traps: ELSE
	UNUSED(t);
	   LAB traps: END */
}

/*
 * sys_sigalarm - sigalarm(ticks, handler): from now on, every ticks timer
 * ticks this thread runs, it resumes in handler, which must end with
 * sigreturn(). ticks 0 turns the alarm off. 0 or -EINVAL.
 */
long sys_sigalarm(const struct sys_args *a)
{
	/* LAB traps: BEGIN */
	struct alarm *al = &curthread()->alarm;
	int ticks = arg_int(a, 0);
	if (ticks < 0)
		return -EINVAL;
	al->interval = ticks;
	al->left = ticks;
	al->due = false;
	al->handler = arg_uaddr(a, 1);
	return 0;
	/* LAB traps: ELSE
	UNUSED(a);
	return lab_missing("traps", "sigalarm not implemented");
	   LAB traps: END */
}

/*
 * sys_sigreturn - sigreturn(): leave the alarm handler; the thread goes on
 * with the registers the upcall saved. Returns the saved a0 (the dispatcher
 * writes it back), or -EINVAL outside a handler.
 */
long sys_sigreturn(const struct sys_args *a)
{
	UNUSED(a);
	/* LAB traps: BEGIN */
	struct thread *t = curthread();
	if (!t->alarm.busy)
		return -EINVAL;
	t->alarm.busy = false;
	return arch_upcall_return(t->tf, &t->alarm.saved);
	/* LAB traps: ELSE
	return lab_missing("traps", "sigreturn not implemented");
	   LAB traps: END */
}
