// SPDX-License-Identifier: MIT
// The file system core on a memory device: files, big files, directories, links, full disks.
#include "fs_host.h"
#include "lib/errno.h"
#include "stubs.h"
#include "tools/mkfs_image.h"
#include "unit.h"
#include <string.h>

static struct memdev md;

/* A freshly made and mounted file system of nblocks. */
static void fresh(uint32_t nblocks, uint32_t ninodes)
{
	memdev_init(&md, nblocks);
	CHECK(memdev_mkfs(&md, ninodes) == 0);
	CHECK(fs_mount(&md.dev) == 0);
}

/* fsck's verdict on the device; prints its messages if not clean. */
static int fsck_status(struct fsck_result *r)
{
	static char msgs[8192];
	int s = memdev_fsck(&md, 0, r, msgs, sizeof(msgs));

	if (s != FSCK_CLEAN)
		printf("    fsck:\n%s", msgs);
	return s;
}

/* Unmount, check the image is clean and nothing was written out of place. */
static void finish(void)
{
	struct fsck_result r;

	CHECK(fs_unmount() == 0);
	CHECK(fsck_status(&r) == FSCK_CLEAN);
	CHECK(md.wild == 0);
	memdev_free(&md);
}

/* Blocks in use, per fsck (mounted: everything is on disk after each call). */
static uint32_t used_blocks(void)
{
	struct fsck_result r;

	CHECK(fsck_status(&r) == FSCK_CLEAN);
	return r.used_blocks;
}

static void test_format(void)
{
	struct fs_super sb;

	CHECK(fs_crc32(0, "123456789", 9) == 0xcbf43926);
	CHECK(FS_MAXBYTES >= 8u << 20);
	CHECK(fs_layout(&sb, 4096, 128, fs_default_nlog(4096)) == 0);
	sb.csum = fs_super_csum(&sb);
	CHECK(fs_super_check(&sb) == 0);
	CHECK(sb.data_start == 2 + sb.nlog + 128 / FS_IPB + 1);
	CHECK(fs_layout(&sb, FS_MAXBLOCKS + 1, 128, FS_LOGMAX + 1) < 0); /* too big for the log */
	CHECK(fs_layout(&sb, 4096, 128, 10) < 0);  /* log too small for one call */
	CHECK(fs_layout(&sb, 49, 128, 30) < 0);    /* no data block left */
	CHECK(fs_layout(&sb, 50, 128, 30) == 0);
	CHECK(fs_layout(&sb, FS_MAXBLOCKS, 4096, fs_default_nlog(FS_MAXBLOCKS)) == 0);
	CHECK(fs_default_nlog(FS_MAXBLOCKS) == FS_LOGMAX + 1);
}

static void test_mkfs_image_mounts(void)
{
	static uint8_t big[300 * 1024];
	uint8_t *back = malloc(sizeof(big));
	struct mkfs mk;
	uint32_t sub, ino;
	struct inode *ip;
	struct stat st;
	int major, minor;

	memdev_init(&md, 4096);
	fill(big, sizeof(big), 1);
	CHECK(mkfs_format(&mk, md.data, 4096, 0, 0) == 0);
	CHECK(mkfs_add(&mk, FS_ROOTINO, "big", T_FILE, big, sizeof(big), NULL) == 0);
	CHECK(mkfs_add(&mk, FS_ROOTINO, "sub", T_DIR, NULL, 0, &sub) == 0);
	CHECK(mkfs_add(&mk, sub, "hello", T_FILE, "hi!", 3, NULL) == 0);
	CHECK(mkfs_add(&mk, FS_ROOTINO, "sub", T_FILE, "x", 1, NULL) == -EEXIST);
	CHECK(mkfs_add(&mk, FS_ROOTINO, "a/b", T_FILE, "x", 1, NULL) == -EINVAL);
	CHECK(mkfs_mknod(&mk, sub, "tty", 1, 2, NULL) == 0);
	CHECK(mkfs_mknod(&mk, sub, "tty", 1, 2, NULL) == -EEXIST);
	CHECK(mkfs_lookup(&mk, FS_ROOTINO, "sub", &ino) == 0 && ino == sub);
	CHECK(mkfs_lookup(&mk, sub, "nope", NULL) == -ENOENT);
	CHECK(mkfs_type(&mk, sub) == T_DIR);
	mkfs_finish(&mk);
	CHECK(fs_mount(&md.dev) == 0);
	CHECK(get_file("/big", back, sizeof(big)) == (long)sizeof(big));
	CHECK(memcmp(big, back, sizeof(big)) == 0);
	CHECK(get_file("/sub/hello", back, 10) == 3 && memcmp(back, "hi!", 3) == 0);
	CHECK(path_stat("/", &st) == 0 && st.nlink == 3 && st.type == T_DIR);
	CHECK(path_stat("/sub", &st) == 0 && st.nlink == 2);
	CHECK(fs_lookup(NULL, "/sub/tty", &ip) == 0);
	CHECK(fs_getdev(ip, &major, &minor) == 0 && major == 1 && minor == 2);
	CHECK(path_stat("/sub/tty", &st) == 0 && st.type == T_DEVICE && st.nlink == 1);
	fs_iput(ip);
	CHECK(fs_mount(&md.dev) == -EBUSY);
	free(back);
	finish();
}

static void test_files(void)
{
	char buf[64];
	struct inode *ip;
	struct stat st;
	uint32_t base;

	fresh(2048, 0);
	base = used_blocks();
	CHECK(put_file("/a", "hello", 5) == 0);
	CHECK(get_file("/a", buf, sizeof(buf)) == 5 && memcmp(buf, "hello", 5) == 0);
	CHECK(path_stat("a", &st) == 0 && st.type == T_FILE && st.nlink == 1 && st.size == 5);
	CHECK(fs_open(NULL, "/a", O_RDWR, &ip) == 0);
	CHECK(fs_write(ip, false, (uint64_t)"XY", 2, 2) == 2);
	CHECK(fs_write(ip, false, (uint64_t)"!", FS_OFF_APPEND, 1) == 1);
	CHECK(fs_read(ip, false, (uint64_t)buf, 0, sizeof(buf)) == 6 && !memcmp(buf, "heXYo!", 6));
	CHECK(fs_read(ip, false, (uint64_t)buf, 6, 10) == 0);
	CHECK(fs_read(ip, false, (uint64_t)buf, 100, 10) == 0);
	CHECK(fs_read(ip, true, 0x1000, 0, 1) == -EFAULT); /* no user memory on the host */
	CHECK(fs_write(ip, true, 0x1000, 0, 1) == -EFAULT);
	fs_iput(ip);
	/* a hole reads as zeros */
	CHECK(fs_open(NULL, "/h", O_CREATE | O_RDWR, &ip) == 0);
	CHECK(fs_write(ip, false, (uint64_t)"end", 3000, 3) == 3);
	CHECK(fs_read(ip, false, (uint64_t)buf, 2990, 20) == 13);
	CHECK(buf[0] == 0 && buf[9] == 0 && memcmp(buf + 10, "end", 3) == 0);
	fs_iput(ip);
	CHECK(path_stat("/h", &st) == 0 && st.size == 3003);
	CHECK(fs_open(NULL, "/a", O_RDWR | O_TRUNC, &ip) == 0);
	CHECK(fs_read(ip, false, (uint64_t)buf, 0, 10) == 0);
	fs_iput(ip);
	CHECK(fs_open(NULL, "/missing", O_RDONLY, &ip) == -ENOENT);
	CHECK(fs_unlink(NULL, "/a") == 0 && fs_unlink(NULL, "/a") == -ENOENT);
	CHECK(fs_unlink(NULL, "/h") == 0);
	CHECK(get_file("/a", buf, sizeof(buf)) == -ENOENT);
	CHECK(used_blocks() == base);
	finish();
}

static void test_file_errors(void)
{
	struct inode *ip;
	int major, minor;

	fresh(2048, 0);
	CHECK(fs_mkdir(NULL, "/d") == 0);
	CHECK(fs_open(NULL, "/d", O_WRONLY, &ip) == -EISDIR);
	CHECK(fs_open(NULL, "/d", O_CREATE | O_RDWR, &ip) == -EISDIR);
	CHECK(fs_open(NULL, "/", O_CREATE, &ip) == -EISDIR);
	CHECK(fs_open(NULL, "/d", O_RDONLY, &ip) == 0);
	CHECK(fs_write(ip, false, (uint64_t)"x", 0, 1) == -EISDIR);
	CHECK(fs_getdev(ip, &major, &minor) == -EINVAL);
	fs_iput(ip);
	CHECK(fs_mknod(NULL, "/console", 1, 2) == 0);
	CHECK(fs_mknod(NULL, "/console", 1, 2) == -EEXIST);
	CHECK(fs_mknod(NULL, "/bad", 70000, 0) == -EINVAL);
	CHECK(fs_open(NULL, "/console", O_CREATE | O_RDWR, &ip) == 0);
	CHECK(fs_getdev(ip, &major, &minor) == 0 && major == 1 && minor == 2);
	CHECK(fs_write(ip, false, (uint64_t)"x", 0, 1) == -EINVAL);
	CHECK(fs_read(ip, false, (uint64_t)&major, 0, 1) == -EINVAL);
	fs_iput(ip);
	CHECK(fs_open(NULL, "", O_RDONLY, &ip) == -ENOENT);
	finish();
}

static void test_big_file(void)
{
	const size_t chunk = 64 * 1024;
	uint8_t *data = malloc(FS_MAXBYTES), *back = malloc(FS_MAXBYTES);
	uint32_t base, blocks = FS_MAXFILE + 1 + 1 + FS_NINDIRECT;
	struct fs_stats st;
	struct inode *ip;
	bool same = true;

	fresh(20000, 64);
	base = used_blocks();
	fill(data, FS_MAXBYTES, 7);
	CHECK(fs_open(NULL, "/big", O_CREATE | O_RDWR, &ip) == 0);
	for (size_t off = 0; off < FS_MAXBYTES; off += chunk) {
		size_t n = MIN(chunk, FS_MAXBYTES - off);
		CHECK(fs_write(ip, false, (uint64_t)data + off, off, n) == (long)n);
	}
	CHECK(fs_write(ip, false, (uint64_t)data, FS_MAXBYTES, 1) == -EFBIG);
	CHECK(fs_write(ip, false, (uint64_t)data, FS_MAXBYTES - 1, 2) == 1);
	CHECK(fs_read(ip, false, (uint64_t)back, 0, FS_MAXBYTES + 10) == (long)FS_MAXBYTES);
	data[FS_MAXBYTES - 1] = data[0];
	same = memcmp(data, back, FS_MAXBYTES) == 0;
	CHECK(same);
	fs_iput(ip);
	CHECK(used_blocks() == base + blocks); /* data + indirect + double + its 128 */
	fs_get_stats(&st);
	CHECK(st.peak <= st.maxop && st.maxop == FS_MAXOP(20000 / FS_BPB + 1));
	CHECK(fs_unlink(NULL, "/big") == 0);
	CHECK(used_blocks() == base);
	fs_get_stats(&st);
	CHECK(st.peak <= st.maxop);
	finish();
	free(data);
	free(back);
}

/* The number of used entries in directory path, "." and ".." included. */
static int count_entries(const char *path)
{
	static struct dirent de[1024];
	struct inode *ip;
	long n;
	int used = 0;

	if (fs_open(NULL, path, O_RDONLY, &ip) < 0)
		return -1;
	n = fs_read(ip, false, (uint64_t)de, 0, sizeof(de));
	fs_iput(ip);
	for (long i = 0; i < n / (long)sizeof(de[0]); i++)
		used += de[i].inum != 0;
	return used;
}

static void test_many_files(void)
{
	char name[32], buf[32];
	struct stat st, st2;
	int ok = 1;

	fresh(4096, 600);
	CHECK(fs_mkdir(NULL, "/many") == 0);
	for (int i = 0; i < 400; i++) {
		snprintf(name, sizeof(name), "/many/file%d", i);
		ok &= put_file(name, name, strlen(name)) == 0;
	}
	CHECK(ok);
	CHECK(count_entries("/many") == 402);
	CHECK(path_stat("/many", &st) == 0 && st.size == 402 * sizeof(struct dirent));
	for (int i = 0; i < 400; i += 2) {
		snprintf(name, sizeof(name), "/many/file%d", i);
		ok &= fs_unlink(NULL, name) == 0;
	}
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "/many/new%d", i);
		ok &= put_file(name, "n", 1) == 0;
	}
	CHECK(ok);
	CHECK(path_stat("/many", &st2) == 0 && st2.size == st.size); /* free slots reused */
	CHECK(get_file("/many/file399", buf, sizeof(buf)) == 13);
	CHECK(memcmp(buf, "/many/file399", 13) == 0);
	CHECK(get_file("/many/file398", buf, sizeof(buf)) == -ENOENT);
	CHECK(count_entries("/many") == 402);
	finish();
}

static void test_directories(void)
{
	const char *long29 = "abcdefghijklmnopqrstuvwxyz012";
	char buf[16];
	struct inode *cwd, *ip;
	struct stat st;

	fresh(2048, 0);
	CHECK(fs_mkdir(NULL, "/a") == 0 && fs_mkdir(NULL, "/a/b") == 0);
	CHECK(fs_mkdir(NULL, "a/b/c") == 0);
	CHECK(fs_mkdir(NULL, "/a") == -EEXIST && fs_mkdir(NULL, "/") == -EEXIST);
	CHECK(fs_mkdir(NULL, "/x/y") == -ENOENT);
	CHECK(put_file("/a/b/c/f", "deep", 4) == 0);
	CHECK(get_file("//a/./b/../b/c///f", buf, sizeof(buf)) == 4);
	CHECK(path_stat("/", &st) == 0 && st.nlink == 3);
	CHECK(path_stat("/a", &st) == 0 && st.nlink == 3);
	CHECK(path_stat("/a/b/c", &st) == 0 && st.nlink == 2);
	CHECK(fs_lookup(NULL, "/a/b", &cwd) == 0);
	CHECK(fs_open(cwd, "c/f", O_RDONLY, &ip) == 0);
	fs_iput(ip);
	CHECK(fs_lookup(cwd, "../..", &ip) == 0 && fs_stat(ip, &st) == 0 && st.ino == FS_ROOTINO);
	fs_iput(ip);
	CHECK(fs_lookup(cwd, "/a/b/c/f/x", &ip) == -ENOTDIR);
	CHECK(put_file("/a/b/c/f/x", "", 0) == -ENOTDIR);
	CHECK(fs_unlink(NULL, "/a/b") == -ENOTEMPTY);
	CHECK(fs_unlink(NULL, "/a/.") == -EINVAL && fs_unlink(NULL, "/a/..") == -EINVAL);
	CHECK(fs_unlink(NULL, "/") == -EBUSY);
	CHECK(fs_unlink(NULL, "/a/b/c/f") == 0 && fs_unlink(NULL, "/a/b/c") == 0);
	CHECK(path_stat("/a/b", &st) == 0 && st.nlink == 2);
	CHECK(put_file(long29, "", 0) == -ENAMETOOLONG);
	CHECK(put_file("/abcdefghijklmnopqrstuvwxyz01", "28", 2) == 0); /* exactly DIRSIZ */
	CHECK(get_file("abcdefghijklmnopqrstuvwxyz01", buf, sizeof(buf)) == 2);
	/* a removed working directory: nothing can be made in it */
	CHECK(fs_unlink(NULL, "/a/b") == 0);
	CHECK(fs_open(cwd, "new", O_CREATE | O_RDWR, &ip) == -ENOENT);
	CHECK(fs_mkdir(cwd, "new") == -ENOENT);
	fs_iput(cwd);
	CHECK(path_stat("/a", &st) == 0 && st.nlink == 2);
	finish();
}

static void test_hard_links(void)
{
	char buf[16];
	struct stat sx, sy;

	fresh(2048, 0);
	CHECK(put_file("/x", "shared", 6) == 0);
	CHECK(fs_mkdir(NULL, "/d") == 0);
	CHECK(fs_link(NULL, "/x", "/d/y") == 0);
	CHECK(path_stat("/x", &sx) == 0 && path_stat("/d/y", &sy) == 0);
	CHECK(sx.ino == sy.ino && sx.nlink == 2);
	CHECK(fs_link(NULL, "/x", "/d/y") == -EEXIST);
	CHECK(fs_link(NULL, "/d", "/d2") == -EPERM);
	CHECK(fs_link(NULL, "/nope", "/n2") == -ENOENT);
	CHECK(fs_link(NULL, "/x", "/nodir/z") == -ENOENT);
	CHECK(path_stat("/x", &sx) == 0 && sx.nlink == 2); /* failed links undone */
	CHECK(fs_unlink(NULL, "/x") == 0);
	CHECK(get_file("/d/y", buf, sizeof(buf)) == 6 && !memcmp(buf, "shared", 6));
	CHECK(path_stat("/d/y", &sy) == 0 && sy.nlink == 1);
	finish();
}

static void test_open_unlinked(void)
{
	char buf[16];
	struct fsck_result r;
	struct inode *ip;
	struct memdev crashed;
	uint32_t base;

	fresh(2048, 0);
	base = used_blocks();
	CHECK(fs_open(NULL, "/tmp", O_CREATE | O_RDWR, &ip) == 0);
	CHECK(fs_unlink(NULL, "/tmp") == 0);
	CHECK(fs_write(ip, false, (uint64_t)"still here", 0, 10) == 10);
	CHECK(fs_read(ip, false, (uint64_t)buf, 0, 10) == 10 && !memcmp(buf, "still here", 10));
	/* a crash now leaves an orphan: fsck names it, mount frees it */
	memdev_init(&crashed, 2048);
	memcpy(crashed.data, md.data, 2048 * FS_BSIZE);
	CHECK(memdev_fsck(&crashed, 0, &r, NULL, 0) == FSCK_BROKEN && r.problems == 1);
	fs_iput(ip);
	CHECK(used_blocks() == base);
	finish();
	md = crashed;
	CHECK(fs_mount(&md.dev) == 0);
	CHECK(used_blocks() == base);
	finish();
}

/* Fill the disk with 8 KiB files named prefix<n> until it is full. */
static int fill_disk(const char *prefix, int *files)
{
	static uint8_t data[8192];
	char name[32];
	int err = 0;

	for (*files = 0; err == 0; (*files)++) {
		snprintf(name, sizeof(name), "/%s%d", prefix, *files);
		err = put_file(name, data, sizeof(data));
	}
	return err;
}

static void test_full_disk(void)
{
	struct inode *ip;
	struct stat st;
	char name[32];
	int files, err = 0;
	uint32_t before;

	fresh(600, 128);
	CHECK(put_file("/spacer", "s", 1) == 0);
	CHECK(put_file("/eleven", (char[5632]){ 0 }, 5632) == 0); /* all 11 direct blocks */
	CHECK(fill_disk("f", &files) == -ENOSPC && files > 10);
	CHECK(fs_mkdir(NULL, "/nodir") == -ENOSPC);
	for (int i = 0; err == 0 && i < 200; i++) { /* until the root needs a block */
		snprintf(name, sizeof(name), "/empty%d", i);
		err = put_file(name, "", 0);
	}
	CHECK(err == -ENOSPC);
	before = used_blocks();
	/* one free block: block 11 needs it and an indirect block, so it fails clean */
	CHECK(fs_unlink(NULL, "/spacer") == 0);
	CHECK(fs_open(NULL, "/eleven", O_RDWR, &ip) == 0);
	CHECK(fs_write(ip, false, (uint64_t)"x", 5632, 1) == -ENOSPC);
	fs_iput(ip);
	CHECK(path_stat("/eleven", &st) == 0 && st.size == 5632);
	CHECK(used_blocks() == before - 1);
	CHECK(put_file("/one", "1", 1) == 0);
	CHECK(used_blocks() == before);
	finish();
}

/* After a remount, removing files makes room again. */
static void test_full_disk_remount(void)
{
	int files;

	fresh(600, 128);
	CHECK(fill_disk("f", &files) == -ENOSPC);
	CHECK(fs_unmount() == 0 && fs_mount(&md.dev) == 0);
	CHECK(fs_unlink(NULL, "/f0") == 0 && fs_unlink(NULL, "/f1") == 0);
	CHECK(put_file("/again", (char[8192]){ 1 }, 8192) == 0);
	finish();
}

static void test_out_of_inodes(void)
{
	char name[32];
	int err = 0, n;

	fresh(2048, 16);
	for (n = 0; err == 0; n++) {
		snprintf(name, sizeof(name), "/i%d", n);
		err = n % 2 ? put_file(name, "x", 1) : fs_mkdir(NULL, name);
	}
	CHECK(err == -ENOSPC && n == 15); /* inodes 2..15, then no more */
	CHECK(fs_unlink(NULL, "/i1") == 0 && put_file("/last", "", 0) == 0);
	finish();
}

static void test_log_stats(void)
{
	struct fs_stats st;
	uint64_t commits;

	fresh(2048, 0);
	fs_get_stats(&st);
	commits = st.commits;
	CHECK(put_file("/s", "abc", 3) == 0);
	fs_get_stats(&st);
	CHECK(st.commits == commits + 2); /* create, write; the close has nothing to log */
	CHECK(st.logcap == fs_default_nlog(2048) - 1 && st.peak <= st.maxop);
	finish();
}

/* statfs counts what fsck counts, and follows writes and unlinks. */
static void test_statfs(void)
{
	static uint8_t data[10 * FS_BSIZE];
	struct fsck_result r;
	struct statfs st;
	uint64_t bfree, ffree;

	CHECK(fs_statfs(&st) == -ENXIO); /* nothing mounted */
	fresh(2048, 64);
	CHECK(fs_statfs(&st) == 0);
	CHECK(st.bsize == FS_BSIZE && st.blocks == 2048 && st.files == 63);
	CHECK(fsck_status(&r) == FSCK_CLEAN);
	CHECK(st.bfree == st.blocks - r.used_blocks && st.ffree == st.files - r.used_inodes);
	bfree = st.bfree, ffree = st.ffree;
	CHECK(put_file("/ten", data, sizeof(data)) == 0);
	CHECK(fs_statfs(&st) == 0 && st.bfree == bfree - 10 && st.ffree == ffree - 1);
	CHECK(fs_unlink(NULL, "/ten") == 0);
	CHECK(fs_statfs(&st) == 0 && st.bfree == bfree && st.ffree == ffree);
	finish();
}

static void test_unmount_busy(void)
{
	struct inode *ip;

	fresh(2048, 0);
	ip = fs_root();
	CHECK(ip != NULL);
	CHECK(fs_unmount() == -EBUSY);
	fs_iput(ip);
	finish();
}

int main(void)
{
	RUN(test_format);
	RUN(test_mkfs_image_mounts);
	RUN(test_files);
	RUN(test_file_errors);
	RUN(test_big_file);
	RUN(test_many_files);
	RUN(test_directories);
	RUN(test_hard_links);
	RUN(test_open_unlinked);
	RUN(test_full_disk);
	RUN(test_full_disk_remount);
	RUN(test_out_of_inodes);
	RUN(test_log_stats);
	RUN(test_statfs);
	RUN(test_unmount_busy);
	UNIT_EXIT();
}
