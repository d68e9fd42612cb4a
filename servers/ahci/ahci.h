/*
 * AHCI structures the driver builds in memory the HBA reads (AHCI 1.3):
 * command headers, command tables with their FIS and PRD entries. Pure,
 * so the building is host-tested (tests/host/drivers/test_ahci.c).
 */
#ifndef AHCI_AHCI_H
#define AHCI_AHCI_H

#include <stdbool.h>
#include <stdint.h>

#include "blkreq.h"

#define AHCI_CMD_TABLE_BYTES 4096 /* one page per command table */
#define AHCI_PRDT_OFFSET     0x80
#define AHCI_PRD_MAX	     ((AHCI_CMD_TABLE_BYTES - AHCI_PRDT_OFFSET) / 16)
#define AHCI_PRD_BYTES_MAX   (4U << 20) /* one PRD entry */

#define ATA_READ_DMA_EXT  0x25
#define ATA_WRITE_DMA_EXT 0x35
#define ATA_FLUSH_EXT	  0xea
#define ATA_IDENTIFY	  0xec
#define ATA_SECTORS_MAX	  65536 /* per READ/WRITE DMA EXT */

struct ahci_cmd_header {
	uint16_t flags; /* CFL in bits 0-4, W bit 6 */
	uint16_t prdtl; /* PRD entries */
	uint32_t prdbc; /* bytes moved, written by the HBA */
	uint64_t ctba;	/* the command table, 128-byte aligned */
	uint32_t reserved[4];
};

struct ahci_prd {
	uint64_t dba;
	uint32_t reserved;
	uint32_t dbc; /* bytes - 1 (bit 0 set: even counts), I in bit 31 */
};

_Static_assert(sizeof(struct ahci_cmd_header) == 32, "AHCI 4.2.2");
_Static_assert(sizeof(struct ahci_prd) == 16, "AHCI 4.2.3.3");

/* Write a command: the header (for a table at ctba) and the table
 * (`table`, AHCI_CMD_TABLE_BYTES) with an H2D register FIS for `cmd`
 * at `lba` for `sectors` and the PRD entries of `npieces` pieces.
 * false if there are too many pieces or one is odd-sized or too big. */
bool ahci_build(struct ahci_cmd_header *h, uint8_t *table, uint64_t ctba,
		uint8_t cmd, uint64_t lba, uint32_t sectors, bool write,
		const struct blk_piece *pieces, unsigned npieces);

/* The disk's size in sectors from IDENTIFY DEVICE's 256 words: the
 * 48-bit count if the disk supports it, else the 28-bit one. */
uint64_t ahci_identify_sectors(const uint16_t *id);

#endif
