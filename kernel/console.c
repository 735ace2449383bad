// SPDX-License-Identifier: MIT
// Console: output to the UART (or SBI before it is up), input into a ring.
#include "console.h"
#include "spinlock.h"
#include "../arch/riscv/sbi.h"

#define RX_SIZE 256

static const struct console_dev *device;
static struct {
	struct spinlock lock;
	char buf[RX_SIZE];
	unsigned head, tail; /* head: next to read; tail: next to write */
	unsigned long count;
} rx = { .lock = SPINLOCK_INIT("console.rx") };

void console_set_device(const struct console_dev *dev)
{
	device = dev;
}

static void put_raw(int c)
{
	if (device)
		device->putc(c);
	else
		sbi_console_putchar(c);
}

void console_putc(int c)
{
	if (c == '\n')
		put_raw('\r');
	put_raw(c);
}

void console_rx(int c)
{
	spin_lock(&rx.lock);
	if (rx.tail - rx.head < RX_SIZE) /* full: drop, as a terminal would */
		rx.buf[rx.tail++ % RX_SIZE] = (char)c;
	rx.count++;
	spin_unlock(&rx.lock);
}

int console_getc(void)
{
	int c = -1;
	spin_lock(&rx.lock);
	if (rx.head != rx.tail)
		c = (unsigned char)rx.buf[rx.head++ % RX_SIZE];
	spin_unlock(&rx.lock);
	return c;
}

unsigned long console_rx_count(void)
{
	return __atomic_load_n(&rx.count, __ATOMIC_RELAXED);
}
