// SPDX-License-Identifier: MIT
// kmain: the boot hart brings the machine up, from the DTB to the banner.
#include "bootargs.h"
#include "hart.h"
#include "ktest.h"
#include "monitor.h"
#include "kernel/mm/page.h"
#include "power.h"
#include "printk.h"
#include "kernel/proc/proc.h"
#include "kernel/file/rootfs.h"
#include "kernel/mm/vm.h"
#include "ipi.h"
#include "kernel/proc/sched.h"
#include "kernel/proc/thread.h"
#include "kernel/xl/xl.h"
#include "../drivers/finisher.h"
#include "../drivers/plic.h"
#include "drivers/pmem/pmem.h"
#include "drivers/pmem/pmem_boot.h"
#include "time.h"
#include "../drivers/uart16550.h"

/* "N harts online": the harts that run threads. The pmem device's hart
 * is not online (it never schedules), so it is named apart, or a 2-hart
 * machine would seem to have lost one. */
static void online_line(void)
{
	int n = hart_online_count(), pmem = -1;
	for (int i = 0; i < MAX_HARTS; i++)
		if (harts[i].role == ROLE_PMEM)
			pmem = i;
	kprintf("nagi: %d hart%s online", n, n == 1 ? "" : "s");
	if (pmem >= 0)
		kprintf(", hart %d is the pmem device", pmem);
	kprintf(". Leave QEMU with Ctrl-a x.\n");
}

void kmain(unsigned long hartid, void *dtb);
void crash_now(const char *how);

static void ktest_thread(void *only)
{
	ktest_run(only);
}

/* User space starts in a thread: mounting the file system and loading
 * init from it sleep on the pmem device. */
static void init_thread(void *name)
{
	rootfs_mount();
	proc_start_init(name, "initargs");
}

/* Free every page of RAM outside the kernel image, except firmware, DTB and
 * the pmem device's memory (always: its media must survive any boot). */
static void memory_init(void)
{
	extern char __kernel_start[], __kernel_end[];
	struct mem_range skip[MAX_RESERVED + 2];
	int n = machine.nreserved;

	/* Memory we could not record as reserved might be the firmware's. */
	if (machine.nreserved_lost)
		panic("memory_init: the device tree reserves %d ranges more than MAX_RESERVED (%d)",
		      machine.nreserved_lost, MAX_RESERVED);
	for (int i = 0; i < n; i++)
		skip[i] = machine.reserved[i];
	skip[n++] = (struct mem_range){ machine.dtb_base, machine.dtb_size };
	skip[n++] = pmem_reserved_range();
	page_init(machine.mem_base, machine.mem_size);
	page_add_range(machine.mem_base, (uint64_t)__kernel_start, skip, n);
	page_add_range((uint64_t)__kernel_end, machine_mem_end(), skip, n);
}

static void banner(void)
{
	struct mem_range pm = pmem_reserved_range();
	kprintf("nagi: memory 0x%lx-0x%lx (%lu MiB), %lu pages free\n", machine.mem_base,
		machine_mem_end(), machine.mem_size >> 20, page_free_count());
	for (int i = 0; i < machine.nreserved; i++)
		kprintf("nagi: reserved 0x%lx-0x%lx (firmware)\n", machine.reserved[i].base,
			machine.reserved[i].base + machine.reserved[i].size);
	if (pm.size)
		kprintf("nagi: reserved 0x%lx-0x%lx (pmem registers, queues, media)\n", pm.base,
			pm.base + pm.size);
	kprintf("nagi: timebase %lu Hz, timer via %s, %u Hz tick\n", machine.timebase,
		timer_mode(), timer_hz());
	kprintf("nagi: IPIs via %s\n", ipi_route());
	arch_firmware_info();
	kprintf("nagi: bootargs \"%s\"\n", machine.bootargs);
	kprintf("nagi: hart %d is the boot hart (role: %s)\n", hart_id(),
		hart_role_name(this_hart()->role));
}

void kmain(unsigned long hartid, void *dtb)
{
	struct hart *h = &harts[hartid];

	h->id = (int)hartid;
	arch_set_this_hart(h);
	if (machine_parse(dtb, &machine)) {
		kprintf("nagi: the device tree at %p is unusable; stopping\n", dtb);
		arch_poweroff();
	}
	arch_firmware_init();
	finisher_init(machine.finisher_base);
	plic_init(&machine);
	uart_init(&machine, h->id);
	kprintf("\nnagi: booting on hart %d, %d harts in the device tree\n", h->id, machine.nharts);
	if (machine.nignored)
		kprintf("nagi: %d harts with ids >= %d stay parked (MAX_HARTS)\n", machine.nignored,
			MAX_HARTS);
	bootargs_parse(machine.bootargs);
	if (bootarg_get("panic") && !bootarg_is("panic", "halt")) /* read only at a panic */
		kprintf("bootargs: panic=%s is not 'halt'; ignored\n", bootarg_get("panic"));
	hart_roles_assign(pmem_boot_choose_hart(h->id));
	memory_init();
	/* Before any other hart runs: a shootdown may come from anywhere. */
	ipi_register(IPI_TLB, tlb_serve, true);
	mmu_kernel_init();
	ipi_route_init();
	timer_init(machine.timebase, bootarg_ulong("hz", 100), machine.sstc);
	banner();
	hart_local_init();
	hart_start_all();
	pmem_init();
	xl_init();
	online_line();

	if (bootarg_get("help"))
		bootargs_help();
	if (bootarg_get("crash"))
		crash_now(bootarg_get("crash"));
	if (bootarg_get("ktest"))
		kthread_create("ktest", ktest_thread, (void *)bootarg_get("ktest"), h->id);
	else if (bootarg_get("monitor"))
		monitor_run();
	else
		kthread_create("init", init_thread,
			       (void *)(bootarg_get("init") ? bootarg_get("init") : "init"), -1);
	sched_run();
}
