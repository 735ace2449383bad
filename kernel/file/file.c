// SPDX-License-Identifier: MIT
// Open files: the file table, checked calls through file_ops, shared offsets, file_open.
#include "file.h"
#include "kernel/fs/fs.h"
#include "kernel/printk.h"
#include "rootfs.h"
#include "kernel/spinlock.h"
#include "lib/errno.h"
#include "lib/string.h"

/*
 * The file table. A slot is free while its ref is 0. The lock also guards
 * every file's offset: a read or write reserves its range under it and
 * moves data outside it, so callers sharing a file never get the same
 * bytes twice.
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
 * its own locks and wake sleepers), and lets its inode go (may sleep).
 * Takes the file table lock.
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
	f->ip = NULL;
	spin_unlock(&ftable.lock);
	if (copy.ops->close)
		copy.ops->close(&copy);
	if (copy.ip)
		fs_iput(copy.ip);
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

/* file_stat - fill the kernel struct *st for f: 0 or -EINVAL. A file
 * opened through the file system (a device file too) shows its inode. */
int file_stat(struct file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	if (f->ip)
		return fs_stat(f->ip, st);
	if (!f->ops->stat)
		return -EINVAL;
	return f->ops->stat(f, st);
}

long file_lseek(struct file *f, long off, int whence)
{
	if (!f->ops->lseek)
		return -ESPIPE;
	return f->ops->lseek(f, off, whence);
}

int file_fsync(struct file *f)
{
	if (!f->ops->fsync)
		return -EINVAL;
	return f->ops->fsync(f);
}

/* ---- Shared offsets ---- */

uint64_t file_reserve(struct file *f, uint64_t n, uint64_t limit, uint64_t *off)
{
	uint64_t m;

	spin_lock(&ftable.lock);
	*off = f->off;
	m = *off < limit ? MIN(n, limit - *off) : 0;
	f->off += m;
	spin_unlock(&ftable.lock);
	return m;
}

void file_unreserve(struct file *f, uint64_t end, uint64_t to)
{
	spin_lock(&ftable.lock);
	if (f->off == end)
		f->off = to;
	spin_unlock(&ftable.lock);
}

void file_set_off(struct file *f, uint64_t off)
{
	spin_lock(&ftable.lock);
	f->off = off;
	spin_unlock(&ftable.lock);
}

long file_seek(struct file *f, long off, int whence, uint64_t size, uint64_t max, uint64_t align)
{
	long base, to;

	spin_lock(&ftable.lock);
	base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (long)f->off : (long)size;
	if ((whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) ||
	    __builtin_add_overflow(base, off, &to) || to < 0 || (uint64_t)to > max ||
	    (uint64_t)to % align)
		to = -EINVAL;
	else
		f->off = (uint64_t)to;
	spin_unlock(&ftable.lock);
	return to;
}

/*
 * file_open - check the flags, then ask the file system (when mounted)
 * or the boot file set. May sleep.
 */
struct file *file_open(struct inode *cwd, const char *path, int flags, int *err)
{
	struct inode *ip;

	if ((flags & ~O_KNOWN) || (flags & O_ACCMODE) == O_ACCMODE) {
		*err = -EINVAL;
		return NULL;
	}
	if (!rootfs_mounted())
		return bootfs_open(path, flags, err);
	if ((*err = fs_open(cwd, path, flags, &ip)) < 0)
		return NULL;
	return fsfile_open(ip, flags, err);
}

