// SPDX-License-Identifier: MIT
// Seed 000's file workload in one process: u fibers (through the page, or
// trapping) or u kernel threads, each on its own file, started together.
#include "../measure.h"
#include "../fiber.h"

/* One worker's share, as the seed's: rounds x (open, d x write 512 B,
 * close, reopen, d x read 512 B and check, close). Ordinary calls: a
 * fiber's go through its thread's page, a plain thread's trap. 0 or the
 * failed step. */
static long one_worker(const struct seed_load *w, long id)
{
	char out[SEED_BLOCK], in[SEED_BLOCK], path[32];
	int fd;

	snprintf(path, sizeof(path), "%s/t%ld", w->dir, id);
	for (int round = 0; round < w->rounds; round++) {
		if ((fd = open(path, O_CREATE | O_RDWR)) < 0)
			return 4;
		for (int j = 0; j < w->d; j++) {
			for (int k = 0; k < SEED_BLOCK; k++)
				out[k] = (char)(id * 31 + j * 7 + k);
			if (write(fd, out, SEED_BLOCK) != SEED_BLOCK)
				return 5;
		}
		close(fd);
		if ((fd = open(path, O_RDONLY)) < 0)
			return 6;
		for (int j = 0; j < w->d; j++) {
			for (int k = 0; k < SEED_BLOCK; k++)
				out[k] = (char)(id * 31 + j * 7 + k);
			if (read(fd, in, SEED_BLOCK) != SEED_BLOCK || memcmp(in, out, SEED_BLOCK))
				return 7;
		}
		close(fd);
	}
	return 0;
}

/* What the run's workers share. */
static const struct seed_load *load;
static long failed;
static uint64_t elapsed;

static void fiber_worker(void *arg)
{
	if (one_worker(load, (long)arg))
		__atomic_add_fetch(&failed, 1, __ATOMIC_RELAXED);
}

/* The first fiber: start u, time until the last has ended. */
static void fiber_root(void *arg)
{
	struct fiber **f = malloc(sizeof(*f) * (unsigned long)load->u);
	uint64_t t0;
	UNUSED(arg);

	if (!f) {
		failed = -ENOMEM;
		return;
	}
	t0 = measure_time();
	for (long i = 0; i < load->u; i++)
		if (!(f[i] = fiber_create(fiber_worker, (void *)i, "seed", 8192)))
			failed++;
	for (long i = 0; i < load->u; i++)
		if (f[i])
			fiber_join(f[i], NULL);
	elapsed = measure_time() - t0;
	free(f);
}

static int go_fd;

static void thread_worker(void *arg)
{
	char token;
	if (read(go_fd, &token, 1) != 1 || one_worker(load, (long)arg))
		__atomic_add_fetch(&failed, 1, __ATOMIC_RELAXED);
}

/* u threads, started together by a pipe, as seed_run starts processes. */
static long threads_run(uint64_t *ticks)
{
	int go[2], tids[256], n = 0;
	char tokens[64];
	uint64_t t0;

	if (load->u > 256 || pipe(go) < 0)
		return -EINVAL;
	go_fd = go[0];
	for (; n < load->u; n++)
		if ((tids[n] = thread_spawn(thread_worker, (void *)(long)n)) < 0)
			break;
	memset(tokens, 'g', sizeof(tokens));
	t0 = measure_time();
	for (int left = n; left > 0; left -= (int)sizeof(tokens))
		write(go[1], tokens, (unsigned long)MIN(left, (int)sizeof(tokens)));
	for (int i = 0; i < n; i++)
		thread_wait(tids[i], NULL);
	*ticks = measure_time() - t0;
	close(go[0]);
	close(go[1]);
	return n < load->u ? -EAGAIN : 0;
}

long fiberload_run(const struct seed_load *w, int how, uint64_t *ticks, struct fiber_stats *st)
{
	struct fiber_opts o = { .trap = how == FIBERLOAD_TRAP, .page_only = how == FIBERLOAD_PAGE_ONLY,
				.serve_idle = how == FIBERLOAD_PAGE_SERVE };
	long err = 0;

	load = w;
	failed = 0;
	elapsed = 0;
	if (how == FIBERLOAD_THREADS)
		err = threads_run(ticks);
	else if ((err = fiber_main(&o, fiber_root, NULL, st)) == 0)
		*ticks = elapsed;
	for (int i = 0; i < w->u; i++) {
		char path[32];
		snprintf(path, sizeof(path), "%s/t%d", w->dir, i);
		unlink(path);
	}
	return err ? err : failed;
}
