/*
 * Test helpers for the FAT32 engine: the in-memory device, the
 * formatter and the checker (fatimg.h). Written from the FAT
 * specification, sharing no code with servers/fat.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fatimg.h"

static uint16_t g16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t g32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void p16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void p32(uint8_t *p, uint32_t v)
{
	p16(p, v);
	p16(p + 2, v >> 16);
}

/* ---- the device -------------------------------------------------------- */

struct memdev *md_new(uint32_t ss, uint64_t sectors)
{
	struct memdev *m = calloc(1, sizeof *m);

	assert_non_null(m);
	m->ss = ss;
	m->sectors = sectors;
	m->sec = calloc(sectors, sizeof *m->sec);
	assert_non_null(m->sec);
	m->fail_reads_after = -1;
	m->fail_writes_after = -1;
	return m;
}

struct memdev *md_clone(const struct memdev *m)
{
	struct memdev *c = md_new(m->ss, m->sectors);

	for (uint64_t i = 0; i < m->sectors; i++) {
		if (m->sec[i]) {
			c->sec[i] = malloc(m->ss);
			assert_non_null(c->sec[i]);
			memcpy(c->sec[i], m->sec[i], m->ss);
		}
	}
	return c;
}

void md_free(struct memdev *m)
{
	if (!m)
		return;
	for (uint64_t i = 0; i < m->sectors; i++)
		free(m->sec[i]);
	free(m->sec);
	free(m);
}

uint8_t *md_sector(struct memdev *m, uint64_t lba)
{
	assert_true(lba < m->sectors);
	if (!m->sec[lba]) {
		m->sec[lba] = calloc(1, m->ss);
		assert_non_null(m->sec[lba]);
	}
	return m->sec[lba];
}

static enum pith_error md_read(void *ctx, uint64_t lba, uint32_t count,
			       void *buf)
{
	struct memdev *m = ctx;

	m->reads++;
	if (m->fail_reads_after == 0)
		return PITH_E_IO;
	if (m->fail_reads_after > 0)
		m->fail_reads_after--;
	assert_true(count > 0 && lba < m->sectors && count <= m->sectors - lba);
	for (uint32_t i = 0; i < count; i++) {
		uint8_t *dst = (uint8_t *)buf + (size_t)i * m->ss;

		if (m->sec[lba + i])
			memcpy(dst, m->sec[lba + i], m->ss);
		else
			memset(dst, 0, m->ss);
	}
	return PITH_OK;
}

static enum pith_error md_write(void *ctx, uint64_t lba, uint32_t count,
				const void *buf)
{
	struct memdev *m = ctx;

	m->writes++;
	if (m->fail_writes_after == 0)
		return PITH_E_IO;
	if (m->fail_writes_after > 0)
		m->fail_writes_after--;
	assert_true(count > 0 && lba < m->sectors && count <= m->sectors - lba);
	for (uint32_t i = 0; i < count; i++)
		memcpy(md_sector(m, lba + i),
		       (const uint8_t *)buf + (size_t)i * m->ss, m->ss);
	return PITH_OK;
}

static enum pith_error md_flush(void *ctx)
{
	struct memdev *m = ctx;

	m->flushes++;
	return PITH_OK;
}

struct fat_dev md_dev(struct memdev *m)
{
	struct fat_dev d = {
		.ctx = m,
		.sector_size = m->ss,
		.sectors = m->sectors,
		.read = md_read,
		.write = md_write,
		.flush = md_flush,
	};
	return d;
}

/* ---- the formatter ----------------------------------------------------- */

static void write_fsinfo(struct memdev *m, uint64_t lba, uint32_t nfree)
{
	uint8_t *f = md_sector(m, lba);

	memset(f, 0, m->ss);
	p32(f, 0x41615252);
	p32(f + 484, 0x61417272);
	p32(f + 488, nfree);
	p32(f + 492, 3);
	p32(f + 508, 0xAA550000);
}

void fatimg_format(struct memdev *m, uint32_t spc, uint32_t nfats,
		   uint32_t total)
{
	uint32_t ss = m->ss, reserved = 32, fatsz = 1, clusters;
	uint8_t *b;

	if (total == 0)
		total = (uint32_t)m->sectors;
	for (;;) {
		uint32_t need;

		clusters = (total - reserved - nfats * fatsz) / spc;
		need = (uint32_t)(((uint64_t)clusters + 2) * 4 + ss - 1) / ss;
		if (need <= fatsz)
			break;
		fatsz = need;
	}
	b = md_sector(m, 0);
	memset(b, 0, ss);
	static const uint8_t start[11] = {0xEB, 0x58, 0x90, 'P', 'I', 'T',
					  'H',	'T',  'E',  'S', 'T'};
	static const uint8_t names[19] = "NO NAME    FAT32   ";

	memcpy(b, start, sizeof start);
	p16(b + 11, ss);
	b[13] = (uint8_t)spc;
	p16(b + 14, reserved);
	b[16] = (uint8_t)nfats;
	b[21] = 0xF8;
	p16(b + 24, 32);
	p16(b + 26, 64);
	p32(b + 32, total);
	p32(b + 36, fatsz);
	p32(b + 44, 2);
	p16(b + 48, 1);
	p16(b + 50, 6);
	b[64] = 0x80;
	b[66] = 0x29;
	p32(b + 67, 0x12345678);
	memcpy(b + 71, names, sizeof names);
	b[510] = 0x55;
	b[511] = 0xAA;
	memcpy(md_sector(m, 6), b, ss);
	write_fsinfo(m, 1, clusters - 1);
	write_fsinfo(m, 7, clusters - 1);
	for (uint32_t i = 0; i < nfats * fatsz; i++)
		memset(md_sector(m, reserved + i), 0, ss);
	for (uint32_t i = 0; i < nfats; i++) {
		uint8_t *f = md_sector(m, reserved + i * fatsz);

		p32(f, 0x0FFFFFF8);
		p32(f + 4, 0x0FFFFFFF);
		p32(f + 8, 0x0FFFFFFF);
	}
	for (uint32_t i = 0; i < spc; i++)
		memset(md_sector(m, reserved + nfats * fatsz + i), 0, ss);
}

void fatimg_geo(struct memdev *m, struct geo *g)
{
	const uint8_t *b = md_sector(m, 0);
	uint32_t flags = g16(b + 40);

	g->ss = g16(b + 11);
	g->spc = b[13];
	g->cb = g->ss * g->spc;
	g->reserved = g16(b + 14);
	g->nfats = b[16];
	g->total = g32(b + 32);
	g->fatsz = g32(b + 36);
	g->root = g32(b + 44);
	g->fsinfo = g16(b + 48);
	g->data = g->reserved + (uint64_t)g->nfats * g->fatsz;
	g->clusters = (uint32_t)((g->total - g->data) / g->spc);
	g->active = flags & 0x80 ? flags & 15 : 0;
}

uint32_t fatimg_fat(struct memdev *m, const struct geo *g, uint32_t copy,
		    uint32_t c)
{
	uint64_t off = (uint64_t)c * 4;
	const uint8_t *s = md_sector(
		m, g->reserved + (uint64_t)copy * g->fatsz + off / g->ss);

	return g32(s + off % g->ss) & 0x0FFFFFFF;
}

void fatimg_set_fat(struct memdev *m, const struct geo *g, uint32_t c,
		    uint32_t v)
{
	uint64_t off = (uint64_t)c * 4;

	for (uint32_t i = 0; i < g->nfats; i++) {
		uint8_t *s = md_sector(m, g->reserved + (uint64_t)i * g->fatsz +
						  off / g->ss);

		p32(s + off % g->ss, v);
	}
}

uint64_t fatimg_lba(const struct geo *g, uint32_t c)
{
	return g->data + (uint64_t)(c - 2) * g->spc;
}

uint32_t fatimg_cluster(const uint8_t *e)
{
	return (uint32_t)g16(e + 20) << 16 | g16(e + 26);
}

uint8_t *fatimg_entry(struct memdev *m, const struct geo *g, uint32_t dir,
		      uint32_t off)
{
	uint32_t c = dir;

	for (uint32_t i = 0; i < off / g->cb; i++) {
		c = fatimg_fat(m, g, g->active, c);
		if (c < 2 || c >= 0x0FFFFFF8)
			return NULL;
	}
	off %= g->cb;
	return md_sector(m, fatimg_lba(g, c) + off / g->ss) + off % g->ss;
}

uint8_t *fatimg_find(struct memdev *m, const struct geo *g, uint32_t dir,
		     const char *name83)
{
	for (uint32_t off = 0;; off += 32) {
		uint8_t *e = fatimg_entry(m, g, dir, off);

		if (!e || e[0] == 0)
			return NULL;
		if (e[11] != 0x0F && memcmp(e, name83, 11) == 0)
			return e;
	}
}

/* ---- the checker ------------------------------------------------------- */

struct check {
	struct memdev *m;
	struct geo g;
	uint8_t *used; /* clusters reached from the root */
};

static uint8_t lfn_sum(const uint8_t *sn)
{
	uint8_t s = 0;

	for (int i = 0; i < 11; i++)
		s = (uint8_t)(((s & 1) << 7) + (s >> 1) + sn[i]);
	return s;
}

/* Mark a chain used; its length. */
static uint32_t check_chain(struct check *k, uint32_t first)
{
	uint32_t c = first, n = 0;

	for (;;) {
		if (c < 2 || c > k->g.clusters + 1)
			fail_msg("cluster %u out of range (chain from %u)", c,
				 first);
		if (k->used[c])
			fail_msg("cluster %u is in two chains (or loops)", c);
		k->used[c] = 1;
		n++;
		uint32_t v = fatimg_fat(k->m, &k->g, k->g.active, c);

		if (v >= 0x0FFFFFF8)
			return n;
		if (v == 0 || v == 0x0FFFFFF7)
			fail_msg("chain from %u reaches free or bad %#x", first,
				 v);
		c = v;
	}
}

/* The names seen in one directory: upper-cased long names, short names. */
struct seen {
	char (*names)[4 * 256];
	uint8_t (*shorts)[11];
	uint32_t n, cap;
};

static void seen_add(struct seen *s, const uint16_t *lfn, uint32_t len,
		     const uint8_t *sn)
{
	char key[4 * 256] = "";

	for (uint32_t i = 0; i < len; i++) {
		uint16_t ch = lfn[i];

		if (ch >= 'a' && ch <= 'z')
			ch = (uint16_t)(ch - 32);
		snprintf(key + strlen(key), sizeof key - strlen(key), "%04x",
			 ch);
	}
	for (uint32_t i = 0; i < s->n; i++) {
		if (memcmp(s->shorts[i], sn, 11) == 0)
			fail_msg("short name %.11s twice", (const char *)sn);
		if (len && strcmp(s->names[i], key) == 0)
			fail_msg("long name of %.11s twice", (const char *)sn);
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->names = realloc(s->names, s->cap * sizeof *s->names);
		s->shorts = realloc(s->shorts, s->cap * sizeof *s->shorts);
		if (!s->names || !s->shorts)
			abort();
	}
	snprintf(s->names[s->n], sizeof s->names[s->n], "%s", len ? key : "");
	memcpy(s->shorts[s->n], sn, 11);
	s->n++;
}

static void check_dir(struct check *k, uint32_t dir, uint32_t parent,
		      int depth);

/* One short entry of directory dir (not "." or ".."). */
static void check_short(struct check *k, const uint8_t *e, int depth,
			uint32_t dir)
{
	uint32_t c = fatimg_cluster(e), size = g32(e + 28);

	if (e[11] & 0x10) {
		assert_true(c != 0);
		check_chain(k, c);
		check_dir(k, c, dir, depth + 1);
	} else if (c == 0) {
		if (size != 0)
			fail_msg("%.11s: %u bytes, no cluster", (const char *)e,
				 size);
	} else if (check_chain(k, c) != (size + k->g.cb - 1) / k->g.cb) {
		fail_msg("%.11s: chain length does not fit its %u bytes",
			 (const char *)e, size);
	}
}

/* Walk directory dir: every name, the long names, "." and "..". */
static void check_dir(struct check *k, uint32_t dir, uint32_t parent, int depth)
{
	struct seen s = {0};
	uint16_t lfn[260];
	uint32_t have = 0, nlfn = 0, off;
	uint8_t sum = 0;

	assert_true(depth < 64);
	for (off = 0;; off += 32) {
		const uint8_t *e = fatimg_entry(k->m, &k->g, dir, off);

		if (!e || e[0] == 0)
			break;
		if (e[0] == 0xE5) {
			if (have)
				fail_msg("deleted entry inside a long name");
			continue;
		}
		if (e[11] == 0x0F) {
			uint32_t ord = e[0] & 0x3F;

			if (e[0] & 0x40) {
				if (have)
					fail_msg("long name cut short");
				nlfn = ord * 13;
				sum = e[13];
			} else if (!have || ord != have - 1 || e[13] != sum) {
				fail_msg("orphan LFN entry at %u in dir %u",
					 off, dir);
			}
			assert_true(ord >= 1 && ord <= 20);
			static const int pos[13] = {1,	3,  5,	7,  9,	14, 16,
						    18, 20, 22, 24, 28, 30};
			for (int j = 0; j < 13; j++) {
				uint16_t ch = g16(e + pos[j]);

				lfn[(ord - 1) * 13 + j] = ch;
				if (ch == 0 && (ord - 1) * 13 + j < nlfn)
					nlfn = (ord - 1) * 13 + j;
			}
			have = ord;
			continue;
		}
		if (have && (have != 1 || lfn_sum(e) != sum))
			fail_msg("long name does not belong to %.11s",
				 (const char *)e);
		if (memcmp(e, ".          ", 11) == 0) {
			assert_int_equal(fatimg_cluster(e), dir);
		} else if (memcmp(e, "..         ", 11) == 0) {
			assert_int_equal(fatimg_cluster(e),
					 parent == k->g.root ? 0 : parent);
		} else if (!(e[11] & 0x08)) {
			seen_add(&s, lfn, have ? nlfn : 0, e);
			check_short(k, e, depth, dir);
		}
		have = 0;
	}
	if (have)
		fail_msg("long name at the end of dir %u", dir);
	free(s.names);
	free(s.shorts);
}

uint32_t fatimg_check(struct memdev *m)
{
	struct check k = {.m = m};
	uint32_t nfree = 0;

	fatimg_geo(m, &k.g);
	k.used = calloc(k.g.clusters + 2, 1);
	assert_non_null(k.used);
	check_chain(&k, k.g.root);
	check_dir(&k, k.g.root, k.g.root, 0);
	for (uint32_t c = 2; c < k.g.clusters + 2; c++) {
		uint32_t v = fatimg_fat(m, &k.g, k.g.active, c);

		if (v == 0)
			nfree++;
		if (v == 0 && k.used[c])
			fail_msg("cluster %u used but free in the FAT", c);
		if (v != 0 && !k.used[c])
			fail_msg("cluster %u lost: allocated, not reachable",
				 c);
		for (uint32_t i = 0;
		     i < k.g.nfats && !(md_sector(m, 0)[40] & 0x80); i++)
			if (fatimg_fat(m, &k.g, i, c) != v)
				fail_msg("FAT %u differs at cluster %u", i, c);
	}
	if (k.g.fsinfo) {
		uint32_t hint = g32(md_sector(m, k.g.fsinfo) + 488);

		if (hint != 0xFFFFFFFF && hint != nfree)
			fail_msg("FSInfo says %u free, %u are", hint, nfree);
	}
	free(k.used);
	return nfree;
}
