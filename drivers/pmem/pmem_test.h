/* SPDX-License-Identifier: MIT */
/* Test hooks into the pmem driver, for the kernel tests only: commands and doorbells
 * a correct driver never sends, to see that the device copes. */
#pragma once
#include "kernel/hw/pmem_regs.h"
#include "lib/types.h"

/*
 * pmem_submit_raw - queue *c as given (opcode, flags, count, block, buf,
 * rsvd; seq too if keep_seq, else the right one) under a fresh request id,
 * for pmem_wait/pmem_complete like pmem_submit's. Takes the submission
 * lock. Returns the id, -ENXIO or -EAGAIN.
 */
int pmem_submit_raw(const struct pmem_cmd *c, bool keep_seq);

/*
 * pmem_test_doorbell - write sq_tail = the driver's tail + delta and wake
 * the device if it sleeps. adopt: the driver takes that as its tail (the
 * entries between were never written: the device must see they are
 * stale). delta 0 puts the true tail back. Takes the submission lock.
 * Returns 0 or -ENXIO.
 */
int pmem_test_doorbell(int32_t delta, bool adopt);

/*
 * pmem_test_cq_head - write cq_head = the driver's head + delta and wake
 * the device if it sleeps; delta 0 puts the true head back. Takes the
 * completion lock, then the submission lock. Returns 0 or -ENXIO.
 */
int pmem_test_cq_head(int32_t delta);

/*
 * pmem_test_config - write the mode and coalescing registers as given,
 * unchecked (the device must refuse what is out of range); the driver's
 * own idea of its mode is left alone. Returns 0 or -ENXIO.
 */
int pmem_test_config(uint32_t mode, uint32_t n, uint32_t us);
