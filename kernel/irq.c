// SPDX-License-Identifier: MIT
// The device interrupt table: the textbook's vector table for PLIC sources.
#include "irq.h"
#include "hart.h"
#include "printk.h"
#include "../lib/errno.h"

static const struct irq_controller *controller;
static struct {
	const char *name;
	irq_fn fn;
	void *arg;
} table[NR_IRQ_STAT];

void irq_set_controller(const struct irq_controller *c)
{
	controller = c;
}

int irq_register(unsigned irq, const char *name, irq_fn fn, void *arg, int hartid)
{
	if (irq == 0 || irq >= NR_IRQ_STAT || !controller)
		return -EINVAL;
	if (table[irq].fn)
		return -EBUSY;
	table[irq].name = name;
	table[irq].arg = arg;
	table[irq].fn = fn;
	controller->enable(irq, hartid);
	return 0;
}

void irq_dispatch(unsigned irq)
{
	if (irq >= NR_IRQ_STAT || !table[irq].fn) {
		intrstat_inc(STAT_SPURIOUS);
		return;
	}
	/* LAB interrupts: BEGIN */
	intrstat_inc(STAT_IRQ + irq); /* this hart's own counter: no lock */
	/* LAB interrupts: END */
	table[irq].fn(table[irq].arg);
}

void irq_external(void)
{
	if (controller)
		controller->handle();
	else
		intrstat_inc(STAT_SPURIOUS);
}

const char *irq_name(unsigned irq)
{
	return irq < NR_IRQ_STAT ? table[irq].name : NULL;
}

const char *irq_controller_name(void)
{
	return controller ? controller->name : "-";
}
