// SPDX-License-Identifier: MIT
// xldemo: the same system calls through the trap path and through a
// syscall page (exception-less), and what each costs per call.
// `xldemo` runs the null/echo table and the pipe workload; `xldemo -q`
// only the null table. The measuring code is user/lib/measure.c.
#include "../measure.h"

#define CALLS 4000
#define RUNS 7
#define ROUNDS 40 /* pipe workload rounds per process */
#define D 8       /* writes and reads of 512 B per round (seed 000's d) */

static void row(const char *path, int batch, const struct cost *c, const struct cost *base,
		bool instret)
{
	char b[8] = "-";
	if (batch)
		snprintf(b, sizeof(b), "%d", batch);
	printf("  %-6s %5s %10lu.%02lu", path, b, c->ns100 / 100, c->ns100 % 100);
	if (instret)
		printf(" %10lu.%02lu %10lu.%02lu", c->instret100 / 100, c->instret100 % 100,
		       c->own100 / 100, c->own100 % 100);
	if (base && c->ns100) { /* thousandths below 1: x0.00 hid a slow page */
		uint64_t r = base->ns100 * 1000 / c->ns100;
		if (r >= 1000)
			printf("   x%lu.%02lu", r / 1000, r / 10 % 100);
		else
			printf("   x0.%03lu", r);
	}
	printf("\n");
}

static void table(struct xl_ring *r, const char *name, measure_fn trap, measure_fn page)
{
	static const int batches[] = { 1, 8, 32, 64 };
	bool ins = measure_can_instret();
	struct xlb_page p = { r, 1, 0 };
	struct cost t, c;
	printf("\n%s(): per call, median of %d runs of %d calls\n", name, RUNS, CALLS);
	printf("  %-6s %5s %13s%s   %s\n", "path", "batch", "ns",
	       ins ? "       instret    not waiting" : "", "trap/page");
	measure_median(trap, &p, CALLS, RUNS, &t);
	row("trap", 0, &t, NULL, ins);
	for (unsigned i = 0; i < ARRAY_SIZE(batches); i++) {
		p.batch = batches[i];
		measure_median(page, &p, CALLS, RUNS, &c);
		row("page", p.batch, &c, &t, ins);
	}
	if (p.bad)
		printf("  %ld WRONG RESULTS\n", p.bad);
}

/* One process's share of the pipe workload: per round a pipe, D writes
 * and D reads of 512 B, two closes; through the ring if r. */
static long call(struct xl_ring *r, long nr, long a0, long a1, long a2)
{
	return xl_call_or_trap(r, nr, a0, a1, a2, 0, 0, 0);
}

static int pipe_rounds(bool page)
{
	static char buf[512];
	struct xl_ring ring, *r = NULL;
	int fds[2];
	if (page) {
		if (xl_setup(&ring, 1) < 0)
			return 2;
		r = &ring;
	}
	for (int k = 0; k < ROUNDS; k++) {
		if (call(r, SYS_pipe, (long)fds, 0, 0) < 0)
			return 3;
		for (int i = 0; i < D; i++)
			if (call(r, SYS_write, fds[1], (long)buf, sizeof(buf)) != sizeof(buf))
				return 4;
		for (int i = 0; i < D; i++)
			if (call(r, SYS_read, fds[0], (long)buf, sizeof(buf)) != sizeof(buf))
				return 5;
		call(r, SYS_close, fds[0], 0, 0);
		call(r, SYS_close, fds[1], 0, 0);
	}
	return 0;
}

/* u processes at once; the wall time per round of one process, in us. */
static long pipe_workload(int u, bool page)
{
	uint64_t t0 = measure_time();
	int bad = 0, st;
	for (int i = 0; i < u; i++)
		if (fork() == 0)
			exit(pipe_rounds(page));
	for (int i = 0; i < u; i++)
		if (wait(&st) < 0 || st != 0)
			bad++;
	if (bad)
		printf("  %d of %d processes failed\n", bad, u);
	return (long)((measure_time() - t0) / (MEASURE_TIMEBASE_HZ / 1000000) / ((uint64_t)u * ROUNDS));
}

int main(int argc, char **argv)
{
	static struct xl_stats st;
	struct xl_ring r;
	int err;
	if (xlstat(&st, sizeof(st)) <= 0) {
		printf("xldemo: no syscall workers (bootarg workers=N, default 1 with 4 harts)\n");
		return 1;
	}
	if ((err = xl_setup(&r, 2)) < 0) {
		printf("xldemo: xl_setup: %s\n", strerror(err));
		return 1;
	}
	printf("xldemo: %u syscall worker(s), first on hart %d, spin %u us; instret %s\n",
	       st.nworkers, st.w[0].hart, st.spin_us,
	       measure_can_instret() ? "readable" : "not readable in U-mode");
	table(&r, "null", xlb_trap_null, xlb_page_null);
	if (argc > 1 && strcmp(argv[1], "-q") == 0)
		return 0;
	table(&r, "echo", xlb_trap_echo, xlb_page_echo);
	printf("\npipe workload: per process %d rounds of pipe, %d x write 512 B, %d x read,\n"
	       "2 x close; us per round (wall time / processes / rounds)\n", ROUNDS, D, D);
	printf("  %5s %10s %10s\n", "procs", "trap", "page");
	for (int u = 1; u <= 64; u *= 8)
		printf("  %5d %10ld %10ld\n", u, pipe_workload(u, false), pipe_workload(u, true));
	return 0;
}
