// SPDX-License-Identifier: MIT
// fsck: check a nagi file system image; exit 0 clean, 1 inconsistent, 2 unusable.
#include "fsck_check.h"
#include "lib/fs_format.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void print(void *arg, const char *msg)
{
	printf("%s: %s\n", (const char *)arg, msg);
}

static void usage(void)
{
	fprintf(stderr, "usage: fsck [-r] IMAGE\n"
			"  -r  install a committed log into the image (as a mount would)\n"
			"exit status: 0 clean, 1 inconsistent, 2 unusable\n");
	exit(2);
}

/* The image file, malloc'd and padded to whole blocks: *nblocks. */
static uint8_t *load(const char *path, uint64_t *nblocks)
{
	FILE *f = fopen(path, "rb");
	uint8_t *img = NULL;
	long n;

	if (!f || fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0 ||
	    !(img = calloc(1, (size_t)n + FS_BSIZE)) || fread(img, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(2);
	}
	fclose(f);
	*nblocks = (uint64_t)n / FS_BSIZE;
	return img;
}

static int save(const char *path, const uint8_t *img, uint64_t nblocks)
{
	FILE *f = fopen(path, "r+b");

	if (!f || fwrite(img, FS_BSIZE, nblocks, f) != nblocks || fclose(f) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct fsck_result r;
	uint64_t nblocks;
	int flags = 0, c;
	uint8_t *img;

	while ((c = getopt(argc, argv, "r")) != -1) {
		if (c != 'r')
			usage();
		flags |= FSCK_REPLAY;
	}
	if (argc - optind != 1)
		usage();
	img = load(argv[optind], &nblocks);
	fsck_check(img, nblocks, flags, print, argv[optind], &r);
	if (r.replayed && save(argv[optind], img, r.size) < 0)
		return 2;
	if (r.status == FSCK_UNUSABLE)
		printf("%s: unusable\n", argv[optind]);
	else
		printf("%s: %s: %u problems; %u/%u blocks, %u/%u inodes in use, %u files, "
		       "%u directories\n", argv[optind], r.status ? "INCONSISTENT" : "clean",
		       r.problems, r.used_blocks, r.size, r.used_inodes, r.ninodes - 1, r.files,
		       r.dirs);
	free(img);
	return r.status;
}
