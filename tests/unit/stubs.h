/* SPDX-License-Identifier: MIT */
/* Host stand-ins for spinlocks, kprintf and panic (see stubs.c). */
#pragma once
#include <setjmp.h>
#include <stdlib.h>
#include "kernel/printk.h"
#include "kernel/spinlock.h"

/* While set, panic() longjmps here instead of aborting. */
extern jmp_buf *panic_jump;
extern char panic_message[256];

/* fs_killed() says yes after this many more checks; -1: never. */
extern long fs_kill_after;
/* If set, fs_killed() asks it instead (a test looking at the moment of a wait). */
extern bool (*fs_killed_hook)(void);

/* EXPECT_PANIC(stmt) - true if stmt panicked. */
#define EXPECT_PANIC(stmt)                       \
	({                                       \
		jmp_buf jb;                      \
		bool panicked = false;           \
		panic_jump = &jb;                \
		if (setjmp(jb) == 0)             \
			stmt;                    \
		else                             \
			panicked = true;         \
		panic_jump = NULL;               \
		panicked;                        \
	})
