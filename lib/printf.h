/* SPDX-License-Identifier: MIT */
/* Formatted printing shared by kernel and user: one formatter, many sinks. */
#pragma once
#include <stdarg.h>
#include "types.h"

/* A sink receives one character at a time. */
typedef void (*putc_fn)(int c, void *ctx);

/*
 * vformat - format fmt into sink put(c, ctx).
 * Supports %d %i %u %x %X %o %p %s %c %%, the l/ll/z length modifiers,
 * width, '0' and '-' flags and precision (also as '*').
 * Returns the number of characters produced.
 */
int vformat(putc_fn put, void *ctx, const char *fmt, va_list ap);

/* snprintf-style formatting into buf; always terminates when size > 0.
 * Returns the length the full output would have had. */
int nagi_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int nagi_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
