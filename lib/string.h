/* SPDX-License-Identifier: MIT */
/* Memory and string functions for freestanding code (kernel and user). */
#pragma once
#include "types.h"

#ifdef NAGI_HOSTED
#include <string.h>
#else
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strstr(const char *hay, const char *needle);
char *strcpy(char *dst, const char *src);
#endif

/* strlcpy - copy at most size-1 bytes and always terminate; returns strlen(src). */
size_t nagi_strlcpy(char *dst, const char *src, size_t size);
/* parse_ulong - parse decimal or 0x-hex; returns 0 on success, -1 on junk. */
int parse_ulong(const char *s, unsigned long *out);
