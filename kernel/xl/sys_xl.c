// SPDX-License-Identifier: MIT
// The exception-less calls' system calls: registering and unregistering
// syscall pages, waiting for completions, waking the workers, statistics.
#include "xl.h"
#include "xl_internal.h"
#include "kernel/proc/proc.h"
#include "kernel/spinlock.h"
#include "kernel/syscall.h"
#include "kernel/mm/uaccess.h"
#include "kernel/time.h"
#include "lib/abi.h"
#include "lib/errno.h"
#include "lib/string.h"

/* xl_register(page) -> the page's index; see xl_register in xl.c. */
long sys_xl_register(const struct sys_args *a)
{
	return xl_register(arg_uaddr(a, 0));
}

/* xl_unregister(page) -> 0 or -EINVAL; see xl_unregister in xl.c. */
long sys_xl_unregister(const struct sys_args *a)
{
	return xl_unregister(arg_uaddr(a, 0));
}

/* xl_wait(min, timeout, pages) -> completed entries; see xl_wait in xl.c. */
long sys_xl_wait(const struct sys_args *a)
{
	return xl_wait(arg_long(a, 0), arg_long(a, 1), arg_size(a, 2));
}

/* xl_wake() -> 0: wake the workers (after seeing NEED_WAKEUP: they all
 * sleep); -EINVAL if the process has no syscall page. */
long sys_xl_wake(const struct sys_args *a)
{
	struct xl_ctx *c = curproc()->xl;
	UNUSED(a);
	if (!c)
		return -EINVAL;
	xl_wake_all();
	return 0;
}

/* echo(a0..a5) -> xl_echo_value(): a cheap call whose result proves that
 * all six arguments arrived, for the ordering tests. */
long sys_echo(const struct sys_args *a)
{
	return xl_echo_value(a->a);
}

/* xlstat(struct xl_stats *, size) -> the number of workers, counters
 * copied out (racy snapshot); -EINVAL if size is too small, -EFAULT. */
long sys_xlstat(const struct sys_args *a)
{
	static struct xl_stats st; /* ~650 bytes: not on the kernel stack */
	static struct spinlock lock = SPINLOCK_INIT("xlstat");
	long err;
	if (arg_size(a, 1) < sizeof(st))
		return -EINVAL;
	spin_lock(&lock);
	memset(&st, 0, sizeof(st));
	st.nworkers = (uint32_t)xl_nworkers;
	st.spin_us = (uint32_t)(xl_spin_ticks / timer_ticks_per_us());
	for (int i = 0; i < xl_nworkers; i++)
		st.w[i] = xl_workers[i].st;
	st.served_here = __atomic_load_n(&xl_served_here, __ATOMIC_RELAXED);
	err = copyout(arg_uaddr(a, 0), &st, sizeof(st));
	spin_unlock(&lock);
	return err ? err : xl_nworkers;
}
