/* SPDX-License-Identifier: MIT */
/* The syscall dispatcher, shared by the trap path and the syscall page. */
#pragma once
#include "../lib/syscall.h"
#include "../lib/types.h"

/* A call's arguments, whichever path it came by. Handlers read them
 * through the accessors below, never from a trap frame. */
struct sys_args {
	uint64_t a[SYSCALL_MAX_ARGS];
};

static inline long arg_long(const struct sys_args *a, int i) { return (long)a->a[i]; }
static inline int arg_int(const struct sys_args *a, int i) { return (int)a->a[i]; }
static inline uint64_t arg_uaddr(const struct sys_args *a, int i) { return a->a[i]; }
/* A size, count or mask: unsigned, never a pointer. */
static inline uint64_t arg_size(const struct sys_args *a, int i) { return a->a[i]; }

/* Every handler: long sys_NAME(const struct sys_args *). */
#define SYSCALL(num, name, nargs, path) long sys_##name(const struct sys_args *a);
#include "../lib/syscall_list.h"
#undef SYSCALL

/* syscall_dispatch - run syscall nr for the current thread; -ENOSYS for
 * an unknown number. Counts the call on this hart. The trap path
 * (arch/riscv/trap.c, interrupts on) and the syscall page's threads
 * (kernel/xl/worker.c) both call it. */
long syscall_dispatch(uint64_t nr, const struct sys_args *a);

/* syscall_page_refusal - the error a syscall page gives nr without running
 * it: -ENOSYS for an unknown number, -ENOTSUP for a trap-only call
 * (lib/syscall_list.h's path column), else 0. */
long syscall_page_refusal(uint64_t nr);

/* syscall_may_wait - may call nr with arguments a wait for another
 * program without bound (the list's path column: WAITS, TRAP, or FD on a
 * pipe or the console)? Then only a syscall thread, never a caller
 * serving its own page, runs it from a page. For an FD call it looks at
 * the current process's descriptor table: a racy answer (another thread
 * may close and reopen the descriptor) costs only a wait, never
 * correctness. fd_may_wait - the FD case (kernel/file/sys_file.c). */
bool syscall_may_wait(uint64_t nr, const struct sys_args *a);
bool fd_may_wait(const struct sys_args *a);

/* syscall_page_run - run the call nr of a syscall page entry whose
 * arguments are at uarg (the user's page: each argument the list says the
 * call takes is read once, the rest are 0) through the dispatcher. A call
 * the page refuses is not run: *refused, and its syscall_page_refusal
 * error. With bounded, a call that may wait for another program is not
 * run either: -EMAYWAIT (as a trap's nr | SYS_BOUNDED). Otherwise the
 * handler's result. */
long syscall_page_run(uint16_t nr, const volatile uint64_t *uarg, bool bounded, bool *refused);

/* syscall_trace - print "PID: syscall NAME -> RET" if the current
 * process traces call nr (trace(mask), kernel/trace.c). Any context. */
void syscall_trace(uint64_t nr, long ret);
