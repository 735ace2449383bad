// SPDX-License-Identifier: MIT
// The page allocator's bookkeeping, over a block of host memory.
#include "kernel/mm/page.h"
#include "lib/errno.h"
#include "stubs.h"
#include "unit.h"
#include <string.h>

#define NPAGES 64
static uint8_t *ram;

static void setup(void)
{
	page_init((uint64_t)ram, NPAGES * PAGE_SIZE);
}

static void test_add_skips_reserved(void)
{
	struct mem_range skip[] = {
		{ (uint64_t)ram + 4 * PAGE_SIZE, 2 * PAGE_SIZE },  /* pages 4, 5 */
		{ (uint64_t)ram + 10 * PAGE_SIZE + 1, 1 },          /* byte in page 10 */
	};
	setup();
	page_add_range((uint64_t)ram + 100, (uint64_t)ram + NPAGES * PAGE_SIZE, skip, 2);
	/* Page 0 is partial (start+100), pages 4, 5 and 10 are reserved. */
	CHECK(page_total() == NPAGES - 4);
	CHECK(page_free_count() == NPAGES - 4);
	for (int i = 0; i < NPAGES - 4; i++) {
		uint8_t *p = page_alloc();
		CHECK(p != NULL);
		if (!p)
			break;
		long idx = (p - ram) / (long)PAGE_SIZE;
		CHECK(idx != 0 && idx != 4 && idx != 5 && idx != 10);
		CHECK(((uint64_t)p & (PAGE_SIZE - 1)) == 0);
	}
	CHECK(page_alloc() == NULL);
	CHECK(page_free_count() == 0);
}

static void test_alloc_is_zeroed_and_reused(void)
{
	setup();
	page_add_range((uint64_t)ram, (uint64_t)ram + 2 * PAGE_SIZE, NULL, 0);
	uint8_t *a = page_alloc();
	memset(a, 0xab, PAGE_SIZE);
	page_free(a);
	CHECK(a[8] == 0x5a && a[PAGE_SIZE - 1] == 0x5a); /* poisoned past the list link */
	uint8_t *b = page_alloc();
	CHECK(b == a); /* LIFO reuse */
	CHECK(b[0] == 0 && b[PAGE_SIZE - 1] == 0);
}

static void test_bad_frees_panic(void)
{
	setup();
	page_add_range((uint64_t)ram, (uint64_t)ram + 4 * PAGE_SIZE, NULL, 0);
	uint8_t *a = page_alloc();
	page_free(a);
	CHECK(EXPECT_PANIC(page_free(a)));
	CHECK(strstr(panic_message, "twice") != NULL);
	CHECK(EXPECT_PANIC(page_free(ram + 1)));
	CHECK(EXPECT_PANIC(page_free(ram + NPAGES * PAGE_SIZE)));
	CHECK(EXPECT_PANIC(page_free(ram - PAGE_SIZE)));
	CHECK(page_free_count() == 4);
}

static void test_add_twice_counts_once(void)
{
	setup();
	page_add_range((uint64_t)ram, (uint64_t)ram + 8 * PAGE_SIZE, NULL, 0);
	page_add_range((uint64_t)ram, (uint64_t)ram + 8 * PAGE_SIZE, NULL, 0);
	CHECK(page_free_count() == 8);
}

/* A pinned page survives page_free until page_unpin says to free it. */
static void test_pin(void)
{
	uint8_t *p;
	setup();
	page_add_range((uint64_t)ram, (uint64_t)ram + 8 * PAGE_SIZE, NULL, 0);
	p = page_alloc();
	CHECK(page_pin(p) == 0);
	CHECK(page_pin(p) == -EBUSY);
	CHECK(page_pin(ram + 1) == -EINVAL);
	CHECK(page_unpin(p) == false); /* never freed: still the owner's */
	CHECK(page_free_count() == 7);
	CHECK(page_pin(p) == 0);
	CHECK(!page_orphaned(p));
	page_free(p); /* the user lets go: only marked */
	CHECK(page_orphaned(p));
	CHECK(page_free_count() == 7);
	p[0] = 42;    /* still ours to write */
	CHECK(EXPECT_PANIC(page_free(p)));
	CHECK(page_unpin(p) == true);
	CHECK(!page_orphaned(p));
	page_free(p);
	CHECK(page_free_count() == 8);
	CHECK(page_pin(p) == -EINVAL); /* a free page cannot be pinned */
	p = page_alloc();
	CHECK(page_free_if_pinned(p) == false);
	page_free(p);
	CHECK(page_free_count() == 8);
}

/* A shared page has one owner per share plus the first: page_unshare
 * says "last" only to the last, page_free refuses it before, and a pinned
 * or free page is not shared. */
static void test_share(void)
{
	uint8_t *p, *q;
	setup();
	page_add_range((uint64_t)ram, (uint64_t)ram + 8 * PAGE_SIZE, NULL, 0);
	p = page_alloc();
	p[0] = 7;
	CHECK(page_share(p) == 0);
	CHECK(page_share(p) == 0);
	CHECK(EXPECT_PANIC(page_free(p)));
	CHECK(strstr(panic_message, "other owners") != NULL);
	CHECK(page_unshare(p) == false);
	CHECK(page_unshare(p) == false);
	CHECK(p[0] == 7); /* nobody wrote into it */
	CHECK(page_unshare(p) == true); /* the last owner: it may free it */
	page_free(p);
	CHECK(page_free_count() == 8);
	CHECK(page_share(p) == -EINVAL); /* free */
	CHECK(page_share(ram + 1) == -EINVAL);
	q = page_alloc();
	CHECK(page_pin(q) == 0);
	CHECK(page_share(q) == -EBUSY); /* a syscall page is never shared */
	CHECK(page_unpin(q) == false);
	for (int i = 0; i < 255; i++)
		CHECK(page_share(q) == 0);
	CHECK(page_share(q) == -EBUSY); /* a byte's worth: copy instead */
	for (int i = 0; i < 255; i++)
		CHECK(page_unshare(q) == false);
	CHECK(page_unshare(q) == true);
	page_free(q);
	CHECK(page_free_count() == 8);
}

/* Adding pages writes none of them (boot would touch all of RAM), even
 * when the skips cut the range into more pieces than the allocator keeps
 * as untouched runs; every page is still handed out exactly once. */
static void test_add_touches_nothing(void)
{
	struct mem_range skip[NPAGES / 2];
	static bool seen[NPAGES];
	int n = 0, want = 0;

	for (int i = 1; i < NPAGES; i += 2)
		skip[n++] = (struct mem_range){ (uint64_t)ram + i * PAGE_SIZE, PAGE_SIZE };
	memset(ram, 0xcc, NPAGES * PAGE_SIZE);
	memset(seen, 0, sizeof(seen));
	setup();
	page_add_range((uint64_t)ram, (uint64_t)ram + 24 * PAGE_SIZE, skip, n);
	for (int i = 0; i < 24 * (int)PAGE_SIZE; i++)
		if (ram[i] != 0xcc) {
			CHECK(ram[i] == 0xcc);
			break;
		}
	page_add_range((uint64_t)ram + 24 * PAGE_SIZE, (uint64_t)ram + NPAGES * PAGE_SIZE, skip, n);
	CHECK(page_free_count() == NPAGES / 2);
	for (uint8_t *p; (p = page_alloc()); want++) {
		long idx = (p - ram) / (long)PAGE_SIZE;
		CHECK(idx % 2 == 0 && !seen[idx]);
		seen[idx] = true;
	}
	CHECK(want == NPAGES / 2);
}

int main(void)
{
	ram = aligned_alloc(PAGE_SIZE, NPAGES * PAGE_SIZE);
	RUN(test_add_skips_reserved);
	RUN(test_alloc_is_zeroed_and_reused);
	RUN(test_bad_frees_panic);
	RUN(test_add_twice_counts_once);
	RUN(test_pin);
	RUN(test_share);
	RUN(test_add_touches_nothing);
	free(ram);
	UNIT_EXIT();
}
