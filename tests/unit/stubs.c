// SPDX-License-Identifier: MIT
// Host stand-ins for the kernel services that pure modules call.
#include "stubs.h"
#include <stdarg.h>
#include <stdio.h>

jmp_buf *panic_jump;
char panic_message[256];

void spin_init(struct spinlock *l, const char *name) { l->name = name; }
void spin_lock(struct spinlock *l) { l->locked = 1; }
void spin_unlock(struct spinlock *l) { l->locked = 0; }
bool spin_holding(struct spinlock *l) { return l->locked; }

/* A kernel panic becomes a jump back into the test that expected it. */
void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(panic_message, sizeof(panic_message), fmt, ap);
	va_end(ap);
	if (panic_jump)
		longjmp(*panic_jump, 1);
	printf("unexpected panic: %s\n", panic_message);
	abort();
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

/* The file system's "is the caller killed": fs_kill_after counts down the
 * checks until it says yes (negative: never). */
long fs_kill_after = -1;
bool (*fs_killed_hook)(void);

bool fs_killed(void)
{
	if (fs_killed_hook)
		return fs_killed_hook();
	if (fs_kill_after < 0)
		return false;
	if (fs_kill_after == 0)
		return true;
	fs_kill_after--;
	return false;
}
