// SPDX-License-Identifier: MIT
// The pmem device model: a hart with interrupts off serves queues in reserved RAM.
//
// It plays the part of a storage controller's firmware. It sees only the
// register block and the queues (pmem_regs.h), physical memory as a DMA
// engine would, and the time CSR; the driver (pmem.c) sees only the same
// registers and queues, an IPI when a command completes (interrupt mode),
// and nothing else of the device.
#include "pmem_dev.h"
#include "pmem_regs.h"
#include "kernel/hart.h"
#include "kernel/ipi.h"
#include "kernel/printk.h"
#include "lib/string.h"

#define BUMP(counter) pmem_write(dev.regs->counter, pmem_read(dev.regs->counter) + 1)

static struct {
	struct pmem_regs *regs;
	struct pmem_cmd *sq;
	struct pmem_cpl *cq;
	struct pmem_layout lay;
	uint64_t capacity;        /* blocks */
	uint32_t sq_head, cq_tail; /* the device's own copies, free-running */
	uint32_t enabled;         /* the enable register as last seen */
	uint32_t status;          /* the status register as last written */
	/* Interrupt coalescing: completions posted but not yet announced. */
	uint32_t pend_n;          /* how many */
	uint64_t pend_harts;      /* bit per hart their IPIs go to */
	uint64_t pend_since;      /* time CSR at the first of them */
} dev;

/* The interrupt settings in force for one completion (read per completion,
 * so that a change takes effect at once). */
struct irq_cfg {
	bool irq;         /* interrupt mode */
	uint32_t n;       /* batch size, 1: no coalescing */
	uint64_t ticks;   /* batch age limit in time CSR ticks */
};

/* What the device finds when it looks at its doorbells. */
enum look { IDLE, WORK, CQ_FULL };
static volatile bool ready;

bool pmem_dev_ready(void)
{
	return __atomic_load_n(&ready, __ATOMIC_ACQUIRE);
}

/* Power-on reset: clear registers and queues (RAM persists across boots,
 * old queue entries must not look fresh), then publish identity, magic last. */
static void reset(void)
{
	struct pmem_regs *r;
	dev.lay = pmem_layout_of(machine.mem_base, machine.mem_size);
	r = dev.regs = (struct pmem_regs *)dev.lay.ctrl;
	dev.sq = (struct pmem_cmd *)(dev.lay.ctrl + PMEM_SQ_OFFSET);
	dev.cq = (struct pmem_cpl *)(dev.lay.ctrl + PMEM_CQ_OFFSET);
	dev.capacity = (dev.lay.end - dev.lay.media) / PMEM_BLOCK_SIZE;
	pmem_write(r->magic, 0);
	pmem_fence_w_w();
	for (uint64_t a = dev.lay.ctrl + 8; a < dev.lay.media; a += 8)
		pmem_write(*(uint64_t *)a, 0);
	pmem_write(r->version, PMEM_VERSION);
	pmem_write(r->block_size, PMEM_BLOCK_SIZE);
	pmem_write(r->capacity, dev.capacity);
	pmem_write(r->qdepth, PMEM_QDEPTH);
	pmem_write(r->max_blocks, PMEM_MAX_BLOCKS);
	pmem_write(r->media_base, dev.lay.media);
	pmem_write(r->status, dev.status = PMEM_STATUS_READY);
	pmem_fence_w_w();
	pmem_write(r->magic, PMEM_MAGIC);
	__atomic_store_n(&ready, true, __ATOMIC_RELEASE);
}

static bool overlaps(uint64_t a, uint64_t len, uint64_t base, uint64_t size)
{
	return a < base + size && base < a + len;
}

/* May the device move len bytes to or from buf? Only RAM the kernel owns:
 * not the firmware's (PMP would fault), not the device's own memory. */
static uint8_t check_buffer(uint64_t buf, uint64_t len)
{
	uint64_t end = machine_mem_end();
	if (buf & 7)
		return PMEM_SC_BAD_ALIGN;
	if (buf < machine.mem_base || buf >= end || len > end - buf)
		return PMEM_SC_BAD_BUFFER;
	if (overlaps(buf, len, dev.lay.ctrl, dev.lay.end - dev.lay.ctrl))
		return PMEM_SC_BAD_BUFFER;
	for (int i = 0; i < machine.nreserved; i++)
		if (overlaps(buf, len, machine.reserved[i].base, machine.reserved[i].size))
			return PMEM_SC_BAD_BUFFER;
	return PMEM_SC_OK;
}

/* Does the command touch [fail_block, fail_block + fail_count)? Its own
 * blocks are checked by now, so block + count does not wrap. */
static bool injected_fault(const struct pmem_cmd *c)
{
	uint64_t first = pmem_read(dev.regs->fail_block), n = pmem_read(dev.regs->fail_count);
	return n && c->block + c->count > first && (c->block < first || c->block - first < n);
}

/* READ or WRITE: validate every field, then copy (word by word: aligned). */
static uint8_t transfer(const struct pmem_cmd *c)
{
	uint64_t len = (uint64_t)c->count * PMEM_BLOCK_SIZE, media;
	uint8_t st;
	if (c->flags)
		return PMEM_SC_BAD_OPCODE;
	if (c->count == 0 || c->count > PMEM_MAX_BLOCKS)
		return PMEM_SC_BAD_COUNT;
	if (c->block >= dev.capacity || c->count > dev.capacity - c->block)
		return PMEM_SC_BAD_RANGE;
	if ((st = check_buffer(c->buf, len)) != PMEM_SC_OK)
		return st;
	if (injected_fault(c)) { /* a bad spot on the media: nothing moves */
		BUMP(media_errors);
		return PMEM_SC_MEDIA;
	}
	media = dev.lay.media + c->block * PMEM_BLOCK_SIZE;
	if (c->opcode == PMEM_OP_READ)
		memcpy((void *)c->buf, (const void *)media, len);
	else
		memcpy((void *)media, (const void *)c->buf, len);
	return PMEM_SC_OK;
}

static uint8_t execute(const struct pmem_cmd *c)
{
	switch (c->opcode) {
	case PMEM_OP_READ:
	case PMEM_OP_WRITE:
		return transfer(c);
	case PMEM_OP_FLUSH:
		/* Writes went straight to RAM, which QEMU keeps in the host file
		 * (share=on): ordering them before the completion is all. */
		pmem_fence_rw_rw();
		return c->flags ? PMEM_SC_BAD_OPCODE : PMEM_SC_OK;
	default:
		return PMEM_SC_BAD_OPCODE;
	}
}

static void count(uint8_t opcode, uint8_t status)
{
	BUMP(commands);
	if (status != PMEM_SC_OK)
		BUMP(errors);
	else if (opcode == PMEM_OP_READ)
		BUMP(reads);
	else if (opcode == PMEM_OP_WRITE)
		BUMP(writes);
	else
		BUMP(flushes);
}

/* The media is slow: no command completes before latency_ns has passed
 * since the device took it (time CSR, so 100 ns steps at 10 MHz). */
static void emulate_latency(uint64_t t0)
{
	uint64_t ns = MIN(pmem_read(dev.regs->latency_ns), PMEM_MAX_LATENCY_NS);
	uint64_t ticks = (ns * machine.timebase + 999999999UL) / 1000000000UL;
	while (arch_time() - t0 < ticks)
		arch_relax();
}

/* Set or clear status bit; entering an error state counts it once. */
static void set_status(uint32_t bit, bool on, uint64_t *counter)
{
	uint32_t st = on ? dev.status | bit : dev.status & ~bit;
	if (st == dev.status)
		return;
	if (on && counter)
		pmem_write(*counter, pmem_read(*counter) + 1);
	pmem_write(dev.regs->status, dev.status = st);
}

/* The mode and coalescing registers, checked: a value out of range sets
 * PMEM_STATUS_CFG_ERROR and counts once, and the device then interrupts
 * per completion, the setting that can strand no waiter. */
static struct irq_cfg irq_config(void)
{
	uint32_t mode = pmem_read(dev.regs->mode), n = pmem_read(dev.regs->coalesce_n), us;
	struct irq_cfg c = { mode != PMEM_MODE_POLL, 1, 0 };
	bool bad;

	pmem_fence_r_r(); /* the count before its limit: pairs with pmem_set_coalesce's fences */
	us = pmem_read(dev.regs->coalesce_us);
	bad = (mode != PMEM_MODE_IRQ && mode != PMEM_MODE_POLL) || n > PMEM_QDEPTH ||
	      us > PMEM_MAX_COALESCE_US || (n > 1 && us == 0);
	set_status(PMEM_STATUS_CFG_ERROR, bad, &dev.regs->bad_configs);
	if (!bad && n > 1) {
		c.n = n;
		c.ticks = us * (machine.timebase / 1000000);
	}
	return c;
}

/* Where a completion's IPI goes: the command's irq_hart if it names a
 * hart that runs threads, else the irq_target register (counted). */
static int irq_hart_of(uint32_t irq_hart)
{
	int h = (int)irq_hart - 1;
	if (irq_hart == 0)
		return (int)pmem_read(dev.regs->irq_target);
	if (h >= 0 && h < MAX_HARTS && h != hart_id() && harts[h].role != ROLE_NONE &&
	    harts[h].role != ROLE_PMEM)
		return h;
	BUMP(bad_targets);
	return (int)pmem_read(dev.regs->irq_target);
}

/* Counted before it is sent: a waiter that wakes and reads the counters
 * finds its IPI there (an IPI that cannot be sent is taken back). */
static void send_irq(int h)
{
	BUMP(irqs);
	if (ipi_send(h, IPI_PMEM) != 0)
		pmem_write(dev.regs->irqs, pmem_read(dev.regs->irqs) - 1);
}

/* Announce the pending batch: one IPI to each hart it targets. by_timer:
 * the age limit ran out before the count was reached. */
static void flush_batch(bool by_timer)
{
	if (dev.pend_n == 0)
		return;
	BUMP(batches); /* counted first, as in send_irq */
	pmem_write(dev.regs->batched, pmem_read(dev.regs->batched) + dev.pend_n);
	if (by_timer)
		BUMP(timer_flushes);
	for (int h = 0; h < MAX_HARTS; h++)
		if (dev.pend_harts & (1UL << h))
			send_irq(h);
	dev.pend_n = 0;
	dev.pend_harts = 0;
}

/* The coalescing timer: flush a batch that has waited long enough (or
 * whose settings changed so that it should not wait at all). */
static void batch_timer(void)
{
	struct irq_cfg c;
	if (dev.pend_n == 0)
		return;
	c = irq_config();
	if (c.n <= 1 || arch_time() - dev.pend_since >= c.ticks)
		flush_batch(true);
}

/* Post a completion, phase last; in interrupt mode, raise the IPI (or add
 * it to the batch). There is room: look() saw a free entry before the
 * command was taken, and a sane cq_head only moves on, so we never
 * overwrite an unread entry and never wait here. */
static void complete(uint16_t cid, uint8_t status, uint64_t ticks, uint32_t irq_hart)
{
	struct irq_cfg cfg;
	int h;
	struct pmem_cpl *e = &dev.cq[dev.cq_tail % PMEM_QDEPTH];
	pmem_fence_rw_rw(); /* the driver has read the old entry */
	pmem_write(e->cid, cid);
	pmem_write(e->status, status);
	pmem_write(e->sq_head, dev.sq_head);
	pmem_write(e->ticks, ticks);
	pmem_fence_w_w(); /* the entry before its phase */
	pmem_write(e->phase, pmem_phase(dev.cq_tail));
	dev.cq_tail++;
	pmem_write(dev.regs->cq_tail, dev.cq_tail);
	/* The entry is visible before we look at the mode; pmem_set_mode
	 * writes the mode before it looks at the queue. One of us sees the
	 * other, so a mode switch cannot strand a completion. */
	pmem_fence_rw_rw();
	cfg = irq_config();
	if (!cfg.irq) {
		flush_batch(false); /* announce what the old mode owed */
		return;
	}
	h = irq_hart_of(irq_hart);
	if (cfg.n <= 1) {
		flush_batch(false);
		send_irq(h);
		return;
	}
	if (dev.pend_n++ == 0)
		dev.pend_since = arch_time();
	if (h >= 0 && h < MAX_HARTS)
		dev.pend_harts |= 1UL << h;
	if (dev.pend_n >= cfg.n)
		flush_batch(false);
}

/* Take the next command from the submission queue and finish it. */
static void serve(void)
{
	struct pmem_cmd c, *e = &dev.sq[dev.sq_head % PMEM_QDEPTH];
	uint64_t t0 = arch_time();
	uint8_t status;

	pmem_fence_r_r(); /* the doorbell was read before the entry */
	c.opcode = pmem_read(e->opcode);
	c.flags = pmem_read(e->flags);
	c.cid = pmem_read(e->cid);
	c.count = pmem_read(e->count);
	c.block = pmem_read(e->block);
	c.buf = pmem_read(e->buf);
	c.seq = pmem_read(e->seq);
	c.irq_hart = pmem_read(e->irq_hart);
	/* An entry the driver did not write for this position (a doorbell
	 * rung too far, an old lap's leftovers) is never executed. */
	if (c.seq != pmem_seq(dev.sq_head)) {
		BUMP(stale);
		status = PMEM_SC_STALE;
	} else {
		status = execute(&c);
	}
	dev.sq_head++;
	pmem_write(dev.regs->sq_head, dev.sq_head);
	count(c.opcode, status);
	emulate_latency(t0);
	complete(c.cid, status, arch_time() - t0, c.irq_hart);
}

/*
 * Is there a command to take, and room for its completion? The doorbells
 * are the driver's and are not trusted: an sq_tail more than PMEM_QDEPTH
 * ahead of sq_head (or behind it) would make us run stale entries, and a
 * cq_head outside [cq_tail - PMEM_QDEPTH, cq_tail] would make us overwrite
 * unread completions or wait forever. Either sets its error bit and is
 * ignored (IDLE: the device sleeps until the next doorbell IPI) until the
 * driver writes a sane value. Also notices the enable register.
 */
static enum look look(void)
{
	uint32_t en = pmem_read(dev.regs->enable) ? 1 : 0, queued, unread;
	if (en != dev.enabled) {
		dev.enabled = en;
		set_status(PMEM_STATUS_ENABLED, en, NULL);
	}
	if (!en)
		return IDLE;
	queued = pmem_read(dev.regs->sq_tail) - dev.sq_head;
	set_status(PMEM_STATUS_SQ_ERROR, queued > PMEM_QDEPTH, &dev.regs->bad_doorbells);
	if (queued == 0 || queued > PMEM_QDEPTH)
		return IDLE;
	unread = dev.cq_tail - pmem_read(dev.regs->cq_head);
	set_status(PMEM_STATUS_CQ_ERROR, unread > PMEM_QDEPTH, &dev.regs->bad_cq_heads);
	if (unread > PMEM_QDEPTH)
		return IDLE;
	return unread == PMEM_QDEPTH ? CQ_FULL : WORK;
}

static bool stopped;

bool pmem_dev_stopped(void)
{
	return __atomic_load_n(&stopped, __ATOMIC_ACQUIRE);
}

/* The kernel panicked: stop serving, say so, and sleep for good. */
static void __attribute__((noreturn)) stop(void)
{
	__atomic_store_n(&stopped, true, __ATOMIC_RELEASE);
	for (;;)
		arch_wait();
}

/* Count the IPIs that woke us (doorbells), then acknowledge them. A panic
 * elsewhere (IPI_STOP) stops the device too. */
static void take_ipis(void)
{
	struct hart *h = this_hart();
	uint64_t pending;
	arch_ipi_clear();
	pending = __atomic_exchange_n(&h->ipi_pending, 0, __ATOMIC_ACQUIRE);
	for (int r = 0; r < NR_IPI; r++)
		if (pending & (1UL << r))
			intrstat_inc(STAT_IPI + r);
	if (pending & (1UL << IPI_STOP))
		stop();
}

/* Nothing to do: watch the doorbell for spin_us, then sleep in wfi. A
 * batch waiting for its timer keeps the device awake (it has no timer
 * interrupt: it watches the time CSR). */
static void idle(void)
{
	uint64_t us = MIN(pmem_read(dev.regs->spin_us), PMEM_MAX_SPIN_US);
	uint64_t end = arch_time() + us * (machine.timebase / 1000000);
	while (arch_time() < end || dev.pend_n) {
		if (look() != IDLE)
			return;
		batch_timer();
		arch_relax();
	}
	/* NEED_WAKEUP first, then one more look at the doorbell: the driver
	 * rings, then looks at NEED_WAKEUP (fences on both sides), so either
	 * we see its command or it sees our flag and sends an IPI, which
	 * ends wfi even with interrupts off. No lost wake-up. */
	pmem_write(dev.regs->need_wakeup, 1);
	pmem_fence_rw_rw();
	if (look() == IDLE) {
		BUMP(sleeps);
		arch_wait();
		BUMP(wakeups);
	}
	pmem_write(dev.regs->need_wakeup, 0);
	take_ipis();
}

void pmem_dev_run(void)
{
	/* 1. The hart is the device's: faults still reach the kernel's trap
	 *    entry, interrupts stay off, SSIP alone may end a wfi. Paging
	 *    stays off (entry.S never turned it on): physical addresses. */
	arch_trap_init();
	arch_intr_off();
	arch_irq_soft_only();
	/* 2. Reset and say so. */
	reset();
	/* 3. Serve. A full completion queue is the driver's to drain, soon
	 *    (it keeps at most PMEM_QDEPTH commands out): wait awake. */
	for (;;) {
		if (panicking) /* between commands: a busy device never sleeps */
			stop();
		batch_timer();
		switch (look()) {
		case WORK:
			serve();
			break;
		case CQ_FULL:
			arch_relax();
			break;
		case IDLE:
			idle();
			break;
		}
	}
}
