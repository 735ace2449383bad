/* SPDX-License-Identifier: MIT */
/*
 * The system call stubs, one per entry of lib/syscall_list.h: number in
 * a7, arguments already in a0-a5 (the C calling convention put them
 * there), ecall, result back in a0 (negative: -errno).
 *
 * A call that a page may carry (not TRAP) first tests tp. tp is 0 in every thread (exec and
 * thread_create start threads with it 0; nothing else in user space uses
 * it) except a kernel thread that runs fibers: the fiber library points
 * tp at that thread's scheduler, and the stub then jumps to
 * fiber_syscall (user/lib/fiber_io.c) with the number in a7, the 8th
 * argument register. One not-taken branch is all it costs elsewhere.
 * TRAP calls always trap. The child of a fork gets tp 0 back: its copy
 * of the parent's scheduler has no pages and no threads to serve it.
 * 1. Not TRAP: tp set? Then to fiber_syscall.
 * 2. The number in a7; ecall.
 * 3. fork only: in the child (a0 == 0), tp = 0.
 */
#define SYSCALL(num, name, nargs, path) \
	.globl name;              \
	.type name, @function;    \
name:                             \
	.ifnc path, TRAP;         \
	bnez	tp, 1f;           \
	.endif;                   \
	li	a7, num;          \
	ecall;                    \
	.ifc name, fork;          \
	bnez	a0, 2f;           \
	mv	tp, zero;         \
2:	;                         \
	.endif;                   \
	ret;                      \
	.ifnc path, TRAP;         \
1:	li	a7, num;          \
	tail	fiber_syscall;    \
	.endif;

	.section .text
#include "../../lib/syscall_list.h"

/*
 * syscall_nr(nr, a0, ..., a5): any system call by number, for code that
 * picks the call at run time (the benchmark, the differential tests).
 * 1. The number goes to a7, the arguments down one register each.
 * 2. ecall; the result is in a0.
 */
	.globl syscall_nr
	.type syscall_nr, @function
syscall_nr:
	mv	a7, a0
	mv	a0, a1
	mv	a1, a2
	mv	a2, a3
	mv	a3, a4
	mv	a4, a5
	mv	a5, a6
	ecall
	ret
