/*
 * The GUID partition table's checks (gpt.h): UEFI 2.x, "GUID Partition
 * Table (GPT) Disk Layout". Only the primary header is read; a damaged
 * one is refused rather than repaired from the backup.
 */
#include "gpt.h"

#include <string.h>

const uint8_t gpt_esp_type[16] = {0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8,
				  0xd2, 0x11, 0xba, 0x4b, 0x00, 0xa0,
				  0xc9, 0x3e, 0xc9, 0x3b};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

uint32_t gpt_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = crc >> 1 ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

static enum pith_error bad(const char **why, const char *what)
{
	*why = what;
	return PITH_E_CORRUPT;
}

enum pith_error gpt_header(const uint8_t *sec, uint32_t sector_size,
			   uint64_t sectors, struct gpt_header *h,
			   const char **why)
{
	uint8_t copy[512];
	uint32_t size = le32(sec + 12);
	uint64_t array_bytes;

	*why = "no GPT signature";
	if (memcmp(sec, "EFI PART", 8) != 0)
		return PITH_E_NOT_FOUND;
	if (le32(sec + 8) >> 16 != 1)
		return bad(why, "a GPT revision other than 1.x");
	if (size < 92 || size > sizeof(copy) || size > sector_size)
		return bad(why, "a GPT header size out of range");
	memcpy(copy, sec, size);
	memset(copy + 16, 0, 4);
	if (gpt_crc32(0, copy, size) != le32(sec + 16))
		return bad(why, "the GPT header's CRC32 is wrong");
	if (le64(sec + 24) != 1)
		return bad(why, "the GPT header does not say it is at LBA 1");
	h->first_usable = le64(sec + 40);
	h->last_usable = le64(sec + 48);
	h->entries_lba = le64(sec + 72);
	h->entries = le32(sec + 80);
	h->entry_size = le32(sec + 84);
	h->entries_crc = le32(sec + 88);
	if (h->first_usable > h->last_usable || h->last_usable >= sectors ||
	    h->first_usable < 2)
		return bad(why, "the GPT's usable LBAs are out of range");
	if (h->entries == 0 || h->entries > GPT_ENTRIES_MAX ||
	    h->entry_size < 128 || h->entry_size > GPT_ENTRY_MAX ||
	    (h->entry_size & (h->entry_size - 1)) != 0)
		return bad(why, "a GPT entry count or size out of range");
	array_bytes = (uint64_t)h->entries * h->entry_size;
	if (h->entries_lba < 2 || h->entries_lba >= sectors ||
	    (array_bytes + sector_size - 1) / sector_size >
		    sectors - h->entries_lba)
		return bad(why, "the GPT's entries lie outside the disk");
	return PITH_OK;
}

enum pith_error gpt_entry(const struct gpt_header *h, const uint8_t *ent,
			  unsigned i, struct gpt_part *p, bool *is_esp,
			  const char **why)
{
	static const uint8_t unused[16];

	if (memcmp(ent, unused, 16) == 0)
		return PITH_E_NOT_FOUND;
	p->first = le64(ent + 32);
	p->last = le64(ent + 40);
	p->index = i + 1;
	*is_esp = memcmp(ent, gpt_esp_type, 16) == 0;
	if (p->first > p->last || p->first < h->first_usable ||
	    p->last > h->last_usable)
		return bad(why, "a GPT partition outside the usable LBAs");
	return PITH_OK;
}
