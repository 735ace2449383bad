// SPDX-License-Identifier: MIT
// crashload: a write-heavy workload for the crash-consistency test
// (tests/boot/crash_tests.py), which kills QEMU at a random moment and
// then checks the image. Booted as init (init=crashload). Each boot works
// in a new directory rN and announces on the console what it has made
// durable, so the checker knows what must survive:
//   synced PATH LEN KEY   fsync of PATH (LEN bytes, pattern KEY) returned
//   grown PATH LEN KEY    PATH holds at least LEN bytes of pattern KEY
//   rm PATH               PATH is being removed: it may or may not survive
#include "../user.h"

#define KEEP 16       /* files kept before the oldest is removed */
#define NFILES 100000 /* stop after this many (the checker kills sooner:
		       * 2000 took less than its latest kill, 2.5 s) */
#define BIGCHUNK 4096 /* bytes appended to big at a time */
#define BIGMAX (256 * 1024) /* big stops growing here: every boot keeps its
			     * big, and a hundred of them share the disk */

static char buf[32 * 1024];
static uint32_t rng = 12345;

static uint32_t rand32(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Byte j of a file with pattern key; the checker computes the same, and
 * mixing in the block number makes a block written in the wrong place
 * show. */
static uint8_t pattern(uint32_t key, uint32_t j)
{
	uint32_t x = key ^ ((j >> 9) * 0x9E3779B1u);
	x ^= x >> 15;
	return (uint8_t)(x + j);
}

static void fill(uint32_t key, uint32_t off, uint32_t n)
{
	for (uint32_t j = 0; j < n; j++)
		buf[j] = (char)pattern(key, off + j);
}

/* Write len bytes of pattern key to fd in pieces of random size. */
static int write_pattern(int fd, uint32_t key, uint32_t off, uint32_t len)
{
	while (len > 0) {
		uint32_t piece = 1 + rand32() % sizeof(buf); /* MIN evaluates twice */
		uint32_t n = MIN(len, piece);
		int w;
		fill(key, off, n);
		w = write(fd, buf, n);
		if (w != (int)n) {
			printf("crashload: write of %u at %u returned %d\n", n, off, w);
			return w < 0 ? w : -EIO;
		}
		off += n;
		len -= n;
	}
	return 0;
}

static int make_file(const char *path, uint32_t key, uint32_t len)
{
	int fd = open(path, O_CREATE | O_TRUNC | O_WRONLY);
	int err = fd < 0 ? fd : write_pattern(fd, key, 0, len);

	if (err == 0)
		err = fsync(fd);
	if (fd >= 0)
		close(fd);
	return err;
}

int main(void)
{
	char dir[16], path[32];
	uint32_t bigkey, bigsize = 0;
	int big, run;

	if (open("/dev/console", O_RDWR) != 0 || dup(0) != 1 || dup(0) != 2)
		return 3;
	for (run = 0; run < 1000; run++) {
		snprintf(dir, sizeof(dir), "r%d", run);
		if (mkdir(dir) == 0)
			break;
	}
	rng += (uint32_t)run * 7919;
	printf("crashload: run %s\n", dir);
	snprintf(path, sizeof(path), "%s/big", dir);
	bigkey = rand32();
	big = open(path, O_CREATE | O_WRONLY);
	for (int i = 0; i < NFILES && big >= 0; i++) {
		uint32_t key = rand32(), len = 1 + rand32() % (24 * 1024);
		snprintf(path, sizeof(path), "%s/f%d", dir, i);
		int err = make_file(path, key, len);
		if (err < 0)
			return printf("crashload: writing %s failed: %s\n", path, errno_name(err)), 1;
		printf("synced %s %u %u\n", path, len, key);
		if (i % 4 == 0 && bigsize < BIGMAX) {
			if (write_pattern(big, bigkey, bigsize, BIGCHUNK) < 0 || fsync(big) < 0)
				return printf("crashload: growing big failed\n"), 1;
			bigsize += BIGCHUNK;
			printf("grown %s/big %u %u\n", dir, bigsize, bigkey);
		}
		if (i >= KEEP) {
			snprintf(path, sizeof(path), "%s/f%d", dir, i - KEEP);
			printf("rm %s\n", path);
			if (unlink(path) < 0)
				return printf("crashload: unlink %s failed\n", path), 1;
		}
	}
	printf("crashload: done\n");
	return 0;
}
