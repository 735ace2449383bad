// SPDX-License-Identifier: MIT
// The DTB walker and machine_parse against DTBs that QEMU itself dumped.
#include "kernel/fdt.h"
#include "kernel/machine.h"
#include "lib/errno.h"
#include "unit.h"
#include <string.h>

static unsigned char *blob4, *blob8, *blob_aclint;
static size_t size4, size8, size_aclint;

static unsigned char *load(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b = malloc(1 << 20);
	if (!f || !b) {
		printf("cannot read %s\n", path);
		exit(2);
	}
	*size = fread(b, 1, 1 << 20, f);
	fclose(f);
	return b;
}

static void test_header_checks(void)
{
	struct fdt f;
	unsigned char bad[64] = { 0 };
	CHECK(fdt_init(&f, blob4) == 0);
	CHECK(fdt_init(&f, bad) == -EINVAL);
	CHECK(fdt_init(&f, NULL) == -EINVAL);
	memcpy(bad, blob4, sizeof(bad));
	bad[7] = 8; /* totalsize far too small for the offsets in the header */
	bad[6] = bad[5] = bad[4] = 0;
	CHECK(fdt_init(&f, bad) == -EINVAL);
}

static void test_paths(void)
{
	struct fdt f;
	fdt_init(&f, blob4);
	CHECK(fdt_path(&f, "/") == 0);
	CHECK(fdt_path(&f, "/cpus") > 0);
	CHECK(fdt_path(&f, "/cpus/cpu@2") > 0);
	CHECK(strcmp(fdt_name(&f, fdt_path(&f, "/cpus/cpu@2")), "cpu@2") == 0);
	CHECK(fdt_path(&f, "/cpus/cpu@9") < 0);
	CHECK(fdt_path(&f, "/nonexistent") < 0);
	CHECK(fdt_path(&f, "/chosen") > 0);
	int soc = fdt_path(&f, "/soc"), uart = fdt_compatible(&f, -1, "ns16550a");
	CHECK(uart > 0 && fdt_parent(&f, uart) == soc);
}

static void test_machine_smp4(void)
{
	struct machine m;
	CHECK(machine_parse(blob4, &m) == 0);
	CHECK(m.mem_base == 0x80000000 && m.mem_size == 256UL << 20);
	CHECK(m.nharts == 4);
	for (int i = 0; i < 4; i++)
		CHECK(m.hartids[i] == (uint32_t)i);
	CHECK(m.timebase == 10000000);
	CHECK(m.sstc);
	CHECK(m.uart_base == 0x10000000 && m.uart_irq == 10);
	CHECK(m.plic_base == 0xc000000 && m.plic_ndev == 96);
	for (int i = 0; i < 4; i++) /* virt: M-mode context 2i, S-mode 2i+1 */
		CHECK(m.plic_sctx[i] == 2 * i + 1);
	CHECK(m.plic_sctx[4] == -1);
	CHECK(m.finisher_base == 0x100000);
	CHECK(m.sswi_base == 0 && m.sswi_size == 0); /* plain virt: IPIs through the SBI */
	for (int i = 0; i < MAX_HARTS; i++)
		CHECK(m.sswi_reg[i] == -1);
	CHECK(strcmp(m.bootargs, "ktest hz=50") == 0);
	CHECK(m.dtb_size > 4096 && m.dtb_size <= size4); /* header totalsize; the file is padded */
}

static void test_machine_smp8(void)
{
	struct machine m;
	CHECK(machine_parse(blob8, &m) == 0);
	CHECK(m.nharts == 8);
	CHECK(m.plic_sctx[7] == 15);
}

/* virt,aclint=on: the SSWI, one SETSSIP register per hart in order. */
static void test_machine_aclint(void)
{
	struct machine m;
	CHECK(machine_parse(blob_aclint, &m) == 0);
	CHECK(m.nharts == 4);
	CHECK(m.sswi_base == 0x2f00000 && m.sswi_size == 0x4000);
	for (int i = 0; i < 4; i++)
		CHECK(m.sswi_reg[i] == i);
	CHECK(m.sswi_reg[4] == -1);
	for (int i = 0; i < 4; i++) /* the PLIC's contexts are the same */
		CHECK(m.plic_sctx[i] == 2 * i + 1);
}

/* Every single-byte corruption must be refused or parsed, never crash
 * (the sanitizers watch every read). */
static void test_corruption_is_safe(void)
{
	unsigned char *copy = malloc(size4);
	struct machine m;
	int refused = 0;
	/* QEMU pads the file to 1 MiB; only the header's totalsize is the tree
	 * (copying the padding each time made this test take a minute). */
	const unsigned char *h = blob4;
	size_t total = (size_t)h[4] << 24 | h[5] << 16 | h[6] << 8 | h[7];
	CHECK(total > 4096 && total <= size4);
	memcpy(copy, blob4, size4);
	for (size_t i = 0; i < total; i += 3) {
		memcpy(copy, blob4, total);
		copy[i] ^= 0xff;
		refused += machine_parse(copy, &m) != 0;
	}
	CHECK(refused > 0);
	free(copy);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		printf("usage: fdt_test virt-smp4.dtb virt-smp8.dtb virt-aclint-smp4.dtb\n");
		return 2;
	}
	blob4 = load(argv[1], &size4);
	blob8 = load(argv[2], &size8);
	blob_aclint = load(argv[3], &size_aclint);
	RUN(test_header_checks);
	RUN(test_paths);
	RUN(test_machine_smp4);
	RUN(test_machine_smp8);
	RUN(test_machine_aclint);
	RUN(test_corruption_is_safe);
	free(blob4);
	free(blob8);
	free(blob_aclint);
	UNIT_EXIT();
}
