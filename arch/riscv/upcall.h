/* SPDX-License-Identifier: MIT */
/* Upcalls into user mode (the alarm): the frame's part, for kernel/proc/alarm.c. */
#pragma once
#include "trapframe.h"

/* arch_upcall_enter - save the user registers of tf in save and make the
 * trap return run handler instead (same stack, same registers). */
void arch_upcall_enter(struct trapframe *tf, struct trapframe *save, uint64_t handler);
/* arch_upcall_return - put the registers saved by arch_upcall_enter back
 * into tf (sstatus stays the kernel's); returns the saved a0, for the
 * syscall path to store as its result. */
uint64_t arch_upcall_return(struct trapframe *tf, const struct trapframe *save);
