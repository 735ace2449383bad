// SPDX-License-Identifier: MIT
// Upcalls into user mode: swap the trap frame for a handler and back.
#include "upcall.h"

void arch_upcall_enter(struct trapframe *tf, struct trapframe *save, uint64_t handler)
{
	*save = *tf;
	tf->sepc = handler;
}

uint64_t arch_upcall_return(struct trapframe *tf, const struct trapframe *save)
{
	uint64_t sstatus = tf->sstatus;
	*tf = *save;
	tf->sstatus = sstatus; /* privilege and interrupt bits: never the saved copy's */
	return save->a0;
}
