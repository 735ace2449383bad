// SPDX-License-Identifier: MIT
// Crash consistency: a recorded workload cut off after every device write, then remounted.
#define _GNU_SOURCE /* memmem */
#include "fs_host.h"
#include "lib/errno.h"
#include "stubs.h"
#include "unit.h"
#include <string.h>

/*
 * The workload runs once on a device that records every write and flush.
 * Each step is one file system call, so one transaction; after each, the
 * journal length and a hash of the whole tree are kept. A crash after N
 * journal entries is then rebuilt from the image before the workload:
 *   prefix:  the first N writes reached the disk (a device that stopped);
 *   reorder: everything up to the last flush before N, and a random subset
 *            of the writes after it (a device that reorders its cache).
 * Mounting that image must work and show the tree after step k or k + 1,
 * where step k is the last one complete on disk, and fsck must be clean.
 */
#define NBLOCKS 512
#define MAXSTEPS 300

static struct memdev live;
static uint8_t *base;  /* the image before the workload */
static uint64_t hashes[MAXSTEPS + 1];
static size_t done_at[MAXSTEPS + 1];
static int nsteps;
static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng >> 33) % n;
}

/* A step ended: where the journal is, and what the tree holds. */
static void step(void)
{
	if (nsteps == MAXSTEPS)
		return;
	nsteps++;
	done_at[nsteps] = live.jlen;
	hashes[nsteps] = tree_hash();
}

static const char *const names[] = { "/a", "/b", "/c", "/d1/a", "/d1/b", "/d1/d2/a", "/d1/d2/b" };
static const char *const dirs[] = { "/d1", "/d1/d2", "/d3" };

/* Open (maybe create, maybe truncate) a file, write to it in steps, close. */
static void write_file(const char *name, int writes, uint32_t most)
{
	static uint8_t data[4096];
	struct inode *ip;
	int flags = O_RDWR | (rnd(4) ? O_CREATE : 0) | (rnd(3) ? 0 : O_TRUNC);

	if (fs_open(NULL, name, flags, &ip) < 0) {
		step();
		return;
	}
	step();
	for (int i = 0; i < writes; i++) {
		uint32_t n = 1 + rnd(most);
		fill(data, n, rng);
		fs_write(ip, false, (uint64_t)data, FS_OFF_APPEND, n);
		step();
	}
	fs_iput(ip);
	step();
}

/* A file that is written after its name is gone: an orphan if cut short. */
static void orphan(void)
{
	struct inode *ip;

	if (fs_open(NULL, "/orphan", O_CREATE | O_RDWR, &ip) < 0)
		return;
	step();
	fs_write(ip, false, (uint64_t)"before", 0, 6);
	step();
	fs_unlink(NULL, "/orphan");
	step();
	fs_write(ip, false, (uint64_t)(char[3000]){ 1 }, 6, 3000);
	step();
	fs_iput(ip);
	step();
}

static void workload(void)
{
	while (nsteps < MAXSTEPS - 30) {
		switch (rnd(10)) {
		case 0: case 1: case 2:
			write_file(names[rnd(7)], 1 + rnd(3), 4096);
			break;
		case 3:
			fs_unlink(NULL, names[rnd(7)]);
			step();
			break;
		case 4:
			fs_mkdir(NULL, dirs[rnd(3)]);
			step();
			break;
		case 5:
			fs_unlink(NULL, dirs[rnd(3)]);
			step();
			break;
		case 6:
			fs_link(NULL, names[rnd(7)], names[rnd(7)]);
			step();
			break;
		case 7:
			orphan();
			break;
		case 8:
			if (rnd(4) == 0)
				write_file("/big", 20, 4096); /* into the double-indirect block */
			break;
		default:
			write_file(names[rnd(7)], 1, 300);
		}
	}
}

/* Record the workload from seed. */
static void record(uint64_t seed)
{
	memdev_init(&live, NBLOCKS);
	CHECK(memdev_mkfs(&live, 64) == 0);
	base = malloc((size_t)NBLOCKS * FS_BSIZE);
	memcpy(base, live.data, (size_t)NBLOCKS * FS_BSIZE);
	CHECK(fs_mount(&live.dev) == 0);
	live.record = true;
	rng = seed;
	nsteps = 0;
	done_at[0] = 0;
	hashes[0] = tree_hash();
	CHECK(live.jlen == 0);
	workload();
	CHECK(fs_unmount() == 0);
}

/* Apply journal entry i to img. */
static void apply(uint8_t *img, size_t i)
{
	const struct jentry *e = &live.journal[i];

	if (e->data)
		memcpy(img + (uint64_t)e->blockno * FS_BSIZE, e->data, FS_BSIZE);
}

/* Is every problem fsck found one a mount repairs? */
static bool only_mount_repairs(const char *msgs)
{
	for (const char *l = msgs; *l; l++) {
		const char *end = strchr(l, '\n');
		if (!end || (strncmp(l, "log: a committed", 16) &&
			     !memmem(l, (size_t)(end - l), "orphan", 6)))
			return false;
		l = end;
	}
	return true;
}

/* Mount the crashed image img, whose durable prefix is dur journal
 * entries; check what it holds. Returns true if all is well. */
static bool check_crash(const uint8_t *img, size_t dur, size_t n, const char *mode)
{
	static char msgs[4096];
	static struct memdev md;
	struct fsck_result r;
	int k = 0, s, m;
	uint64_t h = 0;
	bool ok;

	while (k < nsteps && done_at[k + 1] <= dur)
		k++;
	if (!md.data)
		memdev_init(&md, NBLOCKS); /* kept: big allocations are slow under ASan */
	md.wild = 0;
	memcpy(md.data, img, (size_t)NBLOCKS * FS_BSIZE);
	s = memdev_fsck(&md, 0, &r, msgs, sizeof(msgs));
	ok = s == FSCK_CLEAN || (s == FSCK_BROKEN && only_mount_repairs(msgs));
	if ((m = fs_mount(&md.dev)) == 0) {
		h = tree_hash();
		ok &= fs_unmount() == 0;
	}
	ok &= m == 0 && (h == hashes[k] || (k < nsteps && h == hashes[k + 1]));
	ok &= memdev_fsck(&md, 0, &r, msgs, sizeof(msgs)) == FSCK_CLEAN && md.wild == 0;
	if (!ok)
		printf("    %s crash after %zu writes (step %d of %d): fsck %d, mount %d, "
		       "hash %s\n%s", mode, n, k, nsteps, s, m, h == hashes[k] ? "old" : "?", msgs);
	return ok;
}

/* Crash after every journal entry, both ways. */
static void crash_everywhere(uint64_t seed)
{
	size_t len = live.jlen, p = 0;
	const size_t bytes = (size_t)NBLOCKS * FS_BSIZE;
	uint8_t *prefix = malloc(bytes), *flushed = malloc(bytes), *img = malloc(bytes);
	int bad = 0;

	memcpy(prefix, base, bytes);
	memcpy(flushed, base, bytes);
	for (size_t n = 0; n <= len && bad < 3; n++) {
		if (n > 0)
			apply(prefix, n - 1);
		bad += !check_crash(prefix, n, n, "prefix");
		/* flushed holds entries [0, p), p just after the last flush before n */
		if (n > 0 && live.journal[n - 1].blockno == JOURNAL_FLUSH)
			for (; p < n; p++)
				apply(flushed, p);
		memcpy(img, flushed, bytes);
		rng = seed ^ n;
		for (size_t i = p; i < n; i++)
			if (rnd(2))
				apply(img, i);
		bad += !check_crash(img, p, n, "reorder");
	}
	CHECK(bad == 0);
	free(prefix);
	free(flushed);
	free(img);
}

static void run_seed(uint64_t seed)
{
	record(seed);
	CHECK(nsteps > 250 && live.jlen > 1000);
	crash_everywhere(seed);
	memdev_free(&live);
	free(base);
}

static void test_crash_seed_1(void) { run_seed(1); }
static void test_crash_seed_2(void) { run_seed(2); }
static void test_crash_seed_3(void) { run_seed(3); }

int main(void)
{
	RUN(test_crash_seed_1);
	RUN(test_crash_seed_2);
	RUN(test_crash_seed_3);
	UNIT_EXIT();
}
