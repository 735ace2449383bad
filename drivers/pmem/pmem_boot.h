/* SPDX-License-Identifier: MIT */
/* The pmem device at boot: which hart runs it and what the bootargs set (pmem_boot.c). */
#pragma once
#include "lib/types.h"

/* What the bootargs ask of the device (docs/pmem.md's table). */
struct pmem_boot_cfg {
	int mode;             /* PMEM_MODE_*: pmem_mode=irq|poll|hybrid, else pmem=poll */
	uint64_t latency_ns;  /* pmem_lat=NS, clamped to PMEM_MAX_LATENCY_NS */
	uint32_t spin_us;     /* pmem_spin=US (default 50), clamped to PMEM_MAX_SPIN_US */
	uint64_t fail_block;  /* pmem_fail=BLOCK[,COUNT]: fault injection */
	uint64_t fail_count;  /* 0: none */
	uint32_t coalesce_n;  /* pmem_coalesce=N,US: interrupt coalescing */
	uint32_t coalesce_us; /* (0, 0: off) */
};

/* pmem_boot_choose_hart - the hart bootarg pmem= gives the device (see
 * pmem_hart in pmem.h), saying why when there is none or it moves off
 * boot, the boot hart; -1 for no device. Called once, by kmain, for
 * hart_roles_assign. */
int pmem_boot_choose_hart(int boot);
/* pmem_boot_config - parse those bootargs, warning by name about values
 * that do not parse (and using the default). Boot hart, after
 * bootargs_parse. Locks nothing. */
struct pmem_boot_cfg pmem_boot_config(void);
