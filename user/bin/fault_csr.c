// SPDX-License-Identifier: MIT
// fault_csr: read a supervisor CSR (sstatus) from user mode.
#include "../user.h"

/*
 * `csrr a0, sstatus` is a real instruction, but sstatus belongs to S-mode:
 * every CSR number encodes the lowest privilege that may touch it (bits
 * 9:8, here 01 = supervisor). Executed in U-mode it is an "illegal
 * instruction" (scause 2), and stval holds the instruction's encoding:
 * 0x100027f3 for `csrr a5, sstatus`, with the CSR number 0x100 in its top
 * 12 bits. This is what keeps user code from turning interrupts off.
 */
int main(void)
{
	register unsigned long v asm("a5"); /* so that stval is 0x100027f3 */

	printf("fault_csr (pid %d): reading sstatus in U-mode; expect Illegal instruction (scause 2), stval 0x100027f3\n",
	       getpid());
	asm volatile("csrr %0, sstatus" : "=r"(v));
	printf("fault_csr: still alive, sstatus = 0x%lx?!\n", v);
	return 1;
}
