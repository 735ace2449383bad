// SPDX-License-Identifier: MIT
// mkfs: build a nagi file system image holding the given files in /.
#include "mkfs_image.h"
#include "lib/errno.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: mkfs [-i INODES] [-l LOGBLOCKS] [-n PATH=MAJOR,MINOR]... IMAGE SIZE "
			"[FILE...]\n"
			"  SIZE in bytes, or with a K or M suffix; a multiple of %d.\n"
			"  Each FILE goes into / under its base name.\n"
			"  -n makes a device file (its directories too): -n /dev/console=1,0\n",
		FS_BSIZE);
	exit(2);
}

/* "64M", "4096K", "1048576": bytes. */
static uint64_t parse_size(const char *s)
{
	char *end;
	uint64_t n = strtoull(s, &end, 0);

	if (*end == 'K' || *end == 'k')
		n <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		n <<= 20, end++;
	if (*end || n == 0 || n % FS_BSIZE)
		usage();
	return n;
}

/* The whole of file path, malloc'd: *len bytes. */
static void *slurp(const char *path, uint32_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f || fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || n > (long)FS_MAXBYTES ||
	    fseek(f, 0, SEEK_SET) < 0 || !(buf = malloc(n ? n : 1)) ||
	    fread(buf, 1, n, f) != (size_t)n) {
		fprintf(stderr, "mkfs: %s: %s\n", path, errno ? strerror(errno) : "too big");
		exit(1);
	}
	fclose(f);
	*len = (uint32_t)n;
	return buf;
}

static void add_file(struct mkfs *m, const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	uint32_t len;
	void *data = slurp(path, &len);
	int err = mkfs_add(m, FS_ROOTINO, base, T_FILE, data, len, NULL);

	if (err < 0) {
		fprintf(stderr, "mkfs: %s: %s\n", path, errno_name(err));
		exit(1);
	}
	free(data);
}

/* The directory dir/name, made if missing: *inum. */
static int subdir(struct mkfs *m, uint32_t dir, const char *name, uint32_t *inum)
{
	if (mkfs_lookup(m, dir, name, inum) < 0)
		return mkfs_add(m, dir, name, T_DIR, NULL, 0, inum);
	return mkfs_type(m, *inum) == T_DIR ? 0 : -ENOTDIR;
}

/* -n PATH=MAJOR,MINOR: a device file, with the directories on its path. */
static void add_device(struct mkfs *m, const char *spec)
{
	char path[256], *eq, *elem, *next;
	unsigned major, minor;
	uint32_t dir = FS_ROOTINO;
	int err = 0;

	snprintf(path, sizeof(path), "%s", spec);
	eq = strchr(path, '=');
	if (!eq || sscanf(eq + 1, "%u,%u", &major, &minor) != 2 || major > 0xffff ||
	    minor > 0xffff)
		usage();
	*eq = '\0';
	for (elem = path; *elem == '/'; elem++)
		;
	while (err == 0 && (next = strchr(elem, '/'))) {
		*next = '\0';
		err = subdir(m, dir, elem, &dir);
		elem = next + 1;
	}
	if (err == 0)
		err = mkfs_mknod(m, dir, elem, (uint16_t)major, (uint16_t)minor, NULL);
	if (err < 0) {
		fprintf(stderr, "mkfs: %s: %s\n", spec, errno_name(err));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	uint32_t ninodes = 0, nlog = 0;
	struct mkfs m;
	uint8_t *img;
	uint64_t bytes;
	FILE *out;
	int c;

	const char *devs[16];
	int ndevs = 0;

	while ((c = getopt(argc, argv, "i:l:n:")) != -1) {
		if (c == 'i')
			ninodes = (uint32_t)strtoul(optarg, NULL, 0);
		else if (c == 'l')
			nlog = (uint32_t)strtoul(optarg, NULL, 0);
		else if (c == 'n' && ndevs < 16)
			devs[ndevs++] = optarg;
		else
			usage();
	}
	if (argc - optind < 2)
		usage();
	bytes = parse_size(argv[optind + 1]);
	if (bytes / FS_BSIZE > FS_MAXBLOCKS || !(img = malloc(bytes)) ||
	    mkfs_format(&m, img, (uint32_t)(bytes / FS_BSIZE), ninodes, nlog) < 0) {
		fprintf(stderr, "mkfs: no valid layout for %s with those inodes and log "
				"(at most %u blocks)\n", argv[optind + 1], FS_MAXBLOCKS);
		return 1;
	}
	for (int i = 0; i < ndevs; i++)
		add_device(&m, devs[i]);
	for (int i = optind + 2; i < argc; i++)
		add_file(&m, argv[i]);
	mkfs_finish(&m);
	if (!(out = fopen(argv[optind], "wb")) || fwrite(img, 1, bytes, out) != bytes ||
	    fclose(out) != 0) {
		perror(argv[optind]);
		return 1;
	}
	printf("mkfs: %s: %u blocks (%u inodes, log %u, data from %u), %u used, %d files, "
	       "%d devices\n", argv[optind], m.sb.size, m.sb.ninodes, m.sb.nlog, m.sb.data_start,
	       m.next_block, argc - optind - 2, ndevs);
	return 0;
}
