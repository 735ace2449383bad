// SPDX-License-Identifier: MIT
// Open files: the file table, checked calls through file_ops, and file_open.
#include "file.h"
#include "console.h"
#include "printk.h"
#include "spinlock.h"
#include "uaccess.h"
#include "../lib/errno.h"
#include "../lib/string.h"

#define O_ACCMODE 0x003
#define O_KNOWN (O_ACCMODE | O_CREATE | O_TRUNC | O_APPEND)

/*
 * The file table. A slot is free while its ref is 0. The lock also guards
 * the offsets of boot files and the directory: a read reserves its range
 * under it and copies outside it, so readers sharing a file never get the
 * same bytes twice.
 */
static struct {
	struct spinlock lock;
	struct file files[NFILE];
} ftable = { .lock = SPINLOCK_INIT("ftable") };

/*
 * file_alloc - a free slot set up as a file of kind ops with ref 1.
 * Takes the file table lock. NULL if all NFILE are in use.
 */
struct file *file_alloc(const struct file_ops *ops, void *priv, bool r, bool w)
{
	struct file *f = NULL;

	spin_lock(&ftable.lock);
	for (int i = 0; i < NFILE; i++) {
		if (ftable.files[i].ref == 0) {
			f = &ftable.files[i];
			*f = (struct file){ .ops = ops, .ref = 1, .readable = r,
					    .writable = w, .priv = priv };
			break;
		}
	}
	spin_unlock(&ftable.lock);
	return f;
}

/* file_dup - one more reference to f (fork, dup). Takes the table lock. */
struct file *file_dup(struct file *f)
{
	spin_lock(&ftable.lock);
	if (f->ref < 1)
		panic("file_dup: file %p is not open", f);
	f->ref++;
	spin_unlock(&ftable.lock);
	return f;
}

/*
 * file_close - drop a reference. The last one frees the slot and then
 * calls ops->close on a copy of the file, with no lock held (it may take
 * its own locks and wake sleepers). Takes the file table lock.
 */
void file_close(struct file *f)
{
	struct file copy;

	spin_lock(&ftable.lock);
	if (f->ref < 1)
		panic("file_close: file %p is not open", f);
	if (--f->ref > 0) {
		spin_unlock(&ftable.lock);
		return;
	}
	copy = *f;
	f->ops = NULL;
	f->priv = NULL;
	spin_unlock(&ftable.lock);
	if (copy.ops->close)
		copy.ops->close(&copy);
}

/*
 * file_read - up to n bytes into user memory at uaddr through the file's
 * ops: bytes read (0 at end of file) or -E*: -EBADF if f was not opened
 * for reading, -EINVAL if its kind cannot be read. May sleep.
 */
long file_read(struct file *f, uint64_t uaddr, uint64_t n)
{
	if (!f->readable)
		return -EBADF;
	if (!f->ops->read)
		return -EINVAL;
	if (n == 0)
		return 0;
	return f->ops->read(f, uaddr, n);
}

/*
 * file_write - n bytes from user memory at uaddr: bytes written or -E*
 * (-EBADF if not opened for writing, -EINVAL if it cannot be written).
 * May sleep.
 */
long file_write(struct file *f, uint64_t uaddr, uint64_t n)
{
	if (!f->writable)
		return -EBADF;
	if (!f->ops->write)
		return -EINVAL;
	if (n == 0)
		return 0;
	return f->ops->write(f, uaddr, n);
}

/* file_stat - fill the kernel struct *st for f: 0 or -EINVAL. */
int file_stat(struct file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	if (!f->ops->stat)
		return -EINVAL;
	return f->ops->stat(f, st);
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

/* Reserve up to n bytes of f from its offset, limited to size: the start
 * of the range in *off, its length returned. */
static uint64_t reserve(struct file *f, uint64_t n, uint64_t size, uint64_t *off)
{
	uint64_t m;

	spin_lock(&ftable.lock);
	*off = f->off;
	m = *off < size ? MIN(n, size - *off) : 0;
	f->off += m;
	spin_unlock(&ftable.lock);
	return m;
}

/* Give back the unused tail [to, end) of a reservation, unless another
 * reader has moved the offset since. */
static void unreserve(struct file *f, uint64_t end, uint64_t to)
{
	spin_lock(&ftable.lock);
	if (f->off == end)
		f->off = to;
	spin_unlock(&ftable.lock);
}

static long bootfile_read(struct file *f, uint64_t uaddr, uint64_t n)
{
	const struct bootfile *b = f->priv;
	uint64_t off, m = reserve(f, n, b->size, &off);

	if (m > 0 && copyout(uaddr, b->data + off, m) < 0) {
		unreserve(f, off + m, off);
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

static const struct file_ops bootfile_ops = {
	.read = bootfile_read,
	.stat = bootfile_stat,
};

/* The directory: one struct dirent per boot file, read whole records at a
 * time; f->off counts bytes and stays a multiple of the record size. */
static long dir_read(struct file *f, uint64_t uaddr, uint64_t n)
{
	const uint64_t rec = sizeof(struct dirent);
	uint64_t off, m, i;

	if (n < rec)
		return -EINVAL;
	m = reserve(f, n / rec * rec, (uint64_t)bootfs_count() * rec, &off);
	for (i = 0; i < m; i += rec) {
		const struct bootfile *b = bootfs_get((int)((off + i) / rec));
		struct dirent de = { .inum = (uint32_t)((off + i) / rec) + 1 };
		memcpy(de.name, b->name, strnlen(b->name, DIRSIZ)); /* NUL-padded */
		if (copyout(uaddr + i, &de, rec) < 0)
			break;
	}
	if (i < m)
		unreserve(f, off + m, off + i);
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
};

/* ---- file_open ---- */

/* Skip the leading "/", "." and ".." components: every directory is the
 * root for now. What remains names something in it ("" is the root). */
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

/*
 * file_open - open path with O_* flags. "console" and "/dev/console" are
 * the console; "/" and "." (and any path that is only "/", "." and "..")
 * the directory of boot files; any other name, with or without a leading
 * "/", a boot file. The directory and boot files are read-only: -EROFS for
 * write access, O_CREATE or O_TRUNC (also when creating a name that does
 * not exist). -ENOENT for an unknown or empty name, -ENOTDIR for a path
 * through a boot file, -EINVAL for bad flags, -ENFILE if the table is full.
 * Takes the file table lock. Returns the file (ref 1) and *err = 0, or
 * NULL and *err < 0.
 */
struct file *file_open(const char *path, int flags, int *err)
{
	const struct bootfile *b;
	const char *name;

	if ((flags & ~O_KNOWN) || (flags & O_ACCMODE) == O_ACCMODE) {
		*err = -EINVAL;
		return NULL;
	}
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
