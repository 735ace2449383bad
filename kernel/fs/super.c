// SPDX-License-Identifier: MIT
// Mounting: the superblock checked, the log replayed, the root checked, orphans freed.
#include "fs.h"
#include "dir.h"
#include "inode.h"
#include "log.h"
#include "kernel/printk.h"
#include "lib/errno.h"
#include "lib/string.h"
#ifdef NAGI_HOSTED
#include <stdio.h>
#endif

struct fs_super fs_sb;
char fs_last_damage[96];
static uint64_t damage;
static bool mounted;

void fs_report(const char *what, uint32_t n)
{
	damage++;
#ifdef NAGI_HOSTED
	snprintf(fs_last_damage, sizeof(fs_last_damage), "%s (%u)", what, n);
#else
	kprintf("fs: %s (%u)\n", what, n);
#endif
}

/* Read and check the superblock of dev into fs_sb. */
static int read_super(struct fs_dev *dev)
{
	static uint8_t block[FS_BSIZE] __attribute__((aligned(FS_BSIZE)));
	struct fs_super sb;

	if (dev->nblocks <= FS_SB_BLOCK)
		return -EINVAL;
	if (dev->ops->read(dev, FS_SB_BLOCK, block) < 0)
		return -EIO;
	memcpy(&sb, block, sizeof(sb));
	switch (fs_super_check(&sb)) {
	case -1:
		fs_report("superblock: not a nagi file system", FS_SB_BLOCK);
		return -EINVAL;
	case -2:
		fs_report("superblock: damaged", FS_SB_BLOCK);
		return -EUCLEAN;
	}
	if (sb.size > dev->nblocks) {
		fs_report("superblock: file system bigger than the device", sb.size);
		return -EINVAL;
	}
	fs_sb = sb;
	return 0;
}

/* The root must be a directory whose "." and ".." name itself. Whatever
 * stops us finding them (no entries: -ENOENT, a bad inode number, ...) is
 * damage, -EUCLEAN; only a device error stays -EIO. */
static int check_root(void)
{
	struct inode *root, *ip;
	int err = fs_log_begin();

	if (err)
		return err;
	if ((err = inode_get(FS_ROOTINO, &root)) == 0) {
		if ((err = inode_lock(root)) == 0) {
			if (root->d.type != T_DIR)
				err = -EUCLEAN;
			for (int i = 0; i < 2 && !err; i++) {
				if ((err = dir_lookup(root, i ? ".." : ".", NULL, &ip)) == 0) {
					err = ip == root ? 0 : -EUCLEAN;
					inode_put(ip);
				}
			}
			inode_unlock(root);
		}
		inode_put(root);
	}
	if (err && err != -EIO) {
		fs_report("root: not a directory naming itself", FS_ROOTINO);
		err = -EUCLEAN;
	}
	int e = fs_log_end();
	return err ? err : e;
}

int fs_mount(struct fs_dev *dev)
{
	int err;

	if (mounted)
		return -EBUSY;
	if ((err = read_super(dev)) < 0)
		return err;
	if ((err = fs_cache_init(dev, fs_sb.size)) < 0 || (err = inode_reset()) < 0)
		return err;
	if ((err = fs_log_init(dev, &fs_sb)) < 0)
		goto fail;
	if ((err = check_root()) < 0 || (err = inode_reap_orphans()) < 0)
		goto fail;
	mounted = true;
	return 0;
fail:
	inode_reset();
	fs_log_stop();
	fs_cache_init(NULL, 0);
	memset(&fs_sb, 0, sizeof(fs_sb));
	return err;
}

int fs_unmount(void)
{
	int err;

	if (!mounted)
		return -EINVAL;
	if ((err = inode_reset()) < 0 || (err = fs_log_stop()) < 0)
		return err;
	fs_cache_init(NULL, 0);
	memset(&fs_sb, 0, sizeof(fs_sb));
	mounted = false;
	return 0;
}

struct inode *fs_root(void)
{
	struct inode *ip;

	return mounted && inode_get(FS_ROOTINO, &ip) == 0 ? ip : NULL;
}

/* How many of the blocks [first, end) the bitmap marks free. */
static int free_blocks(uint32_t first, uint32_t end, uint64_t *n)
{
	struct fs_buf *bp = NULL;
	uint32_t held = 0;
	int err = 0;

	*n = 0;
	for (uint32_t b = first; b < end && !err; b++) {
		uint32_t bb = fs_sb.bmap_start + b / FS_BPB, bit = b % FS_BPB;
		if (!bp || held != bb) {
			if (bp)
				fs_cache_put(bp);
			bp = NULL;
			if ((err = fs_cache_get(bb, &bp)) < 0)
				break;
			held = bb;
		}
		*n += !(bp->data[bit / 8] & (1u << (bit % 8)));
	}
	if (bp)
		fs_cache_put(bp);
	return err;
}

/* How many inodes (1 to ninodes - 1) are free: type 0. */
static int free_inodes(uint64_t *n)
{
	struct fs_dinode d;
	struct fs_buf *bp;
	int err;

	*n = 0;
	for (uint32_t ib = 0; ib * FS_IPB < fs_sb.ninodes; ib++) {
		if ((err = fs_cache_get(fs_sb.inode_start + ib, &bp)) < 0)
			return err;
		for (uint32_t i = 0; i < FS_IPB; i++) {
			uint32_t inum = ib * FS_IPB + i;
			memcpy(&d, bp->data + i * sizeof(d), sizeof(d));
			*n += inum >= 1 && inum < fs_sb.ninodes && d.type == 0;
		}
		fs_cache_put(bp);
	}
	return 0;
}

int fs_statfs(struct statfs *st)
{
	int err;

	if (!mounted)
		return -ENXIO;
	memset(st, 0, sizeof(*st));
	st->bsize = FS_BSIZE;
	st->blocks = fs_sb.size;
	st->files = fs_sb.ninodes - 1;
	st->data_start = fs_sb.data_start;
	if ((err = free_blocks(fs_sb.data_start, fs_sb.size, &st->bfree)) < 0)
		return err;
	return free_inodes(&st->ffree);
}

void fs_get_stats(struct fs_stats *s)
{
	fs_log_stats(s);
	s->damage = damage;
}
