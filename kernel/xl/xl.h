/* SPDX-License-Identifier: MIT */
/* Exception-less system calls: syscall pages, worker harts, syscall threads
 * (docs/xl.md; the ABI is lib/xl_abi.h). What the rest of the kernel calls;
 * the subsystem's own structures are in kernel/xl/xl_internal.h. */
#pragma once
#include "lib/xl_abi.h"

struct proc;
struct thread;
struct xl_ctx;

/* xl_register, xl_unregister, xl_wait - the system calls' work for the
 * current process (sys_xl.c decodes the arguments); each is described
 * above its definition in xl.c. */
long xl_register(uint64_t uva);
long xl_unregister(uint64_t uva);
long xl_wait(long min, long timeout, uint64_t pages);
/* xl_init - start a worker thread on every worker hart (ROLE_WORKER in
 * the role table, hart_roles_assign); print the banner
 * line. Boot hart, after hart_start_all. */
void xl_init(void);
/* xl_proc_quiesce - exec is about to replace p's image: serve none of its
 * pages, cancel its syscall threads' calls (-EINTR where they block) and
 * wait until they have ended. The caller is p's only user thread. 0, or
 * -EINTR if the caller is killed meanwhile (the pages are served again).
 * xl_proc_thaw - exec failed: serve the pages again. */
int xl_proc_quiesce(struct proc *p);
void xl_proc_thaw(struct proc *p);
/* xl_proc_unmapped - p freed some of its memory (sbrk shrank): drop the
 * registration of every page it freed, as xl_unregister would. Takes the
 * context's and the allocator's locks, then none (it may free pages). */
void xl_proc_unmapped(struct proc *p);
/* xl_proc_teardown - the process's last thread is leaving: unregister and
 * unpin every page, free the context. No syscall thread of p is left. */
void xl_proc_teardown(struct proc *p);

/* xl_thread_parks - sleep_on's hook for syscall threads (sched lock
 * held): t goes to sleep (asleep) or woke up; if t is inside a handler,
 * counts it and publishes the results t's batch holds so far. */
void xl_thread_parks(struct thread *t, bool asleep);

/* xl_poller_needed - a thread on this worker hart is about to sleep until
 * a polled pmem completion: count it, and make sure the worker is awake
 * to poll the device. xl_poller_done - it woke. No-ops on other harts.
 * Take the workers' sleep lock (needed only). */
void xl_poller_needed(void);
void xl_poller_done(void);
