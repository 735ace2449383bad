// SPDX-License-Identifier: MIT
// Device errors: a write or flush failing at each point of a commit reaches the caller as
// -EIO, the file system then refuses everything, and the disk is left consistent.
#include "fs_host.h"
#include "lib/errno.h"
#include "stubs.h"
#include "unit.h"
#include <string.h>

#define NBLOCKS 2048
#define FSIZE 3000 /* /f: six blocks, rewritten in place by one transaction */

static struct memdev md;
static uint8_t *base;                 /* the image every case starts from */
static uint8_t keep[5000], old[FSIZE], new[FSIZE];

static void build_base(void)
{
	memdev_init(&md, NBLOCKS);
	CHECK(memdev_mkfs(&md, 0) == 0);
	CHECK(fs_mount(&md.dev) == 0);
	fill(keep, sizeof(keep), 1);
	fill(old, sizeof(old), 2);
	fill(new, sizeof(new), 3);
	CHECK(put_file("/keep", keep, sizeof(keep)) == 0);
	CHECK(put_file("/f", old, sizeof(old)) == 0);
	CHECK(fs_unmount() == 0);
	base = md.data;
	md.data = NULL;
	memdev_free(&md);
}

/* A copy of the base image on md, mounted; /f open for writing. */
static struct inode *start(void)
{
	struct inode *ip = NULL;

	memdev_init(&md, NBLOCKS);
	memcpy(md.data, base, (size_t)NBLOCKS * FS_BSIZE);
	CHECK(fs_mount(&md.dev) == 0);
	CHECK(fs_open(NULL, "/f", O_RDWR, &ip) == 0);
	return ip;
}

/* After a failed commit every call that needs the log, and every read,
 * is -EIO; letting go of an inode still works. */
static void expect_refused(struct inode *ip)
{
	struct inode *other;
	char buf[16];

	CHECK(fs_write(ip, false, (uint64_t)new, 0, 10) == -EIO);
	CHECK(fs_write(ip, false, (uint64_t)new, FS_OFF_APPEND, 10) == -EIO);
	CHECK(fs_read(ip, false, (uint64_t)buf, 0, sizeof(buf)) == -EIO);
	CHECK(fs_fsync(ip) == -EIO);
	CHECK(fs_open(NULL, "/keep", O_RDONLY, &other) == -EIO);
	CHECK(fs_open(NULL, "/new", O_CREATE | O_RDWR, &other) == -EIO);
	CHECK(fs_lookup(NULL, "/keep", &other) == -EIO);
	CHECK(fs_mkdir(NULL, "/d") == -EIO);
	CHECK(fs_link(NULL, "/keep", "/k2") == -EIO);
	CHECK(fs_unlink(NULL, "/keep") == -EIO);
	fs_iput(ip);
}

/* Mount what the failure left: fsck clean, /keep whole, /f all old or all
 * new. Returns 1 for new, 0 for old, -1 for neither. */
static int check_after(void)
{
	static uint8_t buf[sizeof(keep) + 1];
	struct fsck_result r;
	static char msgs[4096];
	long n;
	int got = -1;

	CHECK(md.wild == 0);
	md.fail_writes_after = md.fail_flushes_after = -1;
	CHECK(fs_mount(&md.dev) == 0); /* installs a committed log */
	CHECK(get_file("/keep", buf, sizeof(buf)) == sizeof(keep) && !memcmp(buf, keep, sizeof(keep)));
	n = get_file("/f", buf, sizeof(buf));
	if (n == FSIZE && !memcmp(buf, old, FSIZE))
		got = 0;
	else if (n == FSIZE && !memcmp(buf, new, FSIZE))
		got = 1;
	CHECK(got >= 0);
	CHECK(fs_unmount() == 0);
	if (memdev_fsck(&md, 0, &r, msgs, sizeof(msgs)) != FSCK_CLEAN) {
		printf("    fsck:\n%s", msgs);
		CHECK(false);
	}
	memdev_free(&md);
	return got;
}

/* Fail the k-th device write (or flush) of rewriting /f, for every k that
 * lands inside the commit: before the commit point the call fails and the
 * old contents survive; after it (a home write) the call has succeeded,
 * its change is durable (the next mount installs it) and the file system
 * refuses what follows. Never a mixture, never a wild write. */
static void fail_each(bool flushes)
{
	int seen[2] = { 0, 0 }, cases = 0;

	for (long k = 0;; k++) {
		struct inode *ip = start();
		long r;

		if (flushes)
			md.fail_flushes_after = k;
		else
			md.fail_writes_after = k;
		r = fs_write(ip, false, (uint64_t)new, 0, FSIZE);
		if (r == FSIZE && fs_fsync(ip) == 0) { /* k is past the last one */
			fs_iput(ip);
			md.fail_writes_after = md.fail_flushes_after = -1; /* the unmount's */
			CHECK(fs_unmount() == 0);
			CHECK(check_after() == 1);
			break;
		}
		CHECK(r == -EIO || r == FSIZE);
		expect_refused(ip);
		CHECK(fs_unmount() == 0); /* nothing is left held or pinned */
		int got = check_after();
		CHECK(r == -EIO || got == 1); /* a call that returned is durable */
		if (got >= 0)
			seen[got]++;
		cases++;
		if (k > 100)
			break;
	}
	printf("    %d %s failed in turn: old contents after %d, new after %d\n", cases,
	       flushes ? "flushes" : "writes", seen[0], seen[1]);
	/* 6 blocks logged, the header, 6 installed; a flush before the
	 * header and one after it */
	CHECK(cases >= (flushes ? 2 : 13));
	CHECK(seen[0] > 0 && seen[1] > 0);
}

static void test_failed_writes(void)
{
	fail_each(false);
}

static void test_failed_flushes(void)
{
	fail_each(true);
}

/* A healthy file system: fsync is 0. */
static void test_fsync_ok(void)
{
	struct inode *ip = start();

	CHECK(fs_write(ip, false, (uint64_t)new, 0, 10) == 10);
	CHECK(fs_fsync(ip) == 0);
	fs_iput(ip);
	CHECK(fs_unmount() == 0);
	memdev_free(&md);
}

int main(void)
{
	build_base();
	RUN(test_fsync_ok);
	RUN(test_failed_writes);
	RUN(test_failed_flushes);
	free(base);
	UNIT_EXIT();
}
