/* SPDX-License-Identifier: MIT */
/* Trap and interrupt counters per hart and per source, like /proc/interrupts. */
#pragma once
#include "../lib/types.h"

#define NR_IPI 8       /* software-interrupt reasons, enum ipi_reason */
#define NR_EXC_STAT 16 /* exception causes 0..15 */
#define NR_IRQ_STAT 128 /* PLIC interrupt sources 1..127 (virt has 96) */

enum stat_index {
	STAT_TIMER,                          /* supervisor timer interrupts */
	STAT_IPI,                            /* + enum ipi_reason */
	STAT_EXC = STAT_IPI + NR_IPI,        /* + exception cause */
	STAT_IRQ = STAT_EXC + NR_EXC_STAT,   /* + PLIC source number */
	STAT_SYSCALL = STAT_IRQ + NR_IRQ_STAT, /* system calls, both paths */
	STAT_SPURIOUS,                       /* interrupts with no handler */
	STAT_PMEM_CPL,                       /* pmem completions reaped by its IPI handler */
	STAT_PMEM_NAP,                       /* pmem hybrid waits that napped first */
	NR_STAT
};

/* intrstat_inc (kernel/hart.h: it needs struct hart) counts one event. */
/* intrstat_total - the sum of counter s over all harts. */
uint64_t intrstat_total(int s);
struct intr_table;
/* intrstat_snapshot - fill t (abi.h) with every counter: a column per
 * started hart, a row per source, always the same rows in the same order. */
void intrstat_snapshot(struct intr_table *t);
/* intrstat_print - print the table: a row per source that has counted
 * anything, a column per online hart. Takes no lock; counters are racy. */
void intrstat_print(void);
