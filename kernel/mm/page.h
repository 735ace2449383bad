/* SPDX-License-Identifier: MIT */
/* The physical page allocator: 4 KiB pages from the DTB's memory. */
#pragma once
#include "lib/types.h"
#include "kernel/machine.h"

#define PAGE_SIZE 4096UL
#define PAGE_SHIFT 12

/* page_init - manage pages in [base, base + size); none is free yet.
 * Boot hart only, before any other call. */
void page_init(uint64_t base, uint64_t size);
/* page_add_range - free every whole page in [start, end) that does not
 * overlap one of the n ranges in skip (firmware, DTB), writing to none
 * of them (page_alloc touches a page when it first hands it out). Boot only. */
void page_add_range(uint64_t start, uint64_t end, const struct mem_range *skip, int n);
/* page_alloc - a zeroed page, or NULL when memory is exhausted.
 * Takes the allocator lock; any context. */
void *page_alloc(void);
/* page_free - give back a page from page_alloc. Panics on a pointer that
 * is unaligned, outside the managed range, or already free. */
void page_free(void *page);
/* page_pin - keep an allocated page alive for the caller: a page_free of
 * it (its other owner letting go) only marks it until page_unpin. For
 * syscall pages, which user space may free while the kernel serves them.
 * 0, -EINVAL (not an allocated page) or -EBUSY (pinned already). */
int page_pin(void *page);
/* page_unpin - drop the pin. Returns true if the page was freed meanwhile:
 * the caller must page_free it (after any TLB shootdown it needs). */
bool page_unpin(void *page);
/* page_share - one more owner for an allocated page (fork maps a
 * read-only page in the child instead of copying it). 0; -EBUSY if it is
 * pinned or has 256 owners already (copy it then); -EINVAL if it is
 * not an allocated page. Takes the allocator lock.
 * page_unshare - an owner lets go: true if it was the last (the caller
 * frees the page), false if others still own it (the caller must not
 * touch it). page_free panics on a page with other owners. */
int page_share(void *page);
bool page_unshare(void *page);
/* page_free_if_pinned - if page is pinned, page_free it (mark it freed for
 * page_unpin) and return true; else leave it alone and return false. */
bool page_free_if_pinned(void *page);
/* page_orphaned - is page pinned and freed by its owner meanwhile (so
 * page_unpin will say to free it)? Takes the allocator lock. */
bool page_orphaned(void *page);
/* page_free_count / page_total - pages free now, pages ever added. */
uint64_t page_free_count(void);
uint64_t page_total(void);
