/* SPDX-License-Identifier: MIT */
/* NS16550A UART: polled output, interrupt-driven input. */
#pragma once
#include "../kernel/machine.h"

/* uart_init - set up the UART in m, make it the console, and register its
 * receive interrupt with the PLIC (routed to hart rx_hart). Boot hart. */
void uart_init(const struct machine *m, int rx_hart);
