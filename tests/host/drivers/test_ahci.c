/*
 * Host tests for servers/ahci/ahci.c: command headers, the H2D FIS
 * (command, 48-bit LBA, count, 65536 as 0) and PRD entries as the HBA
 * reads them; refusals (too many pieces, odd or oversized pieces, a
 * misaligned table, too many sectors); IDENTIFY's sizes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ahci.h"

static void test_build(void **state)
{
	struct ahci_cmd_header h;
	uint8_t *t = malloc(AHCI_CMD_TABLE_BYTES);
	struct blk_piece p[2] = {{0x123000, 4096}, {0x200200, 512}};
	const uint8_t *prd = t + AHCI_PRDT_OFFSET;

	(void)state;
	memset(t, 0xaa, AHCI_CMD_TABLE_BYTES);
	assert_true(ahci_build(&h, t, 0x7000, ATA_WRITE_DMA_EXT,
			       0x0000123456789abcULL, 9, true, p, 2));
	assert_int_equal(h.flags, 5 | 1 << 6);
	assert_int_equal(h.prdtl, 2);
	assert_int_equal(h.prdbc, 0);
	assert_int_equal(h.ctba, 0x7000);
	assert_int_equal(t[0], 0x27);
	assert_int_equal(t[1], 0x80);
	assert_int_equal(t[2], ATA_WRITE_DMA_EXT);
	assert_int_equal(t[4], 0xbc);
	assert_int_equal(t[5], 0x9a);
	assert_int_equal(t[6], 0x78);
	assert_int_equal(t[7], 0x40);
	assert_int_equal(t[8], 0x56);
	assert_int_equal(t[9], 0x34);
	assert_int_equal(t[10], 0x12);
	assert_int_equal(t[12], 9);
	assert_int_equal(t[13], 0);
	assert_int_equal(t[20], 0); /* the rest of the FIS is zero */
	/* PRD 0: 0x123000, 4096 bytes; PRD 1: 0x200200, 512 bytes */
	assert_int_equal(prd[0], 0x00);
	assert_int_equal(prd[1], 0x30);
	assert_int_equal(prd[2], 0x12);
	assert_int_equal(prd[12] | prd[13] << 8, 4095);
	assert_int_equal(prd[16 + 1], 0x02);
	assert_int_equal(prd[16 + 2], 0x20);
	assert_int_equal(prd[16 + 12] | prd[16 + 13] << 8, 511);
	assert_int_equal(prd[32], 0xaa); /* nothing past the entries */
	/* 65536 sectors: count 0 */
	assert_true(ahci_build(&h, t, 0x7000, ATA_READ_DMA_EXT, 0, 65536, false,
			       p, 1));
	assert_int_equal(h.flags, 5);
	assert_int_equal(t[12], 0);
	assert_int_equal(t[13], 0);
	free(t);
}

static void test_refused(void **state)
{
	struct ahci_cmd_header h;
	uint8_t *t = malloc(AHCI_CMD_TABLE_BYTES);
	struct blk_piece *many = calloc(AHCI_PRD_MAX + 1, sizeof(*many));
	struct blk_piece odd = {0x1000, 511},
			 big = {0x1000, AHCI_PRD_BYTES_MAX + 2};

	(void)state;
	for (unsigned i = 0; i <= AHCI_PRD_MAX; i++)
		many[i] = (struct blk_piece){0x1000ULL * i, 512};
	assert_true(ahci_build(&h, t, 0x7000, ATA_READ_DMA_EXT, 0, 1, false,
			       many, AHCI_PRD_MAX));
	assert_false(ahci_build(&h, t, 0x7000, ATA_READ_DMA_EXT, 0, 1, false,
				many, AHCI_PRD_MAX + 1));
	assert_false(ahci_build(&h, t, 0x7000, ATA_READ_DMA_EXT, 0, 1, false,
				&odd, 1));
	assert_false(ahci_build(&h, t, 0x7000, ATA_READ_DMA_EXT, 0, 1, false,
				&big, 1));
	assert_false(ahci_build(&h, t, 0x7040, ATA_READ_DMA_EXT, 0, 1, false,
				many, 1));
	assert_false(ahci_build(&h, t, 0x7000, ATA_READ_DMA_EXT, 0, 65537,
				false, many, 1));
	free(many);
	free(t);
}

static void test_identify(void **state)
{
	uint16_t id[256] = {0};

	(void)state;
	id[60] = 0x5678;
	id[61] = 0x0123;
	assert_int_equal(ahci_identify_sectors(id), 0x01235678);
	id[100] = 0x1111;
	id[101] = 0x2222;
	id[102] = 0x0003;
	assert_int_equal(ahci_identify_sectors(id), 0x01235678); /* no 48 */
	id[83] = 1 << 10;
	assert_int_equal(ahci_identify_sectors(id), 0x000322221111ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_identify),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
