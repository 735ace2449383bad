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

/* One process's rounds; 0, or which step failed (the exit status). */
static int one_process(const struct seed_load *w, int id, int go)
{
	static char out[SEED_BLOCK], in[SEED_BLOCK];
	struct xl_ring ring, *r = NULL;
	char path[32], token;
	long fd;

	snprintf(path, sizeof(path), "%s/f%d", w->dir, id);
	if (w->page) {
		if (xl_setup(&ring, 1) < 0)
			return 2;
		r = &ring;
	}
	if (read(go, &token, 1) != 1) /* everyone starts together */
		return 3;
	for (int round = 0; round < w->rounds; round++) {
		if ((fd = call(r, SYS_open, (long)path, O_CREATE | O_RDWR, 0)) < 0)
			return 4;
		for (int j = 0; j < w->d; j++) {
			fill(out, id, j);
			if (call(r, SYS_write, fd, (long)out, SEED_BLOCK) != SEED_BLOCK)
				return 5;
		}
		call(r, SYS_close, fd, 0, 0);
		if ((fd = call(r, SYS_open, (long)path, O_RDONLY, 0)) < 0)
			return 6;
		for (int j = 0; j < w->d; j++) {
			fill(out, id, j);
			if (call(r, SYS_read, fd, (long)in, SEED_BLOCK) != SEED_BLOCK ||
			    memcmp(in, out, SEED_BLOCK))
				return 7;
		}
		call(r, SYS_close, fd, 0, 0);
	}
	if (r)
		xl_teardown(r);
	return 0;
}

long seed_run(const struct seed_load *w, uint64_t *ticks)
{
	int go[2], st, started = 0, bad = 0;
	uint64_t t0;
	char tokens[64];

	if (pipe(go) < 0)
		return -EMFILE;
	for (; started < w->u; started++) {
		int pid = fork();
		if (pid == 0) {
			close(go[1]);
			exit(one_process(w, started, go[0]));
		}
		if (pid < 0)
			break;
	}
	close(go[0]);
	memset(tokens, 'g', sizeof(tokens));
	t0 = measure_time();
	for (int left = started; left > 0; left -= (int)sizeof(tokens))
		write(go[1], tokens, (unsigned long)MIN(left, (int)sizeof(tokens)));
	for (int i = 0; i < started; i++)
		if (wait(&st) < 0 || st != 0)
			bad++;
	*ticks = measure_time() - t0;
	close(go[1]);
	for (int i = 0; i < started; i++) {
		char path[32];
		snprintf(path, sizeof(path), "%s/f%d", w->dir, i);
		unlink(path);
	}
	return started < w->u ? -EAGAIN : bad;
}
