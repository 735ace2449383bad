// SPDX-License-Identifier: MIT
// xlstat: the syscall workers' counters, a column per worker hart.
// `xlstat CMD ARGS...` runs CMD first and shows what it added.
#include "../xl.h"

static const char *const rows[] = { "served", "rejected", "parked", "resumed", "polled",
				    "sleeps", "wakeups", "threads", "passes", "dropped",
				    "instret", "measured" };

static uint64_t field(const struct xl_worker_stats *w, int i)
{
	const uint64_t v[] = { w->served, w->rejected, w->parked, w->resumed, w->polled,
			       w->sleeps, w->wakeups, w->threads, w->passes, w->dropped,
			       w->instret, w->measured };
	return v[i];
}

static void show(const struct xl_stats *a, const struct xl_stats *b)
{
	printf("%-10s", "");
	for (unsigned h = 0; h < b->nworkers; h++)
		printf(" %10s%d", "hart", b->w[h].hart);
	printf("\n");
	for (unsigned i = 0; i < ARRAY_SIZE(rows); i++) {
		printf("%-10s", rows[i]);
		for (unsigned h = 0; h < b->nworkers; h++)
			printf(" %11lu", field(&b->w[h], i) - (a ? field(&a->w[h], i) : 0));
		printf("\n");
	}
}

int main(int argc, char **argv)
{
	static struct xl_stats before, after;
	int n = xlstat(&before, sizeof(before));
	if (n < 0) {
		fprintf(2, "xlstat: %s\n", strerror(n));
		return 1;
	}
	if (n == 0) {
		printf("xlstat: no syscall workers (bootarg workers=N; the default needs 4 harts)\n");
		return 0;
	}
	if (argc > 1) {
		int pid = fork(), st;
		if (pid == 0) {
			exec(argv[1], argv + 1);
			fprintf(2, "xlstat: exec %s failed\n", argv[1]);
			exit(127);
		}
		while (pid > 0 && wait(&st) != pid)
			;
		xlstat(&after, sizeof(after));
		printf("syscall workers, counts during %s (spin %u us):\n", argv[1], after.spin_us);
		show(&before, &after);
		return 0;
	}
	printf("syscall workers since boot (spin %u us before sleeping):\n", before.spin_us);
	show(NULL, &before);
	return 0;
}
