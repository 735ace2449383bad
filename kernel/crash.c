// SPDX-License-Identifier: MIT
// Deliberate kernel faults (bootarg crash=...) to show and test the fatal dump.
#include "hart.h"
#include "printk.h"
#include "spinlock.h"
#include "kernel/proc/thread.h"
#include "../lib/string.h"

void crash_now(const char *how);

/* Below RAM and below every device of QEMU virt: nothing answers here.
 * A variable, so the compiler cannot prove the access wrong and drop it. */
static volatile uintptr_t nowhere = 0x8;

/* Recurse until the kernel stack's guard page stops us (the bound is
 * far beyond any stack, and keeps the compiler from calling it infinite). */
static int deep(int n)
{
	volatile char pad[256];
	pad[0] = (char)n;
	if (n > 1000000)
		return 0;
	return deep(n + 1) + pad[0];
}

static void overflow_thread(void *arg)
{
	UNUSED(arg);
	deep(0);
}

void crash_now(const char *how)
{
	static struct spinlock lock = SPINLOCK_INIT("crash");

	kprintf("crash: %s, on purpose\n", how);
	if (strcmp(how, "load") == 0)
		(void)*(volatile uint64_t *)nowhere;
	else if (strcmp(how, "store") == 0)
		*(volatile uint64_t *)nowhere = 1;
	else if (strcmp(how, "illegal") == 0)
		__asm__ volatile(".word 0"); /* all-zero bits: defined illegal */
	else if (strcmp(how, "ebreak") == 0)
		__asm__ volatile("ebreak");
	else if (strcmp(how, "lock") == 0) {
		spin_lock(&lock);
		spin_lock(&lock); /* recursive: caught, not a silent deadlock */
	} else if (strcmp(how, "stack") == 0) {
		kthread_create("overflow", overflow_thread, NULL, -1);
		return; /* it runs once the scheduler starts */
	} else if (strcmp(how, "bootstack") == 0) {
		deep(0); /* kmain runs on the boot hart's boot stack */
	} else if (strcmp(how, "panic") == 0)
		panic("crash=panic asked for it");
	kprintf("crash: '%s' is not a kind of crash (load store illegal ebreak lock stack bootstack panic)\n", how);
}
