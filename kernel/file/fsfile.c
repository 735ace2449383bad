// SPDX-License-Identifier: MIT
// Files of the file system: an open file holds an inode reference (f->ip); a device
// file opens its driver's file, which keeps the inode for fstat.
#include "kernel/console.h"
#include "file.h"
#include "kernel/fs/fs.h"
#include "lib/errno.h"

/* A directory reads in whole struct dirents, like the boot file set's. */
#define DIRENT_SIZE sizeof(struct dirent)

static long inode_file_read(struct file *f, uint64_t uaddr, uint64_t n)
{
	uint64_t off, m;
	long r;

	if (f->dir && (n = n / DIRENT_SIZE * DIRENT_SIZE) == 0)
		return -EINVAL;
	m = file_reserve(f, n, ~0UL, &off);
	r = fs_read(f->ip, true, uaddr, off, m);
	file_unreserve(f, off + m, off + (r > 0 ? (uint64_t)r : 0));
	return r;
}

/* A write at f->off, or (O_APPEND) at the end, in one piece with respect
 * to other appends, after which the offset is the end of what this write
 * wrote (not the file's end: another append may have followed it). */
static long inode_file_write(struct file *f, uint64_t uaddr, uint64_t n)
{
	uint64_t off, m, end;
	long r;

	if (f->append) {
		r = fs_append(f->ip, true, uaddr, n, &end);
		if (r > 0)
			file_set_off(f, end);
		return r;
	}
	m = file_reserve(f, n, ~0UL, &off);
	r = fs_write(f->ip, true, uaddr, off, m);
	file_unreserve(f, off + m, off + (r > 0 ? (uint64_t)r : 0));
	return r;
}

/* Any offset up to the largest file; a directory's must fall on an entry. */
static long inode_file_lseek(struct file *f, long off, int whence)
{
	struct stat st;
	long r = fs_stat(f->ip, &st);

	if (r < 0)
		return r;
	return file_seek(f, off, whence, st.size, FS_MAXBYTES, f->dir ? DIRENT_SIZE : 1);
}

/* Every file system call is durable when it returns (fs.h): a write has
 * already gone through the log and the device's flush. Nothing is left
 * to do, but a failed commit must be reported. */
static int inode_file_fsync(struct file *f)
{
	return fs_fsync(f->ip);
}

static const struct file_ops inode_file_ops = {
	.read = inode_file_read,
	.write = inode_file_write,
	.lseek = inode_file_lseek,
	.fsync = inode_file_fsync,
};

/* The null device: nothing to read, and anything can be written. */
static long null_read(struct file *f, uint64_t uaddr, uint64_t n)
{
	UNUSED(f), UNUSED(uaddr), UNUSED(n);
	return 0;
}

static long null_write(struct file *f, uint64_t uaddr, uint64_t n)
{
	UNUSED(f), UNUSED(uaddr);
	return (long)n;
}

static const struct file_ops null_ops = { .read = null_read, .write = null_write };

/* The driver's file behind a device file: the console or the null device. */
static struct file *open_device(struct inode *ip, bool r, bool w, int *err)
{
	int major, minor;
	struct file *f = NULL;

	*err = fs_getdev(ip, &major, &minor);
	if (*err == 0 && (major == MAJOR_CONSOLE || major == MAJOR_NULL)) {
		f = major == MAJOR_CONSOLE ? console_file_open(r, w)
					   : file_alloc(&null_ops, NULL, r, w);
		*err = f ? 0 : -ENFILE;
	} else if (*err == 0) {
		*err = -ENXIO; /* no driver for that major number */
	}
	if (f)
		f->ip = ip;
	else
		fs_iput(ip);
	return f;
}

/*
 * fsfile_open - a file for ip, readable and writable as flags say; a
 * device file becomes its driver's file. May sleep (fs_iput on failure).
 */
struct file *fsfile_open(struct inode *ip, int flags, int *err)
{
	int mode = flags & O_ACCMODE;
	bool r = mode != O_WRONLY, w = mode != O_RDONLY;
	struct file *f;
	struct stat st;

	if ((*err = fs_stat(ip, &st)) < 0) {
		fs_iput(ip);
		return NULL;
	}
	if (st.type == T_DEVICE)
		return open_device(ip, r, w, err);
	f = file_alloc(&inode_file_ops, NULL, r, w);
	if (!f) {
		*err = -ENFILE;
		fs_iput(ip);
		return NULL;
	}
	f->ip = ip;
	f->append = (flags & O_APPEND) != 0;
	f->dir = st.type == T_DIR;
	*err = 0;
	return f;
}
