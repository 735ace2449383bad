// SPDX-License-Identifier: MIT
// rm: remove each name (unlink); an empty directory goes too.
#include "../user.h"

int main(int argc, char *argv[])
{
	int status = 0;

	if (argc < 2) {
		fprintf(2, "usage: rm NAME...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		int err = unlink(argv[i]);
		if (err < 0) {
			fprintf(2, "rm: %s: %s%s\n", argv[i], strerror(err),
				err == -ENOTEMPTY ? " (remove what is inside first)" : "");
			status = 1;
		}
	}
	return status;
}
