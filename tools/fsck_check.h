/* SPDX-License-Identifier: MIT */
/* Checking a nagi file system image: fsck's engine, also used by the unit tests. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define FSCK_CLEAN 0    /* no problem found */
#define FSCK_BROKEN 1   /* inconsistencies (the kernel mounts it, but it is wrong) */
#define FSCK_UNUSABLE 2 /* the kernel would refuse to mount it */

#define FSCK_REPLAY 1   /* flag: install a committed log into the image */

/* What fsck_check found, besides its messages. */
struct fsck_result {
	int status;           /* FSCK_* */
	unsigned problems;    /* messages that were problems */
	bool replayed;        /* the log was installed into the image */
	uint32_t size, ninodes;
	uint32_t used_blocks; /* marked in the bitmap */
	uint32_t used_inodes; /* allocated */
	uint32_t files, dirs; /* reachable from / */
};

/* Where messages go: one line each, without a newline. */
typedef void (*fsck_say_fn)(void *arg, const char *msg);

/*
 * fsck_check - check the file system in img (nblocks blocks of FS_BSIZE):
 * the superblock, the log (a committed transaction is installed with
 * FSCK_REPLAY, else the image is checked as the kernel would see it after
 * replaying it, and the pending log is a problem), every inode (type,
 * size, block numbers), blocks used twice, directories (".", "..", names,
 * entries with bad or free inode numbers, directories linked twice), link
 * counts, unreachable and orphaned inodes, and the bitmap against the
 * blocks in use. Each problem goes to say (the first 200; then a count).
 * img is written only with FSCK_REPLAY. Returns res->status.
 */
int fsck_check(uint8_t *img, uint64_t nblocks, int flags, fsck_say_fn say, void *arg,
	       struct fsck_result *res);
