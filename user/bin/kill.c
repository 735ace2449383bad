// SPDX-License-Identifier: MIT
// kill: kill the processes with the given pids (wait() gives EXIT_KILLED; $? 137).
#include "../user.h"

int main(int argc, char *argv[])
{
	int status = 0;

	if (argc < 2) {
		fprintf(2, "usage: kill PID...\n");
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		unsigned long pid;
		int err = parse_ulong(argv[i], &pid) ? -EINVAL : kill((int)pid);
		if (err < 0) {
			fprintf(2, "kill: %s: %s\n", argv[i], strerror(err));
			status = 1;
		}
	}
	return status;
}
