// SPDX-License-Identifier: MIT
// null_cost: what one system call costs, measured with the time and instret counters.
#include "../user.h"
#include "../../lib/stats.h"

/*
 * Times N calls of null(), a system call that does nothing, so that all
 * that is measured is the trip: ecall, the trap entry saving registers,
 * the dispatch, the exit restoring them, sret. For comparison the same
 * loop runs empty, and with a plain function call. Time comes from the
 * `time` CSR (rdtime, 10 MHz on QEMU virt), read directly in U-mode - no
 * system call in the measurement. If U-mode may read them, `instret` and
 * `cycle` give instructions and cycles per call. Each figure is the median
 * of several runs: a timer interrupt or a migration to another hart
 * (instret and cycle are per hart) spoils a run, not the median.
 * Under QEMU without -icount, cycle and instret may count host time rather
 * than guest instructions: the empty loop (about 3 instructions) tells.
 */

#define TIMEBASE_HZ 10000000UL /* QEMU virt's timebase-frequency */
#define CALLS 20000
#define RUNS 7

enum { CNT_TIME, CNT_INSTRET, CNT_CYCLE, NCNT };
static const char *const cnt_name[NCNT] = { "time", "instret", "cycle" };
static bool have[NCNT];

static uint64_t counter(int c)
{
	uint64_t v = 0;

	if (c == CNT_TIME)
		asm volatile("rdtime %0" : "=r"(v));
	else if (c == CNT_INSTRET)
		asm volatile("rdinstret %0" : "=r"(v));
	else
		asm volatile("rdcycle %0" : "=r"(v));
	return v;
}

/* May U-mode read counter c? Try it in a child: if the kernel has not
 * enabled it (scounteren), the read is an illegal instruction and the
 * kernel kills the child - and prints a line saying so. */
static bool probe(int c)
{
	int pid = fork(), st = -1, w;

	if (pid == 0) {
		counter(c);
		exit(0);
	}
	while (pid > 0 && (w = wait(&st)) >= 0 && w != pid)
		;
	return pid > 0 && st == 0;
}

static void __attribute__((noinline)) nothing(void)
{
	asm volatile("");
}

static void loop_empty(long n)
{
	for (long i = 0; i < n; i++)
		asm volatile("");
}

static void loop_call(long n)
{
	for (long i = 0; i < n; i++)
		nothing();
}

static void loop_null(long n)
{
	for (long i = 0; i < n; i++)
		null();
}

/* Run body RUNS times; med[c] = the median of counter c per call, x100
 * (time in ns). Without rdtime, time comes from uptime() ticks of 10 ms. */
static void measure(void (*body)(long), uint64_t med[NCNT])
{
	uint64_t v[NCNT][RUNS], a[NCNT], b[NCNT];

	for (int r = 0; r < RUNS; r++) {
		for (int c = 0; c < NCNT; c++)
			a[c] = have[c] ? counter(c) : c == CNT_TIME ? (uint64_t)uptime() : 0;
		body(CALLS);
		for (int c = NCNT - 1; c >= 0; c--)
			b[c] = have[c] ? counter(c) : c == CNT_TIME ? (uint64_t)uptime() : 0;
		for (int c = 0; c < NCNT; c++)
			v[c][r] = (b[c] - a[c]) * 100 / CALLS;
		if (have[CNT_TIME])
			v[CNT_TIME][r] = (b[0] - a[0]) * 100 * (1000000000UL / TIMEBASE_HZ) / CALLS;
		else
			v[CNT_TIME][r] = (b[0] - a[0]) * 100 * 10000000UL / CALLS;
	}
	for (int c = 0; c < NCNT; c++) {
		sort_u64(v[c], RUNS);
		med[c] = v[c][RUNS / 2];
	}
}

static void row(const char *what, const uint64_t m[NCNT])
{
	printf("  %-16s", what);
	for (int c = 0; c < NCNT; c++)
		if (have[c] || c == CNT_TIME)
			printf(" %8lu.%02lu", m[c] / 100, m[c] % 100);
	printf("\n");
}

/* The cheapest rdtime-to-rdtime gap: about 0 if the CSR is read in
 * hardware, a microsecond or so if the firmware emulates it. */
static uint64_t rdtime_gap(void)
{
	uint64_t best = ~0UL;

	for (int i = 0; i < 100; i++) {
		uint64_t t0 = counter(CNT_TIME), t1 = counter(CNT_TIME);
		best = MIN(best, t1 - t0);
	}
	return best * (1000000000UL / TIMEBASE_HZ);
}

/* Instruction counts per iteration are whole numbers, and the empty
 * loop is two instructions (add, bne): host ticks rarely look like that. */
static void explain_instret(uint64_t empty100, uint64_t call100, uint64_t sys100)
{
	uint64_t frac = call100 % 100;

	if (empty100 >= 198 && empty100 <= 202 && (frac <= 2 || frac >= 98))
		printf("instret counts instructions (the empty loop is 2: add, bne), kernel ones\n"
		       "included: one null() round trip is about %lu instructions.\n",
		       sys100 / 100);
	else
		printf("instret is not counting instructions here (the empty loop is 2: add,\n"
		       "bne): QEMU without -icount derives instret and cycle from host time.\n"
		       "Boot QEMU with -icount shift=0 for instruction counts.\n");
}

int main(void)
{
	uint64_t empty[NCNT], call[NCNT], sys[NCNT];

	printf("null_cost: probing the counters U-mode may read (a kernel line about an\n"
	       "illegal instruction means: that one is not enabled for U-mode)\n");
	for (int c = 0; c < NCNT; c++)
		have[c] = probe(c);
	printf("null_cost: rdtime %s, rdinstret %s, rdcycle %s\n", have[0] ? "yes" : "no",
	       have[1] ? "yes" : "no", have[2] ? "yes" : "no");
	if (have[CNT_TIME])
		printf("null_cost: back-to-back rdtime: %lu ns (one tick of a 10 MHz clock is 100 ns)\n",
		       rdtime_gap());
	else
		printf("null_cost: no rdtime: timing with uptime() ticks (10 ms), expect coarse figures\n");
	measure(loop_empty, empty);
	measure(loop_call, call);
	measure(loop_null, sys);
	printf("\n%d iterations per run, median of %d runs, per iteration:\n  %-16s", CALLS, RUNS, "");
	for (int c = 0; c < NCNT; c++)
		if (have[c] || c == CNT_TIME)
			printf(" %11s", c == CNT_TIME ? "ns" : cnt_name[c]);
	printf("\n");
	row("empty loop", empty);
	row("function call", call);
	row("null() syscall", sys);
	if (call[CNT_TIME])
		printf("\na system call costs about %lu times a function call.\n", sys[0] / call[0]);
	if (have[CNT_INSTRET])
		explain_instret(empty[CNT_INSTRET], call[CNT_INSTRET], sys[CNT_INSTRET]);
	return 0;
}
