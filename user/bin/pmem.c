// SPDX-License-Identifier: MIT
// pmem: the pmem device's mode, latency and counters (pmemctl); change them at run time.
#include "../user.h"

static void usage(void)
{
	fprintf(2, "usage: pmem               show mode, latency figures and counters\n"
		   "       pmem irq | poll | hybrid   completions by interrupt, polling, or\n"
		   "                          polling after a nap of half the mean latency\n"
		   "       pmem coalesce N US an interrupt per N completions or after US us\n"
		   "                          (pmem coalesce 1 0: one per completion)\n"
		   "       pmem lat NS        emulated media latency in ns\n"
		   "Settings are init's unless the kernel booted with pmemctl=open.\n"
		   "       pmem reset         forget latency samples, zero the counters\n");
	exit(2);
}

/* ticks of timebase Hz as microseconds with one decimal, into buf. */
static const char *us(uint64_t ticks, uint64_t timebase, char *buf, int size)
{
	uint64_t tenths = timebase ? ticks * 10000000 / timebase : 0;
	snprintf(buf, size, "%lu.%lu", tenths / 10, tenths % 10);
	return buf;
}

static int show(void)
{
	struct pmem_stats s;
	char a[24], b[24], c[24], d[24];
	int err = pmemctl(PMEMCTL_STATS, (unsigned long)&s);

	if (err < 0 || !s.present) {
		fprintf(2, "pmem: %s\n", err < 0 ? strerror(err) : "no pmem device");
		return 1;
	}
	printf("pmem: %lu blocks of 512 B, %s completions, latency %lu ns\n", s.capacity,
	       s.mode == PMEMCTL_POLL ? "polled" : s.mode == PMEMCTL_HYBRID ? "hybrid" : "interrupt",
	       s.latency_ns);
	if (s.coalesce_n > 1)
		printf("coalescing: an interrupt per %u completions or after %u us\n", s.coalesce_n,
		       s.coalesce_us);
	printf("last %lu commands, submit to completion (us): min %s, median %s, p99 %s, max %s\n",
	       s.lat_n, us(s.lat_min, s.timebase, a, sizeof a),
	       us(s.lat_median, s.timebase, b, sizeof b), us(s.lat_p99, s.timebase, c, sizeof c),
	       us(s.lat_max, s.timebase, d, sizeof d));
	printf("commands %lu: reads %lu, writes %lu, flushes %lu, errors %lu\n", s.commands,
	       s.reads, s.writes, s.flushes, s.errors);
	printf("device slept %lu times, woken %lu times (doorbell IPIs %lu); completion IPIs %lu\n",
	       s.sleeps, s.wakeups, s.doorbell_ipis, s.irqs);
	printf("coalesced interrupts %lu for %lu completions (%lu by the timer); "
	       "waiters woken from another hart %lu\n", s.batches, s.batched, s.timer_flushes,
	       s.remote_wakeups);
	printf("hybrid naps %lu, then polled %lu; killed waiters %lu; refused settings %lu, "
	       "bad IPI targets %lu\n", s.hybrid_sleeps, s.hybrid_polls, s.killed_waits,
	       s.bad_configs, s.bad_targets);
	return 0;
}

int main(int argc, char *argv[])
{
	unsigned long ns, n, us;
	int err;

	if (argc == 1)
		return show();
	if (argc == 2 && !strcmp(argv[1], "irq"))
		err = pmemctl(PMEMCTL_MODE, PMEMCTL_IRQ);
	else if (argc == 2 && !strcmp(argv[1], "poll"))
		err = pmemctl(PMEMCTL_MODE, PMEMCTL_POLL);
	else if (argc == 2 && !strcmp(argv[1], "hybrid"))
		err = pmemctl(PMEMCTL_MODE, PMEMCTL_HYBRID);
	else if (argc == 4 && !strcmp(argv[1], "coalesce") && parse_ulong(argv[2], &n) == 0 &&
		 parse_ulong(argv[3], &us) == 0 && n <= 0xffffffffUL && us <= 0xffffffffUL)
		err = pmemctl(PMEMCTL_COALESCE, n | us << 32);
	else if (argc == 3 && !strcmp(argv[1], "lat") && parse_ulong(argv[2], &ns) == 0)
		err = pmemctl(PMEMCTL_LATENCY, ns);
	else if (argc == 2 && !strcmp(argv[1], "reset"))
		err = pmemctl(PMEMCTL_RESET, 0);
	else
		usage();
	if (err < 0) {
		fprintf(2, "pmem: %s\n", strerror(err));
		return 1;
	}
	return 0;
}
