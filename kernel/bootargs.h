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
/* bootargs_help - print every known key and what it does. */
void bootargs_help(void);
