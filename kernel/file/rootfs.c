// SPDX-License-Identifier: MIT
// The root file system: a block device over the pmem driver, and the mount at boot.
#include "rootfs.h"
#include "kernel/fs/cache.h"
#include "kernel/machine.h"
#include "kernel/printk.h"
#include "kernel/proc/sched.h"
#include "drivers/pmem/pmem.h"
#include "lib/errno.h"
#include "lib/string.h"

static bool mounted;
static struct fs_dev root_dev;

/* The device can only reach identity-mapped RAM; anything else (a kernel
 * stack) goes through this block, one user at a time. */
static uint8_t bounce[FS_BSIZE] __attribute__((aligned(FS_BSIZE)));
static struct fs_sleeplock bounce_lock = { .lk = SPINLOCK_INIT("rootfs.bounce") };

/* Can the device move a block at buf: in RAM (mapped one to one) and
 * 8-byte aligned? */
static bool reachable(const void *buf)
{
	uint64_t a = (uint64_t)buf;
	return a >= machine.mem_base && a + FS_BSIZE <= machine_mem_end() && a % 8 == 0;
}

/* One pmem command on block b of d (whose priv is its first media block);
 * any failure is -EIO for the file system. */
static int command(struct fs_dev *d, int op, uint32_t b, void *buf)
{
	uint64_t first = (uint64_t)d->priv;
	int err;

	if (b >= d->nblocks)
		return -EIO;
	if (reachable(buf))
		return pmem_rw(op, first + b, 1, buf) < 0 ? -EIO : 0;
	fs_sleep_lock(&bounce_lock);
	if (op == PMEM_OP_WRITE)
		memcpy(bounce, buf, FS_BSIZE);
	err = pmem_rw(op, first + b, 1, bounce);
	if (op == PMEM_OP_READ && err == 0)
		memcpy(buf, bounce, FS_BSIZE);
	fs_sleep_unlock(&bounce_lock);
	return err < 0 ? -EIO : 0;
}

static int dev_read(struct fs_dev *d, uint32_t b, void *buf)
{
	return command(d, PMEM_OP_READ, b, buf);
}

static int dev_write(struct fs_dev *d, uint32_t b, const void *buf)
{
	return command(d, PMEM_OP_WRITE, b, (void *)buf);
}

/* FLUSH ignores its buffer, but the driver wants one in RAM. */
static int dev_flush(struct fs_dev *d)
{
	static uint8_t dummy[8] __attribute__((aligned(8)));
	UNUSED(d);
	return pmem_rw(PMEM_OP_FLUSH, 0, 1, dummy) < 0 ? -EIO : 0;
}

/* The log's copies of a commit: one command for the run (stage[] is
 * static, so reachable and contiguous). */
static int dev_write_run(struct fs_dev *d, uint32_t b, uint32_t count, const void *buf)
{
	uint64_t first = (uint64_t)d->priv;

	if (b >= d->nblocks || count > d->nblocks - b || count > PMEM_MAX_BLOCKS)
		return -EIO;
	if (!reachable(buf) || !reachable((const uint8_t *)buf + (uint64_t)(count - 1) * FS_BSIZE)) {
		for (uint32_t i = 0; i < count; i++)
			if (dev_write(d, b + i, (const uint8_t *)buf + (uint64_t)i * FS_BSIZE) < 0)
				return -EIO;
		return 0;
	}
	return pmem_rw(PMEM_OP_WRITE, first + b, count, (void *)buf) < 0 ? -EIO : 0;
}

/* A commit's home writes: every command submitted, then each waited
 * for, so the device works through them behind one wait. A full queue
 * waits for our oldest. buf is the log's static stage: reachable. */
static int dev_write_many(struct fs_dev *d, uint32_t n, const uint32_t *blocks, const void *buf)
{
	uint64_t first = (uint64_t)d->priv;
	int id[FS_LOGMAX], err = 0;
	uint32_t sent = 0, waited = 0;

	if (n > FS_LOGMAX)
		return -EIO;
	while (sent < n && !err) {
		const uint8_t *data = (const uint8_t *)buf + (uint64_t)sent * FS_BSIZE;
		if (blocks[sent] >= d->nblocks || !reachable(data)) {
			err = -EIO;
			break;
		}
		id[sent] = pmem_submit(PMEM_OP_WRITE, first + blocks[sent], 1, (uint64_t)data);
		if (id[sent] >= 0)
			sent++;
		else if (id[sent] != -EAGAIN)
			err = -EIO;
		else if (waited < sent)
			err = pmem_wait(id[waited++]) < 0 ? -EIO : 0;
		else
			sched_yield(); /* the queue is full of others' commands */
	}
	while (waited < sent) /* every id is waited for, error or not */
		if (pmem_wait(id[waited++]) < 0)
			err = -EIO;
	return err;
}

static const struct fs_dev_ops pmem_fs_ops = {
	.read = dev_read,
	.write = dev_write,
	.flush = dev_flush,
	.write_run = dev_write_run,
	.write_many = dev_write_many,
};

void rootfs_pmem_dev(struct fs_dev *d, uint64_t first, uint32_t nblocks)
{
	*d = (struct fs_dev){ .ops = &pmem_fs_ops, .nblocks = nblocks, .priv = (void *)first };
}

/* What a refused mount means, for the console line. */
static const char *why(int err)
{
	switch (err) {
	case -EINVAL: return "no nagi file system on the media";
	case -EUCLEAN: return "the file system is damaged";
	case -EIO: return "the device failed";
	default: return "it could not be mounted";
	}
}

/* The banner line of a mounted file system. */
static void say_mounted(void)
{
	struct statfs st;

	if (fs_statfs(&st) < 0) {
		kprintf("fs: / mounted on pmem\n");
		return;
	}
	kprintf("fs: / mounted on pmem: %lu blocks of %u B, %lu free; %lu inodes, %lu free\n",
		st.blocks, st.bsize, st.bfree, st.files, st.ffree);
}

int rootfs_mount(void)
{
	uint64_t cap = pmem_capacity();
	int err;

	if (cap <= PMEM_TEST_BLOCKS) {
		kprintf("fs: no pmem device, nothing mounted: programs come from the boot "
			"file set (read-only)\n");
		return -ENXIO;
	}
	rootfs_pmem_dev(&root_dev, 0, (uint32_t)MIN(cap - PMEM_TEST_BLOCKS, 0xffffffffUL));
	err = fs_mount(&root_dev);
	if (err < 0) {
		kprintf("fs: not mounting the pmem file system: %s (%s). Programs come from "
			"the boot file set (read-only); `make pmem-reset` makes a new image.\n",
			why(err), errno_name(-err));
		return err;
	}
	__atomic_store_n(&mounted, true, __ATOMIC_RELEASE);
	say_mounted();
	return 0;
}

bool rootfs_mounted(void)
{
	return __atomic_load_n(&mounted, __ATOMIC_ACQUIRE);
}
