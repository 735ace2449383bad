/* SPDX-License-Identifier: MIT */
/* In-kernel tests: a registration table, run with bootarg `ktest`. */
#pragma once
#include "../lib/types.h"
#include "printk.h"

struct ktest {
	const char *name;
	int (*fn)(void); /* 0: pass */
};

/* KTEST(name) { ... return 0; } registers a test in the .ktest section. */
#define KTEST(tname)                                                         \
	static int ktest_fn_##tname(void);                                   \
	static const struct ktest ktest_##tname                              \
		__attribute__((used, section(".ktest"), aligned(8))) = {     \
			#tname, ktest_fn_##tname };                          \
	static int ktest_fn_##tname(void)

/* KEXPECT(cond) - fail the test, saying where and what, unless cond. */
#define KEXPECT(cond)                                                        \
	do {                                                                 \
		if (!(cond)) {                                               \
			kprintf("    %s:%d: expected %s\n", __FILE__, __LINE__, \
				#cond);                                      \
			return -1;                                           \
		}                                                            \
	} while (0)

/* A trap a test provokes on purpose: ktest_run's kernel fault hook records
 * it and the trap path skips the faulting instruction instead of
 * panicking (set hart->expect). */
struct trap_expect {
	uint64_t scause, stval, sepc;
	volatile bool hit;
};

/* ktest_run - run every test (or only the one named only), print a line
 * each and the totals, and power off with status 0 or 1. Boot hart. */
void ktest_run(const char *only) __attribute__((noreturn));
