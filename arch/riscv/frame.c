// SPDX-License-Identifier: MIT
// User frames: how a thread enters user mode for the first time, after fork
// and after exec. The only place outside the trap path that writes a frame,
// so that system call handlers never see one (docs/processes.md).
#include "arch.h"
#include "trapframe.h"
#include "kernel/proc/thread.h"
#include "../../lib/string.h"

/* A frame that sret's to U-mode at pc with sp and a0, interrupts on there. */
static void user_frame(struct trapframe *tf, uint64_t pc, uint64_t sp, uint64_t a0)
{
	memset(tf, 0, sizeof(*tf));
	tf->sepc = pc;
	tf->sp = sp;
	tf->a0 = a0;
	/* sret to U-mode (SPP 0) with interrupts on there (SPIE 1). */
	tf->sstatus = (csr_read(sstatus) & ~(SSTATUS_SPP | SSTATUS_SIE | SSTATUS_SUM)) | SSTATUS_SPIE;
}

/*
 * arch_thread_init - see arch.h: arch_switch_to's first return lands in start
 * on the thread's kernel stack; a user thread's frame sits at the stack
 * top, so that stack begins just below it.
 */
void arch_thread_init(struct thread *t, void (*start)(void), bool user)
{
	memset(&t->ctx, 0, sizeof(t->ctx));
	t->ctx.ra = (uint64_t)start;
	t->tf = (struct trapframe *)(t->kstack_top - sizeof(struct trapframe));
	t->ctx.sp = user ? (uint64_t)t->tf : t->kstack_top;
	memset(t->tf, 0, sizeof(*t->tf));
}

/*
 * arch_user_frame - see arch.h: a new thread of a process (thread_create)
 * starts at pc with sp and its argument in a0. t is not running yet.
 */
void arch_user_frame(struct thread *t, uint64_t pc, uint64_t sp, uint64_t a0)
{
	user_frame(t->tf, pc, sp, a0);
}

/*
 * arch_fork_frame - see arch.h: child resumes where parent trapped for
 * fork (sepc is already past the ecall), with every register the same
 * except a0, fork's return value, which is 0 in the child.
 */
void arch_fork_frame(struct thread *child, const struct thread *parent)
{
	*child->tf = *parent->tf;
	tf_set_return(child->tf, 0);
}

/*
 * arch_exec_frame - see arch.h: t (the caller of exec, or init's first
 * thread) enters the new program at entry with sp, a0 = argc, a1 = argv,
 * as user/lib/start.S expects. Every other register starts at 0.
 */
void arch_exec_frame(struct thread *t, uint64_t entry, uint64_t sp, uint64_t argc,
		     uint64_t argv)
{
	user_frame(t->tf, entry, sp, argc);
	t->tf->a1 = argv;
}
