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

/* The list's path column (0 for a number the list leaves out). */
enum path { NONE, TRAP, PAGE, WAITS, FD };
static const uint8_t path_of[NR_SYSCALL_MAX] = {
#define SYSCALL(num, name, nargs, path) [num] = path,
#include "../lib/syscall_list.h"
#undef SYSCALL
};

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
	return path_of[nr] != TRAP ? 0 : -ENOTSUP;
}

bool syscall_may_wait(uint64_t nr, const struct sys_args *a)
{
	if (nr >= NR_SYSCALL_MAX)
		return false; /* refused at once */
	switch (path_of[nr]) {
	case PAGE:
	case NONE:
		return false;
	case FD:
		return fd_may_wait(a);
	default:
		return true; /* TRAP calls are the caller's own; WAITS */
	}
}

long syscall_dispatch(uint64_t nr, const struct sys_args *a)
{
	long ret;
	intrstat_inc(STAT_SYSCALL);
	/* Only a trap's number can carry the flag: a page refuses a number
	 * this large before it gets here. */
	if (nr & SYS_BOUNDED) {
		nr &= ~(uint64_t)SYS_BOUNDED;
		if (syscall_may_wait(nr, a))
			return -EMAYWAIT;
	}
	if (nr >= NR_SYSCALL_MAX || !table[nr])
		return -ENOSYS;
	ret = table[nr](a);
	syscall_trace(nr, ret);
	return ret;
}
