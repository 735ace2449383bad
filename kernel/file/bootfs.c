// SPDX-License-Identifier: MIT
// The boot file set: user programs linked into the kernel image by tools/mkbootfs.sh,
// read-only files while no file system is mounted (and exec's fallback).
#include "kernel/console.h"
#include "file.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "kernel/mm/uaccess.h"
#include "lib/errno.h"
#include "lib/string.h"

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

/* ---- Boot files and the root directory ---- */

/* The inode number of boot file b: its index + 1 (0 is the root). */
static uint32_t bootfile_ino(const struct bootfile *b)
{
	for (int i = 0; i < bootfs_count(); i++)
		if (bootfs_get(i) == b)
			return (uint32_t)i + 1;
	panic("bootfile_ino: %p is not a boot file", b);
}

static long bootfile_read(struct file *f, uint64_t uaddr, uint64_t n)
{
	const struct bootfile *b = f->priv;
	uint64_t off, m = file_reserve(f, n, b->size, &off);

	if (m > 0 && copyout(uaddr, b->data + off, m) < 0) {
		file_unreserve(f, off + m, off);
		return -EFAULT;
	}
	return (long)m;
}

static int bootfile_stat(struct file *f, struct stat *st)
{
	const struct bootfile *b = f->priv;
	st->type = T_FILE;
	st->ino = bootfile_ino(b);
	st->nlink = 1;
	st->size = b->size;
	return 0;
}

static long bootfile_lseek(struct file *f, long off, int whence)
{
	const struct bootfile *b = f->priv;
	return file_seek(f, off, whence, b->size, b->size, 1);
}

/* Nothing is ever written: always durable. */
static int nothing_to_sync(struct file *f)
{
	UNUSED(f);
	return 0;
}

static const struct file_ops bootfile_ops = {
	.read = bootfile_read,
	.stat = bootfile_stat,
	.lseek = bootfile_lseek,
	.fsync = nothing_to_sync,
};

/* The directory: one struct dirent per boot file, read whole records at a
 * time; f->off counts bytes and stays a multiple of the record size
 * (it is not seekable). */
static long dir_read(struct file *f, uint64_t uaddr, uint64_t n)
{
	const uint64_t rec = sizeof(struct dirent);
	uint64_t off, m, i;

	if (n < rec)
		return -EINVAL;
	m = file_reserve(f, n / rec * rec, (uint64_t)bootfs_count() * rec, &off);
	for (i = 0; i < m; i += rec) {
		const struct bootfile *b = bootfs_get((int)((off + i) / rec));
		struct dirent de = { .inum = (uint32_t)((off + i) / rec) + 1 };
		memcpy(de.name, b->name, strnlen(b->name, DIRSIZ)); /* NUL-padded */
		if (copyout(uaddr + i, &de, rec) < 0)
			break;
	}
	if (i < m)
		file_unreserve(f, off + m, off + i);
	return i > 0 ? (long)i : m > 0 ? -EFAULT : 0;
}

static int dir_stat(struct file *f, struct stat *st)
{
	UNUSED(f);
	st->type = T_DIR;
	st->ino = 0;
	st->nlink = 1;
	st->size = (uint64_t)bootfs_count() * sizeof(struct dirent);
	return 0;
}

static const struct file_ops dir_ops = {
	.read = dir_read,
	.stat = dir_stat,
	.fsync = nothing_to_sync,
};

/* ---- bootfs_open ---- */

/* Skip the leading "/", "." and ".." components: the boot file set has
 * one directory. What remains names something in it ("" is the root). */
static const char *skip_root(const char *p)
{
	for (;;) {
		if (*p == '/')
			p++;
		else if (p[0] == '.' && (p[1] == '/' || !p[1]))
			p++;
		else if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || !p[2]))
			p += 2;
		else
			return p;
	}
}

/* The boot file name (no '/' inside) names, or -ENOENT / -ENOTDIR for
 * "name/more". */
static const struct bootfile *lookup(const char *name, int *err)
{
	const char *slash = strchr(name, '/');
	char first[DIRSIZ + 1];
	size_t len = slash ? (size_t)(slash - name) : 0;

	if (!slash) {
		const struct bootfile *b = bootfs_lookup(name);
		*err = b ? 0 : -ENOENT;
		return b;
	}
	*err = -ENOENT;
	if (len <= DIRSIZ) { /* "file/..." exists but is not a directory */
		memcpy(first, name, len);
		first[len] = 0;
		if (bootfs_lookup(first))
			*err = -ENOTDIR;
	}
	return NULL;
}

/* Open a read-only object (a boot file, the directory) with ops and priv. */
static struct file *open_ro(const struct file_ops *ops, void *priv, int flags, int *err)
{
	struct file *f;

	if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREATE | O_TRUNC))) {
		*err = -EROFS;
		return NULL;
	}
	f = file_alloc(ops, priv, true, false);
	*err = f ? 0 : -ENFILE;
	return f;
}

static struct file *open_console(int flags, int *err)
{
	int mode = flags & O_ACCMODE;
	struct file *f = console_file_open(mode != O_WRONLY, mode != O_RDONLY);
	*err = f ? 0 : -ENFILE;
	return f;
}

/* bootfs_open - see file.h. Takes the file table lock. */
struct file *bootfs_open(const char *path, int flags, int *err)
{
	const struct bootfile *b;
	const char *name;

	if (!*path) {
		*err = -ENOENT;
		return NULL;
	}
	if (strcmp(path, "console") == 0 || strcmp(path, "/dev/console") == 0)
		return open_console(flags, err);
	name = skip_root(path);
	if (!*name)
		return open_ro(&dir_ops, NULL, flags, err);
	b = lookup(name, err);
	if (b)
		return open_ro(&bootfile_ops, (void *)b, flags, err);
	if (*err == -ENOENT && (flags & O_CREATE) && !strchr(name, '/'))
		*err = -EROFS;
	return NULL;
}
