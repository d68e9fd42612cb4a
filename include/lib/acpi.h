/*
 * ACPI tables, as far as the kernel needs them to route interrupts: find a
 * table through the RSDP and the RSDT or XSDT, and read the MADT's I/O
 * APICs, ISA interrupt source overrides and processors.
 *
 * Firmware tables are input like any other: every signature, length and
 * checksum is checked, and every entry is bounds-checked against its table
 * before a field is read. A bad table yields an error, never a wild read.
 */
#ifndef LIB_ACPI_H
#define LIB_ACPI_H

#include <stdint.h>

/* Larger tables are refused: real ones are a few KiB (a large DSDT a few
 * hundred KiB), and the limit bounds both mappings and checksum loops. */
#define ACPI_TABLE_MAX (1u << 20)

/*
 * Reading physical memory: returns a pointer to `len` readable bytes at
 * physical address `phys`, or NULL if they cannot be read (the kernel maps
 * through its direct map; tests use a buffer). It is never asked for a range
 * that wraps around the address space, nor for more than ACPI_TABLE_MAX
 * bytes. Every pointer returned must stay valid until acpi_find_table()
 * returns: the root table is read while the tables it lists are mapped.
 */
typedef const void *(*acpi_map_fn)(uint64_t phys, uint64_t len, void *ctx);

enum acpi_error {
	ACPI_OK = 0,
	ACPI_E_MAP,	  /* a table could not be read (map returned NULL) */
	ACPI_E_RSDP,	  /* bad RSDP signature, checksum or length */
	ACPI_E_ROOT,	  /* bad RSDT/XSDT: signature, length, checksum */
	ACPI_E_TABLE,	  /* bad table header: length or checksum */
	ACPI_E_NOT_FOUND, /* no table with that signature */
	ACPI_E_MADT,	  /* malformed MADT (signature, size or an entry) */
	ACPI_E_COUNT
};

/* A one-line description of an error, for a log or a console. */
const char *acpi_strerror(enum acpi_error err);

/*
 * Find the first table with signature `sig` (exactly 4 characters, e.g.
 * "APIC"; any other string matches nothing) through the RSDP at rsdp_phys:
 * the XSDT (64-bit entries) when the RSDP revision is >= 2 and its XSDT
 * address is non-zero, else the RSDT (32-bit entries).
 *
 * The RSDP, the root table and the table found are checksum-verified.
 * Tables with other signatures are only read for their signature, so damage
 * in one of them cannot hide the table asked for. Null root entries are
 * skipped; one that cannot be read is ACPI_E_MAP. A root table whose entry
 * area is not a multiple of the entry size has its trailing partial entry
 * ignored. On success *table_phys and *table_len describe the table; on
 * failure they are left alone.
 */
enum acpi_error acpi_find_table(uint64_t rsdp_phys, const char *sig,
				acpi_map_fn map, void *ctx,
				uint64_t *table_phys, uint32_t *table_len);

#define ACPI_MAX_IOAPICS   8
#define ACPI_MAX_OVERRIDES 24
#define ACPI_MAX_CPUS	   64

/* struct acpi_madt.flags */
#define ACPI_MADT_PCAT_COMPAT 0x1u /* dual 8259s present: mask them */

/* MPS INTI flags of an interrupt source override. "Bus" means the bus's
 * default, which for ISA is active high, edge triggered. */
#define ACPI_INTI_POLARITY_MASK 0x3u
#define ACPI_INTI_POLARITY_BUS	0x0u
#define ACPI_INTI_POLARITY_HIGH 0x1u
#define ACPI_INTI_POLARITY_LOW	0x3u
#define ACPI_INTI_TRIGGER_MASK	0xcu
#define ACPI_INTI_TRIGGER_BUS	0x0u
#define ACPI_INTI_TRIGGER_EDGE	0x4u
#define ACPI_INTI_TRIGGER_LEVEL 0xcu

struct acpi_ioapic {
	uint8_t id;
	uint32_t address;  /* physical address of its registers */
	uint32_t gsi_base; /* first global system interrupt it serves */
};

/* Only overrides of the ISA bus (bus 0, the only one ACPI defines) are
 * kept. */
struct acpi_override {
	uint8_t source; /* ISA IRQ */
	uint32_t gsi;
	uint16_t flags; /* ACPI_INTI_* */
};

struct acpi_madt {
	/* The local APIC's physical address. lapic_address64 is the one to
	 * use: the header's value, or that of the first Local APIC Address
	 * Override entry if there is one. lapic_address is the same value
	 * when it fits in 32 bits, else 0. */
	uint32_t lapic_address;
	uint64_t lapic_address64;
	uint32_t flags; /* ACPI_MADT_* */
	unsigned n_ioapics;
	struct acpi_ioapic ioapic[ACPI_MAX_IOAPICS];
	unsigned n_overrides; /* in table order */
	struct acpi_override override[ACPI_MAX_OVERRIDES];
	/* APIC ids of the processors that are enabled or online-capable,
	 * from Local APIC and Local x2APIC entries, in table order. An id
	 * listed twice (firmware may describe a processor with both kinds)
	 * is kept once; the broadcast ids 0xff (xAPIC) and 0xffffffff
	 * (x2APIC) name no processor and are skipped. */
	unsigned n_cpus;
	uint32_t cpu_apic_id[ACPI_MAX_CPUS];
	unsigned dropped; /* entries that did not fit in the arrays above
			     (counted, not an error) */
};

/*
 * Parse a MADT ("APIC") table of `len` bytes already read into memory.
 * The header is checked first (signature, Length <= len, checksum); only
 * the header's Length bytes are parsed. Entries longer than their type
 * needs are accepted (later ACPI revisions may extend them); unknown types
 * are skipped. On error *out is incomplete and must not be used.
 */
enum acpi_error acpi_parse_madt(const void *table, uint32_t len,
				struct acpi_madt *out);

/*
 * The GSI and flags for an ISA IRQ (0-15): those of the first override for
 * that IRQ if the MADT has one, else identity (gsi = irq, flags 0 = bus
 * default: edge, active high for ISA).
 */
void acpi_isa_irq(const struct acpi_madt *m, unsigned irq, uint32_t *gsi,
		  uint16_t *flags);

#endif
