// SPDX-License-Identifier: MIT
// bench: what a trap costs against a syscall page, and interrupts against
// polling, measured in one run: a table to read and CSV lines to keep.
//   bench [-q] [null] [dev] [seed] [fibers] [yield]    (no section: all but yield)
// `make bench` boots nagi with init=bench and keeps the CSV (docs/bench.md).
#include "../measure.h"
#include "../../lib/stats.h"
#include "../fiber.h"

#define NULL_CALLS 4000
#define DEV_CMDS 1000
#define SEED_D 8 /* seed 000's d: writes and reads per round */
#define SEED_DIR "/bench.tmp"

static int runs = 7;        /* medians of this many runs; -q: 3 */
static int seed_runs = 5;   /* the seed workload's; -q: 1 */
static int seed_rounds = 2; /* per process; -q: 1 */
/* Rounds per process or fiber at u: seed_rounds, and at small u more, so
 * that a run makes at least SEED_MIN_CALLS calls (40 calls, about a
 * millisecond, let one host hiccup double a run). -q keeps seed_rounds. */
#define SEED_MIN_CALLS 640
static int rounds_at(int u)
{
	int per_round = u * (2 * SEED_D + 4);
	if (seed_runs == 1)
		return seed_rounds;
	return MAX(seed_rounds, (SEED_MIN_CALLS + per_round - 1) / per_round);
}
static struct xl_ring ring;
static bool have_ring;

/* One CSV line: test,path,mode,u,batch,latency_ns,op,metric,value.
 * Values in hundredths print with two decimals. */
static char csvbuf[65536]; /* kept for the end, out of the tables' way */
static int csvlen;

/* Out with the kept lines, the header before the first (make bench reads
 * the first csv line as the header). */
static void csv_flush(void)
{
	static const char header[] = "csv,test,path,mode,u,batch,latency_ns,op,metric,value\n";
	static bool said;
	if (!said)
		write(1, header, sizeof(header) - 1);
	said = true;
	write(1, csvbuf, csvlen);
	csvlen = 0;
}

static void csv(const char *test, const char *path, const char *mode, int u, int batch,
		long lat, const char *op, const char *metric, uint64_t v100)
{
	char line[160];
	int n = snprintf(line, sizeof(line), "csv,%s,%s,%s,%d,%d,%ld,%s,%s,%lu.%02lu\n", test,
			 path, mode, u, batch, lat, op, metric, v100 / 100, v100 % 100);
	if (csvlen + n > (int)sizeof(csvbuf))
		csv_flush();
	memcpy(csvbuf + csvlen, line, n);
	csvlen += n;
}

static const char *mode_name(int mode)
{
	return mode == PMEMCTL_POLL ? "poll" : "irq";
}

#include "bench_null.inc" /* the null section */

/* ---- dev: 512 B commands straight to the driver ---- */

static uint64_t ticks_ns100(uint64_t ticks, uint64_t timebase)
{
	return timebase ? ticks * 100000000000UL / timebase : 0;
}

/* The completion configurations the dev section compares: interrupt
 * per command, interrupts coalesced (at one command in flight each
 * batch is flushed by its age limit), hybrid polling, polling. */
struct dev_cfg {
	const char *name;
	int mode;
	uint32_t co_n, co_us;
};
static const struct dev_cfg dev_cfgs[] = {
	{ "irq", PMEMCTL_IRQ, 0, 0 },
	{ "irq+co", PMEMCTL_IRQ, 8, 20 },
	{ "hybrid", PMEMCTL_HYBRID, 0, 0 },
	{ "poll", PMEMCTL_POLL, 0, 0 },
};

static void dev_setup(const struct dev_cfg *c, long lat)
{
	pmemctl(PMEMCTL_MODE, (unsigned long)c->mode);
	pmemctl(PMEMCTL_COALESCE, c->co_n | (unsigned long)c->co_us << 32);
	pmemctl(PMEMCTL_LATENCY, (unsigned long)lat);
	pmemctl(PMEMCTL_RESET, 0);
}

/* One row: DEV_CMDS commands of op in configuration c at latency lat
 * (ns): the latency figures, then completion IPIs per 1000 commands. */
static void dev_row(const struct dev_cfg *c, long lat, uint32_t op)
{
	static const char *const ops[] = { "read", "write" };
	static const char *const metrics[] = { "min_ns", "median_ns", "p99_ns", "max_ns" };
	struct pmem_probe p = { .op = op, .count = DEV_CMDS };
	struct pmem_stats st;
	uint64_t v[4], ipk;
	int err;

	dev_setup(c, lat);
	if ((err = pmemctl(PMEMCTL_PROBE, (unsigned long)&p)) < 0 ||
	    (err = pmemctl(PMEMCTL_STATS, (unsigned long)&st)) < 0) {
		printf("  bench: PMEMCTL_PROBE: %s\n", strerror(err));
		return;
	}
	v[0] = ticks_ns100(p.min, p.timebase);
	v[1] = ticks_ns100(p.median, p.timebase);
	v[2] = ticks_ns100(p.p99, p.timebase);
	v[3] = ticks_ns100(p.max, p.timebase);
	ipk = st.commands ? st.irqs * 1000 / st.commands : 0;
	printf("  %-6s %4ld us %-6s", c->name, lat / 1000, ops[op]);
	for (int i = 0; i < 4; i++)
		printf(" %6lu.%02lu", v[i] / 100000, v[i] / 1000 % 100);
	printf(" %5lu.%02lu %6lu\n", ipk / 1000, ipk / 10 % 100, st.hybrid_sleeps);
	for (int i = 0; i < 4; i++)
		csv("dev", "driver", c->name, 1, 1, lat, ops[op], metrics[i], v[i]);
	csv("dev", "driver", c->name, 1, 1, lat, ops[op], "ipis_per_1000_cmds", ipk);
}

/* Set the pmem completion mode the next rows are labelled with, or say
 * that it could not be (the settings are init's unless the kernel booted
 * with pmemctl=open): no row may carry a mode it did not run in. */
static void set_mode(int mode)
{
	long err = pmemctl(PMEMCTL_MODE, (unsigned long)mode);
	if (err < 0)
		printf("  bench: cannot set pmem mode %s (error %ld): boot with pmemctl=open\n",
		       mode_name(mode), err);
}

static void bench_dev(void)
{
	static const long lats[] = { 0, 10000, 50000 };
	struct pmem_stats st;

	if (pmemctl(PMEMCTL_STATS, (unsigned long)&st) < 0 || !st.present) {
		printf("\n== dev: no pmem device (bootarg pmem=)\n");
		return;
	}
	printf("\n== dev: %d commands of one 512 B block each, submit to the waiting thread's\n"
	       "   return (pmemctl PMEMCTL_PROBE: bypassing the file system and its cache), in us;\n"
	       "   irq+co: an IPI per 8 completions or after 20 us; IPI/cmd: completion IPIs\n"
	       "   per command; naps: hybrid waits that napped before polling\n", DEV_CMDS);
	if (!st.open)
		printf("  bench: pmem settings are init's (boot with pmemctl=open): rows use\n"
		       "  whatever mode is set\n");
	printf("  %-6s %7s %-6s %9s %9s %9s %9s %8s %6s\n", "mode", "latency", "op", "min",
	       "median", "p99", "max", "IPI/cmd", "naps");
	for (unsigned c = 0; c < ARRAY_SIZE(dev_cfgs); c++)
		for (unsigned l = 0; l < ARRAY_SIZE(lats); l++)
			for (uint32_t op = PMEM_PROBE_READ; op <= PMEM_PROBE_WRITE; op++)
				dev_row(&dev_cfgs[c], lats[l], op);
	pmemctl(PMEMCTL_MODE, st.mode);
	pmemctl(PMEMCTL_COALESCE, st.coalesce_n | (unsigned long)st.coalesce_us << 32);
	pmemctl(PMEMCTL_LATENCY, st.latency_ns);
}

#include "bench_seed.inc" /* the seed section */

#include "bench_fibers.inc" /* the fibers section */

/* ---- main ---- */

static void usage(void)
{
	fprintf(2, "usage: bench [-q] [-i] [null] [dev] [seed] [fibers] [yield]\n"
		   "  no section: all but yield (the fiber switch alone, for icount)\n"
		   "  -q  quick: 3 runs per median, one seed run of one round (a smoke test)\n"
		   "  -i  QEMU runs with -icount (make bench ICOUNT=1 says so)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct xl_stats xs;
	bool want[5] = { false, false, false, false, false }, any = false;
	int nworkers;

	if (getpid() == 1 && (open("/dev/console", O_RDWR) != 0 || dup(0) != 1 || dup(0) != 2))
		return 3; /* init=bench: nobody opened the console for us */
	for (int i = 1; i < argc; i++) {
		int k = !strcmp(argv[i], "null") ? 0 : !strcmp(argv[i], "dev") ? 1
			: !strcmp(argv[i], "seed") ? 2 : !strcmp(argv[i], "fibers") ? 3
			: !strcmp(argv[i], "yield") ? 4 : -1;
		if (!strcmp(argv[i], "-q")) {
			runs = 3, seed_runs = 1, seed_rounds = 1;
			continue;
		}
		if (!strcmp(argv[i], "-i")) {
			null_icount = true;
			continue;
		}
		if (k < 0)
			usage();
		want[k] = any = true;
	}
	nworkers = xlstat(&xs, sizeof(xs));
	have_ring = nworkers > 0 && xl_setup(&ring, 2) == 0;
	printf("bench: %d syscall worker(s)%s; instret %s; pid %d on hart %d\n",
	       MAX(nworkers, 0), have_ring ? "" : " (no page path: bootarg workers=N)",
	       measure_can_instret() ? "readable" : "not readable", getpid(), hartid());
	if (!any || want[0])
		bench_null();
	if (!any || want[1])
		bench_dev();
	if (!any || want[2])
		bench_seed();
	if (!any || want[3])
		bench_fibers();
	if (want[4]) { /* the fiber switch alone: for make bench ICOUNT=1 BENCH=yield */
		printf("\n== yield: two fibers on one thread\n");
		fiber_switch_cost();
	}
	printf("\nbench: the CSV lines (make bench keeps them in build/bench.csv)\n");
	csv_flush();
	printf("\nbench: done\n");
	return 0;
}
