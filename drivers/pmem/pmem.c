// SPDX-License-Identifier: MIT
// The pmem driver: a submission queue under one lock, completions matched by command id.
//
// A request slot per queue entry: pmem_submit takes a free slot and puts
// its command id (slot + generation) in the command; whoever reaps the
// completion queue (the IPI handler, or a polling waiter) finds the slot
// by that id, marks it done and wakes its waiter. At most PMEM_QDEPTH
// commands are out, so neither queue can overflow.
#include "pmem.h"
#include "pmem_priv.h"
#include "pmem_boot.h"
#include "kernel/hw/pmem_dev.h"
#include "pmem_test.h"
#include "kernel/hart.h"
#include "kernel/ipi.h"
#include "kernel/lab.h" /* the student tree's stubs */
#include "kernel/printk.h"
#include "kernel/proc/sched.h"
#include "kernel/intrstat.h"
#include "kernel/proc/proc.h"
#include "kernel/spinlock.h"
#include "kernel/time.h"
#include "lib/errno.h"
#include "lib/stats.h"
#include "lib/string.h"

struct pmem_driver pmem_drv;
struct spinlock pmem_sq_lock = SPINLOCK_INIT("pmem.sq");
struct spinlock pmem_cq_lock = SPINLOCK_INIT("pmem.cq");

static const char *mode_name(int mode)
{
	return mode == PMEM_MODE_POLL ? "polled" : mode == PMEM_MODE_HYBRID ? "hybrid" : "interrupt";
}

/* Hybrid is polled to the device. */
uint32_t pmem_dev_mode(int mode)
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
	r = pmem_drv.regs = (struct pmem_regs *)ctrl;
	pmem_drv.sq = (struct pmem_cmd *)(ctrl + PMEM_SQ_OFFSET);
	pmem_drv.cq = (struct pmem_cpl *)(ctrl + PMEM_CQ_OFFSET);
	if (pmem_read(r->magic) != PMEM_MAGIC || pmem_read(r->version) != PMEM_VERSION ||
	    pmem_read(r->block_size) != PMEM_BLOCK_SIZE || pmem_read(r->qdepth) != PMEM_QDEPTH) {
		kprintf("nagi: pmem: no device identity at 0x%lx; not using it\n", ctrl);
		return -EIO;
	}
	pmem_drv.hart = h;
	pmem_drv.capacity = pmem_read(r->capacity);
	cfg = pmem_boot_config();
	pmem_drv.mode = cfg.mode;
	pmem_write(r->irq_target, (uint32_t)hart_id());
	pmem_write(r->latency_ns, cfg.latency_ns);
	pmem_write(r->spin_us, cfg.spin_us);
	pmem_write(r->fail_block, cfg.fail_block);
	pmem_write(r->fail_count, cfg.fail_count);
	pmem_write(r->coalesce_us, cfg.coalesce_us);
	pmem_write(r->coalesce_n, cfg.coalesce_n);
	pmem_write(r->mode, pmem_dev_mode(pmem_drv.mode));
	ipi_register(IPI_PMEM, pmem_intr, false); /* before the first completion */
	pmem_fence_w_w(); /* settings before enable */
	pmem_write(r->enable, 1);
	pmem_drv.present = true;
	kprintf("nagi: pmem on hart %d: %lu blocks of %u B (%lu MiB) at 0x%lx, %s "
		"completions, IPI target hart %d, latency %lu ns\n",
		h, pmem_drv.capacity, PMEM_BLOCK_SIZE, pmem_drv.capacity * PMEM_BLOCK_SIZE >> 20,
		pmem_read(r->media_base), mode_name(pmem_drv.mode), hart_id(), cfg.latency_ns);
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
	return pmem_drv.present;
}

uint64_t pmem_capacity(void)
{
	return pmem_drv.present ? pmem_drv.capacity : 0;
}

/* A free request slot (pmem_sq_lock held), or NULL. */
static struct request *take_slot(void)
{
	for (int i = 0; i < PMEM_QDEPTH; i++)
		if (!pmem_drv.req[i].busy) {
			pmem_drv.req[i].busy = true;
			pmem_drv.req[i].gen = pmem_drv.req[i].gen % 0xfffff + 1; /* never 0: ids > 0 */
			return &pmem_drv.req[i];
		}
	return NULL;
}

void pmem_kick(void)
{
	pmem_fence_rw_rw(); /* the write before we look at NEED_WAKEUP */
	if (pmem_read(pmem_drv.regs->need_wakeup) && ipi_send(pmem_drv.hart, IPI_PMEM_DOORBELL) == 0)
		pmem_drv.doorbell_ipis++;
}

/* Queue c with a request's command id and (unless keep_seq) the seq of
 * its position; the rest as given. Rings the doorbell. */
static int submit(const struct pmem_cmd *c, bool keep_seq)
{
	struct pmem_cmd *e;
	struct request *r;
	int id;

	if (!pmem_drv.present)
		return -ENXIO;
	spin_lock(&pmem_sq_lock);
	if (!(r = take_slot())) {
		spin_unlock(&pmem_sq_lock);
		return -EAGAIN;
	}
	id = (int)(r->gen * PMEM_QDEPTH + (r - pmem_drv.req));
	r->cid = (uint16_t)id;
	r->t_submit = arch_time();
	e = &pmem_drv.sq[pmem_drv.sq_tail % PMEM_QDEPTH];
	pmem_write(e->opcode, c->opcode);
	pmem_write(e->flags, c->flags);
	pmem_write(e->cid, r->cid);
	pmem_write(e->count, c->count);
	pmem_write(e->block, c->block);
	pmem_write(e->buf, c->buf);
	pmem_write(e->seq, keep_seq ? c->seq : pmem_seq(pmem_drv.sq_tail));
	/* The completion IPI goes to this hart, where the waiter most likely
	 * waits (a raw command may name another, for the tests). */
	pmem_write(e->irq_hart, c->irq_hart ? c->irq_hart : (uint32_t)hart_id() + 1);
	pmem_fence_w_w(); /* the entry before the doorbell */
	pmem_write(pmem_drv.regs->sq_tail, ++pmem_drv.sq_tail);
	pmem_kick(); /* the doorbell, then NEED_WAKEUP (pmem_dev.c's idle()) */
	spin_unlock(&pmem_sq_lock);
	return id;
}

int pmem_submit(int op, uint64_t block, uint32_t count, uint64_t buf)
{
	struct pmem_cmd c = { .opcode = (uint8_t)op, .count = count, .block = block, .buf = buf };

	if (op < 0 || op > 0xff)
		return pmem_drv.present ? -EINVAL : -ENXIO;
	return submit(&c, false);
}

int pmem_submit_raw(const struct pmem_cmd *c, bool keep_seq)
{
	return submit(c, keep_seq);
}

/* Is a completion waiting at the head? A hint: read without the lock. */
static bool cq_ready(void)
{
	uint32_t head = __atomic_load_n(&pmem_drv.cq_head, __ATOMIC_RELAXED);
	return pmem_read(pmem_drv.cq[head % PMEM_QDEPTH].phase) == pmem_phase(head);
}

/* Mark r done with completion e and wake its waiter (pmem_cq_lock held). */
static void finish(struct request *r, const struct pmem_cpl *e)
{
	r->status = pmem_read(e->status);
	r->dev_ticks = pmem_read(e->ticks);
	r->t_done = arch_time();
	r->done = true;
	/* LAB polling: BEGIN */
	uint64_t lat = r->t_done - r->t_submit;
	pmem_drv.lat[pmem_drv.nlat++ % PMEM_LAT_SAMPLES] = (uint32_t)MIN(lat, 0xffffffffUL);
	pmem_drv.mean = pmem_drv.mean ? (pmem_drv.mean * 7 + lat) / 8 : lat;
	/* LAB polling: ELSE
	// Stub: no latency is kept: no samples for the report, no mean for
	// hybrid_nap.
	static bool said;
	if (!said)
		said = lab_missing("polling", "finish (latency and mean) not implemented");
	   LAB polling: END */
	if (r->sleeping) {
		if (r->hart != hart_id())
			pmem_drv.remote_wakeups++;
		wakeup(r);
	}
}

int pmem_reap(void)
{
	uint32_t start = pmem_drv.cq_head;
	int n = 0;
	for (;;) {
		const struct pmem_cpl *e = &pmem_drv.cq[pmem_drv.cq_head % PMEM_QDEPTH];
		struct request *r;
		uint16_t cid;
		if (pmem_read(e->phase) != pmem_phase(pmem_drv.cq_head))
			break;
		pmem_fence_r_r(); /* the phase before the rest of the entry */
		cid = pmem_read(e->cid);
		r = &pmem_drv.req[cid % PMEM_QDEPTH];
		if (r->busy && r->cid == cid && !r->done) {
			finish(r, e);
			n++;
		} else {
			pmem_drv.stray++;
		}
		__atomic_store_n(&pmem_drv.cq_head, pmem_drv.cq_head + 1, __ATOMIC_RELAXED);
	}
	if (pmem_drv.cq_head != start) {
		pmem_fence_rw_rw(); /* done reading the entries we give back */
		pmem_write(pmem_drv.regs->cq_head, pmem_drv.cq_head);
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
	__atomic_store_n(&pmem_drv.poller, p, __ATOMIC_RELEASE);
}

/* Sleep until r is done or someone wakes us (pmem_cq_lock held, dropped while
 * asleep). -EINTR at once if the process is killed. */
static int sleep_for(struct request *r)
{
	int err;
	r->sleeping = true;
	r->hart = hart_id();
	err = sleep_on(r, &pmem_cq_lock);
	r->sleeping = false;
	return err;
}

/* A killed process's waiter (pmem_cq_lock held): sleep_on now returns at once,
 * but the device may still write the buffer, so the wait goes on until
 * the completion, polling with the lock dropped and interrupts on and
 * giving the hart to others between looks. It ends: every command
 * completes within PMEM_MAX_LATENCY_NS. */
static void killed_wait(struct request *r)
{
	pmem_drv.killed_waits++;
	while (!r->done) {
		spin_unlock(&pmem_cq_lock);
		sched_yield();
		spin_lock(&pmem_cq_lock);
		pmem_reap();
	}
}

/* Hybrid polling's first half (pmem_cq_lock held, dropped meanwhile): leave the
 * queue alone until half the mean latency has passed since the submit.
 * A nap of a timer tick or more sleeps on the timer; a shorter one (the
 * tick is 1/hz s) gives the hart to other threads, or pauses. Did it nap? */
static bool hybrid_nap(struct request *r)
{
	/* LAB polling: BEGIN */
	uint64_t until = r->t_submit + pmem_drv.mean / 2, now = arch_time();
	uint64_t tick = machine.timebase / timer_hz();

	if (now >= until)
		return false;
	pmem_drv.hybrid_sleeps++;
	intrstat_inc(STAT_PMEM_NAP);
	if (until - now >= tick) {
		r->sleeping = true;
		r->hart = hart_id();
		sleep_on_until(r, &pmem_cq_lock, sched_ticks() + (until - now) / tick);
		r->sleeping = false;
		return true;
	}
	spin_unlock(&pmem_cq_lock);
	while (arch_time() < until)
		if (sched_others_ready())
			sched_yield();
		else
			arch_relax();
	spin_lock(&pmem_cq_lock);
	return true;
	/* LAB polling: ELSE
	// Stub: never naps, so hybrid is plain polling.
	static bool said;
	UNUSED(r);
	if (!said)
		said = lab_missing("polling", "hybrid_nap not implemented");
	return false;
	   LAB polling: END */
}

/* Bounds of an in-place poll on a poller's hart: twice the mean latency,
 * but at least a lone command's polled round trip under QEMU and at most
 * what a sleep and a wake-up on the same hart cost. */
#define INPLACE_MIN_US 10
#define INPLACE_MAX_US 100

/* Poll for r on a poller's hart while nothing else wants the hart
 * (pmem_cq_lock held, dropped meanwhile, interrupts on), for about the
 * command's latency: done or not, the caller looks again. */
static void poll_in_place(struct request *r, const struct pmem_poller *p)
{
	uint64_t us = timer_ticks_per_us();
	uint64_t until = arch_time() + MIN(MAX(2 * pmem_drv.mean, INPLACE_MIN_US * us),
					   INPLACE_MAX_US * us);
	bool done = false;

	pmem_drv.inplace_polls++;
	spin_unlock(&pmem_cq_lock);
	while (!done && arch_time() < until && p->alone()) {
		if (!cq_ready()) {
			arch_relax();
			continue;
		}
		spin_lock(&pmem_cq_lock);
		pmem_reap();
		done = r->done;
		spin_unlock(&pmem_cq_lock);
	}
	spin_lock(&pmem_cq_lock);
}

/* Wait until r is done (pmem_cq_lock held, released while sleeping or spinning).
 * Interrupt mode: sleep; the IPI handler on the target hart wakes us.
 * Polled modes: on a hart with a registered poller (the syscall worker,
 * docs/xl.md), poll in place for about a command's latency if no other
 * thread wants the hart, then sleep while the poller reaps for us;
 * elsewhere poll; hybrid naps first. A killed process waits too
 * (killed_wait), without sleeping. */
static void wait_done(struct request *r)
{
	const struct pmem_poller *p;
	bool napped = false, polled = false;

	while (!r->done) {
		pmem_reap();
		if (r->done)
			break;
		if (proc_killed()) {
			killed_wait(r);
			break;
		}
		if (pmem_drv.mode == PMEM_MODE_HYBRID && !napped) {
			napped = true;
			if (hybrid_nap(r)) {
				pmem_reap();
				pmem_drv.hybrid_polls += !r->done;
			}
			continue;
		}
		if (pmem_drv.mode == PMEM_MODE_IRQ) {
			sleep_for(r);
			continue;
		}
		p = __atomic_load_n(&pmem_drv.poller, __ATOMIC_ACQUIRE);
		if (p && !polled && p->alone()) {
			polled = true;
			poll_in_place(r, p);
			continue;
		}
		if (p && p->start()) {
			pmem_drv.poller_sleeps++;
			sleep_for(r);
			p->stop();
			continue;
		}
		spin_unlock(&pmem_cq_lock);
		for (int i = 0; i < 1000 && !cq_ready(); i++)
			arch_relax();
		spin_lock(&pmem_cq_lock);
	}
}

int pmem_complete(int id, struct pmem_result *res)
{
	struct request *r;
	if (!pmem_drv.present)
		return -ENXIO;
	if (id <= 0)
		return -EINVAL;
	r = &pmem_drv.req[id % PMEM_QDEPTH];
	spin_lock(&pmem_cq_lock);
	if (!r->busy || r->gen != (uint32_t)id / PMEM_QDEPTH || r->waiting) {
		spin_unlock(&pmem_cq_lock);
		return -EINVAL;
	}
	r->waiting = true;
	wait_done(r);
	res->dev_status = r->status;
	res->ticks = r->t_done - r->t_submit;
	res->dev_ticks = r->dev_ticks;
	r->done = r->waiting = false;
	spin_unlock(&pmem_cq_lock);
	spin_lock(&pmem_sq_lock);
	r->busy = false;
	spin_unlock(&pmem_sq_lock);
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
int pmem_poll(void)
{
	int n;
	if (!pmem_drv.present || !cq_ready())
		return 0;
	spin_lock(&pmem_cq_lock);
	n = pmem_reap();
	spin_unlock(&pmem_cq_lock);
	return n;
}

void pmem_intr(void)
{
	int n = pmem_poll();
	while (n-- > 0)
		intrstat_inc(STAT_PMEM_CPL);
}

