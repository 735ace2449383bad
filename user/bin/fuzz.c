// SPDX-License-Identifier: MIT
// fuzz: random system calls, by trap and through syscall pages, with
// arguments drawn from values that break kernels; checks after each round
// that every process could be killed and reaped and that no page or thread
// slot was lost. `fuzz [-s SEED] [-n CALLS] [-r ROUNDS]`: CALLS per path
// (trap, page) in all; the seed is printed and replays the same calls.
//
// Work is done in bursts: a process that makes BURST calls and exits with
// their count, watched by a dog that kills it after DOG_SECS (a burst that
// blocks is killed: that is a test too). Left out, because they would end
// the run legitimately or reach outside it (see docs/testing.md): exit and
// thread_exit at random, kill of anything but the burst's own children
// and harmless numbers, fgset, pmemctl's mode, latency and probe, exec of a
// real program, sleep over 2 ticks, the console (fds 0-2 are pipe ends
// whose other end is closed), and file names outside /fz.
#include "../xl.h"

#define BURST 250         /* calls per burst process */
#define DOG_SECS 5        /* a burst still running then is killed */
#define KIDS 4            /* live children of a burst, at most */
#define THREADS 3         /* live threads of a burst, at most */
#define SUB_CALLS 30      /* calls of a child or thread of a burst */
#define SCRATCH (2 * 4096UL)
#define STACK 8192UL
#define ROOM (SCRATCH + THREADS * STACK)
#define KERN 0x80200000UL

enum path { TRAP, PAGE };

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	r->s ^= r->s >> 12, r->s ^= r->s << 25, r->s ^= r->s >> 27; /* xorshift64* */
	return r->s * 0x2545f4914f6cdd1dULL;
}

static uint64_t below(struct rng *r, uint64_t n) { return rnd(r) % n; }

static uint64_t mix(uint64_t a, uint64_t b)
{
	uint64_t z = a + 0x9e3779b97f4a7c15ULL * (b + 1);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	return (z ^ (z >> 31)) | 1;
}

/* A burst's state: memory it may scribble on, and what it started. */
static char *scratch;     /* ROOM bytes: SCRATCH of buffers, then stacks */
static char *brk_floor;   /* never shrink below: the ring, scratch, stacks */
static int kids[KIDS], nkids, tids[THREADS], ntids, depth;
static struct xl_ring ring;
static bool ring_up;
static volatile long calls; /* made by this process's threads (atomic adds) */
static int main_tid, trace_fd = -1; /* -v: each call on the console, for a replay */

#include "fuzz_draw.inc"

/* After a pipe: keep one end only, so nothing we do can block on it. */
static void after(long nr, const uint64_t a[6], long ret, struct rng *r)
{
	if (nr == SYS_pipe && ret == 0 && a[0] >= (uint64_t)scratch &&
	    a[0] + 8 <= (uint64_t)scratch + SCRATCH)
		close(((int *)a[0])[below(r, 2)]);
}

static long by_trap(long nr, const uint64_t a[6])
{
	return syscall_nr(nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4],
			  (long)a[5]);
}

/* The syscall-page side, all in one place: a call through the ring,
 * and the scribbles only a page allows. */
static long by_page(long nr, const uint64_t a[6], struct rng *r)
{
	if (!ring_up && xl_setup(&ring, 1 + (int)below(r, 2)) == 0) {
		ring_up = true;
		brk_floor = sbrk(0); /* sbrk's shrinks leave the ring mapped */
	}
	if (!ring_up)
		return by_trap(nr, a);
	int slot = xl_submit(&ring, nr, a, (uint16_t)rnd(r));
	return slot < 0 ? slot : xl_wait_slot(&ring, slot);
}

static void page_mischief(struct rng *r)
{
	if (!ring_up)
		return;
	struct xl_page *pg = ring.page[below(r, ring.npages)];
	struct xl_entry *e = &pg->e[below(r, XL_ENTRIES)];
	long nr;
	uint64_t a[6];
	switch (below(r, 4)) {
	case 0: /* a state flip on a slot, with a call we would make anyway */
		if (pick(r, &nr, a)) {
			e->nr = (uint16_t)nr;
			memcpy(e->arg, a, sizeof(a));
		}
		__atomic_store_n(&e->state, (uint32_t)below(r, 6), __ATOMIC_RELEASE);
		break;
	case 1: /* the header's words */
		((uint32_t *)&pg->hdr)[below(r, sizeof(pg->hdr) / 4)] = (uint32_t)rnd(r);
		break;
	case 2: /* register churn */
		xl_unregister(pg);
		xl_register(below(r, 2) ? (void *)pg : (void *)ptr(r));
		break;
	default:
		xl_wake();
		break;
	}
	xl_kick(&ring);
	sleep(below(r, 2));
	xl_teardown(&ring); /* the ring's bookkeeping is no longer true: a new one */
	ring_up = false;
}

static void random_calls(struct rng *r, enum path p, int n);

static void thread_main(void *arg)
{
	struct rng r = { (uint64_t)arg };
	random_calls(&r, TRAP, SUB_CALLS); /* a ring is one thread's */
	thread_exit((long)below(&r, 1000));
}

/* A burst's children outlive it when it faults or its dog kills it, and
 * one blocked in a pipe it holds both ends of would wait for ever. So
 * each child's pid goes into this file (the child writes it first thing,
 * the burst after the fork), and the supervisor kills them all once the
 * burst has ended. Outside /fz: no random call names it. */
static const char *const kids_file[] = { "/fzkids.trap", "/fzkids.page" };

static void note_kid(enum path p, int pid)
{
	int fd = open(kids_file[p], O_CREATE | O_WRONLY | O_APPEND);
	if (fd >= 0) {
		write(fd, &pid, sizeof(pid));
		close(fd);
	}
}

static void kill_kids(enum path p)
{
	int fd = open(kids_file[p], O_RDONLY), pid;
	if (fd < 0)
		return;
	while (read(fd, &pid, sizeof(pid)) == sizeof(pid))
		if (pid > 0)
			kill(pid);
	close(fd);
	unlink(kids_file[p]);
}

static void spawn_child(struct rng *r, enum path p)
{
	uint64_t seed = rnd(r) | 1;
	int pid = fork();
	if (pid == 0) {
		struct rng cr = { seed };
		note_kid(p, getpid());
		depth++, nkids = ntids = 0, ring_up = false, main_tid = gettid();
		random_calls(&cr, TRAP, SUB_CALLS);
		exit(below(&cr, 4) ? 0 : (int)num(&cr));
	}
	if (pid > 0) {
		kids[nkids++] = pid;
		note_kid(p, pid);
	}
}

static void reap_kids(void)
{
	for (int i = 0; i < nkids; i++)
		kill(kids[i]);
	while (wait(NULL) >= 0)
		;
	nkids = 0;
}

/* What only a whole program does: fork, threads, sbrk, kills, waits. */
static void action(struct rng *r, enum path p)
{
	switch (below(r, 6)) {
	case 0:
		if (depth == 0 && nkids < KIDS)
			spawn_child(r, p);
		break;
	case 1:
		if (nkids)
			kill(kids[below(r, nkids)]);
		break;
	case 2:
		reap_kids();
		break;
	case 3:
		if (depth == 0 && ntids < THREADS) {
			char *top = scratch + SCRATCH + (ntids + 1) * STACK;
			int tid = thread_create(thread_main, (void *)(rnd(r) | 1), top);
			if (tid > 0)
				tids[ntids++] = tid;
		} else if (ntids) {
			thread_join(tids[--ntids], NULL);
		}
		break;
	case 4: { /* grow, shrink to the floor, or ask for the absurd */
		long d = (long)(const uint64_t[]){ 4096, 3 * 4096 + 5, 1UL << 40, -(1L << 40),
						   (uint64_t)(long)(-9223372036854775807L - 1),
						   brk_floor - (char *)sbrk(0) }[below(r, 6)];
		sbrk(d);
		break;
	}
	default:
		if (p == PAGE)
			page_mischief(r);
		break;
	}
}

static void random_calls(struct rng *r, enum path p, int n)
{
	for (int i = 0; i < n; i++) {
		long nr, ret;
		uint64_t a[6];
		if (!below(r, 24) && gettid() == main_tid) { /* threads make plain calls only */
			action(r, p);
			__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
			continue;
		}
		if (!pick(r, &nr, a))
			continue;
		__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
		if (nr == SYS_wait && depth == 0 && gettid() == main_tid)
			reap_kids(); /* so that it cannot wait for long */
		if (trace_fd >= 0)
			fprintf(trace_fd, "%d: %ld(%lx, %lx, %lx)\n", getpid(), nr, a[0], a[1], a[2]);
		ret = p == PAGE ? by_page(nr, a, r) : by_trap(nr, a);
		after(nr, a, ret, r);
	}
}

/* One burst: fds 0-2 become pipe ends that never block, then BURST draws
 * (a drawn call that is left out is not made, and not counted). */
static void burst(uint64_t seed, enum path p)
{
	struct rng r = { seed };
	int fds[2];
	main_tid = gettid();
	for (int i = 3; i < 64; i++) /* the supervisor's pipe too */
		if (i != trace_fd)
			close(i);
	close(0); /* 0: a read end without a writer (EOF) */
	if (pipe(fds) == 0)
		close(fds[1]);
	close(1); /* 1 and 2: a write end without a reader (EPIPE) */
	close(2);
	if (pipe(fds) == 0) {
		close(fds[0]);
		dup(fds[1]);
	}
	scratch = sbrk(ROOM);
	for (unsigned long i = 0; i < SCRATCH; i++)
		scratch[i] = (char)rnd(&r);
	brk_floor = sbrk(0);
	random_calls(&r, p, BURST);
	exit((int)calls);
}

/* What a path's bursts did in a round, sent up a pipe by its supervisor. */
struct tally {
	long path, calls, bursts, killed, faulted, other;
};

/* The dog: kill pid after secs. */
static int dog(int pid, int secs)
{
	int d = fork();
	if (d == 0) {
		sleep((long)secs * tick_hz());
		kill(pid);
		exit(0);
	}
	return d;
}

/* One burst and its dog: the burst's status (its calls, or how it ended). */
static int watched(uint64_t seed, enum path p)
{
	int st = -1000, s, w, b = fork();
	if (b == 0)
		burst(seed, p);
	if (b < 0)
		return b;
	int d = dog(b, DOG_SECS);
	while ((w = wait(&s)) >= 0) {
		if (w == b) {
			st = s;
			if (d > 0)
				kill(d);
		}
	}
	kill_kids(p); /* init reaps them */
	return st;
}

static void supervise(uint64_t seed, enum path p, long target, int out)
{
	struct tally t = { p, 0, 0, 0, 0, 0 };
	long max_bursts = 4 * (target / BURST + 1);
	while (t.calls < target && t.bursts < max_bursts) {
		int st = watched(mix(seed, (uint64_t)t.bursts), p);
		bool odd = false;
		t.bursts++;
		if (st >= 0 && st <= BURST * 4)
			t.calls += st;
		else if (st == EXIT_KILLED)
			t.killed++;
		else if (st == EXIT_FAULT)
			t.faulted++;
		else {
			t.other++;
			odd = true;
		}
		/* A fault is worth a line (replay the burst by its seed); any
		 * other status fails the round, and its line says which:
		 * -1000 is a burst that was never reaped. */
		if (odd || st == EXIT_FAULT)
			printf("fuzz: %s burst %ld (seed %lu): status %d%s\n",
			       p == PAGE ? "page" : "trap", t.bursts - 1,
			       mix(seed, (uint64_t)t.bursts - 1), st,
			       odd ? " UNEXPECTED" : "");
	}
	write(out, &t, sizeof(t));
	exit(0);
}

static void usage(void)
{
	fprintf(2, "usage: fuzz [-s SEED] [-n CALLS per path] [-r ROUNDS] [-v (every call)]\n");
	exit(2);
}

static uint64_t number(const char *s)
{
	uint64_t n = 0;
	if (!*s)
		usage();
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			usage();
		n = n * 10 + (uint64_t)(*s - '0');
	}
	return n;
}

static void snapshot(struct sysinfo *si)
{
	if (sysinfo(si, sizeof(*si)) < 0)
		memset(si, 0, sizeof(*si));
}

/* Back where it started? Freed memory and slots may lag a little (a
 * thread's slot is given back after its last switch): look a few times. */
static bool settled(const struct sysinfo *base, struct sysinfo *now)
{
	for (int i = 0; i < 50; i++) {
		snapshot(now);
		if (now->pages_free + now->kstack_pages == base->pages_free + base->kstack_pages &&
		    now->threads_free == base->threads_free)
			return true;
		sleep(2);
	}
	return false;
}

static void cleanup(void)
{
	static const char *const files[] = { "/fz/d/e", "/fz/d", "/fz/a", "/fz/b", "/fzkids.trap",
					       "/fzkids.page" };
	for (unsigned i = 0; i < ARRAY_SIZE(files); i++)
		unlink(files[i]);
}

int main(int argc, char **argv)
{
	uint64_t seed = ((uint64_t)uptime() << 20) ^ (uint64_t)getpid() ^ 0x5eed;
	long total = 10000, rounds = 4;
	struct sysinfo base, now;
	int bad = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v")) {
			trace_fd = dup(1);
			continue;
		}
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "-s"))
			seed = number(argv[++i]);
		else if (!strcmp(argv[i], "-n"))
			total = (long)number(argv[++i]);
		else if (!strcmp(argv[i], "-r"))
			rounds = (long)number(argv[++i]);

		else
			usage();
	}
	if (rounds < 1)
		rounds = 1;
	printf("fuzz: seed %lu, %ld calls per path in %ld rounds (replay: fuzz -s %lu -n %ld -r %ld)\n",
	       seed, total, rounds, seed, total, rounds);
	static struct xl_stats xs;
	if (xlstat(&xs, sizeof(xs)) <= 0)
		printf("fuzz: no syscall workers: the page path's calls go by trap\n");
	mkdir("/fz");
	cleanup();
	snapshot(&base);
	long sum[2] = { 0, 0 };
	for (long round = 0; round < rounds; round++) {
		struct tally t[2];
		int fds[2], pids[2];
		if (pipe(fds) < 0) {
			printf("fuzz: pipe failed\n");
			return 1;
		}
		for (int p = TRAP; p <= PAGE; p++) {
			pids[p] = fork();
			if (pids[p] == 0) {
				close(fds[0]);
				supervise(mix(mix(seed, (uint64_t)round), (uint64_t)p), (enum path)p,
					  total / rounds, fds[1]);
			}
		}
		close(fds[1]);
		memset(t, 0, sizeof(t));
		for (int p = TRAP; p <= PAGE; p++) {
			struct tally x;
			if (read(fds[0], &x, sizeof(x)) == sizeof(x) && (x.path == TRAP || x.path == PAGE))
				t[x.path] = x;
		}
		close(fds[0]);
		while (wait(NULL) >= 0)
			;
		cleanup();
		bool ok = settled(&base, &now);
		for (int p = TRAP; p <= PAGE; p++)
			sum[p] += t[p].calls;
		printf("fuzz: round %ld: calls %ld+%ld, bursts %ld+%ld, killed by their dog %ld+%ld, "
		       "faulted %ld+%ld; lost pages %ld, thread slots %ld%s%s\n",
		       round, t[0].calls, t[1].calls, t[0].bursts, t[1].bursts, t[0].killed,
		       t[1].killed, t[0].faulted, t[1].faulted,
		       (long)(base.pages_free + base.kstack_pages - now.pages_free - now.kstack_pages),
		       (long)base.threads_free - (long)now.threads_free, ok ? "" : " NOT BACK",
		       t[0].other || t[1].other ? " UNEXPECTED" : "");
		bad += !ok || t[0].other || t[1].other;
	}
	printf("fuzz: %ld trap calls, %ld page calls; %s\n", sum[0], sum[1],
	       bad ? "FAILED" : "ok");
	return bad ? 1 : 0;
}
