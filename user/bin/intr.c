// SPDX-License-Identifier: MIT
// intr: the interrupt and trap counts per hart (like /proc/interrupts), or their change over a command.
#include "../user.h"
#include "../../lib/intr_table.h"

/*
 * `intr` prints the kernel's counters: a column per hart, a row per source
 * (timer, IPIs, PLIC lines, exceptions, system calls).
 * `intr CMD ARGS...` is the textbook's before/after experiment: take a
 * snapshot, run CMD, take another, and print the difference: what running
 * CMD cost in interrupts and traps, and on which harts.
 */

static struct intr_table before, after;

struct sink {
	unsigned len;
	char buf[2048];
};

static void sink_put(int c, void *ctx)
{
	struct sink *s = ctx;
	if (s->len == sizeof s->buf) {
		write(1, s->buf, s->len);
		s->len = 0;
	}
	s->buf[s->len++] = (char)c;
}

/* Print t through a buffer: a few large writes rather than one per line. */
static void print_table(const struct intr_table *t)
{
	static struct sink s;

	s.len = 0;
	intr_table_print(t, false, sink_put, &s);
	write(1, s.buf, s.len);
}

static int snapshot(struct intr_table *t)
{
	int err = intrstat(t, sizeof *t);
	if (err < 0)
		fprintf(2, "intr: intrstat: %s\n", strerror(err));
	return err;
}

/* Child side: tell the parent our hart through the pipe, then exec. */
static void __attribute__((noreturn)) run_child(int wfd, char *argv[])
{
	int hart = hartid();

	write(wfd, &hart, sizeof hart);
	close(wfd);
	int err = exec_cmd(argv[0], argv); /* found as the shell finds it */
	fprintf(2, "intr: %s: %s\n", argv[0], err == -ENOENT ? "not found" : strerror(err));
	exit(127);
}

/* Run argv with snapshots around it and print the deltas. */
static int measure(char *argv[])
{
	int fds[2], pid, status = 0, w, hart = -1;
	long t0, t1;

	if (pipe(fds) < 0 || snapshot(&before) < 0)
		return 1;
	t0 = uptime();
	pid = fork();
	if (pid == 0)
		run_child(fds[1], argv);
	close(fds[1]);
	if (pid < 0) {
		fprintf(2, "intr: fork: %s\n", strerror(pid));
		return 1;
	}
	while ((w = wait(&status)) >= 0 && w != pid)
		;
	t1 = uptime();
	if (snapshot(&after) < 0)
		return 1;
	read(fds[0], &hart, sizeof hart);
	close(fds[0]);
	intr_table_sub(&after, &before);
	printf("\nintr: '%s' (pid %d, started on hart %d) ran %ld ticks (%ld ms), %s %d.\n"
	       "Interrupts and traps while it ran (all harts, all processes):\n",
	       argv[0], pid, hart, t1 - t0, (t1 - t0) * 1000 / tick_hz(),
	       WIFSIGNALED(status) ? "killed by the kernel, signal" : "exit status",
	       WIFSIGNALED(status) ? WTERMSIG(status) : status);
	print_table(&after);
	return 0;
}

int main(int argc, char *argv[])
{
	if (argc > 1)
		return measure(argv + 1);
	if (snapshot(&after) < 0)
		return 1;
	print_table(&after);
	return 0;
}
