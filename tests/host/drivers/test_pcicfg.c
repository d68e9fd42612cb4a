/*
 * Host tests for servers/pci/config.c over fake configuration spaces:
 * the capability list (found, chained, looping, pointing out of the
 * space, with the list bit clear), BAR decoding (I/O, 32-bit, 64-bit,
 * prefetchable, unimplemented, a 64-bit BAR in the last register), and
 * which writes a driver may make (BARs, ROM, bridge windows, the MSI and
 * MSI-X capabilities refused; the command register and the rest
 * allowed), plus random configuration spaces that must never make the
 * parser read out of bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"

static void put(uint8_t *cfg, unsigned off, unsigned width, uint32_t v)
{
	for (unsigned i = 0; i < width; i++)
		cfg[off + i] = (uint8_t)(v >> (8 * i));
}

/* A device with an MSI capability (64-bit, masking: 24 bytes) at 0x50,
 * a vendor capability at 0x68 and MSI-X at 0x70 (12 bytes), chained
 * 0x50 -> 0x68 -> 0x70. */
static void device(uint8_t *cfg)
{
	memset(cfg, 0, PCI_CFG_SIZE);
	put(cfg, PCI_VENDOR, 2, 0x1af4);
	put(cfg, PCI_DEVICE_ID, 2, 0x1042);
	put(cfg, PCI_STATUS, 2, PCI_STATUS_CAPS);
	cfg[PCI_CAP_PTR] = 0x50;
	cfg[0x50] = PCI_CAP_MSI;
	cfg[0x51] = 0x68;
	put(cfg, 0x52, 2, PCI_MSI_CTRL_64 | PCI_MSI_CTRL_MASK);
	cfg[0x68] = PCI_CAP_VNDR;
	cfg[0x69] = 0x70;
	cfg[0x70] = PCI_CAP_MSIX;
	cfg[0x71] = 0;
}

static void test_cap_find(void **state)
{
	uint8_t cfg[PCI_CFG_SIZE];

	(void)state;
	device(cfg);
	assert_int_equal(pci_cap_find(cfg, PCI_CAP_MSI, 0), 0x50);
	assert_int_equal(pci_cap_find(cfg, PCI_CAP_VNDR, 0), 0x68);
	assert_int_equal(pci_cap_find(cfg, PCI_CAP_MSIX, 0), 0x70);
	assert_int_equal(pci_cap_find(cfg, 0x10, 0), 0);
	/* after: the next one of the kind */
	assert_int_equal(pci_cap_find(cfg, PCI_CAP_VNDR, 0x68), 0);
	cfg[0x71] = 0x80;
	cfg[0x80] = PCI_CAP_VNDR;
	assert_int_equal(pci_cap_find(cfg, PCI_CAP_VNDR, 0x68), 0x80);
	/* the low bits of a pointer are reserved */
	cfg[0x69] = 0x73;
	assert_int_equal(pci_cap_find(cfg, PCI_CAP_MSIX, 0), 0x70);
	/* no list */
	put(cfg, PCI_STATUS, 2, 0);
	assert_int_equal(pci_cap_find(cfg, PCI_CAP_MSI, 0), 0);
}

static void test_cap_broken(void **state)
{
	uint8_t cfg[PCI_CFG_SIZE];

	(void)state;
	device(cfg);
	cfg[0x69] = 0x50; /* a loop: 0x50 -> 0x68 -> 0x50 */
	assert_int_equal(pci_cap_find(cfg, PCI_CAP_MSIX, 0), 0);
	device(cfg);
	cfg[0x69] = 0xfc; /* the last dword: an entry may start there */
	cfg[0xfc] = PCI_CAP_MSIX;
	assert_int_equal(pci_cap_find(cfg, PCI_CAP_MSIX, 0), 0xfc);
	cfg[0xfd] = 0xfd; /* and point nowhere valid (0xfc again: a loop) */
	assert_int_equal(pci_cap_find(cfg, 0x42, 0), 0);
	device(cfg);
	cfg[PCI_CAP_PTR] = 0x20; /* into the header */
	assert_int_equal(pci_cap_find(cfg, PCI_CAP_MSI, 0), 0);
}

static void test_bars(void **state)
{
	/* BAR0 I/O 32 ports at 0xc040; BAR1 mem32 4 KiB at 0xfebd1000;
	 * BAR2-3 mem64 prefetchable 16 KiB at 0x8_0000_4000; BAR4 none;
	 * BAR5 mem32 8 KiB. */
	const uint32_t raw[6] = {0xc041, 0xfebd1000, 0x4000 | 0xc,
				 0x8,	 0,	     0xfebd4000};
	const uint32_t probe[6] = {0xffffffe1, 0xfffff000, 0xffffc00c,
				   0xffffffff, 0,	   0xffffe000};
	struct pci_bar b[6];

	(void)state;
	assert_true(pci_bars_decode(raw, probe, 6, b));
	assert_int_equal(b[0].kind, PCI_KIND_IO);
	assert_int_equal(b[0].addr, 0xc040);
	assert_int_equal(b[0].size, 32);
	assert_int_equal(b[1].kind, PCI_KIND_MEM32);
	assert_int_equal(b[1].addr, 0xfebd1000);
	assert_int_equal(b[1].size, 4096);
	assert_false(b[1].prefetchable);
	assert_int_equal(b[2].kind, PCI_KIND_MEM64);
	assert_int_equal(b[2].addr, 0x800004000ULL);
	assert_int_equal(b[2].size, 16384);
	assert_true(b[2].prefetchable);
	assert_int_equal(b[3].kind, PCI_KIND_NONE);
	assert_int_equal(b[4].kind, PCI_KIND_NONE);
	assert_int_equal(b[5].kind, PCI_KIND_MEM32);
	assert_int_equal(b[5].size, 8192);
}

static void test_bars_malformed(void **state)
{
	const uint32_t raw64[2] = {0, 0x4}; /* 64-bit in the last one */
	const uint32_t probe64[2] = {0, 0xfffff004};
	/* a 64-bit BAR of 4 GiB: the size is in the upper half */
	const uint32_t rawbig[2] = {0x4, 0x1};
	const uint32_t probebig[2] = {0x4, 0xffffffff};
	const uint32_t rawres[1] = {0x6}; /* reserved memory type */
	const uint32_t proberes[1] = {0xfffff006};
	struct pci_bar b[6];

	(void)state;
	assert_false(pci_bars_decode(raw64, probe64, 2, b));
	assert_true(pci_bars_decode(rawbig, probebig, 2, b));
	assert_int_equal(b[0].kind, PCI_KIND_MEM64);
	assert_int_equal(b[0].addr, 0x100000000ULL);
	assert_int_equal(b[0].size, 0x100000000ULL);
	assert_true(pci_bars_decode(rawres, proberes, 1, b));
	assert_int_equal(b[0].kind, PCI_KIND_NONE);
}

static void test_writes(void **state)
{
	uint8_t cfg[PCI_CFG_SIZE];

	(void)state;
	device(cfg);
	assert_true(pci_write_allowed(cfg, PCI_COMMAND, 2));
	assert_true(pci_write_allowed(cfg, 0x0c, 1));
	assert_true(pci_write_allowed(cfg, 0x3c, 1)); /* interrupt line */
	for (unsigned off = PCI_BAR0; off < PCI_BAR0 + 24; off++)
		assert_false(pci_write_allowed(cfg, off, 1));
	assert_false(pci_write_allowed(cfg, PCI_BAR0 + 20, 4));
	assert_false(pci_write_allowed(cfg, PCI_ROM_TYPE0, 4));
	/* the MSI capability: 0x50 + 24 bytes (64-bit, masking) */
	for (unsigned off = 0x50; off < 0x50 + 24; off++)
		assert_false(pci_write_allowed(cfg, off, 1));
	assert_false(pci_write_allowed(cfg, 0x64, 4));
	/* the vendor capability is the driver's */
	assert_true(pci_write_allowed(cfg, 0x68, 4));
	assert_true(pci_write_allowed(cfg, 0x6c, 4));
	/* MSI-X: 12 bytes */
	assert_false(pci_write_allowed(cfg, 0x70, 2));
	assert_false(pci_write_allowed(cfg, 0x78, 4));
	assert_true(pci_write_allowed(cfg, 0x7c, 4));
	/* width and alignment */
	assert_false(pci_write_allowed(cfg, PCI_COMMAND, 3));
	assert_false(pci_write_allowed(cfg, 0x41, 2));
	assert_false(pci_write_allowed(cfg, 0xfe, 4));
	assert_false(pci_write_allowed(cfg, 0x100, 1));
	/* a bridge: two BARs, then its bus numbers and windows */
	cfg[PCI_HEADER_TYPE] = 1;
	assert_false(pci_write_allowed(cfg, 0x14, 4));
	assert_false(pci_write_allowed(cfg, 0x18, 4));
	assert_false(pci_write_allowed(cfg, 0x38, 4));
	assert_true(pci_write_allowed(cfg, PCI_COMMAND, 2));
}

static void test_msi_layout(void **state)
{
	uint8_t cfg[PCI_CFG_SIZE];
	unsigned len;

	(void)state;
	device(cfg);
	assert_int_equal(pci_msi_data_offset(cfg, 0x50), 0x5c);
	assert_true(pci_cap_span(cfg, 0x50, &len));
	assert_int_equal(len, 24);
	put(cfg, 0x52, 2, 0);
	assert_int_equal(pci_msi_data_offset(cfg, 0x50), 0x58);
	assert_true(pci_cap_span(cfg, 0x50, &len));
	assert_int_equal(len, 10);
	assert_false(pci_cap_span(cfg, 0x68, &len));
	assert_false(pci_cap_span(cfg, 0x10, &len));
}

/* Random spaces: whatever the bytes, the walk ends inside the space. */
static void test_random(void **state)
{
	uint8_t *cfg = malloc(PCI_CFG_SIZE); /* exact size: ASan checks */

	(void)state;
	srand(7);
	for (unsigned n = 0; n < 20000; n++) {
		for (unsigned i = 0; i < PCI_CFG_SIZE; i++)
			cfg[i] = (uint8_t)rand();
		for (unsigned id = 0; id < 0x20; id++) {
			unsigned c = pci_cap_find(cfg, id, 0);

			assert_true(c == 0 || (c >= 0x40 && c <= 0xfc));
			if (c)
				assert_int_equal(cfg[c], id);
		}
		for (unsigned off = 0; off < PCI_CFG_SIZE; off += 4)
			(void)pci_write_allowed(cfg, off, 4);
	}
	free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap_find),
		cmocka_unit_test(test_cap_broken),
		cmocka_unit_test(test_bars),
		cmocka_unit_test(test_bars_malformed),
		cmocka_unit_test(test_writes),
		cmocka_unit_test(test_msi_layout),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
