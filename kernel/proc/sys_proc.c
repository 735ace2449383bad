// SPDX-License-Identifier: MIT
// Process and thread system calls: fork, exec, wait, exit, kill, sbrk, sleep, threads...
#include "kernel/hart.h"
#include "kernel/mm/page.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "proc.h"
#include "sched.h"
#include "sched_lock.h"
#include "kernel/syscall.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vm.h"
#include "kernel/xl/xl.h"
#include "kernel/time.h"
#include "lib/errno.h"
#include "lib/string.h"

/* exec(path, argv) -> argc in the new program; see exec_user. */
long sys_exec(const struct sys_args *a)
{
	return exec_user(arg_uaddr(a, 0), arg_uaddr(a, 1));
}

/* wait(int *status) -> a reaped child's pid; see proc_wait. */
long sys_wait(const struct sys_args *a)
{
	return proc_wait(arg_uaddr(a, 0));
}

long sys_fork(const struct sys_args *a)
{
	struct proc *me = curproc(), *child = proc_create_child(me);
	struct thread *t;
	UNUSED(a);
	if (!child)
		return -EAGAIN;
	t = thread_alloc(child, me->name);
	if (!t) {
		proc_abandon(child);
		return -EAGAIN;
	}
	arch_fork_frame(t, curthread()); /* the child sees 0 */
	t->pin = curthread()->pin;       /* affinity is inherited, as on Linux */
	child->nthreads = 1;
	sched_make_runnable(t);
	return child->pid;
}

/*
 * sys_setaffinity - setaffinity(tid, hart): pin thread tid of the caller's
 * process (0: the caller) to hart, or unpin it with -1. The hart must be
 * online and run threads: general, or reserved for pinned ones (bootarg
 * reserve=); not a syscall worker, the pmem device or a missing hart.
 * 0 or -EINVAL. Takes the scheduler lock.
 */
long sys_setaffinity(const struct sys_args *a)
{
	int tid = arg_int(a, 0);
	long hart = arg_long(a, 1);

	if (tid < 0 || hart < -1 || hart >= MAX_HARTS)
		return -EINVAL;
	if (hart >= 0 && (!harts[hart].online ||
			  (harts[hart].role != ROLE_GENERAL && harts[hart].role != ROLE_RESERVED)))
		return -EINVAL;
	return sched_set_affinity(curproc(), tid, (int)hart);
}

long sys_exit(const struct sys_args *a)
{
	proc_exit(arg_int(a, 0));
}

long sys_getpid(const struct sys_args *a)
{
	UNUSED(a);
	return curproc()->pid;
}

long sys_kill(const struct sys_args *a)
{
	return proc_kill(arg_int(a, 0), EXIT_KILLED);
}

long sys_sbrk(const struct sys_args *a)
{
	long delta = arg_long(a, 0), ret = vm_sbrk(curproc()->vm, delta);
	if (delta < 0 && ret >= 0)
		xl_proc_unmapped(curproc()); /* a syscall page freed is unregistered */
	return ret;
}

long sys_sleep(const struct sys_args *a)
{
	long n = arg_long(a, 0);
	if (n < 0)
		return -EINVAL;
	return sched_sleep_ticks(n);
}

long sys_uptime(const struct sys_args *a)
{
	UNUSED(a);
	return (long)sched_ticks();
}

long sys_thread_create(const struct sys_args *a)
{
	struct proc *p = curproc();
	uint64_t entry = arg_uaddr(a, 0), sp = arg_uaddr(a, 2);
	struct thread *t;
	if (entry < USER_BASE || entry >= USER_TOP || sp <= USER_BASE || sp > USER_TOP || sp % 16)
		return -EINVAL;
	/* Count the thread first: the process cannot end (and free its
	 * memory) while it is being set up. */
	spin_lock(&p->lock);
	if (p->killed) {
		spin_unlock(&p->lock);
		return -EINTR;
	}
	p->nthreads++;
	spin_unlock(&p->lock);
	t = thread_alloc(p, p->name);
	if (!t) {
		spin_lock(&p->lock);
		p->nthreads--; /* we, the caller, still count: never 0 here */
		spin_unlock(&p->lock);
		return -EAGAIN;
	}
	arch_user_frame(t, entry, sp, arg_uaddr(a, 1));
	t->pin = curthread()->pin; /* inherited, as on Linux */
	sched_make_runnable(t);
	return t->tid;
}

long sys_thread_exit(const struct sys_args *a)
{
	thread_exit(arg_long(a, 0));
}

long sys_thread_join(const struct sys_args *a)
{
	int tid = arg_int(a, 0);
	uint64_t uvalue = arg_uaddr(a, 1);
	struct thread *t;
	long value;
	spin_lock(&sched_lock);
	t = thread_by_tid(tid);
	if (!t || t->proc != curproc() || t->joined || t->sys) {
		spin_unlock(&sched_lock);
		return -ESRCH;
	}
	if (t == curthread()) {
		spin_unlock(&sched_lock);
		return -EINVAL;
	}
	t->joined = true;
	while (t->state != T_ZOMBIE)
		if (sleep_on(t, &sched_lock)) {
			t->joined = false;
			spin_unlock(&sched_lock);
			return -EINTR;
		}
	value = t->exit_value;
	thread_free(t);
	spin_unlock(&sched_lock);
	if (uvalue && copyout(uvalue, &value, sizeof(value)))
		return -EFAULT;
	return 0;
}

long sys_gettid(const struct sys_args *a)
{
	UNUSED(a);
	return curthread()->tid;
}

long sys_setpgid(const struct sys_args *a)
{
	return proc_setpgid(arg_int(a, 0), arg_int(a, 1));
}

long sys_fgset(const struct sys_args *a)
{
	return proc_fgset(arg_int(a, 0));
}

long sys_null(const struct sys_args *a)
{
	UNUSED(a);
	return 0;
}

long sys_hartid(const struct sys_args *a)
{
	UNUSED(a);
	return hart_id();
}

long sys_intrstat(const struct sys_args *a)
{
	static struct intr_table table; /* too big for a kernel stack */
	static struct spinlock lock = SPINLOCK_INIT("intrstat");
	uint64_t size = arg_uaddr(a, 1);
	int err;
	if (size < sizeof(table))
		return -EINVAL;
	spin_lock(&lock);
	intrstat_snapshot(&table);
	err = copyout(arg_uaddr(a, 0), &table, sizeof(table));
	spin_unlock(&lock);
	return err;
}

_Static_assert(ROLE_NONE == HART_ROLE_NONE && ROLE_GENERAL == HART_ROLE_GENERAL &&
		       ROLE_RESERVED == HART_ROLE_RESERVED && ROLE_WORKER == HART_ROLE_WORKER &&
		       ROLE_PMEM == HART_ROLE_PMEM,
	       "lib/abi.h's HART_ROLE_* are kernel/hart.h's roles");
_Static_assert(SYSINFO_MAX_HARTS == MAX_HARTS, "sysinfo covers every hart id");

/*
 * sys_sysinfo - sysinfo(buf, size): the tick rate (hz= changes it), the
 * time CSR's rate, free and total pages, free and total thread slots, and
 * each hart's role. Needs
 * size >= sizeof(struct sysinfo) (-EINVAL); -EFAULT for a bad buf.
 * Takes no lock: every field is a snapshot that may change at once.
 */
long sys_sysinfo(const struct sys_args *a)
{
	struct sysinfo si = {
		.hz = timer_hz(),
		.nharts = (uint32_t)hart_online_count(),
		.timebase = machine.timebase,
		.pages_free = page_free_count(),
		.pages_total = page_total(),
		.threads_free = (uint32_t)thread_free_count(),
		.threads_total = NTHREAD,
		.kstack_pages = thread_kstack_pages(),
	};
	if (arg_uaddr(a, 1) < sizeof(si))
		return -EINVAL;
	for (int i = 0; i < MAX_HARTS; i++)
		si.role[i] = (uint8_t)harts[i].role;
	return copyout(arg_uaddr(a, 0), &si, sizeof(si));
}
