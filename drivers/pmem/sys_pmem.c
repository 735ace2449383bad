// SPDX-License-Identifier: MIT
// pmemctl: the pmem driver's mode, latency and statistics, for benchmarks and tests.
#include "kernel/machine.h"
#include "arch/riscv/arch.h"
#include "kernel/spinlock.h"
#include "kernel/syscall.h"
#include "kernel/bootargs.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "pmem.h"
#include "lib/abi.h"
#include "lib/errno.h"
#include "lib/stats.h"
#include "lib/string.h"

_Static_assert(PMEMCTL_IRQ == PMEM_MODE_IRQ && PMEMCTL_POLL == PMEM_MODE_POLL &&
	       PMEMCTL_HYBRID == PMEM_MODE_HYBRID, "pmemctl modes are the driver's");

/* The device's counters only ever grow: a reset remembers where they
 * stood, and reports subtract it. */
static struct pmem_counters base;
static struct spinlock lock = SPINLOCK_INIT("pmemctl");

static void fill(struct pmem_stats *s)
{
	struct pmem_lat_stats l;
	struct pmem_counters c;

	pmem_latency_stats(&l);
	pmem_get_counters(&c);
	memset(s, 0, sizeof(*s));
	s->present = pmem_present();
	s->mode = (uint32_t)pmem_mode();
	s->latency_ns = pmem_latency();
	s->capacity = pmem_capacity();
	s->timebase = machine.timebase;
	s->lat_n = l.n, s->lat_min = l.min, s->lat_median = l.median;
	s->lat_p99 = l.p99, s->lat_max = l.max;
	spin_lock(&lock);
	s->commands = c.commands - base.commands;
	s->errors = c.errors - base.errors;
	s->reads = c.reads - base.reads;
	s->writes = c.writes - base.writes;
	s->flushes = c.flushes - base.flushes;
	s->sleeps = c.sleeps - base.sleeps;
	s->wakeups = c.wakeups - base.wakeups;
	s->irqs = c.irqs - base.irqs;
	s->doorbell_ipis = c.doorbell_ipis - base.doorbell_ipis;
	s->stray = c.stray - base.stray;
	s->batches = c.batches - base.batches;
	s->batched = c.batched - base.batched;
	s->timer_flushes = c.timer_flushes - base.timer_flushes;
	s->bad_configs = c.bad_configs - base.bad_configs;
	s->bad_targets = c.bad_targets - base.bad_targets;
	s->remote_wakeups = c.remote_wakeups - base.remote_wakeups;
	s->hybrid_sleeps = c.hybrid_sleeps - base.hybrid_sleeps;
	s->hybrid_polls = c.hybrid_polls - base.hybrid_polls;
	s->killed_waits = c.killed_waits - base.killed_waits;
	s->inplace_polls = c.inplace_polls - base.inplace_polls;
	s->poller_sleeps = c.poller_sleeps - base.poller_sleeps;
	spin_unlock(&lock);
	pmem_coalesce(&s->coalesce_n, &s->coalesce_us);
	s->open = bootarg_is("pmemctl", "open");
}

static void reset(void)
{
	struct pmem_counters c;

	pmem_latency_reset();
	pmem_get_counters(&c);
	spin_lock(&lock);
	base = c;
	spin_unlock(&lock);
}

/* PMEMCTL_PROBE: one probe at a time (it sleeps, so no spinlock), on
 * samples and a buffer of its own. */
static uint64_t samples[PMEM_PROBE_MAX];
static uint8_t probe_buf[PMEM_BLOCK_SIZE] __attribute__((aligned(PMEM_BLOCK_SIZE)));
static int probing;

static int probe(uint64_t uaddr)
{
	struct pmem_probe p;
	uint64_t area = pmem_capacity() - PMEM_TEST_BLOCKS;
	int op, err = 0;

	if (copyin(&p, uaddr, sizeof(p)) < 0)
		return -EFAULT;
	if (p.op > PMEM_PROBE_WRITE || p.count == 0 || p.count > PMEM_PROBE_MAX)
		return -EINVAL;
	if (!pmem_present() || pmem_capacity() <= PMEM_TEST_BLOCKS)
		return -ENXIO;
	if (__atomic_exchange_n(&probing, 1, __ATOMIC_ACQUIRE))
		return -EBUSY;
	op = p.op == PMEM_PROBE_READ ? PMEM_OP_READ : PMEM_OP_WRITE;
	for (uint32_t i = 0; i < p.count && !err; i++) {
		if (proc_killed()) { /* a long probe ends on a kill */
			err = -EINTR;
			break;
		}
		uint64_t t0 = arch_time();
		err = pmem_rw(op, area + i % PMEM_TEST_BLOCKS, 1, probe_buf);
		samples[i] = arch_time() - t0;
	}
	if (!err) {
		sort_u64(samples, p.count);
		p.timebase = machine.timebase;
		p.min = samples[0];
		p.median = percentile(samples, p.count, 50);
		p.p99 = percentile(samples, p.count, 99);
		p.max = samples[p.count - 1];
	}
	__atomic_store_n(&probing, 0, __ATOMIC_RELEASE);
	return err ? err : copyout(uaddr, &p, sizeof(p));
}

/* May the caller change the device's settings? They are the
 * administrator's: init's, or anyone's after the boot argument
 * pmemctl=open (benchmarks, tests). Reading them is everyone's. */
static bool may_set(void)
{
	struct proc *p = curproc();
	return bootarg_is("pmemctl", "open") || (p && p->pid == 1);
}

/* pmemctl(op, arg) -> 0; -EINVAL for an unknown op, mode, coalescing
 * setting or a latency over 1 s, -EPERM for a setting (MODE, LATENCY,
 * RESET, COALESCE) from a process may_set refuses, -ENXIO without a
 * device (PMEMCTL_STATS works anyway and says present = 0), -EFAULT for a
 * bad stats pointer. PMEMCTL_PROBE: -EINVAL for a bad op or count,
 * -EBUSY while another probe runs, -EINTR if killed, or the driver's
 * error. */
long sys_pmemctl(const struct sys_args *a)
{
	uint64_t arg = arg_uaddr(a, 1);
	int op = arg_int(a, 0);
	struct pmem_stats s;

	if ((op == PMEMCTL_MODE || op == PMEMCTL_LATENCY || op == PMEMCTL_RESET ||
	     op == PMEMCTL_COALESCE) && !may_set())
		return -EPERM;
	switch (op) {
	case PMEMCTL_MODE:
		return arg > PMEMCTL_HYBRID ? -EINVAL : pmem_set_mode((int)arg);
	case PMEMCTL_COALESCE:
		return pmem_set_coalesce((uint32_t)arg, (uint32_t)(arg >> 32));
	case PMEMCTL_LATENCY:
		return arg > PMEM_MAX_LATENCY_NS ? -EINVAL : pmem_set_latency(arg);
	case PMEMCTL_STATS:
		fill(&s);
		return copyout(arg, &s, sizeof(s));
	case PMEMCTL_PROBE:
		return probe(arg);
	case PMEMCTL_RESET:
		if (!pmem_present())
			return -ENXIO;
		reset();
		return 0;
	default:
		return -EINVAL;
	}
}
