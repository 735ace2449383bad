/* SPDX-License-Identifier: MIT */
/* Kernel printing and panic. */
#pragma once
#include <stdarg.h>

/* kprintf - format to the console; one call's output is never interleaved
 * with another hart's. Takes the console lock (interrupts off meanwhile). */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vkprintf(const char *fmt, va_list ap);

/* panic - a broken kernel invariant: print the hart, the reason and a
 * backtrace, stop every hart, and exit QEMU with status 2 (or halt, with
 * bootarg panic=halt). Never returns. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

struct trapframe;
/* panic_trap - an unexpected trap in the kernel: the full dump, then as panic. */
void panic_trap(const struct trapframe *tf) __attribute__((noreturn));

/* panicking - has some hart panicked? Printing then bypasses the lock. */
extern volatile int panicking;
