/*
 * The block protocol's requests as a driver checks and splits them
 * (pith/blk.h): pure, shared by the block drivers (virtio-blk, ahci) and
 * host-tested (tests/host/drivers/test_blkreq.c).
 */
#ifndef BLK_BLKREQ_H
#define BLK_BLKREQ_H

#include <stdbool.h>
#include <stdint.h>

#include "pith/abi.h"
#include "pith/blk.h"

#define BLK_DATA_PAGES (PITH_BLK_REGION_PAGES - 1)
#define BLK_PAGE       4096ULL

/* Check a request (a copy: the client may change the ring meanwhile)
 * against a disk of `sectors` sectors and the data pages' physical
 * addresses (0: not attached). PITH_OK or the entry's error, as
 * blk.pidl's submit lists them. */
enum pith_error blk_check(const struct pith_blk_request *r, uint64_t sectors,
			  bool read_only, const uint64_t *page_paddr);

/* One physically contiguous piece of a request's data. */
struct blk_piece {
	uint64_t paddr;
	uint32_t len;
};

/* The pieces of `bytes` bytes from byte `offset` of the data pages
 * (checked by blk_check), starting `skip` bytes in; adjacent pages that
 * are adjacent in memory too are one piece, and no piece is longer than
 * max_piece (a power of two, at least a page) nor crosses a multiple of
 * it. At most `max` pieces: returns how many, and *done the bytes they
 * cover (less than asked if `max` ran out). */
unsigned blk_pieces(const uint64_t *page_paddr, uint64_t offset, uint64_t bytes,
		    unsigned max, uint32_t max_piece, struct blk_piece *out,
		    uint64_t *done);

#endif
