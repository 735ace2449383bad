// SPDX-License-Identifier: MIT
// ln: give the file OLD a second name NEW (a hard link).
#include "../user.h"

int main(int argc, char *argv[])
{
	int err;

	if (argc != 3) {
		fprintf(2, "usage: ln OLD NEW\n");
		return 2;
	}
	err = link(argv[1], argv[2]);
	if (err < 0) {
		fprintf(2, "ln: %s -> %s: %s\n", argv[2], argv[1], strerror(err));
		return 1;
	}
	return 0;
}
