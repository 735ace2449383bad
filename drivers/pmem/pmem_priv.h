/* SPDX-License-Identifier: MIT */
/* The pmem driver's own state, shared by its files (pmem.c, pmem_ctl.c) and nothing else. */
#pragma once
#include "pmem.h"
#include "kernel/spinlock.h"

struct request {
	bool busy;         /* pmem_sq_lock: from pmem_submit until pmem_complete */
	bool done;         /* pmem_cq_lock: its completion arrived */
	bool waiting;      /* pmem_cq_lock: someone is in pmem_complete for it */
	bool sleeping;     /* pmem_cq_lock: that someone sleeps (interrupt mode) */
	int hart;          /* pmem_cq_lock: where it sleeps */
	uint16_t cid;      /* the command id sent (low bits of the request id) */
	uint8_t status;    /* PMEM_SC_*, once done */
	uint32_t gen;      /* request id = gen * PMEM_QDEPTH + slot */
	uint64_t t_submit, t_done, dev_ticks;
};

struct pmem_driver {
	bool present;
	int hart;                   /* the device's hart */
	struct pmem_regs *regs;
	struct pmem_cmd *sq;
	struct pmem_cpl *cq;
	uint64_t capacity;
	int mode;                   /* pmem_cq_lock */
	uint32_t sq_tail;           /* pmem_sq_lock: commands submitted */
	uint32_t cq_head;           /* pmem_cq_lock: completions consumed */
	uint64_t stray, doorbell_ipis;
	uint64_t remote_wakeups, hybrid_sleeps, hybrid_polls, killed_waits; /* pmem_cq_lock */
	uint64_t inplace_polls, poller_sleeps; /* pmem_cq_lock */
	uint64_t mean;              /* pmem_cq_lock: moving mean latency in ticks (hybrid) */
	const struct pmem_poller *poller; /* a hart's completion poller, or NULL */
	struct request req[PMEM_QDEPTH];
	uint32_t lat[PMEM_LAT_SAMPLES]; /* pmem_cq_lock: a ring of latencies in ticks */
	uint64_t nlat;              /* pmem_cq_lock: latencies ever recorded */
};
extern struct pmem_driver pmem_drv;
extern struct spinlock pmem_sq_lock, pmem_cq_lock;

/* pmem_reap - consume every new completion and wake their waiters
 * (pmem_cq_lock held); how many matched a request. */
int pmem_reap(void);

/* pmem_kick - wake the device if it sleeps, after a register write it
 * must see (pmem_sq_lock held: it counts doorbell_ipis). */
void pmem_kick(void);

/* pmem_dev_mode - the device's mode register for a driver mode. */
uint32_t pmem_dev_mode(int mode);
