/* SPDX-License-Identifier: MIT */
/* Leaving the machine: QEMU's exit status carries the guest's result. */
#pragma once

#define POWER_EXIT_PANIC 2 /* the status a panic exits with */

/* power_off - stop the machine with status code (0 = success). Uses the
 * sifive_test finisher when the DTB has one, else SBI SRST (status lost). */
void power_off(int code) __attribute__((noreturn));
