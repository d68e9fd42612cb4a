/*
 * pci: the PCI bus server (docs/vfs.md, "PCI").
 *
 * Capabilities: `ioport` for the configuration ports 0xcf8-0xcff,
 * `service` where it serves the `pci` protocol (sdk/idl/proto/pci.pidl).
 *
 * At start it walks the buses through the legacy configuration
 * mechanism (0xcf8 address, 0xcfc data): every device of bus 0, every
 * function of a multi-function device, and the bus behind each
 * PCI-to-PCI bridge (each bus once, so a misconfigured bridge cannot
 * loop). It keeps a copy of each function's first 256 bytes and sizes
 * its BARs (decoding off while the BARs hold all ones).
 *
 * A client (known by its badge) claims a device; the claim is the
 * client's for as long as its badge lasts, so a restarted driver, which
 * init gives the same badge, claims its device again. Configuration
 * reads and writes are for the claimed device only, and writes to the
 * BARs, the bridge windows and the MSI and MSI-X capabilities are
 * refused (config.h).
 */
#include <stdlib.h>

#include "config.h"
#include "lib/string.h"
#include "pith/pith.h"
#include "pith/proto/devices.h"
#include "pith/proto/pci.h"
#include "pith/server.h"

#define CONFIG_ADDRESS 0xcf8
#define CONFIG_DATA    0xcfc
#define DEVICES_MAX    64
#define BUSES	       256
#define BLOCKS_MAX     32
#define BLOCK_PAGES    256 /* frames handed out per block, at most */
#define MSI_MAX	       8   /* vectors per device */
#define PAGE	       4096ULL

struct function {
	uint8_t bus, dev, fn;
	uint8_t cfg[PCI_CFG_SIZE]; /* as read at start, kept current for
				    * what we write */
	struct pci_bar bars[PCI_BARS_MAX];
	uint64_t owner; /* the claiming client's badge; 0: unclaimed */
	pith_cptr_t msi[MSI_MAX];     /* IRQHandlers set up (0: none) */
	pith_cptr_t io[PCI_BARS_MAX]; /* IOPorts of I/O BARs given (0: none) */
};

/* A block of device memory init gave: frames are made from it in
 * order (an untyped's watermark only grows), as far as asked. */
struct block {
	uint64_t paddr;
	pith_cptr_t untyped;
	unsigned bits;
	unsigned nframes;
	pith_cptr_t frame[BLOCK_PAGES];
	uint64_t va[BLOCK_PAGES]; /* our own mapping (MSI-X tables); 0 */
};

static struct block *blocks[BLOCKS_MAX]; /* each allocated when given */
static unsigned nblocks;
static pith_cptr_t init_ep; /* init's devices protocol */

static struct function *funcs[DEVICES_MAX]; /* each allocated when found */
static unsigned nfuncs;
static pith_cptr_t ports;
static const char *name = "pci";

static uint32_t cfg_address(unsigned bus, unsigned dev, unsigned fn,
			    unsigned off)
{
	return 0x80000000U | bus << 16 | dev << 11 | fn << 8 | (off & 0xfc);
}

static uint32_t cfg_read(unsigned bus, unsigned dev, unsigned fn, unsigned off,
			 unsigned width)
{
	uint64_t v = ~0ULL;
	unsigned port = CONFIG_DATA + (off & 3);

	pith_ioport_out32(ports, CONFIG_ADDRESS,
			  cfg_address(bus, dev, fn, off));
	if (width == 1)
		pith_ioport_in8(ports, port, &v);
	else if (width == 2)
		pith_ioport_in16(ports, port, &v);
	else
		pith_ioport_in32(ports, port, &v);
	return (uint32_t)v;
}

static void cfg_write(unsigned bus, unsigned dev, unsigned fn, unsigned off,
		      unsigned width, uint32_t v)
{
	unsigned port = CONFIG_DATA + (off & 3);

	pith_ioport_out32(ports, CONFIG_ADDRESS,
			  cfg_address(bus, dev, fn, off));
	if (width == 1)
		pith_ioport_out8(ports, port, v);
	else if (width == 2)
		pith_ioport_out16(ports, port, v);
	else
		pith_ioport_out32(ports, port, v);
}

/* Size the BARs: with decoding off, write all ones, read the mask back,
 * restore. */
static void size_bars(struct function *f)
{
	unsigned n = pci_header_bars(f->cfg[PCI_HEADER_TYPE]);
	uint32_t raw[PCI_BARS_MAX], probe[PCI_BARS_MAX];
	uint32_t cmd = pci_cfg_get(f->cfg, PCI_COMMAND, 2);

	cfg_write(f->bus, f->dev, f->fn, PCI_COMMAND, 2,
		  cmd & ~(PCI_CMD_IO | PCI_CMD_MEMORY));
	for (unsigned i = 0; i < n; i++) {
		unsigned off = PCI_BAR0 + 4 * i;

		raw[i] = pci_cfg_get(f->cfg, off, 4);
		cfg_write(f->bus, f->dev, f->fn, off, 4, 0xffffffffU);
		probe[i] = cfg_read(f->bus, f->dev, f->fn, off, 4);
		cfg_write(f->bus, f->dev, f->fn, off, 4, raw[i]);
	}
	cfg_write(f->bus, f->dev, f->fn, PCI_COMMAND, 2, cmd);
	if (!pci_bars_decode(raw, probe, n, f->bars))
		pith_printf("%s: %02x:%02x.%x: a 64-bit BAR in the last "
			    "register: ignored\n",
			    name, f->bus, f->dev, f->fn);
}

static void scan_bus(unsigned bus, uint8_t *seen);

static void add_function(unsigned bus, unsigned dev, unsigned fn, uint8_t *seen)
{
	struct function *f;

	if (nfuncs == DEVICES_MAX) {
		pith_printf("%s: more than %d functions: %02x:%02x.%x "
			    "ignored\n",
			    name, DEVICES_MAX, bus, dev, fn);
		return;
	}
	f = malloc(sizeof(*f));
	if (!f) {
		pith_printf("%s: no memory for %02x:%02x.%x: ignored\n", name,
			    bus, dev, fn);
		return;
	}
	funcs[nfuncs++] = f;
	*f = (struct function){
		.bus = (uint8_t)bus, .dev = (uint8_t)dev, .fn = (uint8_t)fn};
	for (unsigned off = 0; off < PCI_CFG_SIZE; off += 4) {
		uint32_t v = cfg_read(bus, dev, fn, off, 4);

		memcpy(&f->cfg[off], &v, 4);
	}
	size_bars(f);
	if ((f->cfg[PCI_HEADER_TYPE] & 0x7f) == 1)
		scan_bus(f->cfg[PCI_SECONDARY], seen);
}

static void scan_bus(unsigned bus, uint8_t *seen)
{
	if (bus >= BUSES || seen[bus])
		return;
	seen[bus] = 1;
	for (unsigned dev = 0; dev < 32; dev++) {
		unsigned nfn = 1;

		if ((cfg_read(bus, dev, 0, PCI_VENDOR, 2) & 0xffff) == 0xffff)
			continue;
		if (cfg_read(bus, dev, 0, PCI_HEADER_TYPE, 1) & 0x80)
			nfn = 8;
		for (unsigned fn = 0; fn < nfn; fn++)
			if ((cfg_read(bus, dev, fn, PCI_VENDOR, 2) & 0xffff) !=
			    0xffff)
				add_function(bus, dev, fn, seen);
	}
}

static uint32_t address_of(const struct function *f)
{
	return (uint32_t)f->bus << 8 | (uint32_t)f->dev << 3 | f->fn;
}

static uint32_t class_of(const struct function *f)
{
	return pci_cfg_get(f->cfg, PCI_CLASS_REV, 4) >> 8;
}

/* The device the client's badge has claimed; NULL if none. */
static struct function *claimed(const struct pith_request *rq)
{
	for (unsigned i = 0; i < nfuncs; i++)
		if (rq->badge && funcs[i]->owner == rq->badge)
			return funcs[i];
	return NULL;
}

static enum pith_error do_device(struct pith_request *rq, uint32_t index,
				 uint32_t *address, uint16_t *vendor,
				 uint16_t *device, uint32_t *class,
				 bool *is_claimed)
{
	const struct function *f;

	(void)rq;
	if (index >= nfuncs)
		return PITH_E_RANGE;
	f = funcs[index];
	*address = address_of(f);
	*vendor = (uint16_t)pci_cfg_get(f->cfg, PCI_VENDOR, 2);
	*device = (uint16_t)pci_cfg_get(f->cfg, PCI_DEVICE_ID, 2);
	*class = class_of(f);
	*is_claimed = f->owner != 0;
	return PITH_OK;
}

static bool matches(const struct function *f, uint16_t vendor, uint16_t device,
		    uint32_t class, uint32_t mask)
{
	return (vendor == 0xffff ||
		pci_cfg_get(f->cfg, PCI_VENDOR, 2) == vendor) &&
	       (device == 0xffff ||
		pci_cfg_get(f->cfg, PCI_DEVICE_ID, 2) == device) &&
	       (class_of(f) & mask) == (class & mask);
}

/* A client claims one device at a time: a second claim gives up the
 * first. Its own claim counts as unclaimed to it, so a restarted driver
 * (the same badge) finds its device again. */
static enum pith_error do_claim(struct pith_request *rq, uint16_t vendor,
				uint16_t device, uint32_t class,
				uint32_t class_mask, uint32_t index,
				uint32_t *address, uint16_t *vendor_id,
				uint16_t *device_id)
{
	struct function *old = claimed(rq);

	if (!rq->badge)
		return PITH_E_ILLEGAL_OPERATION;
	for (unsigned i = 0; i < nfuncs; i++) {
		struct function *f = funcs[i];

		if ((f->owner && f->owner != rq->badge) ||
		    !matches(f, vendor, device, class, class_mask))
			continue;
		if (index-- > 0)
			continue;
		if (old)
			old->owner = 0;
		f->owner = rq->badge;
		*address = address_of(f);
		*vendor_id = (uint16_t)pci_cfg_get(f->cfg, PCI_VENDOR, 2);
		*device_id = (uint16_t)pci_cfg_get(f->cfg, PCI_DEVICE_ID, 2);
		return PITH_OK;
	}
	return PITH_E_NOT_FOUND;
}

static enum pith_error do_config_read(struct pith_request *rq, uint32_t offset,
				      uint32_t width, uint32_t *value)
{
	const struct function *f = claimed(rq);

	if (!f)
		return PITH_E_ILLEGAL_OPERATION;
	if (!pci_access_ok(offset, width))
		return PITH_E_INVALID_ARGUMENT;
	*value = cfg_read(f->bus, f->dev, f->fn, offset, width);
	return PITH_OK;
}

static enum pith_error do_config_write(struct pith_request *rq, uint32_t offset,
				       uint32_t width, uint32_t value)
{
	struct function *f = claimed(rq);

	if (!f)
		return PITH_E_ILLEGAL_OPERATION;
	if (!pci_access_ok(offset, width))
		return PITH_E_INVALID_ARGUMENT;
	if (!pci_write_allowed(f->cfg, offset, width))
		return PITH_E_MISSING_RIGHTS;
	cfg_write(f->bus, f->dev, f->fn, offset, width, value);
	for (unsigned i = 0; i < width; i++)
		f->cfg[offset + i] = (uint8_t)(value >> (8 * i));
	return PITH_OK;
}

/* The block of device memory holding [paddr, paddr + size): one we
 * have, or a new one from init, naturally aligned and at least a page. */
static enum pith_error block_for(uint64_t paddr, uint64_t size,
				 struct block **out)
{
	unsigned bits = 12;
	uint64_t base;
	pith_cptr_t slot;
	enum pith_error err;

	for (unsigned i = 0; i < nblocks; i++) {
		struct block *b = blocks[i];

		if (paddr >= b->paddr && paddr - b->paddr < (1ULL << b->bits)) {
			*out = b;
			return PITH_OK;
		}
	}
	while (bits < 40 && (1ULL << bits) < size)
		bits++;
	base = paddr & ~((1ULL << bits) - 1);
	if (nblocks == BLOCKS_MAX || !init_ep)
		return PITH_E_EXHAUSTED;
	if (!blocks[nblocks] && !(blocks[nblocks] = malloc(sizeof(**out))))
		return PITH_E_NOT_ENOUGH_MEMORY;
	err = pith_slot_alloc(&slot);
	if (err != PITH_OK)
		return err;
	err = devices_memory(init_ep, base, bits, slot);
	if (err != PITH_OK) {
		pith_printf("%s: device memory at 0x%llx (2^%u bytes): %s\n",
			    name, (unsigned long long)base, bits,
			    pith_error_name(err));
		pith_slot_free(slot);
		return err;
	}
	*out = blocks[nblocks++];
	**out = (struct block){.paddr = base, .bits = bits, .untyped = slot};
	return PITH_OK;
}

/* The frame of the page at paddr, made from its block if need be. */
static enum pith_error frame_at(struct block *b, uint64_t paddr,
				pith_cptr_t *frame, uint64_t **va)
{
	uint64_t page = (paddr - b->paddr) / PAGE;
	enum pith_error err;

	if (page >= BLOCK_PAGES)
		return PITH_E_RANGE;
	while (b->nframes <= page) {
		pith_cptr_t f;

		err = pith_alloc_object_from(b->untyped, PITH_OBJ_FRAME_4K, 0,
					     &f);
		if (err != PITH_OK)
			return err;
		b->frame[b->nframes++] = f;
	}
	*frame = b->frame[page];
	if (va)
		*va = &b->va[page];
	return PITH_OK;
}

/* Does the page at paddr hold a memory BAR of a device other than f? */
static bool shared_page(const struct function *f, uint64_t paddr)
{
	for (unsigned i = 0; i < nfuncs; i++) {
		if (funcs[i] == f)
			continue;
		for (unsigned j = 0; j < PCI_BARS_MAX; j++) {
			const struct pci_bar *o = &funcs[i]->bars[j];

			if ((o->kind == PCI_KIND_MEM32 ||
			     o->kind == PCI_KIND_MEM64) &&
			    o->addr < paddr + PAGE && paddr < o->addr + o->size)
				return true;
		}
	}
	return false;
}

/* The page `page` of memory BAR `bar` of f: its frame, and (if va is
 * not NULL) where our own mapping of it is kept. */
static enum pith_error bar_page(const struct function *f, uint32_t bar,
				uint64_t page, pith_cptr_t *frame,
				uint64_t **va)
{
	const struct pci_bar *b;
	uint64_t first, pages;
	struct block *blk;
	enum pith_error err;

	if (bar >= PCI_BARS_MAX)
		return PITH_E_INVALID_ARGUMENT;
	b = &f->bars[bar];
	if (b->kind != PCI_KIND_MEM32 && b->kind != PCI_KIND_MEM64)
		return PITH_E_INVALID_ARGUMENT;
	first = b->addr & ~(PAGE - 1);
	pages = (b->addr + b->size - first + PAGE - 1) / PAGE;
	if (page >= pages)
		return PITH_E_RANGE;
	if (shared_page(f, first + page * PAGE))
		return PITH_E_IN_USE;
	err = block_for(b->addr, b->size, &blk);
	if (err == PITH_OK)
		err = frame_at(blk, first + page * PAGE, frame, va);
	return err;
}

static enum pith_error do_bar_memory(struct pith_request *rq, uint32_t bar,
				     uint32_t page, pith_cptr_t *frame,
				     uint64_t *paddr, uint64_t *size)
{
	const struct function *f = claimed(rq);
	enum pith_error err;

	if (!f)
		return PITH_E_ILLEGAL_OPERATION;
	err = bar_page(f, bar, page, frame, NULL);
	if (err != PITH_OK)
		return err;
	*paddr = f->bars[bar].addr;
	*size = f->bars[bar].size;
	return PITH_OK;
}

/* I/O BAR `bar` of the claimed device: init issues the IOPort the
 * first time (into our CNode); we keep it, and the driver gets a copy,
 * so a restarted driver gets the same ports again. */
static enum pith_error do_bar_io(struct pith_request *rq, uint32_t bar,
				 pith_cptr_t *cap, uint16_t *first,
				 uint16_t *count)
{
	struct function *f = claimed(rq);
	const struct pci_bar *b;
	pith_cptr_t slot;
	enum pith_error err;

	if (!f)
		return PITH_E_ILLEGAL_OPERATION;
	if (bar >= PCI_BARS_MAX || f->bars[bar].kind != PCI_KIND_IO)
		return PITH_E_INVALID_ARGUMENT;
	b = &f->bars[bar];
	if (!f->io[bar]) {
		if (!init_ep)
			return PITH_E_EXHAUSTED;
		err = pith_slot_alloc(&slot);
		if (err != PITH_OK)
			return err;
		err = devices_ioport(init_ep, (uint16_t)b->addr,
				     (uint16_t)b->size, slot);
		if (err != PITH_OK) {
			pith_printf("%s: ports 0x%llx-0x%llx: %s\n", name,
				    (unsigned long long)b->addr,
				    (unsigned long long)(b->addr + b->size - 1),
				    pith_error_name(err));
			pith_slot_free(slot);
			return err;
		}
		f->io[bar] = slot;
	}
	*cap = f->io[bar];
	*first = (uint16_t)b->addr;
	*count = (uint16_t)b->size;
	return PITH_OK;
}

/* Our mapping of the MSI-X table entry `vector` of f: NULL if the table
 * is not in a memory BAR of it. */
static volatile uint32_t *msix_entry(const struct function *f, unsigned cap,
				     unsigned vector)
{
	uint32_t table = pci_cfg_get(f->cfg, cap + PCI_MSIX_TABLE, 4);
	unsigned bir = table & 7;
	uint64_t off = (table & ~7U) + (uint64_t)vector * PCI_MSIX_ENTRY;
	uint64_t addr, *va;
	pith_cptr_t frame;

	if (bir >= PCI_BARS_MAX)
		return NULL;
	addr = f->bars[bir].addr + off;
	if (bar_page(f, bir, (addr - (f->bars[bir].addr & ~(PAGE - 1))) / PAGE,
		     &frame, &va) != PITH_OK)
		return NULL;
	if (!*va && pith_vm_map_frame(frame, PITH_RIGHT_READ | PITH_RIGHT_WRITE,
				      va) != PITH_OK)
		return NULL;
	return (volatile uint32_t *)(*va + (addr & (PAGE - 1)));
}

/* Program vector `vector` of f with (address, data) and enable it. */
static enum pith_error msi_program(struct function *f, unsigned vector,
				   uint64_t address, uint32_t data)
{
	unsigned cap = pci_cap_find(f->cfg, PCI_CAP_MSIX, 0);
	uint32_t ctrl, cmd = pci_cfg_get(f->cfg, PCI_COMMAND, 2);

	cfg_write(f->bus, f->dev, f->fn, PCI_COMMAND, 2,
		  cmd | PCI_CMD_INTX_OFF);
	f->cfg[PCI_COMMAND + 1] |= PCI_CMD_INTX_OFF >> 8;
	if (cap) {
		volatile uint32_t *e = msix_entry(f, cap, vector);

		if (!e)
			return PITH_E_INVALID_ARGUMENT;
		e[0] = (uint32_t)address;
		e[1] = (uint32_t)(address >> 32);
		e[2] = data;
		e[3] = 0; /* unmasked */
		ctrl = cfg_read(f->bus, f->dev, f->fn, cap + PCI_MSIX_CTRL, 2);
		ctrl = (ctrl | PCI_MSIX_CTRL_EN) & ~PCI_MSIX_CTRL_MASK;
		cfg_write(f->bus, f->dev, f->fn, cap + PCI_MSIX_CTRL, 2, ctrl);
		return PITH_OK;
	}
	cap = pci_cap_find(f->cfg, PCI_CAP_MSI, 0);
	ctrl = pci_cfg_get(f->cfg, cap + PCI_MSI_CTRL, 2);
	cfg_write(f->bus, f->dev, f->fn, cap + PCI_MSI_ADDR, 4,
		  (uint32_t)address);
	if (ctrl & PCI_MSI_CTRL_64)
		cfg_write(f->bus, f->dev, f->fn, cap + PCI_MSI_ADDR + 4, 4,
			  (uint32_t)(address >> 32));
	cfg_write(f->bus, f->dev, f->fn, pci_msi_data_offset(f->cfg, cap), 2,
		  data);
	/* one vector (multiple message enable 0), enabled */
	ctrl = (ctrl & ~0x70U) | PCI_MSI_CTRL_EN;
	cfg_write(f->bus, f->dev, f->fn, cap + PCI_MSI_CTRL, 2, ctrl);
	return PITH_OK;
}

static enum pith_error do_msi(struct pith_request *rq, uint32_t vector,
			      pith_cptr_t *irq)
{
	struct function *f = claimed(rq);
	unsigned cap, count;
	uint64_t address;
	uint32_t data;
	pith_cptr_t slot;
	enum pith_error err;

	if (!f)
		return PITH_E_ILLEGAL_OPERATION;
	if ((cap = pci_cap_find(f->cfg, PCI_CAP_MSIX, 0)) != 0)
		count = (pci_cfg_get(f->cfg, cap + PCI_MSIX_CTRL, 2) & 0x7ff) +
			1;
	else if (pci_cap_find(f->cfg, PCI_CAP_MSI, 0))
		count = 1;
	else
		return PITH_E_NOT_FOUND;
	if (vector >= count || vector >= MSI_MAX)
		return PITH_E_RANGE;
	if (f->msi[vector]) {
		*irq = f->msi[vector];
		return PITH_OK;
	}
	if (!init_ep)
		return PITH_E_EXHAUSTED;
	err = pith_slot_alloc(&slot);
	if (err != PITH_OK)
		return err;
	err = devices_msi(init_ep, slot, &address, &data);
	if (err == PITH_OK)
		err = msi_program(f, vector, address, data);
	if (err != PITH_OK) {
		pith_slot_free(slot);
		return err;
	}
	f->msi[vector] = slot;
	*irq = slot;
	return PITH_OK;
}

int main(int argc, char **argv)
{
	static const struct pci_server ops = {
		.device = do_device,
		.claim = do_claim,
		.config_read = do_config_read,
		.config_write = do_config_write,
		.bar_memory = do_bar_memory,
		.bar_io = do_bar_io,
		.msi = do_msi,
	};
	static const struct pith_service services[] = {{pci_service, &ops}};
	static struct pith_server srv = {.services = services, .nservices = 1};
	static uint8_t seen[BUSES];
	uint64_t v;

	if (argc > 0 && argv[0])
		name = argv[0];
	srv.ep = pith_cap("service");
	ports = pith_cap("ioport");
	init_ep = pith_cap("init"); /* device memory, MSI vectors, ports */
	if (!srv.ep || !ports ||
	    pith_ioport_in32(ports, CONFIG_DATA, &v) != PITH_OK ||
	    pith_ioport_in32(ports, CONFIG_ADDRESS, &v) != PITH_OK) {
		pith_printf("%s: needs the capabilities service and ioport "
			    "(0xcf8-0xcff)\n",
			    name);
		return 1;
	}
	scan_bus(0, seen);
	pith_printf("%s: ready: %u functions\n", name, nfuncs);
	pith_server_run(&srv);
}
