// SPDX-License-Identifier: MIT
// pmem: the pmem device's mode, latency and counters (pmemctl); change them at run time.
#include "../user.h"

static void usage(void)
{
	fprintf(2, "usage: pmem               show mode, latency figures and counters\n"
		   "       pmem irq | poll    completions by interrupt or by polling\n"
		   "       pmem lat NS        emulated media latency in ns\n"
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
	       s.mode == PMEMCTL_POLL ? "polled" : "interrupt", s.latency_ns);
	printf("last %lu commands, submit to completion (us): min %s, median %s, p99 %s, max %s\n",
	       s.lat_n, us(s.lat_min, s.timebase, a, sizeof a),
	       us(s.lat_median, s.timebase, b, sizeof b), us(s.lat_p99, s.timebase, c, sizeof c),
	       us(s.lat_max, s.timebase, d, sizeof d));
	printf("commands %lu: reads %lu, writes %lu, flushes %lu, errors %lu\n", s.commands,
	       s.reads, s.writes, s.flushes, s.errors);
	printf("device slept %lu times, woken %lu times (doorbell IPIs %lu); completion IPIs %lu\n",
	       s.sleeps, s.wakeups, s.doorbell_ipis, s.irqs);
	return 0;
}

int main(int argc, char *argv[])
{
	unsigned long ns;
	int err;

	if (argc == 1)
		return show();
	if (argc == 2 && !strcmp(argv[1], "irq"))
		err = pmemctl(PMEMCTL_MODE, PMEMCTL_IRQ);
	else if (argc == 2 && !strcmp(argv[1], "poll"))
		err = pmemctl(PMEMCTL_MODE, PMEMCTL_POLL);
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
