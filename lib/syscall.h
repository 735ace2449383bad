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
