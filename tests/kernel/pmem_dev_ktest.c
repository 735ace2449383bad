// SPDX-License-Identifier: MIT
// In-kernel tests of the pmem device's defences: media errors, malformed and stale
// entries, doorbells that make no sense, and NEED_WAKEUP's sleep and wake-up.
//
// They need the device (boot with `ktest pmem=last`); without it each one
// passes with a note. They use blocks 160-163 of the pmem tests' area (the
// media's last 256 blocks) and leave every device setting as they found it.
#include "drivers/pmem/pmem.h"
#include "drivers/pmem/pmem_test.h"
#include "kernel/time.h"
#include "../../kernel/ktest.h"
#include "kernel/proc/sched.h"
#include "../../lib/errno.h"
#include "../../lib/string.h"

#define WORDS (PMEM_BLOCK_SIZE / 8)
#define BOOT_SPIN_US 50 /* pmem_spin's default, which the ktest boot uses */

static uint64_t abuf[4 * WORDS], bbuf[4 * WORDS], rbuf[4 * WORDS];

static bool no_device(void)
{
	if (pmem_present())
		return false;
	kprintf("    no pmem device (boot with pmem=last): skipped\n");
	return true;
}

static uint64_t base(void)
{
	return pmem_capacity() - PMEM_TEST_BLOCKS + 160; /* clear of xl_ktest, rootfs_ktest */
}

static void pattern(uint64_t *buf, uint64_t seed)
{
	for (int i = 0; i < 4 * WORDS; i++)
		buf[i] = seed * 0x9E3779B97F4A7C15UL + (uint64_t)i;
}

static struct pmem_counters counters(void)
{
	struct pmem_counters c;
	pmem_get_counters(&c);
	return c;
}

/* Wait up to a second for the status register's bit to be on (or off). */
static bool status_becomes(uint32_t bit, bool on)
{
	for (int i = 0; i < 10000; i++) {
		if (((counters().status & bit) != 0) == on)
			return true;
		timer_delay_us(100);
	}
	return false;
}

/* Block b (one of four from base) holds block k of buf. */
static bool holds(uint64_t b, const uint64_t *buf, int k)
{
	memset(rbuf, 0, sizeof(rbuf));
	return pmem_rw(PMEM_OP_READ, b, 1, rbuf) == 0 &&
	       memcmp(rbuf, buf + k * WORDS, PMEM_BLOCK_SIZE) == 0;
}

KTEST(pmem_media_errors_are_eio)
{
	struct pmem_counters c0, c1;
	struct pmem_result res;
	uint64_t b = base();
	int id;

	if (no_device())
		return 0;
	pattern(abuf, 1);
	pattern(bbuf, 2);
	KEXPECT(pmem_rw(PMEM_OP_WRITE, b, 4, abuf) == 0);
	c0 = counters();
	KEXPECT(pmem_set_fail(b + 1, 2) == 0); /* blocks b+1 and b+2 are bad */
	KEXPECT(holds(b, abuf, 0));
	memset(rbuf, 0x55, sizeof(rbuf));
	KEXPECT((id = pmem_submit(PMEM_OP_READ, b + 1, 1, (uint64_t)rbuf)) > 0);
	KEXPECT(pmem_complete(id, &res) == -EIO && res.dev_status == PMEM_SC_MEDIA);
	KEXPECT(rbuf[0] == 0x5555555555555555UL); /* a failed read moves nothing */
	KEXPECT(pmem_rw(PMEM_OP_READ, b, 4, rbuf) == -EIO); /* overlapping the range */
	KEXPECT(pmem_rw(PMEM_OP_WRITE, b + 2, 1, bbuf + 2 * WORDS) == -EIO);
	KEXPECT(pmem_rw(PMEM_OP_WRITE, b + 3, 1, bbuf + 3 * WORDS) == 0);
	KEXPECT(pmem_rw(PMEM_OP_FLUSH, 0, 1, rbuf) == 0);
	c1 = counters();
	KEXPECT(c1.media_errors - c0.media_errors == 3 && c1.errors - c0.errors == 3);
	KEXPECT(pmem_set_fail(0, 0) == 0);
	KEXPECT(holds(b + 1, abuf, 1) && holds(b + 2, abuf, 2)); /* the failed write wrote nothing */
	KEXPECT(holds(b + 3, bbuf, 3));
	return 0;
}

/* flags != 0 is a malformed command for every opcode; a WRITE with flags
 * writes nothing. A wrong seq is a stale entry, never run. */
KTEST(pmem_flags_and_seq_are_checked)
{
	static const uint8_t ops[] = { PMEM_OP_READ, PMEM_OP_WRITE, PMEM_OP_FLUSH };
	static const uint8_t flags[] = { 1, 0x80 };
	struct pmem_counters c0, c1;
	struct pmem_result res;
	struct pmem_cmd c;
	int id;

	if (no_device())
		return 0;
	pattern(abuf, 3);
	pattern(bbuf, 4);
	KEXPECT(pmem_rw(PMEM_OP_WRITE, base(), 1, abuf) == 0);
	for (unsigned o = 0; o < ARRAY_SIZE(ops); o++)
		for (unsigned f = 0; f < ARRAY_SIZE(flags); f++) {
			c = (struct pmem_cmd){ .opcode = ops[o], .flags = flags[f], .count = 1,
					       .block = base(), .buf = (uint64_t)bbuf };
			KEXPECT((id = pmem_submit_raw(&c, false)) > 0);
			KEXPECT(pmem_complete(id, &res) == -EINVAL);
			if (res.dev_status != PMEM_SC_BAD_OPCODE)
				kprintf("    opcode %u flags 0x%x: status %d\n", ops[o], flags[f],
					res.dev_status);
			KEXPECT(res.dev_status == PMEM_SC_BAD_OPCODE);
		}
	KEXPECT(holds(base(), abuf, 0));
	c0 = counters();
	c = (struct pmem_cmd){ .opcode = PMEM_OP_WRITE, .count = 1, .block = base(),
			       .buf = (uint64_t)bbuf, .seq = 12345 };
	KEXPECT((id = pmem_submit_raw(&c, true)) > 0);
	KEXPECT(pmem_complete(id, &res) == -EINVAL && res.dev_status == PMEM_SC_STALE);
	c1 = counters();
	KEXPECT(c1.stale - c0.stale == 1);
	KEXPECT(holds(base(), abuf, 0));
	c.seq = 0; /* the same through the raw path, done right, does write */
	KEXPECT((id = pmem_submit_raw(&c, false)) > 0 && pmem_wait(id) == 0);
	KEXPECT(holds(base(), bbuf, 0));
	return 0;
}

/* An idle device spins for its budget, then sleeps with NEED_WAKEUP set;
 * the next command pays a doorbell IPI and wakes it. */
KTEST(pmem_need_wakeup_sleeps_and_wakes)
{
	struct pmem_counters c0, c1, c2;

	if (no_device())
		return 0;
	KEXPECT(pmem_set_spin(PMEM_MAX_SPIN_US) == 0); /* 1 s */
	KEXPECT(pmem_rw(PMEM_OP_READ, base(), 1, rbuf) == 0); /* idles with the new budget */
	c0 = counters();
	sched_sleep_ticks(timer_hz() / 20 + 1); /* 50 ms */
	KEXPECT(pmem_rw(PMEM_OP_READ, base(), 1, rbuf) == 0);
	c1 = counters();
	KEXPECT(c1.sleeps == c0.sleeps && c1.doorbell_ipis == c0.doorbell_ipis);

	/* 50 us: once the command that starts the new budget is done, the
	 * device is soon asleep (sleeps counted, wakeups not yet). Allow a
	 * loaded host up to 2 s to get it there. */
	KEXPECT(pmem_set_spin(BOOT_SPIN_US) == 0);
	c0 = counters();
	KEXPECT(pmem_rw(PMEM_OP_READ, base(), 1, rbuf) == 0);
	c1 = counters();
	for (int i = 0; i < 200 && c1.sleeps == c1.wakeups; i++) {
		sched_sleep_ticks(timer_hz() / 100 + 1);
		c1 = counters();
	}
	KEXPECT(pmem_rw(PMEM_OP_READ, base(), 1, rbuf) == 0);
	c2 = counters();
	kprintf("    idle: sleeps +%lu; then a command: wakeups +%lu, doorbell IPIs +%lu\n",
		c1.sleeps - c0.sleeps, c2.wakeups - c1.wakeups, c2.doorbell_ipis - c1.doorbell_ipis);
	KEXPECT(c1.sleeps > c0.sleeps && c1.sleeps == c1.wakeups + 1);
	KEXPECT(c2.wakeups > c1.wakeups && c2.doorbell_ipis > c1.doorbell_ipis);
	return 0;
}

/* sq_tail more than PMEM_QDEPTH ahead of the device, or behind it: the
 * doorbell is ignored and flagged; the true tail puts things right. */
KTEST(pmem_bad_doorbell_is_ignored)
{
	static const int32_t bad[] = { PMEM_QDEPTH + 1, -3, 0x40000000 };
	struct pmem_counters c0, c1;

	if (no_device())
		return 0;
	pattern(abuf, 5);
	KEXPECT(pmem_rw(PMEM_OP_WRITE, base(), 1, abuf) == 0);
	c0 = counters();
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		KEXPECT(pmem_test_doorbell(bad[i], false) == 0);
		KEXPECT(status_becomes(PMEM_STATUS_SQ_ERROR, true));
		KEXPECT(pmem_test_doorbell(0, false) == 0);
		KEXPECT(status_becomes(PMEM_STATUS_SQ_ERROR, false));
	}
	c1 = counters();
	KEXPECT(c1.commands == c0.commands); /* nothing ran */
	KEXPECT(c1.bad_doorbells - c0.bad_doorbells == ARRAY_SIZE(bad));
	KEXPECT(holds(base(), abuf, 0)); /* and it still works */
	return 0;
}

/* A doorbell rung one further than the entries written: the device finds
 * an old lap's WRITE in that slot and must not run it again. */
KTEST(pmem_stale_entry_is_not_rerun)
{
	struct pmem_counters c0, c1;

	if (no_device())
		return 0;
	pattern(abuf, 6);
	pattern(bbuf, 7);
	for (int i = 0; i < PMEM_QDEPTH; i++) /* every slot: WRITE abuf to base() */
		KEXPECT(pmem_rw(PMEM_OP_WRITE, base(), 1, abuf) == 0);
	KEXPECT(pmem_rw(PMEM_OP_WRITE, base(), 1, bbuf) == 0);
	c0 = counters();
	KEXPECT(pmem_test_doorbell(1, true) == 0);
	for (int i = 0; i < 10000 && counters().stale == c0.stale; i++)
		timer_delay_us(100);
	KEXPECT(holds(base(), bbuf, 0)); /* the old WRITE did not run */
	c1 = counters();
	KEXPECT(c1.stale - c0.stale == 1 && c1.stray - c0.stray == 1);
	KEXPECT(c1.commands - c0.commands == 2); /* the stale one and the read */
	return 0;
}

/* cq_head ahead of cq_tail, or more than PMEM_QDEPTH behind: no command
 * is taken (it would overwrite unread completions or wait forever), the
 * error is flagged, and the true head lets the command through. A queue
 * that is merely full makes the device wait without an error. */
KTEST(pmem_bad_cq_head_does_not_hang)
{
	static const int32_t delta[] = { 100, -(PMEM_QDEPTH + 1), -PMEM_QDEPTH };
	struct pmem_counters c0, c1;
	int id;

	if (no_device())
		return 0;
	for (unsigned i = 0; i < ARRAY_SIZE(delta); i++) {
		bool full = delta[i] == -PMEM_QDEPTH;
		c0 = counters();
		KEXPECT(pmem_test_cq_head(delta[i]) == 0);
		KEXPECT((id = pmem_submit(PMEM_OP_READ, base(), 1, (uint64_t)rbuf)) > 0);
		if (full)
			timer_delay_us(5000);
		else
			KEXPECT(status_becomes(PMEM_STATUS_CQ_ERROR, true));
		c1 = counters();
		KEXPECT(c1.commands == c0.commands && !(c1.status & PMEM_STATUS_CQ_ERROR) == full);
		KEXPECT(c1.bad_cq_heads - c0.bad_cq_heads == (full ? 0 : 1));
		KEXPECT(pmem_test_cq_head(0) == 0);
		KEXPECT(pmem_wait(id) == 0);
		KEXPECT(status_becomes(PMEM_STATUS_CQ_ERROR, false));
	}
	return 0;
}

/* The device counts a completion's IPI after it posts the completion, so
 * a waiter that reaped on its own may look before the count does: give
 * the counter at *field's offset up to a second to reach c0's + want.
 * Returns the counters as they are then; asserts nothing itself. */
static struct pmem_counters settle_at(const struct pmem_counters *c0, size_t off, uint64_t want)
{
	struct pmem_counters c = counters();
	for (int i = 0; i < 10000; i++) {
		uint64_t now = *(const uint64_t *)((const char *)&c + off);
		if (now - *(const uint64_t *)((const char *)c0 + off) >= want)
			break;
		timer_delay_us(100);
		c = counters();
	}
	return c;
}
#define settle(c0, field, want) \
	settle_at((c0), (size_t)((const char *)(field) - (const char *)&c1), (want))

/* Coalescing loses nothing: a batch that never fills (3 of 8) is sent by
 * its age limit, and the waiters, asleep before their commands complete
 * (2 ms of latency), are woken by it; a batch that fills goes out as one.
 * Every completion is announced by exactly one batch. */
static int coalescing(void)
{
	struct pmem_counters c0, c1;
	int ids[4];

	if (no_device())
		return 0;
	KEXPECT(pmem_set_mode(PMEM_MODE_IRQ) == 0);
	KEXPECT(pmem_set_latency(2000000) == 0);
	KEXPECT(pmem_set_coalesce(8, 2000) == 0);
	c0 = counters();
	for (int i = 0; i < 3; i++)
		KEXPECT((ids[i] = pmem_submit(PMEM_OP_READ, base() + i, 1,
					      (uint64_t)(rbuf + i * WORDS))) > 0);
	for (int i = 0; i < 3; i++)
		KEXPECT(pmem_wait(ids[i]) == 0);
	c1 = settle(&c0, &c1.batched, 3);
	kprintf("    3 commands, batches of up to 8 or 2 ms: %lu batches, %lu by the timer, "
		"%lu IPIs\n", c1.batches - c0.batches, c1.timer_flushes - c0.timer_flushes,
		c1.irqs - c0.irqs);
	KEXPECT(c1.batched - c0.batched == 3 && c1.timer_flushes > c0.timer_flushes);
	KEXPECT(pmem_set_latency(0) == 0);
	KEXPECT(pmem_set_coalesce(4, PMEM_MAX_COALESCE_US) == 0);
	c0 = counters();
	for (int i = 0; i < 4; i++)
		KEXPECT((ids[i] = pmem_submit(PMEM_OP_READ, base() + i, 1,
					      (uint64_t)(rbuf + i * WORDS))) > 0);
	for (int i = 0; i < 4; i++)
		KEXPECT(pmem_wait(ids[i]) == 0);
	c1 = settle(&c0, &c1.batched, 4);
	kprintf("    4 commands, batches of 4 or 100 ms: %lu batches, %lu by the timer\n",
		c1.batches - c0.batches, c1.timer_flushes - c0.timer_flushes);
	KEXPECT(c1.batched - c0.batched == 4 && c1.batches > c0.batches);
	KEXPECT(c1.stray == c0.stray);
	KEXPECT(pmem_set_coalesce(0, 0) == 0);
	return 0;
}

/* Out-of-range settings: the driver refuses them (-EINVAL); written to
 * the registers anyway, the device flags them, counts them, and
 * interrupts per completion, so the waiter still wakes; good settings
 * clear the flag. */
static int bad_config(void)
{
	static const uint32_t bad[][3] = { /* mode, coalesce_n, coalesce_us */
		{ 2, 0, 0 }, { 0x80000000U, 0, 0 }, { PMEM_MODE_IRQ, PMEM_QDEPTH + 1, 10 },
		{ PMEM_MODE_IRQ, 4, 0 }, { PMEM_MODE_IRQ, 4, PMEM_MAX_COALESCE_US + 1 },
	};
	struct pmem_counters c0, c1;

	if (no_device())
		return 0;
	KEXPECT(pmem_set_mode(3) == -EINVAL && pmem_set_mode(-1) == -EINVAL);
	KEXPECT(pmem_set_coalesce(PMEM_QDEPTH + 1, 10) == -EINVAL);
	KEXPECT(pmem_set_coalesce(2, 0) == -EINVAL);
	KEXPECT(pmem_set_coalesce(4, PMEM_MAX_COALESCE_US + 1) == -EINVAL);
	KEXPECT(pmem_mode() == PMEM_MODE_IRQ);
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		c0 = counters();
		KEXPECT(pmem_test_config(bad[i][0], bad[i][1], bad[i][2]) == 0);
		KEXPECT(pmem_rw(PMEM_OP_READ, base(), 1, rbuf) == 0);
		c1 = settle(&c0, &c1.irqs, 1);
		KEXPECT(c1.status & PMEM_STATUS_CFG_ERROR);
		KEXPECT(c1.bad_configs - c0.bad_configs == 1);
		KEXPECT(c1.irqs - c0.irqs == 1 && c1.batches == c0.batches);
		KEXPECT(pmem_set_mode(PMEM_MODE_IRQ) == 0 && pmem_set_coalesce(0, 0) == 0);
		KEXPECT(pmem_rw(PMEM_OP_READ, base(), 1, rbuf) == 0);
		KEXPECT(!(counters().status & PMEM_STATUS_CFG_ERROR));
	}
	return 0;
}

/* A command whose irq_hart names no hart that runs threads (none there,
 * or the device's own) completes, its IPI to irq_target, and is counted. */
KTEST(pmem_bad_irq_target_falls_back)
{
	struct pmem_counters c0, c1;
	struct pmem_cmd c;
	uint32_t targets[] = { MAX_HARTS + 1, 100, (uint32_t)pmem_hart() + 1 };

	if (no_device())
		return 0;
	KEXPECT(pmem_set_mode(PMEM_MODE_IRQ) == 0);
	c0 = counters();
	for (unsigned i = 0; i < ARRAY_SIZE(targets); i++) {
		int id;
		c = (struct pmem_cmd){ .opcode = PMEM_OP_READ, .count = 1, .block = base(),
				       .buf = (uint64_t)rbuf, .irq_hart = targets[i] };
		KEXPECT((id = pmem_submit_raw(&c, false)) > 0 && pmem_wait(id) == 0);
	}
	c1 = settle(&c0, &c1.irqs, ARRAY_SIZE(targets));
	KEXPECT(c1.bad_targets - c0.bad_targets == ARRAY_SIZE(targets));
	KEXPECT(c1.irqs - c0.irqs == ARRAY_SIZE(targets));
	return 0;
}

/* The device as the tests before found it, whatever a failed one left. */
static void restore(void)
{
	pmem_set_mode(PMEM_MODE_IRQ);
	pmem_set_coalesce(0, 0);
	pmem_set_latency(0);
}

KTEST(pmem_coalescing_loses_no_completion)
{
	int err = coalescing();
	restore();
	return err;
}

KTEST(pmem_bad_config_is_refused)
{
	int err = bad_config();
	restore();
	return err;
}
