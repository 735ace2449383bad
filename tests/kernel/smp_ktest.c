// SPDX-License-Identifier: MIT
// In-kernel tests of the SMP basics: allocator, spinlocks, timer, IPIs.
#include "kernel/time.h"
#include "../../kernel/hart.h"
#include "../../kernel/ipi.h"
#include "../../kernel/ktest.h"
#include "kernel/mm/page.h"
#include "../../kernel/spinlock.h"

/* Run fn on every online hart at once (this one included), then wait. */
static void on_all_harts(void (*fn)(void *), void *arg)
{
	for (int i = 0; i < MAX_HARTS; i++)
		if (harts[i].online && i != hart_id())
			hart_post(i, fn, arg);
	fn(arg);
	for (int i = 0; i < MAX_HARTS; i++)
		if (harts[i].online && i != hart_id())
			hart_join(i);
}

#define BATCH 64
#define ROUNDS 50
static volatile int alloc_errors;

/* Each hart takes pages, stamps them with its id, checks, frees. A page
 * handed to two harts at once shows up as a foreign stamp. */
static void alloc_worker(void *arg)
{
	uint64_t *pages[BATCH];
	UNUSED(arg);
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < BATCH; i++) {
			pages[i] = page_alloc();
			if (!pages[i] || pages[i][0] != 0)
				__atomic_fetch_add(&alloc_errors, 1, __ATOMIC_RELAXED);
			else
				for (int w = 0; w < 512; w += 64)
					pages[i][w] = hart_id() + 1;
		}
		for (int i = 0; i < BATCH; i++) {
			if (!pages[i])
				continue;
			for (int w = 0; w < 512; w += 64)
				if (pages[i][w] != (uint64_t)hart_id() + 1)
					__atomic_fetch_add(&alloc_errors, 1, __ATOMIC_RELAXED);
			page_free(pages[i]);
		}
	}
}

KTEST(page_alloc_concurrent)
{
	uint64_t before = page_free_count();
	alloc_errors = 0;
	on_all_harts(alloc_worker, NULL);
	KEXPECT(alloc_errors == 0);
	KEXPECT(page_free_count() == before);
	return 0;
}

KTEST(page_alloc_exhaust)
{
	/* Take every page (chained through their first word), then give all
	 * back: the count must come back exactly and NULL must mark the end. */
	uint64_t before = page_free_count(), n = 0;
	void *head = NULL, *p;
	while ((p = page_alloc()) != NULL) {
		*(void **)p = head;
		head = p;
		n++;
	}
	KEXPECT(n == before);
	KEXPECT(page_free_count() == 0);
	while (head) {
		p = *(void **)head;
		page_free(head);
		head = p;
	}
	KEXPECT(page_free_count() == before);
	return 0;
}

#define INCREMENTS 20000
static struct spinlock counter_lock = SPINLOCK_INIT("ktest.counter");
static volatile uint64_t counter;

static void lock_worker(void *arg)
{
	UNUSED(arg);
	for (int i = 0; i < INCREMENTS; i++) {
		spin_lock(&counter_lock);
		counter = counter + 1; /* a racy read-modify-write, made safe */
		spin_unlock(&counter_lock);
	}
}

KTEST(spinlock_mutual_exclusion)
{
	counter = 0;
	on_all_harts(lock_worker, NULL);
	KEXPECT(counter == (uint64_t)INCREMENTS * hart_online_count());
	KEXPECT(!spin_holding(&counter_lock));
	return 0;
}

KTEST(spinlock_nesting_keeps_interrupts_off)
{
	static struct spinlock a = SPINLOCK_INIT("a"), b = SPINLOCK_INIT("b");
	KEXPECT(arch_intr_enabled());
	spin_lock(&a);
	spin_lock(&b);
	spin_unlock(&b);
	KEXPECT(!arch_intr_enabled()); /* a is still held */
	spin_unlock(&a);
	KEXPECT(arch_intr_enabled());
	return 0;
}

KTEST(timer_ticks_on_every_hart)
{
	uint64_t before[MAX_HARTS], wait_us = 5 * 1000000 / timer_hz() * 4;
	for (int i = 0; i < MAX_HARTS; i++)
		before[i] = harts[i].ticks;
	timer_delay_us(wait_us); /* 20 tick periods */
	for (int i = 0; i < MAX_HARTS; i++) {
		if (!harts[i].online)
			continue;
		if (harts[i].ticks < before[i] + 3)
			kprintf("    hart %d: %lu ticks in %lu us\n", i, harts[i].ticks - before[i], wait_us);
		KEXPECT(harts[i].ticks >= before[i] + 3);
	}
	return 0;
}

KTEST(ipi_reaches_every_hart)
{
	for (int i = 0; i < MAX_HARTS; i++) {
		if (!harts[i].online)
			continue;
		uint64_t before = harts[i].stat[STAT_IPI + IPI_TEST];
		uint64_t end = arch_time() + 1000000 * timer_ticks_per_us();
		KEXPECT(ipi_send(i, IPI_TEST) == 0);
		while (harts[i].stat[STAT_IPI + IPI_TEST] == before && arch_time() < end)
			arch_relax();
		if (harts[i].stat[STAT_IPI + IPI_TEST] == before)
			kprintf("    hart %d: no IPI within 1 s\n", i);
		KEXPECT(harts[i].stat[STAT_IPI + IPI_TEST] == before + 1);
	}
	return 0;
}

KTEST(ipi_to_absent_hart_is_refused)
{
	KEXPECT(ipi_send(-1, IPI_TEST) < 0);
	KEXPECT(ipi_send(MAX_HARTS, IPI_TEST) < 0);
	for (int i = 0; i < MAX_HARTS; i++)
		if (harts[i].role == ROLE_NONE)
			KEXPECT(ipi_send(i, IPI_TEST) < 0);
	return 0;
}
