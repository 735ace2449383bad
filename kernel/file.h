/* SPDX-License-Identifier: MIT */
/* Open files: the console, pipes, boot files and directories behind one
 * interface; per-process descriptor tables point into a global table. */
#pragma once
#include "../lib/abi.h"
#include "../lib/types.h"

#define NOFILE 16  /* descriptors per process */
#define NFILE 256  /* open files in the system */

struct file;
struct pipe;

/* What each kind of file does; NULL means the operation is refused. */
struct file_ops {
	/* read/write move user memory directly (uaddr is a user address);
	 * they return bytes moved or -E*. They may sleep. */
	long (*read)(struct file *f, uint64_t uaddr, uint64_t n);
	long (*write)(struct file *f, uint64_t uaddr, uint64_t n);
	int (*stat)(struct file *f, struct stat *st);
	void (*close)(struct file *f); /* last reference gone */
};

struct file {
	const struct file_ops *ops;
	int ref;           /* under the file table lock */
	bool readable, writable;
	uint64_t off;      /* read/write position, where it applies */
	void *priv;        /* the pipe, the boot file entry, ... */
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

/* file_open - open path with O_* flags: "console" (or "/dev/console"),
 * "/" (the directory of boot files), or a boot file. Returns a file or
 * an ERR_PTR-style NULL with *err set (-ENOENT, -EROFS, -EINVAL). */
struct file *file_open(const char *path, int flags, int *err);

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
/* console_set_foreground - the process group ^C kills (0: none). */
void console_set_foreground(int pgid);
