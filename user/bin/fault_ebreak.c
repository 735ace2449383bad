// SPDX-License-Identifier: MIT
// fault_ebreak: execute ebreak, the breakpoint instruction a debugger plants.
#include "../user.h"

/*
 * `ebreak` raises a "breakpoint" exception (scause 3) with sepc pointing at
 * the ebreak itself. A debugger would take over here; nagi has none for
 * user programs, so the kernel reports the trap and kills the process
 * (wait() gives EXIT_FAULT; the shell's $? shows 139).
 */
int main(void)
{
	printf("fault_ebreak (pid %d): executing ebreak; expect a Breakpoint (scause 3)\n", getpid());
	asm volatile("ebreak");
	printf("fault_ebreak: still alive: the kernel returned past the ebreak\n");
	return 1;
}
