// SPDX-License-Identifier: MIT
// seed: run seed 000's file workload in one configuration and print its
// time per call, run by run, and the fiber threads' counters.
//   seed [-u U] [-r ROUNDS] [-n RUNS] [-m poll|irq] [HOW]
// HOW: procs, procs-page, threads, fibers-trap, fibers (the default:
// the page, a lone fiber traps, an idle thread runs its own entries),
// fibers-pageonly (every call through the page). `bench fibers` runs them
// all; this runs one, for a lab or a question.
#include "../measure.h"
#include "../fiber.h"

#define SEED_DIR "/seed.tmp"

static const struct {
	const char *name;
	int how; /* FIBERLOAD_*, or -1: processes by trap, -2: by page */
} hows[] = {
	{ "procs", -1 }, { "procs-page", -2 }, { "procs-page-serve", -3 },
	{ "threads", FIBERLOAD_THREADS }, { "fibers-trap", FIBERLOAD_TRAP },
	{ "fibers", FIBERLOAD_PAGE }, { "fibers-pageonly", FIBERLOAD_PAGE_ONLY },
	{ "fibers-serve", FIBERLOAD_PAGE_SERVE },
};

static void usage(void)
{
	fprintf(2, "usage: seed [-u U] [-r ROUNDS] [-n RUNS] [-m poll|irq] [procs|procs-page|\n"
		   "            procs-page-serve|threads|fibers-trap|fibers|fibers-pageonly|fibers-serve]\n");
	exit(1);
}

/* The counters of a fiber run, a line per kernel thread. */
static void print_fibers(const struct fiber_stats *fs)
{
	for (int i = 0; i < fs->threads; i++) {
		const struct fiber_thread_stats *t = &fs->t[i];
		printf("  thread %d (hart %d): busy %lu us, idle %lu us; %lu entries, %lu trapped "
		       "(%lu alone), %lu xl_wait, %lu naps, %lu steals, %lu handed\n", i, t->hart,
		       t->busy_ticks / 10, t->idle_ticks / 10, t->entries, t->trapped, t->lone,
		       t->waits, t->naps, t->steals, t->handed);
	}
}

int main(int argc, char **argv)
{
	struct seed_load w = { 1, 8, 2, false, SEED_DIR, false };
	int runs = 3, how = FIBERLOAD_PAGE, mode = PMEMCTL_POLL;
	struct xl_stats x0, x1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-u") && i + 1 < argc)
			w.u = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-r") && i + 1 < argc)
			w.rounds = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-n") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-m") && i + 1 < argc)
			mode = !strcmp(argv[++i], "irq") ? PMEMCTL_IRQ : PMEMCTL_POLL;
		else {
			unsigned k = 0;
			while (k < ARRAY_SIZE(hows) && strcmp(argv[i], hows[k].name))
				k++;
			if (k == ARRAY_SIZE(hows))
				usage();
			how = hows[k].how;
		}
	}
	if (w.u < 1 || w.u > 256 || w.rounds < 1 || runs < 1)
		usage();
	if (pmemctl(PMEMCTL_MODE, (unsigned long)mode) < 0)
		printf("seed: cannot set the pmem mode (boot with pmemctl=open); as it is\n");
	if (mkdir(SEED_DIR) < 0 && open(SEED_DIR, O_RDONLY) < 0) {
		printf("seed: no file system to write to\n");
		return 1;
	}
	w.page = how == -2 || how == -3;
	w.serve = how == -3;
	for (int r = 0; r < runs; r++) {
		struct fiber_stats fs = { 0 };
		uint64_t t = 0;
		long bad;
		xlstat(&x0, sizeof(x0));
		bad = how < 0 ? seed_run(&w, &t) : fiberload_run(&w, how, &t, &fs);
		xlstat(&x1, sizeof(x1));
		if (bad) {
			printf("seed: run %d failed (%ld)\n", r, bad);
			return 1;
		}
		t = t * 100 / (MEASURE_TIMEBASE_HZ / 1000000) / (uint64_t)(w.u * w.rounds * 20);
		printf("seed: u=%d run %d: %lu.%02lu us per call; %lu entries run by their callers\n",
		       w.u, r, t / 100, t % 100, x1.served_here - x0.served_here);
		if (how >= 0 && how != FIBERLOAD_THREADS)
			print_fibers(&fs);
	}
	return 0;
}
