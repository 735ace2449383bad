/* SPDX-License-Identifier: MIT */
/* Open files: the console, pipes, files and directories of the file system
 * (or of the boot file set) behind one interface; per-process descriptor
 * tables point into a global table. */
#pragma once
#include "lib/abi.h"
#include "lib/types.h"

#define O_ACCMODE 0x003 /* O_RDONLY, O_WRONLY or O_RDWR */
#define O_KNOWN (O_ACCMODE | O_CREATE | O_TRUNC | O_APPEND)

#define NOFILE 160 /* descriptors per process (seed 000: 128 fibers, a file each) */
#define NFILE 256  /* open files in the system */

struct file;
struct inode;
struct pipe;

/* What each kind of file does; NULL means the operation is refused. */
struct file_ops {
	/* read/write move user memory directly (uaddr is a user address);
	 * they return bytes moved or -E*. They may sleep. */
	long (*read)(struct file *f, uint64_t uaddr, uint64_t n);
	long (*write)(struct file *f, uint64_t uaddr, uint64_t n);
	int (*stat)(struct file *f, struct stat *st);
	/* lseek: the new offset or -E*; NULL: not seekable (-ESPIPE). */
	long (*lseek)(struct file *f, long off, int whence);
	/* fsync: 0 once what was written is durable; NULL: -EINVAL. */
	int (*fsync)(struct file *f);
	void (*close)(struct file *f); /* last reference gone */
	bool waits; /* read or write may wait for another program without
		     * bound (a pipe's other end, a person at the console) */
};

struct file {
	const struct file_ops *ops;
	int ref;           /* under the file table lock */
	bool readable, writable;
	bool append;       /* O_APPEND: every write goes to the end */
	bool dir;          /* a directory: read in whole struct dirents */
	uint64_t off;      /* read/write position, where it applies; table lock */
	void *priv;        /* the pipe, the boot file entry, ... */
	struct inode *ip;  /* the file system's inode (a reference), or NULL:
			    * fstat reports it, and the last close drops it */
};

/* file_alloc - a new file with ref 1, or NULL if the table is full. */
struct file *file_alloc(const struct file_ops *ops, void *priv, bool r, bool w);
/* file_dup - one more reference; returns f. */
struct file *file_dup(struct file *f);
/* file_close - drop a reference; the last one calls ops->close. */
void file_close(struct file *f);
/* file_read/file_write/file_stat - checked calls through ops: -EBADF if
 * the file was not opened for it. file_stat fills a kernel struct stat. */
long file_read(struct file *f, uint64_t uaddr, uint64_t n);
long file_write(struct file *f, uint64_t uaddr, uint64_t n);
int file_stat(struct file *f, struct stat *st);
/* file_lseek - move the offset (SEEK_SET/CUR/END): the new offset, or
 * -ESPIPE (console, pipe), -EINVAL (bad whence, a negative or too large
 * result). file_fsync - 0 once f's data is durable, -EINVAL if f has
 * nothing to sync to (console, pipe). */
long file_lseek(struct file *f, long off, int whence);
int file_fsync(struct file *f);

/* Offsets shared by readers and writers of one open file: a call takes a
 * range [*off, *off + len) under the file table lock and gives back what
 * it did not use, so two processes sharing an fd never get the same bytes.
 * file_reserve - take up to n bytes from f->off, at most to limit;
 * returns len. file_unreserve - the call used only [*off, to): move the
 * offset back from end to to, unless someone moved it since. */
uint64_t file_reserve(struct file *f, uint64_t n, uint64_t limit, uint64_t *off);
void file_unreserve(struct file *f, uint64_t end, uint64_t to);
/* file_set_off - f->off = off (an append's new end). */
void file_set_off(struct file *f, uint64_t off);
/* file_seek - lseek's arithmetic for a file of size bytes: the new offset
 * from (off, whence), which must fall in [0, max] and be a multiple of
 * align; -EINVAL otherwise. Sets f->off under the table lock. */
long file_seek(struct file *f, long off, int whence, uint64_t size, uint64_t max, uint64_t align);

/*
 * file_open - open path (relative to cwd; NULL or a leading '/': from /)
 * with O_* flags: through the file system when one is mounted (device
 * files of major MAJOR_CONSOLE are the console), else in the boot file
 * set (bootfs_open). Returns a file (ref 1) and *err = 0, or NULL and
 * *err < 0: -EINVAL for unknown flags, and fs_open's or bootfs_open's.
 */
struct file *file_open(struct inode *cwd, const char *path, int flags, int *err);
/* fsfile_open - a file for the file system inode ip (fs_open's
 * reference is taken over, and dropped on failure), opened with flags. */
struct file *fsfile_open(struct inode *ip, int flags, int *err);
/* bootfs_open - open path in the boot file set: "console" and
 * "/dev/console" are the console, "/" and "." (and any path of only "/",
 * "." and "..") the directory of boot files, other names a boot file.
 * Read-only: -EROFS for write access, O_CREATE or O_TRUNC. -ENOENT,
 * -ENOTDIR for a path through a boot file, -ENFILE if the table is full. */
struct file *bootfs_open(const char *path, int flags, int *err);

/* pipe_create - a pipe: *rd and *wr, or -ENFILE/-ENOMEM. */
int pipe_create(struct file **rd, struct file **wr);

/* The boot file set (tools/mkbootfs.sh) that exec loads programs from. */
struct bootfile {
	const char *name;
	const uint8_t *data;
	uint64_t size;
};
/* bootfs_lookup - the boot file named name (a leading '/' is ignored). */
const struct bootfile *bootfs_lookup(const char *name);
/* bootfs_count / bootfs_get - iterate over the boot file set. */
int bootfs_count(void);
const struct bootfile *bootfs_get(int i);

/* console_file_ops - the console as a file (kernel/console.c). */
extern const struct file_ops console_file_ops;
/* console_set_foreground - the process group ^C kills (0: none); returns
 * the one before. proc_fgset decides who may call it. */
int console_set_foreground(int pgid);
/* console_foreground - the process group ^C kills now (0: none). */
int console_foreground(void);
