/* SPDX-License-Identifier: MIT */
/* Sv39 page tables behind a small portable interface (kernel/mm/vm.c uses
 * it, through arch.h): the MMU's arch hooks, named mmu_*. */
#pragma once
#include "../../lib/types.h"

/* A page table, opaque outside mmu.c. */
struct mmu_table;

/* Portable permission bits for mmu_map; the same values as Sv39's. */
#define MMU_R (1UL << 1)
#define MMU_W (1UL << 2)
#define MMU_X (1UL << 3)
#define MMU_U (1UL << 4)

/* Sv39 top-level slots (1 GiB each) and who owns them: the kernel's
 * identity maps of devices (slot 0) and RAM (slot 2), kernel stacks
 * (slot 3), and the user address space (slot 1) of each process. */
#define MMU_SLOT_SIZE (1UL << 30)
#define KSTACK_BASE 0xC0000000UL /* slot 3 */

/* mmu_kernel_init - build the kernel page table: devices and RAM mapped
 * one to one, kernel text read-only. Then enable paging on this hart. */
void mmu_kernel_init(void);
/* mmu_enable - turn on paging with the kernel table (each hart, at boot). */
void mmu_enable(void);
/* mmu_new_root - a top-level table sharing the kernel's slots; NULL if
 * out of memory. */
struct mmu_table *mmu_new_root(void);
/* mmu_map - map va -> pa, one page, with MMU_* perms; allocates tables.
 * 0, -ENOMEM, or -EEXIST if va is already mapped. */
int mmu_map(struct mmu_table *root, uint64_t va, uint64_t pa, uint64_t perm);
/* mmu_unmap - remove va's mapping; returns the physical page or 0. */
uint64_t mmu_unmap(struct mmu_table *root, uint64_t va);
/* mmu_lookup - the physical address va maps to if it has all of perm
 * (e.g. MMU_U | MMU_R), else 0. */
uint64_t mmu_lookup(struct mmu_table *root, uint64_t va, uint64_t perm);
/* mmu_query - va's physical page and its MMU_* perms in *perm, or 0. */
uint64_t mmu_query(struct mmu_table *root, uint64_t va, uint64_t *perm);
/* mmu_next_mapped - the lowest mapped page at or above va and below end,
 * or end if there is none; skips missing tables whole. The caller holds
 * whatever keeps root's user part from changing. */
uint64_t mmu_next_mapped(struct mmu_table *root, uint64_t va, uint64_t end);
/* mmu_free_root - free the user slot's tables (not the pages they map)
 * and the root itself. */
void mmu_free_root(struct mmu_table *root);
/* mmu_switch - run on root (NULL: the kernel's table); flushes the TLB.
 * Under isolate=on|asid the kernel stays on its own table and root is
 * only noted as the table this hart returns to user mode on (isolate.c). */
void mmu_switch(struct mmu_table *root);
/* mmu_kernel_readable - may the kernel read va (RAM or a mapped stack)? */
bool mmu_kernel_readable(uint64_t va);
/* mmu_kernel_map - map a kernel page (a kernel stack) in slot 3. */
int mmu_kernel_map(uint64_t va, uint64_t pa);
