// SPDX-License-Identifier: MIT
// Seed 000's file workload: u processes, each open, d x write 512 B, close,
// reopen, d x read 512 B, close, through a trap or a syscall page.
#include "../measure.h"

static long call(struct xl_ring *r, long nr, long a0, long a1, long a2)
{
	return xl_call_or_trap(r, nr, a0, a1, a2, 0, 0, 0);
}

/* The bytes block j of process id's file holds: a read that returns
 * another process's data, or a stale block, shows. */
static void fill(char *b, int id, int j)
{
	for (int k = 0; k < SEED_BLOCK; k++)
		b[k] = (char)(id * 31 + j * 7 + k);
}

/* One process's rounds, after its set-up: each process reports when it
 * started (it had its go token) and when its last call returned (or
 * failed) through done, then exits with 0 or the step that failed. Its buffers are touched before it says it is
 * ready, so the first touch (a copy-on-write fault) is set-up, not a
 * call. */
static int one_process(const struct seed_load *w, int id, int go, int ready, int done)
{
	static char out[SEED_BLOCK], in[SEED_BLOCK];
	struct xl_ring ring, *r = NULL;
	char path[32], token = 'r';
	uint64_t span[2]; /* start, end */
	long fd;
	int err = 0;

	snprintf(path, sizeof(path), "%s/f%d", w->dir, id);
	if (w->page && xl_setup(&ring, 1) == 0) {
		r = &ring;
		r->serve_here = w->serve;
	}
	fill(out, id, 0);
	memset(in, 0, sizeof(in));
	/* Ready even when set-up failed: the parent counts every process. */
	if (write(ready, &token, 1) != 1 || (w->page && !r))
		return 2;
	if (read(go, &token, 1) != 1) /* start together */
		return 3;
	span[0] = measure_time();
	for (int round = 0; round < w->rounds && !err; round++) {
		if ((fd = call(r, SYS_open, (long)path, O_CREATE | O_RDWR, 0)) < 0) {
			err = 4;
			break;
		}
		for (int j = 0; j < w->d && !err; j++) {
			fill(out, id, j);
			if (call(r, SYS_write, fd, (long)out, SEED_BLOCK) != SEED_BLOCK)
				err = 5;
		}
		call(r, SYS_close, fd, 0, 0);
		if (err || (fd = call(r, SYS_open, (long)path, O_RDONLY, 0)) < 0) {
			err = err ? err : 6;
			break;
		}
		for (int j = 0; j < w->d && !err; j++) {
			fill(out, id, j);
			if (call(r, SYS_read, fd, (long)in, SEED_BLOCK) != SEED_BLOCK ||
			    memcmp(in, out, SEED_BLOCK))
				err = 7;
		}
		call(r, SYS_close, fd, 0, 0);
	}
	span[1] = measure_time();
	if (write(done, span, sizeof(span)) != sizeof(span))
		err = err ? err : 8;
	if (r)
		xl_teardown(r);
	return err;
}

/* The file system's commits so far (0 if it cannot say). */
static uint64_t fs_commits(void)
{
	struct fsstat st;
	return fsstat(&st, sizeof(st)) == 0 ? st.commits : 0;
}

/* Device commands so far (0 without a device). */
static uint64_t dev_commands(void)
{
	struct pmem_stats st;
	return pmemctl(PMEMCTL_STATS, (unsigned long)&st) == 0 ? st.commands : 0;
}

/* Read n bytes from fd (pipe reads may come in pieces); false at EOF. */
static bool read_all(int fd, void *buf, unsigned long n)
{
	for (unsigned long got = 0; got < n;) {
		long r = read(fd, (char *)buf + got, n - got);
		if (r <= 0)
			return false;
		got += (unsigned long)r;
	}
	return true;
}

/* Fork the processes: each waits for its token on go[0], says ready on
 * ready[1] and reports its end on done[1]. Returns how many started. */
static int fork_all(const struct seed_load *w, int go[2], int ready[2], int done[2])
{
	int started = 0;

	for (; started < w->u; started++) {
		int pid = fork();
		if (pid == 0) {
			close(go[1]);
			close(ready[0]);
			close(done[0]);
			exit(one_process(w, started, go[0], ready[1], done[1]));
		}
		if (pid < 0)
			break;
	}
	close(go[0]);
	close(ready[1]);
	close(done[1]);
	return started;
}

long seed_run_times(const struct seed_load *w, struct seed_times *t)
{
	int go[2], ready[2], done[2], st, started, bad = 0;
	uint64_t t0, t1, t2, span[2], first = ~0UL, last = 0, c0, k0;
	char tokens[64];

	memset(t, 0, sizeof(*t));
	if (pipe(go) < 0)
		return -EMFILE;
	if (pipe(ready) < 0 || pipe(done) < 0) {
		close(go[0]);
		close(go[1]);
		return -EMFILE; /* a leaked ready pipe ends with the process */
	}
	t0 = measure_time();
	started = fork_all(w, go, ready, done);
	for (int i = 0; i < started; i++) /* all set up, waiting for the go */
		if (!read_all(ready[0], tokens, 1))
			break;
	c0 = dev_commands();
	k0 = fs_commits();
	memset(tokens, 'g', sizeof(tokens));
	t1 = measure_time();
	for (int left = started; left > 0; left -= (int)sizeof(tokens))
		write(go[1], tokens, (unsigned long)MIN(left, (int)sizeof(tokens)));
	/* The calls' time runs from the first start to the last end: the go
	 * token's wake-up of a process whose hart sleeps (an IPI, tens of us
	 * to ms here) is set-up, not a call. EOF: every process is gone. */
	while (read_all(done[0], span, sizeof(span))) {
		first = MIN(first, span[0]);
		last = MAX(last, span[1]);
	}
	t->commands = dev_commands() - c0;
	t->commits = fs_commits() - k0;
	for (int i = 0; i < started; i++)
		if (wait(&st) < 0 || st != 0)
			bad++;
	t2 = measure_time();
	if (last < first || first < t1) /* none reported */
		first = last = t1;
	t->setup = first - t0;
	t->calls = last - first;
	t->exit = t2 - last;
	close(go[1]);
	close(ready[0]);
	close(done[0]);
	for (int i = 0; i < started; i++) {
		char path[32];
		snprintf(path, sizeof(path), "%s/f%d", w->dir, i);
		unlink(path);
	}
	return started < w->u ? -EAGAIN : bad;
}

long seed_run(const struct seed_load *w, uint64_t *ticks)
{
	struct seed_times t;
	long r = seed_run_times(w, &t);

	*ticks = t.calls;
	return r;
}
