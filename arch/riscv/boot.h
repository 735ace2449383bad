/* SPDX-License-Identifier: MIT */
/* Constants shared by entry.S and C: boot stacks and per-hart entry slots. */
#pragma once

#define BOOT_STACK_SIZE 16384 /* per hart, in hart_stacks (entry.S) */
#define BOOT_HART_SLOTS 8     /* == MAX_HARTS, checked in cpu.c */

#ifndef __ASSEMBLER__
#include "../../lib/types.h"
/* Stack tops for started harts, written before SBI hart_start. */
extern uint64_t hart_entry_sp[BOOT_HART_SLOTS];
extern uint8_t hart_stacks[BOOT_HART_SLOTS][BOOT_STACK_SIZE];
void _start(void);
#endif
