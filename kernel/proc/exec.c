// SPDX-License-Identifier: MIT
// exec: load an ELF64 program from the file system (or the boot file set) into a new
// address space.
#include "elf.h"
#include "kernel/fs/fs.h"
#include "kernel/hart.h"
#include "kernel/mm/page.h"
#include "kernel/printk.h"
#include "proc.h"
#include "kernel/file/rootfs.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vm.h"
#include "kernel/xl/xl.h"
#include "lib/errno.h"
#include "lib/string.h"

#define MAXARG 32
#define ARGBUF PAGE_SIZE /* all argument strings together */

/* Where the program comes from: a file of the file system, or (with
 * nothing mounted) the boot file set. */
struct image {
	struct inode *ip;          /* the file system's file, or NULL */
	const struct bootfile *bf; /* else the boot file */
	uint64_t size;
};

/* Exactly n bytes at off into the kernel buffer dst: 0, -ENOEXEC if the
 * file is shorter, or the file system's error. */
static int image_read(const struct image *im, uint64_t off, void *dst, uint64_t n)
{
	long r;

	if (off > im->size || n > im->size - off)
		return -ENOEXEC;
	if (!im->ip) {
		memcpy(dst, im->bf->data + off, n);
		return 0;
	}
	r = fs_read(im->ip, false, (uint64_t)dst, off, n);
	return r < 0 ? (int)r : (uint64_t)r == n ? 0 : -ENOEXEC;
}

/* The last element of path, for the process name ("/bin/ls": "ls"). */
static const char *base_name(const char *path)
{
	const char *base = path;
	for (const char *p = path; *p; p++)
		if (*p == '/' && p[1])
			base = p + 1;
	return base;
}

/* Find program path (relative to p's directory) in the file system, or
 * in the boot file set if boot is set or nothing is mounted: *im. It
 * must be a plain file. */
static int image_open(struct proc *p, const char *path, bool boot, struct image *im)
{
	struct stat st;
	int err;

	*im = (struct image){ 0 };
	if (boot || !rootfs_mounted()) {
		im->bf = bootfs_lookup(path);
		im->size = im->bf ? im->bf->size : 0;
		return im->bf ? 0 : -ENOENT;
	}
	if ((err = fs_lookup(p->cwd, path, &im->ip)) < 0)
		return err;
	if ((err = fs_stat(im->ip, &st)) == 0 && st.type != T_FILE)
		err = -EACCES; /* a directory or a device */
	if (err) {
		fs_iput(im->ip);
		return err;
	}
	im->size = st.size;
	return 0;
}

static void image_close(struct image *im)
{
	if (im->ip)
		fs_iput(im->ip);
	im->ip = NULL;
}

/* Program segments end below the stack's guard page: what is above is
 * the stack's (build() maps it after the segments). */
#define SEGMENT_LIMIT (USER_TOP - (USER_STACK_PAGES + 1) * PAGE_SIZE)

/* Check one PT_LOAD header against the image and the user range: inside
 * [USER_BASE, SEGMENT_LIMIT), no sum that can wrap around. */
static bool segment_ok(const struct elf_phdr *ph, uint64_t size)
{
	return ph->filesz <= ph->memsz && ph->off <= size && ph->filesz <= size - ph->off &&
	       ph->vaddr >= USER_BASE && ph->vaddr < SEGMENT_LIMIT && ph->vaddr % PAGE_SIZE == 0 &&
	       ph->memsz <= SEGMENT_LIMIT - ph->vaddr;
}

/* A segment's page permissions, or 0 if Sv39 cannot express them: no
 * permission at all, or writable but not readable (reserved PTEs). */
static uint64_t perms(uint32_t flags)
{
	uint64_t p = (flags & PF_R ? MMU_R : 0) | (flags & PF_W ? MMU_W : 0) |
		     (flags & PF_X ? MMU_X : 0);
	return (p & MMU_W) && !(p & MMU_R) ? 0 : p;
}

static bool header_ok(const struct elf_header *eh, uint64_t size)
{
	return eh->magic == ELF_MAGIC && eh->class == ELFCLASS64 && eh->data == ELFDATA2LSB &&
	       eh->type == ET_EXEC && eh->machine == EM_RISCV &&
	       eh->phentsize == sizeof(struct elf_phdr) && eh->phoff <= size &&
	       eh->phnum <= (size - eh->phoff) / sizeof(struct elf_phdr);
}

/* Map one segment and fill it from the image, a page at a time through
 * the kernel buffer page. */
static int load_segment(struct vm *vm, const struct image *im, const struct elf_phdr *ph,
			uint8_t *page)
{
	int err;

	if (vm_map_zero(vm, ph->vaddr, ph->vaddr + ph->memsz, perms(ph->flags)))
		return -ENOMEM;
	for (uint64_t done = 0; done < ph->filesz; done += PAGE_SIZE) {
		uint64_t n = MIN(PAGE_SIZE, ph->filesz - done);
		if ((err = image_read(im, ph->off + done, page, n)) < 0)
			return err;
		if (vm_write(vm, ph->vaddr + done, page, n))
			return -ENOMEM;
	}
	return 0;
}

/* Check the ELF header, map and fill every PT_LOAD segment (in rising
 * order, none overlapping); returns the end of the highest. On failure
 * the pages mapped so far stay in vm, for vm_destroy to free. */
static long load_segments(struct vm *vm, const struct image *im, uint8_t *page,
			  uint64_t *entry)
{
	struct elf_header eh;
	uint64_t end = USER_BASE;
	int err;

	if (image_read(im, 0, &eh, sizeof(eh)) < 0 || !header_ok(&eh, im->size))
		return -ENOEXEC;
	for (int i = 0; i < eh.phnum; i++) {
		struct elf_phdr ph;
		if ((err = image_read(im, eh.phoff + i * sizeof(ph), &ph, sizeof(ph))) < 0)
			return err;
		if (ph.type != PT_LOAD || ph.memsz == 0)
			continue;
		if (!segment_ok(&ph, im->size) || ph.vaddr < end || !perms(ph.flags))
			return -ENOEXEC;
		if ((err = load_segment(vm, im, &ph, page)) < 0)
			return err;
		end = ALIGN_UP(ph.vaddr + ph.memsz, PAGE_SIZE);
	}
	*entry = eh.entry;
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

/* What build() makes: an address space ready to enter. */
struct loaded {
	struct vm *vm;
	uint64_t entry, sp, uargv;
};

/* A new address space with the program of im, its stack and arguments.
 * 0 or -E*, with nothing left behind: vm_destroy frees every page mapped,
 * whichever step failed. */
static int build(const struct image *im, char *const argv[], int argc, struct loaded *out)
{
	uint8_t *page = page_alloc();
	struct vm *vm = page ? vm_create() : NULL;
	long r = -ENOMEM;

	*out = (struct loaded){ 0 };
	if (!vm)
		goto fail;
	if ((r = load_segments(vm, im, page, &out->entry)) < 0)
		goto fail;
	vm->heap_start = vm->brk = (uint64_t)r;
	vm->stack_lo = USER_TOP - USER_STACK_PAGES * PAGE_SIZE;
	r = -ENOMEM;
	if (vm_map_zero(vm, vm->stack_lo, USER_TOP, MMU_R | MMU_W))
		goto fail;
	if ((r = push_args(vm, argv, argc, &out->uargv)) < 0)
		goto fail;
	out->sp = (uint64_t)r;
	out->vm = vm;
	page_free(page);
	return 0;
fail:
	if (vm)
		vm_destroy(vm);
	if (page)
		page_free(page);
	return (int)r;
}

/* Load program path into *ld: from the file system, or the boot file set. */
static int load(struct proc *p, const char *path, bool boot, char *const argv[], int argc,
		struct loaded *ld)
{
	struct image im;
	int err = image_open(p, path, boot, &im);

	if (err == 0) {
		err = build(&im, argv, argc, ld);
		image_close(&im);
	}
	return err;
}

/*
 * exec_program - see proc.h. The path is relative to p's directory, which
 * cannot change meanwhile: exec refuses multi-threaded processes and
 * init's has none yet. A program the file system finds damaged (or
 * cannot read) is run from the boot file set, with a line saying so.
 * Sleeps reading the file system.
 */
int exec_program(struct proc *p, struct thread *t, const char *name, char *const argv[])
{
	struct loaded ld;
	struct vm *old;
	int argc = 0, err;

	while (argv[argc])
		argc++;
	err = load(p, name, false, argv, argc, &ld);
	/* A damaged program must not stop the system (the shell, init): the
	 * boot file set's copy runs instead, and the kernel says so. */
	if ((err == -EUCLEAN || err == -EIO) && rootfs_mounted() &&
	    bootfs_lookup(base_name(name))) {
		kprintf("exec: %s: %s on the file system; running the boot file set's %s\n", name,
			errno_name(err), base_name(name));
		err = load(p, base_name(name), true, argv, argc, &ld);
	}
	if (err < 0)
		return err;
	/* The point of no return: switch to the new image. */
	old = p->vm;
	p->vm = ld.vm;
	if (p == curproc())
		vm_activate(ld.vm);
	if (old)
		vm_destroy(old);
	nagi_strlcpy(p->name, base_name(name), sizeof(p->name));
	arch_exec_frame(t, ld.entry, ld.sp, argc, ld.uargv);
	alarm_reset(&t->alarm); /* its handler was in the old image */
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

long exec_user(uint64_t upath, uint64_t uargv)
{
	struct proc *p = curproc();
	char path[128], *argv[MAXARG + 1], *buf;
	long argc, err = copyinstr(path, upath, sizeof(path));
	bool busy;
	if (err < 0)
		return err;
	spin_lock(&p->lock);
	busy = p->nthreads - p->nsys > 1;
	spin_unlock(&p->lock);
	if (busy)
		return -EBUSY; /* exec from a multi-threaded process: not supported */
	/* Stale syscall-page entries must not run in the new image: stop
	 * serving the pages, and let every syscall thread end its call. */
	if ((err = xl_proc_quiesce(p)))
		return err;
	if (!(buf = page_alloc())) {
		xl_proc_thaw(p);
		return -ENOMEM;
	}
	argc = fetch_args(uargv, argv, buf);
	err = argc < 0 ? argc : exec_program(p, curthread(), path, argv);
	page_free(buf);
	if (err < 0) {
		xl_proc_thaw(p); /* the old image goes on, and so do its pages */
		return err;
	}
	xl_proc_teardown(p); /* the new image starts with no pages */
	/* The trap path stores the result in a0: the new program's argc. */
	return argc;
}
