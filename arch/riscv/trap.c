// SPDX-License-Identifier: MIT
// The trap dispatcher: scause decoded in C through tables (interrupts, and
// exceptions from U-mode), the textbook's vector table in software. Entered from trapentry.S as trap_handler(frame).
#include "arch.h"
#include "boot.h"
#include "isolate.h"
#include "trapframe.h"
#include "../../kernel/hart.h"
#include "../../kernel/ipi.h"
#include "../../kernel/irq.h"
#include "../../kernel/printk.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/sched.h"
#include "../../kernel/syscall.h"
#include "kernel/proc/thread.h"
#include "kernel/time.h"
#include "../../lib/printf.h"
#include "../../lib/string.h"

/* One assert per field: trapentry.S uses the TF_* numbers, C the struct. */
#define CHECK(field, off) _Static_assert(offsetof(struct trapframe, field) == off, #field)
CHECK(ra, TF_RA); CHECK(sp, TF_SP); CHECK(gp, TF_GP); CHECK(tp, TF_TP);
CHECK(t0, TF_T0); CHECK(t1, TF_T1); CHECK(t2, TF_T2); CHECK(s0, TF_S0);
CHECK(s1, TF_S1); CHECK(a0, TF_A0); CHECK(a1, TF_A1); CHECK(a2, TF_A2);
CHECK(a3, TF_A3); CHECK(a4, TF_A4); CHECK(a5, TF_A5); CHECK(a6, TF_A6);
CHECK(a7, TF_A7); CHECK(s2, TF_S2); CHECK(s3, TF_S3); CHECK(s4, TF_S4);
CHECK(s5, TF_S5); CHECK(s6, TF_S6); CHECK(s7, TF_S7); CHECK(s8, TF_S8);
CHECK(s9, TF_S9); CHECK(s10, TF_S10); CHECK(s11, TF_S11); CHECK(t3, TF_T3);
CHECK(t4, TF_T4); CHECK(t5, TF_T5); CHECK(t6, TF_T6); CHECK(sepc, TF_SEPC);
CHECK(sstatus, TF_SSTATUS); CHECK(scause, TF_SCAUSE); CHECK(stval, TF_STVAL);
_Static_assert(sizeof(struct trapframe) == TF_SIZE && TF_SIZE % 16 == 0, "frame size");
_Static_assert(offsetof(struct hart, arch.kernel_sp) == HART_KSP, "HART_KSP");
_Static_assert(offsetof(struct hart, arch.scratch) == HART_SCRATCH, "HART_SCRATCH");
_Static_assert(offsetof(struct hart, arch.kstack_lo) == HART_KSTACK_LO, "HART_KSTACK_LO");
_Static_assert(offsetof(struct hart, arch.t0) == HART_T0, "HART_T0");
_Static_assert(offsetof(struct hart, arch.emerg_sp) == HART_EMERG_SP, "HART_EMERG_SP");

extern char trap_entry[];
void trap_handler(struct trapframe *tf);

static const char *const exc_names[NR_EXC] = {
	[EXC_INSN_MISALIGNED] = "Instruction address misaligned",
	[EXC_INSN_ACCESS] = "Instruction access fault",
	[EXC_ILLEGAL_INSN] = "Illegal instruction",
	[EXC_BREAKPOINT] = "Breakpoint",
	[EXC_LOAD_MISALIGNED] = "Load address misaligned",
	[EXC_LOAD_ACCESS] = "Load access fault",
	[EXC_STORE_MISALIGNED] = "Store/AMO address misaligned",
	[EXC_STORE_ACCESS] = "Store/AMO access fault",
	[EXC_ECALL_U] = "Environment call from U-mode",
	[EXC_ECALL_S] = "Environment call from S-mode",
	[EXC_INSN_PAGE_FAULT] = "Instruction page fault",
	[EXC_LOAD_PAGE_FAULT] = "Load page fault",
	[EXC_STORE_PAGE_FAULT] = "Store/AMO page fault",
};

static const char *const irq_names[NR_IRQ] = {
	[IRQ_S_SOFT] = "Supervisor software interrupt",
	[IRQ_S_TIMER] = "Supervisor timer interrupt",
	[IRQ_S_EXT] = "Supervisor external interrupt",
};

const char *arch_cause_name(uint64_t scause)
{
	uint64_t code = scause & ~SCAUSE_INTR;
	const char *name = NULL;
	if (code < NR_EXC)
		name = scause & SCAUSE_INTR ? irq_names[code] : exc_names[code];
	return name ? name : "Unknown cause";
}

void arch_trap_init(void)
{
	static uint8_t spare_stacks[MAX_HARTS][4096] __attribute__((aligned(16)));
	struct arch_hart *ah = &this_hart()->arch;
	ah->emerg_sp = (uint64_t)spare_stacks[hart_id()] + 4096;
	/* From now on we run on the boot stack, whose guard page is unmapped:
	 * the trap entry's overflow check covers it as it does thread stacks. */
	ah->boot_stack_lo = ah->kstack_lo = boot_stack_lo(hart_id());
	/* Direct mode (low bits 0): every trap enters at trap_entry. Vectored
	 * mode breaks here: OpenSBI 1.1 redirects the exceptions it handles
	 * first to stvec *including* the mode bit (docs/traps.md). */
	csr_write(stvec, (uint64_t)trap_entry);
	isolate_hart_init(); /* isolate=on|asid: the trampoline's entry instead */
}

/* Interrupts, by cause. */
static void on_soft(struct trapframe *tf) { UNUSED(tf); ipi_handle(); }
static void on_timer(struct trapframe *tf) { UNUSED(tf); timer_interrupt(); }
static void on_external(struct trapframe *tf) { UNUSED(tf); irq_external(); }

typedef void (*trap_fn)(struct trapframe *tf);
static const trap_fn irq_vector[NR_IRQ] = {
	[IRQ_S_SOFT] = on_soft,
	[IRQ_S_TIMER] = on_timer,
	[IRQ_S_EXT] = on_external,
};

/* Length of the instruction at pc: 2 if compressed, else 4. */
static uint64_t insn_length(uint64_t pc)
{
	return (*(const uint16_t *)pc & 3) == 3 ? 4 : 2;
}

/* Exceptions from U-mode, by cause: a system call, or a fault that kills
 * the process (reported by name). A cause missing here is a fault too. */
/* The trap path's half of a system call: arguments from the frame, pc past
 * the ecall, the one dispatcher (with interrupts on), result into a0. */
static void on_ecall(struct trapframe *tf)
{
	struct sys_args a;
	for (int i = 0; i < SYSCALL_MAX_ARGS; i++)
		a.a[i] = tf_arg(tf, i);
	tf->sepc += 4; /* ecall is never compressed */
	arch_intr_on();
	tf_set_return(tf, syscall_dispatch(tf_syscall_nr(tf), &a));
}

uint64_t arch_fault_describe(const struct trapframe *tf, char *buf, size_t size)
{
	nagi_snprintf(buf, size, "%s (scause 0x%lx) at sepc 0x%lx, stval 0x%lx",
		      arch_cause_name(tf->scause), tf->scause, tf->sepc, tf->stval);
	return tf->stval;
}

static void on_user_fault(struct trapframe *tf) { proc_user_fault(tf); }

static const trap_fn user_exc_vector[NR_EXC] = {
	[EXC_INSN_MISALIGNED] = on_user_fault,
	[EXC_INSN_ACCESS] = on_user_fault,
	[EXC_ILLEGAL_INSN] = on_user_fault,
	[EXC_BREAKPOINT] = on_user_fault,
	[EXC_LOAD_MISALIGNED] = on_user_fault,
	[EXC_LOAD_ACCESS] = on_user_fault,
	[EXC_STORE_MISALIGNED] = on_user_fault,
	[EXC_STORE_ACCESS] = on_user_fault,
	[EXC_ECALL_U] = on_ecall,
	[EXC_INSN_PAGE_FAULT] = on_user_fault,
	[EXC_LOAD_PAGE_FAULT] = on_user_fault,
	[EXC_STORE_PAGE_FAULT] = on_user_fault,
};

static arch_fault_hook kernel_fault_hook;

void arch_register_kernel_fault_hook(arch_fault_hook fn)
{
	kernel_fault_hook = fn;
}

/* An exception in the kernel: one the registered hook expects (skip the
 * instruction), or a kernel bug (the full dump, then panic). */
static void on_kernel_exception(struct trapframe *tf)
{
	uint64_t lo = this_hart()->arch.kstack_lo;

	if (kernel_fault_hook && kernel_fault_hook(tf->scause, tf->stval, tf->sepc)) {
		tf->sepc += insn_length(tf->sepc);
		return;
	}
	if (lo && tf->stval < lo && tf->stval >= lo - 4096) {
		if (curthread())
			kprintf("\nkernel stack overflow in thread %d (%s)\n", curthread()->tid,
				curthread()->name);
		else
			kprintf("\nkernel stack overflow on hart %d's boot stack (its scheduler "
				"loop)\n", hart_id());
	}
	panic_trap(tf);
}

void trap_handler(struct trapframe *tf)
{
	uint64_t code = tf->scause & ~SCAUSE_INTR;

	if (tf->scause & SCAUSE_INTR) {
		if (code < NR_IRQ && irq_vector[code])
			irq_vector[code](tf);
		else
			intrstat_inc(STAT_SPURIOUS);
	} else {
		if (code < NR_EXC_STAT)
			intrstat_inc(STAT_EXC + code);
		if (!tf_from_user(tf))
			on_kernel_exception(tf);
		else if (code < NR_EXC && user_exc_vector[code])
			user_exc_vector[code](tf);
		else
			on_user_fault(tf);
	}
	/* Leaving: user threads may be killed or preempted here; kernel
	 * code only if it ran with interrupts on (so it held no lock). */
	if (tf_from_user(tf)) {
		arch_intr_on();
		proc_return_to_user();
	} else if (tf->sstatus & SSTATUS_SPIE) {
		sched_preempt_point();
	}
	arch_intr_off(); /* trap_return restores sstatus with SIE clear */
}

void arch_trap_dump(const struct trapframe *tf)
{
	extern char __kernel_start[], __kernel_end[];
	static const char *const regs[31] = {
		"ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1",
		"a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6",
		"s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
	};
	const uint64_t *r = &tf->ra;

	kprintf("  cause   %s (scause 0x%lx)\n", arch_cause_name(tf->scause), tf->scause);
	kprintf("  sepc    0x%016lx  stval 0x%016lx  from %s-mode\n", tf->sepc, tf->stval,
		tf_from_user(tf) ? "U" : "S");
	/* Read the instruction only where it certainly is: our own text. */
	if (tf->sepc >= (uint64_t)__kernel_start && tf->sepc + 4 <= (uint64_t)__kernel_end) {
		if (insn_length(tf->sepc) == 4)
			kprintf("  insn    0x%08x\n", *(const uint32_t *)tf->sepc);
		else
			kprintf("  insn    0x%04x (compressed)\n", *(const uint16_t *)tf->sepc);
	}
	for (int i = 0; i < 31; i++)
		kprintf("  %-3s 0x%016lx%s", regs[i], r[i], i % 4 == 3 || i == 30 ? "\n" : "");
	kprintf("  sstatus 0x%lx\n", tf->sstatus);
	kprintf("  #  0x%lx (sepc)\n", tf->sepc);
	arch_backtrace(tf->s0);
}
