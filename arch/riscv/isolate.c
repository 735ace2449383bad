// SPDX-License-Identifier: MIT
// Page-table isolation (isolate=on|asid): the trampoline's mappings, the
// per-hart slots the trap path reads, ASIDs, and the boot-time stvec choice.
#include "isolate.h"
#include "arch.h"
#include "csr.h"
#include "mmu.h"
#include "trapframe.h"
#include "../../kernel/bootargs.h"
#include "../../kernel/hart.h"
#include "kernel/mm/page.h"
#include "../../kernel/printk.h"

_Static_assert(sizeof(struct tramp_slot) == TRAMP_SLOT_SIZE, "slot size");
_Static_assert(offsetof(struct tramp_slot, hart) == TRAMP_HART, "TRAMP_HART");
_Static_assert(offsetof(struct tramp_slot, t0) == TRAMP_T0, "TRAMP_T0");
_Static_assert(offsetof(struct tramp_slot, sp) == TRAMP_SP, "TRAMP_SP");
_Static_assert(offsetof(struct tramp_slot, ksatp) == TRAMP_KSATP, "TRAMP_KSATP");
_Static_assert(offsetof(struct tramp_slot, usatp) == TRAMP_USATP, "TRAMP_USATP");
_Static_assert(offsetof(struct tramp_slot, exit) == TRAMP_EXIT, "TRAMP_EXIT");
_Static_assert(offsetof(struct hart, arch.tramp) == HART_TRAMP, "HART_TRAMP");
_Static_assert(MAX_HARTS *TRAMP_SLOT_SIZE <= PAGE_SIZE, "the slots fit their page");

#define SATP_SV39	(8UL << 60)
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK	0xFFFFUL
/* A root's last entry never maps anything (kernel and user live in slots
 * 0-3). An entry without its valid bit is the software's to use: under
 * ISOLATE_ASID it holds the root's ASID, shifted clear of the V bit. */
#define ROOT_ASID_ENTRY 511
#define TOP_INDEX(va)	(((va) >> 30) & 511)

extern char tramp_start[], tramp_end[], tramp_entry[], tramp_entry_asid[];
extern char tramp_exit[], tramp_exit_asid[];
extern char trap_return[], trap_return_iso[];
extern struct tramp_slot tramp_slots[];

int isolate_mode;
/* Where arch_enter_user leaves: trap_return, or trap_return_iso. */
void *trap_return_to = trap_return;

static uint64_t *tramp_root; /* holds only the trampoline's two pages */
static uint64_t asid_max; /* the largest ASID satp keeps; shared by the rest */
static uint64_t asid_next = 1;

void isolate_init(void)
{
	const char *v = bootarg_get("isolate");
	if (!v || bootarg_is("isolate", "off"))
		isolate_mode = ISOLATE_OFF;
	else if (bootarg_is("isolate", "on"))
		isolate_mode = ISOLATE_ON;
	else if (bootarg_is("isolate", "asid"))
		isolate_mode = ISOLATE_ASID;
	else
		kprintf("bootargs: isolate=%s is not off, on or asid; off\n", v);
}

/* How many ASID bits satp keeps: write all ones, read back (the
 * privileged spec's way to find ASIDLEN). */
static uint64_t probe_asid_max(uint64_t kernel_satp)
{
	uint64_t got;
	csr_write(satp, kernel_satp | (SATP_ASID_MASK << SATP_ASID_SHIFT));
	got = (csr_read(satp) >> SATP_ASID_SHIFT) & SATP_ASID_MASK;
	csr_write(satp, kernel_satp);
	arch_tlb_flush(); /* nothing may stay cached under the probe's ASID */
	return got;
}

void isolate_kernel_ready(uint64_t kernel_satp)
{
	if (isolate_mode == ISOLATE_ASID && (asid_max = probe_asid_max(kernel_satp)) < 2) {
		kprintf("isolate: satp keeps no ASIDs here; isolate=on instead\n");
		isolate_mode = ISOLATE_ON;
	}
	if (isolate_mode == ISOLATE_OFF)
		return;
	/* The trampoline at its kernel address (one 1 GiB slot: RAM's). */
	tramp_root = page_alloc();
	if (!tramp_root || TOP_INDEX((uint64_t)tramp_start) != TOP_INDEX((uint64_t)tramp_slots) ||
	    tramp_end - tramp_start != PAGE_SIZE ||
	    mmu_map((struct mmu_table *)tramp_root, (uint64_t)tramp_start, (uint64_t)tramp_start, MMU_R | MMU_X) ||
	    mmu_map((struct mmu_table *)tramp_root, (uint64_t)tramp_slots, (uint64_t)tramp_slots, MMU_R | MMU_W))
		panic("isolate: cannot map the trampoline");
	for (int i = 0; i < MAX_HARTS; i++) {
		tramp_slots[i].hart = (uint64_t)&harts[i];
		tramp_slots[i].ksatp = kernel_satp;
		tramp_slots[i].exit = (uint64_t)tramp_exit;
	}
	trap_return_to = trap_return_iso;
	kprintf("isolate: %s: user tables map the trampoline at 0x%lx and its slots at 0x%lx%s\n",
		isolate_mode == ISOLATE_ASID ? "asid" : "on", (uint64_t)tramp_start,
		(uint64_t)tramp_slots, isolate_mode == ISOLATE_ASID ? ", ASIDs on" : "");
	if (isolate_mode == ISOLATE_ASID)
		kprintf("isolate: ASIDs 1-%lu, then %lu shared (flushed on exit)\n", asid_max - 1,
			asid_max);
}

void isolate_fill_root(uint64_t *root)
{
	uint64_t asid;
	unsigned top = TOP_INDEX((uint64_t)tramp_start);
	root[top] = tramp_root[top]; /* shared, never freed: mmu_free_root frees the user slot */
	if (isolate_mode != ISOLATE_ASID)
		return;
	/* Never reused: nothing cached under a dead table's ASID can be hit.
	 * Past the last one, all share asid_max and exit with a flush. */
	asid = __atomic_fetch_add(&asid_next, 1, __ATOMIC_RELAXED);
	root[ROOT_ASID_ENTRY] = MIN(asid, asid_max) << 10;
}

void isolate_set_user(uint64_t *root)
{
	uint64_t asid = 0, usatp = 0, exit = (uint64_t)tramp_exit;
	bool on = arch_intr_enabled();
	if (root) {
		if (isolate_mode == ISOLATE_ASID)
			asid = root[ROOT_ASID_ENTRY] >> 10;
		usatp = SATP_SV39 | (asid << SATP_ASID_SHIFT) | ((uint64_t)root >> PAGE_SHIFT);
		if (asid && asid < asid_max)
			exit = (uint64_t)tramp_exit_asid;
	}
	/* Interrupts off: a caller preempted between choosing the slot and
	 * writing it (exec runs with them on) would write another hart's. */
	arch_intr_off();
	tramp_slots[hart_id()].usatp = usatp;
	tramp_slots[hart_id()].exit = exit;
	if (on)
		arch_intr_on();
}

void isolate_hart_init(void)
{
	this_hart()->arch.tramp = (uint64_t)&tramp_slots[hart_id()];
	if (isolate_mode != ISOLATE_OFF)
		csr_write(stvec, (uint64_t)(isolate_mode == ISOLATE_ASID ? tramp_entry_asid
									 : tramp_entry));
}
