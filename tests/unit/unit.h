/* SPDX-License-Identifier: MIT */
/* A very small host test harness: one "PASS name" or "FAIL name" line per
 * test, which tests/run.py counts. */
#pragma once
#include <stdio.h>
#include <stdlib.h>

/* One count for the whole program, also when helpers in another file CHECK. */
int unit_failed_checks __attribute__((weak));

/* CHECK(cond) - record a failure with its place, and go on. */
#define CHECK(cond)                                                           \
	do {                                                                  \
		if (!(cond)) {                                                \
			printf("    %s:%d: expected %s\n", __FILE__, __LINE__, \
			       #cond);                                        \
			unit_failed_checks++;                                 \
		}                                                             \
	} while (0)

/* RUN(fn) - run one test function and print its verdict. */
#define RUN(fn)                                                               \
	do {                                                                  \
		int before = unit_failed_checks;                              \
		fn();                                                         \
		printf("%s %s\n", unit_failed_checks == before ? "PASS" : "FAIL", \
		       #fn);                                                  \
	} while (0)

#define UNIT_EXIT() return unit_failed_checks ? 1 : 0
