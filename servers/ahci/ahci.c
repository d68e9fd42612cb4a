/*
 * AHCI command building (ahci.h): pure, host-tested.
 */
#include "ahci.h"

#include <string.h>

bool ahci_build(struct ahci_cmd_header *h, uint8_t *table, uint64_t ctba,
		uint8_t cmd, uint64_t lba, uint32_t sectors, bool write,
		const struct blk_piece *pieces, unsigned npieces)
{
	struct ahci_prd *prd = (struct ahci_prd *)(table + AHCI_PRDT_OFFSET);
	uint8_t *fis = table;

	if (npieces > AHCI_PRD_MAX || sectors > ATA_SECTORS_MAX || (ctba & 127))
		return false;
	for (unsigned i = 0; i < npieces; i++)
		if (pieces[i].len == 0 || (pieces[i].len & 1) ||
		    pieces[i].len > AHCI_PRD_BYTES_MAX)
			return false;
	memset(table, 0, AHCI_PRDT_OFFSET + 16 * npieces);
	fis[0] = 0x27; /* register FIS, host to device */
	fis[1] = 0x80; /* a command */
	fis[2] = cmd;
	fis[4] = (uint8_t)lba;
	fis[5] = (uint8_t)(lba >> 8);
	fis[6] = (uint8_t)(lba >> 16);
	fis[7] = 0x40; /* LBA mode */
	fis[8] = (uint8_t)(lba >> 24);
	fis[9] = (uint8_t)(lba >> 32);
	fis[10] = (uint8_t)(lba >> 40);
	fis[12] = (uint8_t)sectors; /* 65536 is 0 */
	fis[13] = (uint8_t)(sectors >> 8);
	for (unsigned i = 0; i < npieces; i++)
		prd[i] = (struct ahci_prd){.dba = pieces[i].paddr,
					   .dbc = pieces[i].len - 1};
	*h = (struct ahci_cmd_header){
		.flags = (uint16_t)(5 | (write ? 1U << 6 : 0)),
		.prdtl = (uint16_t)npieces,
		.ctba = ctba};
	return true;
}

uint64_t ahci_identify_sectors(const uint16_t *id)
{
	uint64_t n48 = (uint64_t)id[100] | (uint64_t)id[101] << 16 |
		       (uint64_t)id[102] << 32 | (uint64_t)id[103] << 48;

	if ((id[83] & (1U << 10)) && n48)
		return n48;
	return (uint64_t)id[60] | (uint64_t)id[61] << 16;
}
