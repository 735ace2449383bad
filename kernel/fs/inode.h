/* SPDX-License-Identifier: MIT */
/* Inodes, block maps and the mounted superblock: the file system's internals, below paths. */
#pragma once
#include "cache.h"
#include "lib/fs_format.h"
#include "lib/types.h"

/* The mounted file system's superblock (fs/super.c); fixed while mounted. */
extern struct fs_super fs_sb;

/* fs_report - damage found on disk: what, and the inode or block number.
 * Counted (fs_stats.damage); printed in the kernel, kept in
 * fs_last_damage on the host. Any context. */
void fs_report(const char *what, uint32_t n);
extern char fs_last_damage[96];

/* fs_block_ok - is b a data block of the mounted file system? */
static inline bool fs_block_ok(uint32_t b)
{
	return b >= fs_sb.data_start && b < fs_sb.size;
}

#define FS_NINODE 256 /* in-memory inodes: open files, cwds, path walks */

/* An in-memory inode. inum, ref and next are under the inode table's
 * lock; the rest under lock, and d is the disk inode only while valid. */
struct inode {
	uint32_t inum;
	int ref;
	struct inode *next; /* referenced: inum's hash chain; else the free list */
	struct fs_sleeplock lock;
	struct fs_sleeplock append; /* an O_APPEND write, across its transactions */
	bool valid;
	uint32_t gen;     /* a directory: one more at each entry written */
	struct fs_dinode d;
};

/* inode_reset - forget every in-memory inode at mount; -EBUSY if one is
 * still referenced (unmount). Inode table lock. */
int inode_reset(void);
/* inode_get - a reference to inode inum, not locked and not read yet.
 * -EUCLEAN if inum is out of range, -ENFILE if the table is full.
 * Inode table lock; constant time (a hash of the referenced inodes). */
int inode_get(uint32_t inum, struct inode **ip);
/* inode_table_check - the table's lists against the references: every
 * referenced inode on its inum's hash chain, once, and no other inum
 * twice; every other one on the free list. NULL if so, else what is
 * wrong. Inode table lock; for tests. */
const char *inode_table_check(void);
/* inode_dup - one more reference. */
struct inode *inode_dup(struct inode *ip);
/* inode_lock - lock ip, reading it from disk the first time and checking
 * it (a used type, links, size, block numbers in range): 0, -EIO,
 * -EUCLEAN, or -EINTR if the caller was killed while it waited (not
 * locked then). Sleeps. */
int inode_lock(struct inode *ip);
/* inode_trylock - inode_lock if ip's lock is free, else -EBUSY at once:
 * for taking a second inode lock while holding one. */
int inode_trylock(struct inode *ip);
/* inode_lock_always - inode_lock that waits even for a killed caller
 * (never -EINTR): to undo a change already made. */
int inode_lock_always(struct inode *ip);
/* inode_unlock - unlock ip. */
void inode_unlock(struct inode *ip);
/* inode_put - drop a reference; the last one of an inode without links
 * frees its blocks and the inode, in the caller's transaction if it can
 * grow to hold that (fs_log_grow), else after it: a caller that may drop
 * such a reference calls inode_reap_deferred once its transaction ended.
 * Inside a transaction, ip unlocked. */
void inode_put(struct inode *ip);
/* inode_put_outside - inode_put outside any transaction: an inode it
 * would free is always left for inode_reap_deferred. */
void inode_put_outside(struct inode *ip);
/* inode_reap_deferred - free the inodes inode_put left for later, each in
 * a transaction of its own. Outside any transaction, no inode locked;
 * sleeps. A failure leaves the inode an orphan for the next mount. */
void inode_reap_deferred(void);
/* inode_unlock_put - inode_unlock then inode_put. */
void inode_unlock_put(struct inode *ip);
/* inode_update - write ip->d (locked) through the log; 0 or -EIO. */
int inode_update(struct inode *ip);
/* inode_alloc - a new inode of type, zeroed, nlink 0, returned locked;
 * -ENOSPC when all are used. Inside a transaction. */
int inode_alloc(uint16_t type, struct inode **ip);
/* inode_reap_orphans - free inodes with no links (a crash came while
 * they were open); mount only. Returns how many, or -E*. */
int inode_reap_orphans(void);
/* inode_read - up to n bytes at off to dst (user: in the process); bytes
 * read or -E*. A kill stops it after the block it is in (a short count).
 * ip locked. */
long inode_read(struct inode *ip, bool user, uint64_t dst, uint64_t off, uint64_t n);
/* inode_write - n bytes from src at off, spanning at most FS_WRITE_BLOCKS
 * blocks; ip locked, inside a transaction. Bytes written (short after an
 * error, or after a block when the caller is killed) or -E*. */
long inode_write(struct inode *ip, bool user, uint64_t src, uint64_t off, uint64_t n);

/* bmap - the disk block holding block bn of ip (locked): *out, 0 for a
 * hole unless alloc is set, in which case missing blocks (and indirect
 * blocks) are allocated zeroed inside the caller's transaction. 0, or
 * -ENOSPC (nothing allocated), -EFBIG, -EUCLEAN (a block number out of
 * range), -EIO. */
int bmap(struct inode *ip, uint32_t bn, bool alloc, uint32_t *out);
/* bmap_trunc - free every block of ip (locked) and set its size to 0, in
 * the caller's transaction. Damaged block numbers are skipped (and
 * reported). 0 or the first error. */
int bmap_trunc(struct inode *ip);
/* bmap_alloc - a free data block, marked used and zeroed through the log
 * (data: it will hold a file's or directory's bytes, not block numbers):
 * *out. 0, -ENOSPC or -EIO. bmap_free - mark b free; -EUCLEAN if b is no
 * data block or already free. Inside a transaction. */
int bmap_alloc(uint32_t *out, bool data);
int bmap_free(uint32_t b);
