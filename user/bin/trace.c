// SPDX-License-Identifier: MIT
// trace MASK CMD [ARGS...]: run CMD with the kernel printing its system
// calls whose number's bit is in MASK ("trace 32 cat README": reads).
#include "../user.h"

/* A decimal or 0x hex number; -1 if s is not one. */
static long parse_mask(const char *s)
{
	long v = 0;
	int base = 10;
	if (s[0] == '0' && s[1] == 'x')
		base = 16, s += 2;
	if (!*s)
		return -1;
	for (; *s; s++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0'
			: base == 16 && *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 : -1;
		if (d < 0 || v > (1L << 58))
			return -1;
		v = v * base + d;
	}
	return v;
}

int main(int argc, char *argv[])
{
	long mask = argc >= 3 ? parse_mask(argv[1]) : -1;
	int err;

	if (mask < 0) {
		fprintf(2, "usage: trace MASK CMD [ARGS...]   (bit N traces syscall N)\n");
		return 1;
	}
	if ((err = trace(mask)) < 0) {
		fprintf(2, "trace: %s\n", strerror(err));
		return 1;
	}
	exec(argv[2], &argv[2]);
	fprintf(2, "trace: cannot run %s\n", argv[2]);
	return 1;
}
