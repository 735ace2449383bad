/* SPDX-License-Identifier: MIT */
/* User address spaces: regions of a process's slot, mapped page by page. */
#pragma once
#include "kernel/spinlock.h"
#include "arch/riscv/arch.h"

struct vm {
	struct spinlock lock;  /* the page table and the fields below */
	struct mmu_table *root; /* opaque: the arch's page table */
	uint64_t heap_start;   /* end of the program's segments, page aligned */
	uint64_t brk;          /* current break (sbrk) */
	uint64_t stack_lo;     /* lowest stack page; the guard page is below */
};

/* vm_create - an empty address space, or NULL without memory. */
struct vm *vm_create(void);
/* vm_destroy - free every page and table of vm, and vm. Nobody may be
 * running on it (switch away first). */
void vm_destroy(struct vm *vm);
/* vm_map_zero - map fresh zeroed pages over [start, end) with perms
 * (MMU_* and MMU_U added). 0 or -ENOMEM/-EEXIST (partial maps stay). */
int vm_map_zero(struct vm *vm, uint64_t start, uint64_t end, uint64_t perm);
/* vm_write - copy n bytes into vm at va (pages must be mapped); for exec. */
int vm_write(struct vm *vm, uint64_t va, const void *src, uint64_t n);
/* vm_copy - a new address space with a copy of every page of src (fork). */
struct vm *vm_copy(struct vm *src);
/* vm_sbrk - move the break by delta; returns the old break or -ENOMEM
 * (growing into the stack or beyond USER_TOP) / -EINVAL (below the heap).
 * Shrinking unmaps and frees pages after a TLB shootdown. */
long vm_sbrk(struct vm *vm, long delta);
/* vm_activate - run on vm (NULL: the kernel's own table). */
void vm_activate(struct vm *vm);
/* tlb_shootdown - flush this hart's TLB, make every other online hart
 * flush its own, and wait for all of them (vm.c explains why it always
 * ends). No spinlock may be held: panics otherwise. Interrupts are off
 * while it runs, so it neither migrates nor is preempted. */
void tlb_shootdown(void);
/* tlb_serve - flush this hart's TLB if a shootdown asked it to, and say
 * so. Interrupts off (the IPI handler, or a shootdown waiting). */
void tlb_serve(void);
