/*
 * The FAT server's disk (docs/vfs.md): a disk of a block driver, opened
 * through the blk protocol, with a region shared with the driver (a ring
 * page and data pages), and the partition the volume lies in. The
 * engine's struct fat_dev reads and writes through it, offset by the
 * partition's start and bounded by its size.
 */
#ifndef FAT_DISK_H
#define FAT_DISK_H

#include <stdbool.h>
#include <stdint.h>

#include "fat.h"
#include "pith/blkdev.h"

#define DISK_DATA_PAGES 64 /* 256 KiB of data in the region */

struct fat_disk {
	struct pith_blkdev blk; /* the whole disk */
	uint32_t sector_size;
	bool read_only;
	uint64_t start; /* the partition: first sector and size */
	uint64_t count;
	unsigned part; /* its GPT index, 0 for the whole disk */
};

/* Which partition: the ESP, a GPT index, or the whole disk (no GPT). */
struct disk_choice {
	bool whole;
	unsigned index; /* 1-based; 0: the first ESP */
};

/* Open disk `which` of the driver at `blk`, share the region and find
 * the partition. *why says what failed. */
enum pith_error disk_open(struct fat_disk *d, pith_cptr_t blk, uint32_t which,
			  struct disk_choice choice, const char **why);

/* The engine's device over the partition. */
void disk_fat_dev(struct fat_disk *d, struct fat_dev *dev);

#endif
