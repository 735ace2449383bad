// SPDX-License-Identifier: MIT
// The inode table's hash and free list follow the references; inode and block allocation go round from a hint.
#include "fs_host.h"
#include "kernel/fs/inode.h"
#include "lib/errno.h"
#include "stubs.h"
#include "unit.h"
#include <stdio.h>
#include <string.h>

static struct memdev md;

static void setup(uint32_t nblocks, uint32_t ninodes)
{
	memdev_mount_fresh(&md, nblocks, ninodes);
}

static void teardown(void)
{
	memdev_unmount_clean(&md);
}

/* The table's lists hold what they should; prints what is wrong once. */
static bool table_ok(void)
{
	const char *why = inode_table_check();

	if (why)
		printf("    inode table: %s\n", why);
	return why == NULL;
}

static uint64_t rnd = 88172645463325252ull;

static uint32_t next(uint32_t n)
{
	rnd ^= rnd << 13;
	rnd ^= rnd >> 7;
	rnd ^= rnd << 17;
	return (uint32_t)(rnd % n);
}

#define HELD 400

/* Random gets, dups and puts of inode numbers that share hash chains
 * (ones FS_NINODE apart), the table full at times: after every step the
 * lists match the references, and a held inode is found again. */
static void test_lists_follow_references(void)
{
	static struct inode *held[HELD];
	int nheld = 0, enfile = 0;
	bool ok = true;

	setup(4096, 1024);
	for (int step = 0; step < 20000 && ok; step++) {
		uint32_t op = next(10), inum = 1 + next(4) * FS_NINODE + next(200);
		struct inode *ip;

		if (op < 5 && nheld < HELD) {
			int err = inode_get(inum, &ip);
			CHECK(err == 0 || err == -ENFILE);
			if (err == 0)
				held[nheld++] = ip;
			enfile += err == -ENFILE;
		} else if (op < 6 && nheld > 0 && nheld < HELD) {
			ip = held[next((uint32_t)nheld)];
			held[nheld++] = inode_dup(ip);
		} else if (nheld > 0) {
			uint32_t i = next((uint32_t)nheld);
			struct inode *again;
			if (inode_get(held[i]->inum, &again) == 0) { /* found, not a new slot */
				CHECK(again == held[i]);
				fs_iput(again);
			}
			fs_iput(held[i]);
			held[i] = held[--nheld];
		}
		ok = table_ok();
		CHECK(ok);
	}
	CHECK(enfile > 0); /* the table was full at times */
	while (nheld > 0)
		fs_iput(held[--nheld]);
	teardown();
}

/* The path calls keep the lists right too: files opened, unlinked while
 * open (freed at the last put), directories walked. */
static void test_lists_after_path_calls(void)
{
	struct inode *ip[20];
	char name[32];

	setup(4096, 0);
	CHECK(fs_mkdir(NULL, "/d") == 0);
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "/d/f%d", i);
		CHECK(fs_open(NULL, name, O_CREATE | O_RDWR, &ip[i]) == 0);
		CHECK(fs_write(ip[i], false, (uint64_t)name, 0, 8) == 8);
	}
	for (int i = 0; i < 20; i += 2) {
		snprintf(name, sizeof(name), "/d/f%d", i);
		CHECK(fs_unlink(NULL, name) == 0);
	}
	CHECK(table_ok());
	for (int i = 0; i < 20; i++)
		fs_iput(ip[i]);
	CHECK(table_ok());
	struct stat st;
	CHECK(path_stat("/d/f1", &st) == 0 && path_stat("/d/f2", &st) == -ENOENT);
	CHECK(table_ok());
	teardown();
}

static uint32_t ino(const char *path)
{
	struct stat st;

	return path_stat(path, &st) == 0 ? st.ino : 0;
}

/* A create takes the inode freed last (the hint), then goes round past
 * the end to the free one before it; a full table of inodes is -ENOSPC. */
static void test_alloc_hint_and_wrap(void)
{
	char name[32];
	int err = 0, n;

	setup(2048, 40);
	for (n = 0; err == 0; n++) {
		snprintf(name, sizeof(name), "/f%d", n);
		err = put_file(name, "x", 1);
	}
	CHECK(err == -ENOSPC && n == 39); /* inodes 2..39, then no more */
	uint32_t low = ino("/f1"), high = ino("/f30");
	CHECK(low && high && low < high);
	CHECK(fs_unlink(NULL, "/f1") == 0 && fs_unlink(NULL, "/f30") == 0);
	CHECK(put_file("/a", "y", 1) == 0 && ino("/a") == high);
	CHECK(put_file("/b", "y", 1) == 0 && ino("/b") == low);
	CHECK(put_file("/c", "y", 1) == -ENOSPC);
	teardown();
}

/* The first block of path's file, 0 if none. */
static uint32_t first_block(const char *path)
{
	struct inode *ip;
	uint32_t b = 0;

	if (fs_open(NULL, path, O_RDONLY, &ip) == 0) {
		if (inode_lock(ip) == 0) {
			b = ip->d.addrs[0];
			inode_unlock(ip);
		}
		fs_iput(ip);
	}
	return b;
}

/* Blocks are taken going forward from the last one taken: a block just
 * freed is left alone, and found again once the scan has gone round. */
static void test_blocks_go_forward_and_round(void)
{
	static char blk[FS_BSIZE];
	struct inode *ip;
	long n = FS_BSIZE;

	setup(2048, 0);
	CHECK(put_file("/a", "a", 1) == 0 && put_file("/b", "b", 1) == 0);
	uint32_t a = first_block("/a"), b = first_block("/b");
	CHECK(a && b > a);
	CHECK(fs_unlink(NULL, "/a") == 0 && put_file("/c", "c", 1) == 0);
	CHECK(first_block("/c") > b); /* not a's, freed just now */
	/* One file takes every block left, a's on the way round. */
	CHECK(fs_open(NULL, "/big", O_CREATE | O_RDWR, &ip) == 0);
	for (uint64_t off = 0; n == FS_BSIZE; off += FS_BSIZE)
		n = fs_write(ip, false, (uint64_t)blk, off, FS_BSIZE);
	CHECK(n == -ENOSPC);
	fs_iput(ip);
	CHECK(fs_unlink(NULL, "/b") == 0 && put_file("/d", "d", 1) == 0);
	CHECK(first_block("/d") == b); /* the only free block */
	teardown();
}

int main(void)
{
	RUN(test_lists_follow_references);
	RUN(test_lists_after_path_calls);
	RUN(test_alloc_hint_and_wrap);
	RUN(test_blocks_go_forward_and_round);
	UNIT_EXIT();
}
