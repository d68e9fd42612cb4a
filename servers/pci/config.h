/*
 * PCI configuration space as the bus server reads it: the capability
 * list, the BARs and which registers a driver may write. Pure logic over
 * a copy of a function's first 256 bytes (or what a callback reads), so
 * it is host-tested (tests/host/drivers/test_pcicfg.c) over fake
 * configuration spaces, malformed ones included.
 */
#ifndef PCI_CONFIG_H
#define PCI_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_CFG_SIZE 256 /* legacy configuration space */

/* Registers of the header. */
#define PCI_VENDOR	 0x00
#define PCI_DEVICE_ID	 0x02
#define PCI_COMMAND	 0x04
#define PCI_STATUS	 0x06
#define PCI_CLASS_REV	 0x08
#define PCI_HEADER_TYPE	 0x0e
#define PCI_BAR0	 0x10
#define PCI_SECONDARY	 0x19 /* bridges: the bus behind */
#define PCI_CAP_PTR	 0x34
#define PCI_ROM_TYPE0	 0x30
#define PCI_ROM_TYPE1	 0x38
#define PCI_STATUS_CAPS	 0x0010
#define PCI_CMD_IO	 0x0001
#define PCI_CMD_MEMORY	 0x0002
#define PCI_CMD_MASTER	 0x0004
#define PCI_CMD_INTX_OFF 0x0400

#define PCI_CAP_MSI  0x05
#define PCI_CAP_VNDR 0x09 /* vendor specific (virtio's) */
#define PCI_CAP_MSIX 0x11

/* MSI capability, from its offset. */
#define PCI_MSI_CTRL	   2
#define PCI_MSI_CTRL_EN	   0x0001
#define PCI_MSI_CTRL_64	   0x0080
#define PCI_MSI_CTRL_MASK  0x0100 /* per-vector masking */
#define PCI_MSI_ADDR	   4
/* MSI-X capability. */
#define PCI_MSIX_CTRL	   2
#define PCI_MSIX_CTRL_EN   0x8000
#define PCI_MSIX_CTRL_MASK 0x4000 /* function mask */
#define PCI_MSIX_TABLE	   4	  /* BIR in bits 0-2, offset above */
#define PCI_MSIX_ENTRY	   16	  /* bytes per table entry */

#define PCI_BARS_MAX 6

/* Not PCI_BAR_*: pith/proto/pci.h names the pci protocol's method labels
 * so (PCI_BAR_IO is bar_io's), and a macro would win over the enum. */
enum pci_bar_kind {
	PCI_KIND_NONE = 0, /* not implemented, or the upper half of a 64-bit */
	PCI_KIND_IO,
	PCI_KIND_MEM32,
	PCI_KIND_MEM64,
};

struct pci_bar {
	enum pci_bar_kind kind;
	bool prefetchable;
	uint64_t addr; /* bus address (I/O: port) */
	uint64_t size; /* bytes (I/O: ports) */
};

/* The bytes of a function's configuration space, little-endian. */
static inline uint32_t pci_cfg_get(const uint8_t *cfg, unsigned off,
				   unsigned width)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < width; i++)
		v |= (uint32_t)cfg[off + i] << (8 * i);
	return v;
}

/* The offset of the first capability with `id` at or after the one
 * following `after` (0: from the start of the list); 0 if none. The walk
 * stops at a pointer below 0x40 or past the space, and after 48 steps
 * (a loop in a broken list). */
unsigned pci_cap_find(const uint8_t *cfg, unsigned id, unsigned after);

/* Decode BAR registers: `raw[i]` what BAR i reads, `probe[i]` what it
 * reads after all ones were written (the size mask), for the
 * `nbars` BARs of the header (6 for devices, 2 for bridges). A 64-bit
 * BAR takes two registers: the second decodes as PCI_KIND_NONE. Returns
 * false if a 64-bit BAR starts in the last register (malformed). */
bool pci_bars_decode(const uint32_t *raw, const uint32_t *probe, unsigned nbars,
		     struct pci_bar *bars);

/* The number of BAR registers of a header type (0 device, 1 bridge,
 * other: none). */
unsigned pci_header_bars(uint8_t header_type);

/* The bytes [off, off + len) that the MSI or MSI-X capability at `cap`
 * spans (its id decides); false if `cap` is neither. */
bool pci_cap_span(const uint8_t *cfg, unsigned cap, unsigned *len);

/* May a driver write `width` bytes at `off`? Not the BARs, not the
 * expansion ROM register, not a bridge's bus numbers, not the MSI and
 * MSI-X capabilities (the bus server owns them), not past the legacy
 * space; width 1, 2 or 4 and aligned to it. */
bool pci_write_allowed(const uint8_t *cfg, unsigned off, unsigned width);

/* Is the access well formed (width 1, 2, 4, aligned, inside the legacy
 * space)? */
bool pci_access_ok(unsigned off, unsigned width);

/* Where an MSI capability at `cap` keeps its data register: after a
 * 32-bit or a 64-bit address. */
unsigned pci_msi_data_offset(const uint8_t *cfg, unsigned cap);

#endif
