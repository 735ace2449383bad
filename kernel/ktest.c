// SPDX-License-Identifier: MIT
// The in-kernel test runner: walks the .ktest table the linker gathers.
#include "ktest.h"
#include "power.h"
#include "../lib/string.h"

extern const struct ktest __ktest_start[], __ktest_end[];

void ktest_run(const char *only)
{
	int passed = 0, failed = 0;
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
