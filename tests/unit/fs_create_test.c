// SPDX-License-Identifier: MIT
// An open that creates makes the file where its walk found it missing, unless the directory changed since.
#include "fs_host.h"
#include "kernel/fs/dir.h"
#include "kernel/fs/inode.h"
#include "lib/errno.h"
#include "stubs.h"
#include "unit.h"
#include <string.h>

static struct memdev md;

static void setup(void)
{
	memdev_mount_fresh(&md, 4096, 0);
}

static void teardown(void)
{
	memdev_unmount_clean(&md);
}

static uint64_t size_of(const char *path)
{
	struct stat st;

	return path_stat(path, &st) == 0 ? st.size : 0;
}

/* /d holding a, c and a free slot between them (b's, the fourth entry). */
static void dir_with_hole(void)
{
	CHECK(fs_mkdir(NULL, "/d") == 0);
	CHECK(put_file("/d/a", "a", 1) == 0 && put_file("/d/b", "b", 1) == 0);
	CHECK(put_file("/d/c", "c", 1) == 0 && fs_unlink(NULL, "/d/b") == 0);
}

/* A walk that stops at a missing last name keeps its directory, the
 * name, the first free slot and the directory's gen; an entry written
 * in the directory afterwards changes the gen. */
static void test_miss_keeps_the_directory(void)
{
	struct dir_miss m;
	struct inode *ip;

	setup();
	dir_with_hole();
	CHECK(dir_walk_miss(NULL, "/d/x", &m, &ip) == -ENOENT);
	CHECK(m.dp != NULL && strcmp(m.name, "x") == 0 && m.slot == 3 * sizeof(struct dirent));
	if (m.dp) {
		CHECK(m.gen == m.dp->gen);
		CHECK(put_file("/d/y", "y", 1) == 0); /* takes the slot */
		CHECK(m.gen != m.dp->gen);
		fs_iput(m.dp);
	}
	CHECK(dir_walk_miss(NULL, "/e/x", &m, &ip) == -ENOENT && m.dp == NULL); /* not the last */
	CHECK(dir_walk_miss(NULL, "/d/a/x", &m, &ip) == -ENOTDIR && m.dp == NULL);
	CHECK(dir_walk_miss(NULL, "/d/a", &m, &ip) == 0 && m.dp == NULL);
	fs_iput(ip);
	teardown();
}

/* O_CREATE fills the free slot (the directory does not grow), then
 * grows it by one entry; the files read back, and fsck is clean. */
static void test_create_fills_the_hole(void)
{
	struct inode *ip;
	char buf[4];

	setup();
	dir_with_hole();
	uint64_t size = size_of("/d");
	CHECK(fs_open(NULL, "/d/x", O_CREATE | O_RDWR, &ip) == 0);
	fs_iput(ip);
	CHECK(size_of("/d") == size);
	CHECK(fs_open(NULL, "/d/z", O_CREATE | O_RDWR, &ip) == 0);
	fs_iput(ip);
	CHECK(size_of("/d") == size + sizeof(struct dirent));
	CHECK(fs_open(NULL, "/d/x", O_CREATE | O_RDWR, &ip) == 0); /* exists: the same file */
	fs_iput(ip);
	CHECK(get_file("/d/a", buf, sizeof(buf)) == 1 && get_file("/d/c", buf, sizeof(buf)) == 1);
	CHECK(get_file("/d/x", buf, sizeof(buf)) == 0 && get_file("/d/z", buf, sizeof(buf)) == 0);
	CHECK(fs_open(NULL, "/d", O_CREATE | O_RDWR, &ip) == -EISDIR);
	CHECK(fs_open(NULL, "/d/a/q", O_CREATE | O_RDWR, &ip) == -ENOTDIR);
	CHECK(fs_open(NULL, "/nope/q", O_CREATE | O_RDWR, &ip) == -ENOENT);
	teardown();
}

int main(void)
{
	RUN(test_miss_keeps_the_directory);
	RUN(test_create_fills_the_hole);
	UNIT_EXIT();
}
