// SPDX-License-Identifier: MIT
// NS16550A UART: transmit by polling LSR, receive on the "data ready" interrupt.
#include "uart16550.h"
#include "../kernel/console.h"
#include "../kernel/irq.h"
#include "../kernel/printk.h"

#define RBR 0 /* receive buffer (read) */
#define THR 0 /* transmit holding (write) */
#define IER 1 /* interrupt enable */
#define FCR 2 /* FIFO control (write) */
#define LCR 3 /* line control */
#define LSR 5 /* line status */
#define IER_RX 0x01
#define FCR_ENABLE_CLEAR 0x07
#define LCR_8N1 0x03
#define LSR_DR 0x01   /* data ready */
#define LSR_THRE 0x20 /* transmit holding register empty */

static volatile uint8_t *regs;

static void uart_putc(int c)
{
	while (!(regs[LSR] & LSR_THRE))
		;
	regs[THR] = (uint8_t)c;
}

static void uart_interrupt(void *arg)
{
	UNUSED(arg);
	while (regs[LSR] & LSR_DR)
		console_rx(regs[RBR]);
}

static const struct console_dev uart_console = {
	.name = "uart0",
	.putc = uart_putc,
};

void uart_init(const struct machine *m, int rx_hart)
{
	regs = (volatile uint8_t *)m->uart_base;
	regs[IER] = 0;
	regs[LCR] = LCR_8N1;
	regs[FCR] = FCR_ENABLE_CLEAR;
	console_set_device(&uart_console);
	if (irq_register(m->uart_irq, "uart0", uart_interrupt, NULL, rx_hart))
		kprintf("uart: cannot register irq %u; input disabled\n", m->uart_irq);
	else
		regs[IER] = IER_RX;
}
