/* SPDX-License-Identifier: MIT */
/* A switched-out fiber's saved registers, for fiber_switch.S and fiber.c. */
#pragma once

#define FIBER_FRAME 112 /* bytes: ra, s0-s11, one pad word (16-byte aligned) */
#define FIBER_RA 0
#define FIBER_S0 8      /* s(i) is at FIBER_S0 + 8 * i */

#ifndef __ASSEMBLER__
#include "../../lib/types.h"
struct fiber_frame {
	uint64_t ra;
	uint64_t s[12];
	uint64_t pad;
};
_Static_assert(sizeof(struct fiber_frame) == FIBER_FRAME, "fiber_frame");
_Static_assert(offsetof(struct fiber_frame, ra) == FIBER_RA, "fiber_frame.ra");
_Static_assert(offsetof(struct fiber_frame, s) == FIBER_S0, "fiber_frame.s");
#endif
