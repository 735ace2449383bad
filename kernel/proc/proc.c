// SPDX-License-Identifier: MIT
// Processes: the table, fork, exit and wait, kill, descriptors, pid 1.
#include "proc.h"
#include "kernel/bootargs.h"
#include "alarm.h"
#include "kernel/fs/fs.h"
#include "kernel/hart.h"
#include "kernel/ipi.h"
#include "kernel/mm/page.h"
#include "kernel/power.h"
#include "kernel/printk.h"
#include "sched.h"
#include "sched_lock.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vm.h"
#include "kernel/xl/xl.h"
#include "lib/errno.h"
#include "lib/string.h"

static struct proc procs[NPROC];
/* The process tree: pids, parent links, states. Taken before p->lock. */
static struct spinlock tree_lock = SPINLOCK_INIT("proc.tree");
static int next_pid = 1;
static struct proc *initproc;

/* A fresh process in P_ALIVE with no threads, vm or files; or NULL. */
static struct proc *proc_alloc(const char *name)
{
	struct proc *p = NULL;
	spin_lock(&tree_lock);
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state == P_UNUSED) {
			p = &procs[i];
			break;
		}
	if (p) {
		/* Every field is set before state and pid make the slot findable:
		 * a kill or killpg that finds it (under tree_lock, or by reading
		 * state) must see a fresh lock, killed == 0 and this pgid, never
		 * the last owner's, nor have its mark wiped by a late init. */
		spin_init(&p->lock, "proc");
		p->parent = NULL;
		p->killed = 0;
		p->exit_status = 0;
		p->nthreads = 0;
		p->nsys = 0;
		p->xl = NULL;
		p->vm = NULL;
		memset(p->files, 0, sizeof(p->files));
		p->cwd = NULL;
		nagi_strlcpy(p->name, name, sizeof(p->name));
		p->pid = next_pid++;
		p->pgid = p->pid;
		p->trace_mask = 0;
		/* Release: pairs with the acquire in proc_kill_group, which scans
		 * without tree_lock. */
		__atomic_store_n(&p->state, P_ALIVE, __ATOMIC_RELEASE);
	}
	spin_unlock(&tree_lock);
	return p;
}

static void proc_free(struct proc *p)
{
	if (p->vm)
		vm_destroy(p->vm);
	p->vm = NULL;
	p->state = P_UNUSED; /* tree_lock held by the caller, or never shared */
}

/* Interrupt every thread of p: sleepers wake (and see -EINTR), runners
 * get an IPI so that they notice on their way back to user mode. */
static void poke_threads(struct proc *p)
{
	spin_lock(&sched_lock);
	for (int i = 0; i < NTHREAD; i++) {
		struct thread *t = &threads[i];
		if (t->proc != p)
			continue;
		if (t->state == T_SLEEPING)
			sched_wake_locked(t);
		else if (t->state == T_RUNNING && t->hart != hart_id()) {
			ipi_send(t->hart, IPI_RESCHED);
		}
	}
	spin_unlock(&sched_lock);
}

/* Mark p dying with status unless it already is. */
void proc_doom(struct proc *p, int status)
{
	spin_lock(&p->lock);
	if (!p->killed) {
		p->exit_status = status;
		__atomic_store_n(&p->killed, 1, __ATOMIC_RELEASE);
	}
	spin_unlock(&p->lock);
	poke_threads(p);
}

int proc_end_sys_threads(struct proc *p)
{
	int err = 0;
	spin_lock(&sched_lock);
	for (int i = 0; i < NTHREAD; i++) {
		struct thread *t = &threads[i];
		if (t->proc != p || !t->sys)
			continue;
		__atomic_store_n(&t->cancel, true, __ATOMIC_RELEASE);
		if (t->state == T_SLEEPING)
			sched_wake_locked(t); /* it sees -EINTR */
	}
	spin_unlock(&sched_lock);
	spin_lock(&p->lock);
	while (p->nsys > 0 && !err)
		err = sleep_on(&p->nsys, &p->lock);
	spin_unlock(&p->lock);
	return err;
}

int proc_kill(int pid, int status)
{
	struct proc *target = NULL;
	spin_lock(&tree_lock);
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state == P_ALIVE && procs[i].pid == pid)
			target = &procs[i];
	spin_unlock(&tree_lock);
	if (!target)
		return -ESRCH;
	if (target == initproc)
		return -EPERM; /* init's end powers the machine off */
	proc_doom(target, status);
	return 0;
}

void proc_kill_group(int pgid, int status)
{
	for (int i = 0; i < NPROC; i++)
		/* Acquire: pairs with proc_alloc's release, so pgid is the new one's. */
		if (__atomic_load_n(&procs[i].state, __ATOMIC_ACQUIRE) == P_ALIVE &&
		    procs[i].pgid == pgid && &procs[i] != initproc)
			proc_doom(&procs[i], status);
}

void proc_exit(int status)
{
	proc_doom(curproc(), status);
	thread_exit(status);
}

/* Close p's files and let its directory go (may sleep: the file system). */
static void drop_files(struct proc *p)
{
	for (int fd = 0; fd < NOFILE; fd++)
		if (p->files[fd]) {
			file_close(p->files[fd]);
			p->files[fd] = NULL;
		}
	if (p->cwd)
		fs_iput(p->cwd);
	p->cwd = NULL;
}

/* The last thread is leaving: close files, free memory, become a zombie
 * for the parent, hand children to init. Runs on p's last thread. */
static void proc_teardown(struct proc *p)
{
	struct vm *vm;
	drop_files(p);
	/* Detach the address space before leaving it: if a tick preempts us
	 * after this, the scheduler resumes us on the kernel's table, never
	 * on the table we are about to free. */
	spin_lock(&p->lock);
	vm = p->vm;
	p->vm = NULL;
	spin_unlock(&p->lock);
	vm_activate(NULL);
	xl_proc_teardown(p); /* no syscall thread is left to use the pages */
	spin_lock(&sched_lock);
	for (int i = 0; i < NTHREAD; i++) /* zombie threads nobody joined */
		if (threads[i].proc == p && threads[i].state == T_ZOMBIE)
			thread_free(&threads[i]);
	spin_unlock(&sched_lock);
	vm_destroy(vm);
	spin_lock(&tree_lock);
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state != P_UNUSED && procs[i].parent == p) {
			procs[i].parent = initproc;
			wakeup(initproc);
		}
	p->state = P_ZOMBIE;
	if (p == initproc) {
		kprintf("init exited with status %d; powering off\n", p->exit_status);
		power_off(p->exit_status);
	}
	wakeup(p->parent);
	spin_unlock(&tree_lock);
}

bool proc_thread_exiting(struct thread *t, long value)
{
	struct proc *p = t->proc;
	bool last, orphans;
	spin_lock(&p->lock);
	last = --p->nthreads == 0;
	if (t->sys && --p->nsys == 0)
		wakeup(&p->nsys); /* proc_end_sys_threads waits for it */
	/* The last user thread leaves only syscall threads: they end too. */
	orphans = !last && !t->sys && p->nthreads == p->nsys;
	if (last && !p->killed)
		p->exit_status = (int)value; /* the last thread's value, whole */
	spin_unlock(&p->lock);
	if (orphans)
		proc_doom(p, (int)value);
	if (last)
		proc_teardown(p);
	return last;
}

long proc_wait(uint64_t ustatus)
{
	struct proc *me = curproc();
	spin_lock(&tree_lock);
	for (;;) {
		bool children = false;
		for (int i = 0; i < NPROC; i++) {
			struct proc *c = &procs[i];
			if (c->state == P_UNUSED || c->parent != me)
				continue;
			children = true;
			if (c->state != P_ZOMBIE)
				continue;
			int pid = c->pid, status = c->exit_status;
			if (ustatus && copyout(ustatus, &status, sizeof(status))) {
				spin_unlock(&tree_lock);
				return -EFAULT; /* the child stays for the next wait */
			}
			proc_free(c);
			spin_unlock(&tree_lock);
			return pid;
		}
		if (!children) {
			spin_unlock(&tree_lock);
			return -ECHILD;
		}
		if (sleep_on(me, &tree_lock)) {
			spin_unlock(&tree_lock);
			return -EINTR;
		}
	}
}

struct proc *proc_create_child(struct proc *parent)
{
	struct proc *c = proc_alloc(parent->name);
	if (!c)
		return NULL;
	c->vm = vm_copy(parent->vm);
	if (!c->vm) {
		proc_abandon(c);
		return NULL;
	}
	spin_lock(&parent->lock);
	for (int fd = 0; fd < NOFILE; fd++)
		if (parent->files[fd])
			c->files[fd] = file_dup(parent->files[fd]);
	c->cwd = parent->cwd ? fs_idup(parent->cwd) : NULL;
	c->pgid = parent->pgid;
	/* LAB syscall: BEGIN */
	c->trace_mask = parent->trace_mask; /* a traced shell traces its commands */
	/* LAB syscall: END */
	spin_unlock(&parent->lock);
	spin_lock(&tree_lock);
	c->parent = parent; /* only now can wait() see it */
	spin_unlock(&tree_lock);
	return c;
}

void proc_abandon(struct proc *p)
{
	drop_files(p);
	spin_lock(&tree_lock);
	proc_free(p);
	spin_unlock(&tree_lock);
}

int proc_setpgid(int pid, int pgid)
{
	struct proc *me = curproc(), *p = NULL;
	if (pid < 0 || pgid < 0)
		return -EINVAL;
	spin_lock(&tree_lock);
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state == P_ALIVE && procs[i].pid == (pid ? pid : me->pid))
			p = &procs[i];
	if (p && p != me && p->parent != me)
		p = NULL; /* only yourself or your children */
	if (p)
		p->pgid = pgid ? pgid : p->pid;
	spin_unlock(&tree_lock);
	return p ? 0 : -ESRCH;
}

/* Who of group pgid is alive: anyone (bit 0), me or a child of mine
 * (bit 1). Tree lock held. */
static int group_members(int pgid, const struct proc *me)
{
	int found = 0;
	for (int i = 0; i < NPROC; i++) {
		const struct proc *p = &procs[i];
		if (p->state != P_ALIVE || p->pgid != pgid)
			continue;
		found |= 1;
		if (p == me || p->parent == me)
			found |= 2;
	}
	return found;
}

/*
 * proc_fgset - fgset(pgid): make pgid the group ^C kills (0: nobody).
 * Only a process of the foreground group or a parent of one of them (a
 * shell taking the console back from its job) may move it, unless nobody
 * alive holds it; and only to 0, to its own group or to a child's group.
 * Returns the previous group, -EINVAL (pgid < 0) or -EPERM. Takes the
 * tree lock, then the console's.
 */
int proc_fgset(int pgid)
{
	struct proc *me = curproc();
	int ret = -EPERM, fg;

	if (pgid < 0)
		return -EINVAL;
	spin_lock(&tree_lock);
	fg = console_foreground();
	/* group_members() == 1: someone alive holds it, neither us nor a child. */
	if ((!fg || group_members(fg, me) != 1) && (!pgid || (group_members(pgid, me) & 2)))
		ret = console_set_foreground(pgid);
	spin_unlock(&tree_lock);
	return ret;
}

struct file *fd_get(int fd)
{
	struct proc *p = curproc();
	struct file *f = NULL;
	if (fd < 0 || fd >= NOFILE)
		return NULL;
	spin_lock(&p->lock); /* then the file table lock, as fork does */
	if (p->files[fd])
		f = file_dup(p->files[fd]);
	spin_unlock(&p->lock);
	return f;
}

struct file *fd_peek(int fd)
{
	struct proc *p = curproc();
	if (fd < 0 || fd >= NOFILE)
		return NULL;
	return __atomic_load_n(&p->files[fd], __ATOMIC_RELAXED);
}

int fd_install(struct file *f)
{
	struct proc *p = curproc();
	int fd;
	spin_lock(&p->lock);
	for (fd = 0; fd < NOFILE; fd++)
		if (!p->files[fd]) {
			p->files[fd] = f;
			break;
		}
	spin_unlock(&p->lock);
	return fd < NOFILE ? fd : -EMFILE;
}

int fd_install_or_close(struct file *f)
{
	int fd = fd_install(f);
	if (fd < 0)
		file_close(f);
	return fd;
}

struct inode *proc_cwd(void)
{
	struct proc *p = curproc();
	struct inode *ip = NULL;

	if (!p)
		return NULL;
	spin_lock(&p->lock);
	if (p->cwd)
		ip = fs_idup(p->cwd);
	spin_unlock(&p->lock);
	return ip;
}

void proc_set_cwd(struct inode *ip)
{
	struct proc *p = curproc();
	struct inode *old;

	spin_lock(&p->lock);
	old = p->cwd;
	p->cwd = ip;
	spin_unlock(&p->lock);
	if (old)
		fs_iput(old);
}

void proc_start_init(const char *name, const char *args_key)
{
	static struct bootarg_words words; /* argv points into it */
	char *argv[BOOTARG_MAX_WORDS + 2] = { (char *)name };
	struct proc *p = proc_alloc(name);
	struct thread *t = p ? thread_alloc(p, name) : NULL;
	int argc = 1, err;

	/* initargs=a,b,c: the words, in order, after the name. */
	bootarg_words(args_key, &words);
	if (words.dropped)
		kprintf("nagi: %s: more than %d words; the rest dropped\n", args_key,
			BOOTARG_MAX_WORDS);
	for (int i = 0; i < words.n; i++)
		argv[argc++] = words.w[i];
	argv[argc] = NULL;
	if (!t || !(p->vm = vm_create()))
		panic("proc_start_init: out of memory");
	err = exec_program(p, t, name, argv);
	if (err) {
		kprintf("nagi: cannot start init program '%s': %s\n", name, errno_name(err));
		return;
	}
	initproc = p;
	p->nthreads = 1;
	sched_make_runnable(t);
}

void proc_user_fault(const struct trapframe *tf)
{
	struct proc *p = curproc();
	const char *note = "";
	char what[128];
	uint64_t addr = arch_fault_describe(tf, what, sizeof(what));
	if (addr < p->vm->stack_lo && addr >= p->vm->stack_lo - PAGE_SIZE)
		note = " (stack overflow)";
	kprintf("pid %d (%s): %s%s; killed\n", p->pid, p->name, what, note);
	proc_doom(p, EXIT_FAULT);
	thread_exit(EXIT_FAULT);
}

void proc_return_to_user(void)
{
	if (proc_killed())
		thread_exit(0);
	sched_preempt_point();
	if (proc_killed()) /* killed while it was preempted */
		thread_exit(0);
	alarm_deliver(curthread());
}
