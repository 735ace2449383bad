// SPDX-License-Identifier: MIT
// The system call table, generated from lib/syscall_list.h, and the one
// dispatcher that both the trap path and the syscall page use.
#include "syscall.h"
#include "hart.h"
#include "kernel/proc/proc.h"
#include "../lib/errno.h"

typedef long (*syscall_fn)(const struct sys_args *);

static const syscall_fn table[NR_SYSCALL_MAX] = {
#define SYSCALL(num, name, nargs, path) [num] = sys_##name,
#include "../lib/syscall_list.h"
#undef SYSCALL
};

/* The list's path column: may a syscall page carry this call? */
#define PAGE true
#define TRAP false
static const bool in_page[NR_SYSCALL_MAX] = {
#define SYSCALL(num, name, nargs, path) [num] = path,
#include "../lib/syscall_list.h"
#undef SYSCALL
};
#undef PAGE
#undef TRAP

long syscall_page_refusal(uint64_t nr)
{
	if (nr >= NR_SYSCALL_MAX || !table[nr])
		return -ENOSYS;
	return in_page[nr] ? 0 : -ENOTSUP;
}

long syscall_dispatch(uint64_t nr, const struct sys_args *a)
{
	long ret;
	intrstat_inc(STAT_SYSCALL);
	if (nr >= NR_SYSCALL_MAX || !table[nr])
		return -ENOSYS;
	ret = table[nr](a);
	syscall_trace(nr, ret);
	return ret;
}

/*
 * syscall_from_trap - the trap path's half: fill the argument struct from
 * the frame, step past the ecall, dispatch, store the result. Called with
 * interrupts off from the trap handler; runs the handler with them on.
 */
void syscall_from_trap(struct trapframe *tf)
{
	struct sys_args a;
	for (int i = 0; i < SYSCALL_MAX_ARGS; i++)
		a.a[i] = tf_arg(tf, i);
	tf->sepc += 4; /* ecall is never compressed */
	arch_intr_on();
	tf_set_return(tf, syscall_dispatch(tf_syscall_nr(tf), &a));
}
