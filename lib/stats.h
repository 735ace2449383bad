/* SPDX-License-Identifier: MIT */
/* Sorting samples and reading percentiles off them: for the kernel's
 * latency figures and the user-space benchmark alike. */
#pragma once
#include "types.h"

/* sort_u64 - sort a[0..n) ascending in place (shell sort: no allocation,
 * fine for the few thousand samples a measurement keeps). */
void sort_u64(uint64_t *a, size_t n);

/* percentile - the p-th percentile (0..100) of n sorted samples: the
 * smallest sample with at least p% of the samples at or below it. 0 if
 * n is 0. percentile(a, n, 50) is the median. */
uint64_t percentile(const uint64_t *a, size_t n, unsigned p);
