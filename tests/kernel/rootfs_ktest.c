// SPDX-License-Identifier: MIT
// In-kernel tests of the root file system's device over pmem, and of mount refusing
// what is not a sound nagi file system.
//
// They use 32 blocks inside the pmem tests' area (the media's last
// PMEM_TEST_BLOCKS), away from the persistence pattern; without a device
// each passes with a note.
#include "drivers/pmem/pmem.h"
#include "kernel/fs/fs.h"
#include "../../kernel/ktest.h"
#include "kernel/file/rootfs.h"
#include "../../lib/errno.h"
#include "../../lib/string.h"

#define NB 32 /* blocks of the test device */

static uint8_t sbuf[FS_BSIZE] __attribute__((aligned(8)));
static struct fs_loghead head;
static uint8_t zeros[NB][FS_BSIZE] __attribute__((aligned(8)));

/* A device over blocks capacity - 64 .. capacity - 33; false without pmem. */
static bool test_dev(struct fs_dev *d)
{
	if (!pmem_present()) {
		kprintf("    no pmem device: skipped\n");
		return false;
	}
	rootfs_pmem_dev(d, pmem_capacity() - 64, NB);
	return true;
}

static uint64_t device_writes(void)
{
	struct pmem_counters c;
	pmem_get_counters(&c);
	return c.writes;
}

KTEST(rootfs_dev_read_write)
{
	uint8_t stack[FS_BSIZE]; /* not identity-mapped: bounced */
	struct pmem_counters before, after;
	struct fs_dev d;

	if (!test_dev(&d))
		return 0;
	for (int i = 0; i < FS_BSIZE; i++)
		sbuf[i] = (uint8_t)(i * 7 + 1);
	KEXPECT(d.ops->write(&d, 0, sbuf) == 0);
	memset(stack, 0, sizeof(stack));
	KEXPECT(d.ops->read(&d, 0, stack) == 0);
	KEXPECT(memcmp(stack, sbuf, FS_BSIZE) == 0);
	for (int i = 0; i < FS_BSIZE; i++)
		stack[i] = (uint8_t)(i * 3);
	KEXPECT(d.ops->write(&d, NB - 1, stack) == 0);
	KEXPECT(d.ops->read(&d, NB - 1, sbuf) == 0);
	KEXPECT(memcmp(stack, sbuf, FS_BSIZE) == 0);
	KEXPECT(d.ops->flush(&d) == 0);
	pmem_get_counters(&before);
	KEXPECT(d.ops->read(&d, NB, sbuf) == -EIO);
	KEXPECT(d.ops->write(&d, NB, sbuf) == -EIO);
	KEXPECT(d.ops->write(&d, 0xffffffffu, sbuf) == -EIO);
	pmem_get_counters(&after);
	KEXPECT(after.commands == before.commands); /* refused before reaching the device */
	/* A device that claims more blocks than the media has: the device
	 * itself refuses the command (BAD_RANGE), and the caller sees -EIO. */
	rootfs_pmem_dev(&d, pmem_capacity() - 8, NB);
	KEXPECT(d.ops->read(&d, 7, sbuf) == 0);
	KEXPECT(d.ops->read(&d, 8, sbuf) == -EIO);
	pmem_get_counters(&before);
	KEXPECT(before.errors == after.errors + 1);
	return 0;
}

/* Mount d and expect err, with nothing written to it and nothing mounted. */
static bool refused(struct fs_dev *d, int err)
{
	uint64_t writes = device_writes();
	int r = fs_mount(d);
	if (r == 0)
		fs_unmount();
	return r == err && device_writes() == writes && fs_root() == NULL;
}

KTEST(rootfs_mount_refuses_bad_images)
{
	struct fs_super sb;
	struct fs_dev d;

	if (!test_dev(&d))
		return 0;
	if (rootfs_mounted()) {
		kprintf("    the root file system is mounted: skipped\n");
		return 0;
	}
	for (int b = 0; b < NB; b++)
		KEXPECT(d.ops->write(&d, b, zeros[b]) == 0);
	KEXPECT(refused(&d, -EINVAL)); /* all zero: no magic */
	KEXPECT(fs_layout(&sb, NB, 16, 1 + FS_MAXOP(1)) == 0);
	sb.csum = fs_super_csum(&sb) ^ 1;
	memset(sbuf, 0, sizeof(sbuf));
	memcpy(sbuf, &sb, sizeof(sb));
	KEXPECT(d.ops->write(&d, FS_SB_BLOCK, sbuf) == 0);
	KEXPECT(refused(&d, -EUCLEAN)); /* ours, but the checksum is wrong */
	sb.csum = fs_super_csum(&sb);
	memcpy(sbuf, &sb, sizeof(sb));
	KEXPECT(d.ops->write(&d, FS_SB_BLOCK, sbuf) == 0);
	memset(&head, 0, sizeof(head)); /* an empty log: mount would fix a torn one */
	head.magic = FS_LOG_MAGIC;
	head.head_csum = fs_loghead_csum(&head);
	KEXPECT(d.ops->write(&d, sb.log_start, &head) == 0);
	KEXPECT(refused(&d, -EUCLEAN)); /* a good superblock, but no root directory */
	sb.size = NB + 1;
	sb.csum = fs_super_csum(&sb);
	memcpy(sbuf, &sb, sizeof(sb));
	KEXPECT(d.ops->write(&d, FS_SB_BLOCK, sbuf) == 0);
	KEXPECT(refused(&d, -EINVAL)); /* bigger than the device */
	return 0;
}
