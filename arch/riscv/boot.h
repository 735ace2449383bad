/* SPDX-License-Identifier: MIT */
/* Constants shared by entry.S and C: boot stacks and per-hart entry slots. */
#pragma once

/* Each hart's boot stack (its scheduler loop runs on it) sits in a slot
 * of hart_stacks (entry.S): a guard page, unmapped by mmu_kernel_init so
 * that an overflow faults, then the stack. Slots are page-aligned. */
#define BOOT_GUARD_SIZE 4096
#define BOOT_STACK_SIZE 16384
#define BOOT_SLOT_SIZE (BOOT_GUARD_SIZE + BOOT_STACK_SIZE)
#define BOOT_HART_SLOTS 8     /* == MAX_HARTS, checked in cpu.c */

#ifndef __ASSEMBLER__
#include "../../lib/types.h"
/* Stack tops for started harts, written before SBI hart_start. */
extern uint64_t hart_entry_sp[BOOT_HART_SLOTS];
extern uint8_t hart_stacks[BOOT_HART_SLOTS][BOOT_SLOT_SIZE];
void _start(void);

/* boot_stack_lo / boot_stack_top - hart id's boot stack, above its guard. */
static inline uint64_t boot_stack_lo(int id) { return (uint64_t)hart_stacks[id] + BOOT_GUARD_SIZE; }
static inline uint64_t boot_stack_top(int id) { return boot_stack_lo(id) + BOOT_STACK_SIZE; }
#endif
