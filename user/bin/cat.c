// SPDX-License-Identifier: MIT
// cat: copy the named files, or standard input, to standard output.
#include "../user.h"

static char buf[512];

/* Copy fd to standard output; 0, or 1 after printing an error. */
static int copy(int fd, const char *name)
{
	long n;

	while ((n = read(fd, buf, sizeof buf)) > 0) {
		if (write(1, buf, n) != n) {
			fprintf(2, "cat: write error\n");
			return 1;
		}
	}
	if (n < 0) {
		fprintf(2, "cat: %s: %s\n", name, strerror(n));
		return 1;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	int status = 0;

	if (argc < 2)
		return copy(0, "stdin");
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			fprintf(2, "cat: %s: %s\n", argv[i], strerror(fd));
			status = 1;
			continue;
		}
		status |= copy(fd, argv[i]);
		close(fd);
	}
	return status;
}
