/* SPDX-License-Identifier: MIT */
/* Processes: an address space, a descriptor table, a directory, threads. */
#pragma once
#include "kernel/file/file.h"
#include "kernel/spinlock.h"
#include "thread.h"

#define NPROC 128

enum proc_state { P_UNUSED, P_ALIVE, P_ZOMBIE };

struct vm;

struct proc {
	struct spinlock lock;     /* protects everything below */
	enum proc_state state;
	int pid, pgid;
	struct proc *parent;
	int exit_status;          /* valid in P_ZOMBIE */
	int killed;               /* 0, or the status to die with */
	int nthreads;             /* threads not yet exited, syscall threads too */
	int nsys;                 /* of them syscall threads (kernel/xl/worker.c) */
	struct xl_ctx *xl;        /* registered syscall pages, or NULL */
	struct vm *vm;            /* the user address space */
	struct file *files[NOFILE];
	struct inode *cwd;        /* a reference; NULL: / (or no file system) */
	char name[16];
	uint64_t trace_mask;      /* syscalls the dispatcher prints (trace) */
};

/* curproc - the process of the running thread, or NULL. Inline: the
 * dispatcher asks for it per call. */
static inline struct proc *curproc(void)
{
	struct thread *t = curthread();
	return t ? t->proc : NULL;
}
/* proc_kill - make pid die with status at its next chance (sleeping
 * threads are woken, running ones interrupted). 0, -ESRCH, or -EPERM for
 * init (its end would power the machine off). Kernel threads have no pid:
 * kill cannot reach them. Takes the tree lock, then p->lock. */
int proc_kill(int pid, int status);
/* proc_kill_group - proc_kill every process of group pgid except init. */
void proc_kill_group(int pgid, int status);
/* proc_killed - must the current thread give up what it waits for: its
 * process is killed, or (a syscall thread) its call is cancelled (exec)?
 * The status to die with is p->killed. Inline: syscall threads ask
 * between entries. */
static inline bool proc_killed(void)
{
	struct thread *t = curthread();
	struct proc *p = t ? t->proc : NULL;
	if (t && t->sys && __atomic_load_n(&t->cancel, __ATOMIC_ACQUIRE))
		return true; /* its call is cancelled: it ends */
	return p && __atomic_load_n(&p->killed, __ATOMIC_ACQUIRE);
}
/* proc_doom - make p die with status at its next chance, like kill. */
void proc_doom(struct proc *p, int status);
/* proc_end_sys_threads - cancel the calls of p's syscall threads (their
 * handlers see -EINTR, as if p were killed) and wait until every one has
 * ended. The caller makes sure no new one starts. Takes the scheduler
 * lock and p's. 0, or -EINTR if the caller is killed meanwhile. */
int proc_end_sys_threads(struct proc *p);
/* proc_exit - end the current process with status (any thread may call). */
void proc_exit(int status) __attribute__((noreturn));
/* proc_start_init - create pid 1 running the program name (from the file
 * system, else the boot file set) with the comma-separated words of the
 * boot argument args_key (initargs) as its arguments. Thread context:
 * exec may sleep. */
void proc_start_init(const char *name, const char *args_key);
/* proc_create_child - fork's new process: a copy of parent's memory,
 * descriptors, directory and group; no threads yet. NULL if out of memory. */
struct proc *proc_create_child(struct proc *parent);
/* proc_abandon - free a process that never ran (fork's failure path). */
void proc_abandon(struct proc *p);
/* proc_setpgid - setpgid(): pid 0 is the caller, pgid 0 is pid. */
int proc_setpgid(int pid, int pgid);
/* proc_fgset - fgset(): hand the console's ^C to group pgid if the caller
 * may (proc.c says who); the previous group, -EINVAL or -EPERM. */
int proc_fgset(int pgid);
struct trapframe;
/* proc_user_fault - report a user exception and kill the process with
 * EXIT_FAULT. Never returns. */
void proc_user_fault(const struct trapframe *tf) __attribute__((noreturn));
/* proc_return_to_user - last stop before a trap returns to user mode:
 * die if killed, yield if a tick asked for it. Interrupts on. */
void proc_return_to_user(void);
/* proc_wait - reap a zombie child of the current process, its status to
 * user address ustatus (0: not wanted): its pid, or -ECHILD (no
 * children), -EFAULT (the child stays), -EINTR. Sleeps; takes the tree lock. */
long proc_wait(uint64_t ustatus);
/* exec_user - exec for the current process from user memory: the path at
 * upath, the argv array at uargv. The caller must be its only user
 * thread (-EBUSY otherwise); syscall-page calls in flight end first.
 * Returns only on failure (-E*, the old image goes on) or with the new
 * image's argc. kernel/proc/exec.c. */
long exec_user(uint64_t upath, uint64_t uargv);
/* exec_program - replace p's memory with the program name (kernel/proc/exec.c),
 * arguments argv (kernel strings); sets up t (p's only thread) to enter
 * it on its next return to user mode. 0 or -E*. */
int exec_program(struct proc *p, struct thread *t, const char *name, char *const argv[]);
/* fd_get - the file behind fd of the current process with a reference of
 * the caller's own (drop it with file_close), so that another thread's
 * close(fd) cannot free it in use; NULL if fd is not open. */
struct file *fd_get(int fd);
/* fd_peek - the file behind fd of the current process, or NULL, without
 * a lock or a reference: another thread may close it meanwhile, so it is
 * for hints only (its slot in the static file table stays readable). */
struct file *fd_peek(int fd);
/* fd_install - put f in the lowest free slot: the fd, or -EMFILE. */
int fd_install(struct file *f);
/* fd_install_or_close - fd_install, and on failure drop f's reference. */
int fd_install_or_close(struct file *f);
/* proc_cwd - a new reference to the current process's directory for a
 * path call (NULL: /); give it back with fs_iput if not NULL. */
struct inode *proc_cwd(void);
/* proc_set_cwd - make ip (a reference the caller hands over) the current
 * process's directory; the old one is let go. May sleep. */
void proc_set_cwd(struct inode *ip);
