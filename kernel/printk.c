// SPDX-License-Identifier: MIT
// kprintf over the console, and panic: print, backtrace, stop every hart.
#include "printk.h"
#include "bootargs.h"
#include "console.h"
#include "hart.h"
#include "ipi.h"
#include "machine.h"
#include "power.h"
#include "spinlock.h"
#include "arch/riscv/arch.h"
#include "kernel/hw/pmem_dev.h"
#include "../lib/printf.h"

volatile int panicking;
static struct spinlock print_lock = SPINLOCK_INIT("printk");

static void put(int c, void *ctx)
{
	UNUSED(ctx);
	console_putc(c);
}

int vkprintf(const char *fmt, va_list ap)
{
	int n;
	if (panicking) /* the lock may be held by a hart that will never let go */
		return vformat(put, NULL, fmt, ap);
	spin_lock(&print_lock);
	n = vformat(put, NULL, fmt, ap);
	spin_unlock(&print_lock);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vkprintf(fmt, ap);
	va_end(ap);
	return n;
}

/* Give the other harts (and the pmem device) 100 ms to stop, then say
 * which did not: with panic=halt, a student may go on to look at them. */
static void wait_stopped(void)
{
	uint64_t end = arch_time() + machine.timebase / 10;
	uint64_t left;

	do {
		left = 0;
		for (int i = 0; i < MAX_HARTS; i++)
			if (i != hart_id() && (harts[i].role == ROLE_PMEM ? !pmem_dev_stopped()
									  : harts[i].online))
				left |= 1UL << i;
	} while (left && arch_time() < end);
	if (left) {
		kprintf("panic: these harts did not stop:");
		for (int i = 0; i < MAX_HARTS; i++)
			if (left & (1UL << i))
				kprintf(" %d", i);
		kprintf("\n");
	} else
		kprintf("panic: every other hart has stopped\n");
}

/* Exit QEMU or halt once the other harts have stopped. */
static void __attribute__((noreturn)) die(void)
{
	wait_stopped();
	if (bootarg_is("panic", "halt")) {
		kprintf("panic: halted (panic=halt); leave QEMU with Ctrl-a x\n");
		for (;;)
			arch_wait();
	}
	power_off(POWER_EXIT_PANIC);
}

/* A second hart panicking while the first prints just stops; the first
 * stops every other hart before it says anything, so the report is whole. */
static void claim_panic(void)
{
	arch_intr_off();
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_ACQ_REL))
		for (;;)
			arch_wait();
	/* The pmem device's hart is never online: it sees panicking when the
	 * IPI ends its wfi (or on its next pass) and stops serving. */
	for (int i = 0; i < MAX_HARTS; i++)
		if ((harts[i].online || harts[i].role == ROLE_PMEM) && i != hart_id())
			ipi_send(i, IPI_STOP);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	claim_panic();
	kprintf("\npanic on hart %d: ", hart_id());
	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	arch_backtrace(arch_frame_address());
	die();
}

void panic_trap(const struct trapframe *tf)
{
	claim_panic();
	kprintf("\npanic on hart %d: unexpected trap in the kernel\n", hart_id());
	arch_trap_dump(tf);
	die();
}
