// SPDX-License-Identifier: MIT
// Damaged and foreign images: the kernel code refuses them cleanly and fsck names each problem.
#include "fs_host.h"
#include "kernel/fs_inode.h"
#include "lib/errno.h"
#include "stubs.h"
#include "unit.h"
#include <libgen.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define NBLOCKS 2048

/* The reference image: /d (a directory), /d/f (3 KiB), /big (80 KiB: it
 * reaches the double-indirect block), /g (100 bytes). */
static struct {
	uint8_t *img;
	struct fs_super sb;
	uint32_t d, f, big, g;
} ref;

static struct memdev md;
static char msgs[16384];
static const char *tools_dir;

static uint8_t *blk(uint32_t b)
{
	return md.data + (uint64_t)b * FS_BSIZE;
}

static void get_dinode(uint32_t inum, struct fs_dinode *d)
{
	memcpy(d, blk(ref.sb.inode_start + inum / FS_IPB) + inum % FS_IPB * 64, sizeof(*d));
}

static void put_dinode(uint32_t inum, const struct fs_dinode *d)
{
	memcpy(blk(ref.sb.inode_start + inum / FS_IPB) + inum % FS_IPB * 64, d, sizeof(*d));
}

/* Entry k of directory dir (its first block). */
static struct dirent *dirent_at(uint32_t dir, uint32_t k)
{
	struct fs_dinode d;

	get_dinode(dir, &d);
	return (struct dirent *)(blk(d.addrs[0]) + k * sizeof(struct dirent));
}

/* Entry k of the indirect block of inum. */
static uint32_t *indirect_at(uint32_t inum, uint32_t k)
{
	struct fs_dinode d;

	get_dinode(inum, &d);
	return (uint32_t *)(blk(d.indirect) + 4 * k);
}

static void set_bit(uint32_t b, bool on)
{
	uint8_t *byte = blk(ref.sb.bmap_start + b / FS_BPB) + b % FS_BPB / 8;
	*byte = on ? *byte | (1u << (b % 8)) : *byte & ~(1u << (b % 8));
}

static uint32_t inum_of(const char *path)
{
	struct stat st;
	return path_stat(path, &st) == 0 ? st.ino : 0;
}

static void build_ref(void)
{
	static uint8_t data[80 * 1024];

	memdev_init(&md, NBLOCKS);
	CHECK(memdev_mkfs(&md, 64) == 0);
	CHECK(fs_mount(&md.dev) == 0);
	fill(data, sizeof(data), 3);
	CHECK(fs_mkdir(NULL, "/d") == 0);
	CHECK(put_file("/d/f", data, 3072) == 0);
	CHECK(put_file("/big", data, sizeof(data)) == 0);
	CHECK(put_file("/g", data, 100) == 0);
	ref.d = inum_of("/d");
	ref.f = inum_of("/d/f");
	ref.big = inum_of("/big");
	ref.g = inum_of("/g");
	CHECK(fs_unmount() == 0);
	memcpy(&ref.sb, md.data + FS_SB_BLOCK * FS_BSIZE, sizeof(ref.sb));
	ref.img = md.data;
	md.data = NULL;
	memdev_free(&md);
}

/* A fresh copy of the reference image on md. */
static void start(void)
{
	memdev_init(&md, NBLOCKS);
	memcpy(md.data, ref.img, (size_t)NBLOCKS * FS_BSIZE);
	fs_last_damage[0] = '\0';
}

/* fsck says status, and (if want is set) a line containing want. */
static void expect_fsck(int status, const char *want)
{
	struct fsck_result r;
	int s = memdev_fsck(&md, 0, &r, msgs, sizeof(msgs));
	bool ok = s == status && (!want || strstr(msgs, want));

	if (!ok)
		printf("    fsck said %d, wanted %d with '%s':\n%s", s, status, want ? want : "",
		       msgs);
	CHECK(ok);
}

/* Mounting gives err; the kernel's complaint contains why (if set). */
static void expect_mount(int err, const char *why)
{
	int got = fs_mount(&md.dev);

	if (got != err || (why && !strstr(fs_last_damage, why)))
		printf("    mount: %d (%s), wanted %d '%s'\n", got, fs_last_damage, err, why);
	CHECK(got == err);
	CHECK(!why || strstr(fs_last_damage, why));
}

/* Unmount if mounted; nothing may have been written out of place. */
static void stop(bool mounted)
{
	if (mounted)
		CHECK(fs_unmount() == 0);
	CHECK(md.wild == 0);
	memdev_free(&md);
}

static void reseal(struct fs_super *sb)
{
	sb->csum = fs_super_csum(sb);
	memcpy(blk(FS_SB_BLOCK), sb, sizeof(*sb));
}

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

/* A committed transaction of one block: data, to go to target. */
static void plant_log(uint32_t target, const uint8_t *data, bool good_csum)
{
	struct fs_loghead h = { .magic = FS_LOG_MAGIC, .count = 1, .seq = 41 };
	uint32_t c = fs_crc32(0, &h.seq, sizeof(h.seq));

	h.block[0] = target;
	memcpy(blk(ref.sb.log_start + 1), data, FS_BSIZE);
	h.data_csum = fs_crc32(c, data, FS_BSIZE) ^ !good_csum;
	h.head_csum = fs_loghead_csum(&h);
	memcpy(blk(ref.sb.log_start), &h, sizeof(h));
}

static void test_log_replayed(void)
{
	uint8_t data[FS_BSIZE], back[100];
	struct fs_dinode g;
	struct fsck_result r;

	start();
	get_dinode(ref.g, &g);
	memset(data, 'R', sizeof(data));
	plant_log(g.addrs[0], data, true);
	expect_fsck(FSCK_BROKEN, "not installed");
	CHECK(blk(g.addrs[0])[0] != 'R'); /* fsck without -r changes nothing */
	expect_mount(0, NULL);
	CHECK(get_file("/g", back, sizeof(back)) == 100 && back[0] == 'R' && back[99] == 'R');
	stop(true);

	start(); /* fsck -r installs it */
	plant_log(g.addrs[0], data, true);
	CHECK(memdev_fsck(&md, FSCK_REPLAY, &r, msgs, sizeof(msgs)) == FSCK_CLEAN && r.replayed);
	CHECK(blk(g.addrs[0])[0] == 'R');
	expect_fsck(FSCK_CLEAN, NULL);
	stop(false);
}

static void test_bad_log(void)
{
	uint8_t data[FS_BSIZE] = { 0 };

	start(); /* a committed block aimed at the superblock */
	plant_log(FS_SB_BLOCK, data, true);
	expect_fsck(FSCK_UNUSABLE, "outside");
	expect_mount(-EUCLEAN, "log: block number out of range");
	CHECK(memcmp(blk(FS_SB_BLOCK), ref.img + FS_SB_BLOCK * FS_BSIZE, FS_BSIZE) == 0);
	stop(false);

	start(); /* the copies do not match the header */
	plant_log(ref.sb.data_start, data, false);
	expect_fsck(FSCK_UNUSABLE, "fail their checksum");
	expect_mount(-EUCLEAN, "fail their checksum");
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

static void test_bad_inodes(void)
{
	char buf[FS_BSIZE];
	struct inode *ip;

	inode_case(ref.g, bad_type, "/g", "bad type 7");
	inode_case(ref.g, bad_block, "/g", "block number 5 out of range");
	inode_case(ref.g, bad_size, "/g", "more than a file can hold");
	inode_case(ref.d, bad_dirsize, "/d/f", "not a multiple of 32");
	inode_case(ref.g, no_links, "/g", "nlink is 0");

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

	start(); /* a hole in a directory */
	get_dinode(ref.d, &d);
	d.addrs[0] = 0;
	put_dinode(ref.d, &d);
	expect_fsck(FSCK_BROKEN, "missing");
	expect_mount(0, NULL);
	CHECK(get_file("/d/f", buf, sizeof(buf)) == -EUCLEAN);
	stop(true);
}

/* Damage the kernel cannot see cheaply; fsck must. */
static void test_fsck_finds(void)
{
	struct fs_dinode g, f, d;
	struct dirent *de;

	start();
	get_dinode(ref.g, &g);
	get_dinode(ref.f, &f);
	g.addrs[0] = f.addrs[0];
	put_dinode(ref.g, &g);
	expect_fsck(FSCK_BROKEN, "used twice (inodes");
	stop(false);

	start();
	get_dinode(ref.g, &g);
	set_bit(g.addrs[0], false);
	expect_fsck(FSCK_BROKEN, "but marked free");
	stop(false);

	start();
	set_bit(NBLOCKS - 1, true);
	expect_fsck(FSCK_BROKEN, "block 2047: marked in use, but nothing uses it");
	stop(false);

	start();
	set_bit(ref.sb.inode_start, false);
	expect_fsck(FSCK_BROKEN, "metadata, but marked free");
	stop(false);

	start();
	get_dinode(ref.g, &g);
	g.nlink = 3;
	put_dinode(ref.g, &g);
	expect_fsck(FSCK_BROKEN, "nlink is 3, but 1 directory entries");
	stop(false);

	start(); /* an allocated inode no directory names */
	put_dinode(ref.sb.ninodes - 1, &(struct fs_dinode){ .type = T_FILE, .nlink = 1 });
	expect_fsck(FSCK_BROKEN, "unreachable");
	stop(false);

	start(); /* a free inode with leftovers */
	put_dinode(ref.sb.ninodes - 1, &(struct fs_dinode){ .size = 12 });
	expect_fsck(FSCK_BROKEN, "free, but not zeroed");
	stop(false);

	start(); /* /d's ".." names /d */
	dirent_at(ref.d, 1)->inum = ref.d;
	expect_fsck(FSCK_BROKEN, "'..' names");
	stop(false);

	start(); /* a second name for /d in / */
	get_dinode(FS_ROOTINO, &d);
	de = dirent_at(FS_ROOTINO, d.size / sizeof(*de));
	de->inum = ref.d;
	strcpy(de->name, "d2");
	d.size += sizeof(*de);
	put_dinode(FS_ROOTINO, &d);
	expect_fsck(FSCK_BROKEN, "linked twice");
	stop(false);

	start(); /* two entries with one name */
	strcpy(dirent_at(FS_ROOTINO, 4)->name, "d");
	expect_fsck(FSCK_BROKEN, "appears twice");
	stop(false);

	start(); /* a block past the end of a file */
	get_dinode(ref.g, &g);
	g.addrs[5] = NBLOCKS - 1;
	set_bit(NBLOCKS - 1, true);
	put_dinode(ref.g, &g);
	expect_fsck(FSCK_BROKEN, "past the end of the file");
	stop(false);
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

/* Whatever it finds, use the file system the ways a shell would. */
static void workload(void)
{
	char buf[512];

	tree_hash();
	put_file("/new", "fresh", 5);
	fs_mkdir(NULL, "/nd");
	put_file("/nd/x", buf, sizeof(buf));
	fs_link(NULL, "/g", "/g2");
	fs_unlink(NULL, "/d/f");
	fs_unlink(NULL, "/d");
	fs_unlink(NULL, "/big");
	put_file("/big", buf, sizeof(buf));
	get_file("/g2", buf, sizeof(buf));
	tree_hash();
}

/* Random damage to the metadata and the first data blocks: no crash, no
 * write outside the file system, no inode left referenced. */
static void test_fuzz(void)
{
	uint64_t x = 12345;
	struct fsck_result r;
	int mounted = 0;

	for (int i = 0; i < 400; i++) {
		start();
		for (int k = 0; k < 1 + i % 8; k++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			uint32_t b = ref.sb.inode_start + (uint32_t)(x >> 33) % 400;
			blk(b)[(x >> 20) % FS_BSIZE] ^= (uint8_t)(1u << ((x >> 12) % 8));
		}
		memdev_fsck(&md, 0, &r, NULL, 0);
		if (fs_mount(&md.dev) == 0) {
			mounted++;
			workload();
			CHECK(fs_unmount() == 0);
		}
		memdev_fsck(&md, 0, &r, NULL, 0);
		stop(false);
	}
	CHECK(mounted > 300);
}

/* Run a command; its exit status (-1 if it did not exit). */
static int run(const char *fmt, const char *a, const char *b)
{
	char cmd[1024];
	int s;

	snprintf(cmd, sizeof(cmd), fmt, tools_dir, a, b);
	fflush(stdout);
	s = system(cmd);
	return WIFEXITED(s) ? WEXITSTATUS(s) : -1;
}

/* Patch len bytes at off of file path. */
static void patch(const char *path, long off, const void *bytes, size_t len)
{
	FILE *f = fopen(path, "r+b");

	CHECK(f != NULL);
	if (f) {
		fseek(f, off, SEEK_SET);
		fwrite(bytes, 1, len, f);
		fclose(f);
	}
}

/* The mkfs and fsck programs: exit statuses and a planted problem. */
static void test_tools(void)
{
	char dir[] = "/tmp/nagi-fsXXXXXX", img[64], in[64];
	uint16_t bad = 9;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(img, sizeof(img), "%s/fs.img", dir);
	snprintf(in, sizeof(in), "%s/hello", dir);
	f = fopen(in, "w");
	fputs("hello from mkfs\n", f);
	fclose(f);
	CHECK(run("%s/mkfs %s 1M %s >/dev/null", img, in) == 0);
	CHECK(run("%s/fsck %s >/dev/null%s", img, "") == 0);
	CHECK(run("%s/mkfs %s 1000 %s 2>/dev/null", img, in) == 2); /* not whole blocks */
	/* inode 2 (hello) gets a bad type: inconsistent */
	patch(img, (long)(FS_LOG_START + fs_default_nlog(2048)) * FS_BSIZE + 2 * 64, &bad, 2);
	CHECK(run("%s/fsck %s%s | grep -q 'inode 2: bad type 9'", img, "") == 0);
	CHECK(run("%s/fsck %s >/dev/null%s", img, "") == 1);
	patch(img, FS_SB_BLOCK * FS_BSIZE, "XXXX", 4);
	CHECK(run("%s/fsck %s >/dev/null%s", img, "") == 2);
	CHECK(run("%s/fsck %s/nonexistent 2>/dev/null%s", dir, "") == 2);
	snprintf(in, sizeof(in), "rm -rf %s", dir);
	CHECK(system(in) == 0);
}

int main(int argc, char **argv)
{
	static char path[1024];
	char *me = strdup(argv[0]);

	UNUSED(argc);
	snprintf(path, sizeof(path), "%s/../tools", dirname(me));
	free(me);
	tools_dir = path;
	build_ref();
	RUN(test_bad_superblocks);
	RUN(test_log_replayed);
	RUN(test_bad_log);
	RUN(test_bad_root);
	RUN(test_bad_inodes);
	RUN(test_bad_directories);
	RUN(test_fsck_finds);
	RUN(test_io_errors);
	RUN(test_fuzz);
	RUN(test_tools);
	free(ref.img);
	UNIT_EXIT();
}
