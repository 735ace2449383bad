/* SPDX-License-Identifier: MIT */
/*
 * Trap entry and exit: the only way into the kernel after boot.
 *
 * Contract. stvec points at trap_entry in direct mode, so every trap and
 * interrupt lands here with interrupts disabled by the hardware.
 *   - In the kernel, sscratch is 0 and tp is this hart's struct hart.
 *   - In user mode, sscratch holds this hart's struct hart and tp is the
 *     user's; HART_KSP(hart) is the top of the running thread's kernel stack.
 * The frame (struct trapframe, trapframe.h) is built on the kernel stack and
 * passed to trap_handler(frame) in C. Returning from C, trap_return restores
 * the frame and executes sret. Nothing but the frame is clobbered.
 *
 * Under isolate=on|asid stvec points at the trampoline (trampoline.S)
 * instead: it switches to the kernel's table and enters the second copy
 * below, trap_entry_iso, whose return (trap_return_iso) leaves through the
 * trampoline again. Both copies expand the same macros: the default path
 * has not one instruction more than before isolation existed.
 */
#include "trapframe.h"
#include "csr.h"
#include "isolate.h"

	/* Step 1, trap from S: sscratch held our own tp. Park sp, and
	 * 1a. if there is no room for a frame above the guard page, the
	 *     kernel stack overflowed: build the frame on this hart's spare
	 *     stack, so the fault is reported instead of faulting forever. */
	.macro FROM_KERNEL
	csrr	tp, sscratch
	sd	sp, HART_SCRATCH(tp)
	sd	t0, HART_T0(tp)
	ld	t0, HART_KSTACK_LO(tp)
	beqz	t0, 4f			/* 0: early boot, no stack bound known yet */
	addi	t0, t0, TF_SIZE
	bgeu	sp, t0, 4f
	ld	sp, HART_EMERG_SP(tp)
4:	ld	t0, HART_T0(tp)
	.endm

	/* Step 1, trap from U: park the user sp, take the thread's kernel stack. */
	.macro FROM_USER
	sd	sp, HART_SCRATCH(tp)
	ld	sp, HART_KSP(tp)
	.endm

	/* Steps 2-4: the frame, then C. */
	.macro SAVE_AND_CALL
	/* 2. Save every general register into a new frame. */
	addi	sp, sp, -TF_SIZE
	sd	ra, TF_RA(sp)
	sd	gp, TF_GP(sp)
	sd	t0, TF_T0(sp)
	sd	t1, TF_T1(sp)
	sd	t2, TF_T2(sp)
	sd	s0, TF_S0(sp)
	sd	s1, TF_S1(sp)
	sd	a0, TF_A0(sp)
	sd	a1, TF_A1(sp)
	sd	a2, TF_A2(sp)
	sd	a3, TF_A3(sp)
	sd	a4, TF_A4(sp)
	sd	a5, TF_A5(sp)
	sd	a6, TF_A6(sp)
	sd	a7, TF_A7(sp)
	sd	s2, TF_S2(sp)
	sd	s3, TF_S3(sp)
	sd	s4, TF_S4(sp)
	sd	s5, TF_S5(sp)
	sd	s6, TF_S6(sp)
	sd	s7, TF_S7(sp)
	sd	s8, TF_S8(sp)
	sd	s9, TF_S9(sp)
	sd	s10, TF_S10(sp)
	sd	s11, TF_S11(sp)
	sd	t3, TF_T3(sp)
	sd	t4, TF_T4(sp)
	sd	t5, TF_T5(sp)
	sd	t6, TF_T6(sp)

	/* 3. Save the interrupted sp and tp. Zeroing sscratch marks "in the
	 *    kernel", so a nested trap takes the from-S path in step 1. */
	ld	t0, HART_SCRATCH(tp)
	sd	t0, TF_SP(sp)
	csrrw	t0, sscratch, zero
	sd	t0, TF_TP(sp)

	/* 4. Save the trap CSRs, then call C. The gp-relative accesses of
	 *    user code never matter here: the kernel links without gp. */
	csrr	t0, sepc
	csrr	t1, sstatus
	csrr	t2, scause
	csrr	t3, stval
	sd	t0, TF_SEPC(sp)
	sd	t1, TF_SSTATUS(sp)
	sd	t2, TF_SCAUSE(sp)
	sd	t3, TF_STVAL(sp)
	mv	s0, zero		/* end the frame-pointer chain for backtraces */
	mv	a0, sp
	call	trap_handler
	.endm

	/* Step 5's start: sepc and sstatus back (SIE is clear: C returned
	 * with it off); branch to `kernel` if returning to S. */
	.macro RESTORE_CSRS kernel
	ld	t0, TF_SEPC(sp)
	ld	t1, TF_SSTATUS(sp)
	csrw	sepc, t0
	csrw	sstatus, t1
	andi	t1, t1, SSTATUS_SPP
	bnez	t1, \kernel
	.endm

	/* Step 6 but for t0 and sp, which each exit restores its own way. */
	.macro RESTORE_MOST
	ld	ra, TF_RA(sp)
	ld	gp, TF_GP(sp)
	ld	t1, TF_T1(sp)
	ld	t2, TF_T2(sp)
	ld	s0, TF_S0(sp)
	ld	s1, TF_S1(sp)
	ld	a0, TF_A0(sp)
	ld	a1, TF_A1(sp)
	ld	a2, TF_A2(sp)
	ld	a3, TF_A3(sp)
	ld	a4, TF_A4(sp)
	ld	a5, TF_A5(sp)
	ld	a6, TF_A6(sp)
	ld	a7, TF_A7(sp)
	ld	s2, TF_S2(sp)
	ld	s3, TF_S3(sp)
	ld	s4, TF_S4(sp)
	ld	s5, TF_S5(sp)
	ld	s6, TF_S6(sp)
	ld	s7, TF_S7(sp)
	ld	s8, TF_S8(sp)
	ld	s9, TF_S9(sp)
	ld	s10, TF_S10(sp)
	ld	s11, TF_S11(sp)
	ld	t3, TF_T3(sp)
	ld	t4, TF_T4(sp)
	ld	t5, TF_T5(sp)
	ld	t6, TF_T6(sp)
	.endm

	.section .text
	.balign 4
	.globl trap_entry
trap_entry:
	/* 1. Find the kernel's tp: swap it in from sscratch. A zero means the
	 *    trap came from the kernel, whose tp is already right. */
	csrrw	tp, sscratch, tp
	bnez	tp, 1f
	FROM_KERNEL
	j	2f
1:	FROM_USER
2:	SAVE_AND_CALL

	/* trap_return(frame in sp) */
	.globl trap_return
trap_return:
	/* 5. Restore sepc and sstatus. Going back to U, re-arm sscratch and
	 *    note where this thread's kernel stack top is for the next trap. */
	RESTORE_CSRS 3f
	addi	t0, sp, TF_SIZE
	sd	t0, HART_KSP(tp)
	csrw	sscratch, tp
	ld	tp, TF_TP(sp)		/* user tp; the kernel keeps its own */

	/* 6. Restore the general registers, sp last, and return. */
3:	ld	t0, TF_T0(sp)
	RESTORE_MOST
	ld	sp, TF_SP(sp)
	sret

	/* The isolated copy. tramp_entry has already switched to the
	 * kernel's table and done step 1's swap; it jumps to one of these. */
	.balign 4
	.globl trap_entry_iso_kernel
trap_entry_iso_kernel:
	FROM_KERNEL
	j	2f
	.globl trap_entry_iso_user
trap_entry_iso_user:
	FROM_USER
2:	SAVE_AND_CALL

	.globl trap_return_iso
trap_return_iso:
	/* 5. As trap_return, but sscratch gets this hart's trampoline slot,
	 *    and the user's t0 and sp wait there: the kernel stack is gone
	 *    once tramp_exit switches tables. */
	RESTORE_CSRS 3f
	addi	t0, sp, TF_SIZE
	sd	t0, HART_KSP(tp)
	ld	t0, HART_TRAMP(tp)
	csrw	sscratch, t0
	ld	t1, TF_T0(sp)
	sd	t1, TRAMP_T0(t0)
	ld	t1, TF_SP(sp)
	sd	t1, TRAMP_SP(t0)
	ld	tp, TF_TP(sp)
	/* 6. Everything else, then through the trampoline (t0 = the slot);
	 *    sp carries the exit's address, the last kernel value it holds. */
	RESTORE_MOST
	ld	sp, TRAMP_EXIT(t0)
	jr	sp
3:	ld	t0, TF_T0(sp)
	RESTORE_MOST
	ld	sp, TF_SP(sp)
	sret

	/* arch_enter_user(frame): a new user thread's first way out, through
	 * the same exit as every trap (trap_return or trap_return_iso, as
	 * isolate.c chose at boot). */
	.globl arch_enter_user
arch_enter_user:
	csrci	sstatus, SSTATUS_SIE	/* sret turns them on again from SPIE */
	mv	sp, a0
	la	t0, trap_return_to
	ld	t0, 0(t0)
	jr	t0
