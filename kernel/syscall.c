// SPDX-License-Identifier: MIT
// The system call table, generated from lib/syscall_list.h, and the one
// dispatcher that both the trap path and the syscall page use.
#include "syscall.h"
#include "hart.h"
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

/* The error a page gives nr unrun, or 0. */
static inline long refusal(uint64_t nr)
{
	if (nr >= NR_SYSCALL_MAX || !table[nr])
		return -ENOSYS;
	return path_of[nr] != TRAP ? 0 : -ENOTSUP;
}

long syscall_page_refusal(uint64_t nr)
{
	return refusal(nr);
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

/* The one dispatcher's body: count, apply SYS_BOUNDED, run, trace. Both
 * entry points below are this code; nr < NR_SYSCALL_MAX once unflagged
 * is not yet checked. */
static inline long dispatch(uint64_t nr, const struct sys_args *a)
{
	long ret;
	intrstat_inc(STAT_SYSCALL);
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

long syscall_dispatch(uint64_t nr, const struct sys_args *a)
{
	return dispatch(nr, a);
}

_Static_assert(SYSCALL_MAX_ARGS == 6, "syscall_page_run copies up to six arguments");

long syscall_page_run(uint16_t nr, const volatile uint64_t *uarg, bool bounded, bool *refused)
{
	struct sys_args a = { { 0 } };
	long err = refusal(nr);

	if ((*refused = err != 0))
		return err;
	/* One read of each argument the call takes, into our copy: the user
	 * may rewrite the entry meanwhile. The rest are 0. A fall-through
	 * per count, not a loop: no branch per argument. */
	switch (nargs_of[nr]) {
	default:
		a.a[5] = uarg[5]; /* fall through */
	case 5:
		a.a[4] = uarg[4]; /* fall through */
	case 4:
		a.a[3] = uarg[3]; /* fall through */
	case 3:
		a.a[2] = uarg[2]; /* fall through */
	case 2:
		a.a[1] = uarg[1]; /* fall through */
	case 1:
		a.a[0] = uarg[0]; /* fall through */
	case 0:
		break;
	}
	return dispatch(bounded ? nr | SYS_BOUNDED : nr, &a);
}
