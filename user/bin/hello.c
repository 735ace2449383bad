// SPDX-License-Identifier: MIT
// hello: the smallest program, a first check that exec and write work.
#include "../user.h"

int main(void)
{
	write(1, "hello from user space\n", 22);
	return 0;
}
