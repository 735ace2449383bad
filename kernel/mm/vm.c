// SPDX-License-Identifier: MIT
// User address spaces: program segments, a heap (sbrk), a stack with a guard.
#include "vm.h"
#include "kernel/hart.h"
#include "kernel/ipi.h"
#include "page.h"
#include "kernel/printk.h"
#include "lib/abi.h"
#include "lib/errno.h"
#include "lib/string.h"

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

/* Unmap va (if mapped) and put its page on a list threaded through the
 * pages themselves; the caller frees them once no TLB can still reach them. */
static void *unmap_page(struct vm *vm, uint64_t va, void *list)
{
	uint64_t pa = mmu_unmap(vm->root, va);
	/* A page another process still maps (fork shared it) stays, and so
	 * does a pinned syscall page (kernel/xl/xl.c), only marked freed: the
	 * kernel still writes it. No list link goes in either. */
	if (pa && page_unshare((void *)pa) && !page_free_if_pinned((void *)pa)) {
		*(void **)pa = list;
		list = (void *)pa;
	}
	return list;
}

static void *unmap_range(struct vm *vm, uint64_t start, uint64_t end, void *list)
{
	for (uint64_t va = start; va < end; va += PAGE_SIZE)
		list = unmap_page(vm, va, list);
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

/*
 * vm_destroy - see vm.h. Every mapped page of the user slot goes, found
 * by walking the tables rather than trusting heap_start, brk and
 * stack_lo: exec's failure paths leave pages those do not describe yet
 * (a half-loaded program), and none may leak.
 */
void vm_destroy(struct vm *vm)
{
	void *list = NULL;
	for (uint64_t va = mmu_next_mapped(vm->root, USER_BASE, USER_TOP); va < USER_TOP;
	     va = mmu_next_mapped(vm->root, va + PAGE_SIZE, USER_TOP))
		list = unmap_page(vm, va, list);
	free_list(list);
	mmu_free_root(vm->root);
	page_free(vm);
}

/* Map fresh zeroed pages over [start, end) (vm->lock held). */
static int map_zero(struct vm *vm, uint64_t start, uint64_t end, uint64_t perm)
{
	for (uint64_t va = ALIGN_DOWN(start, PAGE_SIZE); va < end; va += PAGE_SIZE) {
		void *page = page_alloc();
		int err;
		if (!page)
			return -ENOMEM;
		err = mmu_map(vm->root, va, (uint64_t)page, perm | MMU_U);
		if (err) {
			page_free(page);
			return err;
		}
	}
	return 0;
}

int vm_map_zero(struct vm *vm, uint64_t start, uint64_t end, uint64_t perm)
{
	int err;
	spin_lock(&vm->lock);
	err = map_zero(vm, start, end, perm);
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

/* Copy every mapped user page of src into dst (src->lock held). */
static int copy_pages(struct vm *dst, struct vm *src)
{
	for (uint64_t va = mmu_next_mapped(src->root, USER_BASE, USER_TOP); va < USER_TOP;
	     va = mmu_next_mapped(src->root, va + PAGE_SIZE, USER_TOP)) {
		uint64_t perm, pa = mmu_query(src->root, va, &perm);
		void *page;
		/* A page nobody may write (text, read-only data) is shared, not
		 * copied: cheaper, and QEMU finds the child's code already
		 * translated (its cache is by physical address). */
		if (!(perm & MMU_W) && page_share((void *)pa) == 0) {
			if (mmu_map(dst->root, va, pa, perm)) {
				page_unshare((void *)pa);
				return -ENOMEM;
			}
			continue;
		}
		page = page_alloc();
		if (!page)
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
	err = copy_pages(dst, src);
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
	int err = 0;

	/* One critical section from the check to the last page: threads
	 * growing and shrinking at once must see each other's break and
	 * pages, or a grow maps pages above a break a shrink just lowered. */
	spin_lock(&vm->lock);
	old = vm->brk;
	new = old + delta;
	limit = vm->stack_lo - PAGE_SIZE; /* keep the stack's guard page */
	if ((delta > 0 && (new > limit || new < old)) || (delta < 0 && new > old))
		err = -ENOMEM;
	else if (new < vm->heap_start)
		err = -EINVAL;
	else if (delta > 0 && map_zero(vm, ALIGN_UP(old, PAGE_SIZE), new, MMU_R | MMU_W)) {
		/* Out of memory: take back what was mapped. */
		freed = unmap_range(vm, ALIGN_UP(old, PAGE_SIZE), ALIGN_UP(new, PAGE_SIZE), NULL);
		err = -ENOMEM;
	} else {
		vm->brk = new;
		if (delta < 0)
			freed = unmap_range(vm, ALIGN_UP(new, PAGE_SIZE), ALIGN_UP(old, PAGE_SIZE), NULL);
	}
	spin_unlock(&vm->lock);
	if (freed) {
		/* Other threads of ours may cache them (even pages mapped for
		 * a failed grow: a thread may touch beyond the break). */
		tlb_shootdown();
		free_list(freed);
	}
	return err ? err : (long)old;
}

void vm_activate(struct vm *vm)
{
	mmu_switch(vm ? vm->root : NULL);
}

/*
 * A shootdown is a ticket per target: the initiator takes the next number
 * from the target's tlb_req (after unmapping) and waits until the target's
 * tlb_done reaches it. A target reads tlb_req *before* it flushes, so a
 * flush that covers ticket n began after the unmap that asked for it; an
 * older flush still in progress can never pass for ours.
 *
 * Why it cannot wait forever:
 * - The initiator stays on one hart with interrupts off from its first
 *   ticket to its last check (intr_push): a preempted shootdown that
 *   resumed on another hart would wait for a hart it never asked, or skip
 *   one it did. It holds no spinlock, so nobody spins on it.
 * - While it waits it serves its own tickets (tlb_serve), so two harts
 *   shooting each other down at once both finish though neither takes the
 *   IPI until the end.
 * - Targets are the online harts. Each takes IPIs, or has interrupts off
 *   in a short critical section or trap path, in wfi (a pending IPI ends
 *   it), spinning for a lock (spin_lock serves tickets while it spins: the
 *   locks are not fair, and the initiator holds none), or here. The pmem
 *   device's hart and harts that did not start are never online and never
 *   run a user address space, so they hold nothing to flush.
 */
void tlb_serve(void)
{
	struct hart *h = this_hart();
	uint64_t req = __atomic_load_n(&h->tlb_req, __ATOMIC_ACQUIRE);
	if (req == h->tlb_done)
		return;
	arch_tlb_flush();
	__atomic_store_n(&h->tlb_done, req, __ATOMIC_RELEASE);
}

void tlb_shootdown(void)
{
	uint64_t ticket[MAX_HARTS] = { 0 };
	int me;

	intr_push();
	if (this_hart()->intr_depth != 1)
		panic("tlb_shootdown: called with a spinlock held");
	me = hart_id();
	arch_tlb_flush();
	for (int i = 0; i < MAX_HARTS; i++)
		if (i != me && __atomic_load_n(&harts[i].online, __ATOMIC_ACQUIRE)) {
			ticket[i] = __atomic_add_fetch(&harts[i].tlb_req, 1, __ATOMIC_ACQ_REL);
			ipi_send(i, IPI_TLB);
		}
	for (int i = 0; i < MAX_HARTS; i++)
		while (ticket[i] && __atomic_load_n(&harts[i].tlb_done, __ATOMIC_ACQUIRE) < ticket[i]) {
			tlb_serve();
			arch_relax();
		}
	intr_pop();
}
