/* SPDX-License-Identifier: MIT */
/* A tiny user-space spinlock for the library's shared state (threads share memory). */
#pragma once

struct ulock {
	int locked; /* 0 free, 1 held */
};

/* ulock_acquire - spin until the lock is ours. The exchange has acquire
 * ordering; the inner loop only reads, so waiters don't bounce the line. */
static inline void ulock_acquire(struct ulock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			;
}

/* ulock_release - give the lock up; release ordering publishes our writes. */
static inline void ulock_release(struct ulock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}
