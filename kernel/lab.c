// SPDX-License-Identifier: MIT
// The students' stubs report themselves: "lab traps: sigreturn not implemented".
#include "lab.h"
#include "printk.h"
#include "lib/errno.h"

long lab_missing(const char *lab, const char *what)
{
	kprintf("lab %s: %s\n", lab, what);
	return -ENOSYS;
}
