// SPDX-License-Identifier: MIT
// fault_null: load from address 0, the textbook's page-fault experiment.
#include "../user.h"

/*
 * Page 0 is never mapped in a user address space (programs start at
 * 0x40000000), so loading from address 0 makes the MMU raise a "load page
 * fault" (scause 13) with stval = 0, the address that failed. The kernel
 * cannot fix that up, so it prints the cause, sepc (the faulting
 * instruction's address) and stval, and kills the process: its parent
 * gets EXIT_FAULT from wait() (the shell's $? shows 139). `fault_null
 * store` stores instead: scause 15.
 */
int main(int argc, char *argv[])
{
	bool store = argc > 1 && !strcmp(argv[1], "store");
	volatile long *p = NULL;
	long v = 0;

	/* Hide the NULL from the compiler, which would otherwise know the
	 * access is undefined and replace it with a trap instruction of its own. */
	asm volatile("" : "+r"(p));
	printf("fault_null (pid %d): %s address %p; expect a %s page fault with stval 0\n",
	       getpid(), store ? "storing to" : "loading from", (void *)p,
	       store ? "store/AMO" : "load");
	if (store)
		*p = 42;
	else
		v = *p;
	printf("fault_null: still alive, read %ld: address 0 is mapped?!\n", v);
	return 1;
}
