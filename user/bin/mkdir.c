// SPDX-License-Identifier: MIT
// mkdir: make each named directory.
#include "../user.h"

int main(int argc, char *argv[])
{
	int status = 0;

	if (argc < 2) {
		fprintf(2, "usage: mkdir DIR...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		int err = mkdir(argv[i]);
		if (err < 0) {
			fprintf(2, "mkdir: %s: %s\n", argv[i], strerror(err));
			status = 1;
		}
	}
	return status;
}
