// SPDX-License-Identifier: MIT
// In-kernel tests of page-table isolation: what a new user table maps, in
// whichever isolate= mode this boot runs.
#include "../../arch/riscv/isolate.h"
#include "../../kernel/hart.h"
#include "../../kernel/ktest.h"
#include "../../kernel/printk.h"
#include "kernel/mm/vm.h"

extern char tramp_start[], tramp_slots[];

/* What vm's fresh table maps, against what isolation promises. */
static int check_root(struct vm *vm, bool iso)
{
	KEXPECT(!mmu_lookup(vm->root, (uint64_t)kprintf, MMU_X) == iso);   /* kernel text */
	KEXPECT(!mmu_lookup(vm->root, (uint64_t)&harts[0], MMU_R) == iso); /* kernel data */
	KEXPECT(!mmu_lookup(vm->root, (uint64_t)vm, MMU_R) == iso);	   /* the page heap */
	KEXPECT(!mmu_lookup(vm->root, this_hart()->arch.kernel_sp - 8, MMU_R) == iso); /* stacks */
	KEXPECT(mmu_lookup(vm->root, (uint64_t)tramp_start, MMU_X));
	KEXPECT(mmu_lookup(vm->root, (uint64_t)tramp_slots, MMU_R | MMU_W));
	KEXPECT(!mmu_lookup(vm->root, (uint64_t)tramp_start, MMU_U)); /* never the user's */
	return 0;
}

/* Isolated, a user table maps no kernel page but the trampoline's two;
 * otherwise it shares every kernel mapping. */
KTEST(isolate_user_table_maps_only_the_trampoline)
{
	struct vm *vm = vm_create();
	int err;
	KEXPECT(vm);
	kprintf("    isolate mode %d\n", isolate_mode);
	err = check_root(vm, isolate_mode != ISOLATE_OFF);
	vm_destroy(vm);
	return err;
}
