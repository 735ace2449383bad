/* SPDX-License-Identifier: MIT */
/* System call numbers, generated from syscall_list.h. */
#pragma once

enum syscall_nr {
#define SYSCALL(num, name, nargs, path) SYS_##name = num,
#include "syscall_list.h"
#undef SYSCALL
	NR_SYSCALL_MAX
};

#define SYSCALL_MAX_ARGS 6
/* Or'ed into a trap's call number: run the call only if it cannot wait
 * for another program (the list's PAGE, or FD on a file); else return
 * -EMAYWAIT without running it. The fiber library's lone calls use it. */
#define SYS_BOUNDED 0x10000
