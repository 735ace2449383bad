// SPDX-License-Identifier: MIT
// The boot file set: user programs linked into the kernel image by tools/mkbootfs.sh.
#include "file.h"
#include "printk.h"
#include "spinlock.h"
#include "../lib/string.h"

#define BOOTFS_MAX 128

/* What build/bootfs.S holds: (name, start, end) rows ending in a zero row. */
struct bootfs_row {
	const char *name;
	const uint8_t *start, *end;
};
extern const struct bootfs_row bootfs_table[];

/* The rows as struct bootfile, built once on first use. */
static struct {
	struct spinlock lock;
	bool loaded; /* written last, under lock; read with acquire */
	int count;
	struct bootfile files[BOOTFS_MAX];
} fs = { .lock = SPINLOCK_INIT("bootfs") };

/* Convert the generated table. The set is part of the kernel image, so a
 * set too large for the array is a build mistake. */
static void load(void)
{
	int n = 0;

	spin_lock(&fs.lock);
	if (!fs.loaded) {
		for (const struct bootfs_row *r = bootfs_table; r->name; r++, n++) {
			if (n == BOOTFS_MAX)
				panic("bootfs: more than %d boot files", BOOTFS_MAX);
			fs.files[n] = (struct bootfile){ r->name, r->start,
							 (uint64_t)(r->end - r->start) };
		}
		fs.count = n;
		__atomic_store_n(&fs.loaded, true, __ATOMIC_RELEASE);
	}
	spin_unlock(&fs.lock);
}

static void ensure_loaded(void)
{
	if (!__atomic_load_n(&fs.loaded, __ATOMIC_ACQUIRE))
		load();
}

/*
 * bootfs_count - how many boot files there are. Any context (takes the
 * bootfs lock only on the very first call).
 */
int bootfs_count(void)
{
	ensure_loaded();
	return fs.count;
}

/*
 * bootfs_get - boot file i (0 <= i < bootfs_count()), or NULL. The entry
 * lives as long as the kernel.
 */
const struct bootfile *bootfs_get(int i)
{
	ensure_loaded();
	if (i < 0 || i >= fs.count)
		return NULL;
	return &fs.files[i];
}

/*
 * bootfs_lookup - the boot file called name; leading '/'s are ignored.
 * NULL for an unknown or empty name. Names hold no '/' of their own.
 */
const struct bootfile *bootfs_lookup(const char *name)
{
	if (!name)
		return NULL;
	while (*name == '/')
		name++;
	if (!*name)
		return NULL;
	ensure_loaded();
	for (int i = 0; i < fs.count; i++)
		if (strcmp(fs.files[i].name, name) == 0)
			return &fs.files[i];
	return NULL;
}
