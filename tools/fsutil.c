// SPDX-License-Identifier: MIT
// fsutil: list, read and write files in a nagi file system image, with the kernel's own code.
#include "kernel/fs/fs.h"
#include "lib/errno.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The image is a host file, or a region of one (-o: the pmem media inside
 * the file that backs guest RAM). The file system code is the kernel's,
 * built for the host, so what fsutil reads is what nagi would read: a
 * committed log is replayed, damage is refused with the kernel's errors.
 */

static int img_fd;
static off_t img_off;

static int img_read(struct fs_dev *d, uint32_t b, void *buf)
{
	(void)d;
	return pread(img_fd, buf, FS_BSIZE, img_off + (off_t)b * FS_BSIZE) == FS_BSIZE ? 0 : -EIO;
}

static int img_write(struct fs_dev *d, uint32_t b, const void *buf)
{
	(void)d;
	return pwrite(img_fd, buf, FS_BSIZE, img_off + (off_t)b * FS_BSIZE) == FS_BSIZE ? 0 : -EIO;
}

static int img_flush(struct fs_dev *d)
{
	(void)d;
	return fsync(img_fd) == 0 ? 0 : -EIO;
}

static const struct fs_dev_ops img_ops = { .read = img_read, .write = img_write, .flush = img_flush };

static void usage(void)
{
	fprintf(stderr,
		"usage: fsutil [-o OFFSET] IMAGE COMMAND\n"
		"  ls [PATH]        list a directory (type, inode, links, size, name)\n"
		"  cat PATH         copy a file to standard output\n"
		"  put PATH FILE    make PATH hold the host file FILE (created or replaced)\n"
		"  OFFSET: where the file system starts in IMAGE, in bytes or with K/M.\n"
		"Exit status: 0 done, 1 the file system refused (message says why), 2 usage.\n");
	exit(2);
}

static off_t parse_offset(const char *s)
{
	char *end;
	unsigned long long n = strtoull(s, &end, 0);

	if (*end == 'K' || *end == 'k')
		n <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		n <<= 20, end++;
	if (*end || n % FS_BSIZE)
		usage();
	return (off_t)n;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "fsutil: %s: %s\n", what, errno_name(err));
	return 1;
}

static int do_ls(const char *path)
{
	struct inode *dp, *ip;
	struct dirent de;
	struct stat st;
	char child[300];
	int err = fs_lookup(NULL, path, &dp);

	if (err)
		return fail(path, err);
	for (uint64_t off = 0; fs_read(dp, false, (uint64_t)&de, off, sizeof(de)) == sizeof(de);
	     off += sizeof(de)) {
		if (!de.inum)
			continue;
		snprintf(child, sizeof(child), "%s/%.*s", path, DIRSIZ, de.name);
		if (fs_lookup(NULL, child, &ip) || fs_stat(ip, &st)) {
			printf("?    %5u ? ? %.*s\n", de.inum, DIRSIZ, de.name);
			continue;
		}
		printf("%-4s %5u %2d %8lu %.*s\n",
		       st.type == T_DIR ? "dir" : st.type == T_FILE ? "file" : "dev", st.ino,
		       st.nlink, (unsigned long)st.size, DIRSIZ, de.name);
		fs_iput(ip);
	}
	fs_iput(dp);
	return 0;
}

static int do_cat(const char *path)
{
	static char buf[64 << 10];
	struct inode *ip;
	uint64_t off = 0;
	long n;
	int err = fs_open(NULL, path, O_RDONLY, &ip);

	if (err)
		return fail(path, err);
	while ((n = fs_read(ip, false, (uint64_t)buf, off, sizeof(buf))) > 0) {
		fwrite(buf, 1, (size_t)n, stdout);
		off += (uint64_t)n;
	}
	fs_iput(ip);
	return n < 0 ? fail(path, (int)n) : 0;
}

static int do_put(const char *path, const char *host)
{
	static char buf[64 << 10];
	struct inode *ip;
	uint64_t off = 0;
	size_t n;
	long w = 0;
	FILE *f = fopen(host, "rb");
	int err;

	if (!f) {
		perror(host);
		return 1;
	}
	err = fs_open(NULL, path, O_CREATE | O_TRUNC | O_WRONLY, &ip);
	if (err) {
		fclose(f);
		return fail(path, err);
	}
	while (w >= 0 && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
		w = fs_write(ip, false, (uint64_t)buf, off, n);
		if (w >= 0 && (size_t)w != n)
			w = -ENOSPC;
		off += n;
	}
	fs_iput(ip);
	fclose(f);
	return w < 0 ? fail(path, (int)w) : 0;
}

int main(int argc, char **argv)
{
	struct fs_dev dev = { .ops = &img_ops };
	FILE *f;
	off_t size;
	int c, err, rc = 2;
	const char *cmd;

	while ((c = getopt(argc, argv, "o:")) != -1) {
		if (c != 'o')
			usage();
		img_off = parse_offset(optarg);
	}
	if (argc - optind < 2)
		usage();
	/* stdio, not open(2): <fcntl.h>'s O_* would clash with nagi's. */
	f = fopen(argv[optind], "r+b");
	if (!f) {
		perror(argv[optind]);
		return 1;
	}
	img_fd = fileno(f);
	size = lseek(img_fd, 0, SEEK_END);
	if (size <= img_off) {
		fprintf(stderr, "fsutil: %s: no file system at offset %ld\n", argv[optind],
			(long)img_off);
		return 1;
	}
	dev.nblocks = (uint32_t)((size - img_off) / FS_BSIZE);
	err = fs_mount(&dev);
	if (err)
		return fail("mount", err);
	cmd = argv[optind + 1];
	if (!strcmp(cmd, "ls") && argc - optind <= 3)
		rc = do_ls(argc - optind == 3 ? argv[optind + 2] : "/");
	else if (!strcmp(cmd, "cat") && argc - optind == 3)
		rc = do_cat(argv[optind + 2]);
	else if (!strcmp(cmd, "put") && argc - optind == 4)
		rc = do_put(argv[optind + 2], argv[optind + 3]);
	else
		usage();
	fs_unmount();
	fclose(f);
	return rc;
}
