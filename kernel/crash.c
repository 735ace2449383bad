// SPDX-License-Identifier: MIT
// Deliberate kernel faults (bootarg crash=...) to show and test the fatal dump.
#include "hart.h"
#include "printk.h"
#include "spinlock.h"
#include "../lib/string.h"

void crash_now(const char *how);

/* Below RAM and below every device of QEMU virt: nothing answers here.
 * A variable, so the compiler cannot prove the access wrong and drop it. */
static volatile uintptr_t nowhere = 0x8;

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
	} else if (strcmp(how, "panic") == 0)
		panic("crash=panic asked for it");
	kprintf("crash: '%s' is not a kind of crash (load store illegal ebreak lock panic)\n", how);
}
