/*
 * The block protocol's shared region (sdk/idl/proto/blk.pidl,
 * docs/vfs.md). A client shares up to PITH_BLK_REGION_PAGES pages with a
 * driver: page 0 is a ring of PITH_BLK_RING_SIZE requests, the others
 * are data, addressed by a byte offset from the start of page 1. The
 * client fills entries and calls submit with the first and the count;
 * the driver moves the data between the device and those pages by DMA
 * and sets each entry's status before it answers.
 */
#ifndef PITH_BLK_H
#define PITH_BLK_H

#include <stdint.h>

#define PITH_BLK_REGION_PAGES 257 /* the ring and 1 MiB of data */
#define PITH_BLK_RING_SIZE    64

#define PITH_BLK_SECTOR	     512  /* sector_size of every driver now */
#define PITH_BLK_MAX_SECTORS 2048 /* per request: the 1 MiB of data */

#define PITH_BLK_READ  1
#define PITH_BLK_WRITE 2

/* blk.open flags */
#define PITH_BLK_READ_ONLY 0x01

struct pith_blk_request {
	uint32_t op;	 /* PITH_BLK_READ or PITH_BLK_WRITE */
	uint32_t count;	 /* sectors */
	uint64_t sector; /* the first */
	uint64_t offset; /* bytes into the data pages, sector-aligned */
	int32_t status;	 /* enum pith_error, set by the driver */
	uint32_t reserved;
};

#endif
