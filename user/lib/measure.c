// SPDX-License-Identifier: MIT
// Measuring system call costs: counters, medians, the trap and page workloads.
#include "../measure.h"
#include "../../lib/stats.h"

uint64_t measure_waiting;
struct measure_parts measure_parts;

uint64_t measure_time(void)
{
	uint64_t t;
	asm volatile("rdtime %0" : "=r"(t));
	return t;
}

uint64_t measure_instret(void)
{
	uint64_t t;
	asm volatile("rdinstret %0" : "=r"(t));
	return t;
}

bool measure_can_instret(void)
{
	static int known = -1;
	int pid, st = -1;
	if (known >= 0)
		return known;
	pid = fork();
	if (pid == 0) {
		measure_instret();
		exit(0);
	}
	while (pid > 0 && wait(&st) != pid)
		;
	known = pid > 0 && st == 0;
	return known;
}

#define MAX_RUNS 31

void measure_median(measure_fn fn, void *ctx, long calls, int runs, struct cost *out)
{
	uint64_t ns[MAX_RUNS], ins[MAX_RUNS], own[MAX_RUNS];
	bool have = measure_can_instret();
	runs = MIN(MAX(runs, 1), MAX_RUNS);
	fn(ctx, calls / 10 + 1); /* warm up: threads made, caches filled */
	measure_parts.calls = measure_parts.batches = measure_parts.wakes = 0;
	memset(measure_parts.nsample, 0, sizeof(measure_parts.nsample));
	for (int r = 0; r < runs; r++) {
		uint64_t t0, i0, t1, i1;
		measure_waiting = 0;
		t0 = measure_time();
		i0 = have ? measure_instret() : 0;
		fn(ctx, calls);
		i1 = have ? measure_instret() : 0;
		t1 = measure_time();
		measure_parts.calls += (uint64_t)calls;
		ns[r] = (t1 - t0) * (1000000000UL / MEASURE_TIMEBASE_HZ) * 100 / calls;
		ins[r] = (i1 - i0) * 100 / calls;
		own[r] = (i1 - i0 - MIN(measure_waiting, i1 - i0)) * 100 / calls;
	}
	sort_u64(ns, (size_t)runs);
	sort_u64(ins, (size_t)runs);
	sort_u64(own, (size_t)runs);
	out->ns100 = ns[runs / 2];
	out->instret100 = ins[runs / 2];
	out->own100 = own[runs / 2];
}

void xlb_trap_null(void *ctx, long n)
{
	UNUSED(ctx);
	for (long i = 0; i < n; i++)
		null();
}

void xlb_trap_echo(void *ctx, long n)
{
	struct xlb_page *p = ctx;
	for (long i = 0; i < n; i++) {
		uint64_t a[6] = { (uint64_t)i, 1, 2, 3, 4, 5 };
		if (echo(i, 1, 2, 3, 4, 5) != xl_echo_value(a))
			p->bad++;
	}
}

/* instret now, if it may be read (else 0: the parts stay 0). */
static inline uint64_t ins_now(bool ins)
{
	return ins ? measure_instret() : 0;
}

/* Keep one batch's parts (instructions in b[]) per entry of k. */
static void keep_parts(const uint64_t *b, int k, bool woke)
{
	struct measure_parts *mp = &measure_parts;
	mp->batches++;
	for (int p = 0; p < NPARTS && k; p++) {
		if ((p == PART_WAKE && !woke) || (p == PART_KICK && woke) ||
		    !mp->sample[p] || mp->nsample[p] >= mp->cap)
			continue;
		mp->sample[p][mp->nsample[p]++] = b[p] * 100 / (uint64_t)k;
	}
}

/* k entries of call nr reserved and filled in place (xl_prep_batch),
 * tags 0..k-1; echo gets arguments from first. Returns how many (fewer if
 * slots ran out); *last is the last one's entry. */
static int page_fill(struct xl_ring *r, int k, long nr, long first, struct xl_entry **last)
{
	struct xl_entry *const *e;
	int i = 0, m;
	while (i < k && (m = xl_prep_batch(r, k - i, nr, (uint16_t)i, &e)) > 0) {
		if (nr == SYS_echo)
			for (int j = 0; j < m; j++) {
				e[j]->arg[0] = (uint64_t)(first + i + j);
				for (int a = 1; a < 6; a++)
					e[j]->arg[a] = (uint64_t)a - 1;
			}
		i += m;
		*last = e[m - 1];
	}
	return i;
}

/* Results reaped (xl_reap_batch) that are wrong: a tag beyond k, or not
 * the call's result for the arguments page_fill gave it. */
static long page_check(struct xl_entry *const *e, int m, int k, long nr, long first)
{
	long bad = 0;
	for (int j = 0; j < m; j++) {
		uint64_t a[6] = { (uint64_t)(first + e[j]->tag), 0, 1, 2, 3, 4 };
		if (e[j]->tag >= k || e[j]->ret != (nr == SYS_echo ? xl_echo_value(a) : 0))
			bad++;
	}
	return bad;
}

/* n calls through the ring in batches, filled in place; check each
 * result. Each step's instructions go to its part (measure_parts); the
 * wait and reaps that find nothing yet count as waiting. */
static void page_calls(struct xlb_page *p, long n, long nr)
{
	struct xl_ring *r = p->ring;
	int batch = MIN(MAX(p->batch, 1), 2 * XL_ENTRIES);
	bool ins = measure_parts.cap > 0 && measure_can_instret();
	for (long done = 0; done < n;) {
		int k = (int)MIN((long)batch, n - done);
		uint64_t t, t1, w, part[NPARTS] = { 0 };
		struct xl_entry *last = NULL, *const *e;
		int wait_for;
		t = ins_now(ins);
		k = page_fill(r, k, nr, done, &last);
		k = xl_publish(r);
		wait_for = k ? xl_slot_of(r, last) : 0;
		t1 = ins_now(ins);
		part[PART_SUBMIT] += t1 - t;
		w = r->wakes;
		xl_kick(r);
		t = ins_now(ins);
		part[r->wakes != w ? PART_WAKE : PART_KICK] += t - t1;
		measure_parts.wakes += r->wakes - w;
		/* Wait for the last of the batch (not counted as the caller's
		 * own work), then take every result back. */
		if (k) {
			xl_wait_done(r, wait_for);
			t1 = ins_now(ins);
			part[PART_WAIT] += t1 - t;
			t = t1;
		}
		for (int got = 0; got < k;) {
			int m = xl_reap_batch(r, k - got, &e);
			t1 = ins_now(ins);
			part[m ? PART_REAP : PART_WAIT] += t1 - t;
			p->bad += page_check(e, m, k, nr, done);
			got += m;
			t = ins_now(ins);
			part[PART_CHECK] += t - t1;
		}
		measure_waiting += part[PART_WAIT];
		keep_parts(part, k, r->wakes != w);
		done += k;
	}
}

void xlb_page_null(void *ctx, long n)
{
	page_calls(ctx, n, SYS_null);
}

void xlb_page_echo(void *ctx, long n)
{
	page_calls(ctx, n, SYS_echo);
}
