// SPDX-License-Identifier: MIT
// ecall_write: a write system call made by hand, the textbook's first experiment.
#include "../user.h"
#include "../../lib/syscall.h"

/*
 * What the stub in user/lib/syscall.S does, spelled out: the system call
 * number goes in a7, the arguments in a0-a2, and `ecall` raises an
 * "environment call from U-mode" exception (scause 8). The CPU switches to
 * S-mode and jumps to stvec; the kernel reads a7 and a0-a2, does the work,
 * puts the result in a0 and returns with sret to the instruction after
 * the ecall. Errors come back as negative numbers (-EBADF, -EFAULT, ...).
 */
static long raw_write(long fd, const void *buf, unsigned long n)
{
	register long a0 asm("a0") = fd;
	register const void *a1 asm("a1") = buf;
	register unsigned long a2 asm("a2") = n;
	register long a7 asm("a7") = SYS_write;

	asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
	return a0;
}

/* Make one raw write and say what went into the registers and what came back. */
static void demo(long fd, const void *buf, unsigned long n, const char *why)
{
	long r;

	printf("ecall_write: %s\n  a7 = %d (SYS_write), a0 = %ld (fd), a1 = %p (buffer), a2 = %lu (length); ecall\n",
	       why, SYS_write, fd, buf, n);
	r = raw_write(fd, buf, n);
	printf("  -> a0 = %ld%s%s\n\n", r, r < 0 ? ", that is -" : " (bytes written)",
	       r < 0 ? strerror(r) : "");
}

int main(void)
{
	static const char msg[] = "hello, world (written by a hand-made ecall)\n";

	demo(1, msg, sizeof msg - 1, "write the message to fd 1 (standard output):");
	demo(42, msg, sizeof msg - 1, "the same to fd 42, which is not open:");
	demo(1, (void *)0x10, 8, "from address 0x10, which is not mapped: the kernel checks, no fault:");
	return 0;
}
