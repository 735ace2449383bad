// SPDX-License-Identifier: MIT
// fsck on damaged images: what only fsck sees, random damage, and the mkfs and fsck programs.
#include "fs_damage.h"
#include "lib/errno.h"
#include "stubs.h"
#include "unit.h"
#include <libgen.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *tools_dir;

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
	RUN(test_fsck_finds);
	RUN(test_fuzz);
	RUN(test_tools);
	free(ref.img);
	UNIT_EXIT();
}
