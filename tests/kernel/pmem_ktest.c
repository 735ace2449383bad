// SPDX-License-Identifier: MIT
// In-kernel tests of the pmem device and driver: data, bad commands, modes, latency.
//
// They need the device (boot with `ktest pmem=last`); without it each one
// passes with a note. They use the last 256 blocks of the media only.
#include "drivers/pmem/pmem.h"
#include "kernel/time.h"
#include "../../kernel/bootargs.h"
#include "../../kernel/hart.h"
#include "../../kernel/ktest.h"
#include "kernel/proc/sched.h"
#include "kernel/proc/thread.h"
#include "kernel/intrstat.h"
#include "kernel/ipi.h"
#include "../../lib/errno.h"
#include "../../lib/string.h"
#include "lib/stats.h"

#define TBLOCKS 16                /* blocks in the test buffers */
#define WORDS (PMEM_BLOCK_SIZE / 8) /* 64-bit words in a block */
#define PERSIST_BLOCKS 8

static uint64_t wbuf[TBLOCKS * WORDS], rbuf[TBLOCKS * WORDS];

static bool no_device(void)
{
	if (pmem_present())
		return false;
	kprintf("    no pmem device (boot with pmem=last): skipped\n");
	return true;
}

/* The test area: the last 256 blocks; the persistence pattern's place. */
static uint64_t area(void) { return pmem_capacity() - PMEM_TEST_BLOCKS; }
static uint64_t persist_block(void) { return pmem_capacity() - 16; }

/* Word w of block b, as written with seed. */
static uint64_t pat(uint64_t seed, uint64_t b, int w)
{
	return (seed * 0x9E3779B97F4A7C15UL) ^ (b << 20) ^ (uint64_t)w;
}

static void fill(uint64_t *buf, uint64_t seed, uint64_t block, int nblocks)
{
	for (int i = 0; i < nblocks * WORDS; i++)
		buf[i] = pat(seed, block + i / WORDS, i % WORDS);
}

/* Write nblocks at block with seed's pattern, read them back, compare. */
static bool round_trip(uint64_t seed, uint64_t block, int nblocks)
{
	fill(wbuf, seed, block, nblocks);
	memset(rbuf, 0, sizeof(rbuf));
	if (pmem_rw(PMEM_OP_WRITE, block, nblocks, wbuf) != 0 ||
	    pmem_rw(PMEM_OP_READ, block, nblocks, rbuf) != 0)
		return false;
	return memcmp(wbuf, rbuf, nblocks * PMEM_BLOCK_SIZE) == 0;
}

KTEST(pmem_write_read_both_modes)
{
	static const int modes[] = { PMEM_MODE_IRQ, PMEM_MODE_POLL };
	if (no_device())
		return 0;
	for (unsigned m = 0; m < ARRAY_SIZE(modes); m++) {
		KEXPECT(pmem_set_mode(modes[m]) == 0);
		KEXPECT(round_trip(m + 1, area(), 1));
		KEXPECT(round_trip(m + 10, area() + 1, TBLOCKS));
		for (int b = 0; b < 8; b++) /* one block at a time, then all at once */
			KEXPECT(round_trip(m * 100 + b, area() + 20 + b, 1));
		memset(rbuf, 0, sizeof(rbuf));
		KEXPECT(pmem_rw(PMEM_OP_READ, area() + 20, 8, rbuf) == 0);
		for (int i = 0; i < 8 * WORDS; i++)
			KEXPECT(rbuf[i] == pat(m * 100 + i / WORDS, area() + 20 + i / WORDS, i % WORDS));
		KEXPECT(pmem_rw(PMEM_OP_FLUSH, 0, 0, rbuf) == 0);
	}
	/* What one mode wrote, the other reads. */
	KEXPECT(pmem_set_mode(PMEM_MODE_IRQ) == 0);
	memset(rbuf, 0, sizeof(rbuf));
	KEXPECT(pmem_rw(PMEM_OP_READ, area() + 1, TBLOCKS, rbuf) == 0);
	fill(wbuf, 11, area() + 1, TBLOCKS);
	KEXPECT(memcmp(wbuf, rbuf, TBLOCKS * PMEM_BLOCK_SIZE) == 0);
	KEXPECT(pmem_rw(PMEM_OP_READ, area(), 1, (void *)0x1000) == -EFAULT);
	return 0;
}

struct bad_cmd {
	const char *what;
	int op;
	uint64_t block;
	uint32_t count;
	uint64_t buf;
	int status;
};

/* Every way to get a command wrong, each with one thing wrong. */
static int bad_commands(struct bad_cmd *c)
{
	struct mem_range dev = pmem_reserved_range();
	uint64_t cap = pmem_capacity(), buf = (uint64_t)rbuf, end = machine_mem_end();
	int n = 0;
#define BAD(w, o, b, cnt, bf, st) c[n++] = (struct bad_cmd){ w, o, b, cnt, bf, st }
	BAD("block past the end", PMEM_OP_READ, cap, 1, buf, PMEM_SC_BAD_RANGE);
	BAD("blocks running past the end", PMEM_OP_WRITE, cap - 1, 2, buf, PMEM_SC_BAD_RANGE);
	BAD("block number that wraps", PMEM_OP_READ, ~0UL, 1, buf, PMEM_SC_BAD_RANGE);
	BAD("count 0", PMEM_OP_READ, area(), 0, buf, PMEM_SC_BAD_COUNT);
	BAD("count too big", PMEM_OP_WRITE, area(), PMEM_MAX_BLOCKS + 1, buf, PMEM_SC_BAD_COUNT);
	BAD("unaligned buffer", PMEM_OP_READ, area(), 1, buf + 4, PMEM_SC_BAD_ALIGN);
	BAD("buffer below RAM", PMEM_OP_READ, area(), 1, 0x1000, PMEM_SC_BAD_BUFFER);
	BAD("buffer past RAM", PMEM_OP_READ, area(), 1, end, PMEM_SC_BAD_BUFFER);
	BAD("buffer across the end of RAM", PMEM_OP_READ, area(), 1, end - 256, PMEM_SC_BAD_BUFFER);
	BAD("buffer address that wraps", PMEM_OP_READ, area(), 1, ~7UL, PMEM_SC_BAD_BUFFER);
	BAD("buffer on the media", PMEM_OP_READ, area(), 1, dev.base + PMEM_CTRL_SIZE,
	    PMEM_SC_BAD_BUFFER);
	BAD("buffer on the registers", PMEM_OP_READ, area(), 1, dev.base, PMEM_SC_BAD_BUFFER);
	BAD("buffer running into the queues", PMEM_OP_READ, area(), 2, dev.base - 512,
	    PMEM_SC_BAD_BUFFER);
	if (machine.nreserved)
		BAD("buffer on the firmware", PMEM_OP_READ, area(), 1, machine.reserved[0].base,
		    PMEM_SC_BAD_BUFFER);
	BAD("opcode 0", 0, area(), 1, buf, PMEM_SC_BAD_OPCODE);
	BAD("unknown opcode", 0x77, area(), 1, buf, PMEM_SC_BAD_OPCODE);
#undef BAD
	return n;
}

KTEST(pmem_bad_commands_get_errors)
{
	struct bad_cmd c[20];
	struct pmem_counters before, after;
	struct pmem_result res;
	int n, ids[20];

	if (no_device())
		return 0;
	n = bad_commands(c);
	pmem_get_counters(&before);
	for (int i = 0; i < n; i++) /* all in the queue at once */
		KEXPECT((ids[i] = pmem_submit(c[i].op, c[i].block, c[i].count, c[i].buf)) > 0);
	for (int i = 0; i < n; i++) {
		int rc = pmem_complete(ids[i], &res);
		if (res.dev_status != c[i].status || rc != -EINVAL)
			kprintf("    %s: status %d (%d), wanted %d\n", c[i].what, res.dev_status, rc,
				c[i].status);
		KEXPECT(res.dev_status == c[i].status && rc == -EINVAL);
	}
	KEXPECT(pmem_wait(ids[0]) == -EINVAL); /* already collected */
	pmem_get_counters(&after);
	KEXPECT(after.errors - before.errors == (uint64_t)n);
	KEXPECT(after.stray == before.stray);
	KEXPECT(round_trip(77, area() + 3, 4)); /* and it still works */
	return 0;
}

/* Mode switches under load: workers write and read back while a flipper
 * switches between interrupt and polled completion. */
#define WORKERS 2
#define BATCH 4
#define ROUNDS 150
static uint64_t wk_w[WORKERS][BATCH][WORDS], wk_r[WORKERS][BATCH][WORDS];
static struct {
	int finished, errors;
	uint64_t flips, commands, rounds;
} ms;

static int submit_retry(int op, uint64_t block, void *buf)
{
	int id;
	while ((id = pmem_submit(op, block, 1, (uint64_t)buf)) == -EAGAIN)
		sched_yield();
	return id;
}

/* One batch of op on this worker's blocks; counts what goes wrong. */
static void ms_batch(int w, int op, uint64_t base)
{
	int ids[BATCH], errors = 0;
	for (int b = 0; b < BATCH; b++)
		ids[b] = submit_retry(op, base + b, op == PMEM_OP_WRITE ? wk_w[w][b] : wk_r[w][b]);
	for (int b = 0; b < BATCH; b++)
		errors += ids[b] < 0 || pmem_wait(ids[b]) != 0;
	__atomic_fetch_add(&ms.errors, errors, __ATOMIC_RELAXED);
	__atomic_fetch_add(&ms.commands, BATCH, __ATOMIC_RELAXED);
}

static void ms_worker(void *arg)
{
	int w = (int)(uintptr_t)arg;
	uint64_t base = area() + 64 + w * BATCH;
	/* At least ROUNDS, and on until the flipper has switched ten times:
	 * how many switches fall inside the load must not depend on how
	 * fast the device happens to be. */
	for (int round = 0;
	     round < ROUNDS || __atomic_load_n(&ms.flips, __ATOMIC_RELAXED) < 10; round++) {
		__atomic_fetch_add(&ms.rounds, 1, __ATOMIC_RELAXED);
		for (int b = 0; b < BATCH; b++)
			fill(wk_w[w][b], round * 7 + w, base + b, 1);
		memset(wk_r[w], 0, sizeof(wk_r[w]));
		ms_batch(w, PMEM_OP_WRITE, base);
		ms_batch(w, PMEM_OP_READ, base);
		if (memcmp(wk_w[w], wk_r[w], sizeof(wk_r[w])))
			__atomic_fetch_add(&ms.errors, 1, __ATOMIC_RELAXED);
	}
	__atomic_fetch_add(&ms.finished, 1, __ATOMIC_RELEASE);
}

static void ms_flipper(void *arg)
{
	int mode = PMEM_MODE_POLL;
	UNUSED(arg);
	while (__atomic_load_n(&ms.finished, __ATOMIC_ACQUIRE) < WORKERS) {
		pmem_set_mode(mode);
		mode = mode == PMEM_MODE_POLL ? PMEM_MODE_IRQ : PMEM_MODE_POLL;
		__atomic_fetch_add(&ms.flips, 1, __ATOMIC_RELAXED);
		timer_delay_us(50 + __atomic_load_n(&ms.flips, __ATOMIC_RELAXED) % 7 * 40);
	}
	__atomic_fetch_add(&ms.finished, 1, __ATOMIC_RELEASE);
}

KTEST(pmem_mode_switch_under_load)
{
	struct pmem_counters before, after;
	uint64_t end;
	if (no_device())
		return 0;
	memset(&ms, 0, sizeof(ms));
	pmem_get_counters(&before);
	for (int w = 0; w < WORKERS; w++)
		KEXPECT(kthread_create("pmem-worker", ms_worker, (void *)(uintptr_t)w, -1));
	KEXPECT(kthread_create("pmem-flipper", ms_flipper, NULL, -1));
	end = sched_ticks() + 30 * timer_hz();
	while (__atomic_load_n(&ms.finished, __ATOMIC_ACQUIRE) < WORKERS + 1 && sched_ticks() < end)
		sched_sleep_ticks(1);
	pmem_get_counters(&after);
	kprintf("    %lu commands, %lu mode switches, %lu completion IPIs, %lu doorbell IPIs\n",
		ms.commands, ms.flips, after.irqs - before.irqs,
		after.doorbell_ipis - before.doorbell_ipis);
	KEXPECT(ms.finished == WORKERS + 1);
	KEXPECT(ms.errors == 0);
	KEXPECT(ms.flips >= 10);
	KEXPECT(ms.rounds >= (uint64_t)WORKERS * ROUNDS);
	KEXPECT(ms.commands == ms.rounds * BATCH * 2);
	KEXPECT(after.commands - before.commands == ms.commands);
	KEXPECT(after.stray == before.stray);
	KEXPECT(pmem_set_mode(PMEM_MODE_IRQ) == 0);
	return 0;
}

/* One 512 B command, timed from submit to the return of the wait. */
static uint64_t timed_op(int op, uint64_t block, struct pmem_result *res)
{
	uint64_t t0 = arch_time();
	int id = pmem_submit(op, block, 1, (uint64_t)rbuf);
	if (id < 0 || pmem_complete(id, res) != 0)
		return ~0UL;
	return arch_time() - t0;
}

KTEST(pmem_latency_is_honoured)
{
	uint64_t want = 10 * timer_ticks_per_us(); /* 10 us */
	struct pmem_result res;
	if (no_device())
		return 0;
	KEXPECT(pmem_set_latency(10000) == 0);
	for (int mode = PMEM_MODE_IRQ; mode <= PMEM_MODE_POLL; mode++) {
		KEXPECT(pmem_set_mode(mode) == 0);
		for (int i = 0; i < 20; i++) {
			uint64_t t = timed_op(PMEM_OP_READ, area() + i, &res);
			KEXPECT(t != ~0UL && t >= want && res.ticks >= want && res.dev_ticks >= want);
		}
	}
	KEXPECT(pmem_set_latency(0) == 0);
	KEXPECT(pmem_set_mode(PMEM_MODE_IRQ) == 0);
	return 0;
}

static void sort(uint64_t *a, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && a[j - 1] > a[j]; j--) {
			uint64_t t = a[j];
			a[j] = a[j - 1], a[j - 1] = t;
		}
}

/* ticks as "12.3" microseconds */
#define US(t) (t) / timer_ticks_per_us(), (t) % timer_ticks_per_us() * 10 / timer_ticks_per_us()

/* Time SAMPLES commands of one kind; print the caller's median and p99
 * and the driver's (submit -> completion seen, pmem_latency_stats). */
#define SAMPLES 400
static bool measure(int op, int mode, uint64_t lat_ns)
{
	static uint64_t t[SAMPLES];
	struct pmem_lat_stats s;
	struct pmem_result res;
	struct pmem_counters c0, c1;
	if (pmem_set_mode(mode) || pmem_set_latency(lat_ns))
		return false;
	pmem_get_counters(&c0);
	pmem_latency_reset();
	for (int i = 0; i < SAMPLES; i++)
		if ((t[i] = timed_op(op, area() + i % 64, &res)) == ~0UL)
			return false;
	pmem_latency_stats(&s);
	pmem_get_counters(&c1);
	sort(t, SAMPLES);
	kprintf("    512 B %-5s %-4s latency %2lu us: median %lu.%lu us, p99 %lu.%lu us"
		" (driver %lu.%lu / %lu.%lu; device woken for %lu of %d)\n",
		op == PMEM_OP_READ ? "read" : "write", mode == PMEM_MODE_POLL ? "poll" : "irq",
		lat_ns / 1000, US(t[SAMPLES / 2]), US(t[SAMPLES * 99 / 100 - 1]), US(s.median),
		US(s.p99), c1.doorbell_ipis - c0.doorbell_ipis, SAMPLES);
	return s.n == SAMPLES;
}

KTEST(pmem_latency_report)
{
	static const uint64_t lats[] = { 0, 10000 };
	if (no_device())
		return 0;
	for (unsigned l = 0; l < ARRAY_SIZE(lats); l++)
		for (int mode = PMEM_MODE_POLL; mode >= PMEM_MODE_IRQ; mode--) {
			KEXPECT(measure(PMEM_OP_READ, mode, lats[l]));
			KEXPECT(measure(PMEM_OP_WRITE, mode, lats[l]));
		}
	KEXPECT(pmem_set_latency(0) == 0);
	KEXPECT(pmem_set_mode(PMEM_MODE_IRQ) == 0);
	return 0;
}

/* Persistence: boot once with ktest=pmem_persist_write, then again on the
 * same image with ktest=pmem_persist_check (boot test pmem_survives_reboot). */
KTEST(pmem_persist_write)
{
	if (no_device())
		return 0;
	fill(wbuf, 0x5eed, persist_block(), PERSIST_BLOCKS);
	KEXPECT(pmem_rw(PMEM_OP_WRITE, persist_block(), PERSIST_BLOCKS, wbuf) == 0);
	KEXPECT(pmem_rw(PMEM_OP_FLUSH, 0, 0, wbuf) == 0);
	memset(rbuf, 0, sizeof(rbuf));
	KEXPECT(pmem_rw(PMEM_OP_READ, persist_block(), PERSIST_BLOCKS, rbuf) == 0);
	KEXPECT(memcmp(wbuf, rbuf, PERSIST_BLOCKS * PMEM_BLOCK_SIZE) == 0);
	if (bootarg_is("ktest", "pmem_persist_write")) {
		/* Alone: let the boot test kill QEMU, as a power cut would. */
		kprintf("ktest: pmem_persist_write: written and flushed; kill QEMU now\n");
		sched_sleep_ticks(30 * timer_hz());
	}
	return 0;
}

KTEST(pmem_persist_check)
{
	if (no_device())
		return 0;
	if (!bootarg_is("ktest", "pmem_persist_check")) {
		kprintf("    only alone (ktest=pmem_persist_check), after pmem_persist_write\n");
		return 0;
	}
	memset(rbuf, 0, sizeof(rbuf));
	KEXPECT(pmem_rw(PMEM_OP_READ, persist_block(), PERSIST_BLOCKS, rbuf) == 0);
	for (int i = 0; i < PERSIST_BLOCKS * WORDS; i++)
		if (rbuf[i] != pat(0x5eed, persist_block() + i / WORDS, i % WORDS)) {
			kprintf("    block %lu word %d: 0x%lx\n", persist_block() + i / WORDS,
				i % WORDS, rbuf[i]);
			return -1;
		}
	kprintf("ktest: pmem_persist_check: the pattern survived\n");
	return 0;
}

/* Hybrid polling: every command completes and carries the right data,
 * one at a time and many at once, with naps shorter than a timer tick
 * (100 us of latency: the waiter yields or pauses) and longer (30 ms:
 * it sleeps on the timer). */
static int hybrid(void)
{
	static const uint64_t lats[] = { 100000, 30000000 };
	static const int rounds[] = { 50, 3 };
	struct pmem_counters c0, c1;
	int ids[8], n = 0;

	if (no_device())
		return 0;
	KEXPECT(pmem_set_mode(PMEM_MODE_HYBRID) == 0 && pmem_mode() == PMEM_MODE_HYBRID);
	pmem_get_counters(&c0);
	for (unsigned l = 0; l < ARRAY_SIZE(lats); l++) {
		KEXPECT(pmem_set_latency(lats[l]) == 0);
		for (int i = 0; i < rounds[l]; i++, n += 2)
			KEXPECT(round_trip(100 + i, area() + i % TBLOCKS, 1));
		fill(wbuf, 200 + l, area(), 8);
		KEXPECT(pmem_rw(PMEM_OP_WRITE, area(), 8, wbuf) == 0);
		memset(rbuf, 0, sizeof(rbuf));
		for (int i = 0; i < 8; i++)
			KEXPECT((ids[i] = pmem_submit(PMEM_OP_READ, area() + i, 1,
						      (uint64_t)(rbuf + i * WORDS))) > 0);
		for (int i = 0; i < 8; i++)
			KEXPECT(pmem_wait(ids[i]) == 0);
		KEXPECT(memcmp(wbuf, rbuf, 8 * PMEM_BLOCK_SIZE) == 0);
		n += 9;
	}
	pmem_get_counters(&c1);
	kprintf("    %d commands: %lu naps, %lu of them then polled\n", n,
		c1.hybrid_sleeps - c0.hybrid_sleeps, c1.hybrid_polls - c0.hybrid_polls);
	KEXPECT(c1.commands - c0.commands == (uint64_t)n && c1.stray == c0.stray);
	KEXPECT(c1.irqs == c0.irqs); /* the device is polled */
	KEXPECT(c1.hybrid_sleeps > c0.hybrid_sleeps);
	KEXPECT(pmem_set_latency(0) == 0 && pmem_set_mode(PMEM_MODE_IRQ) == 0);
	return 0;
}

#define TARGET_CMDS 20
static struct {
	int errors;
	int done;
	uint64_t ticks[TARGET_CMDS]; /* each command, submit to the wait's return */
} tg;
static uint64_t tg_buf[WORDS];

static void target_waiter(void *arg)
{
	UNUSED(arg);
	for (int i = 0; i < TARGET_CMDS; i++) {
		uint64_t t0 = arch_time();
		tg.errors += pmem_rw(PMEM_OP_READ, area() + i, 1, tg_buf) != 0;
		tg.ticks[i] = arch_time() - t0;
	}
	__atomic_store_n(&tg.done, 1, __ATOMIC_RELEASE);
}

/* The completion IPI goes to the hart that waits: a waiter pinned to each
 * general hart in turn gets one device IPI per command, all on its own
 * hart (none elsewhere), and nobody wakes it from another hart. */
static int irq_target(void)
{
	int tested = 0;

	if (no_device())
		return 0;
	KEXPECT(pmem_set_mode(PMEM_MODE_IRQ) == 0 && pmem_set_latency(200000) == 0);
	KEXPECT(pmem_set_coalesce(0, 0) == 0);
	for (int h = 0; h < MAX_HARTS; h++) {
		struct pmem_counters c0, c1;
		uint64_t before[MAX_HARTS], here = 0, elsewhere = 0, end;

		if (harts[h].role != ROLE_GENERAL)
			continue;
		for (int i = 0; i < MAX_HARTS; i++)
			before[i] = harts[i].stat[STAT_IPI + IPI_PMEM];
		pmem_get_counters(&c0);
		memset(&tg, 0, sizeof(tg));
		KEXPECT(kthread_create("pmem-target", target_waiter, NULL, h));
		end = sched_ticks() + 30 * timer_hz();
		while (!__atomic_load_n(&tg.done, __ATOMIC_ACQUIRE) && sched_ticks() < end)
			sched_sleep_ticks(1);
		/* The device counts an IPI after posting its completion: let
		 * the count catch up with a waiter that reaped on its own. */
		for (int i = 0; i < 10000; i++) {
			pmem_get_counters(&c1);
			if (c1.irqs - c0.irqs >= TARGET_CMDS)
				break;
			timer_delay_us(100);
		}
		for (int i = 0; i < MAX_HARTS; i++)
			*(i == h ? &here : &elsewhere) += harts[i].stat[STAT_IPI + IPI_PMEM] - before[i];
		sort_u64(tg.ticks, TARGET_CMDS);
		kprintf("    hart %d: %d commands, %lu device IPIs, %lu taken here, %lu elsewhere, "
			"%lu remote wakeups; median %lu us\n", h, TARGET_CMDS, c1.irqs - c0.irqs, here,
			elsewhere, c1.remote_wakeups - c0.remote_wakeups,
			percentile(tg.ticks, TARGET_CMDS, 50) * 1000000 / machine.timebase);
		KEXPECT(tg.done && tg.errors == 0);
		KEXPECT(c1.irqs - c0.irqs == TARGET_CMDS);
		KEXPECT(here > 0 && here <= TARGET_CMDS && elsewhere == 0);
		KEXPECT(c1.remote_wakeups == c0.remote_wakeups);
		tested++;
	}
	KEXPECT(tested > 0);
	KEXPECT(pmem_set_latency(0) == 0);
	return 0;
}

KTEST(pmem_hybrid_completes_every_command)
{
	int err = hybrid();
	pmem_set_mode(PMEM_MODE_IRQ);
	pmem_set_latency(0);
	return err;
}

KTEST(pmem_irq_goes_to_the_waiters_hart)
{
	int err = irq_target();
	pmem_set_latency(0);
	return err;
}
