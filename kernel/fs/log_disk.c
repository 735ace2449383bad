// SPDX-License-Identifier: MIT
// The log on the disk: how a closed group is committed and installed,
// and how mount recovers a committed run.
#include "log_state.h"
#include "fs.h"
#include "inode.h"
#include "lib/errno.h"
#include "lib/string.h"

/*
 * How a transaction reaches the disk (commit). The log area holds a run
 * of transactions since the last reset, and the header lists them all:
 *   1. the changed blocks are copied to the log, after the run's copies,
 *      in one command (a run of blocks); then a flush (which also makes
 *      the last commit's home writes durable)
 *   2. the header is written with the run's count: the commit point; flush
 *   3. each block is written home, not flushed, all sent before any is
 *      waited for: the next commit's step 1 flush, or a reset's, orders
 *      them before anything that relies on them. The group's calls
 *      return at 2 (their work is durable); the next commit waits for 3
 * When the run would not fit, a reset first: flush (every home write is
 * durable), the header with count 0, flush; the run starts again at the
 * log's first block. A crash before 2 leaves the old state: the header
 * still names the earlier run, whose copies are untouched, and every
 * transaction before it is home or in it; after 2 the new one (mount
 * installs the whole run again, in order: installing is idempotent). A
 * commit costs n + 4 device commands for n blocks (2n + 3 on a device
 * without write_run), and each block is checksummed once. A group's seq
 * seeds the run's checksum if it is the run's first.
 */

/* The header as written, and a block for recovery; static for the driver. */
static struct fs_loghead head __attribute__((aligned(FS_BSIZE)));
static uint8_t scratch[FS_BSIZE] __attribute__((aligned(FS_BSIZE)));
uint8_t log_stage[FS_LOGMAX][FS_BSIZE] __attribute__((aligned(FS_BSIZE)));

static int dev_write(uint32_t b, const void *data)
{
	return fslog.dev->ops->write(fslog.dev, b, data) < 0 ? -EIO : 0;
}

/* n consecutive blocks from b: one command if the device has write_run. */
static int dev_write_run(uint32_t b, uint32_t n, const uint8_t *data)
{
	const struct fs_dev_ops *o = fslog.dev->ops;
	if (o->write_run)
		return o->write_run(fslog.dev, b, n, data) < 0 ? -EIO : 0;
	for (uint32_t i = 0; i < n; i++)
		if (dev_write(b + i, data + (uint64_t)i * FS_BSIZE) < 0)
			return -EIO;
	return 0;
}

/* n blocks from data to blocks[]: all sent before any is waited for, if
 * the device has write_many. */
static int dev_write_many(uint32_t n, const uint32_t *blocks, const uint8_t *data)
{
	const struct fs_dev_ops *o = fslog.dev->ops;
	if (o->write_many)
		return n && o->write_many(fslog.dev, n, blocks, data) < 0 ? -EIO : 0;
	for (uint32_t i = 0; i < n; i++)
		if (dev_write(blocks[i], data + (uint64_t)i * FS_BSIZE) < 0)
			return -EIO;
	return 0;
}

static int dev_read(uint32_t b, void *data)
{
	return fslog.dev->ops->read(fslog.dev, b, data) < 0 ? -EIO : 0;
}

static int dev_flush(void)
{
	return fslog.dev->ops->flush(fslog.dev) < 0 ? -EIO : 0;
}

/* Write the header for count blocks (block[] and data_csum already set),
 * then flush. */
static int write_head(uint32_t count, uint64_t seq)
{
	head.magic = FS_LOG_MAGIC;
	head.count = count;
	head.seq = seq;
	head.head_csum = fs_loghead_csum(&head);
	if (dev_write(fslog.start, &head) < 0)
		return -EIO;
	return dev_flush();
}

/* Start a new run at the log's first block, seeded with seq: every home
 * write so far made durable, then an empty header. */
int log_reset_run(uint64_t seq)
{
	memset(head.block, 0, sizeof(head.block));
	head.data_csum = 0;
	if (dev_flush() < 0 || write_head(0, seq) < 0)
		return -EIO;
	fslog.run = 0;
	fslog.run_csum = fs_crc32(0, &seq, sizeof(seq));
	fslog.resets++;
	return 0;
}

/* Steps 1-2 above for the fslog.cn staged blocks. The n to be logged come
 * first in log_stage (commit_group), so their copies are one run of the log
 * and go out in one command; blocks marked home (fs_log_write_new) are
 * written home in step 1 instead, and need no copy. One commit runs at a
 * time (committing is set). */
int log_commit(void)
{
	uint32_t n = 0, at, c;

	for (uint32_t i = 0; i < fslog.cn; i++)
		n += !fslog.chome[i];
	if (fslog.run + n > fslog.cap && log_reset_run(fslog.seq) < 0)
		return -EIO;
	at = fslog.run;
	c = fslog.run_csum;
	if (dev_write_many(fslog.cn - n, &fslog.cblock[n], log_stage[n]) < 0)
		return -EIO;
	if (n && dev_write_run(fslog.start + 1 + at, n, log_stage[0]) < 0)
		return -EIO;
	for (uint32_t i = 0; i < n; i++) {
		c = fs_crc32(c, log_stage[i], FS_BSIZE);
		head.block[at + i] = fslog.cblock[i];
	}
	if (dev_flush() < 0)
		return -EIO;
	if (n == 0)
		return 0;
	head.data_csum = c;
	if (write_head(at + n, head.seq) < 0)
		return -EIO;
	fslog.run = at + n;
	fslog.run_csum = c;
	return 0;
}

/* Step 3 for the staged blocks that went through the log. */
int log_install(void)
{
	uint32_t n = 0;

	while (n < fslog.cn && !fslog.chome[n])
		n++;
	return dev_write_many(n, fslog.cblock, log_stage[0]);
}

/* Does the run in the log hold a copy of block b (mount would install it)? */
bool log_in_run(uint32_t b)
{
	for (uint32_t i = 0; i < fslog.run; i++)
		if (head.block[i] == b)
			return true;
	return false;
}

/* Check a committed header read at mount and its copies. 0 or -EUCLEAN. */
static int check_committed(void)
{
	uint32_t c = fs_crc32(0, &head.seq, sizeof(head.seq));

	if (head.count > fslog.cap) {
		fs_report("log: transaction larger than the log", head.count);
		return -EUCLEAN;
	}
	for (uint32_t i = 0; i < head.count; i++) {
		if (head.block[i] < fslog.lo || head.block[i] >= fslog.hi) {
			fs_report("log: block number out of range", head.block[i]);
			return -EUCLEAN;
		}
		if (dev_read(fslog.start + 1 + i, scratch) < 0)
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
		if (dev_read(fslog.start + 1 + i, scratch) < 0 ||
		    dev_write(head.block[i], scratch) < 0)
			return -EIO;
	if (dev_flush() < 0)
		return -EIO;
	return write_head(0, head.seq);
}

/* Read and act on the header at mount. */
int log_recover(void)
{
	int err;

	if (dev_read(fslog.start, &head) < 0)
		return -EIO;
	if (!fs_loghead_ok(&head)) {
		fs_report("log: header damaged (a torn write?), ignored", fslog.start);
		memset(&head, 0, sizeof(head));
		if ((err = write_head(0, 0)) < 0)
			return err;
	} else if (head.count) {
		if ((err = check_committed()) < 0 || (err = replay()) < 0)
			return err;
	}
	fslog.done = head.seq;
	fslog.seq = head.seq + 1;
	fslog.run = 0;
	fslog.run_csum = fs_crc32(0, &head.seq, sizeof(head.seq));
	return 0;
}
