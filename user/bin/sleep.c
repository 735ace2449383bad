// SPDX-License-Identifier: MIT
// sleep: pause for a number of seconds ("sleep 2", "sleep 0.5"); 100 ticks a second.
#include "../user.h"

#define TICKS_PER_SEC 100

/* Seconds, with up to two decimals, as ticks; -1 if s is not a number. */
static long parse_ticks(const char *s)
{
	long ticks = 0, scale = TICKS_PER_SEC;

	if (!*s)
		return -1;
	for (; *s >= '0' && *s <= '9'; s++)
		ticks = ticks * 10 + (*s - '0') * TICKS_PER_SEC;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			ticks += (*s - '0') * (scale /= 10);
	return *s ? -1 : ticks;
}

int main(int argc, char *argv[])
{
	long ticks = argc == 2 ? parse_ticks(argv[1]) : -1;

	if (ticks < 0) {
		fprintf(2, "usage: sleep SECONDS   (e.g. sleep 2, sleep 0.25)\n");
		return 1;
	}
	int err = sleep(ticks);
	if (err < 0) {
		fprintf(2, "sleep: %s\n", strerror(err));
		return 1;
	}
	return 0;
}
