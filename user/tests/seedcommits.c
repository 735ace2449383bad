// SPDX-License-Identifier: MIT
// seedcommits: the seed workload at u = 1, 8, 64 (trap, polled): commits and device commands per call.
#include "../measure.h"

/* Commits come from the file system's own counter (fsstat), commands from
 * the device's, both taken around the calls only (seed_run_times). */
int main(void)
{
	static const int us[] = { 1, 8, 64 };

	mkdir("/seedc");
	pmemctl(PMEMCTL_MODE, PMEMCTL_POLL);
	for (unsigned i = 0; i < sizeof(us) / sizeof(us[0]); i++) {
		struct seed_load w = { us[i], 8, 2, 0, "/seedc" };
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
