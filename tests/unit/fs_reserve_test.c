// SPDX-License-Identifier: MIT
// Reservations sized to the call: an inode freed by a small transaction's last put waits for room.
#include "fs_host.h"
#include "kernel/fs/cache.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/log.h"
#include "lib/errno.h"
#include "stubs.h"
#include "unit.h"
#include <string.h>

static struct memdev md;
static uint8_t data[20 * FS_BSIZE];

/* A file system of CROWDED blocks has 40 bitmap blocks, so a call's
 * worst case (FS_MAXOP: 64) is more than half the log (FS_LOGMAX caps
 * it): one call with all but one of its blocks logged leaves no room for
 * another worst case (the blocks it logged count once, in the group). */
#define CROWDED 160000
static void setup(uint32_t nblocks)
{
	memdev_mount_fresh(&md, nblocks, 0);
}

static void teardown(void)
{
	memdev_unmount_clean(&md);
}

static uint64_t free_blocks(void)
{
	struct statfs st;
	CHECK(fs_statfs(&st) == 0);
	return st.bfree;
}

/* An open file of 20 data blocks (and an indirect one) whose name is gone: its last put frees it. */
static struct inode *orphan(void)
{
	struct inode *ip;

	fill(data, sizeof(data), 7);
	CHECK(put_file("/f", data, sizeof(data)) == 0);
	CHECK(fs_open(NULL, "/f", O_RDONLY, &ip) == 0);
	CHECK(fs_unlink(NULL, "/f") == 0);
	return ip;
}

/* A call that reserved nothing drops the last reference of an orphan
 * with blocks while the log has room: freed at once, in its transaction. */
static void test_free_grows_the_reservation(void)
{
	setup(4096);
	uint64_t before = free_blocks();
	struct inode *ip = orphan();
	CHECK(free_blocks() == before - 21);
	CHECK(fs_log_reserve(0) == 0);
	inode_put(ip);
	CHECK(fs_log_end() == 0);
	CHECK(free_blocks() == before);
	teardown();
}

/* The same in a crowded transaction (its reservation used up): freeing
 * there would log past every reservation (a panic), so the inode waits
 * and inode_reap_deferred frees it after the transaction. */
static void test_free_waits_for_room(void)
{
	struct fs_buf *b;
	struct statfs st;

	setup(CROWDED);
	CHECK(fs_statfs(&st) == 0);
	uint64_t before = st.bfree;
	struct inode *ip = orphan();
	CHECK(fs_log_reserve(FS_LOGMAX) == 0); /* capped at the worst case, FS_MAXOP */
	struct fs_stats s;
	fs_get_stats(&s);
	CHECK(2 * s.maxop > s.logcap);
	for (uint32_t i = 0; i + 1 < s.maxop; i++) { /* all but one reserved block logged */
		CHECK(fs_cache_get(fs_sb.inode_start + i, &b) == 0);
		fs_log_write(b);
		fs_cache_put(b);
	}
	inode_put(ip);
	CHECK(fs_log_end() == 0);
	CHECK(free_blocks() == before - 21); /* still an orphan on the disk */
	inode_reap_deferred();
	CHECK(free_blocks() == before);
	teardown();
}

/* Fill the open group: one call's worst case reserved and all but one
 * block of it logged, so no other call's worst case fits. */
static void crowd_the_log(void)
{
	struct fs_buf *b;
	struct fs_stats s;

	CHECK(fs_log_reserve(FS_LOGMAX) == 0);
	fs_get_stats(&s);
	CHECK(2 * s.maxop > s.logcap);
	for (uint32_t i = 0; i + 1 < s.maxop; i++) {
		CHECK(fs_cache_get(fs_sb.inode_start + i, &b) == 0);
		fs_log_write(b);
		fs_cache_put(b);
	}
}

/* Opening an existing file (O_CREATE or not, no O_TRUNC) and looking a
 * path up change nothing: they need no room in the log, and do not wait
 * for it (on the host a wait panics) while a group fills it. */
static void test_open_existing_needs_no_room(void)
{
	struct inode *ip, *jp, *kp;

	setup(CROWDED);
	CHECK(put_file("/f", "data", 4) == 0);
	crowd_the_log();
	CHECK(fs_open(NULL, "/f", O_CREATE | O_RDWR, &ip) == 0);
	CHECK(fs_open(NULL, "/f", O_RDONLY, &jp) == 0);
	CHECK(fs_lookup(NULL, "/f", &kp) == 0);
	fs_iput(kp);
	CHECK(fs_open(NULL, "/", O_CREATE | O_RDWR, &kp) == -EISDIR);
	CHECK(fs_open(NULL, "/nothere", O_RDONLY, &kp) == -ENOENT);
	CHECK(fs_log_end() == 0);
	fs_iput(ip);
	fs_iput(jp);
	teardown();
}

/* Each call keeps to its own reservation, although the group's open
 * calls reserved more between them: once calls give back what they did
 * not use, a call that logs past its own share could overflow the log.
 * Two calls, posed as two threads: A reserves 1 block and B 10; A's
 * second new block panics (the code that checked only the group's sum,
 * 2 of 11, let it through), a block already in the group costs nothing. */
static void test_a_call_keeps_to_its_reservation(void)
{
	static int a, b;
	struct fs_buf *x, *y, *z;

	setup(4096);
	CHECK(fs_cache_get(fs_sb.inode_start, &x) == 0);
	CHECK(fs_cache_get(fs_sb.inode_start + 1, &y) == 0);
	CHECK(fs_cache_get(fs_sb.inode_start + 2, &z) == 0);
	fs_host_thread = &a;
	CHECK(fs_log_reserve(1) == 0);
	fs_host_thread = &b;
	CHECK(fs_log_reserve(10) == 0);
	fs_log_write(x); /* B: 1 of 10 */
	fs_host_thread = &a;
	fs_log_write(x); /* in the group already: A has used nothing */
	fs_log_write(y); /* A: 1 of 1 */
	CHECK(EXPECT_PANIC(fs_log_write(z)));
	CHECK(strstr(panic_message, "reserved") != NULL);
	fs_host_thread = (void *)1; /* the buffers' holder */
	fs_cache_put(x);
	fs_cache_put(y);
	fs_cache_put(z);
	/* A's end would wait for B's (on the host the wait panics, and A
	 * is out of the group by then); B's end, the last, commits. */
	fs_host_thread = &a;
	CHECK(EXPECT_PANIC(fs_log_end()));
	fs_host_thread = &b;
	CHECK(fs_log_end() == 0);
	fs_host_thread = (void *)1;
	teardown();
}

int main(void)
{
	RUN(test_free_grows_the_reservation);
	RUN(test_free_waits_for_room);
	RUN(test_open_existing_needs_no_room);
	RUN(test_a_call_keeps_to_its_reservation);
	UNIT_EXIT();
}
