// SPDX-License-Identifier: MIT
// usertests: the user-space test suite, after xv6's. `usertests` runs the
// quick table, `-s` quick and slow, `-a` those and the long ones (minutes
// each), `NAME...` single tests, `-l` lists them.
// Each test runs in its own child with a watchdog and prints one line,
// "test NAME: OK" or "test NAME: FAILED (why)"; then a total line.
#include "ut.h"
#include "ut_check.inc"

#include "ut_proc.inc"
#include "ut_mem.inc"
#include "ut_file.inc"
#include "ut_pipe.inc"
#include "ut_thread.inc"
#include "ut_sched.inc"
#include "ut_pin.inc"
#include "ut_bad.inc"
#include "ut_elf.inc"
#include "ut_fs.inc"
#include "ut_fsproc.inc"
#include "ut_pmem.inc"
#include "ut_pmemctl.inc"
#include "ut_xl.inc"
#include "ut_xllife.inc"
#include "ut_xlload.inc"
#include "ut_xlsleep.inc"
#include "ut_fiber.inc"
#include "ut_fiber2.inc"
#include "ut_fiberwait.inc"
#include "ut_ring.inc"
#include "ut_xlhere.inc"
#include "ut_xlbusy.inc"
#include "ut_xlbatch.inc"

struct test {
	const char *name;
	void (*fn)(void);
	int secs; /* the watchdog's limit; 0: DEFAULT_SECS */
};
#define DEFAULT_SECS 30

static const struct test quick[] = {
	{"exitstatus", test_exitstatus, 0},
	{"getpid", test_getpid, 0},
	{"exec", test_exec, 0},
	{"execfd", test_execfd, 0},
	{"forkmany", test_forkmany, 60},
	{"reparent", test_reparent, 0},
	{"killsleep", test_killsleep, 0},
	{"killspin", test_killspin, 0},
	{"killself", test_killself, 0},
	{"killbad", test_killbad, 0},
	{"fgset", test_fgset, 0},
	{"sleep", test_sleep, 10},
	{"sbrk", test_sbrk, 0},
	{"sbrkbig", test_sbrkbig, 0},
	{"sbrkfresh", test_sbrkfresh, 0},
	{"forkmem", test_forkmem, 0},
	{"forkshare", test_forkshare, 0},
	{"stack", test_stack, 0},
	{"stackoverflow", test_stackoverflow, 0},
	{"kernaddr", test_kernaddr, 0},
	{"rodata", test_rodata, 0},
	{"files", test_files, 0},
	{"readfile", test_readfile, 0},
	{"dir", test_dir, 0},
	{"dup", test_dup, 0},
	{"fdlimit", test_fdlimit, 0},
	{"pipe", test_pipe, 0},
	{"pipebig", test_pipebig, 60},
	{"pipeeof", test_pipeeof, 0},
	{"pipeepipe", test_pipeepipe, 0},
	{"pipewriterwakes", test_pipewriterwakes, 0},
	{"pipekill", test_pipekill, 0},
	{"pipefds", test_pipefds, 0},
	{"thread", test_thread, 0},
	{"threadspawn", test_threadspawn, 0},
	{"threadcount", test_threadcount, 60},
	{"threadmany", test_threadmany, 0},
	{"threadjoin", test_threadjoin, 0},
	{"threadsbrk", test_threadsbrk, 60},
	{"threadexit", test_threadexit, 0},
	{"threadexitall", test_threadexitall, 0},
	{"threadfault", test_threadfault, 0},
	{"threadkill", test_threadkill, 0},
	{"null", test_null, 0},
	{"sysinfo", test_sysinfo, 0},
	{"counters", test_counters, 0},
	{"sleepcmd", test_sleepcmd, 0},
	{"pin", test_pin, 60},
	{"badpin", test_badpin, 0},
	{"pininherit", test_pininherit, 0},
	{"reserved", test_reserved, 0},
	{"intrstat", test_intrstat, 0},
	{"preempt", test_preempt, 60},
	{"badbuf", test_badbuf, 60},
	{"badlen", test_badlen, 0},
	{"badwait", test_badwait, 0},
	{"badpipe", test_badpipe, 0},
	{"badstat", test_badstat, 0},
	{"badpath", test_badpath, 0},
	{"badexec", test_badexec, 60},
	{"elfgood", test_elfgood, 0},
	{"elfbad", test_elfbad, 0},
	{"elfleak", test_elfleak, 120},
	{"badintrstat", test_badintrstat, 0},
	{"badfsstat", test_badfsstat, 0},
	{"badjoin", test_badjoin, 0},
	{"badthread", test_badthread, 0},
	{"badfd", test_badfd, 0},
	{"badsyscall", test_badsyscall, 0},
	{"fault_null", test_fault_null, 0},
	{"fault_ebreak", test_fault_ebreak, 0},
	{"fault_illegal", test_fault_illegal, 0},
	{"fault_csr", test_fault_csr, 0},
	{"div_zero", test_div_zero, 0},
	{"ecall_write", test_ecall_write, 0},
	{"fscreate", test_fscreate, 0},
	{"fsappend", test_fsappend, 0},
	{"fsseek", test_fsseek, 0},
	{"fsshare", test_fsshare, 0},
	{"fsbig", test_fsbig, 120},
	{"fsmany", test_fsmany, 120},
	{"fsdirs", test_fsdirs, 0},
	{"fsdirread", test_fsdirread, 0},
	{"fslinks", test_fslinks, 0},
	{"fsunlinkopen", test_fsunlinkopen, 0},
	{"fsmknod", test_fsmknod, 0},
	{"fsconcurrent", test_fsconcurrent, 120},
	{"fsappendbig", test_fsappendbig, 60},
	{"fskill", test_fskill, 60},
	{"fspipe", test_fspipe, 0},
	{"fsexec", test_fsexec, 0},
	{"fsfsync", test_fsfsync, 0},
	{"fscommittime", test_fscommittime, 0},
	{"fspmem", test_fspmem, 0},
	{"pmemprobe", test_pmemprobe, 60},
	{"pmemperm", test_pmemperm, 0},
	{"pmemkill", test_pmemkill, 60},
	{"fsbadargs", test_fsbadargs, 60},
	{"xlbasic", test_xlbasic, 0},
	{"xldiff", test_xldiff, 0},
	{"xlblock", test_xlblock, 0},
	{"xlforbidden", test_xlforbidden, 0},
	{"xlbadreg", test_xlbadreg, 0},
	{"xlreuse", test_xlreuse, 0},
	{"xlunmap", test_xlunmap, 0},
	{"xlexit", test_xlexit, 60},
	{"xlend", test_xlend, 0},
	{"xlexec", test_xlexec, 0},
	{"xlwakeup", test_xlwakeup, 0},
	{"xlorder", test_xlorder, 120},
	{"xlgarbage", test_xlgarbage, 60},
	{"xlfair", test_xlfair, 60},
	{"xlsleepwake", test_xlsleepwake, 120},
	{"xlcounters", test_xlcounters, 0},
	{"xlmanyblock", test_xlmanyblock, 60},
	{"xlpmemio", test_xlpmemio, 0},
	{"xlwaitring", test_xlwaitring, 0},
	{"xlcallwait", test_xlcallwait, 60},
	{"xlnoworkers", test_xlnoworkers, 0},
	{"fiberorder", test_fiberorder, 0},
	{"fiberswitch", test_fiberswitch, 0},
	{"fibermutex", test_fibermutex, 0},
	{"fibersem", test_fibersem, 0},
	{"fibercond", test_fibercond, 60},
	{"fibermany", test_fibermany, 60},
	{"fibererrno", test_fibererrno, 0},
	{"fiberio", test_fiberio, 120},
	{"fiberpipe", test_fiberpipe, 0},
	{"fibertrapsteal", test_fibertrapsteal, 0},
	{"fiberoverflow", test_fiberoverflow, 0},
	{"fiberexit", test_fiberexit, 120},
	{"fiberinplace", test_fiberinplace, 60},
	{"xlhere", test_xlhere, 0},
	{"xlbusy", test_xlbusy, 0},
	{"xlhold", test_xlhold, 0},
	{"sysbounded", test_sysbounded, 0},
	{"fiberlone", test_fiberlone, 0},
	{"fiberhandover", test_fiberhandover, 60},
	{"ringcq", test_ringcq, 0},
	{"ringbadhead", test_ringbadhead, 60},
	{"ringbadtail", test_ringbadtail, 60},
	{"ringrawslot", test_ringrawslot, 0},
	{"ringbadgen", test_ringbadgen, 60},
	{"ringbadgenmany", test_ringbadgenmany, 60},
	{"ringhogs", test_ringhogs, 120},
	{"xldouble", test_xldouble, 0},
	{"xlprepbatch", test_xlprepbatch, 0},
	{"xlreapbatch", test_xlreapbatch, 0},
	{"xlprepreap", test_xlprepreap, 0},
};

static const struct test slow[] = {
	{"forkall", test_forkall, 180},
	{"exitwait", test_exitwait, 120},
	{"forkfork", test_forkfork, 120},
	{"killrace", test_killrace, 120},
	{"execmany", test_execmany, 120},
	{"sbrkall", test_sbrkall, 180},
	{"pipemany", test_pipemany, 120},
	{"threadall", test_threadall, 120},
};

/* Slow tests that take minutes each (about 3.5 and 1 on a 2-core host):
 * only -a runs them, not make test. */
static const struct test longer[] = {
	{"fsfull", test_fsfull, 300},
	{"xlmillion", test_xlmillion, 300},
	{"xlorderbig", test_xlorderbig, 600},
};

/* The watchdog: kills pid when secs have passed. */
static int watchdog(int pid, int secs)
{
	int dog = fork();
	if (dog == 0) {
		sleep((long)secs * HZ);
		kill(pid);
		exit(0);
	}
	return dog;
}

#define ST_LOST (-1000) /* no status: no test exits with it */

/* Wait for the test child and its watchdog; the test child's status. */
static int reap(int pid, int dog)
{
	int st = ST_LOST, s, left = dog > 0 ? 2 : 1;
	while (left > 0) {
		int w = wait(&s);
		if (w < 0)
			break;
		if (w == pid) {
			st = s, left--;
			if (dog > 0 && left)
				kill(dog);
		} else if (w == dog) {
			left--;
		}
	}
	return st;
}

enum result { PASSED, FAILED, SKIPPED };

static enum result verdict(const struct test *t, int st, bool late, int secs)
{
	char buf[32];
	if (st == 0)
		say("test %s: OK", t->name);
	else if (st == UT_SKIPPED)
		say("test %s: skipped", t->name);
	else if (st == UT_FAILED)
		; /* fail() said why */
	else if (late && st == EXIT_KILLED)
		say("test %s: FAILED (timed out after %d s)", t->name, secs);
	else if (st == ST_LOST)
		say("test %s: FAILED (lost the test process)", t->name);
	else
		say("test %s: FAILED (the test process ended with status %s)", t->name,
		    status_str(st, buf, sizeof(buf)));
	return st == 0 ? PASSED : st == UT_SKIPPED ? SKIPPED : FAILED;
}

static enum result run_test(const struct test *t)
{
	int secs = t->secs ? t->secs : DEFAULT_SECS;
	long start = uptime();
	int pid = fork();
	if (pid < 0) {
		say("test %s: FAILED (fork: %s)", t->name, errno_name(-pid));
		return FAILED;
	}
	if (pid == 0) {
		test_name = t->name;
		test_pid = getpid();
		t->fn();
		exit(test_skipped ? UT_SKIPPED : 0);
	}
	int st = reap(pid, watchdog(pid, secs));
	bool late = uptime() - start >= (long)secs * HZ;
	return verdict(t, st, late, secs);
}

static const struct test *find(const char *name)
{
	for (unsigned i = 0; i < ARRAY_SIZE(quick); i++)
		if (strcmp(quick[i].name, name) == 0)
			return &quick[i];
	for (unsigned i = 0; i < ARRAY_SIZE(slow); i++)
		if (strcmp(slow[i].name, name) == 0)
			return &slow[i];
	for (unsigned i = 0; i < ARRAY_SIZE(longer); i++)
		if (strcmp(longer[i].name, name) == 0)
			return &longer[i];
	return NULL;
}

static void run_table(const struct test *t, unsigned n, int count[3])
{
	for (unsigned i = 0; i < n; i++)
		count[run_test(&t[i])]++;
}

static void list(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(quick); i++)
		say("%s", quick[i].name);
	for (unsigned i = 0; i < ARRAY_SIZE(slow); i++)
		say("%s (slow)", slow[i].name);
	for (unsigned i = 0; i < ARRAY_SIZE(longer); i++)
		say("%s (slow, minutes)", longer[i].name);
}

int main(int argc, char **argv)
{
	int count[3] = { 0, 0, 0 }; /* by enum result */
	if (argc < 1)
		return 200; /* exec'd with an empty argv by a test that wanted an error */
	ut_hz = tick_hz();
	if (argc >= 2 && argv[1][0] == '-' && argv[1][1] && argv[1][2])
		return helper(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "-l") == 0) {
		list();
		return 0;
	}
	const char *table = argc < 2 ? "-q" : argv[1];
	if (!strcmp(table, "-q") || !strcmp(table, "-s") || !strcmp(table, "-a")) {
		run_table(quick, ARRAY_SIZE(quick), count);
		if (table[1] != 'q')
			run_table(slow, ARRAY_SIZE(slow), count);
		if (table[1] == 'a')
			run_table(longer, ARRAY_SIZE(longer), count);
	} else {
		for (int i = 1; i < argc; i++) {
			const struct test *t = find(argv[i]);
			if (!t)
				say("usertests: no test %s (usertests -l lists them)", argv[i]);
			count[t ? run_test(t) : FAILED]++;
		}
	}
	say("usertests: %d passed, %d failed, %d skipped", count[PASSED], count[FAILED],
	    count[SKIPPED]);
	return count[FAILED] ? 1 : 0;
}
