/* SPDX-License-Identifier: MIT */
/* Inter-processor interrupts: a reason bit per hart, then a software interrupt. */
#pragma once

enum ipi_reason {
	IPI_RESCHED, /* run the scheduler */
	IPI_CALL,    /* hart_call() work is waiting */
	IPI_STOP,    /* panic elsewhere: stop this hart */
	IPI_TLB,     /* flush the TLB */
	IPI_PMEM,    /* pmem device completion */
	IPI_TEST,    /* in-kernel tests */
	IPI_PMEM_DOORBELL, /* wake the pmem device (it set NEED_WAKEUP) */
};

/* ipi_send - post reason to hart id and interrupt it. Returns 0 or -E*. */
int ipi_send(int id, enum ipi_reason reason);
/* ipi_handle - the software-interrupt handler: clears and serves every
 * posted reason, counting each. Interrupt context, this hart. */
void ipi_handle(void);
/* ipi_name - a reason's name for the statistics table. */
const char *ipi_name(int reason);
