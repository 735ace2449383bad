// SPDX-License-Identifier: MIT
// wc: count lines, words and bytes of the named files or standard input.
#include "../user.h"

static char buf[512];

/* Count fd and print "lines words bytes name"; -1 on a read error. */
static int wc(int fd, const char *name)
{
	unsigned long lines = 0, words = 0, bytes = 0;
	bool inword = false;
	long n;

	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (long i = 0; i < n; i++) {
			char c = buf[i];
			lines += c == '\n';
			if (strchr(" \t\r\n\v", c)) {
				inword = false;
			} else if (!inword) {
				inword = true;
				words++;
			}
		}
		bytes += n;
	}
	if (n < 0) {
		fprintf(2, "wc: %s: %s\n", name, strerror(n));
		return -1;
	}
	printf("%7lu %7lu %7lu%s%s\n", lines, words, bytes, *name ? " " : "", name);
	return 0;
}

int main(int argc, char *argv[])
{
	int status = 0;

	if (argc < 2)
		return wc(0, "") < 0;
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			fprintf(2, "wc: %s: %s\n", argv[i], strerror(fd));
			status = 1;
			continue;
		}
		if (wc(fd, argv[i]) < 0)
			status = 1;
		close(fd);
	}
	return status;
}
