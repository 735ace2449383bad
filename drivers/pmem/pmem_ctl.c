// SPDX-License-Identifier: MIT
// The pmem driver's run-time settings, counters and latency figures, and the kernel tests' hooks.
#include "pmem.h"
#include "pmem_priv.h"
#include "pmem_test.h"
#include "kernel/proc/sched.h"
#include "lib/errno.h"
#include "lib/stats.h"
#include "lib/string.h"

int pmem_set_mode(int mode)
{
	if (!pmem_drv.present)
		return -ENXIO;
	if (mode != PMEM_MODE_IRQ && mode != PMEM_MODE_POLL && mode != PMEM_MODE_HYBRID)
		return -EINVAL;
	spin_lock(&pmem_cq_lock);
	pmem_drv.mode = mode;
	pmem_write(pmem_drv.regs->mode, pmem_dev_mode(mode));
	/* The mode before the queue: the device does the mirror image (see
	 * complete() in pmem_dev.c), so no completion goes unannounced. */
	pmem_fence_rw_rw();
	pmem_reap();
	for (int i = 0; i < PMEM_QDEPTH; i++) /* sleepers must poll now */
		if (pmem_drv.req[i].sleeping && mode != PMEM_MODE_IRQ)
			wakeup(&pmem_drv.req[i]);
	spin_unlock(&pmem_cq_lock);
	return 0;
}

int pmem_mode(void)
{
	return pmem_drv.mode;
}

int pmem_set_latency(uint64_t ns)
{
	if (!pmem_drv.present)
		return -ENXIO;
	pmem_write(pmem_drv.regs->latency_ns, MIN(ns, PMEM_MAX_LATENCY_NS));
	return 0;
}

uint64_t pmem_latency(void)
{
	return pmem_drv.present ? pmem_read(pmem_drv.regs->latency_ns) : 0;
}

int pmem_set_coalesce(uint32_t n, uint32_t us)
{
	if (!pmem_drv.present)
		return -ENXIO;
	if (n > PMEM_QDEPTH || us > PMEM_MAX_COALESCE_US || (n > 1 && us == 0))
		return -EINVAL;
	/* Off, then the age limit, then the count: the device never sees a
	 * count without its limit (it reads them in the other order). */
	pmem_write(pmem_drv.regs->coalesce_n, 1);
	pmem_fence_w_w(); /* pairs with the fence r, r in irq_config (pmem_dev.c) */
	pmem_write(pmem_drv.regs->coalesce_us, n > 1 ? us : 0);
	pmem_fence_w_w(); /* the same pair */
	pmem_write(pmem_drv.regs->coalesce_n, n);
	return 0;
}

void pmem_coalesce(uint32_t *n, uint32_t *us)
{
	*n = pmem_drv.present ? pmem_read(pmem_drv.regs->coalesce_n) : 0;
	*us = pmem_drv.present ? pmem_read(pmem_drv.regs->coalesce_us) : 0;
}

int pmem_set_spin(uint32_t us)
{
	if (!pmem_drv.present)
		return -ENXIO;
	pmem_write(pmem_drv.regs->spin_us, MIN(us, PMEM_MAX_SPIN_US));
	return 0;
}

int pmem_set_fail(uint64_t block, uint64_t count)
{
	if (!pmem_drv.present)
		return -ENXIO;
	/* Count 0 first: the device never sees a half-written range. */
	pmem_write(pmem_drv.regs->fail_count, 0);
	pmem_fence_w_w();
	pmem_write(pmem_drv.regs->fail_block, block);
	pmem_fence_w_w();
	pmem_write(pmem_drv.regs->fail_count, count);
	return 0;
}

void pmem_latency_stats(struct pmem_lat_stats *s)
{
	static struct spinlock stats_lock = SPINLOCK_INIT("pmem.stats");
	static uint64_t v[PMEM_LAT_SAMPLES]; /* stats_lock */
	uint64_t n;

	spin_lock(&stats_lock);
	spin_lock(&pmem_cq_lock);
	n = MIN(pmem_drv.nlat, PMEM_LAT_SAMPLES);
	for (uint64_t i = 0; i < n; i++)
		v[i] = pmem_drv.lat[i];
	spin_unlock(&pmem_cq_lock);
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
	spin_lock(&pmem_cq_lock);
	pmem_drv.nlat = 0;
	spin_unlock(&pmem_cq_lock);
}

void pmem_get_counters(struct pmem_counters *c)
{
	struct pmem_regs *r = pmem_drv.regs;
	memset(c, 0, sizeof(*c));
	c->doorbell_ipis = pmem_drv.doorbell_ipis;
	c->stray = pmem_drv.stray;
	c->remote_wakeups = pmem_drv.remote_wakeups;
	c->hybrid_sleeps = pmem_drv.hybrid_sleeps;
	c->hybrid_polls = pmem_drv.hybrid_polls;
	c->killed_waits = pmem_drv.killed_waits;
	c->inplace_polls = pmem_drv.inplace_polls;
	c->poller_sleeps = pmem_drv.poller_sleeps;
	if (!pmem_drv.present)
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
	if (!pmem_drv.present)
		return -ENXIO;
	spin_lock(&pmem_sq_lock);
	pmem_write(pmem_drv.regs->sq_tail, pmem_drv.sq_tail + (uint32_t)delta);
	if (adopt)
		pmem_drv.sq_tail += (uint32_t)delta;
	pmem_kick();
	spin_unlock(&pmem_sq_lock);
	return 0;
}

int pmem_test_cq_head(int32_t delta)
{
	if (!pmem_drv.present)
		return -ENXIO;
	spin_lock(&pmem_cq_lock);
	pmem_fence_rw_rw(); /* done with the entries, as pmem_reap() */
	pmem_write(pmem_drv.regs->cq_head, pmem_drv.cq_head + (uint32_t)delta);
	spin_unlock(&pmem_cq_lock);
	spin_lock(&pmem_sq_lock);
	pmem_kick();
	spin_unlock(&pmem_sq_lock);
	return 0;
}

int pmem_test_config(uint32_t mode, uint32_t n, uint32_t us)
{
	if (!pmem_drv.present)
		return -ENXIO;
	pmem_write(pmem_drv.regs->coalesce_us, us);
	pmem_write(pmem_drv.regs->coalesce_n, n);
	pmem_write(pmem_drv.regs->mode, mode);
	return 0;
}
