/* SPDX-License-Identifier: MIT */
/* The arch_* hooks: all that portable kernel code knows about RISC-V. */
#pragma once
#include "../../lib/types.h"
#include "csr.h"

struct hart;
struct trapframe;

/* This hart's struct hart lives in tp for the whole time we are in the kernel. */
static inline struct hart *arch_this_hart(void)
{
	struct hart *h;
	__asm__ volatile("mv %0, tp" : "=r"(h));
	return h;
}

static inline void arch_set_this_hart(struct hart *h)
{
	__asm__ volatile("mv tp, %0" ::"r"(h));
}

static inline void arch_intr_on(void) { csr_set(sstatus, SSTATUS_SIE); }
static inline void arch_intr_off(void) { csr_clear(sstatus, SSTATUS_SIE); }
static inline bool arch_intr_enabled(void) { return csr_read(sstatus) & SSTATUS_SIE; }

/* arch_wait - sleep until an interrupt is pending. Call with interrupts
 * off: wfi wakes on a pending interrupt even with SIE clear, so a wake-up
 * that arrives between the caller's check and wfi is not lost. */
static inline void arch_wait(void) { __asm__ volatile("wfi" ::: "memory"); }

/* arch_time - the time CSR: ticks at the DTB's timebase frequency. */
static inline uint64_t arch_time(void) { return csr_read(time); }

/* arch_instret - instructions retired on this hart (instret CSR). */
static inline uint64_t arch_instret(void) { return csr_read(instret); }

/* arch_relax - a polite pause inside spin loops (Zihintpause's encoding). */
static inline void arch_relax(void) { __asm__ volatile(".insn i 0x0f, 0, x0, x0, 0x010"); }

/* arch_frame_address - this function's frame pointer, for backtraces. */
static inline uint64_t arch_frame_address(void)
{
	uint64_t fp;
	__asm__ volatile("mv %0, s0" : "=r"(fp));
	return fp;
}

/* arch_backtrace - print return addresses up the frame-pointer chain from fp,
 * staying inside the stack that holds fp. */
void arch_backtrace(uint64_t fp);
/* arch_trap_init - point stvec at the trap entry on this hart. */
void arch_trap_init(void);
/* arch_counters_init - U-mode may read cycle, time, instret on this hart. */
void arch_counters_init(void);
/* arch_irq_init - enable timer, software and external interrupts in sie. */
void arch_irq_init(void);
/* arch_timer_set - interrupt this hart when time reaches deadline. */
void arch_timer_set(uint64_t deadline);
/* arch_timer_use_sstc - program stimecmp directly instead of through SBI. */
void arch_timer_use_sstc(bool on);
/* arch_ipi_send - raise a software interrupt on hart; returns 0 or -E*. */
int arch_ipi_send(int hartid);
/* arch_ipi_clear - acknowledge this hart's software interrupt. */
static inline void arch_ipi_clear(void) { csr_clear(sip, SIE_SSIE); }
/* arch_start_hart - start hart id at the kernel entry with its stack top. */
int arch_start_hart(int hartid, void *stack_top);
/* arch_trap_dump - print a frame: registers, cause by name, sepc, stval. */
void arch_trap_dump(const struct trapframe *tf);
/* User frames (frame.c): what a thread's first return to user mode
 * restores. The thread must not be running in user mode meanwhile: new,
 * or the caller itself inside a system call. System call handlers use
 * these and never touch a frame themselves. */
struct thread;
/* arch_user_frame - t enters user mode at pc with sp, and a0 (a new thread). */
void arch_user_frame(struct thread *t, uint64_t pc, uint64_t sp, uint64_t a0);
/* arch_fork_frame - child returns from fork like parent, but with 0. */
void arch_fork_frame(struct thread *child, const struct thread *parent);
/* arch_exec_frame - t enters a new program at entry with sp, argc, argv. */
void arch_exec_frame(struct thread *t, uint64_t entry, uint64_t sp, uint64_t argc,
		     uint64_t argv);
/* arch_tlb_flush - forget this hart's cached translations. */
static inline void arch_tlb_flush(void) { __asm__ volatile("sfence.vma zero, zero" ::: "memory"); }
/* arch_cause_name - the name of an exception or interrupt cause. */
const char *arch_cause_name(uint64_t scause);
