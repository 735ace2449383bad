// SPDX-License-Identifier: MIT
// bench: what a trap costs against a syscall page, and interrupts against
// polling, measured in one run: a table to read and CSV lines to keep.
//   bench [-q] [null] [dev] [seed]    (no section: all three)
// `make bench` boots nagi with init=bench and keeps the CSV (docs/bench.md).
#include "../measure.h"
#include "../../lib/stats.h"

#define NULL_CALLS 4000
#define DEV_CMDS 1000
#define SEED_D 8 /* seed 000's d: writes and reads per round */
#define SEED_DIR "/bench.tmp"

static int runs = 7;        /* medians of this many runs; -q: 3 */
static int seed_runs = 5;   /* the seed workload's; -q: 1 */
static int seed_rounds = 2; /* per process; -q: 1 */
static struct xl_ring ring;
static bool have_ring;

/* One CSV line: test,path,mode,u,batch,latency_ns,op,metric,value.
 * Values in hundredths print with two decimals. */
static char csvbuf[32768]; /* kept for the end, out of the tables' way */
static int csvlen;

static void csv_flush(void)
{
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

/* ---- null: the round trip of a call that does nothing ---- */

static void null_row(const char *path, int batch, const struct cost *c, const struct cost *trap)
{
	char b[8] = "-";
	if (batch)
		snprintf(b, sizeof(b), "%d", batch);
	printf("  %-5s %5s %10lu.%02lu %10lu.%02lu %10lu.%02lu", path, b, c->ns100 / 100,
	       c->ns100 % 100, c->instret100 / 100, c->instret100 % 100, c->own100 / 100,
	       c->own100 % 100);
	if (trap && c->ns100)
		printf("   %4lu.%02lu", trap->ns100 / c->ns100, trap->ns100 * 100 / c->ns100 % 100);
	printf("\n");
	csv("null", path, "-", 1, batch, 0, "null", "ns", c->ns100);
	csv("null", path, "-", 1, batch, 0, "null", "instret", c->instret100);
	csv("null", path, "-", 1, batch, 0, "null", "instret_not_waiting", c->own100);
}

static void empty_loop(void *ctx, long n)
{
	UNUSED(ctx);
	for (long i = 0; i < n; i++)
		asm volatile("");
}

/* Does instret count instructions? The empty loop is 2 (add, bne) when it
 * does; QEMU without -icount derives it from host time instead. */
static void say_what_instret_counts(void)
{
	struct cost c;

	if (!measure_can_instret()) {
		printf("  (instret is not readable in U-mode: its columns are 0)\n");
		return;
	}
	measure_median(empty_loop, NULL, NULL_CALLS, runs, &c);
	if (c.instret100 >= 195 && c.instret100 <= 205)
		printf("  (instret counts instructions: the empty loop is %lu.%02lu per iteration)\n",
		       c.instret100 / 100, c.instret100 % 100);
	else
		printf("  (instret follows host time here, not instructions: the empty loop is\n"
		       "   %lu.%02lu per iteration, not 2; make bench ICOUNT=1 counts instructions)\n",
		       c.instret100 / 100, c.instret100 % 100);
}

static void bench_null(void)
{
	static const int batches[] = { 1, 8, 32, 64 };
	struct xlb_page p = { &ring, 1, 0 };
	struct cost trap, page;

	printf("\n== null: null() per call, median of %d runs of %d calls\n", runs, NULL_CALLS);
	printf("  %-5s %5s %13s %13s %13s   %s\n", "path", "batch", "ns", "instret",
	       "not waiting", "trap/page");
	measure_median(xlb_trap_null, &p, NULL_CALLS, runs, &trap);
	null_row("trap", 0, &trap, NULL);
	for (unsigned i = 0; have_ring && i < ARRAY_SIZE(batches); i++) {
		p.batch = batches[i];
		measure_median(xlb_page_null, &p, NULL_CALLS, runs, &page);
		null_row("page", p.batch, &page, &trap);
	}
	if (p.bad)
		printf("  bench: %ld WRONG RESULTS through the page\n", p.bad);
	say_what_instret_counts();
}

/* ---- dev: 512 B commands straight to the driver ---- */

static uint64_t ticks_ns100(uint64_t ticks, uint64_t timebase)
{
	return timebase ? ticks * 100000000000UL / timebase : 0;
}

/* One row: DEV_CMDS commands of op in mode at latency lat (ns). */
static void dev_row(int mode, long lat, uint32_t op)
{
	static const char *const ops[] = { "read", "write" };
	static const char *const metrics[] = { "min_ns", "median_ns", "p99_ns", "max_ns" };
	struct pmem_probe p = { .op = op, .count = DEV_CMDS };
	uint64_t v[4];
	int err;

	pmemctl(PMEMCTL_MODE, (unsigned long)mode);
	pmemctl(PMEMCTL_LATENCY, (unsigned long)lat);
	if ((err = pmemctl(PMEMCTL_PROBE, (unsigned long)&p)) < 0) {
		printf("  bench: PMEMCTL_PROBE: %s\n", strerror(err));
		return;
	}
	v[0] = ticks_ns100(p.min, p.timebase);
	v[1] = ticks_ns100(p.median, p.timebase);
	v[2] = ticks_ns100(p.p99, p.timebase);
	v[3] = ticks_ns100(p.max, p.timebase);
	printf("  %-5s %5ld us %-6s", mode_name(mode), lat / 1000, ops[op]);
	for (int i = 0; i < 4; i++)
		printf(" %6lu.%02lu", v[i] / 100000, v[i] / 1000 % 100);
	printf("\n");
	for (int i = 0; i < 4; i++)
		csv("dev", "driver", mode_name(mode), 1, 1, lat, ops[op], metrics[i], v[i]);
}

static void bench_dev(void)
{
	static const long lats[] = { 0, 10000 };
	struct pmem_stats st;

	if (pmemctl(PMEMCTL_STATS, (unsigned long)&st) < 0 || !st.present) {
		printf("\n== dev: no pmem device (bootarg pmem=)\n");
		return;
	}
	printf("\n== dev: %d commands of one 512 B block each, submit to the waiting thread's\n"
	       "   return (pmemctl PMEMCTL_PROBE: bypassing the file system and its cache), in us\n",
	       DEV_CMDS);
	printf("  %-5s %8s %-6s %9s %9s %9s %9s\n", "mode", "latency", "op", "min", "median",
	       "p99", "max");
	for (int mode = PMEMCTL_IRQ; mode <= PMEMCTL_POLL; mode++)
		for (unsigned l = 0; l < ARRAY_SIZE(lats); l++)
			for (uint32_t op = PMEM_PROBE_READ; op <= PMEM_PROBE_WRITE; op++)
				dev_row(mode, lats[l], op);
	pmemctl(PMEMCTL_MODE, st.mode);
	pmemctl(PMEMCTL_LATENCY, st.latency_ns);
}

/* ---- seed: seed 000's experiment ---- */

/* Device commands so far (0 without a device). */
static uint64_t pmem_commands(void)
{
	struct pmem_stats st;
	return pmemctl(PMEMCTL_STATS, (unsigned long)&st) == 0 ? st.commands : 0;
}

/* The median wall time of runs runs of w, in ms x100; 0 if one failed.
 * *cmds: device commands per run (the mean). */
static uint64_t seed_median(struct seed_load *w, uint64_t *cmds)
{
	uint64_t t[31], c0 = pmem_commands();
	int n = MIN(seed_runs, 31);

	for (int i = 0; i < n; i++) {
		long bad = seed_run(w, &t[i]);
		if (bad) {
			printf("  bench: u=%d %s: %ld process(es) failed (%s)\n", w->u,
			       w->page ? "page" : "trap", bad, bad < 0 ? strerror((int)bad) : "status");
			return 0;
		}
		t[i] = t[i] * 100 / (MEASURE_TIMEBASE_HZ / 1000); /* ms x100 */
	}
	*cmds = (pmem_commands() - c0) / (uint64_t)n;
	sort_u64(t, (size_t)n);
	return percentile(t, (size_t)n, 50);
}

static void bench_seed(void)
{
	static const int us[] = { 1, 8, 64 };
	struct pmem_stats st;
	int old_mode = PMEMCTL_IRQ;
	long calls_per_proc = (long)seed_rounds * (2 * SEED_D + 4);

	if (pmemctl(PMEMCTL_STATS, (unsigned long)&st) == 0 && st.present)
		old_mode = (int)st.mode;
	if (mkdir(SEED_DIR) < 0 && open(SEED_DIR, O_RDONLY) < 0) {
		printf("\n== seed: no file system to write to (mkdir %s failed)\n", SEED_DIR);
		return;
	}
	printf("\n== seed: u processes at once, each %d x (open, %d x write 512 B, close, reopen,\n"
	       "   %d x read 512 B, close) on its own file; wall ms, median of %d runs\n",
	       seed_rounds, SEED_D, SEED_D, seed_runs);
	printf("  %4s  %-5s %-5s %10s %10s %10s\n", "u", "path", "mode", "ms", "us/call",
	       "cmds/call");
	for (unsigned i = 0; i < ARRAY_SIZE(us); i++)
		for (int cfg = 0; cfg < 4; cfg++) {
			struct seed_load w = { us[i], SEED_D, seed_rounds, cfg >= 2, SEED_DIR };
			int mode = cfg % 2 ? PMEMCTL_POLL : PMEMCTL_IRQ;
			uint64_t ms100, per, cmds = 0, ncalls = (uint64_t)w.u * (uint64_t)calls_per_proc;
			if (w.page && !have_ring)
				continue;
			pmemctl(PMEMCTL_MODE, (unsigned long)mode);
			ms100 = seed_median(&w, &cmds);
			per = ms100 * 1000 / ncalls;
			cmds = cmds * 100 / ncalls;
			printf("  %4d  %-5s %-5s %7lu.%02lu %7lu.%02lu %7lu.%02lu\n", w.u,
			       w.page ? "page" : "trap", mode_name(mode), ms100 / 100, ms100 % 100,
			       per / 100, per % 100, cmds / 100, cmds % 100);
			csv("seed", w.page ? "page" : "trap", mode_name(mode), w.u, 1, 0, "file",
			    "ms", ms100);
			csv("seed", w.page ? "page" : "trap", mode_name(mode), w.u, 1, 0, "file",
			    "us_per_call", per);
			csv("seed", w.page ? "page" : "trap", mode_name(mode), w.u, 1, 0, "file",
			    "device_cmds_per_call", cmds);
		}
	pmemctl(PMEMCTL_MODE, (unsigned long)old_mode);
}

/* ---- main ---- */

static void usage(void)
{
	fprintf(2, "usage: bench [-q] [null] [dev] [seed]   (no section: all)\n"
		   "  -q  quick: 3 runs per median, one seed run of one round (a smoke test)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct xl_stats xs;
	bool want[3] = { false, false, false }, any = false;
	int nworkers;

	if (getpid() == 1 && (open("/dev/console", O_RDWR) != 0 || dup(0) != 1 || dup(0) != 2))
		return 3; /* init=bench: nobody opened the console for us */
	for (int i = 1; i < argc; i++) {
		int k = !strcmp(argv[i], "null") ? 0 : !strcmp(argv[i], "dev") ? 1
			: !strcmp(argv[i], "seed") ? 2 : -1;
		if (!strcmp(argv[i], "-q")) {
			runs = 3, seed_runs = 1, seed_rounds = 1;
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
	printf("\nbench: the CSV lines (make bench keeps them in build/bench.csv)\n");
	printf("csv,test,path,mode,u,batch,latency_ns,op,metric,value\n");
	csv_flush();
	printf("\nbench: done\n");
	return 0;
}
