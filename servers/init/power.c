/*
 * Power: turning the machine off and restarting it, the ACPI way, from
 * the firmware's tables (init holds every device untyped and the I/O
 * port authority, so it reads them itself).
 *
 * Off: the FADT names the PM1 control registers, and the DSDT's \_S5
 * package the sleep type of soft-off; writing SLP_TYP with SLP_EN turns
 * the machine off. Restart: the FADT's reset register if it has one, then
 * the PCI reset control port 0xcf9.
 *
 * Physical pages are reached through the device untyped capabilities:
 * the block holding a page is split in halves down to 4 KiB (each split
 * kept, so pages of one block can be had in any order), and the page
 * retyped into a frame and mapped read-only.
 */
#include "devices.h"
#include "init.h"

#include "lib/acpi.h"
#include "lib/string.h"

#define SPLITS_MAX 256
#define PAGES_MAX  64
#define PAGE	   4096ULL

/* A device untyped block that has been split: its halves are in
 * consecutive slots from `child`. */
static struct {
	pith_cptr_t block;
	pith_cptr_t child;
} splits[SPLITS_MAX];
static unsigned nsplits;

/* Pages mapped so far. */
static struct {
	uint64_t paddr;
	uint64_t va;
} pages[PAGES_MAX];
static unsigned npages;

static pith_cptr_t split_of(pith_cptr_t block)
{
	for (unsigned i = 0; i < nsplits; i++)
		if (splits[i].block == block)
			return splits[i].child;
	return 0;
}

/* Split `block` (2^bits bytes from base) in halves down to the block of
 * 2^target bytes that holds paddr, keeping every split; *out its
 * untyped. A block on the way that is not split but used (something was
 * made from it whole) cannot be split: PITH_E_IN_USE. */
static enum pith_error descend(pith_cptr_t block, uint64_t base, unsigned bits,
			       uint64_t paddr, unsigned target,
			       pith_cptr_t *out)
{
	pith_cptr_t child;
	enum pith_error err;

	while (bits > target) {
		child = split_of(block);
		if (!child) {
			if (nsplits == SPLITS_MAX)
				return PITH_E_EXHAUSTED;
			err = pith_slots_alloc(2, &child);
			if (err != PITH_OK)
				return err;
			err = pith_untyped_retype(block, PITH_SLOT_CNODE,
						  PITH_OBJ_UNTYPED, bits - 1, 0,
						  0, child, 2);
			if (err != PITH_OK) {
				pith_slots_free(child, 2);
				return err == PITH_E_NOT_ENOUGH_MEMORY
					       ? PITH_E_IN_USE
					       : err;
			}
			splits[nsplits].block = block;
			splits[nsplits++].child = child;
		}
		bits--;
		if (paddr >= base + (1ULL << bits)) {
			base += 1ULL << bits;
			child++;
		}
		block = child;
	}
	*out = block;
	return PITH_OK;
}

enum pith_error device_block(uint64_t paddr, unsigned bits, pith_cptr_t *out,
			     bool *split)
{
	const struct pith_bootinfo *bi = pith_bootinfo;
	uint64_t size = 1ULL << bits;

	for (uint32_t i = 0; i < bi->untyped_count; i++) {
		const struct pith_untyped_desc *d = &bi->untyped_list[i];

		if (!d->device || d->size_bits < bits || paddr < d->paddr ||
		    paddr - d->paddr > (1ULL << d->size_bits) - size)
			continue;
		enum pith_error err = descend(bi->untyped.start + i, d->paddr,
					      d->size_bits, paddr, bits, out);
		if (err == PITH_OK)
			*split = split_of(*out) != 0;
		return err;
	}
	return PITH_E_RANGE; /* RAM, or past the device space */
}

/* The frame of the page at paddr, inside `block` (2^bits bytes from
 * base), made by splitting down to it. */
static enum pith_error carve(pith_cptr_t block, uint64_t base, unsigned bits,
			     uint64_t paddr, pith_cptr_t *frame)
{
	enum pith_error err = descend(block, base, bits, paddr, 12, &block);

	if (err != PITH_OK)
		return err;
	err = pith_slot_alloc(frame);
	if (err != PITH_OK)
		return err;
	err = pith_untyped_retype(block, PITH_SLOT_CNODE, PITH_OBJ_FRAME_4K, 0,
				  0, 0, *frame, 1);
	if (err != PITH_OK)
		pith_slot_free(*frame);
	return err;
}

/* Map the page holding paddr; its address, or 0. */
static uint64_t map_page(uint64_t paddr)
{
	const struct pith_bootinfo *bi = pith_bootinfo;
	uint64_t page = paddr & ~(PAGE - 1), va;
	pith_cptr_t frame;

	for (unsigned i = 0; i < npages; i++)
		if (pages[i].paddr == page)
			return pages[i].va + (paddr - page);
	if (npages == PAGES_MAX)
		return 0;
	for (uint32_t i = 0; i < bi->untyped_count; i++) {
		const struct pith_untyped_desc *d = &bi->untyped_list[i];
		uint64_t size = 1ULL << d->size_bits;

		if (!d->device || page < d->paddr || page - d->paddr >= size)
			continue;
		if (carve(bi->untyped.start + i, d->paddr, d->size_bits, page,
			  &frame) != PITH_OK ||
		    pith_vm_map_frames(frame, 1, PITH_RIGHT_READ, &va) !=
			    PITH_OK)
			return 0;
		pages[npages].paddr = page;
		pages[npages++].va = va;
		return va + (paddr - page);
	}
	return 0; /* not device memory: not the firmware's tables */
}

/* acpi_map_fn: the tables are small; each page is mapped on its own, so
 * a table must not cross pages that land apart. Copy it instead. */
static uint8_t table_copy[2][16384];

static const void *map_acpi(uint64_t phys, uint64_t len, void *ctx)
{
	unsigned *which = ctx;
	uint8_t *dst = table_copy[*which];

	if (len > sizeof(table_copy[0]))
		return NULL;
	*which ^= 1; /* the root table stays valid while one is read */
	for (uint64_t off = 0; off < len;) {
		uint64_t chunk = PAGE - ((phys + off) & (PAGE - 1));
		const uint8_t *src = (const uint8_t *)map_page(phys + off);

		if (!src)
			return NULL;
		chunk = chunk < len - off ? chunk : len - off;
		memcpy(dst + off, src, chunk);
		off += chunk;
	}
	return dst;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The FADT, copied: false if there is none. */
static bool read_fadt(uint8_t *fadt, uint32_t *len)
{
	unsigned which = 0;
	uint64_t phys;
	const void *t;

	if (!pith_bootinfo->acpi_rsdp ||
	    acpi_find_table(pith_bootinfo->acpi_rsdp, "FACP", map_acpi, &which,
			    &phys, len) != ACPI_OK ||
	    *len < 116 || *len > 512)
		return false;
	t = map_acpi(phys, *len, &which);
	if (!t)
		return false;
	memcpy(fadt, t, *len);
	return true;
}

/* One AML integer of \_S5's package: ZeroOp, OneOp or BytePrefix n. */
static bool aml_byte(const uint8_t *p, const uint8_t *end, unsigned *v,
		     const uint8_t **next)
{
	if (p >= end)
		return false;
	if (*p == 0x00 || *p == 0x01) {
		*v = *p;
		*next = p + 1;
		return true;
	}
	if (*p == 0x0a && p + 1 < end) {
		*v = p[1];
		*next = p + 2;
		return true;
	}
	return false;
}

/* SLP_TYPa of soft-off, from "_S5_" PackageOp PkgLength NumElements. */
static bool s5_sleep_type(uint64_t dsdt_phys, unsigned *slp_typ)
{
	uint8_t head[36];
	const uint8_t *h = (const uint8_t *)map_page(dsdt_phys);
	uint32_t len;

	if (!h || (dsdt_phys & (PAGE - 1)) > PAGE - sizeof(head))
		return false;
	memcpy(head, h, sizeof(head));
	len = le32(head + 4);
	if (memcmp(head, "DSDT", 4) != 0 || len < 36 || len > (1u << 20))
		return false;
	for (uint64_t off = 36; off + 8 < len; off++) {
		const uint8_t *p = (const uint8_t *)map_page(dsdt_phys + off);
		uint8_t buf[16];
		const uint8_t *q, *end = buf + sizeof(buf);
		unsigned pkglen_bytes;

		if (!p)
			return false;
		if (*p != '_')
			continue;
		for (unsigned i = 0; i < sizeof(buf); i++) {
			const uint8_t *b =
				(const uint8_t *)map_page(dsdt_phys + off + i);

			if (!b)
				return false;
			buf[i] = *b;
		}
		if (memcmp(buf, "_S5_", 4) != 0 || buf[4] != 0x12)
			continue;
		pkglen_bytes = (buf[5] >> 6) + 1u;
		q = buf + 5 + pkglen_bytes + 1; /* past NumElements */
		return aml_byte(q, end, slp_typ, &q);
	}
	return false;
}

static enum pith_error out_port(uint16_t port, unsigned width, uint64_t value)
{
	pith_cptr_t cap;
	enum pith_error err = pith_slot_alloc(&cap);

	if (err != PITH_OK)
		return err;
	err = pith_ioport_control_issue(
		PITH_SLOT_IOPORT_CONTROL, PITH_SLOT_CNODE, port,
		port + width - 1u, cap, PITH_SLOT_DEPTH);
	if (err == PITH_OK)
		err = width == 2 ? pith_ioport_out16(cap, port, value)
				 : pith_ioport_out8(cap, port, value);
	pith_slot_free(cap);
	return err;
}

enum pith_error power_off(void)
{
	uint8_t fadt[512];
	uint32_t len;
	uint64_t dsdt;
	unsigned slp_typ;
	uint32_t pm1a;

	if (!read_fadt(fadt, &len))
		return PITH_E_ILLEGAL_OPERATION;
	pm1a = le32(fadt + 64);
	dsdt = len >= 148 && le64(fadt + 140) ? le64(fadt + 140)
					      : le32(fadt + 40);
	if (!pm1a || pm1a > 0xfffe || !s5_sleep_type(dsdt, &slp_typ))
		return PITH_E_ILLEGAL_OPERATION;
	pith_console_puts("init: powering off\n");
	return out_port((uint16_t)pm1a, 2, (slp_typ & 7) << 10 | 1u << 13);
}

enum pith_error power_reboot(void)
{
	uint8_t fadt[512];
	uint32_t len;

	pith_console_puts("init: restarting\n");
	/* The FADT's reset register (flags bit 10), in I/O space. */
	if (read_fadt(fadt, &len) && len >= 129 &&
	    (le32(fadt + 112) & 1u << 10) && fadt[116] == 1 &&
	    le64(fadt + 120) <= 0xffff)
		out_port((uint16_t)le64(fadt + 120), 1, fadt[128]);
	/* Else, or if that did nothing: the reset control register. */
	out_port(0xcf9, 1, 0x02);
	out_port(0xcf9, 1, 0x06);
	return PITH_E_ILLEGAL_OPERATION;
}
