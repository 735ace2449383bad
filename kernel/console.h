/* SPDX-License-Identifier: MIT */
/* The console: output through the active device; input through a raw ring
 * for the monitor or, while a console file is open, a line discipline. */
#pragma once
#include "../lib/types.h"

struct file;

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
/* console_getc - the next raw received byte, or -1 if none is waiting.
 * Raw bytes are kept only while no console file is open. */
int console_getc(void);
/* console_rx_count - bytes received since boot (for tests). */
unsigned long console_rx_count(void);
/* console_file_open - a console file (file_open uses it): while any is
 * open, input goes through the line discipline that its read() serves.
 * NULL if the file table is full. */
struct file *console_file_open(bool readable, bool writable);
