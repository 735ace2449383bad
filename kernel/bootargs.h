/* SPDX-License-Identifier: MIT */
/* Boot arguments (QEMU -append): "key=value" or "flag" words. */
#pragma once
#include "../lib/types.h"

/* bootargs_parse - split the DTB's bootargs; warn about every unknown key
 * by name and about malformed words. Boot hart, before other harts run. */
void bootargs_parse(const char *args);
/* bootarg_get - the value of key ("" for a bare flag), or NULL if absent. */
const char *bootarg_get(const char *key);
/* bootarg_is - is key present with exactly this value? */
bool bootarg_is(const char *key, const char *value);
/* bootarg_ulong - key's numeric value, or dflt if absent or not a number
 * (which is warned about). */
unsigned long bootarg_ulong(const char *key, unsigned long dflt);
#define BOOTARG_LEN 128      /* a key or a value, with its NUL */
#define BOOTARG_MAX_WORDS 16 /* words kept from one comma-separated value */

/* A value split at its commas: "a,b,c" is three words, "a,,b" has an
 * empty middle word, and a trailing comma ends the list. */
struct bootarg_words {
	int n;                        /* words kept, 0 if key is absent */
	bool dropped;                 /* more than BOOTARG_MAX_WORDS were given */
	char *w[BOOTARG_MAX_WORDS];   /* into buf */
	char buf[BOOTARG_LEN];
};

/* bootarg_words - key's value as words in *out; returns out->n. */
int bootarg_words(const char *key, struct bootarg_words *out);
/* bootarg_numbers - key's value as comma-separated numbers in out[0..max):
 * their count, 0 if key is absent, -EINVAL if a word is not a number or
 * there are more than max. Prints nothing: the caller says what it does
 * with a bad value. */
int bootarg_numbers(const char *key, unsigned long *out, int max);
/* bootargs_help - print every known key and what it does. */
void bootargs_help(void);
