/* SPDX-License-Identifier: MIT */
/* Host helpers for the file system tests: a memory device that can record its writes. */
#pragma once
#include "kernel/fs/fs.h"
#include "tools/fsck_check.h"
#include <stddef.h>

#define JOURNAL_FLUSH UINT32_MAX /* a journal entry that is a flush */

/* One write (or flush) as the device saw it. */
struct jentry {
	uint32_t blockno;
	uint8_t *data; /* FS_BSIZE bytes; NULL for a flush */
};

/* A block device in host memory. */
struct memdev {
	struct fs_dev dev;
	uint8_t *data;          /* what reads see */
	uint64_t reads, writes, flushes;
	uint32_t fs_size;       /* writes at or past this, or to blocks 0-1, are wild */
	uint64_t wild;          /* how many wild writes were seen */
	long fail_reads_after;  /* >= 0: reads fail once this many more have passed */
	long fail_writes_after; /* >= 0: so do writes (nothing is written) */
	long fail_flushes_after; /* and flushes */
	bool record;            /* keep every write and flush in the journal */
	struct jentry *journal;
	size_t jlen, jcap;
};

/* memdev_init - a zeroed device of nblocks. memdev_free - release it. */
void memdev_init(struct memdev *m, uint32_t nblocks);
void memdev_free(struct memdev *m);
/* memdev_mkfs - format it (mkfs_format + mkfs_finish) with ninodes (0:
 * default); 0 or -E*. */
int memdev_mkfs(struct memdev *m, uint32_t ninodes);
/* memdev_plant_nlink - set inode ino's link count to n on m's unmounted
 * image, as a damaged disk would hold it. */
void memdev_plant_nlink(struct memdev *m, uint32_t ino, uint16_t n);
/* memdev_fsck - run the checker on the device's contents; the messages,
 * one per line, go to msgs (may be NULL). Returns the status. */
int memdev_fsck(struct memdev *m, int flags, struct fsck_result *r, char *msgs, size_t size);
/* memdev_mount_fresh - a new device of nblocks, formatted with ninodes
 * (0: default) and mounted. memdev_unmount_clean - the inode table's
 * lists right, unmounted, no wild write, fsck clean; then freed. Each
 * step is CHECKed (tests/unit/unit.h). */
void memdev_mount_fresh(struct memdev *m, uint32_t nblocks, uint32_t ninodes);
void memdev_unmount_clean(struct memdev *m);

/* put_file - make path hold exactly n bytes of data; 0 or -E*. */
int put_file(const char *path, const void *data, size_t n);
/* get_file - read path into buf (max bytes); its size or -E*. */
long get_file(const char *path, void *buf, size_t max);
/* path_stat - stat of path; 0 or -E*. */
int path_stat(const char *path, struct stat *st);
/* tree_hash - a hash of everything reachable from /: names, types, link
 * counts, sizes and contents, in name order. */
uint64_t tree_hash(void);
/* fill - n pseudo-random bytes from seed. */
void fill(void *buf, size_t n, uint64_t seed);
