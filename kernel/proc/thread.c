// SPDX-License-Identifier: MIT
// Threads: slots with kernel stacks (kept mapped for reuse), creation, exit.
#include "thread.h"
#include "kernel/hart.h"
#include "kernel/mm/page.h"
#include "kernel/mm/vm.h"
#include "kernel/printk.h"
#include "proc.h"
#include "sched.h"
#include "sched_lock.h"
#include "lib/string.h"

struct thread threads[NTHREAD];
static int next_tid = 1;

/* Slot i's stack lives at a fixed address in slot 3 with an unmapped
 * guard page below it: an overflow faults instead of corrupting. */
static int map_stack(struct thread *t, int i)
{
	uint64_t lo = KSTACK_BASE + (uint64_t)i * (KSTACK_PAGES + 1) * PAGE_SIZE + PAGE_SIZE;
	if (t->kstack_top)
		return 0;
	for (int k = 0; k < KSTACK_PAGES; k++) {
		void *page = page_alloc();
		if (!page || mmu_kernel_map(lo + k * PAGE_SIZE, (uint64_t)page)) {
			if (page)
				page_free(page);
			return -1; /* pages mapped so far stay with the slot */
		}
	}
	t->kstack_lo = lo;
	t->kstack_top = lo + KSTACK_PAGES * PAGE_SIZE;
	return 0;
}

/* Where a new thread's first arch_switch_to lands (scheduler lock held). */
static void thread_start(void)
{
	struct thread *t = curthread();
	spin_unlock(&sched_lock);
	if (t->proc && !t->sys)
		arch_enter_user(t->tf); /* never returns */
	t->kfn(t->karg);
	thread_exit(0);
}

struct thread *thread_alloc(struct proc *p, const char *name)
{
	struct thread *t = NULL;
	int i;
	spin_lock(&sched_lock);
	for (i = 0; i < NTHREAD; i++)
		if (threads[i].state == T_UNUSED) {
			t = &threads[i];
			break;
		}
	if (t) {
		/* Set before T_NEW and the tid make the slot findable (by tid, or
		 * by proc in a kill's scan, all under sched_lock): never the last
		 * owner's proc or joined. */
		t->proc = p;
		t->pin = -1;
		t->sys = false;
		t->cancel = false;
		t->wake_tick = 0;
		t->nsleeps = 0;
		t->joined = false;
		t->exiting = false;
		t->exit_value = 0;
		t->chan = NULL;
		t->snext = NULL;
		t->sprev = NULL;
		alarm_reset(&t->alarm);
		nagi_strlcpy(t->name, name, sizeof(t->name));
		t->tid = next_tid++;
		t->state = T_NEW;
	}
	spin_unlock(&sched_lock);
	if (!t)
		return NULL;
	if (map_stack(t, i)) {
		spin_lock(&sched_lock);
		thread_free(t);
		spin_unlock(&sched_lock);
		return NULL;
	}
	arch_thread_init(t, thread_start, p != NULL);
	return t;
}

struct thread *kthread_create(const char *name, void (*fn)(void *), void *arg, int pin)
{
	struct thread *t = thread_alloc(NULL, name);
	if (!t)
		return NULL;
	t->kfn = fn;
	t->karg = arg;
	t->pin = pin;
	sched_make_runnable(t);
	return t;
}

int thread_free_count(void)
{
	int n = 0;
	spin_lock(&sched_lock);
	for (int i = 0; i < NTHREAD; i++)
		n += threads[i].state == T_UNUSED;
	spin_unlock(&sched_lock);
	return n;
}

uint64_t thread_kstack_pages(void)
{
	uint64_t n = 0;
	spin_lock(&sched_lock);
	for (int i = 0; i < NTHREAD; i++)
		n += threads[i].kstack_top ? KSTACK_PAGES : 0;
	spin_unlock(&sched_lock);
	return n;
}

void thread_free(struct thread *t)
{
	t->state = T_UNUSED; /* the stack stays mapped for the next user */
	t->proc = NULL;
}

struct thread *thread_by_tid(int tid)
{
	for (int i = 0; i < NTHREAD; i++)
		if (threads[i].state != T_UNUSED && threads[i].tid == tid)
			return &threads[i];
	return NULL;
}

void thread_exit(long value)
{
	struct thread *t = curthread();
	bool last;

	/* Off the process's page table before this thread is counted out:
	 * from then on the process's last thread may free that table on
	 * another hart while this one still runs here. run() keeps an
	 * exiting thread on the kernel's table if it is switched meanwhile. */
	t->exiting = true;
	vm_activate(NULL);
	last = t->proc ? proc_thread_exiting(t, value) : true;

	spin_lock(&sched_lock);
	t->exit_value = value;
	/* A thread nobody can join (kernel, syscall thread, or the process is
	 * gone) is freed as soon as the scheduler has switched off its stack. */
	t->state = last || t->sys ? T_UNUSED : T_ZOMBIE;
	if (last || t->sys)
		t->proc = NULL;
	wakeup_locked(t);
	sched();
	panic("thread_exit: a dead thread ran again");
}
