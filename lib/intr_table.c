// SPDX-License-Identifier: MIT
// The /proc/interrupts layout: a column per hart, a row per source.
#include "intr_table.h"

static void out(putc_fn put, void *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vformat(put, ctx, fmt, ap);
	va_end(ap);
}

void intr_table_print(const struct intr_table *t, bool keep_zero, putc_fn put, void *ctx)
{
	out(put, ctx, "      ");
	for (uint32_t h = 0; h < t->nharts; h++)
		out(put, ctx, "      HART%d", t->hartid[h]);
	out(put, ctx, "\n");
	for (uint32_t r = 0; r < t->nrows && r < INTR_MAX_ROWS; r++) {
		const struct intr_row *row = &t->rows[r];
		uint64_t sum = 0;
		for (uint32_t h = 0; h < t->nharts; h++)
			sum += row->count[h];
		if (!sum && !keep_zero)
			continue;
		out(put, ctx, "%5.7s:", row->label);
		for (uint32_t h = 0; h < t->nharts; h++)
			out(put, ctx, " %10lu", row->count[h]);
		out(put, ctx, "  %.39s\n", row->desc);
	}
}

void intr_table_sub(struct intr_table *after, const struct intr_table *before)
{
	for (uint32_t r = 0; r < after->nrows && r < INTR_MAX_ROWS; r++)
		for (uint32_t h = 0; h < after->nharts && h < INTR_MAX_HARTS; h++)
			after->rows[r].count[h] -= before->rows[r].count[h];
}
