/* SPDX-License-Identifier: MIT */
/*
 * Boot entry: OpenSBI jumps here in S-mode with a0 = hartid, a1 = DTB.
 *
 * Every hart enters at _start: the boot hart OpenSBI picked (at random),
 * and every hart the kernel starts with SBI HSM (start address _start too).
 * OpenSBI 1.1's hart_start can also let a started hart in here a second
 * time with the boot arguments, so the first hart to claim boot_claimed
 * boots the kernel and every other hart takes its job from its slot in
 * hart_entry_sp[], which the boot hart writes before calling hart_start.
 * A hart with no slot (not started by us, or id too large) parks in wfi;
 * a winner whose id is too large says why on the SBI console and powers
 * off, so the machine never hangs in silence. Clobbers everything;
 * nothing is running yet.
 */
#include "boot.h"
#include "csr.h"
#include "sbi.h"

	.section .text.entry
	.globl _start
_start:
	/* 1. No interrupts, and "in the kernel" for trap_entry. */
	csrw	sie, zero
	csrw	sscratch, zero
	la	t0, trap_entry
	csrw	stvec, t0

	/* 2. One winner boots: claim the flag atomically (it lives in .data,
	 *    which the loader initialised; .bss is not yet cleared). */
	la	t0, boot_claimed
	li	t1, 1
	amoswap.w.aq t1, t1, (t0)
	bnez	t1, secondary

	/* 3. The winner: its stack is the top of slot a0 of hart_stacks (in
	 *    .bss, unused until we call C, so clearing .bss under it is
	 *    harmless). Paging is off: the guard below it is not yet enforced. */
	li	t0, BOOT_HART_SLOTS
	bgeu	a0, t0, too_many
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, (t0)
	addi	t0, t0, 8
	j	1b
2:	la	sp, hart_stacks
	addi	t0, a0, 1
	li	t1, BOOT_SLOT_SIZE
	mul	t0, t0, t1
	add	sp, sp, t0
	mv	s0, zero		/* frame-pointer chain ends here */
	call	kmain			/* kmain(hartid, dtb) never returns */
	j	park

secondary:
	/* 4. A started hart: its stack top is in its slot; none means park. */
	li	t0, BOOT_HART_SLOTS
	bgeu	a0, t0, park
	la	t0, hart_entry_sp
	slli	t1, a0, 3
	add	t0, t0, t1
	ld	sp, (t0)
	beqz	sp, park
	fence	r, rw			/* see the slot's data before using it */
	mv	s0, zero
	call	hart_secondary_main	/* hart_secondary_main(hartid) */

park:
	wfi
	j	park

too_many:
	/* 5. The boot hart has no slot: print too_many_msg a byte at a time
	 *    through the legacy console (a7 = extension, a0 = byte), then
	 *    SRST shutdown; if that returns, park. */
	la	s1, too_many_msg
3:	lbu	a0, (s1)
	beqz	a0, 4f
	li	a7, SBI_EXT_LEGACY_PUTCHAR
	ecall
	addi	s1, s1, 1
	j	3b
4:	li	a0, SBI_SRST_SHUTDOWN
	li	a1, SBI_SRST_NO_REASON
	li	a6, SBI_SRST_RESET
	li	a7, SBI_EXT_SRST
	ecall
	j	park

	.section .rodata
too_many_msg:
	.asciz	"\nnagi: OpenSBI chose a boot hart with id 8 or more; nagi handles ids 0-7 (MAX_HARTS): use -smp 8 or fewer. Powering off.\n"

	.section .data
	.balign 4
boot_claimed:
	.word	0

	/* Boot stacks, one slot per hart id: a guard page (unmapped once
	 *    paging is on), then the stack. Kernel threads get their own later. */
	.section .bss.stack
	.balign 4096
	.globl hart_stacks
hart_stacks:
	.space	BOOT_SLOT_SIZE * BOOT_HART_SLOTS
