/*
 * A disk of a block driver, from the client's side (pith/blkdev.h).
 */
#include "pith/blkdev.h"

#include "lib/string.h"
#include "pith/alloc.h"
#include "pith/proto/blk.h"
#include "pith/vm.h"

_Static_assert((PITH_BLK_REGION_PAGES - 1) * PITH_PAGE_SIZE /
			       PITH_BLKDEV_ENTRY <=
		       PITH_BLK_RING_SIZE,
	       "a full region's entries fit the ring");
_Static_assert(PITH_BLKDEV_ENTRY / PITH_BLK_SECTOR <= PITH_BLK_MAX_SECTORS,
	       "an entry is within the driver's limit");

static enum pith_error share_region(struct pith_blkdev *d)
{
	uint64_t va;
	enum pith_error err = pith_vm_map_new(
		1 + d->data_pages, PITH_RIGHT_READ | PITH_RIGHT_WRITE, &va);

	if (err != PITH_OK)
		return err;
	for (uint32_t i = 0; i <= d->data_pages && err == PITH_OK; i++)
		err = blk_attach(d->handle, i,
				 pith_vm_frame(va + i * PITH_PAGE_SIZE));
	if (err != PITH_OK) {
		pith_vm_unmap(va);
		return err;
	}
	d->ring = (volatile struct pith_blk_request *)va;
	d->data = (uint8_t *)(va + PITH_PAGE_SIZE);
	return PITH_OK;
}

enum pith_error pith_blkdev_open(struct pith_blkdev *d, pith_cptr_t blk,
				 uint32_t disk, uint32_t data_pages)
{
	uint32_t flags = 0;
	enum pith_error err;

	*d = (struct pith_blkdev){.data_pages = data_pages};
	if (data_pages < 1 || data_pages >= PITH_BLK_REGION_PAGES)
		return PITH_E_INVALID_ARGUMENT;
	err = blk_open(blk, disk, &d->handle, &d->sectors, &d->sector_size,
		       &flags);
	if (err != PITH_OK) {
		d->handle = 0;
		return err;
	}
	d->read_only = flags & PITH_BLK_READ_ONLY;
	if (d->sector_size < PITH_BLK_SECTOR ||
	    PITH_BLKDEV_ENTRY % d->sector_size != 0)
		err = PITH_E_INVALID_ARGUMENT;
	if (err == PITH_OK)
		err = share_region(d);
	if (err != PITH_OK) {
		blk_close(d->handle);
		pith_slot_free(d->handle);
		*d = (struct pith_blkdev){0};
	}
	return err;
}

/* Sectors [lba, lba + count) to or from buf, a region at a time. */
static enum pith_error transfer(struct pith_blkdev *d, uint32_t op,
				uint64_t lba, uint64_t count, uint8_t *buf)
{
	const uint32_t ss = d->sector_size;
	const uint64_t per_submit =
		(uint64_t)d->data_pages * PITH_PAGE_SIZE / ss;
	const uint32_t per_entry = PITH_BLKDEV_ENTRY / ss;

	if (!d->ring)
		return PITH_E_INVALID_CAPABILITY;
	if (lba > d->sectors || count > d->sectors - lba)
		return PITH_E_RANGE;
	if (op == PITH_BLK_WRITE && d->read_only)
		return PITH_E_READ_ONLY;
	while (count) {
		uint64_t n = count < per_submit ? count : per_submit;
		uint32_t e = 0;
		enum pith_error err;

		if (op == PITH_BLK_WRITE)
			memcpy(d->data, buf, n * ss);
		for (uint64_t s = 0; s < n; s += per_entry, e++)
			d->ring[e] = (struct pith_blk_request){
				.op = op,
				.count = (uint32_t)(n - s < per_entry
							    ? n - s
							    : per_entry),
				.sector = lba + s,
				.offset = s * ss,
				.status = PITH_E_IO,
			};
		err = blk_submit(d->handle, 0, e);
		for (uint32_t i = 0; i < e && err == PITH_OK; i++)
			err = (enum pith_error)d->ring[i].status;
		if (err != PITH_OK)
			return err;
		if (op == PITH_BLK_READ)
			memcpy(buf, d->data, n * ss);
		buf += n * ss;
		lba += n;
		count -= n;
	}
	return PITH_OK;
}

enum pith_error pith_blkdev_read(struct pith_blkdev *d, uint64_t lba,
				 uint64_t count, void *buf)
{
	return transfer(d, PITH_BLK_READ, lba, count, buf);
}

enum pith_error pith_blkdev_write(struct pith_blkdev *d, uint64_t lba,
				  uint64_t count, const void *buf)
{
	/* transfer() only reads from buf when writing */
	return transfer(d, PITH_BLK_WRITE, lba, count, (uint8_t *)buf);
}

enum pith_error pith_blkdev_flush(struct pith_blkdev *d)
{
	return d->handle ? blk_flush(d->handle) : PITH_E_INVALID_CAPABILITY;
}

void pith_blkdev_close(struct pith_blkdev *d)
{
	if (!d->handle)
		return;
	blk_close(d->handle);
	pith_slot_free(d->handle);
	if (d->ring)
		pith_vm_unmap((uint64_t)(uintptr_t)d->ring);
	*d = (struct pith_blkdev){0};
}
