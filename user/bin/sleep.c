// SPDX-License-Identifier: MIT
// sleep: pause for a number of seconds ("sleep 2", "sleep 0.5"), at whatever
// tick rate the kernel runs (bootarg hz=, learnt from sysinfo()).
#include "../user.h"

/* Seconds, with up to three decimals, as milliseconds; -1 if s is not a
 * number (or absurdly large). */
static long parse_ms(const char *s)
{
	long ms = 0, scale = 1000;

	if (!*s)
		return -1;
	for (; *s >= '0' && *s <= '9'; s++)
		if ((ms = ms * 10 + (*s - '0') * 1000) > 1000000000L * 1000)
			return -1;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			ms += (*s - '0') * (scale /= 10);
	return *s ? -1 : ms;
}

int main(int argc, char *argv[])
{
	long ms = argc == 2 ? parse_ms(argv[1]) : -1;

	if (ms < 0) {
		fprintf(2, "usage: sleep SECONDS   (e.g. sleep 2, sleep 0.25)\n");
		return 1;
	}
	/* Never end early: round up, and add a tick, since sleep(n) counts n
	 * tick boundaries and the first may be just ahead (n - 1 periods). */
	int err = sleep((ms * tick_hz() + 999) / 1000 + 1);
	if (err < 0) {
		fprintf(2, "sleep: %s\n", strerror(err));
		return 1;
	}
	return 0;
}
