/* SPDX-License-Identifier: MIT */
/* Building a nagi file system image in memory: mkfs's engine, also used by the unit tests. */
#pragma once
#include "lib/fs_format.h"
#include <stdint.h>

struct mkfs {
	uint8_t *img;        /* sb.size * FS_BSIZE bytes */
	struct fs_super sb;
	uint32_t next_block; /* blocks are handed out in order */
	uint32_t next_inum;
};

/* mkfs_format - an empty file system of size blocks in img (zeroed first):
 * superblock, empty log, root directory. ninodes 0 and nlog 0 pick the
 * defaults (mkfs_default_inodes, fs_default_nlog). 0, or -EINVAL if the
 * numbers do not make a valid layout. */
int mkfs_format(struct mkfs *m, uint8_t *img, uint32_t size, uint32_t ninodes, uint32_t nlog);
/* mkfs_default_inodes - one inode per 16 KiB, at least 64. */
uint32_t mkfs_default_inodes(uint32_t size);
/* mkfs_add - a new file (T_FILE, holding len bytes of data) or directory
 * (T_DIR, data unused) named name in directory dir; *inum (may be NULL)
 * gets its number. -EEXIST, -ENAMETOOLONG, -ENOSPC, -EFBIG, -EINVAL. */
int mkfs_add(struct mkfs *m, uint32_t dir, const char *name, uint16_t type, const void *data,
	     uint32_t len, uint32_t *inum);
/* mkfs_mknod - a device file for major/minor named name in dir; as mkfs_add. */
int mkfs_mknod(struct mkfs *m, uint32_t dir, const char *name, uint16_t major, uint16_t minor,
	       uint32_t *inum);
/* mkfs_lookup - the inode named name in directory dir: *inum (may be
 * NULL). 0 or -ENOENT. */
int mkfs_lookup(struct mkfs *m, uint32_t dir, const char *name, uint32_t *inum);
/* mkfs_type - the type of inode inum (0: free). */
uint16_t mkfs_type(struct mkfs *m, uint32_t inum);
/* mkfs_finish - write the bitmap; the image is complete. */
void mkfs_finish(struct mkfs *m);
