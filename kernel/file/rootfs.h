/* SPDX-License-Identifier: MIT */
/* The root file system: the file system core on the pmem device, mounted at boot. */
#pragma once
#include "kernel/fs/fs.h"

/*
 * rootfs_mount - mount the file system on the pmem media: all of it but
 * the last PMEM_TEST_BLOCKS, which are the pmem kernel tests'. A missing
 * device, a foreign or damaged image or a device error is reported in one
 * line and leaves nothing mounted: files then come from the boot file
 * set, read-only. Thread context (it sleeps on the device), once, before
 * user space starts. Returns 0 or the reason (-ENXIO, -EINVAL, -EUCLEAN,
 * -EIO, -EBUSY).
 */
int rootfs_mount(void);

/* rootfs_mounted - is the pmem file system mounted? Any context. */
bool rootfs_mounted(void);

/*
 * rootfs_pmem_dev - set up *d as a file system device over the pmem media
 * blocks [first, first + nblocks): reads, writes and flushes become pmem
 * commands, any device error -EIO, a block past nblocks -EIO without a
 * command. Buffers anywhere in kernel memory (stacks are bounced). For
 * the mount and for tests.
 */
void rootfs_pmem_dev(struct fs_dev *d, uint64_t first, uint32_t nblocks);
