// SPDX-License-Identifier: MIT
// Reads the machine description (memory, harts, devices, bootargs) from the DTB.
#include "machine.h"
#include "fdt.h"
#include "../lib/errno.h"
#include "../lib/string.h"

#define IRQ_S_SOFT 1 /* supervisor software interrupt, in interrupts-extended */
#define IRQ_S_EXT 9 /* supervisor external interrupt, in interrupts-extended */

struct machine machine;

static void add_reserved(struct machine *m, uint64_t base, uint64_t size)
{
	if (size && m->nreserved < MAX_RESERVED)
		m->reserved[m->nreserved++] = (struct mem_range){ base, size };
	else if (size)
		m->nreserved_lost++;
}

static void parse_reserved(const struct fdt *f, struct machine *m)
{
	/* 1. The memory reservation block: (address, size) pairs up to (0, 0). */
	uint32_t off = fdt_be32(f->blob + 16);
	for (; off + 16 <= f->total_size; off += 16) {
		uint64_t base = fdt_cells(f->blob + off, 2), size = fdt_cells(f->blob + off + 8, 2);
		if (!base && !size)
			break;
		add_reserved(m, base, size);
	}
	/* 2. /reserved-memory children: OpenSBI puts its own region there. */
	int rm = fdt_path(f, "/reserved-memory"), depth = 0;
	if (rm < 0)
		return;
	for (int n = fdt_next_node(f, rm, &depth); n >= 0 && depth > 0;
	     n = fdt_next_node(f, n, &depth)) {
		uint64_t base, size;
		if (depth == 1 && fdt_reg(f, n, 0, &base, &size) == 0)
			add_reserved(m, base, size);
	}
}

static int parse_harts(const struct fdt *f, struct machine *m)
{
	int cpus = fdt_path(f, "/cpus"), depth = 0, len;
	if (cpus < 0)
		return -EINVAL;
	m->timebase = fdt_u32(f, cpus, "timebase-frequency", 0);
	m->sstc = true;
	for (int n = fdt_next_node(f, cpus, &depth); n >= 0 && depth > 0;
	     n = fdt_next_node(f, n, &depth)) {
		const char *type = fdt_getprop(f, n, "device_type", &len);
		const char *status = fdt_getprop(f, n, "status", NULL);
		const char *isa = fdt_getprop(f, n, "riscv,isa", &len);
		uint64_t id, unused;
		if (depth != 1 || !type || strcmp(type, "cpu") != 0)
			continue;
		if ((status && strcmp(status, "okay") != 0) || fdt_reg(f, n, 0, &id, &unused))
			continue;
		if (id >= MAX_HARTS || m->nharts >= MAX_HARTS) {
			m->nignored++;
			continue;
		}
		if (!isa || !memchr(isa, 0, len) || !strstr(isa, "_sstc"))
			m->sstc = false;
		m->hartids[m->nharts++] = (uint32_t)id;
	}
	return m->nharts && m->timebase ? 0 : -EINVAL;
}

/* Which hart each of node's interrupts-extended pairs with irq goes to:
 * out[hart] = the pair's index (a PLIC's context, an SSWI's register). */
static void parse_targets(const struct fdt *f, int node, uint32_t irq, int out[MAX_HARTS])
{
	int len;
	const uint8_t *p = node >= 0 ? fdt_getprop(f, node, "interrupts-extended", &len) : NULL;
	for (int i = 0; i < MAX_HARTS; i++)
		out[i] = -1;
	for (int i = 0; p && (i + 1) * 8 <= len; i++) {
		int intc = fdt_phandle(f, fdt_be32(p + 8 * i));
		int cpu = intc >= 0 ? fdt_parent(f, intc) : -1;
		uint64_t hart, unused;
		if (fdt_be32(p + 8 * i + 4) != irq || cpu < 0 ||
		    fdt_reg(f, cpu, 0, &hart, &unused) || hart >= MAX_HARTS)
			continue;
		out[hart] = i;
	}
}

static int parse_devices(const struct fdt *f, struct machine *m)
{
	uint64_t size;
	int uart = fdt_compatible(f, -1, "ns16550a");
	int plic = fdt_compatible(f, -1, "riscv,plic0");
	int test = fdt_compatible(f, -1, "sifive,test0");
	int sswi = fdt_compatible(f, -1, "riscv,aclint-sswi");

	if (uart < 0 || plic < 0 || fdt_reg(f, uart, 0, &m->uart_base, &size) ||
	    fdt_reg(f, plic, 0, &m->plic_base, &size))
		return -EINVAL;
	m->uart_irq = fdt_u32(f, uart, "interrupts", 0);
	m->plic_ndev = fdt_u32(f, plic, "riscv,ndev", 0);
	parse_targets(f, plic, IRQ_S_EXT, m->plic_sctx);
	parse_targets(f, sswi, IRQ_S_SOFT, m->sswi_reg);
	if (sswi < 0 || fdt_reg(f, sswi, 0, &m->sswi_base, &m->sswi_size))
		m->sswi_base = m->sswi_size = 0;
	if (test >= 0)
		fdt_reg(f, test, 0, &m->finisher_base, &size);
	return 0;
}

int machine_parse(const void *dtb, struct machine *m)
{
	struct fdt f;
	int mem, len;

	memset(m, 0, sizeof(*m));
	if (fdt_init(&f, dtb))
		return -EINVAL;
	m->dtb_base = (uintptr_t)dtb;
	m->dtb_size = f.total_size;
	mem = fdt_path(&f, "/memory");
	if (mem < 0 || fdt_reg(&f, mem, 0, &m->mem_base, &m->mem_size))
		return -EINVAL;
	if (parse_harts(&f, m) || parse_devices(&f, m))
		return -EINVAL;
	parse_reserved(&f, m);
	int chosen = fdt_path(&f, "/chosen");
	const char *args = chosen >= 0 ? fdt_getprop(&f, chosen, "bootargs", &len) : NULL;
	m->bootargs = args && len > 0 && memchr(args, 0, len) ? args : "";
	return 0;
}
