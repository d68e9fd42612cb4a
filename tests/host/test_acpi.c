/*
 * Host tests for lib/acpi.c: RSDP, RSDT/XSDT and MADT images built by hand
 * in a fake physical memory, valid and damaged, every truncation of a
 * MADT, and the tables QEMU's firmware really builds.
 *
 * The map callback hands out an exact-size heap copy of the bytes asked
 * for, so a parser that reads past what it mapped (say, a table's body
 * through its 36-byte header mapping) is caught by AddressSanitizer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/acpi.h"

#define HDR	  36 /* SDT header */
#define MADT_HDR  44 /* SDT header, local APIC address, flags */
#define LAPIC_FEE 0xfee00000u

/* ---- fake physical memory ---------------------------------------------- */

/* Low memory as a PC has it: the RSDP in the BIOS area at 0xe0000, and the
 * tables next to it. */
#define BASE	 0xe0000ull
#define MEM_SIZE 0x10000u
#define RSDP_AT	 BASE
#define XSDT_AT	 (BASE + 0x101) /* odd: XSDT entries are unaligned anyway */
#define RSDT_AT	 (BASE + 0x200)
#define T(i)	 (BASE + 0x1000u * (uint64_t)(i) + 0x1000u) /* 0 <= i < 15 */

struct region {
	uint64_t base;
	uint8_t *bytes;
	size_t size;
};

struct map_call {
	uint64_t phys, len;
};

static struct {
	struct region r[4];
	unsigned n;
	struct map_call log[64]; /* the first calls of the current lookup */
	unsigned nlog;
} pm;

static uint8_t lowmem[MEM_SIZE];

/* Every copy handed out by pm_map(), freed by unmap_all(). */
static void **maps;
static size_t nmaps, maps_cap;

static void unmap_all(void)
{
	for (size_t i = 0; i < nmaps; i++)
		free(maps[i]);
	free(maps);
	maps = NULL;
	nmaps = maps_cap = 0;
}

static void pm_reset(void)
{
	memset(&pm, 0, sizeof(pm));
	memset(lowmem, 0, sizeof(lowmem));
	pm.r[0] = (struct region){BASE, lowmem, sizeof(lowmem)};
	pm.n = 1;
}

static void pm_add(uint64_t base, uint8_t *bytes, size_t size)
{
	assert_true(pm.n < 4);
	pm.r[pm.n++] = (struct region){base, bytes, size};
}

static const void *pm_map(uint64_t phys, uint64_t len, void *ctx)
{
	assert_ptr_equal(ctx, &pm);
	/* The parser's side of the contract: sane, non-wrapping ranges. */
	assert_true(len > 0 && len <= ACPI_TABLE_MAX);
	assert_true(phys <= UINT64_MAX - len);
	if (pm.nlog < 64)
		pm.log[pm.nlog++] = (struct map_call){phys, len};
	for (unsigned i = 0; i < pm.n; i++) {
		const struct region *r = &pm.r[i];
		void *copy;

		if (phys < r->base || phys - r->base > r->size ||
		    len > r->size - (phys - r->base))
			continue;
		if (nmaps == maps_cap) {
			size_t cap = maps_cap ? 2 * maps_cap : 64;
			void **grown = realloc(maps, cap * sizeof(*maps));

			assert_non_null(grown);
			maps = grown;
			maps_cap = cap;
		}
		copy = malloc(len);
		assert_non_null(copy);
		memcpy(copy, r->bytes + (phys - r->base), len);
		maps[nmaps++] = copy;
		return copy;
	}
	return NULL;
}

/* `n` bytes of low memory, to build tables in. */
static uint8_t *at_n(uint64_t phys, uint32_t n)
{
	assert_true(phys >= BASE && phys - BASE < MEM_SIZE);
	assert_true(n <= MEM_SIZE - (phys - BASE));
	return lowmem + (phys - BASE);
}

static uint8_t *at(uint64_t phys)
{
	return at_n(phys, 1);
}

static enum acpi_error find(uint64_t rsdp, const char *sig, uint64_t *phys,
			    uint32_t *len)
{
	enum acpi_error err;

	pm.nlog = 0;
	*phys = 0xdead;
	*len = 0xdead;
	err = acpi_find_table(rsdp, sig, pm_map, &pm, phys, len);
	unmap_all();
	return err;
}

/* acpi_find_table() must find `sig` at `want_phys`, `want_len` bytes. */
static void assert_found(uint64_t rsdp, const char *sig, uint64_t want_phys,
			 uint32_t want_len)
{
	uint64_t phys;
	uint32_t len;

	assert_int_equal(find(rsdp, sig, &phys, &len), ACPI_OK);
	assert_int_equal(phys, want_phys);
	assert_int_equal(len, want_len);
}

static enum acpi_error find_err(uint64_t rsdp, const char *sig)
{
	uint64_t phys;
	uint32_t len;
	enum acpi_error err = find(rsdp, sig, &phys, &len);

	if (err != ACPI_OK) { /* outputs untouched on failure */
		assert_int_equal(phys, 0xdead);
		assert_int_equal(len, 0xdead);
	}
	return err;
}

/* ---- table builders ---------------------------------------------------- */

static void w16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void w32(uint8_t *p, uint32_t v)
{
	w16(p, (uint16_t)v);
	w16(p + 2, (uint16_t)(v >> 16));
}

static void w64(uint8_t *p, uint64_t v)
{
	w32(p, (uint32_t)v);
	w32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t r32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Set p[sum_at] so that the `len` bytes at p add up to 0. */
static void set_sum(uint8_t *p, uint32_t len, uint32_t sum_at)
{
	uint8_t s = 0;

	p[sum_at] = 0;
	for (uint32_t i = 0; i < len; i++)
		s = (uint8_t)(s + p[i]);
	p[sum_at] = (uint8_t)-s;
}

/* A table's checksum over the Length its header gives. */
static void fix_sum(uint8_t *p)
{
	set_sum(p, r32(p + 4), 9);
}

/* Fixed-size character fields: no NUL of their own. */
static void put_chars(uint8_t *p, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)s[i];
}

static void sdt_header(uint8_t *p, const char *sig, uint32_t len)
{
	put_chars(p, sig, 4);
	w32(p + 4, len);
	p[8] = 1; /* revision */
	put_chars(p + 10, "PITHOS", 6);
	put_chars(p + 16, "PITHTEST", 8);
	w32(p + 24, 1);
	put_chars(p + 28, "PITH", 4);
	w32(p + 32, 1);
}

/* A table of `len` bytes with a body of filler bytes, checksummed. */
static void put_table(uint64_t phys, const char *sig, uint32_t len)
{
	uint8_t *p = at_n(phys, len);

	assert_true(len >= HDR);
	for (uint32_t i = HDR; i < len; i++)
		p[i] = (uint8_t)(i * 7);
	sdt_header(p, sig, len);
	fix_sum(p);
}

/* An RSDT (xsdt false) or XSDT listing `n` tables. */
static void put_root(uint64_t phys, int xsdt, const uint64_t *entry, unsigned n)
{
	unsigned esize = xsdt ? 8 : 4;
	uint8_t *p = at_n(phys, HDR + n * esize);

	sdt_header(p, xsdt ? "XSDT" : "RSDT", HDR + n * esize);
	for (unsigned i = 0; i < n; i++) {
		if (xsdt)
			w64(p + HDR + (size_t)i * esize, entry[i]);
		else
			w32(p + HDR + (size_t)i * esize, (uint32_t)entry[i]);
	}
	fix_sum(p);
}

/* Both RSDP checksums: over the first 20 bytes and, for revision >= 2,
 * over Length bytes (36 if Length is not usable). */
static void fix_rsdp(uint64_t phys)
{
	uint8_t *p = at_n(phys, 20);
	uint32_t len;

	set_sum(p, 20, 8);
	if (p[15] < 2)
		return;
	len = r32(at_n(phys, 36) + 20);
	len = len >= 36 && len <= 256 ? len : 36;
	set_sum(at_n(phys, len), len, 32);
}

static void put_rsdp_at(uint64_t phys, uint8_t rev, uint32_t rsdt,
			uint64_t xsdt)
{
	uint8_t *p = at_n(phys, rev >= 2 ? 36 : 20);

	put_chars(p, "RSD PTR ", 8);
	put_chars(p + 9, "PITHOS", 6);
	p[15] = rev;
	w32(p + 16, rsdt);
	if (rev >= 2) {
		w32(p + 20, 36);
		w64(p + 24, xsdt);
	}
	fix_rsdp(phys);
}

static void put_rsdp(uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
	put_rsdp_at(RSDP_AT, rev, rsdt, xsdt);
}

/* A MADT under construction; ends[] records where each entry ends. */
struct madt {
	uint8_t b[8192];
	uint32_t len;
	uint32_t ends[512];
	unsigned nends;
};

static void madt_init(struct madt *m, uint32_t lapic, uint32_t flags)
{
	memset(m, 0, sizeof(*m));
	sdt_header(m->b, "APIC", MADT_HDR);
	m->b[8] = 3;
	w32(m->b + 36, lapic);
	w32(m->b + 40, flags);
	m->len = MADT_HDR;
}

/* Append `n` bytes of entry as given (its length byte is the caller's). */
static void madt_raw(struct madt *m, const uint8_t *e, uint32_t n)
{
	assert_true(n <= sizeof(m->b) - m->len && m->nends < 512);
	memcpy(m->b + m->len, e, n);
	m->len += n;
	m->ends[m->nends++] = m->len;
}

static void madt_lapic(struct madt *m, uint8_t uid, uint8_t id, uint32_t flags)
{
	uint8_t e[8] = {0, 8, uid, id};

	w32(e + 4, flags);
	madt_raw(m, e, sizeof(e));
}

static void madt_ioapic(struct madt *m, uint8_t id, uint32_t addr,
			uint32_t gsi_base)
{
	uint8_t e[12] = {1, 12, id, 0};

	w32(e + 4, addr);
	w32(e + 8, gsi_base);
	madt_raw(m, e, sizeof(e));
}

static void madt_override(struct madt *m, uint8_t bus, uint8_t source,
			  uint32_t gsi, uint16_t flags)
{
	uint8_t e[10] = {2, 10, bus, source};

	w32(e + 4, gsi);
	w16(e + 8, flags);
	madt_raw(m, e, sizeof(e));
}

static void madt_nmi(struct madt *m)
{
	static const uint8_t e[6] = {4, 6, 0xff, 0, 0, 1}; /* all CPUs, LINT1 */

	madt_raw(m, e, sizeof(e));
}

static void madt_addr64(struct madt *m, uint64_t addr)
{
	uint8_t e[12] = {5, 12};

	w64(e + 4, addr);
	madt_raw(m, e, sizeof(e));
}

static void madt_x2apic(struct madt *m, uint32_t id, uint32_t flags,
			uint32_t uid)
{
	uint8_t e[16] = {9, 16};

	w32(e + 4, id);
	w32(e + 8, flags);
	w32(e + 12, uid);
	madt_raw(m, e, sizeof(e));
}

static void madt_done(struct madt *m)
{
	w32(m->b + 4, m->len);
	fix_sum(m->b);
}

/* The last copy made by parse(): freed by the next one, or in teardown. */
static uint8_t *copy;

/* acpi_parse_madt() on an exact-size heap copy of the first `len` bytes. */
static enum acpi_error parse(const struct madt *m, uint32_t len,
			     struct acpi_madt *out)
{
	assert_true(len <= sizeof(m->b));
	free(copy);
	copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, m->b, len);
	return acpi_parse_madt(copy, len, out);
}

static enum acpi_error parse_done(struct madt *m, struct acpi_madt *out)
{
	madt_done(m);
	return parse(m, m->len, out);
}

static void put_madt(uint64_t phys, struct madt *m)
{
	madt_done(m);
	assert_true(phys >= BASE && m->len <= MEM_SIZE - (phys - BASE));
	memcpy(at(phys), m->b, m->len);
}

/* QEMU's MADT for 2 CPUs, as a small valid table to find. */
static void qemu_like_madt(struct madt *m)
{
	madt_init(m, LAPIC_FEE, ACPI_MADT_PCAT_COMPAT);
	madt_lapic(m, 0, 0, 1);
	madt_lapic(m, 1, 1, 1);
	madt_ioapic(m, 0, 0xfec00000u, 0);
	madt_override(m, 0, 0, 2, 0);
	madt_override(m, 0, 9, 9, 0xd);
	madt_nmi(m);
}

/*
 * The usual world: FACP, APIC and HPET at T(0..2), listed by both the XSDT
 * and the RSDT, except that the RSDT's APIC is a different one, at T(3):
 * where the APIC is found tells which root table was read.
 */
#define APIC_LEN (MADT_HDR + 8 + 8 + 12 + 10 + 10 + 6)

static void build_world(uint8_t rev, int with_xsdt)
{
	struct madt m;
	const uint64_t x[] = {T(0), T(1), T(2)};
	const uint64_t r[] = {T(0), T(3), T(2)};

	put_table(T(0), "FACP", 244);
	qemu_like_madt(&m);
	put_madt(T(1), &m);
	put_madt(T(3), &m);
	put_table(T(2), "HPET", 56);
	put_root(XSDT_AT, 1, x, 3);
	put_root(RSDT_AT, 0, r, 3);
	put_rsdp(rev, (uint32_t)RSDT_AT, with_xsdt ? XSDT_AT : 0);
}

static int setup(void **state)
{
	(void)state;
	pm_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unmap_all();
	free(copy);
	copy = NULL;
	return 0;
}

/* ---- acpi_find_table --------------------------------------------------- */

static void test_find_through_xsdt(void **state)
{
	uint64_t phys;
	uint32_t len;
	struct acpi_madt madt;

	(void)state;
	build_world(2, 1);
	assert_found(RSDP_AT, "APIC", T(1), APIC_LEN);
	assert_found(RSDP_AT, "FACP", T(0), 244);
	assert_found(RSDP_AT, "HPET", T(2), 56);

	/* What the kernel will do: find, map, parse. */
	assert_int_equal(find(RSDP_AT, "APIC", &phys, &len), ACPI_OK);
	assert_int_equal(acpi_parse_madt(at(phys), len, &madt), ACPI_OK);
	assert_int_equal(madt.n_ioapics, 1);
	assert_int_equal(madt.n_cpus, 2);
}

static void test_find_through_rsdt_revision0(void **state)
{
	/* A 20-byte RSDP in the last 20 bytes of memory: reading 36 would
	 * fail, so only the ACPI 1.0 structure may be read. */
	const uint64_t rsdp = BASE + MEM_SIZE - 20;

	(void)state;
	build_world(0, 0);
	memset(at(RSDP_AT), 0, 36);
	put_rsdp_at(rsdp, 0, (uint32_t)RSDT_AT, 0);
	assert_found(rsdp, "APIC", T(3), APIC_LEN);
	assert_found(rsdp, "HPET", T(2), 56);
	assert_int_equal(pm.log[0].phys, rsdp);
	assert_int_equal(pm.log[0].len, 20);
}

static void test_find_through_rsdt_when_xsdt_address_zero(void **state)
{
	(void)state;
	build_world(2, 0);
	assert_found(RSDP_AT, "APIC", T(3), APIC_LEN);
}

/* Revision 1 is no ACPI version; it is read as an ACPI 1.0 RSDP. */
static void test_find_revision1_uses_rsdt(void **state)
{
	(void)state;
	build_world(2, 1);
	at(RSDP_AT)[15] = 1;
	fix_rsdp(RSDP_AT);
	assert_found(RSDP_AT, "APIC", T(3), APIC_LEN);
}

/* A later revision is read like revision 2. */
static void test_find_revision3_uses_xsdt(void **state)
{
	(void)state;
	build_world(2, 1);
	at(RSDP_AT)[15] = 6;
	fix_rsdp(RSDP_AT);
	assert_found(RSDP_AT, "APIC", T(1), APIC_LEN);
}

/* A header mapping, then one of the whole table, for the root table and
 * the table found; only headers for the tables passed over. */
static void test_find_maps_header_then_table(void **state)
{
	static const struct map_call want[] = {
		{RSDP_AT, 20},
		{RSDP_AT, 36},
		{RSDP_AT, 36},
		{XSDT_AT, 36},
		{XSDT_AT, 36 + 3 * 8},
		{T(0), 36},
		{T(1), 36},
		{T(1), 36},
		{T(1), APIC_LEN},
	};

	(void)state;
	build_world(2, 1);
	assert_found(RSDP_AT, "APIC", T(1), APIC_LEN);
	assert_int_equal(pm.nlog, sizeof(want) / sizeof(want[0]));
	for (unsigned i = 0; i < pm.nlog; i++) {
		assert_int_equal(pm.log[i].phys, want[i].phys);
		assert_int_equal(pm.log[i].len, want[i].len);
	}
}

/* XSDT entries are 64-bit: tables above 4 GiB, at odd addresses. */
static void test_find_xsdt_entries_above_4g(void **state)
{
	static uint8_t high[0x2000];
	const uint64_t hbase = 0x123456789000ull;
	const uint64_t madt_at = hbase + 0x3, xsdt_at = hbase + 0x1001;
	const uint64_t x[] = {T(0), madt_at, T(2)};
	struct madt m;

	(void)state;
	memset(high, 0, sizeof(high));
	pm_add(hbase, high, sizeof(high));
	build_world(2, 1);
	qemu_like_madt(&m);
	madt_done(&m);
	memcpy(high + 3, m.b, m.len);
	/* An XSDT up there too; the RSDT's 32-bit entries cannot reach. */
	put_root(XSDT_AT, 1, x, 3);
	memcpy(high + 0x1001, at(XSDT_AT), HDR + 3 * 8);
	memset(at(XSDT_AT), 0, HDR + 3 * 8);
	put_rsdp(2, (uint32_t)RSDT_AT, xsdt_at);
	assert_found(RSDP_AT, "APIC", madt_at, APIC_LEN);
	assert_found(RSDP_AT, "HPET", T(2), 56);
}

static void test_find_not_found(void **state)
{
	static const char *const bad_sig[] = {"", "API", "APICX", "APIC "};

	(void)state;
	build_world(2, 1);
	assert_int_equal(find_err(RSDP_AT, "SSDT"), ACPI_E_NOT_FOUND);
	assert_int_equal(find_err(RSDP_AT, "apic"), ACPI_E_NOT_FOUND);
	/* Only a 4-character signature can match. */
	for (size_t i = 0; i < sizeof(bad_sig) / sizeof(bad_sig[0]); i++)
		assert_int_equal(find_err(RSDP_AT, bad_sig[i]),
				 ACPI_E_NOT_FOUND);
	/* An empty root table. */
	put_root(XSDT_AT, 1, NULL, 0);
	assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_NOT_FOUND);
}

static void test_find_returns_first_match(void **state)
{
	const uint64_t x[] = {T(0), T(3), T(1)};

	(void)state;
	build_world(2, 1);
	put_table(T(3), "APIC", 100); /* valid header; no MADT, no matter */
	put_root(XSDT_AT, 1, x, 3);
	assert_found(RSDP_AT, "APIC", T(3), 100);
}

static void test_find_skips_null_entries(void **state)
{
	const uint64_t x[] = {0, T(0), 0, T(1)};
	const uint64_t r[] = {0, T(3)};

	(void)state;
	build_world(2, 1);
	put_root(XSDT_AT, 1, x, 4);
	assert_found(RSDP_AT, "APIC", T(1), APIC_LEN);
	put_root(RSDT_AT, 0, r, 2);
	put_rsdp(0, (uint32_t)RSDT_AT, 0);
	assert_found(RSDP_AT, "APIC", T(3), APIC_LEN);
}

/* Only the table asked for is checked: damage elsewhere does not hide it. */
static void test_find_ignores_damage_in_other_tables(void **state)
{
	(void)state;
	build_world(2, 1);
	at(T(0))[100] ^= 0xff;		/* FACP checksum */
	w32(at(T(2)) + 4, 0xffffffffu); /* HPET length */
	assert_found(RSDP_AT, "APIC", T(1), APIC_LEN);
	w32(at(T(0)) + 4, 0); /* FACP length */
	assert_found(RSDP_AT, "APIC", T(1), APIC_LEN);
	assert_int_equal(find_err(RSDP_AT, "HPET"), ACPI_E_TABLE);
	assert_int_equal(find_err(RSDP_AT, "FACP"), ACPI_E_TABLE);
}

/*
 * A root table whose entry area is not a whole number of entries is
 * accepted (it is checksummed, so the length is the firmware's own); the
 * partial entry is ignored, as ACPICA does.
 */
static void test_find_root_partial_entry_ignored(void **state)
{
	const uint64_t x[] = {T(0), T(1)};
	uint8_t *p = at(XSDT_AT);

	(void)state;
	build_world(2, 1);
	put_root(XSDT_AT, 1, x, 2);
	for (uint32_t extra = 1; extra < 8; extra++) {
		w32(p + 4, HDR + 16 + extra);
		fix_sum(p);
		assert_found(RSDP_AT, "APIC", T(1), APIC_LEN);
	}
	/* The APIC pointer cut to 4 bytes of its 8 is not followed. */
	w32(p + 4, HDR + 8 + 4);
	fix_sum(p);
	assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_NOT_FOUND);
	/* Likewise in an RSDT: 3 bytes of a 4-byte entry. */
	p = at(RSDT_AT);
	w32(p + 4, HDR + 4 + 3);
	fix_sum(p);
	put_rsdp(0, (uint32_t)RSDT_AT, 0);
	assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_NOT_FOUND);
}

/* Entries are read only as far as the root table's Length. */
static void test_find_reads_only_root_length_entries(void **state)
{
	const uint64_t x[] = {T(0), T(2), T(1)};
	uint8_t *p = at(XSDT_AT);

	(void)state;
	build_world(2, 1);
	put_root(XSDT_AT, 1, x, 3);
	w32(p + 4, HDR + 2 * 8); /* the APIC pointer now lies past the end */
	fix_sum(p);
	assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_NOT_FOUND);
	assert_found(RSDP_AT, "HPET", T(2), 56);
}

/* Later ACPI versions may lengthen the RSDP; the checksum covers it all. */
static void test_rsdp_longer_than_36_accepted(void **state)
{
	uint8_t *p = at(RSDP_AT);

	(void)state;
	build_world(2, 1);
	w32(p + 20, 40);
	p[36] = 0x5a;
	fix_rsdp(RSDP_AT);
	assert_found(RSDP_AT, "APIC", T(1), APIC_LEN);
	assert_int_equal(pm.log[2].len, 40);
	p[39] = 1; /* the extended checksum covers these bytes too */
	assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_RSDP);
}

/* ---- acpi_find_table errors -------------------------------------------- */

static void test_rsdp_bad_signature(void **state)
{
	static const char *const sigs[] = {"RSD PTR", "rsd ptr ", "RSD PTR\0",
					   "RSDPTR  ", "XSD PTR "};

	(void)state;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		for (uint8_t rev = 0; rev <= 2; rev += 2) {
			build_world(rev, rev == 2);
			memcpy(at(RSDP_AT), sigs[i], 8);
			fix_rsdp(RSDP_AT);
			assert_int_equal(find_err(RSDP_AT, "APIC"),
					 ACPI_E_RSDP);
		}
	}
	/* Nothing at all there. */
	pm_reset();
	assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_RSDP);
}

static void test_rsdp_bad_checksum(void **state)
{
	(void)state;
	/* The first checksum covers bytes 0-19, whatever the revision. */
	for (uint8_t rev = 0; rev <= 2; rev += 2) {
		for (unsigned byte = 8; byte < 20; byte++) {
			build_world(rev, rev == 2);
			at(RSDP_AT)[byte] ^= 0x40;
			assert_int_equal(find_err(RSDP_AT, "APIC"),
					 ACPI_E_RSDP);
		}
	}
}

static void test_rsdp_bad_extended_checksum(void **state)
{
	(void)state;
	/* Bytes 24-35, outside the first checksum's reach (20-23, the
	 * Length, are test_rsdp_bad_length's). */
	for (unsigned byte = 24; byte < 36; byte++) {
		build_world(2, 1);
		at(RSDP_AT)[byte] ^= 0x01;
		assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_RSDP);
	}
	/* The same bytes do not matter in an ACPI 1.0 RSDP. */
	build_world(0, 0);
	memset(at(RSDP_AT) + 20, 0xff, 16);
	assert_found(RSDP_AT, "APIC", T(3), APIC_LEN);
}

/* Length is checked before the extended checksum is computed over it. */
static void test_rsdp_bad_length(void **state)
{
	static const uint32_t lens[] = {
		0, 1, 20, 35, ACPI_TABLE_MAX + 1, 0xffffffffu};

	(void)state;
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		build_world(2, 1);
		w32(at(RSDP_AT) + 20, lens[i]);
		fix_rsdp(RSDP_AT);
		assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_RSDP);
	}
}

static void test_rsdp_unreadable(void **state)
{
	const uint64_t last36 = BASE + MEM_SIZE - 36;

	(void)state;
	build_world(2, 1);
	assert_int_equal(find_err(0x1000, "APIC"), ACPI_E_MAP);
	assert_int_equal(find_err(BASE + MEM_SIZE - 19, "APIC"), ACPI_E_MAP);
	/* Near the top of the address space: the range would wrap. */
	assert_int_equal(find_err(UINT64_MAX - 10, "APIC"), ACPI_E_MAP);
	assert_int_equal(find_err(UINT64_MAX, "APIC"), ACPI_E_MAP);
	/* A revision 2 RSDP whose first 20 bytes are readable, not 36. */
	put_rsdp_at(last36, 2, (uint32_t)RSDT_AT, XSDT_AT);
	assert_found(last36, "APIC", T(1), APIC_LEN);
	memmove(at_n(last36 + 16, 20), at(last36), 20);
	assert_int_equal(find_err(last36 + 16, "APIC"), ACPI_E_MAP);
	/* A Length that runs off the readable memory. */
	put_rsdp_at(last36, 2, (uint32_t)RSDT_AT, XSDT_AT);
	w32(at(last36) + 20, 4096);
	fix_rsdp(last36);
	assert_int_equal(find_err(last36, "APIC"), ACPI_E_MAP);
}

static void test_root_bad_signature(void **state)
{
	(void)state;
	/* An RSDT where the XSDT should be, and the other way round. */
	build_world(2, 1);
	put_rsdp(2, (uint32_t)RSDT_AT, RSDT_AT);
	assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_ROOT);
	put_rsdp(0, (uint32_t)XSDT_AT, 0);
	assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_ROOT);
	/* Some other table. */
	put_rsdp(2, (uint32_t)RSDT_AT, T(0));
	assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_ROOT);
	put_rsdp(0, (uint32_t)T(1), 0);
	assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_ROOT);
}

static void test_root_bad_checksum(void **state)
{
	(void)state;
	for (unsigned byte = 0; byte < HDR + 3 * 8; byte++) {
		if (byte >= 4 &&
		    byte < 8) /* Length: see test_root_bad_length */
			continue;
		build_world(2, 1);
		at(XSDT_AT)[byte] ^= 0x10;
		if (byte < 4) /* signature */
			fix_sum(at(XSDT_AT));
		assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_ROOT);
	}
	build_world(0, 0);
	at(RSDT_AT)[HDR + 5] ^= 0x01;
	assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_ROOT);
}

static void test_root_bad_length(void **state)
{
	static const uint32_t lens[] = {0, 1, 35, ACPI_TABLE_MAX + 1,
					0xffffffffu};

	(void)state;
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		build_world(2, 1);
		w32(at(XSDT_AT) + 4, lens[i]);
		assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_ROOT);
		build_world(0, 0);
		w32(at(RSDT_AT) + 4, lens[i]);
		assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_ROOT);
	}
	/* Just a header: valid, and empty. */
	build_world(2, 1);
	put_root(XSDT_AT, 1, NULL, 0);
	assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_NOT_FOUND);
}

static void test_root_address_zero(void **state)
{
	(void)state;
	build_world(0, 0);
	put_rsdp(0, 0, 0);
	assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_ROOT);
	put_rsdp(2, 0, 0);
	assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_ROOT);
}

static void test_root_unreadable(void **state)
{
	const uint64_t x[] = {T(0), T(1), T(2)};
	const uint64_t whole = BASE + MEM_SIZE - (HDR + 24); /* 3 entries */
	const uint64_t part = BASE + MEM_SIZE - (HDR + 16);  /* 2 of them */

	(void)state;
	build_world(2, 1);
	put_rsdp(2, (uint32_t)RSDT_AT, 0x7000000000ull);
	assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_MAP);
	put_rsdp(0, 0x100000, 0);
	assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_MAP);
	put_rsdp(2, (uint32_t)RSDT_AT, UINT64_MAX - 35);
	assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_MAP);
	/* The header is readable, the rest is not. */
	put_root(whole, 1, x, 3);
	put_rsdp(2, (uint32_t)RSDT_AT, whole);
	assert_found(RSDP_AT, "APIC", T(1), APIC_LEN);
	put_root(part, 1, x, 2);
	w32(at(part) + 4, HDR + 24); /* one entry more than is readable */
	put_rsdp(2, (uint32_t)RSDT_AT, part);
	assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_MAP);
}

/*
 * A root entry that cannot be read is an error, not skipped: the kernel
 * must not boot on a partial view of the tables without saying so.
 */
static void test_table_unreadable(void **state)
{
	static const uint64_t bad[] = {0x1000, 0x7000000000ull, UINT64_MAX,
				       UINT64_MAX - 35, BASE + MEM_SIZE - 35};
	const uint64_t last[] = {T(14)};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const uint64_t x[] = {T(0), bad[i], T(1)};

		build_world(2, 1);
		put_root(XSDT_AT, 1, x, 3);
		assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_MAP);
		/* A table before the bad entry is still found. */
		assert_found(RSDP_AT, "FACP", T(0), 244);
	}
	/* The header of the table asked for is readable, its body not. */
	build_world(2, 1);
	put_table(T(14), "HPET", 56);
	w32(at(T(14)) + 4, 0x1001); /* T(14) is the last page */
	put_root(XSDT_AT, 1, last, 1);
	assert_int_equal(find_err(RSDP_AT, "HPET"), ACPI_E_MAP);
}

static void test_table_bad_header(void **state)
{
	static const uint32_t lens[] = {0, 35, ACPI_TABLE_MAX + 1, 0xffffffffu};

	(void)state;
	/* A bad checksum, wherever the damage is. */
	for (unsigned byte = 8; byte < APIC_LEN; byte++) {
		build_world(2, 1);
		at(T(1))[byte] ^= 0x20;
		assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_TABLE);
	}
	/* A Length too small or too large, checksum or not. */
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		build_world(2, 1);
		w32(at(T(1)) + 4, lens[i]);
		assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_TABLE);
	}
	/* The largest Length accepted is ACPI_TABLE_MAX; this memory is
	 * smaller, so such a table cannot be read. */
	build_world(2, 1);
	w32(at(T(1)) + 4, ACPI_TABLE_MAX);
	assert_int_equal(find_err(RSDP_AT, "APIC"), ACPI_E_MAP);
	/* The smallest: a table that is all header. */
	put_table(T(1), "APIC", HDR);
	assert_found(RSDP_AT, "APIC", T(1), HDR);
}

/* ---- acpi_parse_madt ---------------------------------------------------- */

static void test_madt_header_fields(void **state)
{
	struct madt m;
	struct acpi_madt out;

	(void)state;
	madt_init(&m, 0xfee00000u, ACPI_MADT_PCAT_COMPAT);
	assert_int_equal(parse_done(&m, &out), ACPI_OK);
	assert_int_equal(out.lapic_address, 0xfee00000u);
	assert_int_equal(out.lapic_address64, 0xfee00000u);
	assert_int_equal(out.flags, ACPI_MADT_PCAT_COMPAT);
	assert_int_equal(out.n_ioapics, 0);
	assert_int_equal(out.n_overrides, 0);
	assert_int_equal(out.n_cpus, 0);
	assert_int_equal(out.dropped, 0);

	madt_init(&m, 0xfed00000u, 0xfffffffeu);
	assert_int_equal(parse_done(&m, &out), ACPI_OK);
	assert_int_equal(out.lapic_address, 0xfed00000u);
	assert_int_equal(out.flags, 0xfffffffeu);
}

static void test_madt_processors(void **state)
{
	static const uint32_t want[] = {0, 2, 3, 5, 0x100, 0xfe, 0x12345678};
	struct madt m;
	struct acpi_madt out;

	(void)state;
	madt_init(&m, LAPIC_FEE, 0);
	madt_lapic(&m, 0, 0, 1);	   /* enabled */
	madt_lapic(&m, 1, 1, 0);	   /* disabled */
	madt_lapic(&m, 2, 2, 2);	   /* online capable */
	madt_lapic(&m, 3, 3, 3);	   /* both bits */
	madt_lapic(&m, 4, 4, 0xfffffffcu); /* reserved bits only */
	madt_lapic(&m, 5, 5, 0xffffffffu);
	madt_lapic(&m, 6, 0xff, 1);	     /* broadcast id: no processor */
	madt_x2apic(&m, 0x100, 1, 7);	     /* beyond xAPIC's 8 bits */
	madt_x2apic(&m, 0x101, 0, 8);	     /* disabled */
	madt_x2apic(&m, 0xfe, 2, 9);	     /* online capable */
	madt_x2apic(&m, 0xffffffffu, 1, 10); /* broadcast */
	madt_x2apic(&m, 2, 1, 2);	     /* listed twice: kept once */
	madt_lapic(&m, 11, 0, 1);	     /* again */
	madt_x2apic(&m, 0x12345678u, 1, 12);
	assert_int_equal(parse_done(&m, &out), ACPI_OK);
	assert_int_equal(out.n_cpus, sizeof(want) / sizeof(want[0]));
	for (unsigned i = 0; i < out.n_cpus; i++)
		assert_int_equal(out.cpu_apic_id[i], want[i]);
	assert_int_equal(out.dropped, 0);
	assert_int_equal(out.n_ioapics, 0);
}

static void test_madt_two_ioapics(void **state)
{
	struct madt m;
	struct acpi_madt out;

	(void)state;
	madt_init(&m, LAPIC_FEE, 1);
	madt_ioapic(&m, 8, 0xfec00000u, 0);
	madt_lapic(&m, 0, 0, 1);
	madt_ioapic(&m, 9, 0xfec01000u, 24);
	assert_int_equal(parse_done(&m, &out), ACPI_OK);
	assert_int_equal(out.n_ioapics, 2);
	assert_int_equal(out.ioapic[0].id, 8);
	assert_int_equal(out.ioapic[0].address, 0xfec00000u);
	assert_int_equal(out.ioapic[0].gsi_base, 0);
	assert_int_equal(out.ioapic[1].id, 9);
	assert_int_equal(out.ioapic[1].address, 0xfec01000u);
	assert_int_equal(out.ioapic[1].gsi_base, 24);
	assert_int_equal(out.n_cpus, 1);
}

static void test_madt_overrides(void **state)
{
	struct madt m;
	struct acpi_madt out;
	const struct acpi_override *o = out.override;

	(void)state;
	madt_init(&m, LAPIC_FEE, 1);
	madt_override(&m, 0, 0, 2, 0);
	madt_override(&m, 0, 9, 9, 0xd);
	madt_override(&m, 1, 4, 40, 0xf); /* not ISA: ignored */
	madt_override(&m, 0, 14, 0x12345678u, 0xffff);
	assert_int_equal(parse_done(&m, &out), ACPI_OK);
	assert_int_equal(out.n_overrides, 3);
	assert_int_equal(o[0].source, 0);
	assert_int_equal(o[0].gsi, 2);
	assert_int_equal(o[0].flags, 0);
	assert_int_equal(o[1].source, 9);
	assert_int_equal(o[1].gsi, 9);
	assert_int_equal(o[1].flags & ACPI_INTI_POLARITY_MASK,
			 ACPI_INTI_POLARITY_HIGH);
	assert_int_equal(o[1].flags & ACPI_INTI_TRIGGER_MASK,
			 ACPI_INTI_TRIGGER_LEVEL);
	assert_int_equal(o[2].source, 14);
	assert_int_equal(o[2].gsi, 0x12345678u);
	assert_int_equal(o[2].flags, 0xffff);
	assert_int_equal(out.dropped, 0);
}

static void test_madt_lapic_address_override(void **state)
{
	struct madt m;
	struct acpi_madt out;

	(void)state;
	madt_init(&m, LAPIC_FEE, 0);
	madt_addr64(&m, 0xfed00000u);
	assert_int_equal(parse_done(&m, &out), ACPI_OK);
	assert_int_equal(out.lapic_address, 0xfed00000u);
	assert_int_equal(out.lapic_address64, 0xfed00000u);

	/* Above 4 GiB: only lapic_address64 can say where. */
	madt_init(&m, LAPIC_FEE, 0);
	madt_lapic(&m, 0, 0, 1);
	madt_addr64(&m, 0x0000001fee000000ull);
	assert_int_equal(parse_done(&m, &out), ACPI_OK);
	assert_int_equal(out.lapic_address, 0);
	assert_int_equal(out.lapic_address64, 0x0000001fee000000ull);
	assert_int_equal(out.n_cpus, 1);

	/* ACPI allows one; of two, the first wins. */
	madt_init(&m, LAPIC_FEE, 0);
	madt_addr64(&m, 0xfec10000u);
	madt_addr64(&m, 0xabc00000u);
	assert_int_equal(parse_done(&m, &out), ACPI_OK);
	assert_int_equal(out.lapic_address64, 0xfec10000u);
	assert_int_equal(out.lapic_address, 0xfec10000u);
}

static void test_madt_unknown_entries_skipped(void **state)
{
	static const uint8_t nmi_src[8] = {3, 8, 0xd, 0, 2, 0, 0, 0};
	static const uint8_t iosapic[16] = {6, 16, 1};
	static const uint8_t min_len[2] = {0x7f, 2};
	static const uint8_t max_len_head[2] = {0xff, 255};
	uint8_t big[255] = {0};
	struct madt m;
	struct acpi_madt out;

	(void)state;
	memcpy(big, max_len_head, 2);
	big[2] = 1; /* looks like, but is not, anything parsed */
	madt_init(&m, LAPIC_FEE, 1);
	madt_raw(&m, nmi_src, sizeof(nmi_src));
	madt_nmi(&m);
	madt_raw(&m, iosapic, sizeof(iosapic));
	madt_raw(&m, min_len, sizeof(min_len));
	madt_ioapic(&m, 2, 0xfec00000u, 0);
	madt_raw(&m, big, sizeof(big));
	madt_lapic(&m, 0, 7, 1);
	assert_int_equal(parse_done(&m, &out), ACPI_OK);
	assert_int_equal(out.n_ioapics, 1);
	assert_int_equal(out.ioapic[0].id, 2);
	assert_int_equal(out.n_cpus, 1);
	assert_int_equal(out.cpu_apic_id[0], 7);
	assert_int_equal(out.n_overrides, 0);
	assert_int_equal(out.dropped, 0);
}

/* Entries longer than their type needs: the known fields are read, the
 * rest skipped (later ACPI revisions may add fields). */
static void test_madt_longer_entries_accepted(void **state)
{
	uint8_t e[20] = {1, 20, 3, 0};
	struct madt m;
	struct acpi_madt out;

	(void)state;
	w32(e + 4, 0xfec00000u);
	w32(e + 8, 16);
	memset(e + 12, 0xee, 8);
	madt_init(&m, LAPIC_FEE, 0);
	madt_raw(&m, e, sizeof(e));
	memset(e, 0xee, sizeof(e));
	e[0] = 0;
	e[1] = 9; /* a local APIC entry one byte long */
	e[2] = 0;
	e[3] = 4;
	w32(e + 4, 1);
	madt_raw(&m, e, 9);
	madt_lapic(&m, 1, 5, 1);
	assert_int_equal(parse_done(&m, &out), ACPI_OK);
	assert_int_equal(out.n_ioapics, 1);
	assert_int_equal(out.ioapic[0].id, 3);
	assert_int_equal(out.ioapic[0].gsi_base, 16);
	assert_int_equal(out.n_cpus, 2);
	assert_int_equal(out.cpu_apic_id[0], 4);
	assert_int_equal(out.cpu_apic_id[1], 5);
}

/* Bytes past the header's Length are not the table's. */
static void test_madt_bytes_past_length_ignored(void **state)
{
	struct madt m;
	struct acpi_madt out;

	(void)state;
	madt_init(&m, LAPIC_FEE, 0);
	madt_ioapic(&m, 1, 0xfec00000u, 0);
	madt_done(&m);
	memset(m.b + m.len, 0, 16); /* an entry of length 0 */
	assert_int_equal(parse(&m, m.len + 16, &out), ACPI_OK);
	assert_int_equal(out.n_ioapics, 1);
}

static void test_madt_entry_length_zero_or_one(void **state)
{
	(void)state;
	for (uint8_t type = 0; type < 12; type++) {
		for (uint8_t len = 0; len < 2; len++) {
			const uint8_t e[4] = {type, len, 0, 0};
			struct madt m;
			struct acpi_madt out;

			madt_init(&m, LAPIC_FEE, 0);
			madt_lapic(&m, 0, 0, 1);
			madt_raw(&m, e, sizeof(e));
			madt_lapic(&m, 1, 1, 1);
			assert_int_equal(parse_done(&m, &out), ACPI_E_MADT);
		}
	}
}

static void test_madt_entry_past_end(void **state)
{
	struct madt m;
	struct acpi_madt out;

	(void)state;
	/* The last entry's length one more than what is left. */
	madt_init(&m, LAPIC_FEE, 0);
	madt_lapic(&m, 0, 0, 1);
	madt_ioapic(&m, 0, 0xfec00000u, 0);
	m.b[m.len - 12 + 1] = 13;
	assert_int_equal(parse_done(&m, &out), ACPI_E_MADT);
	/* An unknown type's length past the end. */
	madt_init(&m, LAPIC_FEE, 0);
	madt_raw(&m, (const uint8_t[]){0x42, 255, 0, 0}, 4);
	assert_int_equal(parse_done(&m, &out), ACPI_E_MADT);
	/* A lone trailing byte: an entry header cut in half. */
	madt_init(&m, LAPIC_FEE, 0);
	madt_lapic(&m, 0, 0, 1);
	madt_raw(&m, (const uint8_t[]){4}, 1);
	assert_int_equal(parse_done(&m, &out), ACPI_E_MADT);
	madt_init(&m, LAPIC_FEE, 0);
	madt_raw(&m, (const uint8_t[]){0x80}, 1);
	assert_int_equal(parse_done(&m, &out), ACPI_E_MADT);
}

/* Each known type, at every length from 2 to one short of its size; the
 * entry is whole (the next one follows), only too short for its type. */
static void test_madt_entry_shorter_than_type(void **state)
{
	static const struct {
		uint8_t type, size;
	} types[] = {{0, 8}, {1, 12}, {2, 10}, {5, 12}, {9, 16}};

	(void)state;
	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		for (uint8_t len = 2; len <= types[t].size; len++) {
			uint8_t e[16] = {types[t].type, len, 0, 1, 1, 1, 1, 1};
			struct madt m;
			struct acpi_madt out;

			memset(e + 8, 1, 8);
			madt_init(&m, LAPIC_FEE, 0);
			madt_raw(&m, e, len);
			madt_ioapic(&m, 0, 0xfec00000u, 0);
			assert_int_equal(parse_done(&m, &out),
					 len < types[t].size ? ACPI_E_MADT
							     : ACPI_OK);
		}
	}
}

static void test_madt_bad_header(void **state)
{
	struct madt m;
	struct acpi_madt out;

	(void)state;
	/* Too small to hold even a table header. */
	madt_init(&m, LAPIC_FEE, 0);
	madt_done(&m);
	for (uint32_t len = 0; len < HDR; len++)
		assert_int_equal(parse(&m, len, &out), ACPI_E_MADT);
	/* Another table. */
	put_chars(m.b, "APIc", 4);
	fix_sum(m.b);
	assert_int_equal(parse(&m, m.len, &out), ACPI_E_MADT);
	put_chars(m.b, "FACP", 4);
	fix_sum(m.b);
	assert_int_equal(parse(&m, m.len, &out), ACPI_E_MADT);
	/* A header, but no room for the local APIC address and flags. */
	for (uint32_t len = HDR; len < MADT_HDR; len++) {
		madt_init(&m, LAPIC_FEE, 0);
		m.len = len;
		madt_done(&m);
		assert_int_equal(parse(&m, len, &out), ACPI_E_MADT);
		assert_int_equal(parse(&m, MADT_HDR, &out), ACPI_E_MADT);
	}
	/* Length smaller than a header, or larger than the bytes given. */
	madt_init(&m, LAPIC_FEE, 0);
	madt_lapic(&m, 0, 0, 1);
	madt_done(&m);
	assert_int_equal(parse(&m, m.len - 1, &out), ACPI_E_TABLE);
	w32(m.b + 4, 35);
	fix_sum(m.b);
	assert_int_equal(parse(&m, m.len, &out), ACPI_E_TABLE);
	w32(m.b + 4, 0);
	fix_sum(m.b);
	assert_int_equal(parse(&m, m.len, &out), ACPI_E_TABLE);
	/* A bad checksum. */
	madt_init(&m, LAPIC_FEE, 0);
	madt_lapic(&m, 0, 0, 1);
	madt_done(&m);
	m.b[m.len - 1] ^= 1;
	assert_int_equal(parse(&m, m.len, &out), ACPI_E_TABLE);
}

/* Entries that do not fit are counted, and parsing goes on. */
static void test_madt_dropped(void **state)
{
	static struct madt m;
	struct acpi_madt out;

	(void)state;
	madt_init(&m, LAPIC_FEE, 1);
	for (unsigned i = 0; i < ACPI_MAX_IOAPICS + 2; i++)
		madt_ioapic(&m, (uint8_t)i, 0xfec00000u + 0x1000 * i, 24 * i);
	for (unsigned i = 0; i < ACPI_MAX_OVERRIDES + 6; i++)
		madt_override(&m, 0, (uint8_t)i, i + 100, 0);
	for (unsigned i = 0; i < 200; i++)
		madt_lapic(&m, (uint8_t)i, (uint8_t)i, 1);
	for (unsigned i = 0; i < 10; i++)
		madt_x2apic(&m, 0x1000 + i, 1, i);
	madt_ioapic(&m, 99, 0xfecf0000u, 999);
	assert_int_equal(parse_done(&m, &out), ACPI_OK);
	assert_int_equal(out.n_ioapics, ACPI_MAX_IOAPICS);
	assert_int_equal(out.ioapic[ACPI_MAX_IOAPICS - 1].id,
			 ACPI_MAX_IOAPICS - 1);
	assert_int_equal(out.n_overrides, ACPI_MAX_OVERRIDES);
	assert_int_equal(out.override[ACPI_MAX_OVERRIDES - 1].gsi,
			 ACPI_MAX_OVERRIDES - 1 + 100);
	assert_int_equal(out.n_cpus, ACPI_MAX_CPUS);
	assert_int_equal(out.cpu_apic_id[ACPI_MAX_CPUS - 1], ACPI_MAX_CPUS - 1);
	assert_int_equal(out.dropped, 3 + 6 + (200 - ACPI_MAX_CPUS) + 10);
}

static void full_madt(struct madt *m)
{
	madt_init(m, LAPIC_FEE, 1);
	madt_lapic(m, 0, 0, 1);
	madt_lapic(m, 1, 1, 0);
	madt_ioapic(m, 0, 0xfec00000u, 0);
	madt_override(m, 0, 0, 2, 0);
	madt_x2apic(m, 0x100, 1, 2);
	madt_raw(m, (const uint8_t[]){0x30, 3, 0}, 3);
	madt_addr64(m, 0x1fee00000ull);
	madt_override(m, 0, 9, 9, 0xd);
	madt_nmi(m);
	madt_ioapic(m, 1, 0xfec01000u, 24);
	madt_lapic(m, 2, 2, 1);
}

/* The result of parsing a prefix of a table is a prefix of the result. */
static void assert_prefix(const struct acpi_madt *p, const struct acpi_madt *f)
{
	assert_int_equal(p->flags, f->flags);
	assert_true(p->lapic_address64 == LAPIC_FEE ||
		    p->lapic_address64 == f->lapic_address64);
	assert_true(p->n_ioapics <= f->n_ioapics);
	assert_true(p->n_overrides <= f->n_overrides);
	assert_true(p->n_cpus <= f->n_cpus);
	/* Field by field: padding is no part of the result. */
	for (unsigned i = 0; i < p->n_ioapics; i++) {
		assert_int_equal(p->ioapic[i].id, f->ioapic[i].id);
		assert_int_equal(p->ioapic[i].address, f->ioapic[i].address);
		assert_int_equal(p->ioapic[i].gsi_base, f->ioapic[i].gsi_base);
	}
	for (unsigned i = 0; i < p->n_overrides; i++) {
		assert_int_equal(p->override[i].source, f->override[i].source);
		assert_int_equal(p->override[i].gsi, f->override[i].gsi);
		assert_int_equal(p->override[i].flags, f->override[i].flags);
	}
	for (unsigned i = 0; i < p->n_cpus; i++)
		assert_int_equal(p->cpu_apic_id[i], f->cpu_apic_id[i]);
	assert_int_equal(p->dropped, 0);
}

static int is_entry_end(const struct madt *m, uint32_t len)
{
	if (len == MADT_HDR)
		return 1;
	for (unsigned i = 0; i < m->nends; i++) {
		if (m->ends[i] == len)
			return 1;
	}
	return 0;
}

static void test_madt_every_truncation(void **state)
{
	struct madt m, cut;
	struct acpi_madt full, out;

	(void)state;
	full_madt(&m);
	assert_int_equal(parse_done(&m, &full), ACPI_OK);
	assert_int_equal(full.n_ioapics, 2);
	assert_int_equal(full.n_overrides, 2);
	assert_int_equal(full.n_cpus, 3);
	assert_int_equal(full.lapic_address64, 0x1fee00000ull);

	for (uint32_t len = 0; len < m.len; len++) {
		/* Cut short, the header still claiming all of it. */
		assert_int_not_equal(parse(&m, len, &out), ACPI_OK);

		/* Cut short with its header made to agree: an error unless
		 * the cut falls between entries. */
		if (len < HDR)
			continue;
		cut = m;
		cut.len = len;
		madt_done(&cut);
		if (len >= MADT_HDR && is_entry_end(&m, len)) {
			assert_int_equal(parse(&cut, len, &out), ACPI_OK);
			assert_prefix(&out, &full);
		} else {
			assert_int_equal(parse(&cut, len, &out), ACPI_E_MADT);
		}
	}
}

/* Random damage, checksum kept right: errors, or results within bounds. */
static void test_madt_random_damage(void **state)
{
	struct madt m, bad;
	struct acpi_madt out;
	uint32_t seed = 12345;

	(void)state;
	full_madt(&m);
	madt_done(&m);
	for (int iter = 0; iter < 20000; iter++) {
		int flips;

		bad = m;
		seed = seed * 1103515245u + 12345u;
		flips = 1 + (int)(seed >> 28);
		for (int i = 0; i < flips; i++) {
			uint32_t pos;

			seed = seed * 1103515245u + 12345u;
			pos = MADT_HDR + (seed >> 8) % (m.len - MADT_HDR);
			bad.b[pos] = (uint8_t)(seed >> 16);
		}
		fix_sum(bad.b);
		if (parse(&bad, bad.len, &out) == ACPI_OK) {
			assert_true(out.n_ioapics <= ACPI_MAX_IOAPICS);
			assert_true(out.n_overrides <= ACPI_MAX_OVERRIDES);
			assert_true(out.n_cpus <= ACPI_MAX_CPUS);
		}
	}
}

/* ---- acpi_isa_irq ------------------------------------------------------- */

static void test_isa_irq_identity(void **state)
{
	struct madt m;
	struct acpi_madt out;

	(void)state;
	madt_init(&m, LAPIC_FEE, 1);
	madt_ioapic(&m, 0, 0xfec00000u, 0);
	assert_int_equal(parse_done(&m, &out), ACPI_OK);
	for (unsigned irq = 0; irq < 16; irq++) {
		uint32_t gsi = 99;
		uint16_t flags = 99;

		acpi_isa_irq(&out, irq, &gsi, &flags);
		assert_int_equal(gsi, irq);
		assert_int_equal(flags, 0);
	}
}

static void test_isa_irq_overrides(void **state)
{
	struct madt m;
	struct acpi_madt out;
	uint32_t gsi;
	uint16_t flags;

	(void)state;
	madt_init(&m, LAPIC_FEE, 1);
	madt_override(&m, 0, 0, 2, 0);
	madt_override(&m, 0, 9, 9, 0xd);
	madt_override(&m, 0, 11, 19, 0xf);
	madt_override(&m, 0, 11, 20, 0x5); /* a second for IRQ11: unused */
	madt_override(&m, 1, 1, 30, 0xf);  /* not ISA */
	assert_int_equal(parse_done(&m, &out), ACPI_OK);

	acpi_isa_irq(&out, 0, &gsi, &flags);
	assert_int_equal(gsi, 2);
	assert_int_equal(flags, 0);
	acpi_isa_irq(&out, 9, &gsi, &flags);
	assert_int_equal(gsi, 9);
	assert_int_equal(flags,
			 ACPI_INTI_POLARITY_HIGH | ACPI_INTI_TRIGGER_LEVEL);
	acpi_isa_irq(&out, 11, &gsi, &flags);
	assert_int_equal(gsi, 19);
	assert_int_equal(flags,
			 ACPI_INTI_POLARITY_LOW | ACPI_INTI_TRIGGER_LEVEL);
	acpi_isa_irq(&out, 1, &gsi, &flags);
	assert_int_equal(gsi, 1);
	assert_int_equal(flags, 0);
	acpi_isa_irq(&out, 2, &gsi, &flags); /* GSI 2 is IRQ0's, not IRQ2's */
	assert_int_equal(gsi, 2);
	assert_int_equal(flags, 0);
	acpi_isa_irq(&out, 15, &gsi, &flags);
	assert_int_equal(gsi, 15);
	assert_int_equal(flags, 0);
}

/* ---- real firmware ------------------------------------------------------ */

/*
 * QEMU 7.2's SeaBIOS tables for `-machine q35 -smp 4 -m 32`, saved with
 * the monitor's pmemsave: the ACPI 1.0 RSDP at 0xf59e0, and the 600 bytes
 * at 0x1fe2193 holding FACP, APIC, HPET, MCFG, WAET and the RSDT (the DSDT
 * is elsewhere and only the FACP points to it). `-machine pc` builds the
 * same MADT.
 */
#define QEMU_RSDP   0xf59e0ull
#define QEMU_TABLES 0x1fe2193ull

static const uint8_t qemu_rsdp[20] = {
	0x52, 0x53, 0x44, 0x20, 0x50, 0x54, 0x52, 0x20, 0x7d, 0x42,
	0x4f, 0x43, 0x48, 0x53, 0x20, 0x00, 0xb3, 0x23, 0xfe, 0x01,
};

static const uint8_t qemu_tables[600] = {
	0x46, 0x41, 0x43, 0x50, 0xf4, 0x00, 0x00, 0x00, 0x03, 0x3a, 0x42, 0x4f,
	0x43, 0x48, 0x53, 0x20, 0x42, 0x58, 0x50, 0x43, 0x20, 0x20, 0x20, 0x20,
	0x01, 0x00, 0x00, 0x00, 0x42, 0x58, 0x50, 0x43, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xfe, 0x01, 0x40, 0x00, 0xfe, 0x01, 0x01, 0x00, 0x09, 0x00,
	0xb2, 0x00, 0x00, 0x00, 0x02, 0x03, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x04, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x08, 0x06, 0x00, 0x00, 0x20, 0x06, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x04, 0x02, 0x00, 0x04, 0x10, 0x00, 0x00, 0x00,
	0xff, 0x0f, 0xff, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x32, 0x02, 0x00, 0x00, 0xa5, 0x84, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00,
	0xf9, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0xfe, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x10, 0x00, 0x00, 0x04, 0x06, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x00, 0x00, 0x08, 0x06, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x80, 0x00, 0x00, 0x20, 0x06, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x41, 0x50, 0x49, 0x43, 0x90, 0x00, 0x00, 0x00,
	0x01, 0x4b, 0x42, 0x4f, 0x43, 0x48, 0x53, 0x20, 0x42, 0x58, 0x50, 0x43,
	0x20, 0x20, 0x20, 0x20, 0x01, 0x00, 0x00, 0x00, 0x42, 0x58, 0x50, 0x43,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe0, 0xfe, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x08, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x08, 0x01, 0x01,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x08, 0x02, 0x02, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x08, 0x03, 0x03, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0c, 0x00, 0x00,
	0x00, 0x00, 0xc0, 0xfe, 0x00, 0x00, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x05, 0x05, 0x00,
	0x00, 0x00, 0x0d, 0x00, 0x02, 0x0a, 0x00, 0x09, 0x09, 0x00, 0x00, 0x00,
	0x0d, 0x00, 0x02, 0x0a, 0x00, 0x0a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x00,
	0x02, 0x0a, 0x00, 0x0b, 0x0b, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x04, 0x06,
	0xff, 0x00, 0x00, 0x01, 0x48, 0x50, 0x45, 0x54, 0x38, 0x00, 0x00, 0x00,
	0x01, 0xb4, 0x42, 0x4f, 0x43, 0x48, 0x53, 0x20, 0x42, 0x58, 0x50, 0x43,
	0x20, 0x20, 0x20, 0x20, 0x01, 0x00, 0x00, 0x00, 0x42, 0x58, 0x50, 0x43,
	0x01, 0x00, 0x00, 0x00, 0x01, 0xa2, 0x86, 0x80, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xd0, 0xfe, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x4d, 0x43, 0x46, 0x47, 0x3c, 0x00, 0x00, 0x00, 0x01, 0x8c, 0x42, 0x4f,
	0x43, 0x48, 0x53, 0x20, 0x42, 0x58, 0x50, 0x43, 0x20, 0x20, 0x20, 0x20,
	0x01, 0x00, 0x00, 0x00, 0x42, 0x58, 0x50, 0x43, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xb0,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x00, 0x00, 0x00, 0x00,
	0x57, 0x41, 0x45, 0x54, 0x28, 0x00, 0x00, 0x00, 0x01, 0x39, 0x42, 0x4f,
	0x43, 0x48, 0x53, 0x20, 0x42, 0x58, 0x50, 0x43, 0x20, 0x20, 0x20, 0x20,
	0x01, 0x00, 0x00, 0x00, 0x42, 0x58, 0x50, 0x43, 0x01, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x52, 0x53, 0x44, 0x54, 0x38, 0x00, 0x00, 0x00,
	0x01, 0x6d, 0x42, 0x4f, 0x43, 0x48, 0x53, 0x20, 0x42, 0x58, 0x50, 0x43,
	0x20, 0x20, 0x20, 0x20, 0x01, 0x00, 0x00, 0x00, 0x42, 0x58, 0x50, 0x43,
	0x01, 0x00, 0x00, 0x00, 0x93, 0x21, 0xfe, 0x01, 0x87, 0x22, 0xfe, 0x01,
	0x17, 0x23, 0xfe, 0x01, 0x4f, 0x23, 0xfe, 0x01, 0x8b, 0x23, 0xfe, 0x01,
};

/* The MADT of a Firecracker microVM with 2 vCPUs: ACPI 6 revision, no
 * overrides, no 8259s. */
static const uint8_t firecracker_madt[72] = {
	0x41, 0x50, 0x49, 0x43, 0x48, 0x00, 0x00, 0x00, 0x06, 0x56, 0x46, 0x49,
	0x52, 0x45, 0x43, 0x4b, 0x46, 0x43, 0x56, 0x4d, 0x4d, 0x41, 0x44, 0x54,
	0x00, 0x00, 0x00, 0x00, 0x46, 0x43, 0x41, 0x54, 0x19, 0x01, 0x24, 0x20,
	0x00, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00, 0x01, 0x0c, 0x00, 0x00,
	0x00, 0x00, 0xc0, 0xfe, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x08, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00,
};

static void test_real_qemu_q35(void **state)
{
	static uint8_t rsdp[sizeof(qemu_rsdp)], tables[sizeof(qemu_tables)];
	struct acpi_madt madt;
	uint64_t phys;
	uint32_t len, gsi;
	uint16_t flags;

	(void)state;
	memcpy(rsdp, qemu_rsdp, sizeof(rsdp));
	memcpy(tables, qemu_tables, sizeof(tables));
	pm.n = 0;
	pm_add(QEMU_RSDP, rsdp, sizeof(rsdp));
	pm_add(QEMU_TABLES, tables, sizeof(tables));
	assert_found(QEMU_RSDP, "FACP", 0x1fe2193, 244);
	assert_found(QEMU_RSDP, "HPET", 0x1fe2317, 56);
	assert_found(QEMU_RSDP, "MCFG", 0x1fe234f, 60);
	assert_found(QEMU_RSDP, "WAET", 0x1fe238b, 40);
	assert_int_equal(find_err(QEMU_RSDP, "DSDT"), ACPI_E_NOT_FOUND);
	assert_int_equal(find(QEMU_RSDP, "APIC", &phys, &len), ACPI_OK);
	assert_int_equal(phys, 0x1fe2287);
	assert_int_equal(len, 144);

	assert_int_equal(
		acpi_parse_madt(tables + (phys - QEMU_TABLES), len, &madt),
		ACPI_OK);
	assert_int_equal(madt.lapic_address, LAPIC_FEE);
	assert_int_equal(madt.lapic_address64, LAPIC_FEE);
	assert_int_equal(madt.flags, ACPI_MADT_PCAT_COMPAT);
	assert_int_equal(madt.n_cpus, 4);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(madt.cpu_apic_id[i], i);
	assert_int_equal(madt.n_ioapics, 1);
	assert_int_equal(madt.ioapic[0].id, 0);
	assert_int_equal(madt.ioapic[0].address, 0xfec00000u);
	assert_int_equal(madt.ioapic[0].gsi_base, 0);
	assert_int_equal(madt.n_overrides, 5);
	assert_int_equal(madt.dropped, 0);

	/* The timer on GSI 2; the PCI interrupts level, active high. */
	acpi_isa_irq(&madt, 0, &gsi, &flags);
	assert_int_equal(gsi, 2);
	assert_int_equal(flags, 0);
	for (unsigned irq = 5; irq <= 11; irq++) {
		acpi_isa_irq(&madt, irq, &gsi, &flags);
		assert_int_equal(gsi, irq);
		if (irq == 5 || irq >= 9)
			assert_int_equal(flags,
					 ACPI_INTI_POLARITY_HIGH |
						 ACPI_INTI_TRIGGER_LEVEL);
		else
			assert_int_equal(flags, 0);
	}
	acpi_isa_irq(&madt, 1, &gsi, &flags);
	assert_int_equal(gsi, 1);
	assert_int_equal(flags, 0);
}

static void test_real_firecracker_madt(void **state)
{
	struct acpi_madt madt;

	(void)state;
	assert_int_equal(acpi_parse_madt(firecracker_madt,
					 sizeof(firecracker_madt), &madt),
			 ACPI_OK);
	assert_int_equal(madt.lapic_address, LAPIC_FEE);
	assert_int_equal(madt.flags, 0);
	assert_int_equal(madt.n_ioapics, 1);
	assert_int_equal(madt.ioapic[0].address, 0xfec00000u);
	assert_int_equal(madt.n_cpus, 2);
	assert_int_equal(madt.cpu_apic_id[0], 0);
	assert_int_equal(madt.cpu_apic_id[1], 1);
	assert_int_equal(madt.n_overrides, 0);
}

/* ---- strings ------------------------------------------------------------ */

static void test_strerror_every_code(void **state)
{
	(void)state;
	assert_string_equal(acpi_strerror(ACPI_OK), "ok");
	for (int i = 0; i < ACPI_E_COUNT; i++) {
		const char *s = acpi_strerror((enum acpi_error)i);

		assert_non_null(s);
		assert_true(strlen(s) > 0);
		assert_string_not_equal(s, "unknown ACPI error");
		for (int j = 0; j < i; j++)
			assert_string_not_equal(
				s, acpi_strerror((enum acpi_error)j));
	}
	assert_string_equal(acpi_strerror(ACPI_E_COUNT), "unknown ACPI error");
	assert_string_equal(acpi_strerror((enum acpi_error) - 1),
			    "unknown ACPI error");
}

#define TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_find_through_xsdt),
		TEST(test_find_through_rsdt_revision0),
		TEST(test_find_through_rsdt_when_xsdt_address_zero),
		TEST(test_find_revision1_uses_rsdt),
		TEST(test_find_revision3_uses_xsdt),
		TEST(test_find_maps_header_then_table),
		TEST(test_find_xsdt_entries_above_4g),
		TEST(test_find_not_found),
		TEST(test_find_returns_first_match),
		TEST(test_find_skips_null_entries),
		TEST(test_find_ignores_damage_in_other_tables),
		TEST(test_find_root_partial_entry_ignored),
		TEST(test_find_reads_only_root_length_entries),
		TEST(test_rsdp_longer_than_36_accepted),
		TEST(test_rsdp_bad_signature),
		TEST(test_rsdp_bad_checksum),
		TEST(test_rsdp_bad_extended_checksum),
		TEST(test_rsdp_bad_length),
		TEST(test_rsdp_unreadable),
		TEST(test_root_bad_signature),
		TEST(test_root_bad_checksum),
		TEST(test_root_bad_length),
		TEST(test_root_address_zero),
		TEST(test_root_unreadable),
		TEST(test_table_unreadable),
		TEST(test_table_bad_header),
		TEST(test_madt_header_fields),
		TEST(test_madt_processors),
		TEST(test_madt_two_ioapics),
		TEST(test_madt_overrides),
		TEST(test_madt_lapic_address_override),
		TEST(test_madt_unknown_entries_skipped),
		TEST(test_madt_longer_entries_accepted),
		TEST(test_madt_bytes_past_length_ignored),
		TEST(test_madt_entry_length_zero_or_one),
		TEST(test_madt_entry_past_end),
		TEST(test_madt_entry_shorter_than_type),
		TEST(test_madt_bad_header),
		TEST(test_madt_dropped),
		TEST(test_madt_every_truncation),
		TEST(test_madt_random_damage),
		TEST(test_isa_irq_identity),
		TEST(test_isa_irq_overrides),
		TEST(test_real_qemu_q35),
		TEST(test_real_firecracker_madt),
		TEST(test_strerror_every_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
