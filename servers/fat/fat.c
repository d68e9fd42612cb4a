/*
 * The FAT32 engine's volume layer: mounting (the boot sector checked
 * field by field), the sector cache, the FAT and its chains, allocation,
 * FSInfo, sync and time (docs/fat.md).
 */
#include "fat_impl.h"

#include <string.h>

#define FAT32_MIN_CLUSTERS 65525u      /* fewer make a FAT16 volume */
#define FAT32_MAX_CLUSTERS 0x0FFFFFF4u /* numbers up to 0x0FFFFFF5 */
#define FAT_CLUSTER_MAX	   65536u      /* bytes in a cluster */

#define FSI_LEAD   0x41615252u
#define FSI_STRUCT 0x61417272u
#define FSI_TRAIL  0xAA550000u
#define FSI_FREE   488
#define FSI_NEXT   492

static const uint8_t zero_sector[FAT_SECTOR_MAX];

/* ---- the sector cache -------------------------------------------------- */

/* Write one dirty cached sector back; a FAT sector goes to every FAT
 * when they are mirrored. */
static enum pith_error cache_writeback(struct fat *fs, struct fat_buf *b)
{
	uint64_t fat0 = fs->fat_start + (uint64_t)fs->active * fs->fat_size;
	enum pith_error err;

	if (!b->dirty)
		return PITH_OK;
	if (fs->mirror && b->lba >= fat0 && b->lba < fat0 + fs->fat_size) {
		uint64_t rel = b->lba - fat0;

		for (uint32_t i = 0; i < fs->nfats; i++) {
			uint64_t lba = fs->fat_start +
				       (uint64_t)i * fs->fat_size + rel;

			err = fs->dev.write(fs->dev.ctx, lba, 1, b->data);
			if (err)
				return err;
		}
	} else {
		err = fs->dev.write(fs->dev.ctx, b->lba, 1, b->data);
		if (err)
			return err;
	}
	b->dirty = false;
	return PITH_OK;
}

enum pith_error fat_cache_get(struct fat *fs, uint64_t lba, bool fill,
			      struct fat_buf **out)
{
	struct fat_buf *victim = NULL, *last = &fs->cache[fs->recent];
	enum pith_error err;

	if (lba >= fs->dev.sectors)
		return PITH_E_CORRUPT;
	if (last->valid && last->lba == lba) { /* the usual case: a run */
		last->stamp = ++fs->stamp;
		*out = last;
		return PITH_OK;
	}
	for (uint32_t i = 0; i < fs->nbufs; i++) {
		struct fat_buf *b = &fs->cache[i];

		if (b->valid && b->lba == lba) {
			b->stamp = ++fs->stamp;
			fs->recent = i;
			*out = b;
			return PITH_OK;
		}
		if (!victim ||
		    (victim->valid && (!b->valid || b->stamp < victim->stamp)))
			victim = b;
	}
	if (!victim)
		return PITH_E_INVALID_ARGUMENT; /* not mounted: no buffers */
	if (victim->valid) {
		err = cache_writeback(fs, victim);
		if (err)
			return err;
	}
	victim->valid = false;
	if (fill) {
		err = fs->dev.read(fs->dev.ctx, lba, 1, victim->data);
		if (err)
			return err;
	} else {
		memset(victim->data, 0, fs->ss);
	}
	victim->lba = lba;
	victim->valid = true;
	victim->dirty = false;
	victim->stamp = ++fs->stamp;
	fs->recent = (uint32_t)(victim - fs->cache);
	*out = victim;
	return PITH_OK;
}

void fat_cache_dirty(struct fat *fs, struct fat_buf *b)
{
	b->dirty = true;
	fs->changed = true;
}

enum pith_error fat_dev_read(struct fat *fs, uint64_t lba, uint32_t count,
			     void *buf)
{
	enum pith_error err;

	if (lba >= fs->dev.sectors || count > fs->dev.sectors - lba)
		return PITH_E_CORRUPT;
	err = fs->dev.read(fs->dev.ctx, lba, count, buf);
	if (err)
		return err;
	/* What the cache holds is at least as new as the device. */
	for (uint32_t i = 0; i < fs->nbufs; i++) {
		struct fat_buf *b = &fs->cache[i];

		if (b->valid && b->lba >= lba && b->lba - lba < count)
			memcpy((uint8_t *)buf + (b->lba - lba) * fs->ss,
			       b->data, fs->ss);
	}
	return PITH_OK;
}

enum pith_error fat_dev_write(struct fat *fs, uint64_t lba, uint32_t count,
			      const void *buf)
{
	enum pith_error err;

	if (lba >= fs->dev.sectors || count > fs->dev.sectors - lba)
		return PITH_E_CORRUPT;
	/* The cached copies are older than what is written now. */
	for (uint32_t i = 0; i < fs->nbufs; i++) {
		struct fat_buf *b = &fs->cache[i];

		if (b->valid && b->lba >= lba && b->lba - lba < count) {
			b->valid = false;
			b->dirty = false;
		}
	}
	fs->changed = true;
	if (buf)
		return fs->dev.write(fs->dev.ctx, lba, count, buf);
	for (uint32_t i = 0; i < count; i++) {
		err = fs->dev.write(fs->dev.ctx, lba + i, 1, zero_sector);
		if (err)
			return err;
	}
	return PITH_OK;
}

/* ---- the FAT ----------------------------------------------------------- */

/* Where cluster c's entry is in the FAT we read. */
static void fat_entry_at(const struct fat *fs, uint32_t c, uint64_t *lba,
			 uint32_t *byte)
{
	uint64_t off = (uint64_t)c * 4;

	*lba = fs->fat_start + (uint64_t)fs->active * fs->fat_size +
	       off / fs->ss;
	*byte = (uint32_t)(off % fs->ss);
}

static enum pith_error fat_get(struct fat *fs, uint32_t c, uint32_t *v)
{
	struct fat_buf *b;
	uint64_t lba;
	uint32_t byte;
	enum pith_error err;

	fat_entry_at(fs, c, &lba, &byte);
	err = fat_cache_get(fs, lba, true, &b);
	if (err)
		return err;
	*v = fat_get32(b->data + byte) & FAT_MASK;
	return PITH_OK;
}

enum pith_error fat_set(struct fat *fs, uint32_t c, uint32_t next)
{
	struct fat_buf *b;
	uint64_t lba;
	uint32_t byte, old;
	enum pith_error err;

	if (c < 2 || c > fs->clusters + 1)
		return PITH_E_CORRUPT;
	fat_entry_at(fs, c, &lba, &byte);
	err = fat_cache_get(fs, lba, true, &b);
	if (err)
		return err;
	old = fat_get32(b->data + byte);
	/* The top four bits are reserved: keep them. */
	fat_put32(b->data + byte, (old & ~FAT_MASK) | (next & FAT_MASK));
	fat_cache_dirty(fs, b);
	return PITH_OK;
}

enum pith_error fat_next(struct fat *fs, uint32_t c, uint32_t *next)
{
	uint32_t v;
	enum pith_error err;

	if (c < 2 || c > fs->clusters + 1)
		return PITH_E_CORRUPT;
	err = fat_get(fs, c, &v);
	if (err)
		return err;
	if (v >= FAT_EOC_MIN) {
		*next = 0;
		return PITH_OK;
	}
	/* free, reserved, bad or beyond the volume: not a chain */
	if (v < 2 || v > fs->clusters + 1)
		return PITH_E_CORRUPT;
	*next = v;
	return PITH_OK;
}

enum pith_error fat_chain_check(struct fat *fs, uint32_t first, uint32_t *len,
				uint32_t *last)
{
	uint32_t c = first, n = 0, next;
	enum pith_error err;

	for (;;) {
		/* a chain longer than the volume loops */
		if (++n > fs->clusters)
			return PITH_E_CORRUPT;
		err = fat_next(fs, c, &next);
		if (err)
			return err;
		if (next == 0)
			break;
		c = next;
	}
	*len = n;
	*last = c;
	return PITH_OK;
}

/* Count the free clusters (once; then kept up to date). */
/* Count the free clusters: the active FAT read straight from the device
 * (with the cache's newer sectors laid over it, by fat_dev_read) in
 * runs of FAT_SCAN_BYTES, so that a scan of the whole FAT does not push
 * the directories and the FAT sectors in use out of the cache. */
static enum pith_error count_free(struct fat *fs)
{
	const uint32_t per_run = FAT_SCAN_BYTES / fs->ss;
	const uint64_t entries = (uint64_t)fs->clusters + 2;
	uint64_t lba, sectors, c = 0;
	uint32_t byte, nfree = 0;
	enum pith_error err;

	fat_entry_at(fs, 0, &lba, &byte);
	sectors = (entries * 4 + fs->ss - 1) / fs->ss;
	for (uint64_t done = 0; done < sectors;) {
		uint32_t n = sectors - done < per_run
				     ? (uint32_t)(sectors - done)
				     : per_run;

		err = fat_dev_read(fs, lba + done, n, fs->scan);
		if (err)
			return err;
		for (uint32_t i = 0; i < n * fs->ss / 4 && c < entries;
		     i++, c++)
			if (c >= 2 && (fat_get32(fs->scan + 4 * (size_t)i) &
				       FAT_MASK) == 0)
				nfree++;
		done += n;
	}
	fs->free_count = nfree;
	fs->free_known = true;
	return PITH_OK;
}

/* The first free cluster from fs->next_free on, wrapping around; 0 if
 * there is none. */
static enum pith_error find_free(struct fat *fs, uint32_t *out)
{
	uint32_t per = fs->ss / 4, c = fs->next_free, seen = 0;
	enum pith_error err;

	if (c < 2 || c > fs->clusters + 1)
		c = 2;
	while (seen < fs->clusters) {
		struct fat_buf *b;
		uint64_t lba;
		uint32_t byte, i;

		fat_entry_at(fs, c, &lba, &byte);
		err = fat_cache_get(fs, lba, true, &b);
		if (err)
			return err;
		i = byte / 4;
		do {
			if ((fat_get32(b->data + 4 * (size_t)i) & FAT_MASK) ==
			    0) {
				*out = c;
				return PITH_OK;
			}
			seen++;
			c++;
			i++;
		} while (i < per && c <= fs->clusters + 1 &&
			 seen < fs->clusters);
		if (c > fs->clusters + 1)
			c = 2;
	}
	*out = 0;
	return PITH_OK;
}

enum pith_error fat_alloc(struct fat *fs, uint32_t *out)
{
	uint32_t c;
	enum pith_error err;

	if (fs->free_known && fs->free_count == 0)
		return PITH_E_NO_SPACE;
	err = find_free(fs, &c);
	if (err)
		return err;
	if (c == 0) {
		fs->free_count = 0;
		fs->free_known = true;
		return PITH_E_NO_SPACE;
	}
	err = fat_set(fs, c, FAT_EOC);
	if (err)
		return err;
	if (fs->free_known)
		fs->free_count--;
	fs->next_free = c + 1;
	*out = c;
	return PITH_OK;
}

enum pith_error fat_free_chain(struct fat *fs, uint32_t first)
{
	uint32_t c = first, n = 0, next;
	enum pith_error err;

	while (c != 0) {
		if (++n > fs->clusters)
			return PITH_E_CORRUPT;
		err = fat_next(fs, c, &next);
		if (err)
			return err;
		err = fat_set(fs, c, 0);
		if (err)
			return err;
		if (fs->free_known)
			fs->free_count++;
		c = next;
	}
	return PITH_OK;
}

enum pith_error fat_zero_cluster(struct fat *fs, uint32_t c)
{
	return fat_dev_write(fs, fat_cluster_lba(fs, c), 1u << fs->spc_shift,
			     NULL);
}

/* ---- time -------------------------------------------------------------- */

void fat_set_clock(struct fat *fs, int64_t (*clock)(void *ctx), void *ctx)
{
	fs->clock = clock;
	fs->clock_ctx = ctx;
}

/* Days since 1970-01-01 of a civil date, and back (proleptic Gregorian;
 * the years FAT holds, 1980 to 2107, are all positive). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = y / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = z / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

void fat_now(struct fat *fs, uint16_t *time, uint16_t *date)
{
	/* 2107-12-31 23:59:58, the last time FAT can hold */
	const int64_t last = 4354819198;
	int64_t t = fs->clock ? fs->clock(fs->clock_ctx) : FAT_DOS_EPOCH;
	int64_t y;
	unsigned m, d, s;

	if (t < FAT_DOS_EPOCH)
		t = FAT_DOS_EPOCH;
	if (t > last)
		t = last;
	civil_from_days(t / 86400, &y, &m, &d);
	s = (unsigned)(t % 86400);
	*date = (uint16_t)((y - 1980) << 9 | m << 5 | d);
	*time = (uint16_t)((s / 3600) << 11 | (s / 60 % 60) << 5 |
			   (s % 60) / 2);
}

int64_t fat_dos_to_unix(uint16_t time, uint16_t date)
{
	unsigned m = date >> 5 & 15, d = date & 31;
	unsigned h = time >> 11, mi = time >> 5 & 63, s = (time & 31) * 2;

	if (m < 1 || m > 12)
		m = 1;
	if (d < 1)
		d = 1;
	return days_from_civil(1980 + (date >> 9), m, d) * 86400 +
	       (int64_t)h * 3600 + (int64_t)mi * 60 + s;
}

/* ---- mount ------------------------------------------------------------- */

static bool pow2(uint32_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

static uint32_t log2u(uint32_t v)
{
	uint32_t s = 0;

	while ((1u << s) < v)
		s++;
	return s;
}

static enum pith_error bad(struct fat *fs, const char *why)
{
	fs->why = why;
	return PITH_E_CORRUPT;
}

/* The fields that say what kind of volume this is and how its sectors
 * and clusters are sized. */
static enum pith_error check_kind(struct fat *fs, const uint8_t *bs)
{
	uint32_t bps = fat_get16(bs + 11), spc = bs[13];

	if (bs[510] != 0x55 || bs[511] != 0xAA)
		return bad(fs, "no boot sector signature (55 AA)");
	if (bs[0] != 0xEB && bs[0] != 0xE9)
		return bad(fs, "the boot sector does not start with a jump");
	if (fat_get16(bs + 17) != 0 || fat_get16(bs + 22) != 0)
		return bad(fs, "a FAT12 or FAT16 volume: only FAT32 is "
			       "supported");
	if (bps != fs->ss)
		return bad(fs, "bytes per sector differ from the device's "
			       "sector size");
	if (!pow2(spc) || spc * bps > FAT_CLUSTER_MAX)
		return bad(fs, "sectors per cluster: not a power of two, or "
			       "clusters over 64 KiB");
	if (fat_get16(bs + 42) != 0)
		return bad(fs, "FAT32 version is not 0.0");
	if (bs[21] != 0xF0 && bs[21] < 0xF8)
		return bad(fs, "invalid media descriptor");
	fs->spc_shift = log2u(spc);
	fs->cb_shift = log2u(spc * bps);
	return PITH_OK;
}

/* Reserved sectors, FATs, the data area and the cluster count. */
static enum pith_error check_layout(struct fat *fs, const uint8_t *bs)
{
	uint32_t reserved = fat_get16(bs + 14), nfats = bs[16];
	uint32_t t16 = fat_get16(bs + 19), t32 = fat_get32(bs + 32);
	uint32_t fatsz = fat_get32(bs + 36);
	uint64_t total = t16 ? t16 : t32, data, clusters;

	if (reserved == 0)
		return bad(fs, "no reserved sectors");
	if (nfats == 0 || nfats > 4)
		return bad(fs, "number of FATs is not 1 to 4");
	if (fatsz == 0)
		return bad(fs, "FAT size is 0");
	if (t16 && t32 && t16 != t32)
		return bad(fs, "the two total sector counts disagree");
	if (total == 0 || total > fs->dev.sectors)
		return bad(fs, "total sectors are 0 or beyond the device");
	data = reserved + (uint64_t)nfats * fatsz;
	if (data >= total)
		return bad(fs, "the FATs leave no room for data");
	clusters = (total - data) >> fs->spc_shift;
	if (clusters < FAT32_MIN_CLUSTERS || clusters > FAT32_MAX_CLUSTERS)
		return bad(fs, "the cluster count is not a FAT32 one "
			       "(65525 to 268435444)");
	if ((uint64_t)fatsz * fs->ss / 4 < clusters + 2)
		return bad(fs, "the FAT is too small for the clusters");
	fs->fat_start = reserved;
	fs->fat_size = fatsz;
	fs->nfats = nfats;
	fs->data_start = data;
	fs->clusters = (uint32_t)clusters;
	return PITH_OK;
}

/* The root cluster, FSInfo's place and FAT mirroring. */
static enum pith_error check_fat32(struct fat *fs, const uint8_t *bs)
{
	uint32_t flags = fat_get16(bs + 40), root = fat_get32(bs + 44);
	uint32_t fsinfo = fat_get16(bs + 48), reserved = fat_get16(bs + 14);

	if (root < 2 || root > fs->clusters + 1)
		return bad(fs, "the root cluster is out of range");
	if (fsinfo == 0xFFFF)
		fsinfo = 0;
	if (fsinfo >= reserved)
		return bad(fs, "FSInfo is outside the reserved sectors");
	fs->mirror = !(flags & 0x80);
	fs->active = fs->mirror ? 0 : (flags & 0x0F);
	if (fs->active >= fs->nfats)
		return bad(fs, "the active FAT does not exist");
	fs->root = root;
	fs->fsinfo = fsinfo;
	return PITH_OK;
}

/* FSInfo, a hint only: where to look for free clusters. A sector without
 * the signatures is left alone. */
static enum pith_error read_fsinfo(struct fat *fs)
{
	struct fat_buf *b;
	enum pith_error err;
	uint32_t next;

	fs->next_free = 2;
	if (fs->fsinfo == 0)
		return PITH_OK;
	err = fat_cache_get(fs, fs->fsinfo, true, &b);
	if (err)
		return err;
	if (fat_get32(b->data) != FSI_LEAD ||
	    fat_get32(b->data + 484) != FSI_STRUCT ||
	    fat_get32(b->data + 508) != FSI_TRAIL) {
		fs->fsinfo = 0;
		return PITH_OK;
	}
	next = fat_get32(b->data + FSI_NEXT);
	if (next >= 2 && next <= fs->clusters + 1)
		fs->next_free = next;
	return PITH_OK;
}

static enum pith_error check_device(const struct fat_dev *dev, bool read_only)
{
	uint32_t ss = dev->sector_size;

	if (!dev->read || (!read_only && !dev->write))
		return PITH_E_INVALID_ARGUMENT;
	if (ss != 512 && ss != 1024 && ss != 2048 && ss != 4096)
		return PITH_E_INVALID_ARGUMENT;
	if (dev->sectors == 0)
		return PITH_E_INVALID_ARGUMENT;
	return PITH_OK;
}

enum pith_error fat_mount(struct fat *fs, const struct fat_dev *dev,
			  bool read_only)
{
	struct fat_buf *b;
	uint32_t len, last;
	enum pith_error err;

	memset(fs, 0, sizeof *fs);
	err = check_device(dev, read_only);
	if (err) {
		fs->why = "the device is unusable (sector size, callbacks)";
		return err;
	}
	fs->dev = *dev;
	fs->ss = dev->sector_size;
	fs->read_only = read_only;
	fs->nbufs = FAT_CACHE_BYTES / fs->ss;
	for (uint32_t i = 0; i < fs->nbufs; i++)
		fs->cache[i].data = fs->cache_mem + (size_t)i * fs->ss;
	err = fat_cache_get(fs, 0, true, &b);
	if (err) {
		fs->why = "the boot sector could not be read";
		return err;
	}
	err = check_kind(fs, b->data);
	if (!err)
		err = check_layout(fs, b->data);
	if (!err)
		err = check_fat32(fs, b->data);
	if (!err)
		err = read_fsinfo(fs);
	if (err)
		return err;
	err = fat_chain_check(fs, fs->root, &len, &last);
	if (err == PITH_E_CORRUPT)
		return bad(fs, "the root directory's chain is broken");
	if (err)
		fs->why = "the root directory could not be read";
	return err;
}

/* ---- sync, statfs, unmount --------------------------------------------- */

static enum pith_error write_fsinfo(struct fat *fs)
{
	struct fat_buf *b;
	enum pith_error err;

	if (!fs->free_known) {
		err = count_free(fs);
		if (err)
			return err;
	}
	err = fat_cache_get(fs, fs->fsinfo, true, &b);
	if (err)
		return err;
	fat_put32(b->data + FSI_FREE, fs->free_count);
	fat_put32(b->data + FSI_NEXT,
		  fs->next_free <= fs->clusters + 1 ? fs->next_free : 2);
	fat_cache_dirty(fs, b);
	return PITH_OK;
}

enum pith_error fat_sync(struct fat *fs)
{
	enum pith_error err;

	if (fs->read_only)
		return PITH_OK;
	if (fs->changed && fs->fsinfo) {
		err = write_fsinfo(fs);
		if (err)
			return err;
	}
	for (uint32_t i = 0; i < fs->nbufs; i++) {
		if (fs->cache[i].valid) {
			err = cache_writeback(fs, &fs->cache[i]);
			if (err)
				return err;
		}
	}
	fs->changed = false;
	return fs->dev.flush ? fs->dev.flush(fs->dev.ctx) : PITH_OK;
}

enum pith_error fat_statfs(struct fat *fs, uint32_t *cluster_bytes,
			   uint32_t *total, uint32_t *free)
{
	enum pith_error err;

	if (!fs->free_known) {
		err = count_free(fs);
		if (err)
			return err;
	}
	*cluster_bytes = fat_cluster_bytes(fs);
	*total = fs->clusters;
	*free = fs->free_count;
	return PITH_OK;
}

enum pith_error fat_unmount(struct fat *fs)
{
	enum pith_error err = PITH_OK, e;

	for (uint32_t h = 0; h < FAT_NODES_MAX; h++) {
		while (fs->nodes[h].refs > 0) {
			e = fat_release(fs, h);
			if (e && !err)
				err = e;
		}
	}
	e = fat_sync(fs);
	return err ? err : e;
}
