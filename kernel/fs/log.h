/* SPDX-License-Identifier: MIT */
/* The file system's write-ahead log: atomic, durable system calls (xv6-style group commit). */
#pragma once
#include "lib/fs_format.h"
#include "lib/types.h"

struct fs_buf;
struct fs_dev;
struct fs_stats;

/*
 * fs_log_init - take over the log of the file system sb on dev at mount:
 * install a committed transaction if there is one (a crash came before
 * it was installed) and clear it. A header with a bad checksum is a torn
 * write and is ignored (and reported); a well-formed header naming
 * blocks outside [inode_start, size) or whose copies fail their checksum
 * is damage: -EUCLEAN, nothing written. -EIO on a device error. Mount
 * only (one thread, the cache not yet in use).
 */
int fs_log_init(struct fs_dev *dev, const struct fs_super *sb);

/* fs_log_stop - forget the log at unmount, leaving it empty on the disk;
 * -EBUSY inside a transaction, -EIO on a device error. Sleeps. */
int fs_log_stop(void);

/*
 * fs_log_begin - start a system call's transaction: waits (sleeping) while
 * a commit runs or the log has no room for FS_MAXOP more blocks. Returns
 * 0, -EIO if the log failed earlier (the file system is dead), or -EINTR
 * if the caller was killed while it waited.
 */
int fs_log_begin(void);
/* fs_log_begin_always - fs_log_begin that waits even for a killed caller
 * (never -EINTR): for work that must happen, like freeing an inode. */
int fs_log_begin_always(void);

/* fs_log_reserve - fs_log_begin for a call known to log at most blocks
 * blocks (capped at FS_MAXOP): more calls fit in one group. A call that
 * logs more than it reserved can overflow the log (a panic). */
int fs_log_reserve(uint32_t blocks);

/* fs_log_grow - add blocks (capped at FS_MAXOP) to the calling call's
 * reservation if the open group has room for them, never waiting: true
 * if it did. For work a call finds it must do only once inside (freeing
 * an inode whose last reference it dropped). Inside a transaction. */
bool fs_log_grow(uint32_t blocks);

/*
 * fs_log_end - end it. The last call of a group commits the group; the
 * others wait for that commit. Returns 0 once the call's changes are
 * durable, or -EIO if writing them failed (the file system then refuses
 * all further transactions). Takes the log lock; sleeps.
 */
int fs_log_end(void);

/*
 * fs_log_write - b (locked by the caller) was changed inside the current
 * transaction: it is pinned in the cache and written at commit, first to
 * the log, then home. A block written twice is logged once. Panics
 * outside a transaction or past the log's size (a broken FS_MAXOP bound).
 */
void fs_log_write(struct fs_buf *b);

/* fs_log_write_new - as fs_log_write, for a data block allocated in this
 * transaction: while it was free on the media at the last commit (no
 * free in this group) and no logged copy of it awaits a replay, nothing
 * on the media names it until the commit, so commit writes it straight
 * home before the commit point instead of through the log. */
void fs_log_write_new(struct fs_buf *b);
/* fs_log_freed - the transaction freed a block: from now until its group
 * commits, a block allocated may still be named on the media. */
void fs_log_freed(void);

/* fs_log_error - -EIO once a commit has failed (until the next mount),
 * else 0. No lock: a flag read. */
int fs_log_error(void);

/* fs_log_stats - fill the log's fields of *s. */
void fs_log_stats(struct fs_stats *s);
