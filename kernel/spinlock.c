// SPDX-License-Identifier: MIT
// Spinlocks with nested interrupt disabling (after xv6's push_off/pop_off).
#include "spinlock.h"
#include "hart.h"
#include "printk.h"
#include "ipi.h"

void spin_init(struct spinlock *l, const char *name)
{
	l->locked = 0;
	l->owner = -1;
	l->name = name;
}

bool spin_holding(struct spinlock *l)
{
	return l->locked && l->owner == hart_id();
}

void spin_lock(struct spinlock *l)
{
	intr_push(); /* an interrupt handler taking l here would deadlock */
	if (spin_holding(l))
		panic("spin_lock: %s: already held by this hart", l->name);
	/* Waiting here can take long (the lock is not fair), with interrupts
	 * off: serve what other harts wait for meanwhile (TLB shootdowns,
	 * registered with ipi_register), so that none waits for us. */
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (l->locked) {
			ipi_serve_spinning();
			arch_relax();
		}
	l->owner = hart_id();
}

void spin_unlock(struct spinlock *l)
{
	if (!spin_holding(l))
		panic("spin_unlock: %s: not held by this hart", l->name);
	l->owner = -1;
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	intr_pop();
}

void intr_push(void)
{
	bool on = arch_intr_off_was_on();
	struct hart *h = this_hart();
	if (h->intr_depth++ == 0)
		h->intr_was_on = on;
}

void intr_pop(void)
{
	struct hart *h = this_hart();
	if (h->intr_depth < 1)
		panic("intr_pop: not pushed");
	/* Interrupts on again with the one CSR access that also says whether
	 * they were on already (which no push would allow): a pop that only
	 * unnests makes none. */
	if (--h->intr_depth == 0 && h->intr_was_on && arch_intr_on_was_on())
		panic("intr_pop: interrupts were on");
}
