// SPDX-License-Identifier: MIT
// The pmem driver: a submission queue under one lock, completions matched by command id.
//
// A request slot per queue entry: pmem_submit takes a free slot and puts
// its command id (slot + generation) in the command; whoever reaps the
// completion queue (the IPI handler, or a polling waiter) finds the slot
// by that id, marks it done and wakes its waiter. At most PMEM_QDEPTH
// commands are out, so neither queue can overflow.
#include "pmem.h"
#include "pmem_boot.h"
#include "kernel/hw/pmem_dev.h"
#include "pmem_test.h"
#include "kernel/hart.h"
#include "kernel/ipi.h"
#include "kernel/printk.h"
#include "kernel/proc/sched.h"
#include "kernel/intrstat.h"
#include "kernel/proc/proc.h"
#include "kernel/spinlock.h"
#include "kernel/time.h"
#include "lib/errno.h"
#include "lib/stats.h"
#include "lib/string.h"

struct request {
	bool busy;         /* sq_lock: from pmem_submit until pmem_complete */
	bool done;         /* cq_lock: its completion arrived */
	bool waiting;      /* cq_lock: someone is in pmem_complete for it */
	bool sleeping;     /* cq_lock: that someone sleeps (interrupt mode) */
	int hart;          /* cq_lock: where it sleeps */
	uint16_t cid;      /* the command id sent (low bits of the request id) */
	uint8_t status;    /* PMEM_SC_*, once done */
	uint32_t gen;      /* request id = gen * PMEM_QDEPTH + slot */
	uint64_t t_submit, t_done, dev_ticks;
};

static struct {
	bool present;
	int hart;                   /* the device's hart */
	struct pmem_regs *regs;
	struct pmem_cmd *sq;
	struct pmem_cpl *cq;
	uint64_t capacity;
	int mode;                   /* cq_lock */
	uint32_t sq_tail;           /* sq_lock: commands submitted */
	uint32_t cq_head;           /* cq_lock: completions consumed */
	uint64_t stray, doorbell_ipis;
	uint64_t remote_wakeups, hybrid_sleeps, hybrid_polls, killed_waits; /* cq_lock */
	uint64_t mean;              /* cq_lock: moving mean latency in ticks (hybrid) */
	const struct pmem_poller *poller; /* a hart's completion poller, or NULL */
	struct request req[PMEM_QDEPTH];
	uint32_t lat[PMEM_LAT_SAMPLES]; /* cq_lock: a ring of latencies in ticks */
	uint64_t nlat;              /* cq_lock: latencies ever recorded */
} pm;
static struct spinlock sq_lock = SPINLOCK_INIT("pmem.sq");
static struct spinlock cq_lock = SPINLOCK_INIT("pmem.cq");

static const char *mode_name(int mode)
{
	return mode == PMEM_MODE_POLL ? "polled" : mode == PMEM_MODE_HYBRID ? "hybrid" : "interrupt";
}

/* The device's mode for a driver mode: hybrid is polled to the device. */
static uint32_t dev_mode(int mode)
{
	return mode == PMEM_MODE_IRQ ? PMEM_MODE_IRQ : PMEM_MODE_POLL;
}

int pmem_init(void)
{
	struct pmem_boot_cfg cfg;
	struct pmem_regs *r;
	uint64_t ctrl = pmem_reserved_range().base;
	int h = pmem_hart(); /* -1 also if the DTB lies on the device's memory */

	if (h < 0)
		return -ENXIO;
	if (harts[h].role != ROLE_PMEM || !pmem_dev_ready()) {
		kprintf("nagi: pmem: the device's hart %d is not running; no pmem device\n", h);
		return -ENXIO;
	}
	r = pm.regs = (struct pmem_regs *)ctrl;
	pm.sq = (struct pmem_cmd *)(ctrl + PMEM_SQ_OFFSET);
	pm.cq = (struct pmem_cpl *)(ctrl + PMEM_CQ_OFFSET);
	if (pmem_read(r->magic) != PMEM_MAGIC || pmem_read(r->version) != PMEM_VERSION ||
	    pmem_read(r->block_size) != PMEM_BLOCK_SIZE || pmem_read(r->qdepth) != PMEM_QDEPTH) {
		kprintf("nagi: pmem: no device identity at 0x%lx; not using it\n", ctrl);
		return -EIO;
	}
	pm.hart = h;
	pm.capacity = pmem_read(r->capacity);
	cfg = pmem_boot_config();
	pm.mode = cfg.mode;
	pmem_write(r->irq_target, (uint32_t)hart_id());
	pmem_write(r->latency_ns, cfg.latency_ns);
	pmem_write(r->spin_us, cfg.spin_us);
	pmem_write(r->fail_block, cfg.fail_block);
	pmem_write(r->fail_count, cfg.fail_count);
	pmem_write(r->coalesce_us, cfg.coalesce_us);
	pmem_write(r->coalesce_n, cfg.coalesce_n);
	pmem_write(r->mode, dev_mode(pm.mode));
	pmem_fence_w_w(); /* settings before enable */
	pmem_write(r->enable, 1);
	pm.present = true;
	kprintf("nagi: pmem on hart %d: %lu blocks of %u B (%lu MiB) at 0x%lx, %s "
		"completions, IPI target hart %d, latency %lu ns\n",
		h, pm.capacity, PMEM_BLOCK_SIZE, pm.capacity * PMEM_BLOCK_SIZE >> 20,
		pmem_read(r->media_base), mode_name(pm.mode), hart_id(), cfg.latency_ns);
	if (cfg.coalesce_n > 1)
		kprintf("nagi: pmem: an interrupt per %u completions or after %u us (pmem_coalesce)\n",
			cfg.coalesce_n, cfg.coalesce_us);
	if (cfg.fail_count)
		kprintf("nagi: pmem: blocks %lu-%lu fail with media errors (pmem_fail)\n",
			cfg.fail_block, cfg.fail_block + cfg.fail_count - 1);
	return 0;
}

bool pmem_present(void)
{
	return pm.present;
}

uint64_t pmem_capacity(void)
{
	return pm.present ? pm.capacity : 0;
}

/* A free request slot (sq_lock held), or NULL. */
static struct request *take_slot(void)
{
	for (int i = 0; i < PMEM_QDEPTH; i++)
		if (!pm.req[i].busy) {
			pm.req[i].busy = true;
			pm.req[i].gen = pm.req[i].gen % 0xfffff + 1; /* never 0: ids > 0 */
			return &pm.req[i];
		}
	return NULL;
}

/* Wake the device if it sleeps, after a register write it must see
 * (sq_lock held: it counts doorbell_ipis). */
static void kick(void)
{
	pmem_fence_rw_rw(); /* the write before we look at NEED_WAKEUP */
	if (pmem_read(pm.regs->need_wakeup) && ipi_send(pm.hart, IPI_PMEM_DOORBELL) == 0)
		pm.doorbell_ipis++;
}

/* Queue c with a request's command id and (unless keep_seq) the seq of
 * its position; the rest as given. Rings the doorbell. */
static int submit(const struct pmem_cmd *c, bool keep_seq)
{
	struct pmem_cmd *e;
	struct request *r;
	int id;

	if (!pm.present)
		return -ENXIO;
	spin_lock(&sq_lock);
	if (!(r = take_slot())) {
		spin_unlock(&sq_lock);
		return -EAGAIN;
	}
	id = (int)(r->gen * PMEM_QDEPTH + (r - pm.req));
	r->cid = (uint16_t)id;
	r->t_submit = arch_time();
	e = &pm.sq[pm.sq_tail % PMEM_QDEPTH];
	pmem_write(e->opcode, c->opcode);
	pmem_write(e->flags, c->flags);
	pmem_write(e->cid, r->cid);
	pmem_write(e->count, c->count);
	pmem_write(e->block, c->block);
	pmem_write(e->buf, c->buf);
	pmem_write(e->seq, keep_seq ? c->seq : pmem_seq(pm.sq_tail));
	/* The completion IPI goes to this hart, where the waiter most likely
	 * waits (a raw command may name another, for the tests). */
	pmem_write(e->irq_hart, c->irq_hart ? c->irq_hart : (uint32_t)hart_id() + 1);
	pmem_fence_w_w(); /* the entry before the doorbell */
	pmem_write(pm.regs->sq_tail, ++pm.sq_tail);
	kick(); /* the doorbell, then NEED_WAKEUP (pmem_dev.c's idle()) */
	spin_unlock(&sq_lock);
	return id;
}

int pmem_submit(int op, uint64_t block, uint32_t count, uint64_t buf)
{
	struct pmem_cmd c = { .opcode = (uint8_t)op, .count = count, .block = block, .buf = buf };

	if (op < 0 || op > 0xff)
		return pm.present ? -EINVAL : -ENXIO;
	return submit(&c, false);
}

int pmem_submit_raw(const struct pmem_cmd *c, bool keep_seq)
{
	return submit(c, keep_seq);
}

/* Is a completion waiting at the head? A hint: read without the lock. */
static bool cq_ready(void)
{
	uint32_t head = __atomic_load_n(&pm.cq_head, __ATOMIC_RELAXED);
	return pmem_read(pm.cq[head % PMEM_QDEPTH].phase) == pmem_phase(head);
}

/* Mark r done with completion e and wake its waiter (cq_lock held). */
static void finish(struct request *r, const struct pmem_cpl *e)
{
	r->status = pmem_read(e->status);
	r->dev_ticks = pmem_read(e->ticks);
	r->t_done = arch_time();
	r->done = true;
	pm.lat[pm.nlat++ % PMEM_LAT_SAMPLES] = (uint32_t)MIN(r->t_done - r->t_submit, 0xffffffffUL);
	pm.mean = pm.mean ? (pm.mean * 7 + (r->t_done - r->t_submit)) / 8 : r->t_done - r->t_submit;
	if (r->sleeping) {
		if (r->hart != hart_id())
			pm.remote_wakeups++;
		wakeup(r);
	}
}

/* Consume every new completion (cq_lock held); how many matched a request. */
static int reap(void)
{
	uint32_t start = pm.cq_head;
	int n = 0;
	for (;;) {
		const struct pmem_cpl *e = &pm.cq[pm.cq_head % PMEM_QDEPTH];
		struct request *r;
		uint16_t cid;
		if (pmem_read(e->phase) != pmem_phase(pm.cq_head))
			break;
		pmem_fence_r_r(); /* the phase before the rest of the entry */
		cid = pmem_read(e->cid);
		r = &pm.req[cid % PMEM_QDEPTH];
		if (r->busy && r->cid == cid && !r->done) {
			finish(r, e);
			n++;
		} else {
			pm.stray++;
		}
		__atomic_store_n(&pm.cq_head, pm.cq_head + 1, __ATOMIC_RELAXED);
	}
	if (pm.cq_head != start) {
		pmem_fence_rw_rw(); /* done reading the entries we give back */
		pmem_write(pm.regs->cq_head, pm.cq_head);
	}
	return n;
}

/* A bad command (ours: a driver bug, or a caller's) is -EINVAL; a media
 * error, or a status we do not know, -EIO. */
static int status_to_errno(int status)
{
	if (status == PMEM_SC_OK)
		return 0;
	return status < PMEM_SC_MEDIA || status == PMEM_SC_STALE ? -EINVAL : -EIO;
}

void pmem_poller_register(const struct pmem_poller *p)
{
	__atomic_store_n(&pm.poller, p, __ATOMIC_RELEASE);
}

/* Sleep until r is done or someone wakes us (cq_lock held, dropped while
 * asleep). -EINTR at once if the process is killed. */
static int sleep_for(struct request *r)
{
	int err;
	r->sleeping = true;
	r->hart = hart_id();
	err = sleep_on(r, &cq_lock);
	r->sleeping = false;
	return err;
}

/* A killed process's waiter (cq_lock held): sleep_on now returns at once,
 * but the device may still write the buffer, so the wait goes on until
 * the completion, polling with the lock dropped and interrupts on and
 * giving the hart to others between looks. It ends: every command
 * completes within PMEM_MAX_LATENCY_NS. */
static void killed_wait(struct request *r)
{
	pm.killed_waits++;
	while (!r->done) {
		spin_unlock(&cq_lock);
		sched_yield();
		spin_lock(&cq_lock);
		reap();
	}
}

/* Hybrid polling's first half (cq_lock held, dropped meanwhile): leave the
 * queue alone until half the mean latency has passed since the submit.
 * A nap of a timer tick or more sleeps on the timer; a shorter one (the
 * tick is 1/hz s) gives the hart to other threads, or pauses. Did it nap? */
static bool hybrid_nap(struct request *r)
{
	uint64_t until = r->t_submit + pm.mean / 2, now = arch_time();
	uint64_t tick = machine.timebase / timer_hz();

	if (now >= until)
		return false;
	pm.hybrid_sleeps++;
	intrstat_inc(STAT_PMEM_NAP);
	if (until - now >= tick) {
		r->sleeping = true;
		r->hart = hart_id();
		sleep_on_until(r, &cq_lock, sched_ticks() + (until - now) / tick);
		r->sleeping = false;
		return true;
	}
	spin_unlock(&cq_lock);
	while (arch_time() < until)
		if (sched_others_ready())
			sched_yield();
		else
			arch_relax();
	spin_lock(&cq_lock);
	return true;
}

/* Wait until r is done (cq_lock held, released while sleeping or spinning).
 * Interrupt mode: sleep; the IPI handler on the target hart wakes us.
 * Polled modes: sleep if a registered poller on this hart takes the
 * reaping on (the syscall worker, docs/xl.md), else poll; hybrid naps
 * first. A killed process waits too (killed_wait), without sleeping. */
static void wait_done(struct request *r)
{
	const struct pmem_poller *p;
	bool napped = false;

	while (!r->done) {
		reap();
		if (r->done)
			break;
		if (proc_killed()) {
			killed_wait(r);
			break;
		}
		if (pm.mode == PMEM_MODE_HYBRID && !napped) {
			napped = true;
			if (hybrid_nap(r)) {
				reap();
				pm.hybrid_polls += !r->done;
			}
			continue;
		}
		if (pm.mode == PMEM_MODE_IRQ) {
			sleep_for(r);
			continue;
		}
		p = __atomic_load_n(&pm.poller, __ATOMIC_ACQUIRE);
		if (p && p->start()) {
			sleep_for(r);
			p->stop();
			continue;
		}
		spin_unlock(&cq_lock);
		for (int i = 0; i < 1000 && !cq_ready(); i++)
			arch_relax();
		spin_lock(&cq_lock);
	}
}

int pmem_complete(int id, struct pmem_result *res)
{
	struct request *r;
	if (!pm.present)
		return -ENXIO;
	if (id <= 0)
		return -EINVAL;
	r = &pm.req[id % PMEM_QDEPTH];
	spin_lock(&cq_lock);
	if (!r->busy || r->gen != (uint32_t)id / PMEM_QDEPTH || r->waiting) {
		spin_unlock(&cq_lock);
		return -EINVAL;
	}
	r->waiting = true;
	wait_done(r);
	res->dev_status = r->status;
	res->ticks = r->t_done - r->t_submit;
	res->dev_ticks = r->dev_ticks;
	r->done = r->waiting = false;
	spin_unlock(&cq_lock);
	spin_lock(&sq_lock);
	r->busy = false;
	spin_unlock(&sq_lock);
	return status_to_errno(res->dev_status);
}

int pmem_wait(int id)
{
	struct pmem_result res;
	return pmem_complete(id, &res);
}

int pmem_rw(int op, uint64_t block, uint32_t count, void *buf)
{
	uint64_t pa = (uint64_t)buf; /* RAM is mapped one to one */
	int id;
	if (pa < machine.mem_base || pa >= machine_mem_end())
		return -EFAULT;
	while ((id = pmem_submit(op, block, count, pa)) == -EAGAIN)
		sched_yield();
	return id < 0 ? id : pmem_wait(id);
}

int pmem_set_mode(int mode)
{
	if (!pm.present)
		return -ENXIO;
	if (mode != PMEM_MODE_IRQ && mode != PMEM_MODE_POLL && mode != PMEM_MODE_HYBRID)
		return -EINVAL;
	spin_lock(&cq_lock);
	pm.mode = mode;
	pmem_write(pm.regs->mode, dev_mode(mode));
	/* The mode before the queue: the device does the mirror image (see
	 * complete() in pmem_dev.c), so no completion goes unannounced. */
	pmem_fence_rw_rw();
	reap();
	for (int i = 0; i < PMEM_QDEPTH; i++) /* sleepers must poll now */
		if (pm.req[i].sleeping && mode != PMEM_MODE_IRQ)
			wakeup(&pm.req[i]);
	spin_unlock(&cq_lock);
	return 0;
}

int pmem_mode(void)
{
	return pm.mode;
}

int pmem_set_latency(uint64_t ns)
{
	if (!pm.present)
		return -ENXIO;
	pmem_write(pm.regs->latency_ns, MIN(ns, PMEM_MAX_LATENCY_NS));
	return 0;
}

uint64_t pmem_latency(void)
{
	return pm.present ? pmem_read(pm.regs->latency_ns) : 0;
}

int pmem_set_coalesce(uint32_t n, uint32_t us)
{
	if (!pm.present)
		return -ENXIO;
	if (n > PMEM_QDEPTH || us > PMEM_MAX_COALESCE_US || (n > 1 && us == 0))
		return -EINVAL;
	/* Off, then the age limit, then the count: the device never sees a
	 * count without its limit (it reads them in the other order). */
	pmem_write(pm.regs->coalesce_n, 1);
	pmem_fence_w_w(); /* pairs with the fence r, r in irq_config (pmem_dev.c) */
	pmem_write(pm.regs->coalesce_us, n > 1 ? us : 0);
	pmem_fence_w_w(); /* the same pair */
	pmem_write(pm.regs->coalesce_n, n);
	return 0;
}

void pmem_coalesce(uint32_t *n, uint32_t *us)
{
	*n = pm.present ? pmem_read(pm.regs->coalesce_n) : 0;
	*us = pm.present ? pmem_read(pm.regs->coalesce_us) : 0;
}

int pmem_set_spin(uint32_t us)
{
	if (!pm.present)
		return -ENXIO;
	pmem_write(pm.regs->spin_us, MIN(us, PMEM_MAX_SPIN_US));
	return 0;
}

int pmem_set_fail(uint64_t block, uint64_t count)
{
	if (!pm.present)
		return -ENXIO;
	/* Count 0 first: the device never sees a half-written range. */
	pmem_write(pm.regs->fail_count, 0);
	pmem_fence_w_w();
	pmem_write(pm.regs->fail_block, block);
	pmem_fence_w_w();
	pmem_write(pm.regs->fail_count, count);
	return 0;
}

int pmem_poll(void)
{
	int n;
	if (!pm.present || !cq_ready())
		return 0;
	spin_lock(&cq_lock);
	n = reap();
	spin_unlock(&cq_lock);
	return n;
}

void pmem_intr(void)
{
	int n = pmem_poll();
	while (n-- > 0)
		intrstat_inc(STAT_PMEM_CPL);
}

void pmem_latency_stats(struct pmem_lat_stats *s)
{
	static struct spinlock stats_lock = SPINLOCK_INIT("pmem.stats");
	static uint64_t v[PMEM_LAT_SAMPLES]; /* stats_lock */
	uint64_t n;

	spin_lock(&stats_lock);
	spin_lock(&cq_lock);
	n = MIN(pm.nlat, PMEM_LAT_SAMPLES);
	for (uint64_t i = 0; i < n; i++)
		v[i] = pm.lat[i];
	spin_unlock(&cq_lock);
	sort_u64(v, n);
	s->n = n;
	s->min = n ? v[0] : 0;
	s->median = percentile(v, n, 50);
	s->p99 = percentile(v, n, 99);
	s->max = n ? v[n - 1] : 0;
	spin_unlock(&stats_lock);
}

void pmem_latency_reset(void)
{
	spin_lock(&cq_lock);
	pm.nlat = 0;
	spin_unlock(&cq_lock);
}

void pmem_get_counters(struct pmem_counters *c)
{
	struct pmem_regs *r = pm.regs;
	memset(c, 0, sizeof(*c));
	c->doorbell_ipis = pm.doorbell_ipis;
	c->stray = pm.stray;
	c->remote_wakeups = pm.remote_wakeups;
	c->hybrid_sleeps = pm.hybrid_sleeps;
	c->hybrid_polls = pm.hybrid_polls;
	c->killed_waits = pm.killed_waits;
	if (!pm.present)
		return;
	c->commands = pmem_read(r->commands);
	c->errors = pmem_read(r->errors);
	c->reads = pmem_read(r->reads);
	c->writes = pmem_read(r->writes);
	c->flushes = pmem_read(r->flushes);
	c->sleeps = pmem_read(r->sleeps);
	c->wakeups = pmem_read(r->wakeups);
	c->irqs = pmem_read(r->irqs);
	c->bad_doorbells = pmem_read(r->bad_doorbells);
	c->bad_cq_heads = pmem_read(r->bad_cq_heads);
	c->stale = pmem_read(r->stale);
	c->media_errors = pmem_read(r->media_errors);
	c->status = pmem_read(r->status);
	c->bad_configs = pmem_read(r->bad_configs);
	c->bad_targets = pmem_read(r->bad_targets);
	c->batches = pmem_read(r->batches);
	c->batched = pmem_read(r->batched);
	c->timer_flushes = pmem_read(r->timer_flushes);
}

int pmem_test_doorbell(int32_t delta, bool adopt)
{
	if (!pm.present)
		return -ENXIO;
	spin_lock(&sq_lock);
	pmem_write(pm.regs->sq_tail, pm.sq_tail + (uint32_t)delta);
	if (adopt)
		pm.sq_tail += (uint32_t)delta;
	kick();
	spin_unlock(&sq_lock);
	return 0;
}

int pmem_test_cq_head(int32_t delta)
{
	if (!pm.present)
		return -ENXIO;
	spin_lock(&cq_lock);
	pmem_fence_rw_rw(); /* done with the entries, as reap() */
	pmem_write(pm.regs->cq_head, pm.cq_head + (uint32_t)delta);
	spin_unlock(&cq_lock);
	spin_lock(&sq_lock);
	kick();
	spin_unlock(&sq_lock);
	return 0;
}

int pmem_test_config(uint32_t mode, uint32_t n, uint32_t us)
{
	if (!pm.present)
		return -ENXIO;
	pmem_write(pm.regs->coalesce_us, us);
	pmem_write(pm.regs->coalesce_n, n);
	pmem_write(pm.regs->mode, mode);
	return 0;
}
