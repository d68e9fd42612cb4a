/*
 * PCI configuration space parsing (config.h): pure, host-tested.
 */
#include "config.h"

#define CAP_STEPS_MAX 48 /* (256 - 64) / 4: more is a loop */

unsigned pci_cap_find(const uint8_t *cfg, unsigned id, unsigned after)
{
	unsigned off;

	if (!(pci_cfg_get(cfg, PCI_STATUS, 2) & PCI_STATUS_CAPS))
		return 0;
	off = after ? cfg[after + 1] : cfg[PCI_CAP_PTR];
	for (unsigned step = 0; step < CAP_STEPS_MAX; step++) {
		off &= ~3U; /* the low two bits are reserved */
		if (off < 0x40 || off > PCI_CFG_SIZE - 4)
			return 0;
		if (cfg[off] == id)
			return off;
		off = cfg[off + 1];
	}
	return 0;
}

unsigned pci_header_bars(uint8_t header_type)
{
	switch (header_type & 0x7f) {
	case 0:
		return 6;
	case 1:
		return 2;
	default:
		return 0;
	}
}

/* The size a memory BAR's size mask says: the lowest address bit that
 * did not stick. */
static uint64_t mask_size(uint64_t mask)
{
	return mask ? mask & -mask : 0;
}

bool pci_bars_decode(const uint32_t *raw, const uint32_t *probe, unsigned nbars,
		     struct pci_bar *bars)
{
	for (unsigned i = 0; i < nbars; i++)
		bars[i] = (struct pci_bar){.kind = PCI_KIND_NONE};
	for (unsigned i = 0; i < nbars; i++) {
		struct pci_bar *b = &bars[i];

		if (raw[i] & 1) {
			uint32_t mask = probe[i] & 0xfffcU;

			if (!mask)
				continue;
			b->kind = PCI_KIND_IO;
			b->addr = raw[i] & 0xfffcU;
			b->size = mask & -mask;
			continue;
		}
		switch ((raw[i] >> 1) & 3) {
		case 0:
			b->kind = PCI_KIND_MEM32;
			b->addr = raw[i] & ~0xfU;
			b->size = mask_size(probe[i] & ~0xfU);
			break;
		case 2:
			if (i + 1 == nbars)
				return false;
			b->kind = PCI_KIND_MEM64;
			b->addr = (raw[i] & ~0xfULL) | (uint64_t)raw[i + 1]
							       << 32;
			b->size = mask_size((probe[i] & ~0xfULL) |
					    (uint64_t)probe[i + 1] << 32);
			i++; /* the upper half stays PCI_KIND_NONE */
			break;
		default: /* reserved type: not decoded */
			continue;
		}
		b->prefetchable = raw[i - (b->kind == PCI_KIND_MEM64)] & 8;
		if (!b->size)
			*b = (struct pci_bar){.kind = PCI_KIND_NONE};
	}
	return true;
}

bool pci_cap_span(const uint8_t *cfg, unsigned cap, unsigned *len)
{
	uint32_t ctrl;

	if (cap < 0x40 || cap > PCI_CFG_SIZE - 4)
		return false;
	ctrl = pci_cfg_get(cfg, cap + PCI_MSI_CTRL, 2);
	switch (cfg[cap]) {
	case PCI_CAP_MSI:
		*len = 10 + (ctrl & PCI_MSI_CTRL_64 ? 4 : 0) +
		       (ctrl & PCI_MSI_CTRL_MASK ? 10 : 0);
		return true;
	case PCI_CAP_MSIX:
		*len = 12;
		return true;
	default:
		return false;
	}
}

bool pci_access_ok(unsigned off, unsigned width)
{
	return (width == 1 || width == 2 || width == 4) && off % width == 0 &&
	       off + width <= PCI_CFG_SIZE;
}

static bool overlaps(unsigned a, unsigned alen, unsigned b, unsigned blen)
{
	return a < b + blen && b < a + alen;
}

/* Does [off, off + width) touch an MSI or MSI-X capability? */
static bool touches_msi(const uint8_t *cfg, unsigned off, unsigned width)
{
	static const unsigned ids[] = {PCI_CAP_MSI, PCI_CAP_MSIX};
	unsigned len;

	for (unsigned k = 0; k < 2; k++) {
		unsigned c = pci_cap_find(cfg, ids[k], 0);

		/* Bounded too: a list that loops finds the same one again. */
		for (unsigned step = 0; c && step < CAP_STEPS_MAX; step++) {
			if (pci_cap_span(cfg, c, &len) &&
			    overlaps(off, width, c, len))
				return true;
			c = pci_cap_find(cfg, ids[k], c);
		}
	}
	return false;
}

bool pci_write_allowed(const uint8_t *cfg, unsigned off, unsigned width)
{
	unsigned type = cfg[PCI_HEADER_TYPE] & 0x7f;
	unsigned nbars = pci_header_bars(cfg[PCI_HEADER_TYPE]);

	if (!pci_access_ok(off, width))
		return false;
	if (overlaps(off, width, PCI_BAR0, 4 * nbars))
		return false;
	if (type == 0 && overlaps(off, width, PCI_ROM_TYPE0, 4))
		return false;
	/* A bridge's bus numbers, windows and ROM: the bus server's. */
	if (type == 1 && overlaps(off, width, 0x18, 0x40 - 0x18))
		return false;
	if (overlaps(off, width, PCI_CAP_PTR, 1))
		return false;
	return !touches_msi(cfg, off, width);
}

unsigned pci_msi_data_offset(const uint8_t *cfg, unsigned cap)
{
	return cap + (pci_cfg_get(cfg, cap + PCI_MSI_CTRL, 2) & PCI_MSI_CTRL_64
			      ? 12
			      : 8);
}
