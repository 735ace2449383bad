// SPDX-License-Identifier: MIT
// exec: load an ELF64 program of the boot file set into a new address space.
#include "elf.h"
#include "hart.h"
#include "page.h"
#include "printk.h"
#include "proc.h"
#include "syscall.h"
#include "uaccess.h"
#include "vm.h"
#include "xl.h"
#include "../lib/errno.h"
#include "../lib/string.h"

#define MAXARG 32
#define ARGBUF PAGE_SIZE /* all argument strings together */

/* Check one PT_LOAD header against the image and the user range. */
static bool segment_ok(const struct elf_phdr *ph, uint64_t size)
{
	return ph->filesz <= ph->memsz && ph->off <= size && ph->filesz <= size - ph->off &&
	       ph->vaddr >= USER_BASE && ph->vaddr % PAGE_SIZE == 0 &&
	       ph->memsz <= USER_TOP - ph->vaddr;
}

static uint64_t perms(uint32_t flags)
{
	return (flags & PF_R ? MMU_R : 0) | (flags & PF_W ? MMU_W : 0) | (flags & PF_X ? MMU_X : 0);
}

/* Map and fill every PT_LOAD segment; returns the end of the highest. */
static long load_segments(struct vm *vm, const uint8_t *img, uint64_t size)
{
	const struct elf_header *eh = (const void *)img;
	uint64_t end = USER_BASE;
	if (size < sizeof(*eh) || eh->magic != ELF_MAGIC || eh->class != ELFCLASS64 ||
	    eh->data != ELFDATA2LSB || eh->type != ET_EXEC || eh->machine != EM_RISCV ||
	    eh->phentsize != sizeof(struct elf_phdr) || eh->phoff > size ||
	    eh->phnum > (size - eh->phoff) / sizeof(struct elf_phdr))
		return -ENOEXEC;
	for (int i = 0; i < eh->phnum; i++) {
		struct elf_phdr ph;
		memcpy(&ph, img + eh->phoff + i * sizeof(ph), sizeof(ph)); /* may be unaligned */
		if (ph.type != PT_LOAD || ph.memsz == 0)
			continue;
		if (!segment_ok(&ph, size) || ph.vaddr < end)
			return -ENOEXEC;
		if (vm_map_zero(vm, ph.vaddr, ph.vaddr + ph.memsz, perms(ph.flags)) ||
		    vm_write(vm, ph.vaddr, img + ph.off, ph.filesz))
			return -ENOMEM;
		end = ALIGN_UP(ph.vaddr + ph.memsz, PAGE_SIZE);
	}
	return end > USER_BASE ? (long)end : -ENOEXEC;
}

/* Build the initial stack: strings, then argv[], 16-byte aligned.
 * Returns the new sp and the user address of argv in *uargv. */
static long push_args(struct vm *vm, char *const argv[], int argc, uint64_t *uargv)
{
	uint64_t sp = USER_TOP, ptrs[MAXARG + 1];
	for (int i = argc - 1; i >= 0; i--) {
		uint64_t len = strlen(argv[i]) + 1;
		sp -= len;
		if (vm_write(vm, sp, argv[i], len))
			return -E2BIG;
		ptrs[i] = sp;
	}
	ptrs[argc] = 0;
	sp = ALIGN_DOWN(sp - (argc + 1) * sizeof(uint64_t), 16);
	if (vm_write(vm, sp, ptrs, (argc + 1) * sizeof(uint64_t)))
		return -E2BIG;
	*uargv = sp;
	return (long)sp;
}

int exec_program(struct proc *p, struct trapframe *tf, const char *name, char *const argv[])
{
	const struct bootfile *bf = bootfs_lookup(name);
	struct vm *vm, *old;
	uint64_t uargv;
	long end, sp;
	int argc = 0;

	if (!bf)
		return -ENOENT;
	while (argv[argc])
		argc++;
	if (!(vm = vm_create()))
		return -ENOMEM;
	end = load_segments(vm, bf->data, bf->size);
	if (end < 0 || vm_map_zero(vm, USER_TOP - USER_STACK_PAGES * PAGE_SIZE, USER_TOP,
				   MMU_R | MMU_W)) {
		vm_destroy(vm);
		return end < 0 ? (int)end : -ENOMEM;
	}
	vm->heap_start = vm->brk = end;
	vm->stack_lo = USER_TOP - USER_STACK_PAGES * PAGE_SIZE;
	sp = push_args(vm, argv, argc, &uargv);
	if (sp < 0) {
		vm_destroy(vm);
		return (int)sp;
	}
	/* The point of no return: switch to the new image. */
	old = p->vm;
	p->vm = vm;
	if (p == curproc())
		vm_activate(vm);
	if (old)
		vm_destroy(old);
	nagi_strlcpy(p->name, bf->name, sizeof(p->name));
	arch_user_frame(tf, ((const struct elf_header *)bf->data)->entry, sp, argc);
	tf->a1 = uargv;
	return 0;
}

/* Copy argv from user memory: pointers, then strings into one buffer. */
static int fetch_args(uint64_t uargv, char *argv[], char *buf)
{
	uint64_t used = 0;
	int argc;
	for (argc = 0;; argc++) {
		uint64_t uarg;
		long len;
		if (argc > MAXARG)
			return -E2BIG;
		if (copyin(&uarg, uargv + argc * sizeof(uint64_t), sizeof(uarg)))
			return -EFAULT;
		if (!uarg)
			break;
		if (argc == MAXARG)
			return -E2BIG;
		len = copyinstr(buf + used, uarg, ARGBUF - used);
		if (len < 0)
			return len == -ENAMETOOLONG ? -E2BIG : (int)len;
		argv[argc] = buf + used;
		used += len + 1;
	}
	argv[argc] = NULL;
	return argc;
}

long sys_exec(const struct sys_args *a)
{
	struct proc *p = curproc();
	char path[128], *argv[MAXARG + 1], *buf;
	long err = copyinstr(path, arg_uaddr(a, 0), sizeof(path));
	if (err < 0)
		return err;
	/* Stale syscall-page entries must not run in the new image. */
	xl_proc_stop(p);
	if (p->nthreads > 1)
		return -EBUSY; /* exec from a multi-threaded process (syscall
				* threads too): not supported */
	xl_proc_teardown(p); /* no syscall thread: unpin the pages */
	if (!(buf = page_alloc()))
		return -ENOMEM;
	err = fetch_args(arg_uaddr(a, 1), argv, buf);
	if (err >= 0)
		err = exec_program(p, curthread()->tf, path, argv);
	page_free(buf);
	return err < 0 ? err : (long)tf_arg(curthread()->tf, 0); /* a0 = argc */
}
