/* SPDX-License-Identifier: MIT */
/*
 * The trap frame: every register a trap must preserve, saved by trapentry.S
 * on the kernel stack. Defined once here for C and assembly; the offsets
 * are checked against the struct at compile time (trap.c).
 */
#pragma once

#define TF_RA 0
#define TF_SP 8
#define TF_GP 16
#define TF_TP 24
#define TF_T0 32
#define TF_T1 40
#define TF_T2 48
#define TF_S0 56
#define TF_S1 64
#define TF_A0 72
#define TF_A1 80
#define TF_A2 88
#define TF_A3 96
#define TF_A4 104
#define TF_A5 112
#define TF_A6 120
#define TF_A7 128
#define TF_S2 136
#define TF_S3 144
#define TF_S4 152
#define TF_S5 160
#define TF_S6 168
#define TF_S7 176
#define TF_S8 184
#define TF_S9 192
#define TF_S10 200
#define TF_S11 208
#define TF_T3 216
#define TF_T4 224
#define TF_T5 232
#define TF_T6 240
#define TF_SEPC 248    /* where to resume: the trapping pc */
#define TF_SSTATUS 256 /* SPP says whether we came from U or S */
#define TF_SCAUSE 264
#define TF_STVAL 272   /* faulting address or instruction bits */
#define TF_SIZE 288    /* 280 rounded up: sp stays 16-byte aligned */

/* The per-hart words that trapentry.S reaches through tp (struct hart). */
#define HART_KSP 0     /* kernel stack top of the thread running here */
#define HART_SCRATCH 8 /* the interrupted sp, parked while the frame is built */
#define HART_KSTACK_LO 16 /* lowest usable byte of the stack in use, or 0 */
#define HART_T0 24     /* t0, parked during the stack check */
#define HART_EMERG_SP 32 /* a spare stack for reporting a stack overflow */

#ifndef __ASSEMBLER__
#include "csr.h"
#include "../../lib/types.h"

struct trapframe {
	uint64_t ra, sp, gp, tp;              /*   0 x1-x4 */
	uint64_t t0, t1, t2;                  /*  32 x5-x7 */
	uint64_t s0, s1;                      /*  56 x8-x9 */
	uint64_t a0, a1, a2, a3, a4, a5, a6, a7; /*  72 x10-x17 */
	uint64_t s2, s3, s4, s5, s6, s7, s8, s9, s10, s11; /* 136 x18-x27 */
	uint64_t t3, t4, t5, t6;              /* 216 x28-x31 */
	uint64_t sepc;                        /* 248 */
	uint64_t sstatus;                     /* 256 */
	uint64_t scause;                      /* 264 */
	uint64_t stval;                       /* 272 */
	uint64_t pad;                         /* 280 */
};

/* The architecture's part of struct hart; it must come first in it. */
struct arch_hart {
	uint64_t kernel_sp; /* HART_KSP */
	uint64_t scratch;   /* HART_SCRATCH */
	uint64_t kstack_lo; /* HART_KSTACK_LO */
	uint64_t t0;        /* HART_T0 */
	uint64_t emerg_sp;  /* HART_EMERG_SP */
	uint64_t kmap_gen;  /* mmu.c: kernel mappings this hart has flushed for */
	uint64_t boot_stack_lo; /* lowest byte of this hart's boot stack */
	uint64_t tramp;     /* HART_TRAMP (isolate.h): this hart's trampoline slot */
};

/* Role-named accessors for the syscall ABI: number in a7, args in a0-a5. */
static inline uint64_t tf_syscall_nr(const struct trapframe *tf) { return tf->a7; }
static inline uint64_t tf_arg(const struct trapframe *tf, int i) { return (&tf->a0)[i]; }
static inline void tf_set_return(struct trapframe *tf, uint64_t v) { tf->a0 = v; }
static inline bool tf_from_user(const struct trapframe *tf) { return !(tf->sstatus & SSTATUS_SPP); }
#endif
