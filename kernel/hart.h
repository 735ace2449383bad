/* SPDX-License-Identifier: MIT */
/* Per-hart state, reached through arch_this_hart() (tp on RISC-V). */
#pragma once
#include "arch/riscv/arch.h"
#include "intrstat.h"
#include "machine.h"

enum hart_role {
	ROLE_NONE,    /* not present or not started */
	ROLE_GENERAL, /* runs the scheduler: user and kernel threads */
	ROLE_RESERVED, /* runs only threads pinned to it (bootarg reserve=) */
	ROLE_WORKER,   /* a syscall worker: runs only its worker and syscall
			* threads, pinned to it (bootarg workers=, kernel/xl/xl.c) */
	ROLE_PMEM,     /* is the pmem device (bootarg pmem=): interrupts off,
			* never online, no scheduler (kernel/hw/pmem_dev.c) */
};

struct thread;

struct hart {
	struct arch_hart arch; /* first: trapentry.S reaches it through tp */
	int id;
	enum hart_role role;
	volatile bool online;      /* set by the hart itself once it runs C and
				    * takes IPIs, ticks and hart_call work */
	int intr_depth;            /* nesting of intr_push() */
	bool intr_was_on;          /* interrupt state before the outermost push */
	volatile uint64_t ipi_pending; /* bit per enum ipi_reason */
	void (*volatile call_fn)(void *); /* hart_call() work, run by this hart */
	void *call_arg;
	volatile uint64_t ticks;   /* timer interrupts taken */
	struct trap_expect *expect; /* ktest: a trap this hart expects */
	struct thread *current;    /* running thread, NULL in the scheduler */
	struct context sched_ctx;  /* the scheduler loop, switched to by sched() */
	volatile bool idle;        /* about to wfi, or in it: written by the hart, claimed by kick() under the sched lock */
	volatile bool need_resched; /* a tick or IPI asks for a switch */
	volatile uint64_t tlb_req;  /* TLB flushes asked of this hart (tickets) */
	volatile uint64_t tlb_done; /* the last ticket this hart flushed for */
	volatile int nready;       /* queued threads pinned here (sched lock) */
	uint64_t stat[NR_STAT];    /* trap counters, see intrstat.h */
} __attribute__((aligned(64)));

extern struct hart harts[MAX_HARTS];

static inline struct hart *this_hart(void) { return arch_this_hart(); }
static inline int hart_id(void) { return arch_this_hart()->id; }

/* intrstat_inc - count one event of kind s (intrstat.h) on this hart.
 * Interrupts off or not, it only touches this hart's own counters.
 * Inline: the trap path counts every call. */
static inline void intrstat_inc(int s) { this_hart()->stat[s]++; }

/* intr_push/intr_pop - disable interrupts, nesting; pop restores the state
 * the outermost push saw. Used by spinlocks. */
void intr_push(void);
void intr_pop(void);

/* hart_role_name - "general", ... for the banner and statistics. */
const char *hart_role_name(enum hart_role role);
/* hart_start_all - start every other hart with SBI HSM and wait until each
 * is online (or report the one that did not come). Boot hart only. */
void hart_start_all(void);
/* hart_call - run fn(arg) on hart id from its scheduler loop, wait for it.
 * Returns 0, or -ENXIO if that hart is not online. Sleeps by spinning. */
int hart_call(int id, void (*fn)(void *), void *arg);
/* hart_post - start fn(arg) on hart id without waiting (it must be idle
 * soon); hart_join - wait until that hart has finished it. */
int hart_post(int id, void (*fn)(void *), void *arg);
void hart_join(int id);
/* hart_local_init - per-hart trap, timer and interrupt set-up; goes online. */
void hart_local_init(void);
/* hart_roles_assign - decide every hart's role, once, in harts[]: the
 * pmem device on pmem_hart (-1: none), the syscall workers (bootarg
 * workers=), harts reserved for pinned threads (reserve=), the rest
 * general. Everyone else reads the table. Boot hart, after bootargs_parse,
 * before hart_start_all. */
void hart_roles_assign(int pmem_hart);
/* hart_online_count - harts that reached C and are running. */
int hart_online_count(void);
