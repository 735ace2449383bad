/* SPDX-License-Identifier: MIT */
/* What portable structures embed but never read: a context switch's saved
 * registers (switch.S) and the arch part of struct hart (trapentry.S). */
#pragma once

#define CTX_RA 0
#define CTX_SP 8
#define CTX_S0 16 /* s0..s11 follow, 8 bytes each */
#define CTX_SIZE 112

#ifndef __ASSEMBLER__
#include "../../lib/types.h"
struct context {
	uint64_t ra;      /*  0 where arch_switch_to returns in the new thread */
	uint64_t sp;      /*  8 */
	uint64_t s[12];   /* 16 s0..s11 */
};
_Static_assert(__builtin_offsetof(struct context, ra) == CTX_RA, "CTX_RA");
_Static_assert(__builtin_offsetof(struct context, sp) == CTX_SP, "CTX_SP");
_Static_assert(__builtin_offsetof(struct context, s) == CTX_S0, "CTX_S0");
_Static_assert(sizeof(struct context) == CTX_SIZE, "CTX_SIZE");
/* The architecture's part of struct hart; it must come first in it. The
 * HART_* offsets for trapentry.S are in trapframe.h, checked in trap.c. */
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

/* arch_switch_to - save the current registers in *from, load *to, and return
 * into to's ra on its stack. (switch.S) */
void arch_switch_to(struct context *from, struct context *to);
#endif
