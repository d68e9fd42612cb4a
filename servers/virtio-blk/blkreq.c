/*
 * Block requests (blkreq.h): pure, host-tested.
 */
#include "blkreq.h"

enum pith_error blk_check(const struct pith_blk_request *r, uint64_t sectors,
			  bool read_only, const uint64_t *page_paddr)
{
	uint64_t bytes, first, last;

	if (r->op != PITH_BLK_READ && r->op != PITH_BLK_WRITE)
		return PITH_E_INVALID_ARGUMENT;
	if (r->count == 0)
		return PITH_E_INVALID_ARGUMENT;
	if (r->count > PITH_BLK_MAX_SECTORS)
		return PITH_E_RANGE;
	if (r->sector >= sectors || r->count > sectors - r->sector)
		return PITH_E_RANGE;
	if (r->offset % PITH_BLK_SECTOR)
		return PITH_E_ALIGNMENT;
	bytes = (uint64_t)r->count * PITH_BLK_SECTOR;
	if (r->offset > BLK_DATA_PAGES * BLK_PAGE ||
	    bytes > BLK_DATA_PAGES * BLK_PAGE - r->offset)
		return PITH_E_RANGE;
	if (r->op == PITH_BLK_WRITE && read_only)
		return PITH_E_READ_ONLY;
	first = r->offset / BLK_PAGE;
	last = (r->offset + bytes - 1) / BLK_PAGE;
	for (uint64_t p = first; p <= last; p++)
		if (!page_paddr[p])
			return PITH_E_NOT_MAPPED;
	return PITH_OK;
}

unsigned blk_pieces(const uint64_t *page_paddr, uint64_t offset, uint64_t bytes,
		    unsigned max, uint32_t max_piece, struct blk_piece *out,
		    uint64_t *done)
{
	unsigned n = 0;
	uint64_t pos = offset, end = offset + bytes;

	while (pos < end) {
		uint64_t pa = page_paddr[pos / BLK_PAGE] + pos % BLK_PAGE;
		uint64_t len = BLK_PAGE - pos % BLK_PAGE;

		if (len > end - pos)
			len = end - pos;
		if (n > 0 && out[n - 1].paddr + out[n - 1].len == pa &&
		    (pa & (max_piece - 1)) != 0 &&
		    out[n - 1].len + len <= max_piece) {
			out[n - 1].len += (uint32_t)len;
		} else {
			if (n == max)
				break;
			out[n++] = (struct blk_piece){pa, (uint32_t)len};
		}
		pos += len;
	}
	*done = pos - offset;
	return n;
}
