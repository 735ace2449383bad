// SPDX-License-Identifier: MIT
// The in-kernel test runner: walks the .ktest table the linker gathers.
#include "ktest.h"
#include "hart.h"
#include "power.h"
#include "../lib/string.h"

extern const struct ktest __ktest_start[], __ktest_end[];

/* The arch's kernel fault hook: a trap this hart's test armed (through
 * hart->expect) is recorded, disarmed and skipped. */
static bool expected_trap(uint64_t cause, uint64_t addr, uint64_t pc)
{
	struct trap_expect *ex = this_hart()->expect;
	if (!ex)
		return false;
	ex->scause = cause;
	ex->stval = addr;
	ex->sepc = pc;
	ex->hit = true;
	this_hart()->expect = NULL;
	return true;
}

void ktest_run(const char *only)
{
	int passed = 0, failed = 0;
	arch_register_kernel_fault_hook(expected_trap);
	for (const struct ktest *t = __ktest_start; t < __ktest_end; t++) {
		if (only && *only && strcmp(only, t->name) != 0)
			continue;
		kprintf("ktest: %s ...\n", t->name);
		if (t->fn() == 0) {
			kprintf("ktest: %s ok\n", t->name);
			passed++;
		} else {
			kprintf("ktest: %s FAILED\n", t->name);
			failed++;
		}
	}
	kprintf("ktest: %d passed, %d failed\n", passed, failed);
	power_off(failed || !passed ? 1 : 0);
}
