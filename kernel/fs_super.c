// SPDX-License-Identifier: MIT
// Mounting: the superblock checked, the log replayed, the root checked, orphans freed.
#include "fs.h"
#include "fs_dir.h"
#include "fs_inode.h"
#include "fs_log.h"
#include "printk.h"
#include "../lib/errno.h"
#include "../lib/string.h"
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

/* The root must be a directory whose "." and ".." name itself. */
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
			if (err)
				fs_report("root: not a directory naming itself", FS_ROOTINO);
			inode_unlock(root);
		}
		inode_put(root);
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

void fs_get_stats(struct fs_stats *s)
{
	fs_log_stats(s);
	s->damage = damage;
}
