// SPDX-License-Identifier: MIT
// pmemimg: where the pmem media lies in the file that backs guest RAM, and putting a
// file system image there (or taking it out, for fsck).
#include "kernel/hw/pmem_regs.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>

#define RAM_BASE 0x80000000UL /* QEMU virt; only differences matter here */

static void usage(void)
{
	fprintf(stderr,
		"usage: pmemimg offset MEM        byte offset of the media in a RAM image\n"
		"       pmemimg fssize MEM        bytes the file system gets (the media less\n"
		"                                 the %d blocks the pmem kernel tests use)\n"
		"       pmemimg new RAMIMG MEM FSIMG   a new sparse RAM image of MEM bytes with\n"
		"                                 FSIMG on the media\n"
		"       pmemimg get RAMIMG MEM FSIMG   copy the file system out of a RAM image\n"
		"  MEM as QEMU's -m: bytes, or with a K, M or G suffix (256M).\n",
		PMEM_TEST_BLOCKS);
	exit(2);
}

static uint64_t parse_mem(const char *s)
{
	char *end;
	uint64_t n = strtoull(s, &end, 0);

	if (*end == 'K' || *end == 'k')
		n <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		n <<= 20, end++;
	else if (*end == 'G' || *end == 'g')
		n <<= 30, end++;
	if (*end || n == 0)
		usage();
	return n;
}

/* The media's place for mem bytes of RAM: *off and *fsbytes. */
static void layout(uint64_t mem, uint64_t *off, uint64_t *fsbytes)
{
	struct pmem_layout l = pmem_layout_of(RAM_BASE, mem);
	uint64_t media = l.end - l.media;

	if (l.ctrl == 0 || media <= PMEM_TEST_BLOCKS * PMEM_BLOCK_SIZE) {
		fprintf(stderr, "pmemimg: %lu bytes of RAM leave no pmem media\n",
			(unsigned long)mem);
		exit(1);
	}
	*off = l.media - RAM_BASE;
	*fsbytes = media - PMEM_TEST_BLOCKS * PMEM_BLOCK_SIZE;
}

static int fail(const char *what)
{
	perror(what);
	return 1;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* A new RAM image: sparse, MEM bytes, the file system written at off
 * (zero blocks stay holes). */
static int cmd_new(const char *ram, uint64_t mem, const char *fsimg)
{
	static uint8_t buf[64 * 1024];
	uint64_t off, fsbytes, at = 0;
	int in = open(fsimg, O_RDONLY), out;
	ssize_t n;

	layout(mem, &off, &fsbytes);
	if (in < 0)
		return fail(fsimg);
	if (lseek(in, 0, SEEK_END) > (off_t)fsbytes) {
		fprintf(stderr, "pmemimg: %s is bigger than the %lu bytes the media has for it\n",
			fsimg, (unsigned long)fsbytes);
		return 1;
	}
	lseek(in, 0, SEEK_SET);
	out = open(ram, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0 || ftruncate(out, (off_t)mem) < 0)
		return fail(ram);
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (!all_zero(buf, (size_t)n) &&
		    pwrite(out, buf, (size_t)n, (off_t)(off + at)) != n)
			return fail(ram);
		at += (uint64_t)n;
	}
	if (n < 0)
		return fail(fsimg);
	close(in);
	return close(out) < 0 ? fail(ram) : 0;
}

/* Copy the file system's bytes out of a RAM image. */
static int cmd_get(const char *ram, uint64_t mem, const char *fsimg)
{
	static uint8_t buf[64 * 1024];
	uint64_t off, fsbytes;
	int in = open(ram, O_RDONLY), out;

	layout(mem, &off, &fsbytes);
	if (in < 0)
		return fail(ram);
	if (lseek(in, 0, SEEK_END) != (off_t)mem) {
		fprintf(stderr, "pmemimg: %s is not %lu bytes\n", ram, (unsigned long)mem);
		return 1;
	}
	out = open(fsimg, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0)
		return fail(fsimg);
	for (uint64_t at = 0; at < fsbytes; at += sizeof(buf)) {
		size_t want = (size_t)(fsbytes - at < sizeof(buf) ? fsbytes - at : sizeof(buf));
		if (pread(in, buf, want, (off_t)(off + at)) != (ssize_t)want)
			return fail(ram);
		if (write(out, buf, want) != (ssize_t)want)
			return fail(fsimg);
	}
	close(in);
	return close(out) < 0 ? fail(fsimg) : 0;
}

int main(int argc, char **argv)
{
	uint64_t off, fsbytes;

	if (argc == 3 && (!strcmp(argv[1], "offset") || !strcmp(argv[1], "fssize"))) {
		layout(parse_mem(argv[2]), &off, &fsbytes);
		printf("%lu\n", (unsigned long)(argv[1][0] == 'o' ? off : fsbytes));
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "new"))
		return cmd_new(argv[2], parse_mem(argv[3]), argv[4]);
	if (argc == 5 && !strcmp(argv[1], "get"))
		return cmd_get(argv[2], parse_mem(argv[3]), argv[4]);
	usage();
}
