// SPDX-License-Identifier: MIT
// The kernel services the file system core calls, for host tools that run it (fsutil).
#include "kernel/fs/cache.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* A host tool is one thread: a lock is a flag, held or not. */
void spin_init(struct spinlock *l, const char *name)
{
	l->name = name;
	l->locked = 0;
}
void spin_lock(struct spinlock *l) { l->locked = 1; }
void spin_unlock(struct spinlock *l) { l->locked = 0; }
bool spin_holding(struct spinlock *l) { return l->locked; }

/* A host tool is never killed half-way through a file system call. */
bool fs_killed(void)
{
	return false;
}

/* A kernel panic in a tool is a bug in the tool or the core: stop loudly. */
void panic(const char *fmt, ...)
{
	va_list ap;

	fputs("fsutil: internal error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(3);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(stderr, fmt, ap);
	va_end(ap);
	return n;
}
