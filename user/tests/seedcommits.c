// SPDX-License-Identifier: MIT
// seedcommits: the seed workload at u = 1, 8, 64 (trap, polled), with device flushes and commands per call.
#include "../measure.h"

/*
 * A file system commit issues two flushes (before and at the commit
 * point), a reset of the log's run two more; nothing else in the seed
 * workload flushes. So flushes / 2 per call is an upper bound on commits
 * per call, close to it (docs/fs.md).
 */
int main(void)
{
	static const int us[] = { 1, 8, 64 };
	struct pmem_stats a, b;

	mkdir("/seedc");
	pmemctl(PMEMCTL_MODE, PMEMCTL_POLL);
	for (unsigned i = 0; i < sizeof(us) / sizeof(us[0]); i++) {
		struct seed_load w = { us[i], 8, 2, 0, "/seedc" };
		uint64_t ticks, calls = (uint64_t)us[i] * 2 * (2 * 8 + 4);
		if (pmemctl(PMEMCTL_STATS, (unsigned long)&a) < 0 || seed_run(&w, &ticks) != 0 ||
		    pmemctl(PMEMCTL_STATS, (unsigned long)&b) < 0) {
			printf("seedcommits: u=%d failed\n", us[i]);
			exit(1);
		}
		printf("seedcommits: u=%d calls %lu: flushes/call %lu.%02lu, commands/call %lu.%02lu\n",
		       us[i], calls, (b.flushes - a.flushes) * 100 / calls / 100,
		       (b.flushes - a.flushes) * 100 / calls % 100,
		       (b.commands - a.commands) * 100 / calls / 100,
		       (b.commands - a.commands) * 100 / calls % 100);
	}
	return 0;
}
