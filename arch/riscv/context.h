/* SPDX-License-Identifier: MIT */
/* What a context switch saves: the callee-saved registers (switch.S). */
#pragma once

#define CTX_RA 0
#define CTX_SP 8
#define CTX_S0 16 /* s0..s11 follow, 8 bytes each */
#define CTX_SIZE 112

#ifndef __ASSEMBLER__
#include "../../lib/types.h"
struct context {
	uint64_t ra;      /*  0 where switch_to returns in the new thread */
	uint64_t sp;      /*  8 */
	uint64_t s[12];   /* 16 s0..s11 */
};
_Static_assert(__builtin_offsetof(struct context, ra) == CTX_RA, "CTX_RA");
_Static_assert(__builtin_offsetof(struct context, sp) == CTX_SP, "CTX_SP");
_Static_assert(__builtin_offsetof(struct context, s) == CTX_S0, "CTX_S0");
_Static_assert(sizeof(struct context) == CTX_SIZE, "CTX_SIZE");
/* switch_to - save the current registers in *from, load *to, and return
 * into to's ra on its stack. (switch.S) */
void switch_to(struct context *from, struct context *to);
#endif
