/*
 * The GUID partition table, as the FAT server reads it to find its
 * volume (docs/vfs.md): the header at LBA 1 and its array of entries,
 * both checked (signature, sizes, CRC32s) before any entry is believed.
 * Pure: no I/O of its own, so the host tests it.
 */
#ifndef FAT_GPT_H
#define FAT_GPT_H

#include <pith/abi.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GPT_ENTRIES_MAX 1024 /* entries in an array we accept */
#define GPT_ENTRY_MAX	4096 /* bytes of one entry we accept */

/* The EFI System Partition's type GUID, C12A7328-F81F-11D2-BA4B-
 * 00A0C93EC93B, as it is stored (the first three fields little endian). */
extern const uint8_t gpt_esp_type[16];

/* What the header says, once checked. */
struct gpt_header {
	uint64_t first_usable, last_usable;
	uint64_t entries_lba;
	uint32_t entries;    /* number of entries */
	uint32_t entry_size; /* bytes each */
	uint32_t entries_crc;
};

struct gpt_part {
	uint64_t first, last; /* LBAs, inclusive */
	unsigned index;	      /* 1-based, as partition tools number them */
};

/* The CRC-32 of IEEE 802.3 (as GPT uses it), continued from `crc`
 * (0 to start). */
uint32_t gpt_crc32(uint32_t crc, const void *buf, size_t len);

/* Check the header sector `sec` (sector_size bytes) of a disk of
 * `sectors` sectors; PITH_E_NOT_FOUND if it has no GPT signature,
 * PITH_E_CORRUPT (with *why) for a header that is not sound. */
enum pith_error gpt_header(const uint8_t *sec, uint32_t sector_size,
			   uint64_t sectors, struct gpt_header *h,
			   const char **why);

/* Entry `i` (0-based) in the array's bytes `ent` (h->entry_size):
 * unused entries are PITH_E_NOT_FOUND; a used one that lies outside the
 * usable LBAs or ends before it starts is PITH_E_CORRUPT. *is_esp says
 * whether its type is the ESP's. */
enum pith_error gpt_entry(const struct gpt_header *h, const uint8_t *ent,
			  unsigned i, struct gpt_part *p, bool *is_esp,
			  const char **why);

#endif
