// SPDX-License-Identifier: MIT
// seedcommits: the seed workload at u = 1, 8, 64 (trap, polled): commits and device commands per call;
// with 'ins', instret ticks per kind of call in one process (under -icount: the machine's virtual clock).
#include "../measure.h"

/* Commits come from the file system's own counter (fsstat), commands from
 * the device's, both taken around the calls only (seed_run_times). */
enum { OPEN_W, WRITE, CLOSE, OPEN_R, READ, KINDS };
static const char *const kind_name[KINDS] = { "open O_CREATE|O_RDWR", "write 512 B", "close",
					      "open O_RDONLY", "read 512 B" };

static uint64_t ins[KINDS], n[KINDS]; /* instret ticks and calls per kind */

/* A call of kind started at instret t0 returned r: count it if on. */
static long counted(int kind, bool on, uint64_t t0, long r)
{
	if (on) {
		ins[kind] += measure_instret() - t0;
		n[kind]++;
	}
	return r;
}

/* Seed 000's calls in this process on /seedc/p, rounds times after one
 * round (not counted) that makes the file. 0, or -1 if a call failed. */
static int count_instructions(int rounds)
{
	static char buf[512];
	uint64_t t;
	long fd, r;

	/* t is read before the call: argument order is unspecified in C. */
	for (int round = -1; round < rounds; round++) {
		bool on = round >= 0;
		t = measure_instret();
		if ((fd = counted(OPEN_W, on, t, open("/seedc/p", O_CREATE | O_RDWR))) < 0)
			return -1;
		for (int j = 0; j < 8; j++) {
			t = measure_instret();
			if ((r = counted(WRITE, on, t, write((int)fd, buf, sizeof(buf)))) != sizeof(buf))
				return -1;
		}
		t = measure_instret();
		counted(CLOSE, on, t, close((int)fd));
		t = measure_instret();
		if ((fd = counted(OPEN_R, on, t, open("/seedc/p", O_RDONLY))) < 0)
			return -1;
		for (int j = 0; j < 8; j++) {
			t = measure_instret();
			if ((r = counted(READ, on, t, read((int)fd, buf, sizeof(buf)))) != sizeof(buf))
				return -1;
		}
		t = measure_instret();
		counted(CLOSE, on, t, close((int)fd));
	}
	unlink("/seedc/p");
	return 0;
}

/* instret ticks per call of each kind, with interrupt completions (no
 * hart spins while the device works), pinned to one hart. Under QEMU's
 * -icount shift=0, instret is the virtual clock, which every hart's
 * instructions advance (one tick each) and which jumps ahead while all
 * sleep: deterministic time per call on the whole machine, in ns. */
static void instructions(int hart)
{
	uint64_t all = 0, calls = 0;

	if (!measure_can_instret() || setaffinity(0, hart < 0 ? hartid() : hart) < 0) {
		printf("seedcommits: no instret here\n");
		return;
	}
	pmemctl(PMEMCTL_MODE, PMEMCTL_IRQ);
	if (count_instructions(20) < 0) {
		printf("seedcommits: instructions: a call failed\n");
		exit(1);
	}
	printf("seedcommits: on hart %d, interrupt completions\n", hartid());
	for (int k = 0; k < KINDS; k++) {
		printf("seedcommits: %-22s %6lu instret ticks per call (%lu calls)\n", kind_name[k],
		       ins[k] / n[k], n[k]);
		all += ins[k];
		calls += n[k];
	}
	printf("seedcommits: all calls %6lu instret ticks per call\n", all / calls);
	setaffinity(0, -1);
}

/* seedcommits [ins [HART]]: ins runs only the instret count, on HART
 * (default: where it starts), for a QEMU run with -icount shift=0;
 * without icount QEMU's instret follows the host's clock. */
int main(int argc, char **argv)
{
	static const int us[] = { 1, 8, 64 };

	if (argc > 1 && !strcmp(argv[1], "ins")) {
		mkdir("/seedc");
		instructions(argc > 2 ? atoi(argv[2]) : -1);
		return 0;
	}

	mkdir("/seedc");
	pmemctl(PMEMCTL_MODE, PMEMCTL_POLL);
	for (unsigned i = 0; i < sizeof(us) / sizeof(us[0]); i++) {
		struct seed_load w = { us[i], 8, 2, 0, "/seedc", false };
		struct seed_times t;
		uint64_t calls = (uint64_t)us[i] * 2 * (2 * 8 + 4);
		if (seed_run_times(&w, &t) != 0) {
			printf("seedcommits: u=%d failed\n", us[i]);
			exit(1);
		}
		printf("seedcommits: u=%d calls %lu: commits/call %lu.%02lu, commands/call %lu.%02lu\n",
		       us[i], calls, t.commits * 100 / calls / 100, t.commits * 100 / calls % 100,
		       t.commands * 100 / calls / 100, t.commands * 100 / calls % 100);
	}
	return 0;
}
