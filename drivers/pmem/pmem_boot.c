// SPDX-License-Identifier: MIT
// The pmem device at boot: which hart plays it, the RAM it owns, what the bootargs set.
#include "pmem.h"
#include "pmem_boot.h"
#include "kernel/bootargs.h"
#include "kernel/hart.h"
#include "kernel/printk.h"
#include "lib/string.h"

/* The highest hart id in the machine other than except, or -1. */
static int last_hart(int except)
{
	int best = -1;
	for (int i = 0; i < machine.nharts; i++)
		if ((int)machine.hartids[i] != except && (int)machine.hartids[i] > best)
			best = (int)machine.hartids[i];
	return best;
}

static bool hart_exists(unsigned long id)
{
	for (int i = 0; i < machine.nharts; i++)
		if (machine.hartids[i] == id)
			return true;
	return false;
}

/* The device clears its control region at reset and the media is the
 * file system's: neither may lie on the DTB, which machine.bootargs still
 * points into. QEMU puts the DTB in the top 2 MiB of RAM, below 3 GiB
 * (physical): on a machine whose RAM ends a little past 3 GiB the media
 * would cover it. */
static bool dtb_clear(void)
{
	struct mem_range r = pmem_reserved_range();
	uint64_t dtb = machine.dtb_base, end = dtb + machine.dtb_size;

	if (dtb >= r.base + r.size || r.base >= end)
		return true;
	kprintf("nagi: pmem: the DTB at 0x%lx-0x%lx lies on the device's memory 0x%lx-0x%lx; "
		"no pmem device\n", dtb, end, r.base, r.base + r.size);
	return false;
}

/* Turn bootarg pmem's value into a hart id, moved off the boot hart.
 * No pmem= at all means the last hart, except on a one-hart machine,
 * which needs its only hart for everything else. */
static int choose_hart(const char *v, int boot)
{
	unsigned long n;
	int h;
	if (!v && machine.nharts < 2)
		return -1;
	if (!v)
		v = "last";
	if (!strcmp(v, "off"))
		return -1;
	if (pmem_reserved_range().size == 0) {
		kprintf("nagi: pmem: %lu MiB of RAM is too little; no pmem device\n",
			machine.mem_size >> 20);
		return -1;
	}
	if (!dtb_clear())
		return -1;
	/* pmem=irq|poll: the last hart, in that completion mode. */
	if (!*v || !strcmp(v, "last") || !strcmp(v, "irq") || !strcmp(v, "poll"))
		h = last_hart(-1);
	else if (parse_ulong(v, &n) == 0 && hart_exists(n))
		h = (int)n;
	else {
		kprintf("nagi: pmem=%s: no such hart; no pmem device\n", v);
		return -1;
	}
	if (h == boot) {
		int other = last_hart(boot);
		if (other < 0) {
			kprintf("nagi: pmem: hart %d boots and is the only one; no pmem device\n", h);
			return -1;
		}
		kprintf("nagi: pmem: hart %d is the boot hart; the device runs on hart %d instead\n",
			h, other);
		h = other;
	}
	return h;
}

int pmem_boot_choose_hart(int boot)
{
	return choose_hart(bootarg_get("pmem"), boot);
}

int pmem_hart(void)
{
	for (int id = 0; id < MAX_HARTS; id++)
		if (harts[id].role == ROLE_PMEM)
			return id;
	return -1;
}

struct mem_range pmem_reserved_range(void)
{
	struct pmem_layout l = pmem_layout_of(machine.mem_base, machine.mem_size);
	return (struct mem_range){ l.ctrl, l.end - l.ctrl };
}

/* The completion mode bootargs ask for: pmem_mode=, else pmem=poll. */
static int boot_mode(void)
{
	const char *m = bootarg_get("pmem_mode");
	if (!m)
		return bootarg_is("pmem", "poll") ? PMEM_MODE_POLL : PMEM_MODE_IRQ;
	if (!strcmp(m, "poll"))
		return PMEM_MODE_POLL;
	if (!strcmp(m, "hybrid"))
		return PMEM_MODE_HYBRID;
	if (strcmp(m, "irq"))
		kprintf("nagi: pmem_mode=%s: not irq, poll or hybrid; using irq\n", m);
	return PMEM_MODE_IRQ;
}

/* pmem_fail=BLOCK[,COUNT]: COUNT blocks (default 1) from BLOCK fail. */
static void boot_fail(struct pmem_boot_cfg *c)
{
	unsigned long v[2] = { 0, 1 };
	int n = bootarg_numbers("pmem_fail", v, 2);

	if (!bootarg_get("pmem_fail"))
		return;
	if (n < 1) {
		kprintf("nagi: pmem_fail=%s: not BLOCK or BLOCK,COUNT; no fault injection\n",
			bootarg_get("pmem_fail"));
		return;
	}
	c->fail_block = v[0];
	c->fail_count = v[1];
}

/* pmem_coalesce=N,US: an interrupt per N completions or after US us. */
static void boot_coalesce(struct pmem_boot_cfg *c)
{
	unsigned long v[2] = { 0, 0 };
	int got = bootarg_numbers("pmem_coalesce", v, 2);
	unsigned long n = v[0], us = v[1];

	if (!bootarg_get("pmem_coalesce"))
		return;
	if (got < 1 || n > PMEM_QDEPTH ||
	    us > PMEM_MAX_COALESCE_US || (n > 1 && us == 0)) {
		kprintf("nagi: pmem_coalesce=%s: not N,US with N <= %d, 0 < US <= %d; "
			"no coalescing\n", bootarg_get("pmem_coalesce"), PMEM_QDEPTH,
			PMEM_MAX_COALESCE_US);
		return;
	}
	c->coalesce_n = (uint32_t)n;
	c->coalesce_us = (uint32_t)us;
}

struct pmem_boot_cfg pmem_boot_config(void)
{
	struct pmem_boot_cfg c = { 0 };

	c.mode = boot_mode();
	c.latency_ns = MIN(bootarg_ulong("pmem_lat", 0), PMEM_MAX_LATENCY_NS);
	c.spin_us = (uint32_t)MIN(bootarg_ulong("pmem_spin", 50), PMEM_MAX_SPIN_US);
	boot_fail(&c);
	boot_coalesce(&c);
	return c;
}
