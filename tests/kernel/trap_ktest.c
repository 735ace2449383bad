// SPDX-License-Identifier: MIT
// In-kernel tests of the trap path: provoked exceptions and the UART IRQ.
#include "kernel/time.h"
#include "../../kernel/console.h"
#include "../../kernel/hart.h"
#include "../../kernel/ktest.h"

/* Arm an expected trap, run the faulting statement, disarm. The barriers
 * keep the compiler from moving the fault outside the armed window. */
#define PROVOKE(ex, stmt)                          \
	do {                                       \
		(ex)->hit = false;                 \
		this_hart()->expect = (ex);        \
		__asm__ volatile("" ::: "memory"); \
		stmt;                              \
		__asm__ volatile("" ::: "memory"); \
		this_hart()->expect = NULL;        \
	} while (0)

KTEST(trap_breakpoint)
{
	struct trap_expect ex = { 0 };
	uint64_t before = intrstat_total(STAT_EXC + EXC_BREAKPOINT);
	PROVOKE(&ex, __asm__ volatile("ebreak"));
	KEXPECT(ex.hit);
	KEXPECT(ex.scause == EXC_BREAKPOINT);
	KEXPECT(intrstat_total(STAT_EXC + EXC_BREAKPOINT) == before + 1);
	return 0;
}

KTEST(trap_illegal_instruction)
{
	struct trap_expect ex = { 0 };
	PROVOKE(&ex, __asm__ volatile(".hword 0")); /* 16 zero bits: defined illegal */
	KEXPECT(ex.hit);
	KEXPECT(ex.scause == EXC_ILLEGAL_INSN);
	return 0;
}

KTEST(trap_load_page_fault)
{
	static volatile uintptr_t nowhere = 0x8; /* never mapped */
	struct trap_expect ex = { 0 };
	PROVOKE(&ex, (void)*(volatile uint64_t *)nowhere);
	KEXPECT(ex.hit);
	KEXPECT(ex.scause == EXC_LOAD_PAGE_FAULT);
	KEXPECT(ex.stval == 0x8);
	return 0;
}

KTEST(trap_preserves_registers)
{
	/* Values in callee- and caller-saved registers survive a trap. */
	struct trap_expect ex = { 0 };
	uint64_t s2 = 0x1111, t3 = 0x2222, a5 = 0x3333;
	ex.hit = false;
	this_hart()->expect = &ex;
	__asm__ volatile("mv s2, %0; mv t3, %1; mv a5, %2; ebreak; mv %0, s2; mv %1, t3; mv %2, a5"
			 : "+r"(s2), "+r"(t3), "+r"(a5)::"s2", "t3", "a5", "memory");
	KEXPECT(ex.hit);
	KEXPECT(s2 == 0x1111 && t3 == 0x2222 && a5 == 0x3333);
	return 0;
}

KTEST(uart_rx_interrupt)
{
	/* The boot test types a key when it sees this line; at a terminal,
	 * press one. The byte must arrive through the PLIC, not by polling. */
	unsigned long rx = console_rx_count();
	uint64_t irqs = intrstat_total(STAT_IRQ + machine.uart_irq);
	uint64_t end = arch_time() + 20 * 1000000 * timer_ticks_per_us();
	kprintf("ktest: uart_rx_interrupt: press a key\n");
	while (console_rx_count() == rx && arch_time() < end)
		timer_delay_us(1000);
	KEXPECT(console_rx_count() > rx);
	KEXPECT(intrstat_total(STAT_IRQ + machine.uart_irq) > irqs);
	while (console_getc() >= 0) /* leave nothing for the monitor */
		;
	return 0;
}
