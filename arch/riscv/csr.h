/* SPDX-License-Identifier: MIT */
/* Supervisor CSRs: named accessors and bit constants, never magic numbers. */
#pragma once

/* Constants usable from C and assembly alike (as has no UL suffix). */
#ifdef __ASSEMBLER__
#define _UL(x) x
#else
#define _UL(x) x##UL
#endif

/* sstatus */
#define SSTATUS_SIE (_UL(1) << 1)  /* interrupts enabled in S-mode */
#define SSTATUS_SPIE (_UL(1) << 5) /* SIE before the trap */
#define SSTATUS_SPP (_UL(1) << 8)  /* previous mode: 1 = S, 0 = U */
#define SSTATUS_SUM (_UL(1) << 18) /* S-mode may touch U pages */

/* sie / sip bits, by interrupt cause */
#define IRQ_S_SOFT 1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9
#define SIE_SSIE (1UL << IRQ_S_SOFT)
#define SIE_STIE (1UL << IRQ_S_TIMER)
#define SIE_SEIE (1UL << IRQ_S_EXT)

/* scounteren: which counters U-mode may read (rdcycle, rdtime, rdinstret).
 * M-mode's mcounteren must allow them too; OpenSBI's does. */
#define SCOUNTEREN_CY (_UL(1) << 0) /* cycle */
#define SCOUNTEREN_TM (_UL(1) << 1) /* time */
#define SCOUNTEREN_IR (_UL(1) << 2) /* instret */

/* scause: the top bit says interrupt; the rest is the cause code. */
#define SCAUSE_INTR (_UL(1) << 63)
#define EXC_INSN_MISALIGNED 0
#define EXC_INSN_ACCESS 1
#define EXC_ILLEGAL_INSN 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8
#define EXC_ECALL_S 9
#define EXC_INSN_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15
#define NR_EXC 16
#define NR_IRQ 16

#define CSR_STIMECMP 0x14d /* Sstc; older assemblers lack the name */

#ifndef __ASSEMBLER__
#define csr_read(csr)                                              \
	({                                                         \
		unsigned long __v;                                 \
		__asm__ volatile("csrr %0, " #csr : "=r"(__v)::"memory"); \
		__v;                                               \
	})
#define csr_write(csr, val) \
	__asm__ volatile("csrw " #csr ", %0" ::"rK"((unsigned long)(val)) : "memory")
#define csr_set(csr, bits) \
	__asm__ volatile("csrs " #csr ", %0" ::"rK"((unsigned long)(bits)) : "memory")
#define csr_clear(csr, bits) \
	__asm__ volatile("csrc " #csr ", %0" ::"rK"((unsigned long)(bits)) : "memory")
/* csr_read_set / csr_read_clear - set or clear bits, return the old
 * value, in one instruction (insn: csrrs or csrrc). */
#define csr_read_modify_(insn, csr, bits)                                             \
	({                                                                            \
		unsigned long __v;                                                    \
		__asm__ volatile(insn " %0, " #csr ", %1"                             \
				 : "=r"(__v)                                          \
				 : "rK"((unsigned long)(bits))                        \
				 : "memory");                                         \
		__v;                                                                  \
	})
#define csr_read_set(csr, bits) csr_read_modify_("csrrs", csr, bits)
#define csr_read_clear(csr, bits) csr_read_modify_("csrrc", csr, bits)
/* csr_swap - write val, return the old value, in one instruction. */
#define csr_swap(csr, val)                                                       \
	({                                                                       \
		unsigned long __v = (unsigned long)(val);                        \
		__asm__ volatile("csrrw %0, " #csr ", %0" : "+r"(__v)::"memory"); \
		__v;                                                             \
	})
#endif
