/* SPDX-License-Identifier: MIT */
/* Page-table isolation (isolate=on|asid): user tables map only user memory
 * and the trampoline; every trap from U-mode switches satp (isolate.c). */
#pragma once

/* One slot per hart in the trampoline's data page, mapped at the same
 * address in the kernel's table and in every user table: all the trap
 * path can reach before and after it switches satp. */
#define TRAMP_HART 0   /* this hart's struct hart (a kernel address) */
#define TRAMP_T0 8     /* the user's t0, while the code needs one register */
#define TRAMP_SP 16    /* the user's sp on the way out */
#define TRAMP_KSATP 24 /* the kernel's satp */
#define TRAMP_USATP 32 /* satp of the process this hart runs, or 0 */
#define TRAMP_EXIT 40  /* tramp_exit or tramp_exit_asid: how to leave */
#define TRAMP_SLOT_SIZE 64

/* struct arch_hart's word holding this hart's slot address (trapframe.h). */
#define HART_TRAMP 56

#ifndef __ASSEMBLER__
#include "../../lib/types.h"
#include "mmu.h"

enum isolate_mode {
	ISOLATE_OFF,  /* the kernel is mapped in every table; satp stays */
	ISOLATE_ON,   /* switch satp and flush the whole TLB on entry and exit */
	ISOLATE_ASID, /* switch satp; ASIDs tag translations, so no flush */
};

struct tramp_slot {
	uint64_t hart, t0, sp, ksatp, usatp, exit;
	uint64_t pad[2];
};

/* The boot-time choice; written once, before any hart takes a trap. */
extern int isolate_mode;

/* isolate_init - read isolate= (boot hart, before the kernel table exists). */
void isolate_init(void);
/* isolate_kernel_ready - the kernel table is live: probe ASIDs, map the
 * trampoline pages into the table every user root shares. Boot hart. */
void isolate_kernel_ready(uint64_t kernel_satp);
/* Roots here are raw Sv39 tables of 512 entries (mmu.c's view).
 * isolate_fill_root - give a new user root the trampoline (its only
 * kernel mapping) and, under ISOLATE_ASID, its ASID. */
void isolate_fill_root(uint64_t *root);
/* isolate_set_user - this hart returns to user mode on root (NULL: it
 * will not). Any context; the caller's next return to user mode must be
 * from this hart or follow another call (the scheduler's run does one). */
void isolate_set_user(uint64_t *root);
/* isolate_hart_init - stvec and the slot for this hart (every hart). */
void isolate_hart_init(void);
#endif
