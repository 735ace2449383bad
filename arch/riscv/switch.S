/* SPDX-License-Identifier: MIT */
/*
 * arch_switch_to(from, to): the context switch between kernel threads.
 * Called like a function: only ra, sp and s0-s11 need saving, the caller
 * has already saved the rest. tp is this hart's and is never switched:
 * a thread may resume on another hart. Interrupts are off (the scheduler
 * lock is held).
 */
#include "context.h"

	.section .text
	.globl arch_switch_to
arch_switch_to:
	/* 1. Save the callee-saved registers into *from (a0). */
	sd	ra, CTX_RA(a0)
	sd	sp, CTX_SP(a0)
	sd	s0, CTX_S0+0*8(a0)
	sd	s1, CTX_S0+1*8(a0)
	sd	s2, CTX_S0+2*8(a0)
	sd	s3, CTX_S0+3*8(a0)
	sd	s4, CTX_S0+4*8(a0)
	sd	s5, CTX_S0+5*8(a0)
	sd	s6, CTX_S0+6*8(a0)
	sd	s7, CTX_S0+7*8(a0)
	sd	s8, CTX_S0+8*8(a0)
	sd	s9, CTX_S0+9*8(a0)
	sd	s10, CTX_S0+10*8(a0)
	sd	s11, CTX_S0+11*8(a0)
	/* 2. Load them from *to (a1) and return into the other thread. */
	ld	ra, CTX_RA(a1)
	ld	sp, CTX_SP(a1)
	ld	s0, CTX_S0+0*8(a1)
	ld	s1, CTX_S0+1*8(a1)
	ld	s2, CTX_S0+2*8(a1)
	ld	s3, CTX_S0+3*8(a1)
	ld	s4, CTX_S0+4*8(a1)
	ld	s5, CTX_S0+5*8(a1)
	ld	s6, CTX_S0+6*8(a1)
	ld	s7, CTX_S0+7*8(a1)
	ld	s8, CTX_S0+8*8(a1)
	ld	s9, CTX_S0+9*8(a1)
	ld	s10, CTX_S0+10*8(a1)
	ld	s11, CTX_S0+11*8(a1)
	ret
