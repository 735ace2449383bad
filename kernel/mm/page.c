// SPDX-License-Identifier: MIT
// Physical pages on a free list, with a bitmap that catches double frees.
#include "page.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "lib/errno.h"
#include "lib/string.h"

#define MAX_PAGES (1UL << 20) /* 4 GiB of RAM */

struct free_page {
	struct free_page *next;
};

/* No initialiser, so the 128 KiB bitmap stays in .bss, not the image. */
static struct {
	struct spinlock lock;
	struct free_page *head;
	uint64_t base, npages, nfree, total;
	uint64_t isfree[MAX_PAGES / 64]; /* bit set: the page is on the list */
	uint64_t pinned[MAX_PAGES / 64]; /* page_pin: page_free only marks it */
	uint64_t orphan[MAX_PAGES / 64]; /* pinned and freed: page_unpin frees */
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
	memset(mem.isfree, 0, sizeof(mem.isfree));
	memset(mem.pinned, 0, sizeof(mem.pinned));
	memset(mem.orphan, 0, sizeof(mem.orphan));
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

void page_add_range(uint64_t start, uint64_t end, const struct mem_range *skip, int n)
{
	spin_lock(&mem.lock);
	for (uint64_t p = ALIGN_UP(start, PAGE_SIZE); p + PAGE_SIZE <= end; p += PAGE_SIZE) {
		long i = page_index(p);
		if (i < 0 || overlaps(p, skip, n) || (mem.isfree[i / 64] & (1UL << (i % 64))))
			continue;
		push(p, i);
		mem.total++;
	}
	spin_unlock(&mem.lock);
}

void *page_alloc(void)
{
	struct free_page *fp;
	spin_lock(&mem.lock);
	fp = mem.head;
	if (fp) {
		long i = page_index((uint64_t)fp);
		mem.head = fp->next;
		mem.isfree[i / 64] &= ~(1UL << (i % 64));
		mem.nfree--;
	}
	spin_unlock(&mem.lock);
	if (fp)
		memset(fp, 0, PAGE_SIZE);
	return fp;
}

void page_free(void *page)
{
	long i = page_index((uint64_t)page);
	if (i < 0)
		panic("page_free: %p is not a page of ours", page);
	spin_lock(&mem.lock);
	if (mem.isfree[i / 64] & (1UL << (i % 64)) || BIT(mem.orphan, i))
		panic("page_free: %p freed twice", page);
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
