// SPDX-License-Identifier: MIT
// The interrupt statistics table, laid out like Linux's /proc/interrupts.
#include "intrstat.h"
#include "hart.h"
#include "ipi.h"
#include "irq.h"
#include "printk.h"
#include "../lib/intr_table.h"
#include "../lib/printf.h"
#include "../lib/string.h"

uint64_t intrstat_total(int s)
{
	uint64_t sum = 0;
	for (int i = 0; i < MAX_HARTS; i++)
		sum += harts[i].stat[s];
	return sum;
}

/* Append a row for counter s (skipped when full). */
static void row(struct intr_table *t, const char *label, int s, const char *what,
		const char *detail)
{
	struct intr_row *r;
	if (t->nrows >= INTR_MAX_ROWS)
		return;
	r = &t->rows[t->nrows++];
	nagi_snprintf(r->label, sizeof(r->label), "%s", label);
	nagi_snprintf(r->desc, sizeof(r->desc), "%s%s%s", what, detail ? "  " : "",
		      detail ? detail : "");
	for (uint32_t h = 0; h < t->nharts; h++)
		r->count[h] = harts[t->hartid[h]].stat[s];
}

void intrstat_snapshot(struct intr_table *t)
{
	char label[8];
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < MAX_HARTS && t->nharts < INTR_MAX_HARTS; i++)
		if (harts[i].role != ROLE_NONE)
			t->hartid[t->nharts++] = i;
	/* Every row always, in a fixed order: tables taken before and after
	 * a command can be subtracted row by row. */
	for (int irq = 1; irq < NR_IRQ_STAT; irq++) {
		if (!irq_name(irq))
			continue;
		nagi_snprintf(label, sizeof(label), "%d", irq);
		row(t, label, STAT_IRQ + irq, irq_controller_name(), irq_name(irq));
	}
	row(t, "TIM", STAT_TIMER, "Timer interrupts", NULL);
	for (int r = 0; r < NR_IPI; r++) {
		nagi_snprintf(label, sizeof(label), "IPI%d", r);
		row(t, label, STAT_IPI + r, ipi_name(r), NULL);
	}
	for (int c = 0; c < NR_EXC_STAT; c++) {
		nagi_snprintf(label, sizeof(label), "EXC%d", c);
		row(t, label, STAT_EXC + c, arch_cause_name(c), NULL);
	}
	row(t, "SYS", STAT_SYSCALL, "System calls", NULL);
	row(t, "ERR", STAT_SPURIOUS, "Spurious interrupts", NULL);
	row(t, "PMC", STAT_PMEM_CPL, "pmem completions by IPI", NULL);
	row(t, "PMH", STAT_PMEM_NAP, "pmem hybrid naps", NULL);
}

static void put(int c, void *ctx)
{
	UNUSED(ctx);
	kprintf("%c", c);
}

void intrstat_print(void)
{
	static struct intr_table t; /* too big for a stack; callers serialise */
	intrstat_snapshot(&t);
	intr_table_print(&t, false, put, NULL);
}
