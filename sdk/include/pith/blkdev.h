/*
 * A disk of a block driver, from the client's side (sdk/idl/proto/
 * blk.pidl, pith/blk.h, docs/sdk.md): the disk opened, a region of
 * `data_pages` pages plus the ring shared with the driver, and reads and
 * writes of any number of sectors that go through that region, at most
 * its size per submit, cut into ring entries of PITH_BLKDEV_ENTRY bytes.
 *
 *	struct pith_blkdev d;
 *	static uint8_t sector[512];
 *
 *	if (pith_blkdev_open(&d, pith_cap("disk"), 0, 64) == PITH_OK &&
 *	    pith_blkdev_read(&d, 1, 1, sector) == PITH_OK)
 *		...
 *
 * A client that wants the data where the driver put it (no copy) fills
 * the ring itself: d.ring and d.data are the region, and blk_submit()
 * on d.handle carries the entries out.
 */
#ifndef PITH_BLKDEV_H
#define PITH_BLKDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "pith/blk.h"
#include "pith/invoke.h"

#define PITH_BLKDEV_ENTRY 65536u /* bytes per ring entry */

struct pith_blkdev {
	pith_cptr_t handle; /* the disk's capability from blk.open */
	volatile struct pith_blk_request *ring;
	uint8_t *data;	     /* data_pages pages, after the ring's */
	uint32_t data_pages; /* 1 to PITH_BLK_REGION_PAGES - 1 */
	uint64_t sectors;
	uint32_t sector_size;
	bool read_only;
};

/* Open disk `disk` of the driver whose service endpoint is `blk` and
 * share a region of `data_pages` data pages with it. The driver's
 * errors (PITH_E_RANGE: no such disk, PITH_E_IN_USE), the allocator's,
 * PITH_E_INVALID_ARGUMENT for a data_pages out of range or a sector size
 * that does not divide PITH_BLKDEV_ENTRY. On failure nothing is held. */
enum pith_error pith_blkdev_open(struct pith_blkdev *d, pith_cptr_t blk,
				 uint32_t disk, uint32_t data_pages);

/* Sectors [lba, lba + count) into or from buf. PITH_E_RANGE past the
 * disk, PITH_E_READ_ONLY for a write to a read-only disk, else the
 * first error of a ring entry or of the submit. */
enum pith_error pith_blkdev_read(struct pith_blkdev *d, uint64_t lba,
				 uint64_t count, void *buf);
enum pith_error pith_blkdev_write(struct pith_blkdev *d, uint64_t lba,
				  uint64_t count, const void *buf);

/* The device's cache flushed: what was written is permanent. */
enum pith_error pith_blkdev_flush(struct pith_blkdev *d);

/* Give the disk up: blk.close, the region unmapped, the handle's slot
 * freed. */
void pith_blkdev_close(struct pith_blkdev *d);

#endif
