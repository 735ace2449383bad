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

/* ---- fibers: seed 000's experiment in one process ---- */

#define FIBER_YIELDS 20000
#define FIBER_MAX_PROCS 100 /* u processes beside init, sh and bench: NPROC is 128 */
static volatile long pingpong_left;

static void pingpong(void *arg)
{
	UNUSED(arg);
	while (pingpong_left-- > 0)
		fiber_yield();
}

static uint64_t yield_t0, yield_i0, yield_t1, yield_i1;

static void pingpong_root(void *arg)
{
	struct fiber *a, *b;
	UNUSED(arg);
	pingpong_left = 2 * FIBER_YIELDS;
	a = fiber_create(pingpong, NULL, "ping", 0);
	b = fiber_create(pingpong, NULL, "pong", 0);
	yield_t0 = measure_time();
	yield_i0 = measure_instret();
	fiber_join(a, NULL);
	fiber_join(b, NULL);
	yield_t1 = measure_time();
	yield_i1 = measure_instret();
}

/* Two fibers yielding to each other on one thread: a yield is a switch to
 * the scheduler loop and one back to the other fiber, and the requeue (a
 * push and a pop under one hold of the queue's lock). */
static void fiber_switch_cost(void)
{
	struct fiber_opts o = { .threads = 1 };
	uint64_t ns100, in100, n = 2 * FIBER_YIELDS;

	if (fiber_main(&o, pingpong_root, NULL, NULL) < 0)
		return;
	ns100 = (yield_t1 - yield_t0) * 10000 / n; /* 100 ns per tick at 10 MHz */
	in100 = measure_can_instret() ? (yield_i1 - yield_i0) * 100 / n : 0;
	printf("  yield (2 fiber switches): %lu.%02lu ns, %lu.%02lu instret; %lu switches/s\n",
	       ns100 / 100, ns100 % 100, in100 / 100, in100 % 100,
	       ns100 ? 2 * 100UL * 1000000000UL / ns100 : 0);
	csv("fibers", "yield", "-", 2, 1, 0, "yield", "ns", ns100);
	csv("fibers", "yield", "-", 2, 1, 0, "yield", "instret", in100);
}

struct fcfg {
	const char *path; /* the CSV's path column */
	int how;          /* FIBERLOAD_*, or -1: u processes (seed_run), -2: by the page */
	bool poll_only;   /* not run with interrupt completions */
};
/* Processes first: each fork copies the heap, which the fiber and thread
 * stacks grow (malloc keeps what it got), and 64 copies of a big heap
 * do not fit in memory. */
static const struct fcfg fcfgs[] = {
	{ "procs+trap", -1, false },
	{ "procs+page", -2, false }, /* the seed section's page rows, explained */
	{ "threads+trap", FIBERLOAD_THREADS, false },
	{ "fibers+trap", FIBERLOAD_TRAP, false },
	{ "fibers+page", FIBERLOAD_PAGE, false },
	{ "fibers+pageonly", FIBERLOAD_PAGE_ONLY, true }, /* the page alone, as the seed's */
};

/* Counters around one run, for "where the time goes". */
struct fsnap {
	struct xl_stats xs;
	struct intr_table it;
	struct pmem_stats ps;
	struct fsstat fst;
	uint64_t t;
};

static void fsnap_take(struct fsnap *s)
{
	xlstat(&s->xs, sizeof(s->xs));
	intrstat(&s->it, sizeof(s->it));
	pmemctl(PMEMCTL_STATS, (unsigned long)&s->ps);
	if (fsstat(&s->fst, sizeof(s->fst)) < 0)
		memset(&s->fst, 0, sizeof(s->fst));
	s->t = measure_time();
}

/* Sum of the rows whose label starts with prefix, in column c. */
static uint64_t intr_sum(const struct intr_table *t, const char *prefix, unsigned c)
{
	uint64_t v = 0;
	for (unsigned r = 0; r < t->nrows && r < INTR_MAX_ROWS; r++)
		if (!strncmp(t->rows[r].label, prefix, strlen(prefix)))
			v += t->rows[r].count[c];
	return v;
}

/* The log's line: its commits during the run and where their time went. */
static void log_explain(const struct fsstat *a, const struct fsstat *b, long calls)
{
	uint64_t n = b->commits - a->commits, d = n ? n * 1000 : 1; /* ns -> us a commit */

	printf("  %18s log: %lu commits (%lu calls each), %lu blocks each; a group %lu us open, "
	       "%lu us to its commit point, %lu us home\n", "", n, n ? (uint64_t)calls / n : 0,
	       n ? (b->logged - a->logged) / n : 0, (b->open_ns - a->open_ns) / d,
	       (b->commit_ns - a->commit_ns) / d, (b->home_ns - a->home_ns) / d);
}

static void fiber_explain(const char *name, const struct fsnap *a, const struct fsnap *b,
			  const struct fiber_stats *fs, long calls)
{
	uint64_t served = 0, passes = 0, sleeps = 0, wakeups = 0, polled = 0, parked = 0;
	uint64_t here = b->xs.served_here - a->xs.served_here;
	uint64_t ms100 = (b->t - a->t) / 100;

	for (unsigned w = 0; w < b->xs.nworkers && w < XL_MAX_WORKERS; w++) {
		served += b->xs.w[w].served - a->xs.w[w].served;
		passes += b->xs.w[w].passes - a->xs.w[w].passes;
		sleeps += b->xs.w[w].sleeps - a->xs.w[w].sleeps;
		wakeups += b->xs.w[w].wakeups - a->xs.w[w].wakeups;
		polled += b->xs.w[w].polled - a->xs.w[w].polled;
		parked += b->xs.w[w].parked - a->xs.w[w].parked;
	}
	printf("  %-18s %lu.%02lu ms; workers: %lu served, %lu passes (%lu.%02lu per pass), "
	       "%lu parked, %lu polled, %lu sleeps, %lu wake-ups\n", name, ms100 / 100,
	       ms100 % 100, served, passes, passes ? served / passes : 0,
	       passes ? served * 100 / passes % 100 : 0, parked, polled, sleeps, wakeups);
	printf("  %18s %lu entries run by their callers while waiting\n", "", here);
	printf("  %18s device: %lu commands, %lu waits polled in place on a worker hart, "
	       "%lu slept for its poller\n", "", b->ps.commands - a->ps.commands,
	       b->ps.inplace_polls - a->ps.inplace_polls, b->ps.poller_sleeps - a->ps.poller_sleeps);
	log_explain(&a->fst, &b->fst, calls);
	printf("  %18s harts:", "");
	for (unsigned c = 0; c < b->it.nharts && c < INTR_MAX_HARTS; c++)
		printf(" %d: %lu IPI %lu traps %lu tim;", b->it.hartid[c],
		       intr_sum(&b->it, "IPI", c) - intr_sum(&a->it, "IPI", c),
		       intr_sum(&b->it, "SYS", c) - intr_sum(&a->it, "SYS", c),
		       intr_sum(&b->it, "TIM", c) - intr_sum(&a->it, "TIM", c));
	printf("\n");
	for (int i = 0; fs && i < fs->threads; i++) {
		const struct fiber_thread_stats *t = &fs->t[i];
		uint64_t busy = t->busy_ticks / 100, idle = t->idle_ticks / 100; /* ms x100 */
		printf("  %18s thread %d (hart %d): busy %lu.%02lu ms, idle %lu.%02lu ms; %lu runs, "
		       "%lu entries, %lu trapped (%lu alone), %lu/%lu reaps found some, %lu reaped, %lu xl_wait, "
		       "%lu naps, %lu steals, %lu handed, %lu full\n", "", i, t->hart, busy / 100,
		       busy % 100, idle / 100, idle % 100, t->dispatches, t->entries, t->trapped, t->lone,
		       t->reaps, t->scans, t->reaped, t->waits, t->naps, t->steals, t->handed, t->full);
	}
}

/* The median wall time of seed_runs runs of one configuration, us per
 * call x100; 0 if a run failed. At explain, the counters of the last run. */
static uint64_t fiber_median(const struct fcfg *c, struct seed_load *w, long calls, bool explain,
			     const char *name)
{
	static struct fsnap a, b;
	struct fiber_stats fs;
	uint64_t t[31];
	int n = MIN(seed_runs, 31);

	for (int i = 0; i < n; i++) {
		long bad;
		fsnap_take(&a);
		bad = c->how < 0 ? seed_run(w, &t[i]) : fiberload_run(w, c->how, &t[i], &fs);
		fsnap_take(&b);
		if (bad) {
			printf("  bench: u=%d %s: %ld failed (%s)\n", w->u, c->path, bad,
			       bad < 0 ? strerror((int)bad) : "status");
			return 0;
		}
		if ((c->how == FIBERLOAD_PAGE || c->how == FIBERLOAD_PAGE_ONLY) && !fs.page)
			printf("  bench: u=%d %s: no pages to be had: it trapped\n", w->u, c->path);
		t[i] = t[i] * 100 / (MEASURE_TIMEBASE_HZ / 1000000) / (uint64_t)calls; /* us x100 */
	}
	if (explain)
		fiber_explain(name, &a, &b, c->how == FIBERLOAD_THREADS || c->how < 0 ? NULL : &fs,
			      calls);
	sort_u64(t, (size_t)n);
	return percentile(t, (size_t)n, 50);
}

static void bench_fibers(void)
{
	static const int us_all[] = { 1, 2, 4, 8, 16, 32, 64, 128 }, us_quick[] = { 1, 8, 64 };
	const int *us = seed_runs > 1 ? us_all : us_quick;
	int nus = seed_runs > 1 ? (int)ARRAY_SIZE(us_all) : (int)ARRAY_SIZE(us_quick);
	uint64_t res[2 * ARRAY_SIZE(fcfgs)][8];
	int old_mode = PMEMCTL_IRQ;
	struct pmem_stats st;

	if (pmemctl(PMEMCTL_STATS, (unsigned long)&st) == 0 && st.present)
		old_mode = (int)st.mode;
	printf("\n== fibers: the switch, then seed 000 in one process: u workers, each %d x (open,\n"
	       "   %d x write 512 B, close, reopen, %d x read 512 B, close) on its own file\n"
	       "   (at small u more rounds: a run makes at least %d calls); us per call,\n"
	       "   median of %d runs\n", seed_rounds, SEED_D, SEED_D, seed_runs > 1 ? SEED_MIN_CALLS : 0,
	       seed_runs);
	fiber_switch_cost();
	if (mkdir(SEED_DIR) < 0 && open(SEED_DIR, O_RDONLY) < 0) {
		printf("  no file system to write to (mkdir %s failed)\n", SEED_DIR);
		return;
	}
	printf("\n  where the time goes at u = 64 (the last run of each):\n");
	for (unsigned c = 0; c < ARRAY_SIZE(fcfgs); c++)
		for (int m = 0; m < 2; m++) {
			int mode = m ? PMEMCTL_IRQ : PMEMCTL_POLL;
			char name[32];
			if (m && fcfgs[c].poll_only) {
				memset(res[c * 2 + m], 0, sizeof(res[0]));
				continue;
			}
			snprintf(name, sizeof(name), "%s+%s", fcfgs[c].path, mode_name(mode));
			set_mode(mode);
			for (int i = 0; i < nus; i++) {
				struct seed_load w = { us[i], SEED_D, rounds_at(us[i]),
						       fcfgs[c].how == -2, SEED_DIR, false };
				long calls = (long)us[i] * w.rounds * (2 * SEED_D + 4);
				res[c * 2 + m][i] = 0;
				if (fcfgs[c].how < 0 && us[i] > FIBER_MAX_PROCS)
					continue; /* the process table is 128 */
				res[c * 2 + m][i] = fiber_median(&fcfgs[c], &w, calls, us[i] == 64, name);
				csv("fibers", fcfgs[c].path, mode_name(mode), us[i], 1, 0, "file",
				    "us_per_call", res[c * 2 + m][i]);
			}
		}
	pmemctl(PMEMCTL_MODE, (unsigned long)old_mode);
	printf("\n  %-20s", "us per call, u =");
	for (int i = 0; i < nus; i++)
		printf(" %7d", us[i]);
	printf("\n");
	printf("  (0.00: not run; u processes stop at %d)\n", FIBER_MAX_PROCS);
	for (unsigned c = 0; c < 2 * ARRAY_SIZE(fcfgs); c++) {
		if (c % 2 && fcfgs[c / 2].poll_only)
			continue;
		printf("  %-15s+%-4s", fcfgs[c / 2].path, c % 2 ? "irq" : "poll");
		for (int i = 0; i < nus; i++)
			printf(" %4lu.%02lu", res[c][i] / 100, res[c][i] % 100);
		printf("\n");
	}
}

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
