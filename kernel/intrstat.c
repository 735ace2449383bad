// SPDX-License-Identifier: MIT
// The interrupt statistics table, laid out like Linux's /proc/interrupts.
#include "intrstat.h"
#include "hart.h"
#include "ipi.h"
#include "irq.h"
#include "printk.h"
#include "../lib/printf.h"

void intrstat_inc(int s)
{
	this_hart()->stat[s]++;
}

uint64_t intrstat_total(int s)
{
	uint64_t sum = 0;
	for (int i = 0; i < MAX_HARTS; i++)
		sum += harts[i].stat[s];
	return sum;
}

static void row(const char *label, int s, const char *what, const char *detail)
{
	kprintf("%5s:", label);
	for (int i = 0; i < MAX_HARTS; i++)
		if (harts[i].role != ROLE_NONE)
			kprintf(" %10lu", harts[i].stat[s]);
	kprintf("  %s%s%s\n", what, detail ? "  " : "", detail ? detail : "");
}

void intrstat_print(void)
{
	char label[8];
	kprintf("      ");
	for (int i = 0; i < MAX_HARTS; i++)
		if (harts[i].role != ROLE_NONE)
			kprintf("      HART%d", i);
	kprintf("\n");
	for (int irq = 1; irq < NR_IRQ_STAT; irq++) {
		if (!intrstat_total(STAT_IRQ + irq) && !irq_name(irq))
			continue;
		nagi_snprintf(label, sizeof(label), "%d", irq);
		row(label, STAT_IRQ + irq, irq_controller_name(), irq_name(irq));
	}
	row("TIM", STAT_TIMER, "Timer interrupts", NULL);
	for (int r = 0; r < NR_IPI; r++) {
		nagi_snprintf(label, sizeof(label), "IPI%d", r);
		if (intrstat_total(STAT_IPI + r))
			row(label, STAT_IPI + r, ipi_name(r), NULL);
	}
	for (int c = 0; c < NR_EXC_STAT; c++) {
		nagi_snprintf(label, sizeof(label), "EXC%d", c);
		if (intrstat_total(STAT_EXC + c))
			row(label, STAT_EXC + c, arch_cause_name(c), NULL);
	}
	row("SYS", STAT_SYSCALL, "System calls", NULL);
	if (intrstat_total(STAT_SPURIOUS))
		row("ERR", STAT_SPURIOUS, "Spurious interrupts", NULL);
}
