// SPDX-License-Identifier: MIT
// fsprof: seed 000's file calls on the kernel's file system code in host memory, for a profiler.
#include "kernel/fs/fs.h"
#include "lib/errno.h"
#include "tools/mkfs_image.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Run under valgrind --tool=callgrind (or perf): mount a fresh file system
 * in memory, then ROUNDS rounds of open, 8 x write 512 B, close, open,
 * 8 x read 512 B, close, as user/lib/seedload.c does. The first round
 * allocates the blocks; later ones overwrite cached blocks. Prints device
 * commands per call. "fsprof ROUNDS bench" then runs it as bench does
 * too: each time a new file, two rounds, and the file removed;
 * "fsprof ROUNDS seed" does only that, in a tree shaped like nagi's after
 * a bench run: 50 files in /, and /seed, which held 64 files, holding
 * one (callgrind --toggle-collect=round_once: the seed's calls alone).
 */

#define NBLOCKS 8192
#define WRITES 8

static uint8_t *media;
static unsigned long nreads, nwrites, nflushes;

static int mem_read(struct fs_dev *d, uint32_t b, void *buf)
{
	(void)d;
	nreads++;
	memcpy(buf, media + (size_t)b * FS_BSIZE, FS_BSIZE);
	return 0;
}

static int mem_write(struct fs_dev *d, uint32_t b, const void *buf)
{
	(void)d;
	nwrites++;
	memcpy(media + (size_t)b * FS_BSIZE, buf, FS_BSIZE);
	return 0;
}

static int mem_flush(struct fs_dev *d)
{
	(void)d;
	nflushes++;
	return 0;
}

static void print_counts(int rounds, int calls, uint64_t commits);

/* The tree of "seed": 50 files in / (the boot image's programs) and
 * /seed, whose 64 files a bench run made and removed. 0 or -E*. */
static int seed_tree(void)
{
	struct inode *ip;
	char name[32];
	int err = fs_mkdir(NULL, "/seed");

	for (int i = 0; i < 50 + 64 && err == 0; i++) {
		snprintf(name, sizeof(name), i < 50 ? "/prog%d" : "/seed/f%d", i < 50 ? i : i - 50);
		if ((err = fs_open(NULL, name, O_CREATE | O_RDWR, &ip)) == 0)
			fs_iput(ip);
	}
	for (int i = 0; i < 64 && err == 0; i++) {
		snprintf(name, sizeof(name), "/seed/f%d", i);
		err = fs_unlink(NULL, name);
	}
	return err;
}

static const struct fs_dev_ops mem_ops = { .read = mem_read, .write = mem_write, .flush = mem_flush };

/* One round of the seed workload on path; 0 or the failing step. */
static int round_once(const char *path)
{
	static char out[FS_BSIZE], in[FS_BSIZE];
	struct inode *ip;
	uint64_t off = 0;

	if (fs_open(NULL, path, O_CREATE | O_RDWR, &ip) < 0)
		return 1;
	for (int j = 0; j < WRITES; j++, off += FS_BSIZE) {
		memset(out, 'a' + j, sizeof(out));
		if (fs_write(ip, false, (uint64_t)out, off, FS_BSIZE) != FS_BSIZE)
			return 2;
	}
	fs_iput(ip);
	if (fs_open(NULL, path, O_RDONLY, &ip) < 0)
		return 3;
	off = 0;
	for (int j = 0; j < WRITES; j++, off += FS_BSIZE) {
		if (fs_read(ip, false, (uint64_t)in, off, FS_BSIZE) != FS_BSIZE ||
		    in[0] != 'a' + j)
			return 4;
	}
	fs_iput(ip);
	return 0;
}

int main(int argc, char **argv)
{
	static struct fs_dev dev = { .ops = &mem_ops, .nblocks = NBLOCKS };
	int rounds = argc > 1 ? atoi(argv[1]) : 1000, err;
	const int calls = 2 * WRITES + 4;
	struct fs_stats st;
	struct mkfs mk;

	media = calloc(NBLOCKS, FS_BSIZE);
	if (!media || mkfs_format(&mk, media, NBLOCKS, 0, 0) < 0)
		return 2;
	mkfs_finish(&mk);
	if ((err = fs_mount(&dev)) < 0) {
		fprintf(stderr, "fsprof: mount: %s\n", errno_name(err));
		return 1;
	}
	if ((err = round_once("/f0")) != 0) { /* allocates the file's blocks */
		fprintf(stderr, "fsprof: first round failed at step %d\n", err);
		return 1;
	}
	nreads = nwrites = nflushes = 0;
	fs_get_stats(&st);
	uint64_t commits0 = st.commits;
	bool seed = argc > 2 && !strcmp(argv[2], "seed");
	for (int r = 0; r < (seed ? 0 : rounds); r++)
		if ((err = round_once("/f0")) != 0) {
			fprintf(stderr, "fsprof: round %d failed at step %d\n", r, err);
			return 1;
		}
	fs_get_stats(&st);
	print_counts(rounds, calls, st.commits - commits0);
	if (argc < 3 || (strcmp(argv[2], "bench") && strcmp(argv[2], "seed")))
		return 0;
	const char *path = seed ? "/seed/f0" : "/g";
	if (seed && (err = seed_tree()) < 0) {
		fprintf(stderr, "fsprof: making the seed tree: %s\n", errno_name(err));
		return 1;
	}
	/* As bench runs it: a new file, two rounds, then it is removed. */
	nreads = nwrites = nflushes = 0;
	commits0 = st.commits;
	for (int r = 0; r < rounds; r++) {
		if (round_once(path) || round_once(path) || fs_unlink(NULL, path) < 0) {
			fprintf(stderr, "fsprof: bench-like run %d failed\n", r);
			return 1;
		}
	}
	fs_get_stats(&st);
	printf("fsprof: as bench (new file, 2 rounds, unlink): ");
	print_counts(2 * rounds, calls, st.commits - commits0);
	return 0;
}

static void print_counts(int rounds, int calls, uint64_t commits)
{
	printf("fsprof: %d rounds of %d calls: per call %.2f device commands "
	       "(%.2f reads, %.2f writes, %.2f flushes), %.2f commits\n",
	       rounds, calls, (double)(nreads + nwrites + nflushes) / rounds / calls,
	       (double)nreads / rounds / calls, (double)nwrites / rounds / calls,
	       (double)nflushes / rounds / calls, (double)commits / rounds / calls);
}
