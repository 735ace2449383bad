// SPDX-License-Identifier: MIT
// The system call table, generated from lib/syscall_list.h, and the one
// dispatcher that both the trap path and the syscall page use.
#include "syscall.h"
#include "intrstat.h"
#include "../lib/errno.h"

typedef long (*syscall_fn)(const struct sys_args *);

static const syscall_fn table[NR_SYSCALL_MAX] = {
#define SYSCALL(num, name, nargs, path) [num] = sys_##name,
#include "../lib/syscall_list.h"
#undef SYSCALL
};

/* The list's path column: may a syscall page carry this call? */
#define PAGE true
#define TRAP false
static const bool in_page[NR_SYSCALL_MAX] = {
#define SYSCALL(num, name, nargs, path) [num] = path,
#include "../lib/syscall_list.h"
#undef SYSCALL
};
#undef PAGE
#undef TRAP

/* The list's nargs column: how many arguments each call reads. */
static const uint8_t nargs_of[NR_SYSCALL_MAX] = {
#define SYSCALL(num, name, nargs, path) [num] = nargs,
#include "../lib/syscall_list.h"
#undef SYSCALL
};

int syscall_nargs(uint64_t nr)
{
	return nr < NR_SYSCALL_MAX ? nargs_of[nr] : 0;
}

long syscall_page_refusal(uint64_t nr)
{
	if (nr >= NR_SYSCALL_MAX || !table[nr])
		return -ENOSYS;
	return in_page[nr] ? 0 : -ENOTSUP;
}

long syscall_dispatch(uint64_t nr, const struct sys_args *a)
{
	long ret;
	intrstat_inc(STAT_SYSCALL);
	if (nr >= NR_SYSCALL_MAX || !table[nr])
		return -ENOSYS;
	ret = table[nr](a);
	syscall_trace(nr, ret);
	return ret;
}
