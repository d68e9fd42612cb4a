/*
 * virtio-blk: a modern (virtio 1.x) virtio-pci block driver serving the
 * blk protocol (docs/vfs.md, "Block drivers").
 *
 * Capabilities: `pci`, the bus server, from which it claims the device
 * (1af4:1042, or the transitional 1af4:1001 driven the modern way),
 * maps the BAR regions its virtio capabilities name and gets an MSI-X
 * interrupt; `service`, where it serves.
 *
 * One virtqueue of up to 256 entries. A submit checks each ring entry
 * (blkreq.h), turns each good one into one or more virtio requests whose
 * data descriptors point straight at the client's pages (no copy),
 * notifies the device and defers its answer; the interrupt reaps the
 * used ring, and when every entry is done the answer goes out. A
 * watchdog thread bounds the wait: a device that does not finish within
 * REQUEST_TIMEOUT_MS fails the outstanding entries with PITH_E_IO and is
 * reset and not used again.
 */
#include "blkreq.h"
#include "pith/pith.h"
#include "pith/proto/blk.h"
#include "pith/proto/pci.h"
#include "pith/server.h"
#include "pith/thread.h"
#include "virtq.h"

#define VENDOR_VIRTIO	   0x1af4
#define DEVICE_BLK_MODERN  0x1042
#define DEVICE_BLK_LEGACY  0x1001
#define REQUEST_TIMEOUT_MS 10000
#define RESET_POLLS	   1000000

/* virtio PCI capability types (virtio 1.x, 4.1.4) */
enum { CFG_COMMON = 1, CFG_NOTIFY = 2, CFG_ISR = 3, CFG_DEVICE = 4 };
/* common configuration registers */
enum {
	COM_DFSELECT = 0x00,
	COM_DF = 0x04,
	COM_GFSELECT = 0x08,
	COM_GF = 0x0c,
	COM_MSIX = 0x10,
	COM_STATUS = 0x14,
	COM_Q_SELECT = 0x16,
	COM_Q_SIZE = 0x18,
	COM_Q_MSIX = 0x1a,
	COM_Q_ENABLE = 0x1c,
	COM_Q_NOFF = 0x1e,
	COM_Q_DESC = 0x20,
	COM_Q_AVAIL = 0x28,
	COM_Q_USED = 0x30,
};
#define ST_ACK	       1
#define ST_DRIVER      2
#define ST_DRIVER_OK   4
#define ST_FEATURES_OK 8
#define ST_FAILED      0x80
#define NO_VECTOR      0xffff

#define F_BLK_RO    (1ULL << 5)
#define F_BLK_FLUSH (1ULL << 9)
#define F_VERSION_1 (1ULL << 32)

#define T_IN	0 /* read */
#define T_OUT	1 /* write */
#define T_FLUSH 4

#define QUEUE_SIZE     256
#define SEGS_PER_REQ   64  /* data descriptors per virtio request */
#define SLOTS	       128 /* virtio requests in flight, at most */
#define BADGE_IRQ      1
#define BADGE_WATCHDOG 2
#define HANDLE_BADGE   (1ULL << 62)

struct blk_header {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

/* A virtio request in flight: which ring entry it serves. */
struct slot {
	bool used;
	int entry; /* ring entry; -1: a flush */
	unsigned head;
};

static const char *name = "virtio-blk";
static pith_cptr_t pci, ntfn;

static struct {
	bool present, broken;
	volatile uint8_t *common, *notify, *isr, *devcfg;
	uint32_t notify_mult;
	uint16_t notify_off;
	uint64_t features;
	uint64_t sectors;
	struct virtq q;
	struct blk_header *hdr; /* SLOTS headers, then SLOTS status bytes */
	volatile uint8_t *status;
	uint64_t hdr_paddr, status_paddr;
	struct slot slots[SLOTS];
	pith_cptr_t irq;
} dev;

/* The one client's disk. */
static struct {
	uint64_t owner;	 /* client badge that opened it; 0: closed */
	uint64_t handle; /* its handle's badge */
	pith_cptr_t handle_cap;
	uint64_t gen;
	pith_cptr_t page[PITH_BLK_REGION_PAGES]; /* our copies */
	uint64_t paddr[PITH_BLK_REGION_PAGES];
	volatile struct pith_blk_request *ring;
	/* the operation under way */
	bool busy;
	pith_cptr_t reply;
	unsigned first, count; /* its entries */
	unsigned left;	       /* virtio requests not finished */
	int32_t status[PITH_BLK_RING_SIZE];
	struct pith_blk_request req[PITH_BLK_RING_SIZE]; /* copies */
	uint64_t done[PITH_BLK_RING_SIZE]; /* bytes issued so far */
	unsigned next;			   /* the next entry to issue from */
	bool flush;
	volatile uint64_t deadline; /* TSC; 0: nothing outstanding */
} disk;

static uint64_t tsc_per_ms;
static pith_cptr_t watch_ntfn;

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static uint8_t rd8(volatile uint8_t *b, unsigned off)
{
	return *(volatile uint8_t *)(b + off);
}
static uint16_t rd16(volatile uint8_t *b, unsigned off)
{
	return *(volatile uint16_t *)(b + off);
}
static uint32_t rd32(volatile uint8_t *b, unsigned off)
{
	return *(volatile uint32_t *)(b + off);
}
static void wr8(volatile uint8_t *b, unsigned off, uint8_t v)
{
	*(volatile uint8_t *)(b + off) = v;
}
static void wr16(volatile uint8_t *b, unsigned off, uint16_t v)
{
	*(volatile uint16_t *)(b + off) = v;
}
static void wr32(volatile uint8_t *b, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(b + off) = v;
}
static void wr64(volatile uint8_t *b, unsigned off, uint64_t v)
{
	wr32(b, off, (uint32_t)v);
	wr32(b, off + 4, (uint32_t)(v >> 32));
}

/* ---- finding and setting up the device --------------------------------- */

/* Map `length` bytes at `offset` of memory BAR `bar`: its address. */
static volatile uint8_t *map_bar(unsigned bar, uint32_t offset, uint32_t length)
{
	uint64_t paddr, size, va = 0, base;
	pith_cptr_t frame;
	uint32_t first = offset / 4096, last = (offset + length - 1) / 4096;

	for (uint32_t p = first; p <= last; p++) {
		uint64_t v;

		if (pci_bar_memory(pci, bar, p, &frame, &paddr, &size) !=
		    PITH_OK)
			return NULL;
		/* Pages of one region must be consecutive in our space. */
		if (pith_vm_map_frames(frame, 1,
				       PITH_RIGHT_READ | PITH_RIGHT_WRITE,
				       &v) != PITH_OK)
			return NULL;
		if (p == first)
			va = v;
		else if (v != va + (uint64_t)(p - first) * 4096)
			return NULL;
	}
	base = va + offset % 4096;
	return (volatile uint8_t *)base;
}

/* Walk the vendor capabilities in configuration space for the virtio
 * structures. */
static bool find_structures(void)
{
	uint32_t ptr = 0, v;

	if (pci_config_read(pci, 0x34, 1, &ptr) != PITH_OK)
		return false;
	for (unsigned step = 0; step < 48 && ptr >= 0x40 && ptr < 0xfc;
	     step++) {
		uint32_t id, next, type, bar, off, len;

		ptr &= ~3U;
		pci_config_read(pci, ptr, 1, &id);
		pci_config_read(pci, ptr + 1, 1, &next);
		if (id == 0x09) {
			pci_config_read(pci, ptr + 3, 1, &type);
			pci_config_read(pci, ptr + 4, 1, &bar);
			pci_config_read(pci, ptr + 8, 4, &off);
			pci_config_read(pci, ptr + 12, 4, &len);
			volatile uint8_t **dst =
				type == CFG_COMMON   ? &dev.common
				: type == CFG_NOTIFY ? &dev.notify
				: type == CFG_ISR    ? &dev.isr
				: type == CFG_DEVICE ? &dev.devcfg
						     : NULL;
			if (dst && !*dst && len > 0 && bar < 6) {
				*dst = map_bar(bar, off, len);
				if (type == CFG_NOTIFY &&
				    pci_config_read(pci, ptr + 16, 4, &v) ==
					    PITH_OK)
					dev.notify_mult = v;
			}
		}
		ptr = next;
	}
	return dev.common && dev.notify && dev.isr && dev.devcfg;
}

static bool reset_device(void)
{
	wr8(dev.common, COM_STATUS, 0);
	for (unsigned i = 0; i < RESET_POLLS; i++)
		if (rd8(dev.common, COM_STATUS) == 0)
			return true;
	return false;
}

/* Memory for the queue and the headers: three pages, their physical
 * addresses. */
static enum pith_error queue_memory(uint64_t pa[3], uint8_t **va)
{
	uint64_t base;
	enum pith_error err =
		pith_vm_map_new(3, PITH_RIGHT_READ | PITH_RIGHT_WRITE, &base);

	for (unsigned i = 0; err == PITH_OK && i < 3; i++)
		err = pith_frame_get_address(pith_vm_frame(base + i * 4096ULL),
					     &pa[i]);
	*va = (uint8_t *)base;
	return err;
}

static const char *setup_queue(void)
{
	uint64_t pa[3];
	uint8_t *va;
	unsigned size;

	wr16(dev.common, COM_Q_SELECT, 0);
	size = rd16(dev.common, COM_Q_SIZE);
	if (size == 0)
		return "no queue 0";
	if (size > QUEUE_SIZE)
		size = QUEUE_SIZE;
	while (size & (size - 1))
		size &= size - 1;
	if (queue_memory(pa, &va) != PITH_OK)
		return "no memory for the queue";
	/* page 0: descriptors; page 1: available ring, used ring at 2048;
	 * page 2: headers, then status bytes */
	if (!virtq_init(&dev.q, size, va, va + 4096, va + 4096 + 2048))
		return "bad queue size";
	dev.hdr = (struct blk_header *)(va + 8192);
	dev.status = va + 8192 + SLOTS * sizeof(struct blk_header);
	dev.hdr_paddr = pa[2];
	dev.status_paddr = pa[2] + SLOTS * sizeof(struct blk_header);
	wr16(dev.common, COM_Q_SIZE, (uint16_t)size);
	wr16(dev.common, COM_Q_MSIX, 0);
	if (rd16(dev.common, COM_Q_MSIX) != 0)
		return "the device refused MSI-X vector 0";
	wr64(dev.common, COM_Q_DESC, pa[0]);
	wr64(dev.common, COM_Q_AVAIL, pa[1]);
	wr64(dev.common, COM_Q_USED, pa[1] + 2048);
	dev.notify_off = rd16(dev.common, COM_Q_NOFF);
	wr16(dev.common, COM_Q_ENABLE, 1);
	return NULL;
}

static const char *setup_interrupt(void)
{
	pith_cptr_t badged;

	if (pci_msi(pci, 0, &dev.irq) != PITH_OK)
		return "no MSI-X interrupt";
	if (pith_cap_mint(ntfn, PITH_RIGHT_WRITE, BADGE_IRQ, &badged) !=
		    PITH_OK ||
	    pith_irq_handler_set_notification(dev.irq, badged) != PITH_OK ||
	    pith_irq_handler_ack(dev.irq) != PITH_OK)
		return "cannot bind the interrupt";
	return NULL;
}

static const char *negotiate(void)
{
	uint64_t offered;

	wr8(dev.common, COM_STATUS, ST_ACK);
	wr8(dev.common, COM_STATUS, ST_ACK | ST_DRIVER);
	wr32(dev.common, COM_DFSELECT, 0);
	offered = rd32(dev.common, COM_DF);
	wr32(dev.common, COM_DFSELECT, 1);
	offered |= (uint64_t)rd32(dev.common, COM_DF) << 32;
	if (!(offered & F_VERSION_1))
		return "no VIRTIO_F_VERSION_1";
	dev.features = offered & (F_VERSION_1 | F_BLK_FLUSH | F_BLK_RO);
	wr32(dev.common, COM_GFSELECT, 0);
	wr32(dev.common, COM_GF, (uint32_t)dev.features);
	wr32(dev.common, COM_GFSELECT, 1);
	wr32(dev.common, COM_GF, (uint32_t)(dev.features >> 32));
	wr8(dev.common, COM_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK);
	if (!(rd8(dev.common, COM_STATUS) & ST_FEATURES_OK))
		return "features refused";
	wr16(dev.common, COM_MSIX, NO_VECTOR);
	return NULL;
}

static const char *start(void)
{
	const char *why;
	uint32_t cmd;

	if (!find_structures())
		return "missing virtio structures";
	if (pci_config_read(pci, 0x04, 2, &cmd) != PITH_OK ||
	    pci_config_write(pci, 0x04, 2, cmd | 0x6) != PITH_OK)
		return "cannot enable the device's memory and bus master";
	if (!reset_device())
		return "reset did not complete";
	if ((why = negotiate()) || (why = setup_interrupt()) ||
	    (why = setup_queue())) {
		wr8(dev.common, COM_STATUS, ST_FAILED);
		return why;
	}
	dev.sectors = (uint64_t)rd32(dev.devcfg, 0) |
		      (uint64_t)rd32(dev.devcfg, 4) << 32;
	wr8(dev.common, COM_STATUS,
	    ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
	return NULL;
}

static bool claim(void)
{
	static const uint16_t ids[] = {DEVICE_BLK_MODERN, DEVICE_BLK_LEGACY};
	uint32_t address;
	uint16_t v, d;

	for (unsigned i = 0; i < 2; i++)
		if (pci_claim(pci, VENDOR_VIRTIO, ids[i], 0, 0, 0, &address, &v,
			      &d) == PITH_OK)
			return true;
	return false;
}

/* ---- requests ---------------------------------------------------------- */

static void notify(void)
{
	wr16(dev.notify, dev.notify_off * dev.notify_mult, 0);
}

static int slot_alloc(void)
{
	for (int i = 0; i < SLOTS; i++)
		if (!dev.slots[i].used)
			return i;
	return -1;
}

/* Queue one virtio request for ring entry e (or a flush, e < 0): false
 * if the queue is full for now. */
static bool issue_one(int e)
{
	struct virtq_buf bufs[SEGS_PER_REQ + 2];
	struct blk_piece pieces[SEGS_PER_REQ];
	unsigned n = 0, np = 0;
	uint64_t did = 0, issued = 0;
	int s = slot_alloc(), head;
	bool reading = e >= 0 && disk.req[e].op == PITH_BLK_READ;

	if (s < 0 || dev.q.nfree < 3)
		return false;
	if (e >= 0) {
		const struct pith_blk_request *r = &disk.req[e];
		uint64_t bytes = (uint64_t)r->count * PITH_BLK_SECTOR;

		np = blk_pieces(&disk.paddr[1], r->offset + disk.done[e],
				bytes - disk.done[e],
				dev.q.nfree - 2 < SEGS_PER_REQ ? dev.q.nfree - 2
							       : SEGS_PER_REQ,
				4096, pieces, &did);
		did -= did % PITH_BLK_SECTOR; /* whole sectors per request */
		if (did == 0)
			return false;
		dev.hdr[s] = (struct blk_header){
			.type = r->op == PITH_BLK_READ ? T_IN : T_OUT,
			.sector = r->sector + disk.done[e] / PITH_BLK_SECTOR};
	} else {
		dev.hdr[s] = (struct blk_header){.type = T_FLUSH};
	}
	bufs[n++] = (struct virtq_buf){dev.hdr_paddr + s * sizeof(dev.hdr[0]),
				       sizeof(dev.hdr[0]), false};
	for (unsigned i = 0; i < np && did > 0; i++) { /* np 0 for a flush */
		uint32_t len =
			pieces[i].len < did ? pieces[i].len : (uint32_t)did;

		bufs[n++] = (struct virtq_buf){pieces[i].paddr, len, reading};
		did -= len;
		issued += len;
	}
	dev.status[s] = 0xff;
	bufs[n++] = (struct virtq_buf){dev.status_paddr + s, 1, true};
	head = virtq_submit(&dev.q, bufs, n);
	if (head < 0)
		return false;
	if (e >= 0)
		disk.done[e] += issued;
	dev.slots[s] = (struct slot){true, e, (unsigned)head};
	disk.left++;
	return true;
}

/* Queue what fits of the operation under way, and tell the device. */
static void pump(void)
{
	bool queued = false;

	if (disk.flush) {
		if (disk.left == 0 && disk.next == 0 && issue_one(-1)) {
			disk.next = 1;
			queued = true;
		}
	} else {
		while (disk.next < disk.count) {
			unsigned e = disk.next;
			uint64_t bytes =
				(uint64_t)disk.req[e].count * PITH_BLK_SECTOR;

			if (disk.status[e] != PITH_OK ||
			    disk.done[e] == bytes) {
				disk.next++;
				continue;
			}
			if (!issue_one((int)e))
				break;
			queued = true;
		}
	}
	if (queued) {
		disk.deadline = rdtsc() + REQUEST_TIMEOUT_MS * tsc_per_ms;
		notify();
		pith_signal(watch_ntfn);
	}
}

static bool all_issued(void)
{
	return disk.flush ? disk.next == 1 : disk.next >= disk.count;
}

/* The operation is over: statuses into the client's ring, the answer. */
static void finish(enum pith_error err)
{
	disk.deadline = 0;
	if (!disk.flush)
		for (unsigned i = 0; i < disk.count; i++)
			disk.ring[(disk.first + i) % PITH_BLK_RING_SIZE]
				.status = disk.status[i];
	disk.busy = false;
	if (disk.flush)
		blk_flush_reply(disk.reply, err);
	else
		blk_submit_reply(disk.reply, err);
}

static void reap(void)
{
	unsigned head;
	uint32_t len;

	while (virtq_reap(&dev.q, &head, &len)) {
		for (int s = 0; s < SLOTS; s++) {
			struct slot *sl = &dev.slots[s];

			if (!sl->used || sl->head != head)
				continue;
			sl->used = false;
			disk.left--;
			if (dev.status[s] != 0 && sl->entry >= 0 &&
			    disk.status[sl->entry] == PITH_OK)
				disk.status[sl->entry] = PITH_E_IO;
			else if (dev.status[s] != 0 && sl->entry < 0)
				disk.status[0] = PITH_E_IO;
			break;
		}
	}
	if (!disk.busy)
		return;
	pump();
	if (disk.left == 0 && all_issued())
		finish(disk.flush ? disk.status[0] : PITH_OK);
}

/* The device did not answer in time: fail what is outstanding and stop
 * using it (it may still be writing to the pages it was given). */
static void timed_out(void)
{
	if (!disk.busy || !disk.deadline || rdtsc() < disk.deadline)
		return;
	pith_printf("%s: the device did not answer in %u ms: disabled\n", name,
		    REQUEST_TIMEOUT_MS);
	reset_device();
	dev.broken = true;
	for (unsigned i = 0; i < disk.count; i++)
		if (disk.status[i] == PITH_OK)
			disk.status[i] = PITH_E_IO;
	disk.status[0] = disk.flush ? PITH_E_IO : disk.status[0];
	finish(PITH_E_IO);
}

static void on_signal(struct pith_server *s, uint64_t word)
{
	(void)s;
	if (word & BADGE_IRQ) {
		reap();
		pith_irq_handler_ack(dev.irq);
		reap();
	}
	if (word & BADGE_WATCHDOG)
		timed_out();
}

/* Lowest priority: runs only when every other thread waits. While an
 * operation is outstanding it watches the clock and signals the server
 * thread once the deadline has passed. */
static void watchdog(uint64_t arg)
{
	pith_cptr_t wake = (pith_cptr_t)arg;
	uint64_t w;

	for (;;) {
		pith_wait(watch_ntfn, &w);
		while (disk.deadline && rdtsc() < disk.deadline)
			pith_yield();
		if (disk.deadline)
			pith_signal(wake);
	}
}

/* ---- the protocol ------------------------------------------------------ */

static bool is_handle(const struct pith_request *rq)
{
	return disk.owner && rq->badge == disk.handle;
}

static void release(void)
{
	for (unsigned i = 0; i < PITH_BLK_REGION_PAGES; i++) {
		if (i == 0 && disk.ring)
			pith_vm_unmap((uint64_t)disk.ring);
		pith_slot_free(disk.page[i]);
		disk.page[i] = 0;
		disk.paddr[i] = 0;
	}
	disk.ring = NULL;
	if (disk.handle_cap) {
		pith_cnode_revoke(PITH_SLOT_CNODE, disk.handle_cap,
				  PITH_SLOT_DEPTH);
		pith_slot_free(disk.handle_cap);
	}
	disk.handle_cap = 0;
	disk.owner = disk.handle = 0;
}

static enum pith_error do_disks(struct pith_request *rq, uint32_t *count)
{
	(void)rq;
	*count = dev.present ? 1 : 0;
	return PITH_OK;
}

static enum pith_error do_open(struct pith_request *rq, uint32_t index,
			       pith_cptr_t *handle, uint64_t *sectors,
			       uint32_t *sector_size, uint32_t *flags)
{
	enum pith_error err;

	if (!dev.present || index != 0)
		return PITH_E_RANGE;
	if (rq->badge == 0 || (rq->badge & HANDLE_BADGE))
		return PITH_E_ILLEGAL_OPERATION;
	if (dev.broken)
		return PITH_E_IO;
	if (disk.owner && disk.owner != rq->badge)
		return PITH_E_IN_USE;
	if (disk.busy)
		return PITH_E_IN_USE;
	release(); /* its own earlier handle, if any */
	disk.handle = HANDLE_BADGE | ++disk.gen;
	err = pith_cap_mint(pith_cap("service"),
			    PITH_RIGHT_WRITE | PITH_RIGHT_GRANT, disk.handle,
			    &disk.handle_cap);
	if (err != PITH_OK)
		return err;
	disk.owner = rq->badge;
	*handle = disk.handle_cap;
	*sectors = dev.sectors;
	*sector_size = PITH_BLK_SECTOR;
	*flags = dev.features & F_BLK_RO ? PITH_BLK_READ_ONLY : 0;
	return PITH_OK;
}

static enum pith_error do_close(struct pith_request *rq)
{
	if (!is_handle(rq))
		return PITH_E_BAD_HANDLE;
	if (disk.busy)
		return PITH_E_IN_USE;
	release();
	return PITH_OK;
}

static enum pith_error do_attach(struct pith_request *rq, uint32_t index,
				 pith_cptr_t page)
{
	uint64_t va, pa;
	enum pith_error err;

	if (!is_handle(rq))
		return PITH_E_BAD_HANDLE;
	if (index >= PITH_BLK_REGION_PAGES)
		return PITH_E_RANGE;
	if (disk.busy)
		return PITH_E_IN_USE;
	err = pith_frame_get_address(page, &pa);
	if (err == PITH_OK && index == 0)
		err = pith_vm_map_frame(
			page, PITH_RIGHT_READ | PITH_RIGHT_WRITE, &va);
	if (err != PITH_OK)
		return err;
	if (index == 0 && disk.ring)
		pith_vm_unmap((uint64_t)disk.ring);
	pith_slot_free(disk.page[index]);
	disk.page[index] = page;
	disk.paddr[index] = pa;
	if (index == 0)
		disk.ring = (volatile struct pith_blk_request *)va;
	return PITH_OK;
}

static enum pith_error start_op(struct pith_request *rq)
{
	enum pith_error err = pith_request_defer(rq, &disk.reply);

	if (err != PITH_OK)
		return err;
	disk.busy = true;
	disk.left = 0;
	disk.next = 0;
	pump();
	if (disk.left == 0 && all_issued())
		finish(disk.flush ? disk.status[0] : PITH_OK);
	return PITH_OK;
}

static enum pith_error do_submit(struct pith_request *rq, uint32_t first,
				 uint32_t count)
{
	if (!is_handle(rq))
		return PITH_E_BAD_HANDLE;
	if (count == 0 || count > PITH_BLK_RING_SIZE ||
	    first >= PITH_BLK_RING_SIZE)
		return PITH_E_RANGE;
	if (!disk.ring)
		return PITH_E_NOT_MAPPED;
	if (disk.busy)
		return PITH_E_IN_USE;
	if (dev.broken)
		return PITH_E_IO;
	disk.first = first;
	disk.count = count;
	disk.flush = false;
	for (unsigned i = 0; i < count; i++) {
		disk.req[i] = disk.ring[(first + i) % PITH_BLK_RING_SIZE];
		disk.done[i] = 0;
		disk.status[i] =
			blk_check(&disk.req[i], dev.sectors,
				  dev.features & F_BLK_RO, &disk.paddr[1]);
	}
	return start_op(rq);
}

static enum pith_error do_flush(struct pith_request *rq)
{
	if (!is_handle(rq))
		return PITH_E_BAD_HANDLE;
	if (disk.busy)
		return PITH_E_IN_USE;
	if (dev.broken)
		return PITH_E_IO;
	if (!(dev.features & F_BLK_FLUSH))
		return PITH_OK; /* no volatile cache: nothing to do */
	disk.flush = true;
	disk.count = 0;
	disk.status[0] = PITH_OK;
	return start_op(rq);
}

static bool start_watchdog(void)
{
	static struct pith_thread t;
	pith_cptr_t wake;

	return pith_alloc_object(PITH_OBJ_NOTIFICATION, 0, &watch_ntfn) ==
		       PITH_OK &&
	       pith_cap_mint(ntfn, PITH_RIGHT_WRITE, BADGE_WATCHDOG, &wake) ==
		       PITH_OK &&
	       pith_thread_create(&t, 1, 4) == PITH_OK &&
	       pith_thread_start(&t, watchdog, wake) == PITH_OK;
}

int main(int argc, char **argv)
{
	static const struct blk_server ops = {
		.disks = do_disks,
		.open = do_open,
		.attach = do_attach,
		.submit = do_submit,
		.flush = do_flush,
		.close = do_close,
	};
	static const struct pith_service services[] = {{blk_service, &ops}};
	static struct pith_server srv = {
		.services = services,
		.nservices = 1,
		.signal = on_signal,
	};
	const char *why;

	if (argc > 0 && argv[0])
		name = argv[0];
	srv.ep = pith_cap("service");
	pci = pith_cap("pci");
	if (!srv.ep || !pci) {
		pith_printf("%s: needs the capabilities service and pci\n",
			    name);
		return 1;
	}
	tsc_per_ms =
		pith_startinfo->tsc_khz ? pith_startinfo->tsc_khz : 1000000;
	if (pith_alloc_object(PITH_OBJ_NOTIFICATION, 0, &ntfn) != PITH_OK ||
	    pith_tcb_bind_notification(PITH_SLOT_TCB, ntfn) != PITH_OK ||
	    !start_watchdog()) {
		pith_printf("%s: no memory for its notifications\n", name);
		return 1;
	}
	if (!claim()) {
		pith_printf("%s: no virtio block device: idle\n", name);
	} else if ((why = start()) != NULL) {
		pith_printf("%s: the device: %s: idle\n", name, why);
	} else {
		dev.present = true;
		pith_printf("%s: ready: %llu sectors%s%s\n", name,
			    (unsigned long long)dev.sectors,
			    dev.features & F_BLK_FLUSH ? ", flush" : "",
			    dev.features & F_BLK_RO ? ", read-only" : "");
	}
	pith_server_run(&srv);
}
