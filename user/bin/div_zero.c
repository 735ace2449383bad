// SPDX-License-Identifier: MIT
// div_zero: divide by zero - on RISC-V that is not an exception at all.
#include "../user.h"

/*
 * x86 raises a "divide error" exception for x / 0, and the OS turns it
 * into SIGFPE. RISC-V does not trap: the spec defines the results, so the
 * divider needs no exception path. Division by zero gives all ones (-1
 * signed, the largest value unsigned); the remainder is the dividend.
 * The one overflowing case, MIN / -1, gives MIN with remainder 0.
 * A language that wants an error must test the divisor with a branch
 * (`beqz`) before dividing. The operands are volatile so the compiler
 * cannot work the answers out itself: the div and rem instructions run.
 */
int main(void)
{
	volatile long seven = 7, zero = 0, minus1 = -1;
	volatile long min = -__LONG_MAX__ - 1;
	volatile int seven32 = 7, zero32 = 0;

	printf("div_zero: RISC-V does not trap on division by zero; this process keeps running.\n");
	printf("  div:   7 / 0          = %ld (all ones)\n", seven / zero);
	printf("  divu:  7 / 0          = 0x%lx (all ones, unsigned)\n",
	       (unsigned long)seven / (unsigned long)zero);
	printf("  rem:   7 %% 0          = %ld (the dividend)\n", seven % zero);
	printf("  divw:  7 / 0 (32-bit) = %d, remw: 7 %% 0 = %d\n", seven32 / zero32, seven32 % zero32);
	printf("  div:   MIN / -1       = %ld (overflow: MIN itself)\n", min / minus1);
	printf("  rem:   MIN %% -1       = %ld\n", min % minus1);
	printf("div_zero: no trap, no kernel message: the hardware just gave these answers.\n");
	return 0;
}
