// SPDX-License-Identifier: MIT
// The kernel monitor: a few commands to look inside a running kernel.
#include "monitor.h"
#include "bootargs.h"
#include "console.h"
#include "hart.h"
#include "kernel/mm/page.h"
#include "power.h"
#include "printk.h"
#include "../lib/string.h"

#define LINE_MAX 80

/* Next byte from the console, sleeping in wfi until one arrives. */
static int getc_wait(void)
{
	int c;
	for (;;) {
		arch_intr_off();
		c = console_getc();
		if (c < 0)
			arch_wait(); /* the UART interrupt ends it, even with SIE off */
		arch_intr_on();
		if (c >= 0)
			return c;
	}
}

static void read_line(char *buf)
{
	int n = 0;
	for (;;) {
		int c = getc_wait();
		if (c == '\r' || c == '\n') {
			kprintf("\n");
			buf[n] = 0;
			return;
		}
		if ((c == 0x7f || c == '\b') && n > 0) {
			n--;
			kprintf("\b \b");
		} else if (c >= ' ' && c < 0x7f && n < LINE_MAX - 1) {
			buf[n++] = (char)c;
			kprintf("%c", c);
		}
	}
}

static void cmd_harts(void)
{
	for (int i = 0; i < MAX_HARTS; i++)
		if (harts[i].role != ROLE_NONE)
			kprintf("hart %d: %s, %s, %lu ticks\n", i, hart_role_name(harts[i].role),
				harts[i].online ? "online" : "offline", harts[i].ticks);
}

void monitor_run(void)
{
	char line[LINE_MAX];
	kprintf("nagi monitor (bootarg monitor: init is not started). Commands: help intr harts "
		"mem bootargs poweroff\n");
	for (;;) {
		kprintf("nagi> ");
		read_line(line);
		if (strcmp(line, "intr") == 0)
			intrstat_print();
		else if (strcmp(line, "harts") == 0)
			cmd_harts();
		else if (strcmp(line, "mem") == 0)
			kprintf("%lu of %lu pages free\n", page_free_count(), page_total());
		else if (strcmp(line, "bootargs") == 0)
			bootargs_help();
		else if (strcmp(line, "poweroff") == 0)
			power_off(0);
		else if (strcmp(line, "help") == 0 || line[0])
			kprintf("commands: intr (interrupt counts), harts, mem, bootargs, poweroff\n");
	}
}
