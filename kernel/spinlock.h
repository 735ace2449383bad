/* SPDX-License-Identifier: MIT */
/* Spinlocks: interrupts stay off while one is held; recursion is caught. */
#pragma once
#include "../lib/types.h"

struct spinlock {
	volatile uint32_t locked;
	int owner;        /* hart id of the holder, -1 if free */
	const char *name; /* for panics */
};

#define SPINLOCK_INIT(n) { .locked = 0, .owner = -1, .name = (n) }

/* spin_init - a free lock named name. */
void spin_init(struct spinlock *l, const char *name);
/* spin_lock - take l, spinning; disables interrupts until spin_unlock.
 * Panics if this hart already holds l. */
void spin_lock(struct spinlock *l);
/* spin_unlock - release l; panics if this hart does not hold it. */
void spin_unlock(struct spinlock *l);
/* spin_holding - does this hart hold l? Call with interrupts off. */
bool spin_holding(struct spinlock *l);
