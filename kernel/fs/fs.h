/* SPDX-License-Identifier: MIT */
/* The file system's public interface: the block device it runs on, mount, paths, inodes. */
#pragma once
#include "lib/abi.h"
#include "lib/fs_format.h"
#include "lib/types.h"

/*
 * A block device as the file system sees it: FS_BSIZE-byte blocks,
 * synchronous calls that may sleep. In the kernel it is the pmem driver,
 * on the host a block of memory. Buffers passed in are the buffer cache's
 * (static kernel memory, FS_BSIZE-aligned).
 */
struct fs_dev;
struct fs_dev_ops {
	/* read/write - one block; 0 or a negative E* (-EIO). */
	int (*read)(struct fs_dev *d, uint32_t blockno, void *buf);
	int (*write)(struct fs_dev *d, uint32_t blockno, const void *buf);
	/* flush - every write that returned before is durable; 0 or -E*. */
	int (*flush)(struct fs_dev *d);
	/* write_run - count consecutive blocks from blockno, from buf, in one
	 * device command (the log's copies of a commit); 0 or -E*. Optional:
	 * without it the log writes them one by one. */
	int (*write_run)(struct fs_dev *d, uint32_t blockno, uint32_t count, const void *buf);
	/* write_many - n blocks from buf (block i's data at i * FS_BSIZE) to
	 * blocks[i], all sent before any is waited for (a commit's home
	 * writes); 0 or -E*. Optional, as write_run. */
	int (*write_many)(struct fs_dev *d, uint32_t n, const uint32_t *blocks, const void *buf);
};

struct fs_dev {
	const struct fs_dev_ops *ops;
	uint32_t nblocks; /* capacity in FS_BSIZE blocks */
	void *priv;       /* the driver's */
};

/* An in-memory inode; callers hold references (fs_root, fs_open, ...)
 * and give them back with fs_iput. */
struct inode;

/*
 * fs_mount - mount the file system on dev: check the superblock (-EINVAL:
 * not a nagi file system, or bigger than dev; -EUCLEAN: ours but damaged),
 * replay a committed log (-EUCLEAN if it is damaged), check the root
 * directory and free orphans (inodes with no links left by a crash).
 * -EIO on a device error, -EBUSY if mounted. Call before anything else,
 * from one thread. Returns 0 or one of those.
 */
int fs_mount(struct fs_dev *dev);

/* fs_unmount - forget the mounted file system (all is on disk already).
 * -EBUSY while any inode is referenced, else 0. For tests and shutdown. */
int fs_unmount(void);

/* fs_root - a new reference to /; NULL if nothing is mounted or the
 * inode table is full. */
struct inode *fs_root(void);
/* fs_idup - one more reference to ip; returns ip. */
struct inode *fs_idup(struct inode *ip);
/* fs_iput - drop a reference. The last reference to an inode with no
 * links frees it (in its own transaction). May sleep. */
void fs_iput(struct inode *ip);

/*
 * The path operations. A path starting with '/' starts at /, any other at
 * cwd (NULL: /). Components longer than DIRSIZ give -ENAMETOOLONG, a
 * non-directory inside a path -ENOTDIR, a missing one -ENOENT, damage
 * found on disk -EUCLEAN, a device error -EIO, no room -ENOSPC. Each is
 * one atomic transaction (0 or -E* means done or not done at all) and is
 * durable when it returns 0. They sleep and take inode and buffer locks.
 */

/* fs_open - the inode at path, as *ip (a new reference). flags: O_CREATE
 * makes a missing file (an existing file or device is fine, a directory
 * is -EISDIR), O_TRUNC empties a file, and opening a directory for
 * writing (O_WRONLY/O_RDWR) is -EISDIR. */
int fs_open(struct inode *cwd, const char *path, int flags, struct inode **ip);
/* fs_lookup - the inode at path, as *ip (a new reference): chdir, exec. */
int fs_lookup(struct inode *cwd, const char *path, struct inode **ip);
/* fs_mkdir - a new empty directory; -EEXIST if path exists. */
int fs_mkdir(struct inode *cwd, const char *path);
/* fs_mknod - a device file for major/minor; -EEXIST if path exists. */
int fs_mknod(struct inode *cwd, const char *path, int major, int minor);
/* fs_link - a second name new for the file old; -EEXIST if new exists,
 * -EPERM if old is a directory, -EMLINK at FS_MAXLINK (32767) links.
 * fs_mkdir gives -EMLINK too in a directory with that many. */
int fs_link(struct inode *cwd, const char *old, const char *new);
/* fs_unlink - remove the name path; a directory must be empty
 * (-ENOTEMPTY); "." and ".." are -EINVAL, "/" is -EBUSY. The inode goes
 * when its last link and last reference are gone. */
int fs_unlink(struct inode *cwd, const char *path);

/* Where fs_read puts bytes and fs_write takes them: a kernel address, or
 * (user) an address in the current process (copyin/copyout). */
#define FS_OFF_APPEND (~(uint64_t)0) /* fs_write: at the end of the file */

/* fs_read - up to n bytes at off into dst; bytes read (0 at the end), or
 * -E* (-EFAULT, -EIO, -EUCLEAN, -EINVAL for a device file). A killed
 * caller gets the bytes read up to the block where the kill was seen. A directory
 * reads as its struct dirent array. After a failed commit always -EIO:
 * the cache may hold changes that never reached the media. Takes ip's
 * lock. May sleep. */
long fs_read(struct inode *ip, bool user, uint64_t dst, uint64_t off, uint64_t n);
/* fs_write - n bytes from src at off (FS_OFF_APPEND: fs_append), in
 * transactions of up to FS_WRITE_BLOCKS blocks, each durable when it ends.
 * Returns bytes written (short if an error or a kill stopped it after
 * some: a kill is seen at each block), or -E*: -ENOSPC, -EFBIG past
 * FS_MAXBYTES, -EISDIR, -EINVAL (device), -EFAULT, -EINTR (killed before
 * the first byte). */
long fs_write(struct inode *ip, bool user, uint64_t src, uint64_t off, uint64_t n);
/* fs_append - fs_write at the end of the file, in one piece with respect to
 * other appends: it holds ip's append lock across its transactions, and
 * the pieces after the first follow it, wherever the end has got to.
 * *end (if not NULL, and bytes were written): just past the last byte
 * written, for the file offset. Takes the append lock, then as fs_write. */
long fs_append(struct inode *ip, bool user, uint64_t src, uint64_t n, uint64_t *end);
/* fs_fsync - make what was written through ip durable: every call already
 * is when it returns (its transaction has committed), so this only says
 * whether that still holds: 0, or -EIO once a commit has failed (the last
 * changes may not be on the media, and the file system refuses more). */
int fs_fsync(struct inode *ip);
/* fs_stat - type, links, size and inode number of ip; 0 or -E*. */
int fs_stat(struct inode *ip, struct stat *st);
/* fs_getdev - a device file's major and minor; 0, or -EINVAL if ip is no
 * device file. */
int fs_getdev(struct inode *ip, int *major, int *minor);

/* fs_statfs - size and free space of the mounted file system: blocks
 * and inodes, counted from the bitmap and the inode table (a snapshot:
 * calls running meanwhile may or may not be counted). Takes buffer locks;
 * may sleep. 0, -ENXIO (nothing mounted) or -EIO. */
int fs_statfs(struct statfs *st);

/* Counters for tests. */
struct fs_stats {
	uint64_t commits;      /* transactions written to disk */
	uint64_t logged;       /* blocks written through the log */
	uint64_t resets;       /* times the log's run filled and started again */
	uint32_t peak;         /* most blocks one commit held */
	uint32_t maxop;        /* blocks each system call reserves */
	uint32_t logcap;       /* blocks the log holds */
	uint64_t damage;       /* times damage on disk was found and refused */
	uint64_t commit_ns;    /* the commits' time from close to commit point */
	uint64_t home_ns;      /* ... from commit point to their blocks home */
	uint64_t open_ns;      /* ... from their group's first call to its close */
};
/* fs_get_stats - a snapshot of the counters (racy reads). */
void fs_get_stats(struct fs_stats *s);
