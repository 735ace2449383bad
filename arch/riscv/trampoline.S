/* SPDX-License-Identifier: MIT */
/*
 * The trampoline: the only kernel code and data a user page table maps
 * under isolate=on|asid (isolate.c). Both pages sit at their kernel
 * address in every table, so the instruction after a satp write is
 * fetched from the same address in the new table.
 *
 * Contract (isolated modes). stvec is tramp_entry or tramp_entry_asid.
 *   - In user mode, sscratch holds this hart's slot (struct tramp_slot in
 *     tramp_slots below); in the kernel, sscratch is 0 as in trapentry.S.
 *   - tramp_exit* are entered from trap_return_iso with t0 = the slot, the
 *     user's t0 and sp saved in it, every other register the user's.
 */
#include "isolate.h"

	.section .text.tramp, "ax"
	.balign 4096
	.globl tramp_start
tramp_start:
	.globl tramp_entry
tramp_entry:
	/* 1. From S (sscratch 0) we are on the kernel's table already. */
	csrrw	tp, sscratch, tp
	beqz	tp, 2f
	/* 2. Free t0 into the slot; switch to the kernel's table. The
	 *    sfence.vma pairs with tramp_exit's: it drops every translation
	 *    of the user's table before the kernel runs. */
	sd	t0, TRAMP_T0(tp)
	ld	t0, TRAMP_KSATP(tp)
	csrw	satp, t0
	sfence.vma zero, zero
	/* 3. Kernel table: restore t0, find struct hart, go on as trap_entry
	 *    does from U-mode (sscratch holds the user's tp). */
	ld	t0, TRAMP_T0(tp)
	ld	tp, TRAMP_HART(tp)
	j	trap_entry_iso_user
2:	j	trap_entry_iso_kernel

	/* Steps 1-3 without the flush: under ISOLATE_ASID the kernel's
	 * translations carry ASID 0 and no user table uses it. */
	.balign 4
	.globl tramp_entry_asid
tramp_entry_asid:
	csrrw	tp, sscratch, tp
	beqz	tp, 2f
	sd	t0, TRAMP_T0(tp)
	ld	t0, TRAMP_KSATP(tp)
	csrw	satp, t0
	ld	t0, TRAMP_T0(tp)
	ld	tp, TRAMP_HART(tp)
	j	trap_entry_iso_user
2:	j	trap_entry_iso_kernel

	/* 4. Leave: the user's table, its flush (partner of step 2's), then
	 *    the last two registers from the slot, which both tables map. */
	.balign 4
	.globl tramp_exit
tramp_exit:
	ld	sp, TRAMP_USATP(t0)
	csrw	satp, sp
	sfence.vma zero, zero
	ld	sp, TRAMP_SP(t0)
	ld	t0, TRAMP_T0(t0)
	sret

	/* Step 4 without the flush: the user's ASID is its own, never reused
	 * (isolate.c), so nothing cached under it belongs to anyone else. */
	.balign 4
	.globl tramp_exit_asid
tramp_exit_asid:
	ld	sp, TRAMP_USATP(t0)
	csrw	satp, sp
	ld	sp, TRAMP_SP(t0)
	ld	t0, TRAMP_T0(t0)
	sret

	.balign 4096
	.globl tramp_end
tramp_end:

	/* The slots: one page of its own, so a user table maps no other data. */
	.section .data.tramp, "aw"
	.balign 4096
	.globl tramp_slots
tramp_slots:
	.space 4096
