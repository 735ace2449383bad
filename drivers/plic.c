// SPDX-License-Identifier: MIT
// PLIC: per-source priority, per-context enable bits, threshold and claim.
#include "plic.h"
#include "../kernel/hart.h"
#include "../kernel/irq.h"
#include "../kernel/lab.h" /* the student tree's stub */

#define PRIORITY(irq) (plic.base + 4 * (irq))
#define ENABLE(ctx, irq) (plic.base + 0x2000 + 0x80 * (ctx) + 4 * ((irq) / 32))
#define THRESHOLD(ctx) (plic.base + 0x200000 + 0x1000 * (ctx))
#define CLAIM(ctx) (plic.base + 0x200004 + 0x1000 * (ctx))

static struct {
	uint64_t base;
	uint32_t ndev;
	const int *sctx; /* S-mode context per hart, from the DTB */
} plic;

static inline void wr(uint64_t addr, uint32_t v) { *(volatile uint32_t *)addr = v; }
static inline uint32_t rd(uint64_t addr) { return *(volatile uint32_t *)addr; }

static void plic_enable(unsigned irq, int hartid)
{
	int ctx = plic.sctx[hartid];
	if (irq > plic.ndev || ctx < 0)
		return;
	wr(PRIORITY(irq), 1);
	wr(ENABLE(ctx, irq), rd(ENABLE(ctx, irq)) | 1u << (irq % 32));
}

/* Claim until nothing is pending: one trap can serve several sources. */
static void plic_handle(void)
{
	int ctx = plic.sctx[hart_id()];
	uint32_t irq;
	/* LAB interrupts: BEGIN */
	while ((irq = rd(CLAIM(ctx))) != 0) {
		irq_dispatch(irq);
		wr(CLAIM(ctx), irq); /* complete */
	}
	/* LAB interrupts: ELSE
	static bool said;
	// Claim and complete without dispatching, so the source does not
	// interrupt again at once: the byte typed is lost.
	if ((irq = rd(CLAIM(ctx))) != 0)
		wr(CLAIM(ctx), irq);
	if (!said)
		said = lab_missing("interrupts", "PLIC claim/dispatch/complete not implemented");
	   LAB interrupts: END */
}

static const struct irq_controller plic_controller = {
	.name = "PLIC",
	.handle = plic_handle,
	.enable = plic_enable,
};

void plic_init(const struct machine *m)
{
	plic.base = m->plic_base;
	plic.ndev = m->plic_ndev;
	plic.sctx = m->plic_sctx;
	irq_set_controller(&plic_controller);
}

void plic_hart_init(void)
{
	int ctx = plic.sctx[hart_id()];
	if (ctx >= 0)
		wr(THRESHOLD(ctx), 0);
}
