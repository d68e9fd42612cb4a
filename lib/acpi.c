/*
 * ACPI table parser (see include/lib/acpi.h).
 *
 * Fields are assembled from bytes: tables have no alignment guarantee (an
 * XSDT's 64-bit entries start at offset 36), and byte reads are safe at any
 * address. Values from the firmware are never added to an offset before
 * being checked against what is left of the table.
 */
#include "lib/acpi.h"

#include <stdbool.h>
#include <stddef.h>

#include "lib/string.h"

/* The RSDP: 20 bytes in ACPI 1.0, checksummed; revision 2 added Length,
 * XsdtAddress and an extended checksum over Length bytes. */
#define RSDP_V1_SIZE  20
#define RSDP_V2_SIZE  36
#define RSDP_REVISION 15
#define RSDP_RSDT     16
#define RSDP_LENGTH   20
#define RSDP_XSDT     24

#define SDT_HEADER_SIZE 36 /* every table: signature .. creator revision */
#define SDT_LENGTH	4

#define MADT_LAPIC_ADDR	     36
#define MADT_FLAGS	     40
#define MADT_ENTRIES	     44
#define MADT_LAPIC	     0 /* Processor Local APIC */
#define MADT_IOAPIC	     1
#define MADT_OVERRIDE	     2 /* Interrupt Source Override */
#define MADT_LAPIC_ADDR64    5 /* Local APIC Address Override */
#define MADT_X2APIC	     9 /* Processor Local x2APIC */
#define LAPIC_ENABLED	     0x1u
#define LAPIC_ONLINE_CAPABLE 0x2u

static const char *const acpi_errors[ACPI_E_COUNT] = {
	[ACPI_OK] = "ok",
	[ACPI_E_MAP] = "ACPI table could not be read",
	[ACPI_E_RSDP] = "bad RSDP (signature, checksum or length)",
	[ACPI_E_ROOT] = "bad RSDT/XSDT (signature, length or checksum)",
	[ACPI_E_TABLE] = "bad ACPI table header (length or checksum)",
	[ACPI_E_NOT_FOUND] = "no ACPI table with that signature",
	[ACPI_E_MADT] = "malformed MADT",
};

const char *acpi_strerror(enum acpi_error err)
{
	if ((unsigned)err >= ACPI_E_COUNT)
		return "unknown ACPI error";
	return acpi_errors[err];
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* ACPI checksums: all bytes of the structure sum to 0 modulo 256. */
static bool sum_ok(const uint8_t *p, uint32_t len)
{
	uint8_t sum = 0;

	for (uint32_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum == 0;
}

/* The callback is not trusted with a range that wraps around the address
 * space: such a range cannot be read, whatever the callback would say. */
static const uint8_t *map_range(acpi_map_fn map, void *ctx, uint64_t phys,
				uint32_t len)
{
	if (phys > UINT64_MAX - len)
		return NULL;
	return map(phys, len, ctx);
}

/*
 * Map the table at `phys` in two steps: its header, to learn its Length,
 * then all of it. The Length used is the one checked here, not a second
 * read of the field. The checksum is left to the caller: only some tables
 * need it.
 */
static enum acpi_error map_table(acpi_map_fn map, void *ctx, uint64_t phys,
				 const uint8_t **out, uint32_t *len)
{
	const uint8_t *h = map_range(map, ctx, phys, SDT_HEADER_SIZE);
	uint32_t n;

	if (!h)
		return ACPI_E_MAP;
	n = le32(h + SDT_LENGTH);
	if (n < SDT_HEADER_SIZE || n > ACPI_TABLE_MAX)
		return ACPI_E_TABLE;
	*out = map_range(map, ctx, phys, n);
	if (!*out)
		return ACPI_E_MAP;
	*len = n;
	return ACPI_OK;
}

/* The root table's address and entry size (4: RSDT, 8: XSDT). */
static enum acpi_error read_rsdp(acpi_map_fn map, void *ctx, uint64_t phys,
				 uint64_t *root, unsigned *entry_size)
{
	const uint8_t *p = map_range(map, ctx, phys, RSDP_V1_SIZE);
	uint32_t len;

	if (!p)
		return ACPI_E_MAP;
	if (memcmp(p, "RSD PTR ", 8) != 0 || !sum_ok(p, RSDP_V1_SIZE))
		return ACPI_E_RSDP;
	/* Revision 0 is ACPI 1.0; no version uses 1, and it is read as 0
	 * rather than refused, since the 20 bytes checked are valid. */
	if (p[RSDP_REVISION] < 2) {
		*root = le32(p + RSDP_RSDT);
		*entry_size = 4;
		return ACPI_OK;
	}
	p = map_range(map, ctx, phys, RSDP_V2_SIZE);
	if (!p)
		return ACPI_E_MAP;
	len = le32(p + RSDP_LENGTH);
	if (len < RSDP_V2_SIZE || len > ACPI_TABLE_MAX)
		return ACPI_E_RSDP;
	p = map_range(map, ctx, phys, len);
	if (!p)
		return ACPI_E_MAP;
	if (!sum_ok(p, len))
		return ACPI_E_RSDP;
	*root = le64(p + RSDP_XSDT);
	*entry_size = 8;
	if (*root == 0) { /* a 2.0 RSDP may still offer only an RSDT */
		*root = le32(p + RSDP_RSDT);
		*entry_size = 4;
	}
	return ACPI_OK;
}

/* Map and check the root table; its entries start at SDT_HEADER_SIZE. */
static enum acpi_error map_root(acpi_map_fn map, void *ctx, uint64_t phys,
				unsigned entry_size, const uint8_t **out,
				uint32_t *len)
{
	const char *sig = entry_size == 8 ? "XSDT" : "RSDT";
	enum acpi_error err;

	if (phys == 0)
		return ACPI_E_ROOT;
	err = map_table(map, ctx, phys, out, len);
	if (err == ACPI_E_TABLE)
		return ACPI_E_ROOT;
	if (err != ACPI_OK)
		return err;
	if (memcmp(*out, sig, 4) != 0 || !sum_ok(*out, *len))
		return ACPI_E_ROOT;
	return ACPI_OK;
}

/* Only a 4-character signature can match a table's. */
static bool valid_sig(const char *sig)
{
	for (int i = 0; i < 4; i++) {
		if (sig[i] == '\0')
			return false;
	}
	return sig[4] == '\0';
}

enum acpi_error acpi_find_table(uint64_t rsdp_phys, const char *sig,
				acpi_map_fn map, void *ctx,
				uint64_t *table_phys, uint32_t *table_len)
{
	const uint8_t *root, *t;
	uint64_t root_phys;
	uint32_t root_len, n, len;
	unsigned esize;
	enum acpi_error err;

	if (!valid_sig(sig))
		return ACPI_E_NOT_FOUND;
	err = read_rsdp(map, ctx, rsdp_phys, &root_phys, &esize);
	if (err == ACPI_OK)
		err = map_root(map, ctx, root_phys, esize, &root, &root_len);
	if (err != ACPI_OK)
		return err;

	/* root_len >= SDT_HEADER_SIZE, checked by map_table(). */
	n = (root_len - SDT_HEADER_SIZE) / esize;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = root + SDT_HEADER_SIZE + (size_t)i * esize;
		uint64_t phys = esize == 8 ? le64(e) : le32(e);

		if (phys == 0)
			continue;
		t = map_range(map, ctx, phys, SDT_HEADER_SIZE);
		if (!t)
			return ACPI_E_MAP;
		if (memcmp(t, sig, 4) != 0)
			continue;
		err = map_table(map, ctx, phys, &t, &len);
		if (err != ACPI_OK)
			return err;
		if (!sum_ok(t, len))
			return ACPI_E_TABLE;
		*table_phys = phys;
		*table_len = len;
		return ACPI_OK;
	}
	return ACPI_E_NOT_FOUND;
}

/* Record a processor's APIC id once, however many entries name it. */
static void add_cpu(struct acpi_madt *m, uint32_t apic_id, uint32_t flags)
{
	if (!(flags & (LAPIC_ENABLED | LAPIC_ONLINE_CAPABLE)))
		return;
	for (unsigned i = 0; i < m->n_cpus; i++) {
		if (m->cpu_apic_id[i] == apic_id)
			return;
	}
	if (m->n_cpus == ACPI_MAX_CPUS)
		m->dropped++;
	else
		m->cpu_apic_id[m->n_cpus++] = apic_id;
}

/* Fields are stored one by one: a struct copy could bring indeterminate
 * padding bytes into the result, which acpi_parse_madt() zeroed. */
static void add_ioapic(struct acpi_madt *m, const uint8_t *e)
{
	struct acpi_ioapic *io;

	if (m->n_ioapics == ACPI_MAX_IOAPICS) {
		m->dropped++;
		return;
	}
	io = &m->ioapic[m->n_ioapics++];
	io->id = e[2];
	io->address = le32(e + 4);
	io->gsi_base = le32(e + 8);
}

static void add_override(struct acpi_madt *m, const uint8_t *e)
{
	struct acpi_override *o;

	if (e[2] != 0) /* not the ISA bus */
		return;
	if (m->n_overrides == ACPI_MAX_OVERRIDES) {
		m->dropped++;
		return;
	}
	o = &m->override[m->n_overrides++];
	o->source = e[3];
	o->gsi = le32(e + 4);
	o->flags = le16(e + 8);
}

/* Bytes an entry of each known type needs; 0: skipped, any length. */
static uint8_t entry_min(uint8_t type)
{
	switch (type) {
	case MADT_LAPIC:
		return 8;
	case MADT_IOAPIC:
	case MADT_LAPIC_ADDR64:
		return 12;
	case MADT_OVERRIDE:
		return 10;
	case MADT_X2APIC:
		return 16;
	default:
		return 0;
	}
}

/* One entry, already checked to hold entry_min(e[0]) bytes. */
static void parse_entry(struct acpi_madt *m, const uint8_t *e,
			bool *have_addr64)
{
	switch (e[0]) {
	case MADT_LAPIC:
		if (e[3] != 0xff) /* broadcast: names no processor */
			add_cpu(m, e[3], le32(e + 4));
		break;
	case MADT_IOAPIC:
		add_ioapic(m, e);
		break;
	case MADT_OVERRIDE:
		add_override(m, e);
		break;
	case MADT_LAPIC_ADDR64:
		/* ACPI allows one; should there be more, the first wins. */
		if (!*have_addr64)
			m->lapic_address64 = le64(e + 4);
		*have_addr64 = true;
		break;
	case MADT_X2APIC:
		if (le32(e + 4) != 0xffffffffu)
			add_cpu(m, le32(e + 4), le32(e + 8));
		break;
	default:
		break;
	}
}

/* The MADT's own header: signature, length and checksum. */
static enum acpi_error check_madt_header(const uint8_t *p, uint32_t len,
					 uint32_t *table_len)
{
	uint32_t n;

	if (len < SDT_HEADER_SIZE || memcmp(p, "APIC", 4) != 0)
		return ACPI_E_MADT;
	n = le32(p + SDT_LENGTH);
	if (n < SDT_HEADER_SIZE || n > len || n > ACPI_TABLE_MAX)
		return ACPI_E_TABLE;
	if (!sum_ok(p, n))
		return ACPI_E_TABLE;
	if (n < MADT_ENTRIES)
		return ACPI_E_MADT;
	*table_len = n;
	return ACPI_OK;
}

enum acpi_error acpi_parse_madt(const void *table, uint32_t len,
				struct acpi_madt *out)
{
	const uint8_t *p = table;
	bool have_addr64 = false;
	uint32_t n, off;
	enum acpi_error err;

	memset(out, 0, sizeof(*out));
	err = check_madt_header(p, len, &n);
	if (err != ACPI_OK)
		return err;
	out->lapic_address64 = le32(p + MADT_LAPIC_ADDR);
	out->flags = le32(p + MADT_FLAGS);

	for (off = MADT_ENTRIES; off < n; off += p[off + 1]) {
		/* off < n: at least one byte left; the type needs two. */
		if (n - off < 2 || p[off + 1] < 2 || p[off + 1] > n - off ||
		    p[off + 1] < entry_min(p[off]))
			return ACPI_E_MADT;
		parse_entry(out, p + off, &have_addr64);
	}
	if (out->lapic_address64 <= UINT32_MAX)
		out->lapic_address = (uint32_t)out->lapic_address64;
	return ACPI_OK;
}

void acpi_isa_irq(const struct acpi_madt *m, unsigned irq, uint32_t *gsi,
		  uint16_t *flags)
{
	for (unsigned i = 0; i < m->n_overrides; i++) {
		if (m->override[i].source == irq) {
			*gsi = m->override[i].gsi;
			*flags = m->override[i].flags;
			return;
		}
	}
	*gsi = irq;
	*flags = 0;
}
