// SPDX-License-Identifier: MIT
// grep: print the lines that contain a string (a plain substring, no regex).
#include "../user.h"

static char buf[1024];
static const char *pattern;
static bool found;

/* Check one line (NUL-terminated in place) and print it if it matches. */
static void line(char *s, const char *name)
{
	if (!strstr(s, pattern))
		return;
	found = true;
	if (name)
		printf("%s:%s\n", name, s);
	else
		printf("%s\n", s);
}

/* Scan fd line by line; name prefixes matches when there are several files.
 * A line longer than the buffer is checked in buffer-sized pieces. */
static int grep(int fd, const char *name)
{
	long m = 0, n;
	char *p, *q;

	while ((n = read(fd, buf + m, sizeof buf - 1 - m)) > 0) {
		m += n;
		buf[m] = '\0';
		for (p = buf; (q = memchr(p, '\n', buf + m - p)); p = q + 1) {
			*q = '\0';
			line(p, name);
		}
		m -= p - buf;
		memmove(buf, p, m);
		if (m == sizeof buf - 1) { /* no newline in a full buffer */
			line(buf, name);
			m = 0;
		}
	}
	if (m > 0) { /* a last line without a newline */
		buf[m] = '\0';
		line(buf, name);
	}
	if (n < 0)
		fprintf(2, "grep: %s: %s\n", name ? name : "stdin", strerror(n));
	return n < 0;
}

int main(int argc, char *argv[])
{
	int errors = 0;

	if (argc < 2) {
		fprintf(2, "usage: grep PATTERN [FILE...]\n");
		return 2;
	}
	pattern = argv[1];
	if (argc == 2)
		return grep(0, NULL) ? 2 : !found;
	for (int i = 2; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			fprintf(2, "grep: %s: %s\n", argv[i], strerror(fd));
			errors++;
			continue;
		}
		errors += grep(fd, argc > 3 ? argv[i] : NULL);
		close(fd);
	}
	return errors ? 2 : !found;
}
