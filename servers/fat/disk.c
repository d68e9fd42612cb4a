/*
 * The FAT server's disk (disk.h): the blk protocol's client side and the
 * partition the volume lies in. Transfers go through the shared region:
 * at most its data pages per submit, cut into ring entries of
 * DISK_ENTRY_MAX bytes, so that a large read is a few submits of several
 * entries each rather than one small request after another.
 */
#include "disk.h"

#include <string.h>

#include "gpt.h"
#include "pith/pith.h"
#include "pith/proto/blk.h"
#include "pith/vm.h"

#define REGION_BYTES ((uint64_t)DISK_DATA_PAGES * PITH_PAGE_SIZE)

_Static_assert(REGION_BYTES / DISK_ENTRY_MAX <= PITH_BLK_RING_SIZE,
	       "a submit's entries fit the ring");
_Static_assert(DISK_ENTRY_MAX / PITH_BLK_SECTOR <= PITH_BLK_MAX_SECTORS,
	       "an entry is within the driver's limit");
_Static_assert(1 + DISK_DATA_PAGES <= PITH_BLK_REGION_PAGES,
	       "the region is within the protocol's");

/* Sectors [lba, lba + count) of the whole disk, to or from buf. */
static enum pith_error transfer(struct fat_disk *d, uint32_t op, uint64_t lba,
				uint32_t count, uint8_t *buf)
{
	const uint32_t ss = d->sector_size;
	const uint32_t per_submit = (uint32_t)(REGION_BYTES / ss);
	const uint32_t per_entry = DISK_ENTRY_MAX / ss;

	if (lba > d->sectors || count > d->sectors - lba)
		return PITH_E_RANGE;
	while (count) {
		uint32_t n = count < per_submit ? count : per_submit;
		unsigned e = 0;
		enum pith_error err;

		if (op == PITH_BLK_WRITE)
			memcpy(d->data, buf, (size_t)n * ss);
		for (uint32_t s = 0; s < n; s += per_entry, e++)
			d->ring[e] = (struct pith_blk_request){
				.op = op,
				.count = n - s < per_entry ? n - s : per_entry,
				.sector = lba + s,
				.offset = (uint64_t)s * ss,
				.status = PITH_E_IO,
			};
		err = blk_submit(d->handle, 0, e);
		for (unsigned i = 0; i < e && err == PITH_OK; i++)
			err = (enum pith_error)d->ring[i].status;
		if (err != PITH_OK)
			return err;
		if (op == PITH_BLK_READ)
			memcpy(buf, d->data, (size_t)n * ss);
		buf += (size_t)n * ss;
		lba += n;
		count -= n;
	}
	return PITH_OK;
}

/* The engine's device: sectors of the partition. */
static enum pith_error part_io(struct fat_disk *d, uint32_t op, uint64_t lba,
			       uint32_t count, uint8_t *buf)
{
	if (lba > d->count || count > d->count - lba)
		return PITH_E_RANGE;
	return transfer(d, op, d->start + lba, count, buf);
}

static enum pith_error dev_read(void *ctx, uint64_t lba, uint32_t count,
				void *buf)
{
	return part_io(ctx, PITH_BLK_READ, lba, count, buf);
}

static enum pith_error dev_write(void *ctx, uint64_t lba, uint32_t count,
				 const void *buf)
{
	/* transfer() only reads from buf when writing */
	return part_io(ctx, PITH_BLK_WRITE, lba, count, (uint8_t *)buf);
}

static enum pith_error dev_flush(void *ctx)
{
	const struct fat_disk *d = ctx;

	return blk_flush(d->handle);
}

void disk_fat_dev(struct fat_disk *d, struct fat_dev *dev)
{
	*dev = (struct fat_dev){
		.ctx = d,
		.sector_size = d->sector_size,
		.sectors = d->count,
		.read = dev_read,
		.write = d->read_only ? NULL : dev_write,
		.flush = dev_flush,
	};
}

/* Is entry p the one asked for? */
static bool chosen(struct disk_choice c, const struct gpt_part *p, bool esp)
{
	return c.index ? p->index == c.index : esp;
}

/* Walk the entry array (its CRC checked before any entry is used) for
 * the partition `c` names. */
static enum pith_error find_entry(struct fat_disk *d,
				  const struct gpt_header *h,
				  struct disk_choice c, struct gpt_part *out,
				  const char **why)
{
	static uint8_t chunk[64 * 1024];
	const uint64_t total = (uint64_t)h->entries * h->entry_size;
	uint64_t at = 0;
	uint32_t crc = 0;
	bool found = false;

	while (at < total) {
		uint64_t n =
			total - at < sizeof(chunk) ? total - at : sizeof(chunk);
		uint32_t secs =
			(uint32_t)((n + d->sector_size - 1) / d->sector_size);
		enum pith_error err = transfer(
			d, PITH_BLK_READ, h->entries_lba + at / d->sector_size,
			secs, chunk);

		if (err != PITH_OK) {
			*why = "the GPT's entries cannot be read";
			return err;
		}
		crc = gpt_crc32(crc, chunk, n);
		for (uint64_t o = 0; o < n; o += h->entry_size) {
			unsigned i = (unsigned)((at + o) / h->entry_size);
			struct gpt_part p;
			bool esp;

			err = gpt_entry(h, chunk + o, i, &p, &esp, why);
			if (err == PITH_E_CORRUPT)
				return err;
			if (err == PITH_OK && !found && chosen(c, &p, esp)) {
				*out = p;
				found = true;
			}
		}
		at += n;
	}
	if (crc != h->entries_crc) {
		*why = "the GPT entries' CRC32 is wrong";
		return PITH_E_CORRUPT;
	}
	*why = c.index ? "no such GPT partition" : "no EFI System Partition";
	return found ? PITH_OK : PITH_E_NOT_FOUND;
}

static enum pith_error find_part(struct fat_disk *d, struct disk_choice c,
				 const char **why)
{
	static uint8_t sec[FAT_SECTOR_MAX];
	struct gpt_header h;
	struct gpt_part p;
	enum pith_error err;

	if (c.whole) {
		d->start = 0;
		d->count = d->sectors;
		d->part = 0;
		return PITH_OK;
	}
	err = transfer(d, PITH_BLK_READ, 1, 1, sec);
	if (err != PITH_OK) {
		*why = "the GPT header cannot be read";
		return err;
	}
	err = gpt_header(sec, d->sector_size, d->sectors, &h, why);
	if (err == PITH_OK)
		err = find_entry(d, &h, c, &p, why);
	if (err != PITH_OK)
		return err;
	d->start = p.first;
	d->count = p.last - p.first + 1;
	d->part = p.index;
	return PITH_OK;
}

static enum pith_error share_region(struct fat_disk *d, const char **why)
{
	uint64_t va;
	enum pith_error err = pith_vm_map_new(
		1 + DISK_DATA_PAGES, PITH_RIGHT_READ | PITH_RIGHT_WRITE, &va);

	if (err != PITH_OK) {
		*why = "no memory for the region";
		return err;
	}
	d->ring = (volatile struct pith_blk_request *)va;
	d->data = (uint8_t *)(va + PITH_PAGE_SIZE);
	for (unsigned i = 0; i <= DISK_DATA_PAGES && err == PITH_OK; i++)
		err = blk_attach(d->handle, i,
				 pith_vm_frame(va + i * PITH_PAGE_SIZE));
	if (err != PITH_OK)
		*why = "the driver refused the region";
	return err;
}

enum pith_error disk_open(struct fat_disk *d, pith_cptr_t blk, uint32_t which,
			  struct disk_choice choice, const char **why)
{
	uint32_t flags = 0;
	enum pith_error err = blk_open(blk, which, &d->handle, &d->sectors,
				       &d->sector_size, &flags);

	if (err != PITH_OK) {
		*why = "the driver did not open the disk";
		return err;
	}
	d->read_only = flags & PITH_BLK_READ_ONLY;
	if (d->sector_size < 512 || d->sector_size > FAT_SECTOR_MAX ||
	    (d->sector_size & (d->sector_size - 1)) != 0) {
		*why = "a sector size the engine does not support";
		return PITH_E_INVALID_ARGUMENT;
	}
	err = share_region(d, why);
	if (err == PITH_OK)
		err = find_part(d, choice, why);
	return err;
}
