// SPDX-License-Identifier: MIT
// The write-ahead log: group commit, crash recovery at mount.
#include "log.h"
#include "fs.h"
#include "cache.h"
#include "inode.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "lib/errno.h"
#include "lib/string.h"

/*
 * How a transaction reaches the disk (commit):
 *   1. each changed block is copied to the log area     then flush
 *   2. the header is written with count n: the commit point   flush
 *   3. each block is written home                        then flush
 *   4. the header is written with count 0                then flush
 * A crash before 2 leaves the old state, after 2 the new one (mount
 * replays 3). System calls join the open transaction until the last one
 * of the group ends and commits it; its seq numbers the group.
 */
static struct {
	struct spinlock lock;
	struct fs_dev *dev;
	uint32_t start;       /* the header block */
	uint32_t cap;         /* blocks the log holds */
	uint32_t maxop;       /* blocks each system call reserves */
	uint32_t lo, hi;      /* home blocks must lie in [lo, hi) */
	int outstanding;      /* system calls in the open transaction */
	bool committing;
	bool failed;          /* a commit failed: refuse everything */
	uint64_t seq;         /* the open transaction */
	uint64_t done;        /* the last durable transaction */
	uint32_t n;           /* blocks logged so far */
	uint32_t block[FS_LOGMAX];
	struct fs_buf *buf[FS_LOGMAX];
	uint64_t commits, logged;
	uint32_t peak;
} log = { .lock = SPINLOCK_INIT("fs_log") };

/* The header as written, and a block for recovery; static for the driver. */
static struct fs_loghead head __attribute__((aligned(FS_BSIZE)));
static uint8_t scratch[FS_BSIZE] __attribute__((aligned(FS_BSIZE)));

static int dev_write(uint32_t b, const void *data)
{
	return log.dev->ops->write(log.dev, b, data) < 0 ? -EIO : 0;
}

static int dev_read(uint32_t b, void *data)
{
	return log.dev->ops->read(log.dev, b, data) < 0 ? -EIO : 0;
}

static int dev_flush(void)
{
	return log.dev->ops->flush(log.dev) < 0 ? -EIO : 0;
}

/* Write the header for count blocks (block[] and data_csum already set),
 * then flush. */
static int write_head(uint32_t count, uint64_t seq)
{
	head.magic = FS_LOG_MAGIC;
	head.count = count;
	head.seq = seq;
	head.head_csum = fs_loghead_csum(&head);
	if (dev_write(log.start, &head) < 0)
		return -EIO;
	return dev_flush();
}

/* Steps 1-4 above for the log.n blocks of log.buf. No other system call
 * runs (committing is set), so the buffers cannot change under us. */
static int commit(void)
{
	uint32_t n = log.n, c = fs_crc32(0, &log.seq, sizeof(log.seq));

	for (uint32_t i = 0; i < n; i++) {
		if (dev_write(log.start + 1 + i, log.buf[i]->data) < 0)
			return -EIO;
		c = fs_crc32(c, log.buf[i]->data, FS_BSIZE);
		head.block[i] = log.block[i];
	}
	memset(&head.block[n], 0, (FS_LOGMAX - n) * sizeof(head.block[0]));
	head.data_csum = c;
	if (dev_flush() < 0 || write_head(n, log.seq) < 0)
		return -EIO;
	for (uint32_t i = 0; i < n; i++)
		if (dev_write(log.block[i], log.buf[i]->data) < 0)
			return -EIO;
	if (dev_flush() < 0 || write_head(0, log.seq) < 0)
		return -EIO;
	return 0;
}

/* Let the logged buffers go (after a commit, or when it failed). */
static void unpin_all(void)
{
	for (uint32_t i = 0; i < log.n; i++)
		fs_cache_unpin(log.buf[i]);
	log.n = 0;
}

int fs_log_begin(void)
{
	spin_lock(&log.lock);
	for (;;) {
		if (log.failed || !log.dev) {
			spin_unlock(&log.lock);
			return -EIO;
		}
		if (!log.committing && log.n + (log.outstanding + 1) * log.maxop <= log.cap)
			break;
		fs_wait(&log, &log.lock);
	}
	log.outstanding++;
	spin_unlock(&log.lock);
	return 0;
}

/* Commit the group as its last member; log lock held on entry and exit. */
static int commit_group(uint64_t mine)
{
	int err;

	log.committing = true;
	spin_unlock(&log.lock);
	err = log.n ? commit() : 0;
	spin_lock(&log.lock);
	if (log.n > log.peak)
		log.peak = log.n;
	if (log.n && !err) {
		log.commits++;
		log.logged += log.n;
	}
	unpin_all();
	log.committing = false;
	if (err)
		__atomic_store_n(&log.failed, true, __ATOMIC_RELEASE);
	else
		log.done = mine;
	log.seq++;
	fs_wake(&log);
	return err;
}

int fs_log_end(void)
{
	uint64_t mine;
	int err = 0;

	spin_lock(&log.lock);
	if (log.outstanding < 1 || log.committing)
		panic("fs_log_end: no transaction to end");
	log.outstanding--;
	mine = log.seq;
	if (log.outstanding == 0) {
		err = commit_group(mine);
	} else {
		fs_wake(&log); /* our reservation is free for others */
		while (log.done < mine && !log.failed)
			fs_wait(&log, &log.lock);
		err = log.done >= mine ? 0 : -EIO;
	}
	spin_unlock(&log.lock);
	if (err)
		kprintf("fs: commit failed, the file system is now refused\n");
	return err;
}

void fs_log_write(struct fs_buf *b)
{
	uint32_t i;

	spin_lock(&log.lock);
	if (log.outstanding < 1)
		panic("fs_log_write: block %u outside a transaction", b->blockno);
	for (i = 0; i < log.n; i++)
		if (log.block[i] == b->blockno)
			break;
	if (i == log.n) {
		if (log.n >= log.cap)
			panic("fs_log_write: transaction too big (%u blocks)", log.n);
		log.block[i] = b->blockno;
		log.buf[i] = b;
		log.n++;
		fs_cache_pin(b);
	}
	spin_unlock(&log.lock);
}

/* Check a committed header read at mount and its copies. 0 or -EUCLEAN. */
static int check_committed(void)
{
	uint32_t c = fs_crc32(0, &head.seq, sizeof(head.seq));

	if (head.count > log.cap) {
		fs_report("log: transaction larger than the log", head.count);
		return -EUCLEAN;
	}
	for (uint32_t i = 0; i < head.count; i++) {
		if (head.block[i] < log.lo || head.block[i] >= log.hi) {
			fs_report("log: block number out of range", head.block[i]);
			return -EUCLEAN;
		}
		if (dev_read(log.start + 1 + i, scratch) < 0)
			return -EIO;
		c = fs_crc32(c, scratch, FS_BSIZE);
	}
	if (c != head.data_csum) {
		fs_report("log: logged blocks fail their checksum", (uint32_t)head.seq);
		return -EUCLEAN;
	}
	return 0;
}

/* Install the checked committed transaction in head, then clear it. */
static int replay(void)
{
	for (uint32_t i = 0; i < head.count; i++)
		if (dev_read(log.start + 1 + i, scratch) < 0 ||
		    dev_write(head.block[i], scratch) < 0)
			return -EIO;
	if (dev_flush() < 0)
		return -EIO;
	return write_head(0, head.seq);
}

/* Read and act on the header at mount. */
static int recover(void)
{
	int err;

	if (dev_read(log.start, &head) < 0)
		return -EIO;
	if (head.magic != FS_LOG_MAGIC || head.head_csum != fs_loghead_csum(&head)) {
		fs_report("log: header damaged (a torn write?), ignored", log.start);
		memset(&head, 0, sizeof(head));
		if ((err = write_head(0, 0)) < 0)
			return err;
	} else if (head.count) {
		if ((err = check_committed()) < 0 || (err = replay()) < 0)
			return err;
	}
	log.done = head.seq;
	log.seq = head.seq + 1;
	return 0;
}

int fs_log_init(struct fs_dev *dev, const struct fs_super *sb)
{
	spin_lock(&log.lock);
	if (log.outstanding || log.committing) {
		spin_unlock(&log.lock);
		return -EBUSY;
	}
	log.dev = dev;
	log.start = sb->log_start;
	log.cap = sb->nlog - 1;
	log.maxop = FS_MAXOP(sb->data_start - sb->bmap_start);
	log.lo = sb->inode_start;
	log.hi = sb->size;
	log.n = 0;
	log.failed = false;
	spin_unlock(&log.lock);
	return recover();
}

int fs_log_error(void)
{
	return __atomic_load_n(&log.failed, __ATOMIC_ACQUIRE) ? -EIO : 0;
}

int fs_log_stop(void)
{
	int err = 0;

	spin_lock(&log.lock);
	if (log.outstanding || log.committing)
		err = -EBUSY;
	else
		log.dev = NULL;
	spin_unlock(&log.lock);
	return err;
}

void fs_log_stats(struct fs_stats *s)
{
	s->commits = log.commits;
	s->logged = log.logged;
	s->peak = log.peak;
	s->maxop = log.maxop;
	s->logcap = log.cap;
}
