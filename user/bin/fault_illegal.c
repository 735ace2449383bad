// SPDX-License-Identifier: MIT
// fault_illegal: execute an instruction that does not exist.
#include "../user.h"

/*
 * An all-zero instruction is defined to be illegal (so that running into
 * zeroed memory traps at once). The CPU raises "illegal instruction"
 * (scause 2); stval holds the instruction's bits (here 0). Note that on
 * QEMU under OpenSBI this exception reaches M-mode first and OpenSBI
 * forwards it to the kernel (it emulates a few instructions there).
 */
int main(void)
{
	printf("fault_illegal (pid %d): executing the all-zero instruction; expect Illegal instruction (scause 2)\n",
	       getpid());
	asm volatile(".4byte 0");
	printf("fault_illegal: still alive?!\n");
	return 1;
}
