// SPDX-License-Identifier: MIT
// Sorting samples and reading percentiles off them (lib/stats.h).
#include "stats.h"

/* Shell sort's next gap below gap: shrinking by 4/9 while large, then
 * Ciura's table. 0 when done. */
static size_t next_gap(size_t gap)
{
	static const size_t ciura[] = { 1750, 701, 301, 132, 57, 23, 10, 4, 1 };

	if (gap > ciura[0] * 9 / 4)
		return gap * 4 / 9;
	for (unsigned i = 0; i < sizeof(ciura) / sizeof(ciura[0]); i++)
		if (ciura[i] < gap)
			return ciura[i];
	return 0;
}

void sort_u64(uint64_t *a, size_t n)
{
	for (size_t gap = next_gap(n); gap; gap = next_gap(gap))
		for (size_t i = gap; i < n; i++) {
			uint64_t v = a[i];
			size_t j = i;
			for (; j >= gap && a[j - gap] > v; j -= gap)
				a[j] = a[j - gap];
			a[j] = v;
		}
}

uint64_t percentile(const uint64_t *a, size_t n, unsigned p)
{
	size_t rank;

	if (n == 0)
		return 0;
	if (p >= 100)
		return a[n - 1];
	rank = (n * p + 99) / 100; /* ceil(n * p / 100): samples at or below */
	return a[rank ? rank - 1 : 0];
}
