/* SPDX-License-Identifier: MIT */
/* QEMU's sifive_test device: a register that ends the emulation with a status. */
#pragma once
#include "../lib/types.h"

/* finisher_init - remember the device at base (0: there is none). */
void finisher_init(uint64_t base);
/* finisher_exit - end QEMU with status code; returns only without a device. */
void finisher_exit(int code);
