/*
 * blktest: the block stack's in-QEMU test (tests/qemu/run.py, case
 * "blk"; docs/vfs.md). With the bus server and both drivers of
 * blktest.manifest it checks, printing TEST lines:
 *
 *  - pci: the device list, a claim of nothing (PITH_E_NOT_FOUND), a
 *    device claimed by a driver not claimable, BARs and configuration
 *    of no claimed device refused, a write to a BAR refused, the
 *    framebuffer's BAR refused (init does not give that memory twice);
 *    the virtio RNG (no driver claims it) claimed and its I/O BAR
 *    taken with bar_io: the ports reach the device and no further;
 *  - init's devices protocol (blktest's line has `devices`): ports
 *    given, refused while held, given again once let go, the errors;
 *  - ahci: the boot disk's GPT header at LBA 1, and the request errors
 *    (past the disk, an unaligned offset, count 0, an unknown op, a
 *    submit before the ring is attached), flush;
 *  - virtio-blk: the harness's pattern read back, sectors written and
 *    read back (the harness checks the image file afterwards), an entry
 *    in error beside a good one, flush, a second open by another client
 *    (blkpeer) refused with PITH_E_IN_USE, a reopen by the same client
 *    cutting off the old handle;
 *  - BENCH lines: 16 MiB read in 64 KiB requests from each disk, in
 *    TSC cycles per MiB.
 *
 * As `blkpeer` (args=peer) it only tries to open the virtio disk until
 * it finds it in use, then exits; blktest waits for it (init's list)
 * before it ends the run.
 */
#include "lib/string.h"
#include "pith/blk.h"
#include "pith/pith.h"
#include "pith/proto/blk.h"
#include "pith/proto/devices.h"
#include "pith/proto/init.h"
#include "pith/proto/pci.h"

#define SECTOR	    512
#define DATA_BYTES  ((PITH_BLK_REGION_PAGES - 1) * 4096ULL)
#define BENCH_BYTES (16ULL << 20)
#define BENCH_REQ   (64ULL << 10)
#define WRITE_FIRST 100 /* the sectors written on the virtio disk */
#define WRITE_COUNT 32
#define POLL_LIMIT  200000 /* yields while waiting for the peer */

static unsigned failures;
static volatile struct pith_blk_request *ring;
static uint8_t *data;
static uint64_t region;

static void check(const char *name, bool ok, const char *fmt, long long a)
{
	if (ok) {
		pith_printf("TEST %s PASS\n", name);
		return;
	}
	failures++;
	pith_printf("TEST %s FAIL ", name);
	pith_printf(fmt, a);
	pith_printf("\n");
}

static void check_err(const char *name, enum pith_error got,
		      enum pith_error want)
{
	if (got == want) {
		pith_printf("TEST %s PASS\n", name);
		return;
	}
	failures++;
	pith_printf("TEST %s FAIL got %s, expected %s\n", name,
		    pith_error_name(got), pith_error_name(want));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* The harness's pattern: each sector begins "PITHBLK" and its number,
 * then bytes that depend on both. */
static uint8_t pattern(uint64_t sector, unsigned i)
{
	return (uint8_t)(sector * 7 + (uint64_t)i * 13 + 1);
}

static bool sector_is(const uint8_t *p, uint64_t sector, bool written)
{
	uint64_t n;

	if (memcmp(p, written ? "WRITTEN" : "PITHBLK", 7) != 0)
		return false;
	memcpy(&n, p + 8, 8);
	if (n != sector)
		return false;
	for (unsigned i = 16; i < SECTOR; i++)
		if (p[i] !=
		    (uint8_t)(pattern(sector, i) ^ (written ? 0x5a : 0)))
			return false;
	return true;
}

static void fill_written(uint8_t *p, uint64_t sector)
{
	memcpy(p, "WRITTEN", 8);
	memcpy(p + 8, &sector, 8);
	for (unsigned i = 16; i < SECTOR; i++)
		p[i] = pattern(sector, i) ^ 0x5a;
}

static void entry(unsigned i, uint32_t op, uint64_t sector, uint32_t count,
		  uint64_t offset)
{
	ring[i] = (struct pith_blk_request){.op = op,
					    .count = count,
					    .sector = sector,
					    .offset = offset,
					    .status = -1};
}

/* One entry at ring[0], submitted: its status (or the call's error). */
static enum pith_error one(pith_cptr_t h, uint32_t op, uint64_t sector,
			   uint32_t count, uint64_t offset)
{
	enum pith_error err;

	entry(0, op, sector, count, offset);
	err = blk_submit(h, 0, 1);
	return err != PITH_OK ? err : (enum pith_error)ring[0].status;
}

static enum pith_error attach_all(pith_cptr_t h)
{
	enum pith_error err = PITH_OK;

	for (unsigned i = 0; i < PITH_BLK_REGION_PAGES && err == PITH_OK; i++)
		err = blk_attach(h, i, pith_vm_frame(region + i * 4096ULL));
	return err;
}

/* 16 MiB (or the disk, if smaller) read in 64 KiB requests, 16 to a
 * submit: cycles per MiB, 0 on an error. */
static uint64_t bench(pith_cptr_t h, uint64_t sectors)
{
	uint64_t bytes = BENCH_BYTES, t0, per = BENCH_REQ / SECTOR;
	uint64_t batch = DATA_BYTES / BENCH_REQ, sector = 0;

	if (bytes > sectors * SECTOR)
		bytes = (sectors * SECTOR) & ~(BENCH_REQ - 1);
	if (bytes == 0)
		return 0;
	t0 = rdtsc();
	while (sector * SECTOR < bytes) {
		unsigned n = 0;

		while (n < batch && (sector + n * per) * SECTOR < bytes) {
			entry(n, PITH_BLK_READ, sector + n * per, (uint32_t)per,
			      n * BENCH_REQ);
			n++;
		}
		if (blk_submit(h, 0, n) != PITH_OK)
			return 0;
		for (unsigned i = 0; i < n; i++)
			if (ring[i].status != PITH_OK)
				return 0;
		sector += n * per;
	}
	return (rdtsc() - t0) / (bytes >> 20);
}

static void test_pci(pith_cptr_t pci)
{
	uint32_t addr, class, v, n = 0;
	uint16_t ven, dev;
	bool claimed, vga = false;
	pith_cptr_t frame;
	uint64_t pa, size;
	uint16_t first, count;

	while (pci_device(pci, n, &addr, &ven, &dev, &class, &claimed) ==
	       PITH_OK)
		n++;
	check("pci_list", n >= 5, "only %lld functions", n);
	check_err("pci_claim_none",
		  pci_claim(pci, 0x1234, 0x5678, 0, 0, 0, &addr, &ven, &dev),
		  PITH_E_NOT_FOUND);
	check_err("pci_bar_unclaimed",
		  pci_bar_memory(pci, 0, 0, &frame, &pa, &size),
		  PITH_E_ILLEGAL_OPERATION);
	check_err("pci_config_unclaimed", pci_config_read(pci, 0, 2, &v),
		  PITH_E_ILLEGAL_OPERATION);
	check_err("pci_bar_io_unclaimed",
		  pci_bar_io(pci, 0, &frame, &first, &count),
		  PITH_E_ILLEGAL_OPERATION);
	/* the AHCI driver has it */
	check_err("pci_claim_taken",
		  pci_claim(pci, 0xffff, 0xffff, 0x010601, 0xffffff, 0, &addr,
			    &ven, &dev),
		  PITH_E_NOT_FOUND);
	/* the display controller: ours to look at, not its BARs' memory */
	if (pci_claim(pci, 0xffff, 0xffff, 0x030000, 0xff0000, 0, &addr, &ven,
		      &dev) == PITH_OK)
		vga = true;
	check("pci_claim_vga", vga, "no display controller (%lld)", 0);
	if (!vga)
		return;
	check("pci_config_read",
	      pci_config_read(pci, 0, 2, &v) == PITH_OK && v == ven,
	      "vendor 0x%llx", v);
	check_err("pci_config_write_bar", pci_config_write(pci, 0x10, 4, 0),
		  PITH_E_MISSING_RIGHTS);
	check_err("pci_config_unaligned", pci_config_read(pci, 0x11, 2, &v),
		  PITH_E_INVALID_ARGUMENT);
	check_err("pci_bar_framebuffer",
		  pci_bar_memory(pci, 0, 0, &frame, &pa, &size), PITH_E_IN_USE);
	check_err("pci_bar_not_memory",
		  pci_bar_memory(pci, 5, 0, &frame, &pa, &size),
		  PITH_E_INVALID_ARGUMENT);
	check_err("pci_bar_io_memory_bar",
		  pci_bar_io(pci, 0, &frame, &first, &count),
		  PITH_E_INVALID_ARGUMENT);
}

/* An I/O BAR: the virtio RNG that no driver claims, a transitional
 * device on the root bus, whose BAR 0 holds the legacy virtio header. */
static void test_pci_io(pith_cptr_t pci)
{
	uint32_t addr;
	uint16_t ven, dev, first = 0, count = 0, first2 = 0, count2 = 0;
	pith_cptr_t ports = 0, again = 0;
	uint64_t qsize = 0, v;
	enum pith_error err;

	err = pci_claim(pci, 0x1af4, 0x1005, 0, 0, 0, &addr, &ven, &dev);
	check_err("pci_claim_rng", err, PITH_OK);
	if (err != PITH_OK)
		return;
	err = pci_bar_io(pci, 0, &ports, &first, &count);
	check("pci_bar_io",
	      err == PITH_OK && ports && first && count >= 20 &&
		      first % count == 0,
	      "error %lld", err);
	if (err != PITH_OK)
		return;
	/* queue 0 selected, its size read: the ports reach the device */
	err = pith_ioport_out16(ports, first + 14u, 0);
	if (err == PITH_OK)
		err = pith_ioport_in16(ports, first + 12u, &qsize);
	check("pci_bar_io_ports", err == PITH_OK && qsize != 0,
	      "queue 0's size %lld", (long long)qsize);
	check("pci_bar_io_bounded",
	      pith_ioport_in8(ports, (uint64_t)first + count, &v) != PITH_OK,
	      "port 0x%llx past the BAR read", first + count);
	err = pci_bar_io(pci, 0, &again, &first2, &count2);
	check("pci_bar_io_again",
	      err == PITH_OK && first2 == first && count2 == count,
	      "error %lld", err);
	check_err("pci_bar_io_no_bar",
		  pci_bar_io(pci, 6, &again, &first2, &count2),
		  PITH_E_INVALID_ARGUMENT);
	pith_slot_free(ports);
	pith_slot_free(again);
}

/* init's devices protocol (blktest's line has `devices`): its errors,
 * and ports given, refused while held, given again once let go. */
static void test_devices(pith_cptr_t init)
{
	pith_cptr_t a, b;
	uint64_t v;

	if (pith_slot_alloc(&a) != PITH_OK || pith_slot_alloc(&b) != PITH_OK) {
		check("devices_slots", false, "no slots (%lld)", 0);
		return;
	}
	check_err("devices_ioport_none", devices_ioport(init, 0x2f8, 0, a),
		  PITH_E_RANGE);
	check_err("devices_ioport_past_end",
		  devices_ioport(init, 0xfff0, 0x20, a), PITH_E_RANGE);
	check_err("devices_ioport_bad_slot",
		  devices_ioport(init, 0x2f8, 8, 1ULL << 40), PITH_E_RANGE);
	check_err("devices_ioport_bus_servers",
		  devices_ioport(init, 0xcf8, 8, a), PITH_E_IN_USE);
	check_err("devices_ioport", devices_ioport(init, 0x2f8, 8, a), PITH_OK);
	check_err("devices_ioport_use", pith_ioport_in8(a, 0x2fd, &v), PITH_OK);
	check_err("devices_ioport_held", devices_ioport(init, 0x2fc, 1, b),
		  PITH_E_IN_USE);
	check_err("devices_ioport_slot_full", devices_ioport(init, 0x2e8, 8, a),
		  PITH_E_DELETE_FIRST);
	pith_cnode_delete(PITH_SLOT_CNODE, a, PITH_SLOT_DEPTH);
	check_err("devices_ioport_let_go", devices_ioport(init, 0x2fc, 1, b),
		  PITH_OK);
	check_err("devices_memory_unaligned",
		  devices_memory(init, 0xfe000000ULL + 4096, 13, a),
		  PITH_E_ALIGNMENT);
	check_err("devices_memory_ram", devices_memory(init, 1ULL << 20, 20, a),
		  PITH_E_RANGE);
	check_err("devices_memory_size", devices_memory(init, 0, 40, a),
		  PITH_E_RANGE);
	pith_slot_free(a);
	pith_slot_free(b);
}

static void test_ahci(pith_cptr_t ahci)
{
	uint32_t count = 0, ssize, flags;
	uint64_t sectors, cycles;
	pith_cptr_t h;
	enum pith_error err;

	check("ahci_disks", blk_disks(ahci, &count) == PITH_OK && count >= 1,
	      "%lld disks", count);
	err = blk_open(ahci, 0, &h, &sectors, &ssize, &flags);
	check("ahci_open", err == PITH_OK && ssize == SECTOR && sectors > 2,
	      "error %lld", err);
	if (err != PITH_OK)
		return;
	check_err("ahci_open_none",
		  blk_open(ahci, count, &h, &sectors, &ssize, &flags),
		  PITH_E_RANGE);
	check_err("ahci_not_attached", blk_submit(h, 0, 1), PITH_E_NOT_MAPPED);
	err = attach_all(h);
	check_err("ahci_attach", err, PITH_OK);
	if (err != PITH_OK)
		return;
	err = one(h, PITH_BLK_READ, 1, 1, 4096);
	check("ahci_gpt_header",
	      err == PITH_OK && memcmp(data + 4096, "EFI PART", 8) == 0,
	      "status %lld", err);
	check_err("ahci_past_end", one(h, PITH_BLK_READ, sectors, 1, 0),
		  PITH_E_RANGE);
	check_err("ahci_across_end", one(h, PITH_BLK_READ, sectors - 1, 2, 0),
		  PITH_E_RANGE);
	check_err("ahci_unaligned", one(h, PITH_BLK_READ, 1, 1, 100),
		  PITH_E_ALIGNMENT);
	check_err("ahci_count_zero", one(h, PITH_BLK_READ, 1, 0, 0),
		  PITH_E_INVALID_ARGUMENT);
	check_err("ahci_bad_op", one(h, 7, 1, 1, 0), PITH_E_INVALID_ARGUMENT);
	check_err("ahci_past_region",
		  one(h, PITH_BLK_READ, 1, 2, DATA_BYTES - SECTOR),
		  PITH_E_RANGE);
	check_err("ahci_submit_range", blk_submit(h, 0, 65), PITH_E_RANGE);
	check_err("ahci_flush", blk_flush(h), PITH_OK);
	cycles = bench(h, sectors);
	check("ahci_bench", cycles != 0, "bench failed (%lld)", 0);
	pith_printf("BENCH blk_ahci_read_64k %llu cycles/MiB\n",
		    (unsigned long long)cycles);
	check_err("ahci_close", blk_close(h), PITH_OK);
}

static bool peer_done(pith_cptr_t init)
{
	char name[16];
	uint32_t pid, state, restarts;
	uint64_t mem;

	for (uint32_t i = 0;
	     init_list(init, i, name, &pid, &state, &restarts, &mem) == PITH_OK;
	     i++)
		if (strcmp(name, "blkpeer") == 0)
			return state != 0 && state != 1;
	return true; /* no peer: nothing to wait for */
}

static void test_virtio(pith_cptr_t vblk, pith_cptr_t init)
{
	uint32_t count = 0, ssize, flags;
	uint64_t sectors, cycles;
	pith_cptr_t h, h2;
	enum pith_error err = PITH_E_IN_USE;
	bool ok = true;

	check("virtio_disks", blk_disks(vblk, &count) == PITH_OK && count == 1,
	      "%lld disks", count);
	/* the peer may hold it for a moment while it looks */
	for (unsigned i = 0; i < POLL_LIMIT && err == PITH_E_IN_USE; i++) {
		err = blk_open(vblk, 0, &h, &sectors, &ssize, &flags);
		if (err == PITH_E_IN_USE)
			pith_yield();
	}
	check("virtio_open", err == PITH_OK && ssize == SECTOR, "error %lld",
	      err);
	if (err != PITH_OK)
		return;
	check_err("virtio_not_attached", blk_submit(h, 0, 1),
		  PITH_E_NOT_MAPPED);
	err = attach_all(h);
	check_err("virtio_attach", err, PITH_OK);
	if (err != PITH_OK)
		return;
	/* 16 sectors across pages, from an offset inside a page */
	err = one(h, PITH_BLK_READ, 0, 16, 4096 - 1024);
	for (unsigned s = 0; s < 16 && err == PITH_OK; s++)
		ok &= sector_is(data + 4096 - 1024 + (size_t)s * SECTOR, s,
				false);
	check("virtio_read_pattern", err == PITH_OK && ok, "status %lld", err);
	for (unsigned s = 0; s < WRITE_COUNT; s++)
		fill_written(data + (size_t)s * SECTOR, WRITE_FIRST + s);
	/* a good write beside an entry past the disk */
	entry(0, PITH_BLK_WRITE, WRITE_FIRST, WRITE_COUNT, 0);
	entry(1, PITH_BLK_WRITE, sectors, 1, 0);
	err = blk_submit(h, 0, 2);
	check("virtio_write", err == PITH_OK && ring[0].status == PITH_OK,
	      "status %lld", err ? err : ring[0].status);
	check_err("virtio_write_past_end", (enum pith_error)ring[1].status,
		  PITH_E_RANGE);
	check_err("virtio_flush", blk_flush(h), PITH_OK);
	memset(data, 0, WRITE_COUNT * SECTOR + 8192);
	err = one(h, PITH_BLK_READ, WRITE_FIRST - 1, WRITE_COUNT + 2, 0);
	ok = err == PITH_OK && sector_is(data, WRITE_FIRST - 1, false) &&
	     sector_is(data + (size_t)(WRITE_COUNT + 1) * SECTOR,
		       WRITE_FIRST + WRITE_COUNT, false);
	for (unsigned s = 0; s < WRITE_COUNT && ok; s++)
		ok = sector_is(data + (size_t)(s + 1) * SECTOR, WRITE_FIRST + s,
			       true);
	check("virtio_read_back", ok, "status %lld", err);
	check_err("virtio_unaligned", one(h, PITH_BLK_READ, 0, 1, 4095),
		  PITH_E_ALIGNMENT);
	check_err("virtio_past_end", one(h, PITH_BLK_READ, sectors, 1, 0),
		  PITH_E_RANGE);
	check_err("virtio_too_long",
		  one(h, PITH_BLK_READ, 0, PITH_BLK_MAX_SECTORS + 1, 0),
		  PITH_E_RANGE);
	cycles = bench(h, sectors);
	check("virtio_bench", cycles != 0, "bench failed (%lld)", 0);
	pith_printf("BENCH blk_virtio_read_64k %llu cycles/MiB\n",
		    (unsigned long long)cycles);
	/* the peer finds it in use; wait until it has looked */
	for (unsigned i = 0; i < POLL_LIMIT && !peer_done(init); i++)
		pith_yield();
	check("virtio_peer_done", peer_done(init), "peer still running%lld", 0);
	/* the same client opens again: a new handle, the old one dead */
	err = blk_open(vblk, 0, &h2, &sectors, &ssize, &flags);
	check_err("virtio_reopen", err, PITH_OK);
	if (err == PITH_OK) {
		err = blk_submit(h, 0, 1);
		check("virtio_old_handle", err != PITH_OK, "status %lld", err);
		check_err("virtio_new_not_attached", blk_submit(h2, 0, 1),
			  PITH_E_NOT_MAPPED);
		check_err("virtio_close", blk_close(h2), PITH_OK);
	}
}

/* blkpeer: open the virtio disk until someone else has it. */
static int peer(void)
{
	pith_cptr_t vblk = pith_cap("virtio-blk"), h;
	uint64_t sectors;
	uint32_t ssize, flags;
	enum pith_error err = PITH_OK;

	for (unsigned i = 0; i < POLL_LIMIT; i++) {
		err = blk_open(vblk, 0, &h, &sectors, &ssize, &flags);
		if (err != PITH_OK)
			break;
		blk_close(h); /* it was free: give it back, look again */
		pith_slot_free(h);
		pith_yield();
	}
	check_err("virtio_open_in_use", err, PITH_E_IN_USE);
	return 0;
}

int main(int argc, char **argv)
{
	pith_cptr_t pci = pith_cap("pci"), ahci = pith_cap("ahci");
	pith_cptr_t vblk = pith_cap("virtio-blk"), init = pith_cap("init");

	if (argc > 1 && strcmp(argv[1], "peer") == 0)
		return peer();
	if (!pci || !ahci || !vblk || !init ||
	    pith_vm_map_new(PITH_BLK_REGION_PAGES,
			    PITH_RIGHT_READ | PITH_RIGHT_WRITE,
			    &region) != PITH_OK) {
		pith_printf("blktest: needs pci, ahci, virtio-blk, init and "
			    "memory for its region\n");
		return 1;
	}
	ring = (volatile struct pith_blk_request *)region;
	data = (uint8_t *)(region + 4096);
	test_pci(pci);
	test_pci_io(pci);
	test_devices(init);
	test_ahci(ahci);
	test_virtio(vblk, init);
	pith_printf("blktest: %u failures\n", failures);
	pith_debug_shutdown(PITH_SLOT_DEBUG, failures ? 1 : 0);
	return failures ? 1 : 0;
}
