/* SPDX-License-Identifier: MIT */
/*
 * The trap-based system call stubs, one per entry of lib/syscall_list.h:
 * number in a7, arguments already in a0-a5 (the C calling convention put
 * them there), ecall, result back in a0 (negative: -errno).
 */
#define SYSCALL(num, name, nargs) \
	.globl name;              \
	.type name, @function;    \
name:                             \
	li	a7, num;          \
	ecall;                    \
	ret;

	.section .text
#include "../../lib/syscall_list.h"
