/* SPDX-License-Identifier: MIT */
/* Shared by the damaged-image tests: a reference image, copies of it to damage, checks. */
#pragma once
#include "fs_host.h"
#include <stdbool.h>

#define NBLOCKS 2048

/* The reference image: /d (a directory), /d/f (3 KiB), /big (80 KiB: it
 * reaches the double-indirect block), /g (100 bytes), /dev0 (a device). */
struct ref_image {
	uint8_t *img;
	struct fs_super sb;
	uint32_t d, f, big, g, dev;
};
extern struct ref_image ref;
/* The device under test: a fresh copy of ref after start(). */
extern struct memdev md;
/* fsck's messages from the last expect_fsck. */
extern char msgs[16384];

/* build_ref - make the reference image (once, before any test). */
void build_ref(void);
/* start - a fresh copy of the reference image on md. */
void start(void);
/* stop - unmount if mounted; nothing may have been written out of place. */
void stop(bool mounted);

/* blk - block b of md. */
uint8_t *blk(uint32_t b);
/* get_dinode/put_dinode - inode inum of md. */
void get_dinode(uint32_t inum, struct fs_dinode *d);
void put_dinode(uint32_t inum, const struct fs_dinode *d);
/* dirent_at - entry k of directory dir (in its first block). */
struct dirent *dirent_at(uint32_t dir, uint32_t k);
/* indirect_at - entry k of the indirect block of inum. */
uint32_t *indirect_at(uint32_t inum, uint32_t k);
/* set_bit - mark block b used (on) or free in the bitmap. */
void set_bit(uint32_t b, bool on);
/* reseal - write sb as the superblock, with a right checksum. */
void reseal(struct fs_super *sb);
/* plant_log - a committed transaction of count blocks, all copies of data
 * and aimed at target, target + 1, ...; good_csum false spoils the copies'
 * checksum. */
void plant_log(uint32_t target, uint32_t count, const uint8_t *data, bool good_csum);

/* expect_fsck - fsck says status, and (if want is set) a line containing want. */
void expect_fsck(int status, const char *want);
/* expect_mount - mounting gives err; the kernel's complaint contains why (if set). */
void expect_mount(int err, const char *why);
