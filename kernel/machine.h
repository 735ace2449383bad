/* SPDX-License-Identifier: MIT */
/* What the kernel knows about the machine, all of it read from the device tree. */
#pragma once
#include "../lib/types.h"

#define MAX_HARTS 8    /* hart ids 0..7; more are reported and left parked */
#define MAX_RESERVED 8

struct mem_range {
	uint64_t base, size;
};

struct machine {
	uint64_t mem_base, mem_size;      /* first /memory node */
	int nharts;                       /* usable harts, ids in hartids[] */
	int nignored;                     /* harts left parked: id >= MAX_HARTS */
	uint32_t hartids[MAX_HARTS];
	bool sstc;                        /* every hart's ISA string has _sstc */
	uint64_t timebase;                /* /cpus timebase-frequency, Hz */
	uint64_t uart_base;               /* ns16550a */
	uint32_t uart_irq;
	uint64_t plic_base;               /* riscv,plic0 */
	uint32_t plic_ndev;
	int plic_sctx[MAX_HARTS];         /* S-mode context per hart id, -1: none */
	uint64_t sswi_base, sswi_size;    /* riscv,aclint-sswi; 0 if absent */
	int sswi_reg[MAX_HARTS];          /* its SETSSIP register per hart id, -1: none */
	uint64_t finisher_base;           /* sifive,test0; 0 if absent */
	const char *bootargs;             /* /chosen/bootargs or "" */
	int nreserved;                    /* OpenSBI's region, memreserve entries */
	struct mem_range reserved[MAX_RESERVED];
	int nreserved_lost;               /* ranges beyond MAX_RESERVED */
	uint64_t dtb_base, dtb_size;
};

/*
 * machine_parse - fill m from the DTB at dtb.
 * Needs: a DTB blob readable at dtb. Locks nothing.
 * Returns 0, or -EINVAL if the blob is not a DTB or lacks memory, harts,
 * a timebase, a UART or a PLIC (the kernel cannot run without them).
 */
int machine_parse(const void *dtb, struct machine *m);

/* The running machine, filled by kmain from the boot DTB. */
extern struct machine machine;
/* machine_mem_end - the first address past RAM. */
static inline uint64_t machine_mem_end(void) { return machine.mem_base + machine.mem_size; }
