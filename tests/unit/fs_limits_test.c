// SPDX-License-Identifier: MIT
// Limits the file system keeps: link counts stop at FS_MAXLINK, so stat never shows
// a negative count.
#include "fs_host.h"
#include "kernel/fs/inode.h"
#include "lib/errno.h"
#include "stubs.h"
#include "unit.h"
#include <string.h>

static struct memdev md;

static uint32_t ino_of(const char *path)
{
	struct stat st;
	return path_stat(path, &st) == 0 ? st.ino : 0;
}

static int nlink_of(const char *path)
{
	struct stat st;
	return path_stat(path, &st) == 0 ? st.nlink : -1000000;
}

/* A mounted file system with /f and /d whose link counts are set just
 * below the limit: f_links and d_links. */
static void setup(uint16_t f_links, uint16_t d_links)
{
	uint32_t f, d;

	memdev_init(&md, 2048);
	CHECK(memdev_mkfs(&md, 0) == 0);
	CHECK(fs_mount(&md.dev) == 0);
	CHECK(put_file("/f", "x", 1) == 0);
	CHECK(fs_mkdir(NULL, "/d") == 0);
	f = ino_of("/f");
	d = ino_of("/d");
	CHECK(fs_unmount() == 0);
	memdev_plant_nlink(&md, f, f_links);
	memdev_plant_nlink(&md, d, d_links);
	CHECK(fs_mount(&md.dev) == 0);
}

static void teardown(void)
{
	CHECK(fs_unmount() == 0);
	CHECK(md.wild == 0);
	memdev_free(&md);
}

static void test_file_links_stop_at_the_limit(void)
{
	setup(FS_MAXLINK - 2, 2);
	CHECK(fs_link(NULL, "/f", "/a") == 0);
	CHECK(fs_link(NULL, "/f", "/b") == 0);
	CHECK(nlink_of("/f") == FS_MAXLINK);
	CHECK(fs_link(NULL, "/f", "/c") == -EMLINK);
	CHECK(nlink_of("/c") == -1000000); /* no name was added */
	CHECK(nlink_of("/f") == FS_MAXLINK && nlink_of("/a") > 0);
	CHECK(fs_unlink(NULL, "/b") == 0);
	CHECK(fs_link(NULL, "/f", "/c") == 0);
	CHECK(nlink_of("/c") == FS_MAXLINK);
	teardown();
}

static void test_subdirectories_stop_at_the_limit(void)
{
	setup(1, FS_MAXLINK - 1);
	CHECK(fs_mkdir(NULL, "/d/x") == 0);
	CHECK(nlink_of("/d") == FS_MAXLINK);
	CHECK(fs_mkdir(NULL, "/d/y") == -EMLINK);
	CHECK(nlink_of("/d/y") == -1000000);
	CHECK(put_file("/d/file", "ok", 2) == 0); /* a file is no link of /d */
	CHECK(fs_unlink(NULL, "/d/x") == 0);
	CHECK(fs_mkdir(NULL, "/d/y") == 0);
	teardown();
}

/* A count above the limit on disk (no nagi kernel makes one) is damage. */
static void test_too_many_links_on_disk(void)
{
	struct fsck_result r;
	static char msgs[4096];
	char buf[4];

	setup(FS_MAXLINK + 1, 2);
	CHECK(get_file("/f", buf, sizeof(buf)) == -EUCLEAN);
	CHECK(strstr(fs_last_damage, "more links than"));
	CHECK(fs_unmount() == 0);
	CHECK(memdev_fsck(&md, 0, &r, msgs, sizeof(msgs)) == FSCK_BROKEN);
	CHECK(strstr(msgs, "nlink 32768 is more than 32767"));
	memdev_free(&md);
}

int main(void)
{
	RUN(test_file_links_stop_at_the_limit);
	RUN(test_subdirectories_stop_at_the_limit);
	RUN(test_too_many_links_on_disk);
	UNIT_EXIT();
}
