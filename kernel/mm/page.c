// SPDX-License-Identifier: MIT
// Physical pages on a free list, with a bitmap that catches double frees,
// pins (syscall pages) and shares (read-only pages that forks map twice).
#include "page.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "lib/errno.h"
#include "lib/string.h"

#define MAX_PAGES (1UL << 20) /* 4 GiB of RAM */
#define MAX_RUNS 16
#define MAX_SHARES 255 /* owners beyond the first, in a byte */

/* Pages never handed out yet stay in runs [next, end) and are not touched
 * until page_alloc takes them: linking every page into the list at boot
 * wrote to each of them, and QEMU fills a TLB entry and the host faults in
 * a page for every first touch (most of the boot time). */
struct run {
	uint64_t next, end;
};

struct free_page {
	struct free_page *next;
};

/* No initialiser, so the 128 KiB bitmap stays in .bss, not the image. */
static struct {
	struct spinlock lock;
	struct free_page *head;
	uint64_t base, npages, nfree, total;
	struct run runs[MAX_RUNS];
	int nruns;
	uint64_t isfree[MAX_PAGES / 64]; /* bit set: the page is on the list */
	uint64_t pinned[MAX_PAGES / 64]; /* page_pin: page_free only marks it */
	uint64_t orphan[MAX_PAGES / 64]; /* pinned and freed: page_unpin frees */
	uint8_t shares[MAX_PAGES];       /* owners beyond the first (page_share) */
} mem;

#define BIT(map, i) ((map)[(i) / 64] & (1UL << ((i) % 64)))
#define SET(map, i) ((map)[(i) / 64] |= 1UL << ((i) % 64))
#define CLR(map, i) ((map)[(i) / 64] &= ~(1UL << ((i) % 64)))

void page_init(uint64_t base, uint64_t size)
{
	spin_init(&mem.lock, "page");
	mem.base = ALIGN_DOWN(base, PAGE_SIZE);
	mem.npages = MIN(size / PAGE_SIZE, MAX_PAGES);
	mem.head = NULL;
	mem.nfree = mem.total = 0;
	mem.nruns = 0;
	memset(mem.isfree, 0, sizeof(mem.isfree));
	memset(mem.pinned, 0, sizeof(mem.pinned));
	memset(mem.orphan, 0, sizeof(mem.orphan));
	memset(mem.shares, 0, mem.npages);
}

/* The page's index, or -1 if p is not a managed page address. */
static long page_index(uint64_t p)
{
	if (p & (PAGE_SIZE - 1) || p < mem.base || (p - mem.base) / PAGE_SIZE >= mem.npages)
		return -1;
	return (p - mem.base) / PAGE_SIZE;
}

static void push(uint64_t p, long i)
{
	struct free_page *fp = (struct free_page *)p;
	fp->next = mem.head;
	mem.head = fp;
	mem.isfree[i / 64] |= 1UL << (i % 64);
	mem.nfree++;
}

static bool overlaps(uint64_t p, const struct mem_range *skip, int n)
{
	for (int i = 0; i < n; i++)
		if (p < skip[i].base + skip[i].size && skip[i].base < p + PAGE_SIZE)
			return true;
	return false;
}

/* Mark page i free without touching it: extend the last run or start one
 * (with too many runs, link it into the list instead). */
static void add_untouched(uint64_t p, long i)
{
	struct run *last = mem.nruns ? &mem.runs[mem.nruns - 1] : NULL;

	if (last && last->end == p) {
		last->end += PAGE_SIZE;
	} else if (mem.nruns < MAX_RUNS) {
		mem.runs[mem.nruns++] = (struct run){ p, p + PAGE_SIZE };
	} else {
		push(p, i);
		return;
	}
	SET(mem.isfree, i);
	mem.nfree++;
}

void page_add_range(uint64_t start, uint64_t end, const struct mem_range *skip, int n)
{
	spin_lock(&mem.lock);
	for (uint64_t p = ALIGN_UP(start, PAGE_SIZE); p + PAGE_SIZE <= end; p += PAGE_SIZE) {
		long i = page_index(p);
		if (i < 0 || overlaps(p, skip, n) || (mem.isfree[i / 64] & (1UL << (i % 64))))
			continue;
		add_untouched(p, i);
		mem.total++;
	}
	spin_unlock(&mem.lock);
}

/* A free page off the list, else from the first run with pages left;
 * 0 if none. Holds mem.lock. */
static uint64_t take(void)
{
	struct free_page *fp = mem.head;

	if (fp) {
		mem.head = fp->next;
		return (uint64_t)fp;
	}
	for (int r = 0; r < mem.nruns; r++)
		if (mem.runs[r].next < mem.runs[r].end) {
			mem.runs[r].next += PAGE_SIZE;
			return mem.runs[r].next - PAGE_SIZE;
		}
	return 0;
}

void *page_alloc(void)
{
	uint64_t p;
	spin_lock(&mem.lock);
	p = take();
	if (p) {
		long i = page_index(p);
		CLR(mem.isfree, i);
		mem.nfree--;
	}
	spin_unlock(&mem.lock);
	if (p)
		memset((void *)p, 0, PAGE_SIZE);
	return (void *)p;
}

void page_free(void *page)
{
	long i = page_index((uint64_t)page);
	if (i < 0)
		panic("page_free: %p is not a page of ours", page);
	spin_lock(&mem.lock);
	if (mem.isfree[i / 64] & (1UL << (i % 64)) || BIT(mem.orphan, i))
		panic("page_free: %p freed twice", page);
	if (mem.shares[i])
		panic("page_free: %p has %d other owners (page_unshare first)", page, mem.shares[i]);
	if (BIT(mem.pinned, i)) { /* the pin holder frees it later */
		SET(mem.orphan, i);
		spin_unlock(&mem.lock);
		return;
	}
	memset(page, 0x5a, PAGE_SIZE); /* make use-after-free visible */
	push((uint64_t)page, i);
	spin_unlock(&mem.lock);
}

int page_pin(void *page)
{
	long i = page_index((uint64_t)page);
	int err = 0;
	if (i < 0)
		return -EINVAL;
	spin_lock(&mem.lock);
	if (BIT(mem.isfree, i))
		err = -EINVAL;
	else if (BIT(mem.pinned, i))
		err = -EBUSY;
	else
		SET(mem.pinned, i);
	spin_unlock(&mem.lock);
	return err;
}

bool page_unpin(void *page)
{
	long i = page_index((uint64_t)page);
	bool orphan;
	if (i < 0 || !BIT(mem.pinned, i))
		panic("page_unpin: %p is not pinned", page);
	spin_lock(&mem.lock);
	CLR(mem.pinned, i);
	orphan = BIT(mem.orphan, i);
	CLR(mem.orphan, i);
	spin_unlock(&mem.lock);
	return orphan;
}

int page_share(void *page)
{
	long i = page_index((uint64_t)page);
	int err = 0;

	if (i < 0)
		return -EINVAL;
	spin_lock(&mem.lock);
	if (BIT(mem.isfree, i))
		err = -EINVAL;
	else if (BIT(mem.pinned, i) || mem.shares[i] == MAX_SHARES)
		err = -EBUSY;
	else
		mem.shares[i]++;
	spin_unlock(&mem.lock);
	return err;
}

bool page_unshare(void *page)
{
	long i = page_index((uint64_t)page);
	bool last = true;

	if (i < 0)
		return true; /* not ours: page_free says so */
	spin_lock(&mem.lock);
	if (mem.shares[i]) {
		mem.shares[i]--;
		last = false;
	}
	spin_unlock(&mem.lock);
	return last;
}

bool page_free_if_pinned(void *page)
{
	long i = page_index((uint64_t)page);
	bool pinned;
	if (i < 0)
		return false;
	spin_lock(&mem.lock);
	pinned = BIT(mem.pinned, i);
	if (pinned)
		SET(mem.orphan, i);
	spin_unlock(&mem.lock);
	return pinned;
}

bool page_orphaned(void *page)
{
	long i = page_index((uint64_t)page);
	bool orphan;
	if (i < 0)
		return false;
	spin_lock(&mem.lock);
	orphan = BIT(mem.pinned, i) && BIT(mem.orphan, i);
	spin_unlock(&mem.lock);
	return orphan;
}

uint64_t page_free_count(void)
{
	return __atomic_load_n(&mem.nfree, __ATOMIC_RELAXED);
}

uint64_t page_total(void)
{
	return mem.total;
}
