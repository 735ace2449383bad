// SPDX-License-Identifier: MIT
// lib/stats.c: the sort against qsort, percentiles on known sets.
#include "lib/stats.h"
#include "unit.h"
#include <string.h>

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Every size around the gap boundaries, random, sorted and reversed input. */
static void test_sort_matches_qsort(void)
{
	static uint64_t a[20000], b[20000];
	static const size_t sizes[] = { 0, 1, 2, 3, 9, 10, 11, 100, 1023, 1750, 1751, 3938, 3939, 20000 };
	uint64_t x = 88172645463325252ULL;

	for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (int kind = 0; kind < 3; kind++) {
			size_t n = sizes[s];
			for (size_t i = 0; i < n; i++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				a[i] = kind == 0 ? x % 1000 : kind == 1 ? i : n - i;
			}
			memcpy(b, a, n * sizeof(a[0]));
			sort_u64(a, n);
			qsort(b, n, sizeof(b[0]), cmp);
			CHECK(memcmp(a, b, n * sizeof(a[0])) == 0);
		}
}

static void test_percentiles(void)
{
	uint64_t one[] = { 7 }, seven[] = { 1, 2, 3, 4, 5, 6, 7 }, hundred[100];

	for (int i = 0; i < 100; i++)
		hundred[i] = (uint64_t)i + 1;
	CHECK(percentile(one, 0, 50) == 0);
	CHECK(percentile(one, 1, 50) == 7 && percentile(one, 1, 99) == 7);
	CHECK(percentile(seven, 7, 50) == 4);  /* the median */
	CHECK(percentile(seven, 7, 0) == 1 && percentile(seven, 7, 100) == 7);
	CHECK(percentile(hundred, 100, 99) == 99);
	CHECK(percentile(hundred, 100, 50) == 50);
	CHECK(percentile(hundred, 100, 1) == 1);
}

int main(void)
{
	RUN(test_sort_matches_qsort);
	RUN(test_percentiles);
	UNIT_EXIT();
}
