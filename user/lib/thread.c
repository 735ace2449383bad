// SPDX-License-Identifier: MIT
// thread_spawn: run fn(arg) on a new thread with a malloc'd stack.
#include "../user.h"
#include "ulock.h"

#define STACK_SIZE (16 * 1024)

/* What a spawned thread needs; kept on a list until thread_wait frees it. */
struct spawn {
	void (*fn)(void *);
	void *arg;
	char *stack;
	int tid;
	struct spawn *next;
};

static struct spawn *spawned; /* threads started by thread_spawn */
static struct ulock lock;

/* The new thread starts here (a0 = the spawn record, sp = its stack top).
 * It must not return: there is nowhere to return to. */
static void __attribute__((noreturn)) trampoline(void *p)
{
	struct spawn *s = p;

	s->fn(s->arg);
	thread_exit(0);
}

/*
 * thread_spawn - start fn(arg) on a new thread of this process, with a
 * 16 KiB stack from malloc; the thread exits with 0 when fn returns.
 * Returns the thread id, or -ENOMEM or thread_create's error.
 */
int thread_spawn(void (*fn)(void *), void *arg)
{
	struct spawn *s = malloc(sizeof *s);
	char *stack = malloc(STACK_SIZE);
	int tid;

	if (!s || !stack) {
		free(s);
		free(stack);
		return -ENOMEM;
	}
	*s = (struct spawn){ .fn = fn, .arg = arg, .stack = stack };
	ulock_acquire(&lock);
	tid = thread_create(trampoline, s, (void *)ALIGN_DOWN((uintptr_t)stack + STACK_SIZE, 16));
	if (tid >= 0) {
		s->tid = tid;
		s->next = spawned;
		spawned = s;
	}
	ulock_release(&lock);
	if (tid < 0) {
		free(s);
		free(stack);
	}
	return tid;
}

/* Take tid's record off the list; NULL if thread_spawn didn't start it. */
static struct spawn *unlist(int tid)
{
	struct spawn **pp, *s = NULL;

	ulock_acquire(&lock);
	for (pp = &spawned; *pp; pp = &(*pp)->next) {
		if ((*pp)->tid == tid) {
			s = *pp;
			*pp = s->next;
			break;
		}
	}
	ulock_release(&lock);
	return s;
}

/*
 * thread_wait - thread_join(tid, value), then free the stack thread_spawn
 * gave tid: only once the thread has exited is that safe. A thread that
 * thread_spawn started and that is joined with plain thread_join keeps its
 * stack until the process exits. Returns thread_join's result.
 */
int thread_wait(int tid, long *value)
{
	int r = thread_join(tid, value);
	struct spawn *s;

	if (r < 0)
		return r;
	s = unlist(tid);
	if (s) {
		free(s->stack);
		free(s);
	}
	return r;
}
