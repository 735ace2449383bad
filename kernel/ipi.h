/* SPDX-License-Identifier: MIT */
/* Inter-processor interrupts: a reason bit per hart, then a software interrupt. */
#pragma once
#include "lib/types.h"

enum ipi_reason {
	IPI_RESCHED, /* run the scheduler */
	IPI_CALL,    /* hart_call() work is waiting */
	IPI_STOP,    /* panic elsewhere: stop this hart */
	IPI_TLB,     /* flush the TLB */
	IPI_PMEM,    /* pmem device completion */
	IPI_TEST,    /* in-kernel tests */
	IPI_PMEM_DOORBELL, /* wake the pmem device (it set NEED_WAKEUP) */
};

/* A subsystem's IPI handler: interrupt context (or a spinning hart, see
 * ipi_register), this hart, interrupts off. */
typedef void (*ipi_fn)(void);

/* ipi_register - run fn for every IPI of reason that reaches a hart. With
 * while_spinning, fn also runs over and over while a hart spins for a
 * spinlock with interrupts off, so nobody waits on that hart meanwhile:
 * fn must then find out by itself whether there is work. RESCHED, CALL,
 * STOP and TEST are the core's own. Returns 0, -EINVAL for a reason out
 * of range or the core's, -EBUSY if taken. Boot hart, before the first
 * IPI of that reason can be sent. */
int ipi_register(enum ipi_reason reason, ipi_fn fn, bool while_spinning);
/* ipi_serve_spinning - run the while_spinning handlers (spin_lock's wait). */
void ipi_serve_spinning(void);
/* ipi_route_init - how IPIs are raised: by one store to the machine's
 * ACLINT SSWI if it has one, else (or with bootarg ipi=sbi) by an SBI
 * call through the firmware. Boot hart, after the kernel's page table
 * and before other harts start. ipi_route - which, for the banner. */
void ipi_route_init(void);
const char *ipi_route(void);
/* ipi_send - post reason to hart id and interrupt it. Returns 0 or -E*. */
int ipi_send(int id, enum ipi_reason reason);
/* ipi_handle - the software-interrupt handler: clears and serves every
 * posted reason, counting each. Interrupt context, this hart. */
void ipi_handle(void);
/* ipi_name - a reason's name for the statistics table. */
const char *ipi_name(int reason);
