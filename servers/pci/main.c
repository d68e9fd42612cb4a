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
#include "config.h"
#include "lib/string.h"
#include "pith/pith.h"
#include "pith/proto/pci.h"
#include "pith/server.h"

#define CONFIG_ADDRESS 0xcf8
#define CONFIG_DATA    0xcfc
#define DEVICES_MAX    64
#define BUSES	       256

struct function {
	uint8_t bus, dev, fn;
	uint8_t cfg[PCI_CFG_SIZE]; /* as read at start, kept current for
				    * what we write */
	struct pci_bar bars[PCI_BARS_MAX];
	uint64_t owner; /* the claiming client's badge; 0: unclaimed */
};

static struct function funcs[DEVICES_MAX];
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
	f = &funcs[nfuncs++];
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
		if (rq->badge && funcs[i].owner == rq->badge)
			return &funcs[i];
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
	f = &funcs[index];
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
		struct function *f = &funcs[i];

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

static void report(void)
{
	for (unsigned i = 0; i < nfuncs; i++) {
		const struct function *f = &funcs[i];

		pith_printf("%s: %02x:%02x.%x %04x:%04x class %06x\n", name,
			    f->bus, f->dev, f->fn,
			    pci_cfg_get(f->cfg, PCI_VENDOR, 2),
			    pci_cfg_get(f->cfg, PCI_DEVICE_ID, 2), class_of(f));
	}
}

int main(int argc, char **argv)
{
	static const struct pci_server ops = {
		.device = do_device,
		.claim = do_claim,
		.config_read = do_config_read,
		.config_write = do_config_write,
	};
	static const struct pith_service services[] = {{pci_service, &ops}};
	static struct pith_server srv = {.services = services, .nservices = 1};
	static uint8_t seen[BUSES];
	uint64_t v;

	if (argc > 0 && argv[0])
		name = argv[0];
	srv.ep = pith_cap("service");
	ports = pith_cap("ioport");
	if (!srv.ep || !ports ||
	    pith_ioport_in32(ports, CONFIG_DATA, &v) != PITH_OK ||
	    pith_ioport_in32(ports, CONFIG_ADDRESS, &v) != PITH_OK) {
		pith_printf("%s: needs the capabilities service and ioport "
			    "(0xcf8-0xcff)\n",
			    name);
		return 1;
	}
	scan_bus(0, seen);
	report();
	pith_printf("%s: ready: %u functions\n", name, nfuncs);
	pith_server_run(&srv);
}
