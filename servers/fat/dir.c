/*
 * The FAT32 engine's directories: entries and long names read and
 * written, lookup, create, unlink, rename and readdir (docs/fat.md).
 *
 * A directory is a chain of clusters of 32-byte entries; a name is a
 * short entry, preceded by its long-name (LFN) entries if it has any,
 * last part first. A long name is used only if its entries are a whole,
 * well-formed sequence whose checksum matches the short entry and whose
 * characters make a valid name; otherwise it is skipped and the short
 * name stands (as other systems do with the orphans a FAT driver without
 * long names leaves). Entries are found by their byte offset in the
 * directory; an open file is known by the offset of its short entry.
 */
#include "fat_impl.h"
#include "name.h"

#include <string.h>

#define NO_RANGE UINT32_MAX /* an ignore range that ignores nothing */

static const uint8_t dot_name[11] = ".          ";
static const uint8_t dotdot_name[11] = "..         ";
/* Where the 13 characters of an LFN entry are. */
static const uint8_t lfn_pos[13] = {1,	3,  5,	7,  9,	14, 16,
				    18, 20, 22, 24, 28, 30};

/* A position in a directory's chain, to step through it in order. */
struct dir_it {
	uint32_t first; /* the directory's first cluster */
	uint32_t idx;	/* clus is cluster number idx of the chain */
	uint32_t clus;	/* 0: not placed yet */
};

/* A name in a directory: its short entry and its long name, if valid. */
struct dir_rec {
	uint32_t start; /* offset of its first entry (LFN or short) */
	uint32_t off;	/* offset of the short entry */
	uint64_t lba;	/* where the short entry is */
	uint32_t byte;
	uint8_t e[FAT_ENT];
	uint32_t lfn_len; /* units in lfn; 0: none */
	uint16_t lfn[FAT_LFN_ENTS * 13];
};

/* ---- entries ----------------------------------------------------------- */

/* The sector and byte of the entry at offset off; PITH_E_NOT_FOUND past
 * the end of the chain. */
static enum pith_error dir_locate(struct fat *fs, struct dir_it *it,
				  uint32_t off, uint64_t *lba, uint32_t *byte)
{
	uint32_t idx = off >> fs->cb_shift, within, next;
	enum pith_error err;

	if (off >= FAT_DIR_MAX)
		return PITH_E_NOT_FOUND;
	if (it->clus == 0 || idx < it->idx) {
		it->clus = it->first;
		it->idx = 0;
	}
	while (it->idx < idx) {
		err = fat_next(fs, it->clus, &next);
		if (err)
			return err;
		if (next == 0)
			return PITH_E_NOT_FOUND;
		it->clus = next;
		it->idx++;
	}
	within = off & (fat_cluster_bytes(fs) - 1);
	*lba = fat_cluster_lba(fs, it->clus) + within / fs->ss;
	*byte = within % fs->ss;
	return PITH_OK;
}

static enum pith_error dir_read(struct fat *fs, struct dir_it *it, uint32_t off,
				uint8_t *e, uint64_t *lba, uint32_t *byte)
{
	struct fat_buf *b;
	enum pith_error err;

	err = dir_locate(fs, it, off, lba, byte);
	if (err)
		return err;
	err = fat_cache_get(fs, *lba, true, &b);
	if (err)
		return err;
	memcpy(e, b->data + *byte, FAT_ENT);
	return PITH_OK;
}

static enum pith_error put_at(struct fat *fs, uint64_t lba, uint32_t byte,
			      const uint8_t *e)
{
	struct fat_buf *b;
	enum pith_error err;

	err = fat_cache_get(fs, lba, true, &b);
	if (err)
		return err;
	memcpy(b->data + byte, e, FAT_ENT);
	fat_cache_dirty(fs, b);
	return PITH_OK;
}

static enum pith_error dir_put(struct fat *fs, struct dir_it *it, uint32_t off,
			       const uint8_t *e, uint64_t *lba, uint32_t *byte)
{
	enum pith_error err;

	err = dir_locate(fs, it, off, lba, byte);
	if (err)
		return err == PITH_E_NOT_FOUND ? PITH_E_CORRUPT : err;
	return put_at(fs, *lba, *byte, e);
}

/* Mark the entries [start, end] deleted. */
static enum pith_error dir_delete(struct fat *fs, struct fat_node *d,
				  uint32_t start, uint32_t end)
{
	struct dir_it it = {.first = d->first};
	uint8_t e[FAT_ENT];
	uint64_t lba;
	uint32_t byte;
	enum pith_error err;

	for (uint32_t off = start; off <= end; off += FAT_ENT) {
		err = dir_read(fs, &it, off, e, &lba, &byte);
		if (err)
			return err == PITH_E_NOT_FOUND ? PITH_E_CORRUPT : err;
		e[0] = 0xE5;
		err = put_at(fs, lba, byte, e);
		if (err)
			return err;
	}
	return PITH_OK;
}

static bool is_dot(const uint8_t *e)
{
	return memcmp(e, dot_name, 11) == 0 || memcmp(e, dotdot_name, 11) == 0;
}

/* ---- long names -------------------------------------------------------- */

/* The long name being gathered: the last ordinal taken (0: none), the
 * checksum its entries carry and where its first entry is. */
struct lfn_state {
	uint32_t have;
	uint8_t sum;
	uint32_t start;
};

/* One LFN entry into the long name; false if it does not continue it
 * (the caller drops what was gathered). */
static bool lfn_take(struct lfn_state *st, struct dir_rec *r, const uint8_t *e,
		     uint32_t off)
{
	bool last = e[0] & 0x40;
	uint32_t ord = e[0] & ~0x40u, base, len = 13;
	uint16_t ch[13];

	if (ord == 0 || ord > FAT_LFN_ENTS || e[12] != 0 ||
	    fat_get16(e + 26) != 0)
		return false;
	if (!last && (st->have != ord + 1 || e[13] != st->sum))
		return false;
	base = (ord - 1) * 13;
	for (int j = 0; j < 13; j++)
		ch[j] = fat_get16(e + lfn_pos[j]);
	for (uint32_t j = 0; j < 13; j++) {
		if (ch[j] == 0) {
			len = j;
			break;
		}
	}
	/* Only the last part (first on disk) may end early. */
	if (last) {
		if (len == 0)
			return false;
		st->sum = e[13];
		st->start = off;
		r->lfn_len = base + len;
	} else if (len != 13) {
		return false;
	}
	memcpy(r->lfn + base, ch, len * sizeof ch[0]);
	st->have = ord;
	return true;
}

/*
 * The next name at or after offset *off, which moves past it. Deleted
 * entries, volume labels and LFN entries that do not make a valid long
 * name are passed over. PITH_E_NOT_FOUND at the end of the directory.
 */
static enum pith_error dir_next(struct fat *fs, struct dir_it *it,
				uint32_t *off, struct dir_rec *r)
{
	struct lfn_state st = {0, 0, 0};
	uint8_t e[FAT_ENT];
	uint64_t lba;
	uint32_t byte;
	enum pith_error err;

	for (;; *off += FAT_ENT) {
		err = dir_read(fs, it, *off, e, &lba, &byte);
		if (err)
			return err;
		if (e[0] == 0)
			return PITH_E_NOT_FOUND;
		if (e[0] != 0xE5 && (e[FAT_DE_ATTR] & 0x3F) == FAT_ATTR_LFN) {
			if (!lfn_take(&st, r, e, *off))
				st.have = 0;
			continue;
		}
		if (e[0] != 0xE5 && !(e[FAT_DE_ATTR] & FAT_ATTR_VOLUME))
			break;
		st.have = 0; /* deleted, or a volume label */
	}
	memcpy(r->e, e, FAT_ENT);
	r->off = *off;
	r->lba = lba;
	r->byte = byte;
	if (st.have == 1 && fat_name_checksum(e) == st.sum &&
	    fat_name_lfn_ok(r->lfn, r->lfn_len)) {
		r->start = st.start;
	} else {
		r->start = *off;
		r->lfn_len = 0;
	}
	*off += FAT_ENT;
	return PITH_OK;
}

/* The name a record goes by: its long name, or its short one. */
static uint32_t rec_name(const struct dir_rec *r, uint16_t *buf,
			 const uint16_t **name)
{
	if (r->lfn_len) {
		*name = r->lfn;
		return r->lfn_len;
	}
	*name = buf;
	return fat_name_short_u16(r->e, r->e[FAT_DE_NTRES], buf);
}

/* Whether the record answers to q: its long name or its short alias,
 * ASCII case aside. */
static bool rec_matches(const struct dir_rec *r, const uint16_t *q, uint32_t qn)
{
	uint16_t sn[12];
	uint32_t n = fat_name_short_u16(r->e, r->e[FAT_DE_NTRES], sn);

	if (r->lfn_len && fat_name_equal(r->lfn, r->lfn_len, q, qn))
		return true;
	return fat_name_equal(sn, n, q, qn);
}

/* Find q in directory d. */
static enum pith_error dir_find(struct fat *fs, struct fat_node *d,
				const uint16_t *q, uint32_t qn,
				struct dir_rec *r)
{
	struct dir_it it = {.first = d->first};
	uint32_t off = 0;
	enum pith_error err;

	for (;;) {
		err = dir_next(fs, &it, &off, r);
		if (err)
			return err;
		if (!is_dot(r->e) && rec_matches(r, q, qn))
			return PITH_OK;
	}
}

/* Whether directory d holds nothing but "." and "..". */
static enum pith_error dir_empty(struct fat *fs, struct fat_node *d,
				 bool *empty)
{
	struct dir_it it = {.first = d->first};
	struct dir_rec r;
	uint32_t off = 0;
	enum pith_error err;

	for (;;) {
		err = dir_next(fs, &it, &off, &r);
		if (err == PITH_E_NOT_FOUND) {
			*empty = true;
			return PITH_OK;
		}
		if (err)
			return err;
		if (!is_dot(r.e)) {
			*empty = false;
			return PITH_OK;
		}
	}
}

/* ---- placing a new name ------------------------------------------------ */

/*
 * The short name for q in d: q itself if it is a plain upper-case 8.3
 * name (*need_lfn false), else its basis if that differs only in case
 * and is free, else the basis with the first free tail ~N. Names whose
 * short entry is in [lo, hi] (the one being replaced) do not count.
 */
static enum pith_error make_short(struct fat *fs, struct fat_node *d,
				  const uint16_t *q, uint32_t qn, uint32_t lo,
				  uint32_t hi, uint8_t sn[11], bool *need_lfn)
{
	struct dir_it it = {.first = d->first};
	struct dir_rec r;
	uint8_t basis[11];
	uint32_t off = 0, num;
	bool exact, lossless, taken = false;
	enum pith_error err;

	fat_name_basis(q, qn, basis, &exact, &lossless);
	*need_lfn = !exact;
	if (exact) {
		/* dir_find saw no name equal to q: this one is free */
		memcpy(sn, basis, 11);
		return PITH_OK;
	}
	memset(fs->tails, 0, sizeof fs->tails);
	while ((err = dir_next(fs, &it, &off, &r)) == PITH_OK) {
		if (lo != NO_RANGE && r.off >= lo && r.off <= hi)
			continue;
		if (fat_name_short_equal(r.e, basis))
			taken = true;
		num = fat_name_tail_num(basis, r.e);
		if (num > 0 && num < FAT_TAILS_MAX)
			fs->tails[num / 8] |= (uint8_t)(1u << num % 8);
	}
	if (err != PITH_E_NOT_FOUND)
		return err;
	if (lossless && !taken) {
		memcpy(sn, basis, 11);
		return PITH_OK;
	}
	for (num = 1; num < FAT_TAILS_MAX; num++) {
		if (!(fs->tails[num / 8] & (1u << num % 8))) {
			fat_name_tail(basis, num, sn);
			return PITH_OK;
		}
	}
	return PITH_E_NO_SPACE;
}

/* Add a zeroed cluster to directory d. */
static enum pith_error dir_grow(struct fat *fs, struct fat_node *d)
{
	uint32_t c;
	enum pith_error err;

	err = fat_alloc(fs, &c);
	if (err)
		return err;
	err = fat_zero_cluster(fs, c);
	if (!err)
		err = fat_set(fs, d->last, c);
	if (err) {
		fat_free_chain(fs, c);
		return err;
	}
	d->last = c;
	d->nclus++;
	return PITH_OK;
}

/* Room for n entries in a row in d (entries in [lo, hi] count as free):
 * their first offset. The directory grows if it must. */
static enum pith_error dir_alloc(struct fat *fs, struct fat_node *d, uint32_t n,
				 uint32_t lo, uint32_t hi, uint32_t *out)
{
	struct dir_it it = {.first = d->first};
	uint8_t e[FAT_ENT];
	uint64_t lba;
	uint32_t off, byte, run = 0, start = 0, need;
	bool ended = false;
	enum pith_error err;

	for (off = 0;; off += FAT_ENT) {
		err = dir_read(fs, &it, off, e, &lba, &byte);
		if (err == PITH_E_NOT_FOUND)
			break;
		if (err)
			return err;
		if (e[0] == 0)
			ended = true; /* everything after is free */
		if (!ended && e[0] != 0xE5 &&
		    (lo == NO_RANGE || off < lo || off > hi)) {
			run = 0;
			continue;
		}
		if (run++ == 0)
			start = off;
		if (run == n) {
			*out = start;
			return PITH_OK;
		}
	}
	if (run == 0)
		start = off;
	need = (n - run) * FAT_ENT;
	if (off + need > FAT_DIR_MAX)
		return PITH_E_NO_SPACE;
	for (uint32_t grown = 0; grown < need; grown += fat_cluster_bytes(fs)) {
		err = dir_grow(fs, d);
		if (err)
			return err;
	}
	*out = start;
	return PITH_OK;
}

/* Write the name q (its LFN entries if nent > 1, then the short entry
 * e) at offset off of d; *lba and *byte say where the short entry went. */
static enum pith_error write_name(struct fat *fs, struct fat_node *d,
				  uint32_t off, const uint16_t *q, uint32_t qn,
				  uint32_t nent, const uint8_t *e,
				  uint64_t *lba, uint32_t *byte)
{
	struct dir_it it = {.first = d->first};
	uint8_t sum = fat_name_checksum(e), l[FAT_ENT];
	enum pith_error err;

	for (uint32_t k = 0; k + 1 < nent; k++) {
		uint32_t ord = nent - 1 - k;

		memset(l, 0, sizeof l);
		l[0] = (uint8_t)(ord | (k == 0 ? 0x40 : 0));
		l[FAT_DE_ATTR] = FAT_ATTR_LFN;
		l[13] = sum;
		for (uint32_t j = 0; j < 13; j++) {
			uint32_t i = (ord - 1) * 13 + j;

			fat_put16(l + lfn_pos[j], i < qn    ? q[i]
						  : i == qn ? 0
							    : 0xFFFF);
		}
		err = dir_put(fs, &it, off + k * FAT_ENT, l, lba, byte);
		if (err)
			return err;
	}
	return dir_put(fs, &it, off + (nent - 1) * FAT_ENT, e, lba, byte);
}

/* Choose the short name for q in d and room for its entries (the
 * entries in [lo, hi] may be reused): *nent entries at *off. */
static enum pith_error place_name(struct fat *fs, struct fat_node *d,
				  const uint16_t *q, uint32_t qn, uint32_t lo,
				  uint32_t hi, uint8_t sn[11], uint32_t *nent,
				  uint32_t *off)
{
	bool need_lfn;
	enum pith_error err;

	err = make_short(fs, d, q, qn, lo, hi, sn, &need_lfn);
	if (err)
		return err;
	*nent = need_lfn ? (qn + 12) / 13 + 1 : 1;
	return dir_alloc(fs, d, *nent, lo, hi, off);
}

/* A new short entry: name, attributes, first cluster, times now. */
static void new_entry(struct fat *fs, const uint8_t sn[11], uint8_t attr,
		      uint32_t c, uint8_t *e)
{
	uint16_t t, dt;

	fat_now(fs, &t, &dt);
	memset(e, 0, FAT_ENT);
	memcpy(e, sn, 11);
	e[FAT_DE_ATTR] = attr;
	fat_put16(e + FAT_DE_CTIME, t);
	fat_put16(e + FAT_DE_CDATE, dt);
	fat_put16(e + FAT_DE_ADATE, dt);
	fat_put16(e + FAT_DE_MTIME, t);
	fat_put16(e + FAT_DE_MDATE, dt);
	fat_de_set_cluster(e, c);
}

/* A new directory's cluster with its "." and ".." (parent 0: the root). */
static enum pith_error make_dir(struct fat *fs, uint32_t parent, uint32_t *out)
{
	uint8_t e[FAT_ENT];
	uint32_t c;
	enum pith_error err;

	err = fat_alloc(fs, &c);
	if (err)
		return err;
	err = fat_zero_cluster(fs, c);
	if (!err) {
		new_entry(fs, dot_name, FAT_ATTR_DIR, c, e);
		err = put_at(fs, fat_cluster_lba(fs, c), 0, e);
	}
	if (!err) {
		new_entry(fs, dotdot_name, FAT_ATTR_DIR, parent, e);
		err = put_at(fs, fat_cluster_lba(fs, c), FAT_ENT, e);
	}
	if (err) {
		fat_free_chain(fs, c);
		return err;
	}
	*out = c;
	return PITH_OK;
}

/* ---- parents ----------------------------------------------------------- */

/* The parent of the directory starting at cluster c, from its "..". */
static enum pith_error parent_of(struct fat *fs, uint32_t c, uint32_t *parent)
{
	struct fat_buf *b;
	uint32_t p;
	enum pith_error err;

	if (c == fs->root) {
		*parent = fs->root;
		return PITH_OK;
	}
	err = fat_cache_get(fs, fat_cluster_lba(fs, c), true, &b);
	if (err)
		return err;
	if (memcmp(b->data + FAT_ENT, dotdot_name, 11) != 0 ||
	    !(b->data[FAT_ENT + FAT_DE_ATTR] & FAT_ATTR_DIR))
		return PITH_E_CORRUPT;
	p = fat_de_cluster(b->data + FAT_ENT);
	if (p == 0)
		p = fs->root;
	if (p < 2 || p > fs->clusters + 1)
		return PITH_E_CORRUPT;
	*parent = p;
	return PITH_OK;
}

/* PITH_E_INVALID_ARGUMENT if directory c is `dir` or one of its
 * ancestors (moving c into dir would cut it off from the root). */
static enum pith_error check_not_below(struct fat *fs, uint32_t dir, uint32_t c)
{
	enum pith_error err;

	for (uint32_t steps = 0; dir != fs->root; steps++) {
		if (dir == c)
			return PITH_E_INVALID_ARGUMENT;
		if (steps > fs->clusters)
			return PITH_E_CORRUPT; /* the ".." entries loop */
		err = parent_of(fs, dir, &dir);
		if (err)
			return err;
	}
	return PITH_OK;
}

/* Point the ".." of directory c at parent (the root: 0). */
static enum pith_error set_dotdot(struct fat *fs, uint32_t c, uint32_t parent)
{
	struct fat_buf *b;
	enum pith_error err;

	err = fat_cache_get(fs, fat_cluster_lba(fs, c), true, &b);
	if (err)
		return err;
	fat_de_set_cluster(b->data + FAT_ENT, parent == fs->root ? 0 : parent);
	fat_cache_dirty(fs, b);
	return PITH_OK;
}

/* ---- the operations ---------------------------------------------------- */

/* The directory behind a handle (to change it, if `write`). */
static enum pith_error dir_node(struct fat *fs, uint32_t h, bool write,
				struct fat_node **out)
{
	struct fat_node *d = fat_node(fs, h);

	if (!d)
		return PITH_E_BAD_HANDLE;
	if (!d->is_dir)
		return PITH_E_NOT_DIRECTORY;
	if (write && fs->read_only)
		return PITH_E_READ_ONLY;
	if (d->unlinked)
		return PITH_E_NOT_FOUND;
	*out = d;
	return PITH_OK;
}

enum pith_error fat_lookup(struct fat *fs, uint32_t dir, const char *name,
			   size_t len, uint32_t *node)
{
	uint16_t q[FAT_LFN_MAX];
	struct fat_node *d;
	struct dir_rec r;
	uint32_t qn, parent;
	enum pith_error err;

	err = dir_node(fs, dir, false, &d);
	if (err)
		return err;
	switch (fat_name_dots(name, len)) {
	case 1:
		d->refs++;
		*node = dir;
		return PITH_OK;
	case 2:
		err = parent_of(fs, d->first, &parent);
		return err ? err : fat_node_open_dir(fs, parent, node);
	default:
		break;
	}
	err = fat_name_parse(name, len, q, &qn);
	if (!err)
		err = dir_find(fs, d, q, qn, &r);
	if (err)
		return err;
	return fat_node_open(fs, d->first, r.off, r.lba, r.byte, r.e, node);
}

enum pith_error fat_create(struct fat *fs, uint32_t dir, const char *name,
			   size_t len, bool is_dir, uint32_t *node)
{
	uint16_t q[FAT_LFN_MAX];
	struct fat_node *d;
	struct dir_rec r;
	uint8_t sn[11], e[FAT_ENT];
	uint32_t qn, nent, off, c = 0, byte;
	uint64_t lba;
	enum pith_error err;

	err = dir_node(fs, dir, true, &d);
	if (!err)
		err = fat_name_parse(name, len, q, &qn);
	if (err)
		return err;
	if (node && !fat_node_slot_free(fs))
		return PITH_E_EXHAUSTED;
	err = dir_find(fs, d, q, qn, &r);
	if (err != PITH_E_NOT_FOUND)
		return err ? err : PITH_E_EXISTS;
	err = place_name(fs, d, q, qn, NO_RANGE, 0, sn, &nent, &off);
	if (!err && is_dir)
		err = make_dir(fs, d->first == fs->root ? 0 : d->first, &c);
	if (err)
		return err;
	new_entry(fs, sn, is_dir ? FAT_ATTR_DIR : FAT_ATTR_ARCH, c, e);
	err = write_name(fs, d, off, q, qn, nent, e, &lba, &byte);
	if (err) {
		if (c)
			fat_free_chain(fs, c);
		return err;
	}
	if (!node)
		return PITH_OK;
	return fat_node_open(fs, d->first, off + (nent - 1) * FAT_ENT, lba,
			     byte, e, node);
}

enum pith_error fat_unlink(struct fat *fs, uint32_t dir, const char *name,
			   size_t len)
{
	uint16_t q[FAT_LFN_MAX];
	struct fat_node *d, *n;
	struct dir_rec r;
	uint32_t qn, h;
	bool empty = true;
	enum pith_error err;

	err = dir_node(fs, dir, true, &d);
	if (!err)
		err = fat_name_parse(name, len, q, &qn);
	if (!err)
		err = dir_find(fs, d, q, qn, &r);
	if (err)
		return err;
	/* opening checks the chain before anything is freed */
	err = fat_node_open(fs, d->first, r.off, r.lba, r.byte, r.e, &h);
	if (err)
		return err;
	n = &fs->nodes[h];
	if (n->is_dir)
		err = dir_empty(fs, n, &empty);
	if (!err && !empty)
		err = PITH_E_NOT_EMPTY;
	if (!err)
		err = dir_delete(fs, d, r.start, r.off);
	if (!err)
		n->unlinked = true;
	enum pith_error rel = fat_release(fs, h);
	return err ? err : rel;
}

/* Whether the record's name is q exactly, case included. */
static bool rec_named(const struct dir_rec *r, const uint16_t *q, uint32_t qn)
{
	uint16_t buf[12];
	const uint16_t *name;
	uint32_t n = rec_name(r, buf, &name);

	return n == qn && memcmp(name, q, qn * sizeof q[0]) == 0;
}

/* Open the rename's destination `dst`, which the source (a directory if
 * src_dir) is to replace, and check that it may. */
static enum pith_error open_victim(struct fat *fs, struct fat_node *nd,
				   const struct dir_rec *dst, bool src_dir,
				   uint32_t *h)
{
	bool dst_dir = dst->e[FAT_DE_ATTR] & FAT_ATTR_DIR, empty = true;
	enum pith_error err;

	if (src_dir && !dst_dir)
		return PITH_E_NOT_DIRECTORY;
	if (!src_dir && dst_dir)
		return PITH_E_IS_DIRECTORY;
	err = fat_node_open(fs, nd->first, dst->off, dst->lba, dst->byte,
			    dst->e, h);
	if (err)
		return err;
	if (dst_dir)
		err = dir_empty(fs, &fs->nodes[*h], &empty);
	if (!err && !empty)
		err = PITH_E_NOT_EMPTY;
	if (err)
		fat_release(fs, *h);
	return err;
}

/* The rename's checks on a directory source: not into itself or below,
 * and its ".." readable where it will be rewritten. */
static enum pith_error check_dir_move(struct fat *fs, struct fat_node *od,
				      struct fat_node *nd, uint32_t c)
{
	uint32_t parent;
	enum pith_error err;

	if (c == 0)
		return PITH_E_CORRUPT;
	err = check_not_below(fs, nd->first, c);
	if (!err && od->first != nd->first)
		err = parent_of(fs, c, &parent);
	return err;
}

/* The rename from the point where nothing can fail for want of space:
 * the victim's entries (if any) and the source's go, the new name is
 * written, the open node follows it and a moved directory's ".." too. */
static enum pith_error
rename_commit(struct fat *fs, struct fat_node *od, const struct dir_rec *src,
	      struct fat_node *nd, const struct dir_rec *dst, uint32_t victim,
	      const uint16_t *q, uint32_t qn, const uint8_t sn[11],
	      uint32_t nent, uint32_t off)
{
	bool src_dir = src->e[FAT_DE_ATTR] & FAT_ATTR_DIR;
	uint32_t c = fat_de_cluster(src->e), byte;
	struct fat_node *moving =
		src_dir ? fat_node_find_dir(fs, c)
			: fat_node_find_file(fs, od->first, src->off);
	uint8_t e[FAT_ENT];
	uint64_t lba;
	enum pith_error err = PITH_OK;

	if (victim != NO_RANGE) {
		err = dir_delete(fs, nd, dst->start, dst->off);
		fs->nodes[victim].unlinked = true;
	}
	if (!err)
		err = dir_delete(fs, od, src->start, src->off);
	if (err)
		return err;
	memcpy(e, src->e, FAT_ENT);
	memcpy(e, sn, 11);
	e[FAT_DE_NTRES] &= (uint8_t)~0x18;
	err = write_name(fs, nd, off, q, qn, nent, e, &lba, &byte);
	if (err)
		return err;
	if (moving) {
		moving->dir = nd->first;
		moving->ent = off + (nent - 1) * FAT_ENT;
		moving->ent_lba = lba;
		moving->ent_byte = byte;
	}
	if (src_dir && od->first != nd->first)
		err = set_dotdot(fs, c, nd->first);
	return err;
}

enum pith_error fat_rename(struct fat *fs, uint32_t olddir, const char *oldname,
			   size_t oldlen, uint32_t newdir, const char *newname,
			   size_t newlen)
{
	uint16_t oq[FAT_LFN_MAX], nq[FAT_LFN_MAX];
	struct fat_node *od, *nd;
	struct dir_rec src, dst;
	uint32_t oqn, nqn, victim = NO_RANGE, lo = NO_RANGE, hi = 0, nent, off;
	uint8_t sn[11];
	bool src_dir, found, same;
	enum pith_error err;

	err = dir_node(fs, olddir, true, &od);
	if (!err)
		err = dir_node(fs, newdir, true, &nd);
	if (!err)
		err = fat_name_parse(oldname, oldlen, oq, &oqn);
	if (!err)
		err = fat_name_parse(newname, newlen, nq, &nqn);
	if (!err)
		err = dir_find(fs, od, oq, oqn, &src);
	if (err)
		return err;
	src_dir = src.e[FAT_DE_ATTR] & FAT_ATTR_DIR;
	if (src_dir) {
		err = check_dir_move(fs, od, nd, fat_de_cluster(src.e));
		if (err)
			return err;
	}
	err = dir_find(fs, nd, nq, nqn, &dst);
	if (err && err != PITH_E_NOT_FOUND)
		return err;
	found = !err;
	same = found && od->first == nd->first && dst.off == src.off;
	if (same && rec_named(&src, nq, nqn))
		return PITH_OK;
	if (found && !same) {
		err = open_victim(fs, nd, &dst, src_dir, &victim);
		if (err)
			return err;
		lo = dst.start;
		hi = dst.off;
	} else if (same) {
		lo = src.start; /* a new case for the same name */
		hi = src.off;
	}
	err = place_name(fs, nd, nq, nqn, lo, hi, sn, &nent, &off);
	if (!err)
		err = rename_commit(fs, od, &src, nd, &dst, victim, nq, nqn, sn,
				    nent, off);
	if (victim != NO_RANGE) {
		enum pith_error rel = fat_release(fs, victim);

		if (!err)
			err = rel;
	}
	return err;
}

enum pith_error fat_readdir(struct fat *fs, uint32_t dir, uint64_t cookie,
			    struct fat_dirent *ent, uint64_t *next)
{
	struct fat_node *d;
	struct dir_it it;
	struct dir_rec r;
	uint16_t buf[12];
	const uint16_t *name;
	uint32_t off, n;
	enum pith_error err;

	err = dir_node(fs, dir, false, &d);
	if (err)
		return err;
	if (cookie % FAT_ENT)
		return PITH_E_INVALID_ARGUMENT;
	if (cookie >= FAT_DIR_MAX)
		return PITH_E_NOT_FOUND;
	it = (struct dir_it){.first = d->first};
	off = (uint32_t)cookie;
	do {
		err = dir_next(fs, &it, &off, &r);
		if (err)
			return err;
	} while (is_dot(r.e));
	memset(ent, 0, sizeof *ent);
	n = rec_name(&r, buf, &name);
	ent->name_len = (uint32_t)fat_name_utf8(name, n, ent->name);
	ent->name[ent->name_len] = '\0';
	fat_name_short_text(r.e, ent->short_name);
	ent->attr = r.e[FAT_DE_ATTR];
	ent->is_dir = ent->attr & FAT_ATTR_DIR;
	ent->size = ent->is_dir ? 0 : fat_get32(r.e + FAT_DE_SIZE);
	ent->mtime = fat_dos_to_unix(fat_get16(r.e + FAT_DE_MTIME),
				     fat_get16(r.e + FAT_DE_MDATE));
	*next = off;
	return PITH_OK;
}
