// SPDX-License-Identifier: MIT
// User address spaces: program segments, a heap (sbrk), a stack with a guard.
#include "vm.h"
#include "hart.h"
#include "ipi.h"
#include "page.h"
#include "printk.h"
#include "../lib/abi.h"
#include "../lib/errno.h"
#include "../lib/string.h"

_Static_assert(sizeof(struct vm) <= PAGE_SIZE, "a vm fits in a page");

struct vm *vm_create(void)
{
	struct vm *vm = page_alloc();
	if (!vm)
		return NULL;
	spin_init(&vm->lock, "vm");
	vm->root = mmu_new_root();
	if (!vm->root) {
		page_free(vm);
		return NULL;
	}
	vm->heap_start = vm->brk = USER_BASE;
	vm->stack_lo = USER_TOP;
	return vm;
}

/* Unmap [start, end) and collect the pages on a list threaded through
 * themselves; the caller frees them once no TLB can still reach them. */
static void *unmap_range(struct vm *vm, uint64_t start, uint64_t end, void *list)
{
	for (uint64_t va = start; va < end; va += PAGE_SIZE) {
		uint64_t pa = mmu_unmap(vm->root, va);
		/* A pinned syscall page (kernel/xl.c) is only marked freed:
		 * the kernel still writes it, so no list link goes in it. */
		if (pa && !page_free_if_pinned((void *)pa)) {
			*(void **)pa = list;
			list = (void *)pa;
		}
	}
	return list;
}

static void free_list(void *list)
{
	while (list) {
		void *next = *(void **)list;
		page_free(list);
		list = next;
	}
}

void vm_destroy(struct vm *vm)
{
	void *list = unmap_range(vm, USER_BASE, vm->brk, NULL);
	list = unmap_range(vm, vm->stack_lo, USER_TOP, list);
	free_list(list);
	mmu_free_root(vm->root);
	page_free(vm);
}

int vm_map_zero(struct vm *vm, uint64_t start, uint64_t end, uint64_t perm)
{
	int err = 0;
	spin_lock(&vm->lock);
	for (uint64_t va = ALIGN_DOWN(start, PAGE_SIZE); va < end && !err; va += PAGE_SIZE) {
		void *page = page_alloc();
		if (!page) {
			err = -ENOMEM;
			break;
		}
		err = mmu_map(vm->root, va, (uint64_t)page, perm | MMU_U);
		if (err)
			page_free(page);
	}
	spin_unlock(&vm->lock);
	return err;
}

int vm_write(struct vm *vm, uint64_t va, const void *src, uint64_t n)
{
	const uint8_t *s = src;
	while (n) {
		uint64_t pa = mmu_lookup(vm->root, va, MMU_U), chunk;
		if (!pa)
			return -EFAULT;
		chunk = MIN(n, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
		memcpy((void *)pa, s, chunk);
		va += chunk, s += chunk, n -= chunk;
	}
	return 0;
}

static int copy_range(struct vm *dst, struct vm *src, uint64_t start, uint64_t end)
{
	for (uint64_t va = start; va < end; va += PAGE_SIZE) {
		uint64_t perm, pa = mmu_query(src->root, va, &perm);
		void *page;
		if (!pa)
			continue; /* a hole (the heap's tail after a shrink) */
		if (!(page = page_alloc()))
			return -ENOMEM;
		memcpy(page, (void *)pa, PAGE_SIZE);
		if (mmu_map(dst->root, va, (uint64_t)page, perm)) {
			page_free(page);
			return -ENOMEM;
		}
	}
	return 0;
}

struct vm *vm_copy(struct vm *src)
{
	struct vm *dst = vm_create();
	int err;
	if (!dst)
		return NULL;
	spin_lock(&src->lock);
	dst->heap_start = src->heap_start;
	dst->brk = src->brk;
	dst->stack_lo = src->stack_lo;
	err = copy_range(dst, src, USER_BASE, ALIGN_UP(src->brk, PAGE_SIZE));
	if (!err)
		err = copy_range(dst, src, src->stack_lo, USER_TOP);
	spin_unlock(&src->lock);
	if (err) {
		vm_destroy(dst);
		return NULL;
	}
	return dst;
}

long vm_sbrk(struct vm *vm, long delta)
{
	uint64_t old, new, limit;
	void *freed = NULL;

	spin_lock(&vm->lock);
	old = vm->brk;
	new = old + delta;
	limit = vm->stack_lo - PAGE_SIZE; /* keep the stack's guard page */
	if ((delta > 0 && (new > limit || new < old)) || (delta < 0 && new > old)) {
		spin_unlock(&vm->lock);
		return -ENOMEM;
	}
	if (new < vm->heap_start) {
		spin_unlock(&vm->lock);
		return -EINVAL;
	}
	vm->brk = new;
	if (delta < 0)
		freed = unmap_range(vm, ALIGN_UP(new, PAGE_SIZE), ALIGN_UP(old, PAGE_SIZE), NULL);
	spin_unlock(&vm->lock);
	if (delta > 0 && vm_map_zero(vm, ALIGN_UP(old, PAGE_SIZE), new, MMU_R | MMU_W)) {
		/* Out of memory: take back what was mapped and the new break. */
		spin_lock(&vm->lock);
		vm->brk = old;
		freed = unmap_range(vm, ALIGN_UP(old, PAGE_SIZE), ALIGN_UP(new, PAGE_SIZE), NULL);
		spin_unlock(&vm->lock);
		free_list(freed); /* never visible to another hart's TLB */
		return -ENOMEM;
	}
	if (freed) {
		tlb_shootdown(); /* other threads of ours may still cache them */
		free_list(freed);
	}
	return (long)old;
}

void vm_activate(struct vm *vm)
{
	mmu_switch(vm ? vm->root : NULL);
}

void tlb_shootdown(void)
{
	uint64_t before[MAX_HARTS];
	mmu_flush_tlb();
	for (int i = 0; i < MAX_HARTS; i++) {
		before[i] = __atomic_load_n(&harts[i].tlb_acks, __ATOMIC_ACQUIRE);
		if (harts[i].online && i != hart_id())
			ipi_send(i, IPI_TLB);
	}
	for (int i = 0; i < MAX_HARTS; i++)
		if (harts[i].online && i != hart_id())
			while (__atomic_load_n(&harts[i].tlb_acks, __ATOMIC_ACQUIRE) == before[i])
				arch_relax();
}
