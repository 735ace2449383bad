// SPDX-License-Identifier: MIT
// echo: print the arguments, separated by spaces, and a newline.
#include "../user.h"

static char buf[1024];
static unsigned len;

/* Queue s for output, writing the buffer out whenever it fills. */
static void put(const char *s)
{
	for (; *s; s++) {
		if (len == sizeof buf) {
			write(1, buf, len);
			len = 0;
		}
		buf[len++] = *s;
	}
}

int main(int argc, char *argv[])
{
	for (int i = 1; i < argc; i++) {
		put(argv[i]);
		put(i + 1 < argc ? " " : "");
	}
	put("\n");
	return write(1, buf, len) == (long)len ? 0 : 1;
}
