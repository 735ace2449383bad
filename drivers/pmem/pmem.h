/* SPDX-License-Identifier: MIT */
/* The pmem driver: commands to the pmem device, completions by IPI or polling. */
#pragma once
#include "kernel/machine.h"
#include "lib/types.h"
#include "kernel/hw/pmem_regs.h" /* PMEM_OP_*, PMEM_MODE_*, PMEM_SC_*, PMEM_BLOCK_SIZE */

/* The driver's completion modes: the device's two (pmem_regs.h), and
 * hybrid polling, which is the device's polled mode with waiters that
 * first sleep about half the mean latency, then poll. */
#define PMEM_MODE_HYBRID 2

/* What pmem_complete reports about one command. */
struct pmem_result {
	int dev_status;     /* PMEM_SC_* as the device reported it */
	uint64_t ticks;     /* submit -> completion seen by the driver (time CSR) */
	uint64_t dev_ticks; /* time the device spent on it */
};

/* Latency of recent commands (the last PMEM_LAT_SAMPLES), in time CSR ticks. */
#define PMEM_LAT_SAMPLES 1024
struct pmem_lat_stats {
	uint64_t n, min, median, p99, max;
};

/* Device and driver counters, read without a lock (a snapshot of racy counts). */
struct pmem_counters {
	uint64_t commands, errors, reads, writes, flushes, sleeps, wakeups, irqs;
	uint64_t bad_doorbells, bad_cq_heads, stale, media_errors; /* device: pmem_regs.h */
	uint64_t bad_configs, bad_targets, batches, batched, timer_flushes; /* device */
	uint64_t status;        /* device: the status register, PMEM_STATUS_* */
	uint64_t doorbell_ipis; /* driver: IPIs sent because NEED_WAKEUP was set */
	uint64_t stray;         /* driver: completions that matched no request */
	uint64_t remote_wakeups; /* driver: a completion reaped on another hart than its
				  * waiter's (each costs that hart a second IPI) */
	uint64_t hybrid_sleeps;  /* driver: hybrid waits that slept before polling */
	uint64_t hybrid_polls;   /* driver: hybrid waits that had to poll after it */
	uint64_t killed_waits;   /* driver: waits whose process was killed meanwhile */
	uint64_t inplace_polls;  /* driver: waits on a poller's hart that polled in place first */
	uint64_t poller_sleeps;  /* driver: waits that slept for a poller (after or instead) */
};

/* A completion poller: something that reaps the queue between its other
 * work on this hart (the syscall worker), so that a polled-mode waiter
 * here may sleep instead of spinning. start - a waiter on this hart is
 * about to sleep: poll for it; true if there is a poller here (false:
 * the waiter polls itself). stop - that waiter is done (called only
 * after a start that returned true). Both in thread context with the
 * driver's completion lock held: they must not sleep. alone - is this
 * a poller's hart with no other thread waiting to run on it? Then a
 * waiter polls in place for about a command's latency before it sleeps
 * (a sleep and a wake-up cost more than that). Thread context, no lock
 * needed, must not sleep. */
struct pmem_poller {
	bool (*start)(void);
	void (*stop)(void);
	bool (*alone)(void);
};

/* pmem_poller_register - use p (static, never freed) from now on; NULL
 * for none. Any time; waits already asleep keep the one they started. */
void pmem_poller_register(const struct pmem_poller *p);

/* pmem_hart - the hart that runs the device: pmem=HART, or the last hart
 * (pmem=last, bare pmem, or no pmem= at all); never the boot hart, which
 * hands it on and says so. -1 for no device: pmem=off, a one-hart
 * machine, too little RAM, or a DTB on the device's memory (said once).
 * Decided once at boot (pmem_boot_choose_hart, hart_roles_assign); this
 * reads the role table. Any hart. */
int pmem_hart(void);

/* pmem_reserved_range - the RAM the device owns (control region and
 * media) whether or not it runs, for the page allocator to skip; size 0
 * if RAM is too small for it. Needs machine parsed. */
struct mem_range pmem_reserved_range(void);

/* pmem_init - find the device (its hart must be running), check its
 * identity, set mode (pmem_mode=irq|poll|hybrid), latency (pmem_lat=NS),
 * spin budget (pmem_spin=US), fault injection (pmem_fail=BLOCK[,COUNT]),
 * coalescing (pmem_coalesce=N,US) and the default interrupt target (this
 * hart; commands name their own), enable it and print the banner line.
 * Boot hart, after hart_start_all. Returns 0, -ENXIO (no device; also when
 * the DTB lies on the device's memory, which pmem_hart refuses) or -EIO. */
int pmem_init(void);

/* pmem_present - did pmem_init find a working device? */
bool pmem_present(void);

/* pmem_capacity - the media size in blocks (0 without a device). */
uint64_t pmem_capacity(void);

/*
 * pmem_submit - queue one command: op PMEM_OP_*, blocks [block, block +
 * count), physical buffer buf. The command goes to the device as given:
 * the device validates it and completes a bad one with an error status.
 * Takes the submission lock; rings the doorbell and IPIs the device only
 * if it set NEED_WAKEUP. Any thread context.
 * Returns a request id (> 0) for pmem_wait, or -ENXIO (no device),
 * -EINVAL (op does not fit the opcode field) or -EAGAIN (PMEM_QDEPTH
 * commands are already out: wait for one and retry).
 */
int pmem_submit(int op, uint64_t block, uint32_t count, uint64_t buf);

/*
 * pmem_complete - wait for request id, fill *res, free the id. Interrupt
 * mode: sleeps until the completion IPI's handler wakes it; polled mode:
 * spins on the completion queue (or sleeps, if a poller on this hart
 * reaps); hybrid: naps about half the mean latency, then polls. A killed
 * caller still waits for its completion (the device may write the
 * buffer), polling with interrupts on and yielding the hart. Follows
 * pmem_set_mode while it waits.
 * Takes the completion lock (not across the sleep). Thread context.
 * Returns 0, -EINVAL (bad command, or id not outstanding or already
 * being waited for), -EIO (media error) or -ENXIO.
 */
int pmem_complete(int id, struct pmem_result *res);

/* pmem_wait - pmem_complete without the details. */
int pmem_wait(int id);

/* pmem_rw - submit and wait: op on count blocks from block to or from buf,
 * a kernel address in identity-mapped RAM (static data or page_alloc
 * pages; contiguous for count > 8). Retries while the queue is full.
 * Returns 0, -EFAULT (buf not in RAM: a kernel stack, say), or as above. */
int pmem_rw(int op, uint64_t block, uint32_t count, void *buf);

/* pmem_set_mode - PMEM_MODE_IRQ, PMEM_MODE_POLL or PMEM_MODE_HYBRID, at
 * any time, also with commands in flight (waiters switch strategy).
 * Completion lock. Returns 0, -EINVAL or -ENXIO. pmem_mode - the current one. */
int pmem_set_mode(int mode);
int pmem_mode(void);

/* pmem_set_latency - the device's emulated media latency from the next
 * command on (clamped to 1 s). Returns 0 or -ENXIO. pmem_latency - the
 * current setting in ns (0 without a device). */
int pmem_set_latency(uint64_t ns);
uint64_t pmem_latency(void);

/* pmem_set_coalesce - interrupt coalescing: one completion IPI per n
 * completions or after us microseconds, whichever first; n <= 1 (and
 * us 0) turns it off. -EINVAL unless n <= PMEM_QDEPTH and us <=
 * PMEM_MAX_COALESCE_US, and us > 0 when n > 1 (a batch that never fills
 * must be flushed). Returns 0, -EINVAL or -ENXIO. pmem_coalesce - the
 * current settings. */
int pmem_set_coalesce(uint32_t n, uint32_t us);
void pmem_coalesce(uint32_t *n, uint32_t *us);

/* pmem_set_spin - how long the idle device watches its doorbell before it
 * sleeps with NEED_WAKEUP set (clamped to 1 s; 0 sleeps at once), from its
 * next idle spell on. Returns 0 or -ENXIO. */
int pmem_set_spin(uint32_t us);

/* pmem_set_fail - fault injection: from now on READ and WRITE commands
 * touching blocks [block, block + count) complete with PMEM_SC_MEDIA and
 * move no data (pmem_rw: -EIO); count 0 turns it off. Returns 0 or -ENXIO. */
int pmem_set_fail(uint64_t block, uint64_t count);

/* pmem_poll - reap the completion queue now and wake the waiters whose
 * commands finished: for code that polls between other work (a syscall
 * worker hart). Any context; takes the completion lock only if there is
 * something to reap. Returns how many requests completed. */
int pmem_poll(void);

/* pmem_intr - the completion IPI (IPI_PMEM): reap the completion queue,
 * wake the waiters. Interrupt context; takes the completion lock. */
void pmem_intr(void);

/* pmem_latency_stats - n, min, median, p99, max of the recorded
 * submit->completion latencies. pmem_latency_reset - forget them.
 * Take the completion lock briefly. */
void pmem_latency_stats(struct pmem_lat_stats *s);
void pmem_latency_reset(void);

/* pmem_get_counters - the device's counters and the driver's. */
void pmem_get_counters(struct pmem_counters *c);
