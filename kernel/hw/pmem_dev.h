/* SPDX-License-Identifier: MIT */
/* The pmem device model ("firmware"): what its dedicated hart runs. */
#pragma once
#include "lib/types.h"

/*
 * pmem_dev_run - become the pmem device: reset the register block and the
 * queues, then serve commands forever. The calling hart is given over to
 * it: interrupts off (only SSIP wakes it from wfi), paging off (it sees
 * physical memory, as a DMA engine does), no timer, no scheduler.
 * Needs: harts[id] in tp, machine parsed. Locks nothing. Never returns.
 */
void pmem_dev_run(void) __attribute__((noreturn));

/* pmem_dev_ready - has the device reset its queues and published its
 * magic in this boot? (The registers themselves persist across boots, so
 * their magic alone proves nothing.) Any hart. */
bool pmem_dev_ready(void);

/* pmem_dev_stopped - has the device stopped serving because the kernel
 * panicked? (It checks between commands and when a wfi ends.) Any hart. */
bool pmem_dev_stopped(void);
