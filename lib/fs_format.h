/* SPDX-License-Identifier: MIT */
/* The nagi file system's on-disk format, defined once for the kernel, mkfs and fsck. */
#pragma once
#include "abi.h"
#include "types.h"
#include "fs_crc.h"

/*
 * Disk layout. A file system block is one 512-byte pmem block, so one block
 * write is one device command. Every number on disk is little-endian.
 *
 *   block 0              boot block: unused, zero
 *   block 1              superblock (struct fs_super, rest of the block zero)
 *   log_start = 2        log header (struct fs_loghead)      \  the log:
 *   log_start + 1 ...    copies of the logged blocks, in order /  nlog blocks
 *   inode_start          inodes, FS_IPB (8) per block; inode 0 is never
 *                        used (inum 0 marks a free directory slot), 1 is /
 *   bmap_start           free-block bitmap: bit b%8 of byte b/8 is block b,
 *                        1 = in use; every block below data_start is in use
 *   data_start ... size-1  data blocks: file contents, directories,
 *                        indirect blocks
 *
 * Everything after the superblock follows from (size, ninodes, nlog) by
 * fs_layout(), so a reader recomputes the layout and compares it.
 */
#define FS_BSIZE 512
#define FS_MAGIC "NAGIFS01" /* 8 bytes, no NUL */
#define FS_VERSION 1
#define FS_SB_BLOCK 1
#define FS_LOG_START 2
#define FS_ROOTINO 1

/* Block addresses in an inode: 11 direct, one single-indirect block of 128,
 * one double-indirect block of 128 indirect blocks: up to 16523 blocks. */
#define FS_NDIRECT 11
#define FS_NINDIRECT (FS_BSIZE / 4)
#define FS_MAXFILE (FS_NDIRECT + FS_NINDIRECT + FS_NINDIRECT * FS_NINDIRECT)
#define FS_MAXBYTES ((uint64_t)FS_MAXFILE * FS_BSIZE) /* 8,459,776 bytes */

#define FS_IPB (FS_BSIZE / 64)     /* inodes per block */
#define FS_BPB (FS_BSIZE * 8)      /* bitmap bits per block */
#define FS_DPB (FS_BSIZE / 32)     /* directory entries per block */

/*
 * The log. One transaction holds at most FS_LOGMAX blocks (what the header
 * can list). A system call reserves at most FS_MAXOP blocks of it: 24 for
 * inodes, directory and indirect blocks and up to 16 data blocks of one
 * write, plus every bitmap block, since freeing a big file may touch all of
 * them. The log must hold at least one such call, which caps the size of
 * a file system at FS_MAXBLOCKS (196 MiB; the pmem device has 64 MiB).
 */
#define FS_LOGMAX 122
#define FS_OPBASE 24
#define FS_WRITE_BLOCKS 16 /* data blocks one write transaction may touch */
#define FS_MAXOP(nbitmap) (FS_OPBASE + (nbitmap))
#define FS_MAXBLOCKS ((FS_LOGMAX - FS_OPBASE) * FS_BPB)
#define FS_MAXINODES (1u << 20)
#define FS_LOG_MAGIC 0x474f4c4eu /* "NLOG" */

/* The superblock, at the start of block 1. */
struct fs_super {
	char magic[8];        /*  0 FS_MAGIC */
	uint32_t version;     /*  8 FS_VERSION */
	uint32_t size;        /* 12 blocks in the file system */
	uint32_t ninodes;     /* 16 inodes, counting the unused inode 0 */
	uint32_t nlog;        /* 20 log blocks, the header included */
	uint32_t log_start;   /* 24 FS_LOG_START */
	uint32_t inode_start; /* 28 first inode block */
	uint32_t bmap_start;  /* 32 first bitmap block */
	uint32_t data_start;  /* 36 first data block */
	uint32_t csum;        /* 40 fs_crc32 of bytes [0, 40) */
	uint32_t pad;         /* 44 zero */
};
_Static_assert(sizeof(struct fs_super) == 48, "fs_super");
_Static_assert(offsetof(struct fs_super, size) == 12, "fs_super.size");
_Static_assert(offsetof(struct fs_super, data_start) == 36, "fs_super.data_start");
_Static_assert(offsetof(struct fs_super, csum) == 40, "fs_super.csum");

/*
 * An inode. type 0 is a free inode, and a free inode is all zero. nlink
 * counts every directory entry naming the inode, "." and ".." included:
 * a directory has 2 + its subdirectories. A block address is 0 (none)
 * or a data block number; blocks past the size are always 0.
 */
struct fs_dinode {
	uint16_t type;               /*  0 0, T_DIR, T_FILE or T_DEVICE */
	uint16_t nlink;              /*  2 */
	uint16_t major;              /*  4 T_DEVICE: which device */
	uint16_t minor;              /*  6 */
	uint32_t size;               /*  8 bytes */
	uint32_t addrs[FS_NDIRECT];  /* 12 blocks 0..10 of the file */
	uint32_t indirect;           /* 56 block of the next FS_NINDIRECT addresses */
	uint32_t dindirect;          /* 60 block of FS_NINDIRECT indirect blocks */
};
/* The most links an inode may have: struct stat's nlink is an int16_t, and
 * a count above this would show as negative. */
#define FS_MAXLINK 32767
_Static_assert(sizeof(struct fs_dinode) == 64, "fs_dinode");
_Static_assert(offsetof(struct fs_dinode, addrs) == 12, "fs_dinode.addrs");
_Static_assert(offsetof(struct fs_dinode, indirect) == 56, "fs_dinode.indirect");
_Static_assert(FS_BSIZE % sizeof(struct fs_dinode) == 0, "inodes fill a block");
_Static_assert(FS_MAXBYTES >= (8u << 20), "an 8 MiB file fits");

/* A directory is an array of struct dirent (lib/abi.h, 32 bytes): inum 0
 * is a free slot. Entry 0 is "." (the directory), entry 1 is ".." (its
 * parent; the root's is itself). A directory's size is a multiple of 32. */
_Static_assert(sizeof(struct dirent) * FS_DPB == FS_BSIZE, "dirents fill a block");

/*
 * The log header, block log_start. count > 0 with both checksums right is
 * a committed transaction: block i of the log (log_start + 1 + i) belongs
 * at block[i]. The header is written only after the copies are durable and
 * cleared (count 0) only after they are installed.
 */
struct fs_loghead {
	uint32_t magic;             /*  0 FS_LOG_MAGIC */
	uint32_t count;             /*  4 blocks in the transaction; 0: none */
	uint64_t seq;               /*  8 transaction number, from 1 */
	uint32_t data_csum;         /* 16 fs_crc32 of the count copies, seeded with seq */
	uint32_t head_csum;         /* 20 fs_crc32 of this block with head_csum 0 */
	uint32_t block[FS_LOGMAX];  /* 24 home block of each copy */
};
_Static_assert(sizeof(struct fs_loghead) == FS_BSIZE, "fs_loghead is one block");
_Static_assert(offsetof(struct fs_loghead, block) == 24, "fs_loghead.block");

/* fs_super_csum - the checksum a superblock's csum field must hold. */
static inline uint32_t fs_super_csum(const struct fs_super *sb)
{
	return fs_crc32(0, sb, offsetof(struct fs_super, csum));
}

/* fs_loghead_csum - the checksum h->head_csum must hold: of the fixed
 * fields (head_csum as 0) and the count entries of block[] in use, so a
 * commit checksums only what it names (entries past count are ignored). */
static inline uint32_t fs_loghead_csum(const struct fs_loghead *h)
{
	static const uint32_t zero;
	uint32_t n = h->count < FS_LOGMAX ? h->count : FS_LOGMAX;
	uint32_t c = fs_crc32(0, h, offsetof(struct fs_loghead, head_csum));

	c = fs_crc32(c, &zero, sizeof(zero));
	return fs_crc32(c, h->block, n * sizeof(h->block[0]));
}

/* fs_loghead_ok - does h hold a header whose checksum is right? Headers
 * written before the checksum covered only the used entries (it covered
 * the whole block) are taken too, so an older image keeps its log. */
static inline bool fs_loghead_ok(const struct fs_loghead *h)
{
	static const uint32_t zero;
	uint32_t c;

	if (h->magic != FS_LOG_MAGIC)
		return false;
	if (h->head_csum == fs_loghead_csum(h))
		return true;
	c = fs_crc32(0, h, offsetof(struct fs_loghead, head_csum));
	c = fs_crc32(c, &zero, sizeof(zero));
	return h->head_csum == fs_crc32(c, h->block, sizeof(h->block));
}

/*
 * fs_layout - a superblock for size blocks, ninodes inodes and a log of
 * nlog blocks: every field but csum. Returns 0, or -1 if the numbers break
 * a limit (too big, too few inodes, a log too small for one system call,
 * no room for a data block).
 */
static inline int fs_layout(struct fs_super *sb, uint32_t size, uint32_t ninodes, uint32_t nlog)
{
	uint64_t iblocks = ((uint64_t)ninodes + FS_IPB - 1) / FS_IPB;
	uint64_t bblocks = ((uint64_t)size + FS_BPB - 1) / FS_BPB;
	uint64_t data = FS_LOG_START + (uint64_t)nlog + iblocks + bblocks;

	if (size > FS_MAXBLOCKS || ninodes < 2 || ninodes > FS_MAXINODES || nlog > FS_LOGMAX + 1 ||
	    nlog < 1 + FS_MAXOP(bblocks) || data >= size)
		return -1;
	for (int i = 0; i < 8; i++)
		sb->magic[i] = FS_MAGIC[i];
	sb->version = FS_VERSION;
	sb->size = size;
	sb->ninodes = ninodes;
	sb->nlog = nlog;
	sb->log_start = FS_LOG_START;
	sb->inode_start = FS_LOG_START + nlog;
	sb->bmap_start = sb->inode_start + (uint32_t)iblocks;
	sb->data_start = (uint32_t)data;
	sb->pad = 0;
	return 0;
}

/* fs_super_check - is sb a well-formed superblock: magic, version, checksum
 * and a layout that fs_layout would give? 0, -1 (not this file system:
 * wrong magic) or -2 (ours, but damaged or inconsistent). */
static inline int fs_super_check(const struct fs_super *sb)
{
	struct fs_super want;

	for (int i = 0; i < 8; i++)
		if (sb->magic[i] != FS_MAGIC[i])
			return -1;
	if (sb->version != FS_VERSION || sb->csum != fs_super_csum(sb) ||
	    fs_layout(&want, sb->size, sb->ninodes, sb->nlog) < 0 ||
	    sb->log_start != want.log_start || sb->inode_start != want.inode_start ||
	    sb->bmap_start != want.bmap_start || sb->data_start != want.data_start)
		return -2;
	return 0;
}

/* fs_default_nlog - the log mkfs gives a file system of size blocks: room
 * for three concurrent system calls, within FS_LOGMAX. */
static inline uint32_t fs_default_nlog(uint32_t size)
{
	uint32_t op = FS_MAXOP((size + FS_BPB - 1) / FS_BPB);
	return 1 + (3 * op < FS_LOGMAX ? 3 * op : FS_LOGMAX);
}
