// SPDX-License-Identifier: MIT
// Sv39: three levels of 512 entries; va bits 38-30, 29-21, 20-12 index them.
#include "mmu.h"
#include "arch.h"
#include "boot.h"
#include "csr.h"
#include "isolate.h"
#include "trapframe.h"
#include "../../kernel/machine.h"
#include "kernel/mm/page.h"
#include "../../kernel/printk.h"
#include "../../kernel/spinlock.h"
#include "../../lib/errno.h"
#include "../../lib/string.h"

#define PTE_V (1UL << 0)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_LEAF (MMU_R | MMU_W | MMU_X)
#define PTE_PA(pte) (((pte) >> 10) << 12)
#define PA_PTE(pa) (((pa) >> 12) << 10)
#define VPN(va, level) (((va) >> (12 + 9 * (level))) & 511)
#define SATP_SV39 (8UL << 60)
#define SLOT_USER 1

typedef uint64_t pte_t;

/* The opaque table is an array of 512 PTEs. */
static pte_t *ptes(struct mmu_table *t) { return (pte_t *)t; }

static struct mmu_table *kernel_root;

/* The PTE for va at level 0, making tables on the way if alloc. */
static pte_t *walk(pte_t *root, uint64_t va, bool alloc)
{
	pte_t *table = root;
	for (int level = 2; level > 0; level--) {
		pte_t *pte = &table[VPN(va, level)];
		if (*pte & PTE_V) {
			if (*pte & PTE_LEAF)
				return NULL; /* a huge page: not ours to split */
			table = (pte_t *)PTE_PA(*pte);
			continue;
		}
		if (!alloc || !(table = page_alloc()))
			return NULL;
		*pte = PA_PTE((uint64_t)table) | PTE_V;
	}
	return &table[VPN(va, 0)];
}

int mmu_map(struct mmu_table *t, uint64_t va, uint64_t pa, uint64_t perm)
{
	pte_t *pte = walk(ptes(t), va, true);
	if (!pte)
		return -ENOMEM;
	if (*pte & PTE_V)
		return -EEXIST;
	/* A and D set up front: QEMU would fault to have them set otherwise.
	 * Kernel pages are global, unless isolated: then no user ASID may
	 * carry their translations (isolate.c). */
	*pte = PA_PTE(pa) | perm | PTE_V | PTE_A | PTE_D |
	       (perm & MMU_U || isolate_mode ? 0 : PTE_G);
	return 0;
}

uint64_t mmu_unmap(struct mmu_table *t, uint64_t va)
{
	pte_t *pte = walk(ptes(t), va, false);
	uint64_t pa;
	if (!pte || !(*pte & PTE_V))
		return 0;
	pa = PTE_PA(*pte);
	*pte = 0;
	return pa;
}

uint64_t mmu_lookup(struct mmu_table *t, uint64_t va, uint64_t perm)
{
	pte_t *pte = walk(ptes(t), va, false);
	if (!pte || (*pte & (perm | PTE_V)) != (perm | PTE_V))
		return 0;
	return PTE_PA(*pte) | (va & (PAGE_SIZE - 1));
}

uint64_t mmu_query(struct mmu_table *t, uint64_t va, uint64_t *perm)
{
	pte_t *pte = walk(ptes(t), va, false);
	if (!pte || !(*pte & PTE_V))
		return 0;
	*perm = *pte & (PTE_LEAF | MMU_U);
	return PTE_PA(*pte);
}

uint64_t mmu_next_mapped(struct mmu_table *t, uint64_t va, uint64_t end)
{
	const pte_t *root = ptes(t);
	const uint64_t l1_span = PAGE_SIZE << 18, l0_span = PAGE_SIZE << 9;

	for (va = ALIGN_DOWN(va, PAGE_SIZE); va < end;) {
		pte_t top = root[VPN(va, 2)], mid, *l0;
		if (!(top & PTE_V) || (top & PTE_LEAF)) {
			va = ALIGN_DOWN(va, l1_span) + l1_span; /* no table: skip 1 GiB */
			continue;
		}
		mid = ((pte_t *)PTE_PA(top))[VPN(va, 1)];
		if (!(mid & PTE_V) || (mid & PTE_LEAF)) {
			va = ALIGN_DOWN(va, l0_span) + l0_span; /* skip 2 MiB */
			continue;
		}
		l0 = (pte_t *)PTE_PA(mid);
		if (l0[VPN(va, 0)] & PTE_V)
			return va;
		va += PAGE_SIZE;
	}
	return end;
}

static void map_range(uint64_t start, uint64_t end, uint64_t perm)
{
	for (uint64_t a = ALIGN_DOWN(start, PAGE_SIZE); a < end; a += PAGE_SIZE)
		if (mmu_map(kernel_root, a, a, perm))
			panic("mmu_kernel_init: cannot map 0x%lx", a);
}

void mmu_kernel_init(void)
{
	extern char __kernel_start[], __text_end[];
	isolate_init();
	kernel_root = page_alloc();
	if (!kernel_root)
		panic("mmu_kernel_init: no memory");
	/* Devices (slot 0), one to one, no execute. */
	map_range(machine.finisher_base, machine.finisher_base + PAGE_SIZE, MMU_R | MMU_W);
	map_range(machine.uart_base, machine.uart_base + PAGE_SIZE, MMU_R | MMU_W);
	map_range(machine.plic_base, machine.plic_base + 0x400000, MMU_R | MMU_W);
	if (machine.sswi_base)
		map_range(machine.sswi_base, machine.sswi_base + machine.sswi_size, MMU_R | MMU_W);
	/* RAM (slot 2): the firmware's part too, so the page walk of a bad
	 * address faults cleanly; text executable and read-only. */
	map_range(machine.mem_base, (uint64_t)__kernel_start, MMU_R | MMU_W);
	map_range((uint64_t)__kernel_start, (uint64_t)__text_end, MMU_R | MMU_X);
	map_range((uint64_t)__text_end, machine_mem_end(), MMU_R | MMU_W);
	/* The guard page below each boot stack: an overflow in a scheduler
	 * loop faults instead of running into the neighbouring hart's stack. */
	for (int i = 0; i < BOOT_HART_SLOTS; i++)
		mmu_unmap(kernel_root, boot_stack_lo(i) - BOOT_GUARD_SIZE);
	/* Slot 3 needs its table now, so that every root shares it. */
	if (!walk(ptes(kernel_root), KSTACK_BASE, true))
		panic("mmu_kernel_init: no memory for the stack table");
	mmu_enable();
	isolate_kernel_ready(SATP_SV39 | ((uint64_t)kernel_root >> PAGE_SHIFT));
}

void mmu_enable(void)
{
	mmu_switch(NULL);
}

struct mmu_table *mmu_new_root(void)
{
	pte_t *root = page_alloc();
	if (!root)
		return NULL;
	if (isolate_mode) {
		isolate_fill_root(root); /* the trampoline, no other kernel page */
		return (struct mmu_table *)root;
	}
	/* Share the kernel's level-1 tables: later kernel mappings in those
	 * slots (new kernel stacks) appear in every address space. */
	for (int i = 0; i < 512; i++)
		if (i != SLOT_USER)
			root[i] = ptes(kernel_root)[i];
	return (struct mmu_table *)root;
}

void mmu_free_root(struct mmu_table *t)
{
	pte_t *root = ptes(t);
	pte_t *l1 = root[SLOT_USER] & PTE_V ? (pte_t *)PTE_PA(root[SLOT_USER]) : NULL;
	for (int i = 0; l1 && i < 512; i++)
		if ((l1[i] & PTE_V) && !(l1[i] & PTE_LEAF))
			page_free((void *)PTE_PA(l1[i]));
	if (l1)
		page_free(l1);
	page_free(root);
}

/* Bumped by every new kernel mapping: a hart that stays on one table
 * still flushes once after one appeared (it may cache the invalid entry). */
static volatile uint64_t kmap_gen;

void mmu_switch(struct mmu_table *root)
{
	uint64_t pt = (uint64_t)(root ? root : kernel_root);
	uint64_t satp = SATP_SV39 | (pt >> PAGE_SHIFT);
	uint64_t gen = __atomic_load_n(&kmap_gen, __ATOMIC_ACQUIRE);
	struct arch_hart *ah = (struct arch_hart *)arch_this_hart(); /* its first member */
	if (isolate_mode) {
		/* The kernel never runs on a user table: trap_return_iso
		 * switches to root on the way out, through the trampoline. */
		isolate_set_user(ptes(root));
		satp = SATP_SV39 | ((uint64_t)kernel_root >> PAGE_SHIFT);
	}
	/* Same table, no new kernel mapping: nothing to flush (syscall
	 * threads and the scheduler loop all run on the kernel's table). */
	if (csr_read(satp) == satp && ah->kmap_gen == gen)
		return;
	ah->kmap_gen = gen;
	csr_write(satp, satp);
	arch_tlb_flush();
}

int mmu_kernel_map(uint64_t va, uint64_t pa)
{
	/* Harts creating threads at once may both need the same new table. */
	static struct spinlock lock = SPINLOCK_INIT("mmu.kernel");
	int err;
	spin_lock(&lock);
	err = mmu_map(kernel_root, va, pa, MMU_R | MMU_W);
	__atomic_add_fetch(&kmap_gen, 1, __ATOMIC_RELEASE);
	spin_unlock(&lock);
	return err;
}

bool mmu_kernel_readable(uint64_t va)
{
	if (!kernel_root) /* before paging: RAM is all there is */
		return va >= machine.mem_base && va < machine_mem_end();
	return mmu_lookup(kernel_root, va, MMU_R) != 0;
}
