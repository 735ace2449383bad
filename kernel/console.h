/* SPDX-License-Identifier: MIT */
/* The console: output through the active device, input through a ring. */
#pragma once

/* What a console device (the UART) offers the kernel. */
struct console_dev {
	const char *name;
	void (*putc)(int c); /* polled: returns once the byte is accepted */
};

/* console_set_device - send output to dev from now on (SBI before that). */
void console_set_device(const struct console_dev *dev);
/* console_putc - one character, '\n' becomes "\r\n". Caller serialises. */
void console_putc(int c);
/* console_rx - a received byte from a driver's interrupt handler. */
void console_rx(int c);
/* console_getc - the next received byte, or -1 if none is waiting. */
int console_getc(void);
/* console_rx_count - bytes received since boot (for tests). */
unsigned long console_rx_count(void);
