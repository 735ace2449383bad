// SPDX-License-Identifier: MIT
// Kills that stop long reads and writes, and link counts too low for the names on disk.
#include "fs_host.h"
#include "kernel/fs/dir.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/log.h"
#include "lib/errno.h"
#include "stubs.h"
#include "unit.h"
#include <string.h>

static struct memdev md;
static uint8_t big[64 * 1024], back[64 * 1024];

static void setup(void)
{
	memdev_mount_fresh(&md, 4096, 0);
}

static void teardown(void)
{
	fs_kill_after = -1;
	memdev_unmount_clean(&md);
}

/* A write killed part-way stops at a block and says how much it did; the
 * file holds exactly that; killed before it starts, -EINTR and nothing. */
static void test_kill_stops_a_long_write(void)
{
	struct inode *ip;
	struct stat st;
	long r;

	setup();
	fill(big, sizeof(big), 1);
	CHECK(fs_open(NULL, "/f", O_CREATE | O_RDWR, &ip) == 0);
	fs_kill_after = 40; /* seen after some blocks: the first chunk's 16 and more */
	r = fs_write(ip, false, (uint64_t)big, 0, sizeof(big));
	fs_kill_after = -1;
	printf("    a 64 KiB write killed after 40 checks wrote %ld bytes\n", r);
	CHECK(r > 0 && r < (long)sizeof(big) && r % FS_BSIZE == 0);
	CHECK(fs_stat(ip, &st) == 0 && st.size == (uint64_t)r);
	CHECK(get_file("/f", back, sizeof(back)) == r && !memcmp(back, big, (size_t)r));
	fs_kill_after = 0;
	CHECK(fs_write(ip, false, (uint64_t)big, 0, sizeof(big)) == -EINTR);
	fs_kill_after = -1;
	CHECK(fs_stat(ip, &st) == 0 && st.size == (uint64_t)r);
	fs_iput(ip);
	teardown();
}

/* A read killed part-way returns what it read, from the start. */
static void test_kill_stops_a_long_read(void)
{
	struct inode *ip;
	long r;

	setup();
	fill(big, sizeof(big), 2);
	CHECK(put_file("/f", big, sizeof(big)) == 0);
	CHECK(fs_open(NULL, "/f", O_RDONLY, &ip) == 0);
	memset(back, 0, sizeof(back));
	fs_kill_after = 3;
	r = fs_read(ip, false, (uint64_t)back, 0, sizeof(back));
	fs_kill_after = -1;
	CHECK(r > 0 && r < (long)sizeof(back) && r % FS_BSIZE == 0);
	CHECK(!memcmp(back, big, (size_t)r));
	CHECK(fs_read(ip, false, (uint64_t)back, 0, sizeof(back)) == (long)sizeof(back));
	fs_iput(ip);
	teardown();
}

static int nlink_of(const char *path)
{
	struct stat st;
	return path_stat(path, &st) == 0 ? st.nlink : -1;
}

/* / with nlink 2 and three subdirectories: removing one is refused
 * (EUCLEAN), / stays usable, and the next mount takes it. */
static void test_root_links_too_low(void)
{
	setup();
	CHECK(fs_mkdir(NULL, "/a") == 0 && fs_mkdir(NULL, "/b") == 0 && fs_mkdir(NULL, "/c") == 0);
	CHECK(fs_unmount() == 0);
	memdev_plant_nlink(&md, FS_ROOTINO, 2);
	CHECK(fs_mount(&md.dev) == 0);
	CHECK(fs_unlink(NULL, "/a") == -EUCLEAN);
	CHECK(nlink_of("/") == 2);
	CHECK(put_file("/x", "hello", 5) == 0 && get_file("/x", back, sizeof(back)) == 5);
	CHECK(fs_unlink(NULL, "/x") == 0);
	CHECK(fs_unmount() == 0);
	CHECK(fs_mount(&md.dev) == 0);
	CHECK(nlink_of("/b") == 2);
	fs_kill_after = -1;
	CHECK(fs_unmount() == 0);
	memdev_free(&md);
}

/* A file named twice in one directory but with nlink 1: removing a name
 * would free it while the other still names it; refused. */
static void test_file_links_too_low(void)
{
	struct stat st;

	setup();
	CHECK(put_file("/f", "data", 4) == 0);
	CHECK(fs_link(NULL, "/f", "/g") == 0);
	CHECK(path_stat("/f", &st) == 0);
	CHECK(fs_unmount() == 0);
	memdev_plant_nlink(&md, st.ino, 1);
	CHECK(fs_mount(&md.dev) == 0);
	CHECK(fs_unlink(NULL, "/g") == -EUCLEAN);
	CHECK(get_file("/f", back, sizeof(back)) == 4 && !memcmp(back, "data", 4));
	CHECK(get_file("/g", back, sizeof(back)) == 4);
	CHECK(put_file("/h", "x", 1) == 0 && fs_unlink(NULL, "/h") == 0);
	CHECK(fs_unmount() == 0);
	memdev_free(&md);
}

/* A damaged tree: /A/B/up names /A (a cycle). */
static void plant_cycle(struct inode **a, struct inode **b)
{
	CHECK(fs_mkdir(NULL, "/A") == 0 && fs_mkdir(NULL, "/A/B") == 0);
	CHECK(fs_lookup(NULL, "/A", a) == 0 && fs_lookup(NULL, "/A/B", b) == 0);
	CHECK(fs_log_begin() == 0);
	CHECK(inode_lock(*b) == 0);
	CHECK(dir_link(*b, "up", (*a)->inum) == 0);
	inode_unlock(*b);
	CHECK(fs_log_end() == 0);
}

static struct inode *cycle_a;
static bool a_held_while_waiting;

/* fs_killed while unlink waits for /A/B: is /A held then? Then "killed". */
static bool look_at_a(void)
{
	a_held_while_waiting |= cycle_a->lock.locked;
	return true;
}

/* Unlinking /A/B while another call holds B (as the one removing /A/B/up,
 * which holds B and wants A, would) waits for B without holding A, and
 * that wait ends on a kill. Removing the entry that closes the cycle is
 * refused with EUCLEAN; the rest of the file system goes on. */
static void test_cycle_no_deadlock(void)
{
	struct inode *a, *b;

	setup();
	plant_cycle(&a, &b);
	cycle_a = a;
	a_held_while_waiting = false;
	fs_sleep_lock(&b->lock); /* the other call */
	fs_killed_hook = look_at_a;
	CHECK(fs_unlink(NULL, "/A/B") == -EINTR);
	fs_killed_hook = NULL;
	CHECK(!a_held_while_waiting);
	fs_sleep_unlock(&b->lock);
	CHECK(fs_unlink(NULL, "/A/B") == -ENOTEMPTY);
	CHECK(fs_unlink(NULL, "/A/B/up") == -EUCLEAN);
	CHECK(fs_unlink(NULL, "/A/B/up/B/up") == -EUCLEAN);
	CHECK(put_file("/A/f", "x", 1) == 0 && fs_unlink(NULL, "/A/f") == 0);
	fs_iput(a);
	fs_iput(b);
	CHECK(fs_unmount() == 0);
	memdev_free(&md);
}

int main(void)
{
	RUN(test_kill_stops_a_long_write);
	RUN(test_kill_stops_a_long_read);
	RUN(test_root_links_too_low);
	RUN(test_file_links_too_low);
	RUN(test_cycle_no_deadlock);
	UNIT_EXIT();
}
