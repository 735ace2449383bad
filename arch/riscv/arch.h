/* SPDX-License-Identifier: MIT */
/* The arch_* hooks: all that portable kernel code knows about RISC-V. The
 * only arch header kernel/ and drivers/ include. It also brings the MMU's
 * hooks (mmu.h: mmu_*, an opaque struct mmu_table) and the two structures
 * portable code embeds without reading them (context.h). */
#pragma once
#include "lib/types.h"
#include "context.h"
#include "csr.h"
#include "mmu.h"

struct hart;
struct thread;
struct trapframe; /* opaque outside arch/riscv */

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
/* arch_intr_off_was_on / arch_intr_on_was_on - interrupts off (on), and
 * were they on before? One CSR access each: under QEMU one costs as much
 * as some 60 plain instructions (docs/bench.md), and every spinlock
 * makes two. */
static inline bool arch_intr_off_was_on(void)
{
	return csr_read_clear(sstatus, SSTATUS_SIE) & SSTATUS_SIE;
}
static inline bool arch_intr_on_was_on(void)
{
	return csr_read_set(sstatus, SSTATUS_SIE) & SSTATUS_SIE;
}

/* arch_wait - sleep until an interrupt is pending. Call with interrupts
 * off: wfi wakes on a pending interrupt even with SIE clear, so a wake-up
 * that arrives between the caller's check and wfi is not lost. */
static inline void arch_wait(void) { __asm__ volatile("wfi" ::: "memory"); }

/* arch_time - the time CSR: ticks at the DTB's timebase frequency. */
static inline uint64_t arch_time(void) { return csr_read(time); }

/* arch_instret - instructions retired on this hart (instret CSR). */
static inline uint64_t arch_instret(void) { return csr_read(instret); }

/* arch_instret_counts - does instret count instructions here? QEMU
 * derives it from host time unless run with -icount: then a run of nops
 * moves it by as many, every time, and host time never does. */
bool arch_instret_counts(void);

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
/* arch_ipi_direct - want: raise them by one store to the ACLINT SSWI
 * (machine.sswi_base, mapped by mmu_kernel_init), not by an SBI call.
 * Returns whether any hart is reached so. Call before other harts start. */
bool arch_ipi_direct(bool want);
/* arch_ipi_clear - acknowledge this hart's software interrupt. */
static inline void arch_ipi_clear(void) { csr_clear(sip, SIE_SSIE); }
/* arch_start_hart - start hart id at the kernel entry on its boot stack;
 * 0 or -E*. It arrives in hart_secondary_main(id). */
int arch_start_hart(int hartid);
/* arch_irq_soft_only - enable only the software interrupt in sie (a hart
 * that waits in wfi with interrupts off for IPIs alone). */
void arch_irq_soft_only(void);
/* A hook that sees every exception taken in S-mode first: true means it
 * was expected (the kernel tests provoke faults on purpose), and the
 * faulting instruction is skipped instead of a panic. */
typedef bool (*arch_fault_hook)(uint64_t cause, uint64_t addr, uint64_t pc);
/* arch_register_kernel_fault_hook - the one such hook (NULL: none). */
void arch_register_kernel_fault_hook(arch_fault_hook fn);
/* arch_trap_dump - print a frame: registers, cause by name, sepc, stval. */
void arch_trap_dump(const struct trapframe *tf);
/* User frames (frame.c): what a thread's first return to user mode
 * restores. The thread must not be running in user mode meanwhile: new,
 * or the caller itself inside a system call. System call handlers use
 * these and never touch a frame themselves. */
/* arch_user_frame - t enters user mode at pc with sp, and a0 (a new thread). */
void arch_user_frame(struct thread *t, uint64_t pc, uint64_t sp, uint64_t a0);
/* arch_fork_frame - child returns from fork like parent, but with 0. */
void arch_fork_frame(struct thread *child, const struct thread *parent);
/* arch_exec_frame - t enters a new program at entry with sp, argc, argv. */
void arch_exec_frame(struct thread *t, uint64_t entry, uint64_t sp, uint64_t argc,
		     uint64_t argv);
/* arch_thread_init - lay out a new thread's first context on its kernel
 * stack: its first arch_switch_to returns into start; a user thread (user)
 * also gets a zeroed frame at the stack top, for one of the *_frame hooks
 * above. t is not running. */
void arch_thread_init(struct thread *t, void (*start)(void), bool user);
/* arch_enter_user - leave for user mode through the frame tf (trapentry.S). */
void arch_enter_user(struct trapframe *tf) __attribute__((noreturn));
/* arch_fault_describe - a user fault in words for the message that kills
 * its process ("Load page fault (scause 0xd) at sepc ..., stval ..."),
 * into buf; returns the faulting address (stval). */
uint64_t arch_fault_describe(const struct trapframe *tf, char *buf, size_t size);

/* The kernel stack traps land on, and the one the overflow check guards:
 * a thread's (before switching to it) or this hart's boot stack. */
static inline void arch_set_kernel_stack(uint64_t lo, uint64_t top)
{
	struct arch_hart *ah = (struct arch_hart *)arch_this_hart(); /* its first member */
	ah->kernel_sp = top;
	ah->kstack_lo = lo;
}
static inline void arch_use_boot_stack(void)
{
	struct arch_hart *ah = (struct arch_hart *)arch_this_hart();
	ah->kstack_lo = ah->boot_stack_lo;
}

/* Firmware (SBI) services, sbi.c. */
/* arch_firmware_init - probe the firmware's version and extensions. */
void arch_firmware_init(void);
/* arch_firmware_info - the boot banner's line about the firmware. */
void arch_firmware_info(void);
/* arch_poweroff - switch the machine off (the exit status is lost). */
void arch_poweroff(void) __attribute__((noreturn));
/* arch_console_putc_early - a character through the firmware's console,
 * before (or without) a console driver. */
void arch_console_putc_early(int c);

/* arch_tlb_flush - forget this hart's cached translations. */
static inline void arch_tlb_flush(void) { __asm__ volatile("sfence.vma zero, zero" ::: "memory"); }
/* arch_cause_name - the name of an exception or interrupt cause. */
const char *arch_cause_name(uint64_t scause);
