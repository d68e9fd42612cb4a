/*
 * I/O ports (caps/ioport.c): IOPort capabilities issued for ranges, port
 * access of every width checked against real devices of QEMU's q35
 * machine (a spare CMOS byte behind ports 0x70-0x71, the PCI
 * configuration ports 0xcf8-0xcff and its host bridge's ID), the range
 * checks, and when ports become free again.
 */
#include "ktest.h"

#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71
#define CMOS_SCRATCH	0x4e /* a CMOS byte nothing uses */
#define PCI_ADDRESS	0xcf8
#define PCI_DATA	0xcfc
#define PCI_ENABLE	0x80000000ULL /* bus 0, device 0, function 0, reg 0 */
#define Q35_HOST_BRIDGE 0x29c08086ULL /* device 0x29c0, vendor Intel */

static const pith_cptr_t R = PITH_SLOT_CNODE;

/* An IOPort capability for [first, last] in a new slot (0 on failure). */
static pith_cptr_t issue(uint64_t first, uint64_t last)
{
	pith_cptr_t s = slot_alloc();

	if (s && pith_ioport_control_issue(PITH_SLOT_IOPORT_CONTROL, R, first,
					   last, s, DEPTH) != PITH_OK) {
		slot_free(s);
		return 0;
	}
	return s;
}

static struct result issue_r(uint64_t first, uint64_t last, pith_cptr_t root,
			     uint64_t dest)
{
	return invoke(PITH_SLOT_IOPORT_CONTROL, PITH_INV_IOPORT_CONTROL_ISSUE,
		      WORDS(first, last, dest, DEPTH), CAPS(root));
}

static uint64_t cmos_read(pith_cptr_t io, uint64_t reg)
{
	uint64_t v = UINT64_MAX;

	pith_ioport_out8(io, CMOS_INDEX, reg);
	pith_ioport_in8(io, CMOS_DATA, &v);
	return v;
}

static void test_cmos(void)
{
	pith_cptr_t io = issue(CMOS_INDEX, CMOS_DATA);
	uint64_t old, v = 0;
	struct tcase t;

	tc_begin(&t, "ioport_issue");
	tc_eq(&t, cap_type(io), PITH_CAP_IOPORT, "type");
	tc_end(&t);
	old = cmos_read(io, CMOS_SCRATCH);

	tc_begin(&t, "ioport_out8_in8");
	tc_ok(&t, pith_ioport_out8(io, CMOS_INDEX, CMOS_SCRATCH), "out8 index");
	tc_ok(&t, pith_ioport_out8(io, CMOS_DATA, 0xa5), "out8 data");
	tc_eq(&t, cmos_read(io, CMOS_SCRATCH), 0xa5, "the CMOS byte");
	tc_end(&t);

	/* 16 bits at 0x70: the index to 0x70, the data to 0x71. */
	tc_begin(&t, "ioport_out16_in16");
	tc_ok(&t, pith_ioport_out16(io, CMOS_INDEX, 0x5a << 8 | CMOS_SCRATCH),
	      "out16");
	tc_eq(&t, cmos_read(io, CMOS_SCRATCH), 0x5a, "the CMOS byte");
	pith_ioport_out8(io, CMOS_INDEX, CMOS_SCRATCH);
	tc_ok(&t, pith_ioport_in16(io, CMOS_INDEX, &v), "in16");
	tc_eq(&t, v >> 8, 0x5a, "the CMOS byte in bits 8-15");
	tc_end(&t);

	pith_ioport_out8(io, CMOS_INDEX, CMOS_SCRATCH);
	pith_ioport_out8(io, CMOS_DATA, old);

	expect_detail("ioport_in8_outside_range",
		      invoke(io, PITH_INV_IOPORT_IN8, WORDS(0x72), NO_CAPS),
		      PITH_E_RANGE, 0, ANY);
	expect_detail("ioport_out8_below_range",
		      invoke(io, PITH_INV_IOPORT_OUT8, WORDS(0x6f, 0), NO_CAPS),
		      PITH_E_RANGE, 0, ANY);
	expect_detail(
		"ioport_in16_straddles_end",
		invoke(io, PITH_INV_IOPORT_IN16, WORDS(CMOS_DATA), NO_CAPS),
		PITH_E_RANGE, 0, ANY);
	expect_detail(
		"ioport_in32_wider_than_range",
		invoke(io, PITH_INV_IOPORT_IN32, WORDS(CMOS_INDEX), NO_CAPS),
		PITH_E_RANGE, 0, ANY);
	expect_detail("ioport_port_beyond_16_bits",
		      invoke(io, PITH_INV_IOPORT_OUT16,
			     WORDS(CMOS_INDEX + (1ULL << 32), 0), NO_CAPS),
		      PITH_E_RANGE, 0, ANY);
	slot_free(io);
}

static void test_pci(void)
{
	pith_cptr_t io = issue(PCI_ADDRESS, PCI_DATA + 3);
	uint64_t v = 0;
	struct tcase t;

	tc_begin(&t, "ioport_out32_in32");
	tc_ok(&t, pith_ioport_out32(io, PCI_ADDRESS, PCI_ENABLE), "out32");
	tc_ok(&t, pith_ioport_in32(io, PCI_ADDRESS, &v), "in32 address");
	tc_eq(&t, v, PCI_ENABLE, "the address register");
	tc_ok(&t, pith_ioport_in32(io, PCI_DATA, &v), "in32 data");
	tc_eq(&t, v, Q35_HOST_BRIDGE, "the host bridge's device and vendor");
	tc_ok(&t, pith_ioport_in16(io, PCI_DATA + 2, &v), "in16 data");
	tc_eq(&t, v, Q35_HOST_BRIDGE >> 16, "the device ID");
	tc_ok(&t, pith_ioport_in8(io, PCI_DATA, &v), "in8 data");
	tc_eq(&t, v, Q35_HOST_BRIDGE & 0xff, "the vendor ID's low byte");
	tc_end(&t);
	pith_ioport_out32(io, PCI_ADDRESS, 0);
	expect_detail("ioport_out32_straddles_end",
		      invoke(io, PITH_INV_IOPORT_OUT32, WORDS(PCI_DATA + 1, 0),
			     NO_CAPS),
		      PITH_E_RANGE, 0, ANY);
	slot_free(io);
}

static void test_issue_errors(void)
{
	pith_cptr_t io = issue(0x80, 0x80), s = slot_alloc();
	pith_cptr_t copy = cap_copy(io, PITH_RIGHTS_ALL), again;
	uint64_t v;
	struct tcase t;

	expect_err("ioport_issue_overlap", issue_r(0x7f, 0x81, R, s).err,
		   PITH_E_IN_USE);
	expect_err("ioport_issue_same_port", issue_r(0x80, 0x80, R, s).err,
		   PITH_E_IN_USE);
	expect_detail("ioport_issue_last_too_big",
		      issue_r(0xfff0, 0x10000, R, s), PITH_E_RANGE, 1, ANY);
	expect_detail("ioport_issue_first_after_last",
		      issue_r(0x91, 0x90, R, s), PITH_E_RANGE, 0, ANY);
	expect_err("ioport_issue_destination_occupied",
		   issue_r(0x90, 0x90, R, PITH_SLOT_DEBUG).err,
		   PITH_E_DELETE_FIRST);
	expect_detail("ioport_issue_root_not_cnode",
		      issue_r(0x90, 0x90, PITH_SLOT_DEBUG, s),
		      PITH_E_INVALID_CAPABILITY, 1, ANY);

	/* The ports are free again only when their last capability goes. */
	tc_begin(&t, "ioport_free_after_last_capability");
	tc_ok(&t, pith_ioport_in8(copy, 0x80, &v), "in8 through a copy");
	slot_free(io);
	tc_err(&t, issue_r(0x80, 0x80, R, s).err, PITH_E_IN_USE,
	       "issue with a copy left");
	slot_free(copy);
	again = issue(0x80, 0x80);
	tc_true(&t, again != 0, "issue after the last capability went");
	tc_end(&t);

	tc_begin(&t, "ioport_control_revoke");
	tc_ok(&t, pith_cnode_revoke(R, PITH_SLOT_IOPORT_CONTROL, DEPTH),
	      "revoke the IOPort control capability");
	tc_eq(&t, cap_type(again), PITH_CAP_NULL, "the IOPort capability");
	tc_eq(&t, cap_type(PITH_SLOT_IOPORT_CONTROL), PITH_CAP_IOPORT_CONTROL,
	      "the control capability");
	tc_ok(&t, issue_r(0x80, 0x80, R, s).err, "issue the port again");
	tc_end(&t);
	slot_free(again);
	slot_free(s);
}

void test_ioport(void)
{
	test_cmos();
	test_pci();
	test_issue_errors();
}
