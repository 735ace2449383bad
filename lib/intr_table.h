/* SPDX-License-Identifier: MIT */
/* Printing the interrupt table (struct intr_table, abi.h) like /proc/interrupts:
 * shared by the kernel monitor and the user `intr` command. */
#pragma once
#include "abi.h"
#include "printf.h"

/* intr_table_print - one header line, then one line per row; rows whose
 * counts are all zero are skipped unless keep_zero. */
void intr_table_print(const struct intr_table *t, bool keep_zero, putc_fn put, void *ctx);
/* intr_table_sub - after -= before, row by row (same layout assumed). */
void intr_table_sub(struct intr_table *after, const struct intr_table *before);
