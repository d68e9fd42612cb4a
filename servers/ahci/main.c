/*
 * ahci: the AHCI SATA host controller driver serving blk with every
 * SATA disk it finds (docs/vfs.md, "Block drivers").
 *
 * Capabilities: `pci`, the bus server, from which it claims the first
 * controller of class 01:06:01, maps its registers (BAR5, ABAR) and
 * gets an MSI interrupt; `service`, where it serves.
 *
 * Start: bus master on, HBA reset, AHCI mode; each implemented port
 * whose link is up with a SATA disk's signature gets a page of DMA
 * memory (command list at 0, received FIS at 0x400) and one command
 * table page, and IDENTIFY DEVICE gives its size. Requests run one
 * command at a time per disk, in slot 0: READ/WRITE DMA EXT with PRD
 * entries pointing straight at the client's pages, FLUSH CACHE EXT for
 * flush. The answer to a submit is deferred until the interrupt says
 * the last command is done. Every wait is bounded: polls at start by a
 * count, commands by a watchdog thread (REQUEST_TIMEOUT_MS), after
 * which the disk's entries fail with PITH_E_IO and the disk is not used
 * again.
 */
#include <stdlib.h>

#include "ahci.h"
#include "pith/pith.h"
#include "pith/proto/blk.h"
#include "pith/proto/pci.h"
#include "pith/server.h"
#include "pith/thread.h"

#define REQUEST_TIMEOUT_MS 10000
#define POLLS		   1000000
#define PORTS_MAX	   32
#define BADGE_IRQ	   1
#define BADGE_WATCHDOG	   2
#define HANDLE_BADGE	   (1ULL << 62)

/* HBA registers */
enum { CAP = 0x00, GHC = 0x04, IS = 0x08, PI = 0x0c };
#define GHC_HR 0x1
#define GHC_IE 0x2
#define GHC_AE 0x80000000U
/* port registers, from 0x100 + 0x80 * port */
enum {
	P_CLB = 0x00,
	P_CLBU = 0x04,
	P_FB = 0x08,
	P_FBU = 0x0c,
	P_IS = 0x10,
	P_IE = 0x14,
	P_CMD = 0x18,
	P_TFD = 0x20,
	P_SIG = 0x24,
	P_SSTS = 0x28,
	P_SERR = 0x30,
	P_CI = 0x38,
};
#define CMD_ST	0x0001
#define CMD_SUD 0x0002 /* spin up the device */
#define CMD_POD 0x0004 /* power it on */
#define CMD_FRE 0x0010
#define CMD_FR	0x4000
#define CMD_CR	0x8000
#define TFD_ERR 0x01
#define TFD_DRQ 0x08
#define TFD_BSY 0x80
#define IS_TFES (1U << 30)
#define IE_MASK 0x7dc0007fU /* completions and every error */
#define SIG_ATA 0x00000101U

struct disk {
	volatile uint8_t *regs;
	uint64_t sectors;
	struct ahci_cmd_header *clist;
	uint8_t *table;
	uint64_t table_pa;
	/* the client */
	uint64_t owner, handle, gen;
	pith_cptr_t handle_cap;
	volatile struct pith_blk_request *ring;
	/* the operation under way */
	pith_cptr_t reply;
	uint64_t done;	   /* bytes of entry cur issued and finished */
	uint64_t inflight; /* bytes of the command in the slot */
	volatile uint64_t deadline;
	struct pith_blk_request req[PITH_BLK_RING_SIZE];
	pith_cptr_t page[PITH_BLK_REGION_PAGES];
	uint64_t paddr[PITH_BLK_REGION_PAGES];
	unsigned port;
	unsigned first, count, cur;
	int32_t status[PITH_BLK_RING_SIZE];
	bool broken;
	bool busy, flush;
};

static const char *name = "ahci";
static pith_cptr_t pci, ntfn, watch_ntfn, irq;
static volatile uint8_t *abar;
/* The first ndisks are the disks found, each allocated when its port is
 * set up (one more may be a failed try's, used again). */
static struct disk *disks[PORTS_MAX];
static unsigned ndisks;
static uint64_t tsc_per_ms;

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static uint32_t rd(volatile uint8_t *b, unsigned off)
{
	return *(volatile uint32_t *)(b + off);
}

static void wr(volatile uint8_t *b, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(b + off) = v;
}

/* Poll until (reg & mask) == want, a bounded number of times. */
static bool wait_reg(volatile uint8_t *b, unsigned off, uint32_t mask,
		     uint32_t want)
{
	for (unsigned i = 0; i < POLLS; i++)
		if ((rd(b, off) & mask) == want)
			return true;
	return false;
}

/* ---- start ------------------------------------------------------------- */

static const char *map_abar(void)
{
	uint64_t paddr, size, va, v;
	pith_cptr_t frame;
	unsigned pages;

	if (pci_bar_memory(pci, 5, 0, &frame, &paddr, &size) != PITH_OK)
		return "no ABAR (BAR5)";
	pages = (unsigned)((paddr % 4096 + size + 4095) / 4096);
	if (pith_vm_map_frames(frame, 1, PITH_RIGHT_READ | PITH_RIGHT_WRITE,
			       &va) != PITH_OK)
		return "cannot map the ABAR";
	for (unsigned p = 1; p < pages && p < 2; p++) {
		if (pci_bar_memory(pci, 5, p, &frame, &paddr, &size) !=
			    PITH_OK ||
		    pith_vm_map_frames(frame, 1,
				       PITH_RIGHT_READ | PITH_RIGHT_WRITE,
				       &v) != PITH_OK ||
		    v != va + 4096ULL * p)
			return "cannot map the ABAR's second page";
	}
	abar = (volatile uint8_t *)(va + paddr % 4096);
	return NULL;
}

static bool port_stop(volatile uint8_t *p)
{
	wr(p, P_CMD, rd(p, P_CMD) & ~CMD_ST);
	if (!wait_reg(p, P_CMD, CMD_CR, 0))
		return false;
	wr(p, P_CMD, rd(p, P_CMD) & ~CMD_FRE);
	return wait_reg(p, P_CMD, CMD_FR, 0);
}

/* Run one command in slot 0 and wait for it by polling (start only). */
static bool run_polled(struct disk *d)
{
	wr(d->regs, P_IS, ~0U);
	wr(d->regs, P_CI, 1);
	if (!wait_reg(d->regs, P_CI, 1, 0))
		return false;
	return !(rd(d->regs, P_IS) & IS_TFES) &&
	       !(rd(d->regs, P_TFD) & TFD_ERR);
}

static bool identify(struct disk *d)
{
	uint64_t va, pa;
	struct blk_piece piece;

	if (pith_vm_map_new(1, PITH_RIGHT_READ | PITH_RIGHT_WRITE, &va) !=
		    PITH_OK ||
	    pith_frame_get_address(pith_vm_frame(va), &pa) != PITH_OK)
		return false;
	piece = (struct blk_piece){pa, 512};
	if (!ahci_build(&d->clist[0], d->table, d->table_pa, ATA_IDENTIFY, 0, 0,
			false, &piece, 1) ||
	    !run_polled(d))
		return false;
	d->sectors = ahci_identify_sectors((const uint16_t *)va);
	pith_vm_unmap(va);
	return d->sectors != 0;
}

/* Set up port `i` if a SATA disk is there: a new disk, or NULL. */
static struct disk *port_setup(unsigned i)
{
	volatile uint8_t *p = abar + 0x100 + 0x80 * (size_t)i;
	struct disk *d;
	uint64_t va, pa[2];

	if (!disks[ndisks] && !(disks[ndisks] = malloc(sizeof(*d))))
		return NULL;
	d = disks[ndisks];

	/* After the HBA reset the link comes up again once the device is
	 * powered and spun up (a short, bounded wait: no device, no link). */
	wr(p, P_CMD, rd(p, P_CMD) | CMD_SUD | CMD_POD);
	if (!wait_reg(p, P_SSTS, 0xf, 3))
		return NULL;
	if (!port_stop(p)) {
		pith_printf("%s: port %u does not stop\n", name, i);
		return NULL;
	}
	if (pith_vm_map_new(2, PITH_RIGHT_READ | PITH_RIGHT_WRITE, &va) !=
		    PITH_OK ||
	    pith_frame_get_address(pith_vm_frame(va), &pa[0]) != PITH_OK ||
	    pith_frame_get_address(pith_vm_frame(va + 4096), &pa[1]) != PITH_OK)
		return NULL;
	*d = (struct disk){.port = i, .regs = p};
	d->clist = (struct ahci_cmd_header *)va;
	d->table = (uint8_t *)(va + 4096);
	d->table_pa = pa[1];
	wr(p, P_CLB, (uint32_t)pa[0]);
	wr(p, P_CLBU, (uint32_t)(pa[0] >> 32));
	wr(p, P_FB, (uint32_t)(pa[0] + 0x400));
	wr(p, P_FBU, (uint32_t)((pa[0] + 0x400) >> 32));
	wr(p, P_SERR, ~0U);
	wr(p, P_IS, ~0U);
	wr(p, P_CMD, rd(p, P_CMD) | CMD_FRE);
	if (!wait_reg(p, P_TFD, TFD_BSY | TFD_DRQ, 0)) {
		pith_printf("%s: port %u: the disk stays busy\n", name, i);
		return NULL;
	}
	/* the device's first FIS, received now, gave its signature */
	if (rd(p, P_SIG) != SIG_ATA) {
		port_stop(p);
		return NULL;
	}
	wr(p, P_CMD, rd(p, P_CMD) | CMD_ST);
	if (!identify(d)) {
		pith_printf("%s: port %u: IDENTIFY failed\n", name, i);
		port_stop(p);
		return NULL;
	}
	wr(p, P_IS, ~0U);
	wr(p, P_IE, IE_MASK);
	ndisks++;
	return d;
}

static const char *start(void)
{
	const char *why;
	uint32_t cmd, pi;
	pith_cptr_t badged;

	if (pci_config_read(pci, 0x04, 2, &cmd) != PITH_OK ||
	    pci_config_write(pci, 0x04, 2, cmd | 0x6) != PITH_OK)
		return "cannot enable memory and bus master";
	if ((why = map_abar()) != NULL)
		return why;
	wr(abar, GHC, rd(abar, GHC) | GHC_AE);
	wr(abar, GHC, rd(abar, GHC) | GHC_HR);
	if (!wait_reg(abar, GHC, GHC_HR, 0))
		return "HBA reset did not complete";
	wr(abar, GHC, rd(abar, GHC) | GHC_AE);
	if (pci_msi(pci, 0, &irq) != PITH_OK ||
	    pith_cap_mint(ntfn, PITH_RIGHT_WRITE, BADGE_IRQ, &badged) !=
		    PITH_OK ||
	    pith_irq_handler_set_notification(irq, badged) != PITH_OK ||
	    pith_irq_handler_ack(irq) != PITH_OK)
		return "no MSI interrupt";
	pi = rd(abar, PI);
	for (unsigned i = 0; i < PORTS_MAX; i++) {
		struct disk *d;

		if (!(pi & (1U << i)) || !(d = port_setup(i)))
			continue;
		pith_printf("%s: disk %u: port %u, %llu sectors\n", name,
			    ndisks - 1, i, (unsigned long long)d->sectors);
	}
	wr(abar, IS, ~0U);
	wr(abar, GHC, rd(abar, GHC) | GHC_IE);
	return NULL;
}

/* ---- requests ---------------------------------------------------------- */

static void finish(struct disk *d, enum pith_error err)
{
	d->deadline = 0;
	d->busy = false;
	if (d->flush) {
		blk_flush_reply(d->reply, err);
		return;
	}
	for (unsigned i = 0; i < d->count; i++)
		d->ring[(d->first + i) % PITH_BLK_RING_SIZE].status =
			d->status[i];
	blk_submit_reply(d->reply, err);
}

/* Put the next command of the operation in slot 0; false if there is
 * none left. */
static bool issue(struct disk *d)
{
	struct blk_piece pieces[AHCI_PRD_MAX];
	const struct pith_blk_request *r;
	uint64_t bytes, did;
	unsigned n;

	if (d->flush) {
		if (d->cur > 0)
			return false;
		ahci_build(&d->clist[0], d->table, d->table_pa, ATA_FLUSH_EXT,
			   0, 0, false, NULL, 0);
		d->inflight = 0;
	} else {
		for (;;) {
			if (d->cur >= d->count)
				return false;
			r = &d->req[d->cur];
			bytes = (uint64_t)r->count * PITH_BLK_SECTOR;
			if (d->status[d->cur] == PITH_OK && d->done < bytes)
				break;
			d->cur++;
			d->done = 0;
		}
		n = blk_pieces(&d->paddr[1], r->offset + d->done,
			       bytes - d->done, AHCI_PRD_MAX,
			       AHCI_PRD_BYTES_MAX, pieces, &did);
		ahci_build(&d->clist[0], d->table, d->table_pa,
			   r->op == PITH_BLK_READ ? ATA_READ_DMA_EXT
						  : ATA_WRITE_DMA_EXT,
			   r->sector + d->done / PITH_BLK_SECTOR,
			   (uint32_t)(did / PITH_BLK_SECTOR),
			   r->op == PITH_BLK_WRITE, pieces, n);
		d->inflight = did;
	}
	d->deadline = rdtsc() + REQUEST_TIMEOUT_MS * tsc_per_ms;
	wr(d->regs, P_CI, 1);
	pith_signal(watch_ntfn);
	return true;
}

/* The command in slot 0 is done (or failed): on to the next. */
static void complete(struct disk *d)
{
	uint32_t is = rd(d->regs, P_IS);
	bool failed = (is & IS_TFES) || (rd(d->regs, P_TFD) & TFD_ERR);

	wr(d->regs, P_IS, is);
	if (failed) {
		/* stop and start the port again to clear the error */
		wr(d->regs, P_SERR, ~0U);
		port_stop(d->regs);
		wr(d->regs, P_CMD, rd(d->regs, P_CMD) | CMD_FRE);
		wr(d->regs, P_CMD, rd(d->regs, P_CMD) | CMD_ST);
	}
	if (d->flush) {
		d->status[0] = failed ? PITH_E_IO : PITH_OK;
		d->cur = 1;
	} else if (failed) {
		d->status[d->cur] = PITH_E_IO;
		d->cur++;
		d->done = 0;
	} else {
		d->done += d->inflight;
	}
	if (!issue(d))
		finish(d, d->flush ? d->status[0] : PITH_OK);
}

static void on_irq(void)
{
	for (unsigned i = 0; i < ndisks; i++) {
		struct disk *d = disks[i];

		if (d->busy && d->deadline && !(rd(d->regs, P_CI) & 1))
			complete(d);
	}
	wr(abar, IS, rd(abar, IS));
}

static void timed_out(void)
{
	for (unsigned i = 0; i < ndisks; i++) {
		struct disk *d = disks[i];

		if (!d->busy || !d->deadline || rdtsc() < d->deadline)
			continue;
		pith_printf("%s: disk %u did not answer in %u ms: disabled\n",
			    name, i, REQUEST_TIMEOUT_MS);
		port_stop(d->regs);
		d->broken = true;
		for (unsigned e = 0; e < d->count; e++)
			if (d->status[e] == PITH_OK)
				d->status[e] = PITH_E_IO;
		finish(d, PITH_E_IO);
	}
}

static void on_signal(struct pith_server *s, uint64_t word)
{
	(void)s;
	if (word & BADGE_IRQ) {
		on_irq();
		pith_irq_handler_ack(irq);
		on_irq();
	}
	if (word & BADGE_WATCHDOG)
		timed_out();
}

/* Lowest priority: while a command is outstanding, watch the clock. */
static void watchdog(uint64_t arg)
{
	uint64_t w;

	for (;;) {
		bool late = false, waiting = true;

		pith_wait(watch_ntfn, &w);
		while (waiting && !late) {
			waiting = false;
			for (unsigned i = 0; i < ndisks; i++) {
				uint64_t dl = disks[i]->deadline;

				waiting |= dl != 0;
				late |= dl != 0 && rdtsc() >= dl;
			}
			if (waiting && !late)
				pith_yield();
		}
		if (late)
			pith_signal((pith_cptr_t)arg);
	}
}

/* ---- the protocol ------------------------------------------------------ */

static struct disk *by_handle(const struct pith_request *rq)
{
	for (unsigned i = 0; i < ndisks; i++)
		if (disks[i]->owner && rq->badge == disks[i]->handle)
			return disks[i];
	return NULL;
}

static void release(struct disk *d)
{
	if (d->ring)
		pith_vm_unmap((uint64_t)d->ring);
	d->ring = NULL;
	for (unsigned i = 0; i < PITH_BLK_REGION_PAGES; i++) {
		pith_slot_free(d->page[i]);
		d->page[i] = 0;
		d->paddr[i] = 0;
	}
	if (d->handle_cap) {
		pith_cnode_revoke(PITH_SLOT_CNODE, d->handle_cap,
				  PITH_SLOT_DEPTH);
		pith_slot_free(d->handle_cap);
	}
	d->handle_cap = 0;
	d->owner = d->handle = 0;
}

static enum pith_error do_disks(struct pith_request *rq, uint32_t *count)
{
	(void)rq;
	*count = ndisks;
	return PITH_OK;
}

static enum pith_error do_open(struct pith_request *rq, uint32_t index,
			       pith_cptr_t *handle, uint64_t *sectors,
			       uint32_t *sector_size, uint32_t *flags)
{
	struct disk *d;
	enum pith_error err;

	if (index >= ndisks)
		return PITH_E_RANGE;
	if (rq->badge == 0 || (rq->badge & HANDLE_BADGE))
		return PITH_E_ILLEGAL_OPERATION;
	d = disks[index];
	if (d->broken)
		return PITH_E_IO;
	if ((d->owner && d->owner != rq->badge) || d->busy)
		return PITH_E_IN_USE;
	release(d);
	d->handle = HANDLE_BADGE | (uint64_t)index << 32 | ++d->gen;
	err = pith_cap_mint(pith_cap("service"),
			    PITH_RIGHT_WRITE | PITH_RIGHT_GRANT, d->handle,
			    &d->handle_cap);
	if (err != PITH_OK)
		return err;
	d->owner = rq->badge;
	*handle = d->handle_cap;
	*sectors = d->sectors;
	*sector_size = PITH_BLK_SECTOR;
	*flags = 0;
	return PITH_OK;
}

static enum pith_error do_close(struct pith_request *rq)
{
	struct disk *d = by_handle(rq);

	if (!d)
		return PITH_E_BAD_HANDLE;
	if (d->busy)
		return PITH_E_IN_USE;
	release(d);
	return PITH_OK;
}

static enum pith_error do_attach(struct pith_request *rq, uint32_t index,
				 pith_cptr_t page)
{
	struct disk *d = by_handle(rq);
	uint64_t va = 0, pa;
	enum pith_error err;

	if (!d)
		return PITH_E_BAD_HANDLE;
	if (index >= PITH_BLK_REGION_PAGES)
		return PITH_E_RANGE;
	if (d->busy)
		return PITH_E_IN_USE;
	err = pith_frame_get_address(page, &pa);
	if (err == PITH_OK && index == 0)
		err = pith_vm_map_frame(
			page, PITH_RIGHT_READ | PITH_RIGHT_WRITE, &va);
	if (err != PITH_OK)
		return err;
	if (index == 0 && d->ring)
		pith_vm_unmap((uint64_t)d->ring);
	pith_slot_free(d->page[index]);
	d->page[index] = page;
	d->paddr[index] = pa;
	if (index == 0)
		d->ring = (volatile struct pith_blk_request *)va;
	return PITH_OK;
}

static enum pith_error start_op(struct disk *d, struct pith_request *rq)
{
	enum pith_error err = pith_request_defer(rq, &d->reply);

	if (err != PITH_OK)
		return err;
	d->busy = true;
	d->cur = 0;
	d->done = 0;
	if (!issue(d))
		finish(d, PITH_OK);
	return PITH_OK;
}

static enum pith_error do_submit(struct pith_request *rq, uint32_t first,
				 uint32_t count)
{
	struct disk *d = by_handle(rq);

	if (!d)
		return PITH_E_BAD_HANDLE;
	if (count == 0 || count > PITH_BLK_RING_SIZE ||
	    first >= PITH_BLK_RING_SIZE)
		return PITH_E_RANGE;
	if (!d->ring)
		return PITH_E_NOT_MAPPED;
	if (d->busy)
		return PITH_E_IN_USE;
	if (d->broken)
		return PITH_E_IO;
	d->first = first;
	d->count = count;
	d->flush = false;
	for (unsigned i = 0; i < count; i++) {
		d->req[i] = d->ring[(first + i) % PITH_BLK_RING_SIZE];
		d->status[i] =
			blk_check(&d->req[i], d->sectors, false, &d->paddr[1]);
	}
	return start_op(d, rq);
}

static enum pith_error do_flush(struct pith_request *rq)
{
	struct disk *d = by_handle(rq);

	if (!d)
		return PITH_E_BAD_HANDLE;
	if (d->busy)
		return PITH_E_IN_USE;
	if (d->broken)
		return PITH_E_IO;
	d->flush = true;
	d->count = 0;
	d->status[0] = PITH_OK;
	return start_op(d, rq);
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
	uint32_t address;
	uint16_t v, dv;
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
	if (pci_claim(pci, 0xffff, 0xffff, 0x010601, 0xffffff, 0, &address, &v,
		      &dv) != PITH_OK)
		pith_printf("%s: no AHCI controller: idle\n", name);
	else if ((why = start()) != NULL)
		pith_printf("%s: the controller: %s: idle\n", name, why);
	else
		pith_printf("%s: ready: %u disks\n", name, ndisks);
	pith_server_run(&srv);
}
