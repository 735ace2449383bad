// SPDX-License-Identifier: MIT
// Damaged and foreign images: the kernel code refuses them cleanly (and fsck names the damage).
#include "fs_damage.h"
#include "kernel/fs/inode.h"
#include "lib/errno.h"
#include "stubs.h"
#include "unit.h"
#include <string.h>

static void test_bad_superblocks(void)
{
	struct fs_super sb;

	start(); /* a foreign image */
	memset(blk(FS_SB_BLOCK), 0x5a, FS_BSIZE);
	expect_fsck(FSCK_UNUSABLE, "bad magic");
	expect_mount(-EINVAL, "not a nagi");
	stop(false);

	start();
	sb = ref.sb;
	sb.version = 2;
	reseal(&sb);
	expect_fsck(FSCK_UNUSABLE, "version 2");
	expect_mount(-EUCLEAN, "superblock: damaged");
	stop(false);

	start();
	blk(FS_SB_BLOCK)[offsetof(struct fs_super, ninodes)] ^= 1;
	expect_fsck(FSCK_UNUSABLE, "checksum mismatch");
	expect_mount(-EUCLEAN, "superblock: damaged");
	stop(false);

	start();
	sb = ref.sb;
	sb.data_start++;
	reseal(&sb);
	expect_fsck(FSCK_UNUSABLE, "layout fields disagree");
	expect_mount(-EUCLEAN, NULL);
	stop(false);

	start();
	sb = ref.sb;
	sb.nlog = 4; /* a log too small for one system call */
	fs_layout(&sb, sb.size, sb.ninodes, 4);
	reseal(&sb);
	expect_fsck(FSCK_UNUSABLE, "no valid layout");
	expect_mount(-EUCLEAN, NULL);
	stop(false);

	start();
	fs_layout(&sb, NBLOCKS * 2, ref.sb.ninodes, ref.sb.nlog);
	reseal(&sb);
	expect_fsck(FSCK_UNUSABLE, "the image has only");
	expect_mount(-EINVAL, "bigger than the device");
	stop(false);

	start(); /* a device too small for a superblock */
	md.dev.nblocks = 1;
	expect_mount(-EINVAL, NULL);
	stop(false);
}

static void test_log_replayed(void)
{
	uint8_t data[FS_BSIZE], back[100];
	struct fs_dinode g;
	struct fsck_result r;

	start();
	get_dinode(ref.g, &g);
	memset(data, 'R', sizeof(data));
	plant_log(g.addrs[0], 1, data, true);
	expect_fsck(FSCK_BROKEN, "not installed");
	CHECK(blk(g.addrs[0])[0] != 'R'); /* fsck without -r changes nothing */
	expect_mount(0, NULL);
	CHECK(get_file("/g", back, sizeof(back)) == 100 && back[0] == 'R' && back[99] == 'R');
	stop(true);

	start(); /* fsck -r installs it */
	plant_log(g.addrs[0], 1, data, true);
	CHECK(memdev_fsck(&md, FSCK_REPLAY, &r, msgs, sizeof(msgs)) == FSCK_CLEAN && r.replayed);
	CHECK(blk(g.addrs[0])[0] == 'R');
	expect_fsck(FSCK_CLEAN, NULL);
	stop(false);
}

/* The header's checksum as it was before it covered only the entries in
 * use: the whole block. */
static void reseal_log_whole_block(void)
{
	struct fs_loghead h;
	static const uint32_t zero;

	memcpy(&h, blk(ref.sb.log_start), sizeof(h));
	uint32_t c = fs_crc32(0, &h, offsetof(struct fs_loghead, head_csum));
	c = fs_crc32(c, &zero, sizeof(zero));
	h.head_csum = fs_crc32(c, h.block, sizeof(h.block));
	memcpy(blk(ref.sb.log_start), &h, sizeof(h));
}

/* The header checksum covers the entries in use, so a stale entry past
 * count changes nothing; a header sealed the older way (the whole block)
 * is still taken, by mount and fsck. */
static void test_log_header_checksums(void)
{
	uint8_t data[FS_BSIZE], back[100];
	struct fs_dinode g;
	struct fs_loghead *h;

	start(); /* an entry past count differs: still a good header */
	get_dinode(ref.g, &g);
	memset(data, 'S', sizeof(data));
	plant_log(g.addrs[0], 1, data, true);
	h = (struct fs_loghead *)blk(ref.sb.log_start);
	h->block[5] = 12345;
	expect_fsck(FSCK_BROKEN, "not installed");
	expect_mount(0, NULL);
	CHECK(get_file("/g", back, sizeof(back)) == 100 && back[0] == 'S');
	stop(true);

	start(); /* the whole-block checksum of older images */
	plant_log(g.addrs[0], 1, data, true);
	reseal_log_whole_block();
	expect_fsck(FSCK_BROKEN, "not installed");
	expect_mount(0, NULL);
	CHECK(get_file("/g", back, sizeof(back)) == 100 && back[0] == 'S');
	stop(true);
}

static void test_bad_log(void)
{
	uint8_t data[FS_BSIZE] = { 0 };

	start(); /* a committed block aimed at the superblock */
	plant_log(FS_SB_BLOCK, 1, data, true);
	expect_fsck(FSCK_UNUSABLE, "outside");
	expect_mount(-EUCLEAN, "log: block number out of range");
	CHECK(memcmp(blk(FS_SB_BLOCK), ref.img + FS_SB_BLOCK * FS_BSIZE, FS_BSIZE) == 0);
	stop(false);

	start(); /* the copies do not match the header */
	plant_log(ref.sb.data_start, 1, data, false);
	expect_fsck(FSCK_UNUSABLE, "fail their checksum");
	expect_mount(-EUCLEAN, "fail their checksum");
	stop(false);

	start(); /* a well-formed header counting more blocks than the log has */
	plant_log(ref.sb.data_start, ref.sb.nlog, data, true);
	expect_fsck(FSCK_UNUSABLE, "blocks in a log of");
	expect_mount(-EUCLEAN, "log: transaction larger than the log");
	stop(false);

	start(); /* a torn header is ignored, and rewritten clean */
	memset(blk(ref.sb.log_start) + 8, 0x77, 40);
	expect_fsck(FSCK_BROKEN, "header damaged");
	expect_mount(0, "header damaged");
	CHECK(fs_unmount() == 0);
	expect_fsck(FSCK_CLEAN, NULL);
	stop(false);
}

static void test_bad_root(void)
{
	struct fs_dinode d;

	start();
	get_dinode(FS_ROOTINO, &d);
	d.type = T_FILE;
	put_dinode(FS_ROOTINO, &d);
	expect_fsck(FSCK_UNUSABLE, "root inode 1 is not a directory");
	expect_mount(-EUCLEAN, NULL);
	stop(false);

	start();
	dirent_at(FS_ROOTINO, 0)->inum = ref.d;
	expect_fsck(FSCK_UNUSABLE, "root");
	expect_mount(-EUCLEAN, "root");
	stop(false);

	start(); /* a root with no entries at all: damage, not a missing file */
	get_dinode(FS_ROOTINO, &d);
	d.size = 0;
	put_dinode(FS_ROOTINO, &d);
	expect_fsck(FSCK_UNUSABLE, "root: its '.' and '..' must name the root");
	expect_mount(-EUCLEAN, "root: not a directory naming itself");
	stop(false);

	start(); /* its "." and ".." are free slots */
	dirent_at(FS_ROOTINO, 0)->inum = 0;
	dirent_at(FS_ROOTINO, 1)->inum = 0;
	expect_fsck(FSCK_UNUSABLE, "root");
	expect_mount(-EUCLEAN, "root: not a directory naming itself");
	stop(false);

	start(); /* ".." names an inode out of range */
	dirent_at(FS_ROOTINO, 1)->inum = 60000;
	expect_fsck(FSCK_UNUSABLE, "root");
	expect_mount(-EUCLEAN, NULL);
	stop(false);
}

/* Plant damage in inode inum with fn, then: mount works, reading path
 * gives -EUCLEAN, fsck reports want. */
static void inode_case(uint32_t inum, void (*fn)(struct fs_dinode *), const char *path,
		       const char *want)
{
	struct fs_dinode d;
	char buf[256];

	start();
	get_dinode(inum, &d);
	fn(&d);
	put_dinode(inum, &d);
	expect_fsck(FSCK_BROKEN, want);
	expect_mount(0, NULL);
	CHECK(get_file(path, buf, sizeof(buf)) == -EUCLEAN);
	CHECK(put_file(path, "x", 1) == -EUCLEAN);
	stop(true);
}

static void bad_type(struct fs_dinode *d) { d->type = 7; }
static void bad_block(struct fs_dinode *d) { d->addrs[0] = 5; }
static void bad_size(struct fs_dinode *d) { d->size = FS_MAXBYTES + 1; }
static void bad_dirsize(struct fs_dinode *d) { d->size += 3; }
static void no_links(struct fs_dinode *d) { d->nlink = 0; }
static void bad_indirect(struct fs_dinode *d) { d->indirect = 3; }
static void bad_dindirect(struct fs_dinode *d) { d->dindirect = NBLOCKS + 7; }
static void dev_size(struct fs_dinode *d) { d->size = 512; }
static void dev_block(struct fs_dinode *d) { d->addrs[0] = NBLOCKS - 1; }
static void dev_indirect(struct fs_dinode *d) { d->indirect = NBLOCKS - 1; }

static void test_bad_inodes(void)
{
	char buf[FS_BSIZE];
	struct inode *ip;

	inode_case(ref.g, bad_type, "/g", "bad type 7");
	inode_case(ref.g, bad_block, "/g", "block number 5 out of range");
	inode_case(ref.g, bad_size, "/g", "more than a file can hold");
	inode_case(ref.d, bad_dirsize, "/d/f", "not a multiple of 32");
	inode_case(ref.g, no_links, "/g", "nlink is 0");
	/* the indirect fields themselves out of range (a log block, past the end) */
	inode_case(ref.big, bad_indirect, "/big", "block number 3 out of range");
	inode_case(ref.big, bad_dindirect, "/big", "block number 2055 out of range");
	/* a device file holding a size or blocks */
	inode_case(ref.dev, dev_size, "/dev0", "device file with size 512");
	inode_case(ref.dev, dev_block, "/dev0", "device file holding blocks");
	inode_case(ref.dev, dev_indirect, "/dev0", "device file holding blocks");

	start(); /* an indirect entry out of range: reads stop there */
	*indirect_at(ref.big, 0) = 999999;
	expect_fsck(FSCK_BROKEN, "block number 999999 out of range");
	expect_mount(0, NULL);
	CHECK(fs_open(NULL, "/big", O_RDWR, &ip) == 0);
	CHECK(fs_read(ip, false, (uint64_t)buf, 0, sizeof(buf)) == sizeof(buf));
	CHECK(fs_read(ip, false, (uint64_t)buf, FS_NDIRECT * FS_BSIZE, 1) == -EUCLEAN);
	CHECK(fs_write(ip, false, (uint64_t)buf, FS_NDIRECT * FS_BSIZE, 1) == -EUCLEAN);
	fs_iput(ip);
	CHECK(fs_unlink(NULL, "/big") == 0); /* frees what it can */
	stop(true);
}

static void test_bad_directories(void)
{
	struct fs_dinode d;
	char buf[16];

	start();
	dirent_at(ref.d, 2)->inum = 60000;
	expect_fsck(FSCK_BROKEN, "bad inode number 60000");
	expect_mount(0, NULL);
	CHECK(get_file("/d/f", buf, sizeof(buf)) == -EUCLEAN);
	CHECK(put_file("/d/new", "x", 1) == -EUCLEAN);
	CHECK(get_file("/g", buf, sizeof(buf)) == 16); /* the rest still works */
	stop(true);

	start();
	dirent_at(ref.d, 2)->inum = ref.sb.ninodes - 1; /* a free inode */
	expect_fsck(FSCK_BROKEN, "names free inode 63");
	expect_mount(0, NULL);
	CHECK(get_file("/d/f", buf, sizeof(buf)) == -EUCLEAN);
	CHECK(fs_unlink(NULL, "/d/f") == -EUCLEAN);
	stop(true);

	start();
	dirent_at(ref.d, 2)->inum = ref.d; /* names its own directory */
	expect_fsck(FSCK_BROKEN, "linked twice");
	expect_mount(0, NULL);
	CHECK(fs_unlink(NULL, "/d/f") == -EUCLEAN);
	CHECK(get_file("/d/f", buf, sizeof(buf)) == -EUCLEAN);
	stop(true);

	start(); /* /d's "." names / : a walk through it would land in / */
	dirent_at(ref.d, 0)->inum = FS_ROOTINO;
	expect_fsck(FSCK_BROKEN, "first entry is not '.' naming itself");
	expect_mount(0, NULL);
	CHECK(get_file("/d/./f", buf, sizeof(buf)) == -EUCLEAN);
	CHECK(strstr(fs_last_damage, "'.' names another inode"));
	CHECK(get_file("/d/f", buf, sizeof(buf)) == 16); /* the entry itself is fine */
	stop(true);

	start(); /* /d's ".." names /d */
	dirent_at(ref.d, 1)->inum = ref.d;
	expect_fsck(FSCK_BROKEN, "'..' names");
	expect_mount(0, NULL);
	CHECK(get_file("/d/../g", buf, sizeof(buf)) == -EUCLEAN);
	CHECK(strstr(fs_last_damage, "'..' names the directory itself"));
	stop(true);

	start(); /* a hole in a directory */
	get_dinode(ref.d, &d);
	d.addrs[0] = 0;
	put_dinode(ref.d, &d);
	expect_fsck(FSCK_BROKEN, "missing");
	expect_mount(0, NULL);
	CHECK(get_file("/d/f", buf, sizeof(buf)) == -EUCLEAN);
	stop(true);
}

static void test_io_errors(void)
{
	char buf[64];

	start();
	md.fail_reads_after = 0;
	expect_mount(-EIO, NULL);
	md.fail_reads_after = -1;
	expect_mount(0, NULL);
	md.fail_reads_after = 0;
	CHECK(get_file("/big", buf, sizeof(buf)) == -EIO);
	md.fail_reads_after = -1;
	CHECK(get_file("/big", buf, sizeof(buf)) == sizeof(buf));
	stop(true);
}

int main(void)
{
	build_ref();
	RUN(test_bad_superblocks);
	RUN(test_log_replayed);
	RUN(test_log_header_checksums);
	RUN(test_bad_log);
	RUN(test_bad_root);
	RUN(test_bad_inodes);
	RUN(test_bad_directories);
	RUN(test_io_errors);
	free(ref.img);
	UNIT_EXIT();
}
