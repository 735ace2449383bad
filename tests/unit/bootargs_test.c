// SPDX-License-Identifier: MIT
// Boot arguments: the word-list parser behind reserve=, pmem_fail= and initargs=.
#include "kernel/bootargs.h"
#include "lib/errno.h"
#include "stubs.h"
#include "unit.h"
#include <string.h>

static void test_words_split_at_commas(void)
{
	struct bootarg_words w;
	bootargs_parse("initargs=-s,,forkall, reserve=2,3");
	CHECK(bootarg_words("initargs", &w) == 3);
	CHECK(w.n == 3 && !w.dropped);
	CHECK(!strcmp(w.w[0], "-s") && !strcmp(w.w[1], "") && !strcmp(w.w[2], "forkall"));
	CHECK(bootarg_words("nosuchkey", &w) == 0);
}

static void test_numbers(void)
{
	unsigned long v[4] = { 0 };
	bootargs_parse("reserve=2,3 pmem_fail=7 workers=1,x init");
	CHECK(bootarg_numbers("reserve", v, 4) == 2 && v[0] == 2 && v[1] == 3);
	CHECK(bootarg_numbers("reserve", v, 1) == -EINVAL); /* more than max */
	CHECK(bootarg_numbers("pmem_fail", v, 2) == 1 && v[0] == 7);
	CHECK(bootarg_numbers("workers", v, 4) == -EINVAL); /* x is no number */
	CHECK(bootarg_numbers("init", v, 4) == 0);          /* a bare flag */
	CHECK(bootarg_numbers("absent", v, 4) == 0);
}

static void test_too_many_words_are_dropped(void)
{
	struct bootarg_words w;
	bootargs_parse("initargs=a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r");
	CHECK(bootarg_words("initargs", &w) == BOOTARG_MAX_WORDS);
	CHECK(w.dropped);
	CHECK(!strcmp(w.w[BOOTARG_MAX_WORDS - 1], "p"));
}

int main(void)
{
	RUN(test_words_split_at_commas);
	RUN(test_numbers);
	RUN(test_too_many_words_are_dropped);
	UNIT_EXIT();
}
