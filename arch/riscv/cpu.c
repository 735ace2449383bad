// SPDX-License-Identifier: MIT
// Per-hart machinery: starting harts, the timer, IPIs, interrupt enables.
#include "arch.h"
#include "boot.h"
#include "mmu.h"
#include "sbi.h"
#include "../../kernel/machine.h"
#include "../../kernel/printk.h"

_Static_assert(BOOT_HART_SLOTS == MAX_HARTS, "entry.S slots must cover every hart");

uint64_t hart_entry_sp[BOOT_HART_SLOTS];
static bool use_sstc;

/*
 * arch_counters_init - let U-mode read cycle, time and instret on this
 * hart: null_cost and the tests time system calls with rdtime and count
 * instructions with rdinstret. OpenSBI 1.1 happens to leave scounteren
 * open; the kernel says what it wants instead of relying on that.
 */
void arch_counters_init(void)
{
	csr_write(scounteren, SCOUNTEREN_CY | SCOUNTEREN_TM | SCOUNTEREN_IR);
}

/* instret across n nops (n a constant): the csrr pair's difference. */
#define INSTRET_ACROSS(n)                                                                 \
	({                                                                                \
		uint64_t a_, b_;                                                          \
		__asm__ volatile("csrr %0, instret\n\t.rept " #n "\n\tnop\n\t.endr\n\t" \
				 "csrr %1, instret"                                       \
				 : "=r"(a_), "=r"(b_));                                   \
		b_ - a_;                                                                  \
	})

bool arch_instret_counts(void)
{
	for (int k = 0; k < 3; k++)
		if (INSTRET_ACROSS(32) - INSTRET_ACROSS(16) != 16)
			return false;
	return true;
}

void arch_irq_init(void)
{
	csr_set(sie, SIE_SSIE | SIE_STIE | SIE_SEIE);
}

void arch_timer_use_sstc(bool on)
{
	use_sstc = on;
}

void arch_timer_set(uint64_t deadline)
{
	/* Sstc: S-mode owns stimecmp, so no trip through M-mode (~0.1 us
	 * instead of 1-1.5 us for an SBI call). Writing it clears STIP. */
	if (use_sstc)
		__asm__ volatile("csrw %0, %1" ::"i"(CSR_STIMECMP), "r"(deadline));
	else
		sbi_set_timer(deadline);
}

/* The ACLINT SSWI's SETSSIP register of each hart id, or NULL: its IPIs
 * go through the SBI. */
static volatile uint32_t *setssip[MAX_HARTS];

bool arch_ipi_direct(bool want)
{
	bool any = false;
	for (int i = 0; i < MAX_HARTS; i++) {
		int reg = machine.sswi_reg[i];
		bool ok = want && machine.sswi_base && reg >= 0 &&
			  4 * (uint64_t)(reg + 1) <= machine.sswi_size;
		setssip[i] = ok ? (volatile uint32_t *)(machine.sswi_base + 4 * (uint64_t)reg) : NULL;
		any |= ok;
	}
	return any;
}

int arch_ipi_send(int hartid)
{
	if (setssip[hartid]) {
		/* What the sender wrote (ipi_send's reason) before the device
		 * write that raises the target's SSIP: pairs with the target's
		 * interrupt, after which its handler reads them (the SBI's
		 * ecall orders them the same way). */
		__asm__ volatile("fence w, o" ::: "memory");
		*setssip[hartid] = 1;
		return 0;
	}
	return sbi_send_ipi(1UL, hartid);
}

void arch_irq_soft_only(void)
{
	csr_write(sie, SIE_SSIE);
}

int arch_start_hart(int hartid)
{
	/* The slot must be visible before the hart can look at it. */
	__atomic_store_n(&hart_entry_sp[hartid], boot_stack_top(hartid), __ATOMIC_RELEASE);
	__asm__ volatile("fence rw, rw" ::: "memory");
	return sbi_hart_start(hartid, (unsigned long)_start, 0);
}

void arch_backtrace(uint64_t fp)
{
	extern char __kernel_start[], __kernel_end[];
	uint64_t last = 0;
	int repeats = 0;
	kprintf("backtrace (addr2line -e build/kernel.elf ADDR):\n");
	for (int depth = 0; depth < 64; depth++) {
		/* Each frame: ra at fp-8, the caller's fp at fp-16. Stop at
		 * anything that cannot be a frame of ours. */
		if (fp & 7 || !mmu_kernel_readable(fp - 16))
			break;
		uint64_t ra = ((uint64_t *)fp)[-1], next = ((uint64_t *)fp)[-2];
		if (ra < (uint64_t)__kernel_start || ra >= (uint64_t)__kernel_end)
			break;
		if (ra == last) /* deep recursion: say so once */
			repeats++;
		else
			kprintf("  #%d 0x%lx\n", depth, ra);
		last = ra;
		if (next <= fp)
			break;
		fp = next;
	}
	if (repeats)
		kprintf("  (the last frame repeats %d more times, and maybe more)\n", repeats);
}
