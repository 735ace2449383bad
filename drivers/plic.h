/* SPDX-License-Identifier: MIT */
/* The RISC-V platform-level interrupt controller (PLIC). */
#pragma once
#include "../kernel/machine.h"

/* plic_init - set up the PLIC described in m and make it the kernel's
 * interrupt controller. Boot hart, once. */
void plic_init(const struct machine *m);
/* plic_hart_init - accept every priority on this hart's S-mode context. */
void plic_hart_init(void);
