// SPDX-License-Identifier: MIT
// The shared formatter against the host's printf for the same formats.
#include "lib/printf.h"
#include "unit.h"
#include <string.h>

/* Format with ours and the host's; they must agree byte for byte. */
#define SAME(...)                                                        \
	do {                                                             \
		char ours[128], host[128];                               \
		int n1 = nagi_snprintf(ours, sizeof(ours), __VA_ARGS__); \
		int n2 = snprintf(host, sizeof(host), __VA_ARGS__);      \
		if (strcmp(ours, host) || n1 != n2)                      \
			printf("    ours '%s' (%d), host '%s' (%d)\n",   \
			       ours, n1, host, n2);                      \
		CHECK(strcmp(ours, host) == 0 && n1 == n2);              \
	} while (0)

static void test_integers(void)
{
	SAME("%d %d %d", 0, -1, 2147483647);
	SAME("%d", -2147483647 - 1);
	SAME("%ld %ld", 9223372036854775807L, -9223372036854775807L - 1);
	SAME("%u %lu", 4294967295u, 18446744073709551615UL);
	SAME("%x %X %lx", 0xdeadbeef, 0xabcu, 0x123456789abcdefUL);
	SAME("%o", 8);
	SAME("%zu", (size_t)42);
}

static void test_width_and_flags(void)
{
	SAME("[%5d] [%-5d] [%05d]", 42, 42, 42);
	SAME("[%05d] [%5d]", -42, -42);
	SAME("[%016lx]", 0xbeefUL);
	SAME("[%10s] [%-10s]", "abc", "abc");
	SAME("[%.2s] [%.*s]", "abcdef", 3, "abcdef");
	SAME("[%*d]", 6, 7);
	SAME("%c%c%%", 'o', 'k');
}

static void test_pointers_and_null(void)
{
	SAME("%p", (void *)0x80200000UL);
	char buf[16];
	const char *volatile null = NULL; /* hidden from the format checker */
	nagi_snprintf(buf, sizeof(buf), "%s", null);
	CHECK(strcmp(buf, "(null)") == 0);
}

static void test_truncation(void)
{
	char buf[8];
	int n = nagi_snprintf(buf, sizeof(buf), "%s", "0123456789");
	CHECK(n == 10);
	CHECK(strcmp(buf, "0123456") == 0);
	CHECK(nagi_snprintf(NULL, 0, "%d", 12345) == 5);
	const char *lone = "abc%"; /* a lone % at the end */
	n = nagi_snprintf(buf, sizeof(buf), lone, 0);
	CHECK(strcmp(buf, "abc") == 0);
}

int main(void)
{
	RUN(test_integers);
	RUN(test_width_and_flags);
	RUN(test_pointers_and_null);
	RUN(test_truncation);
	UNIT_EXIT();
}
