/* SPDX-License-Identifier: MIT */
/*
 * The trap-based system call stubs, one per entry of lib/syscall_list.h:
 * number in a7, arguments already in a0-a5 (the C calling convention put
 * them there), ecall, result back in a0 (negative: -errno).
 */
#define SYSCALL(num, name, nargs, path) \
	.globl name;              \
	.type name, @function;    \
name:                             \
	li	a7, num;          \
	ecall;                    \
	ret;

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
