/*
 * The FAT server's disk (disk.h): the partition the volume lies in, on a
 * disk opened with the SDK's blk client (pith/blkdev.h), whose region of
 * DISK_DATA_PAGES makes a large read a few submits of several entries
 * each rather than one small request after another.
 */
#include "disk.h"

#include "gpt.h"
#include "pith/pith.h"

/* Sectors [lba, lba + count) of the whole disk, to or from buf. */
static enum pith_error transfer(struct fat_disk *d, uint32_t op, uint64_t lba,
				uint32_t count, uint8_t *buf)
{
	return op == PITH_BLK_WRITE
		       ? pith_blkdev_write(&d->blk, lba, count, buf)
		       : pith_blkdev_read(&d->blk, lba, count, buf);
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
	struct fat_disk *d = ctx;

	return pith_blkdev_flush(&d->blk);
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
		d->count = d->blk.sectors;
		d->part = 0;
		return PITH_OK;
	}
	err = transfer(d, PITH_BLK_READ, 1, 1, sec);
	if (err != PITH_OK) {
		*why = "the GPT header cannot be read";
		return err;
	}
	err = gpt_header(sec, d->sector_size, d->blk.sectors, &h, why);
	if (err == PITH_OK)
		err = find_entry(d, &h, c, &p, why);
	if (err != PITH_OK)
		return err;
	d->start = p.first;
	d->count = p.last - p.first + 1;
	d->part = p.index;
	return PITH_OK;
}

enum pith_error disk_open(struct fat_disk *d, pith_cptr_t blk, uint32_t which,
			  struct disk_choice choice, const char **why)
{
	enum pith_error err =
		pith_blkdev_open(&d->blk, blk, which, DISK_DATA_PAGES);

	if (err != PITH_OK) {
		*why = "the driver did not open the disk, or refused the "
		       "region";
		return err;
	}
	d->sector_size = d->blk.sector_size;
	d->read_only = d->blk.read_only;
	if (d->sector_size > FAT_SECTOR_MAX ||
	    (d->sector_size & (d->sector_size - 1)) != 0) {
		*why = "a sector size the engine does not support";
		return PITH_E_INVALID_ARGUMENT;
	}
	return find_part(d, choice, why);
}
