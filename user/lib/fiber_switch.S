/* SPDX-License-Identifier: MIT */
/* fiber_switch: from one fiber's (or the scheduler's) context to another. */
#include "fiber_frame.h"

/*
 * fiber_switch(void **save, void *to)
 * Only the registers a call must preserve are saved: ra, sp and s0-s11.
 * The caller already treats everything else as clobbered (it made a call).
 * tp is the kernel thread's, never switched; gp is the program's.
 * A saved context is the stack pointer of a struct fiber_frame
 * (fiber_frame.h: ra, s0-s11, a pad word; sp stays 16-byte aligned).
 * A new fiber's frame is built in C (fiber.c new_frame) with ra = its
 * first instruction.
 * 1. Push ra and s0-s11 onto the current stack.
 * 2. Store sp in *save: the context is saved from here on.
 * 3. Take the new stack.
 * 4. Pop its registers and return to its ra.
 */
	.section .text
	.globl fiber_switch
	.type fiber_switch, @function
fiber_switch:
	/* LAB fibers: BEGIN */
	addi	sp, sp, -FIBER_FRAME		/* 1 */
	sd	ra, FIBER_RA(sp)
	sd	s0, FIBER_S0+0(sp)
	sd	s1, FIBER_S0+8(sp)
	sd	s2, FIBER_S0+16(sp)
	sd	s3, FIBER_S0+24(sp)
	sd	s4, FIBER_S0+32(sp)
	sd	s5, FIBER_S0+40(sp)
	sd	s6, FIBER_S0+48(sp)
	sd	s7, FIBER_S0+56(sp)
	sd	s8, FIBER_S0+64(sp)
	sd	s9, FIBER_S0+72(sp)
	sd	s10, FIBER_S0+80(sp)
	sd	s11, FIBER_S0+88(sp)
	sd	sp, 0(a0)		/* 2 */
	mv	sp, a1			/* 3 */
	ld	ra, FIBER_RA(sp)		/* 4 */
	ld	s0, FIBER_S0+0(sp)
	ld	s1, FIBER_S0+8(sp)
	ld	s2, FIBER_S0+16(sp)
	ld	s3, FIBER_S0+24(sp)
	ld	s4, FIBER_S0+32(sp)
	ld	s5, FIBER_S0+40(sp)
	ld	s6, FIBER_S0+48(sp)
	ld	s7, FIBER_S0+56(sp)
	ld	s8, FIBER_S0+64(sp)
	ld	s9, FIBER_S0+72(sp)
	ld	s10, FIBER_S0+80(sp)
	ld	s11, FIBER_S0+88(sp)
	addi	sp, sp, FIBER_FRAME
	ret
	/* LAB fibers: ELSE
	// Stub: say so and end the process (no switch: nothing could go on).
	la	a0, 1f
	la	a1, 2f
	call	lab_missing
	li	a0, 1
	call	exit
	.section .rodata
1:	.string "fibers"
2:	.string "fiber_switch not implemented"
	.text
	   LAB fibers: END */
	.size fiber_switch, .-fiber_switch
