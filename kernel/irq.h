/* SPDX-License-Identifier: MIT */
/* Device interrupts: a handler and a name per interrupt source number. */
#pragma once

typedef void (*irq_fn)(void *arg);

/* The external interrupt controller (the PLIC), seen through its ops. */
struct irq_controller {
	const char *name;
	void (*handle)(void); /* claim, dispatch and complete pending sources */
	void (*enable)(unsigned irq, int hartid); /* route irq to hartid */
};

/* irq_set_controller - the controller whose handle() serves external traps. */
void irq_set_controller(const struct irq_controller *c);
/* irq_register - call fn(arg) for source irq and route it to hartid.
 * Returns 0, -EINVAL for a bad number, -EBUSY if taken. Boot time. */
int irq_register(unsigned irq, const char *name, irq_fn fn, void *arg, int hartid);
/* irq_dispatch - run irq's handler and count it on this hart (controller). */
void irq_dispatch(unsigned irq);
/* irq_external - the supervisor external interrupt (trap path). */
void irq_external(void);
/* irq_name - the registered name of source irq, or NULL. */
const char *irq_name(unsigned irq);
/* irq_controller_name - "PLIC", for the statistics table. */
const char *irq_controller_name(void);
