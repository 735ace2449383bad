// SPDX-License-Identifier: MIT
// The pmem driver: a submission queue under one lock, completions matched by command id.
//
// A request slot per queue entry: pmem_submit takes a free slot and puts
// its command id (slot + generation) in the command; whoever reaps the
// completion queue (the IPI handler, or a polling waiter) finds the slot
// by that id, marks it done and wakes its waiter. At most PMEM_QDEPTH
// commands are out, so neither queue can overflow.
#include "pmem.h"
#include "pmem_dev.h"
#include "../kernel/bootargs.h"
#include "../kernel/hart.h"
#include "../kernel/ipi.h"
#include "../kernel/printk.h"
#include "../kernel/sched.h"
#include "../kernel/spinlock.h"
#include "../kernel/xl.h"
#include "../lib/errno.h"
#include "../lib/string.h"

struct request {
	bool busy;         /* sq_lock: from pmem_submit until pmem_complete */
	bool done;         /* cq_lock: its completion arrived */
	bool waiting;      /* cq_lock: someone is in pmem_complete for it */
	bool sleeping;     /* cq_lock: that someone sleeps (interrupt mode) */
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
	struct request req[PMEM_QDEPTH];
	uint32_t lat[PMEM_LAT_SAMPLES]; /* cq_lock: a ring of latencies in ticks */
	uint64_t nlat;              /* cq_lock: latencies ever recorded */
} pm;
static struct spinlock sq_lock = SPINLOCK_INIT("pmem.sq");
static struct spinlock cq_lock = SPINLOCK_INIT("pmem.cq");

/* The highest hart id in the machine other than except, or -1. */
static int last_hart(int except)
{
	int best = -1;
	for (int i = 0; i < machine.nharts; i++)
		if ((int)machine.hartids[i] != except && (int)machine.hartids[i] > best)
			best = (int)machine.hartids[i];
	return best;
}

static bool hart_exists(unsigned long id)
{
	for (int i = 0; i < machine.nharts; i++)
		if (machine.hartids[i] == id)
			return true;
	return false;
}

/* Turn bootarg pmem's value into a hart id, moved off the boot hart.
 * No pmem= at all means the last hart, except on a one-hart machine,
 * which needs its only hart for everything else. */
static int choose_hart(const char *v, int boot)
{
	unsigned long n;
	int h;
	if (!v && machine.nharts < 2)
		return -1;
	if (!v)
		v = "last";
	if (!strcmp(v, "off"))
		return -1;
	if (pmem_reserved_range().size == 0) {
		kprintf("nagi: pmem: %lu MiB of RAM is too little; no pmem device\n",
			machine.mem_size >> 20);
		return -1;
	}
	/* pmem=irq|poll: design.md's spelling, the last hart in that mode. */
	if (!*v || !strcmp(v, "last") || !strcmp(v, "irq") || !strcmp(v, "poll"))
		h = last_hart(-1);
	else if (parse_ulong(v, &n) == 0 && hart_exists(n))
		h = (int)n;
	else {
		kprintf("nagi: pmem=%s: no such hart; no pmem device\n", v);
		return -1;
	}
	if (h == boot) {
		int other = last_hart(boot);
		if (other < 0) {
			kprintf("nagi: pmem: hart %d boots and is the only one; no pmem device\n", h);
			return -1;
		}
		kprintf("nagi: pmem: hart %d is the boot hart; the device runs on hart %d instead\n",
			h, other);
		h = other;
	}
	return h;
}

int pmem_hart(void)
{
	static int chosen = -2;
	if (chosen == -2)
		chosen = choose_hart(bootarg_get("pmem"), hart_id());
	return chosen;
}

struct mem_range pmem_reserved_range(void)
{
	struct pmem_layout l = pmem_layout_of(machine.mem_base, machine.mem_size);
	return (struct mem_range){ l.ctrl, l.end - l.ctrl };
}

/* The completion mode bootargs ask for: pmem_mode=, else pmem=poll. */
static int boot_mode(void)
{
	const char *m = bootarg_get("pmem_mode");
	if (!m)
		return bootarg_is("pmem", "poll") ? PMEM_MODE_POLL : PMEM_MODE_IRQ;
	if (strcmp(m, "poll") && strcmp(m, "irq"))
		kprintf("nagi: pmem_mode=%s: not irq or poll; using irq\n", m);
	return strcmp(m, "poll") ? PMEM_MODE_IRQ : PMEM_MODE_POLL;
}

static const char *mode_name(int mode)
{
	return mode == PMEM_MODE_POLL ? "polled" : "interrupt";
}

int pmem_init(void)
{
	struct pmem_regs *r;
	uint64_t ctrl = pmem_reserved_range().base, lat;
	int h = pmem_hart();

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
	pm.mode = boot_mode();
	lat = MIN(bootarg_ulong("pmem_lat", 0), PMEM_MAX_LATENCY_NS);
	pmem_write(r->irq_target, (uint32_t)hart_id());
	pmem_write(r->latency_ns, lat);
	pmem_write(r->mode, (uint32_t)pm.mode);
	pmem_fence_w_w(); /* settings before enable */
	pmem_write(r->enable, 1);
	pm.present = true;
	kprintf("nagi: pmem on hart %d: %lu blocks of %u B (%lu MiB) at 0x%lx, %s "
		"completions, IPI target hart %d, latency %lu ns\n",
		h, pm.capacity, PMEM_BLOCK_SIZE, pm.capacity * PMEM_BLOCK_SIZE >> 20,
		pmem_read(r->media_base), mode_name(pm.mode), hart_id(), lat);
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

int pmem_submit(int op, uint64_t block, uint32_t count, uint64_t buf)
{
	struct pmem_cmd *e;
	struct request *r;
	int id;

	if (!pm.present)
		return -ENXIO;
	if (op < 0 || op > 0xff)
		return -EINVAL;
	spin_lock(&sq_lock);
	if (!(r = take_slot())) {
		spin_unlock(&sq_lock);
		return -EAGAIN;
	}
	id = (int)(r->gen * PMEM_QDEPTH + (r - pm.req));
	r->cid = (uint16_t)id;
	r->t_submit = arch_time();
	e = &pm.sq[pm.sq_tail % PMEM_QDEPTH];
	pmem_write(e->opcode, (uint8_t)op);
	pmem_write(e->flags, 0);
	pmem_write(e->cid, r->cid);
	pmem_write(e->count, count);
	pmem_write(e->block, block);
	pmem_write(e->buf, buf);
	pmem_write(e->rsvd, 0);
	pmem_fence_w_w(); /* the entry before the doorbell */
	pmem_write(pm.regs->sq_tail, ++pm.sq_tail);
	pmem_fence_rw_rw(); /* the doorbell before we look at NEED_WAKEUP */
	if (pmem_read(pm.regs->need_wakeup) && ipi_send(pm.hart, IPI_PMEM_DOORBELL) == 0)
		pm.doorbell_ipis++;
	spin_unlock(&sq_lock);
	return id;
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
	if (r->sleeping)
		wakeup(r);
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

static int status_to_errno(int status)
{
	if (status == PMEM_SC_OK)
		return 0;
	return status >= PMEM_SC_MEDIA ? -EIO : -EINVAL; /* media, or unknown */
}

/* Wait until r is done (cq_lock held, released while sleeping or spinning).
 * On a syscall worker hart it sleeps in polled mode too: the worker polls
 * (pmem_poll) between syscall threads and wakes it (docs/xl.md); in
 * interrupt mode the IPI handler on the target hart wakes it, like any. */
static void wait_done(struct request *r)
{
	bool worker = this_hart()->role == ROLE_WORKER;
	while (!r->done) {
		reap();
		if (r->done)
			break;
		if (pm.mode == PMEM_MODE_IRQ || worker) {
			bool polled = pm.mode == PMEM_MODE_POLL;
			if (polled)
				xl_poller_needed(); /* the worker polls for us */
			/* A killed process gets -EINTR at once without sleeping:
			 * it must still wait (the device may write its buffer),
			 * so it polls. */
			r->sleeping = true;
			sleep_on(r, &cq_lock);
			r->sleeping = false;
			if (polled)
				xl_poller_done();
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
	if (mode != PMEM_MODE_IRQ && mode != PMEM_MODE_POLL)
		return -EINVAL;
	spin_lock(&cq_lock);
	pm.mode = mode;
	pmem_write(pm.regs->mode, (uint32_t)mode);
	/* The mode before the queue: the device does the mirror image (see
	 * complete() in pmem_dev.c), so no completion goes unannounced. */
	pmem_fence_rw_rw();
	reap();
	for (int i = 0; i < PMEM_QDEPTH; i++) /* sleepers must poll now */
		if (pm.req[i].sleeping && mode == PMEM_MODE_POLL)
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
	pmem_poll();
}

/* Shell sort: a few hundred samples, no allocation. */
static void sort_u32(uint32_t *a, uint64_t n)
{
	static const uint64_t gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };
	for (unsigned g = 0; g < ARRAY_SIZE(gaps); g++)
		for (uint64_t i = gaps[g]; i < n; i++) {
			uint32_t v = a[i];
			uint64_t j = i;
			for (; j >= gaps[g] && a[j - gaps[g]] > v; j -= gaps[g])
				a[j] = a[j - gaps[g]];
			a[j] = v;
		}
}

void pmem_latency_stats(struct pmem_lat_stats *s)
{
	static struct spinlock stats_lock = SPINLOCK_INIT("pmem.stats");
	static uint32_t v[PMEM_LAT_SAMPLES]; /* stats_lock */
	uint64_t n;

	spin_lock(&stats_lock);
	spin_lock(&cq_lock);
	n = MIN(pm.nlat, PMEM_LAT_SAMPLES);
	memcpy(v, pm.lat, n * sizeof(v[0]));
	spin_unlock(&cq_lock);
	sort_u32(v, n);
	s->n = n;
	s->min = n ? v[0] : 0;
	s->median = n ? v[n / 2] : 0;
	s->p99 = n ? v[(n * 99 - 1) / 100] : 0;
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
}
