/*
 * Interrupts (caps/irq.c): IRQHandler capabilities from IRQ control for
 * ISA interrupts, I/O APIC inputs and MSI vectors, their errors and
 * limits; and the RTC's periodic interrupt end to end: enabled through an
 * IOPort capability, delivered to a bound notification, acknowledged,
 * delivered again, and stopped.
 */
#include "ktest.h"

#define RTC_IRQ		8
#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71
#define RTC_REG_A	0x0a
#define RTC_REG_B	0x0b
#define RTC_REG_C	0x0c
#define RTC_RATE_1024HZ 0x06
#define RTC_PIE		0x40 /* register B: periodic interrupt enable */
#define RTC_BADGE	0x40
#define MSI_VECTORS	(0xf0 - 0x80)
#define MSI_ADDRESS	0xfee00000ULL
/* Polls of the notification before an interrupt counts as lost: at 1024
 * Hz this is many seconds even on a slow emulator. */
#define POLL_BOUND	5000000

static const pith_cptr_t R = PITH_SLOT_CNODE, CTL = PITH_SLOT_IRQ_CONTROL;

static struct result get_isa_r(uint64_t irq, uint64_t dest)
{
	return invoke(CTL, PITH_INV_IRQ_CONTROL_GET_ISA,
		      WORDS(irq, dest, DEPTH), CAPS(R));
}

static struct result get_ioapic_r(uint64_t gsi, uint64_t level, uint64_t low,
				  uint64_t dest)
{
	return invoke(CTL, PITH_INV_IRQ_CONTROL_GET_IOAPIC,
		      WORDS(gsi, level, low, dest, DEPTH), CAPS(R));
}

static void test_handlers(void)
{
	pith_cptr_t h = slot_alloc(), s = slot_alloc(), copy;
	pith_cptr_t nt = obj_new(PITH_OBJ_NOTIFICATION, 0);
	pith_cptr_t ro = cap_mint(nt, PITH_RIGHT_READ, 0);
	struct tcase t;

	tc_begin(&t, "irq_control_get_isa");
	tc_ok(&t, get_isa_r(RTC_IRQ, h).err, "get_isa");
	tc_eq(&t, cap_type(h), PITH_CAP_IRQ_HANDLER, "type");
	tc_end(&t);
	expect_err("irq_get_isa_twice", get_isa_r(RTC_IRQ, s).err,
		   PITH_E_IN_USE);
	expect_err("irq_get_ioapic_same_line", get_ioapic_r(8, 0, 0, s).err,
		   PITH_E_IN_USE);
	expect_detail("irq_get_isa_16", get_isa_r(16, s), PITH_E_RANGE, 0, ANY);
	expect_err("irq_get_isa_destination_occupied",
		   get_isa_r(3, PITH_SLOT_DEBUG).err, PITH_E_DELETE_FIRST);
	expect_detail("irq_get_isa_root_not_cnode",
		      invoke(CTL, PITH_INV_IRQ_CONTROL_GET_ISA,
			     WORDS(3, s, DEPTH), CAPS(PITH_SLOT_DEBUG)),
		      PITH_E_INVALID_CAPABILITY, 1, ANY);
	expect_detail("irq_get_ioapic_gsi_24", get_ioapic_r(24, 0, 0, s),
		      PITH_E_RANGE, 0, ANY);
	expect_detail("irq_get_ioapic_gsi_64", get_ioapic_r(64, 0, 0, s),
		      PITH_E_RANGE, 0, ANY);
	/* The whole word counts: 2^32 + 1 is not input 1. */
	expect_detail("irq_get_ioapic_gsi_beyond_32_bits",
		      get_ioapic_r(0x100000001ULL, 0, 0, s), PITH_E_RANGE, 0,
		      ANY);
	expect_detail("irq_get_ioapic_level_2", get_ioapic_r(23, 2, 0, s),
		      PITH_E_RANGE, 1, ANY);
	expect_detail("irq_get_ioapic_active_low_2", get_ioapic_r(23, 0, 2, s),
		      PITH_E_RANGE, 2, ANY);

	tc_begin(&t, "irq_control_get_ioapic");
	tc_ok(&t, get_ioapic_r(23, 1, 1, s).err, "get_ioapic GSI 23");
	tc_eq(&t, cap_type(s), PITH_CAP_IRQ_HANDLER, "type");
	tc_end(&t);
	pith_cnode_delete(R, s, DEPTH);

	tc_begin(&t, "irq_handler_set_notification_ack_clear");
	tc_ok(&t, pith_irq_handler_set_notification(h, nt), "set_notification");
	tc_ok(&t, pith_irq_handler_ack(h), "ack");
	tc_ok(&t, pith_irq_handler_clear(h), "clear");
	tc_end(&t);
	expect_detail("irq_set_notification_without_write",
		      invoke(h, PITH_INV_IRQ_HANDLER_SET_NOTIFICATION, NO_WORDS,
			     CAPS(ro)),
		      PITH_E_MISSING_RIGHTS, PITH_RIGHT_WRITE, ANY);
	expect_detail("irq_set_notification_not_notification",
		      invoke(h, PITH_INV_IRQ_HANDLER_SET_NOTIFICATION, NO_WORDS,
			     CAPS(PITH_SLOT_DEBUG)),
		      PITH_E_INVALID_CAPABILITY, 1, ANY);

	/* The line stays issued until its last capability goes. */
	tc_begin(&t, "irq_handler_released_with_last_capability");
	copy = cap_copy(h, PITH_RIGHTS_ALL);
	tc_eq(&t, cap_type(copy), PITH_CAP_IRQ_HANDLER, "a copy");
	pith_cnode_delete(R, h, DEPTH);
	tc_err(&t, get_isa_r(RTC_IRQ, s).err, PITH_E_IN_USE,
	       "get_isa with a copy left");
	pith_cnode_delete(R, copy, DEPTH);
	tc_ok(&t, get_isa_r(RTC_IRQ, s).err, "get_isa after the last one");
	tc_end(&t);
	slot_free(copy);
	slot_free(h);
	slot_free(s);
	slot_free(ro);
	slot_free(nt);
}

static void test_msi(void)
{
	pith_cptr_t first = slots_alloc(MSI_VECTORS + 1);
	uint64_t addr[2] = {0}, data[2] = {0};
	unsigned got = 0;
	enum pith_error err = PITH_OK;
	struct tcase t;

	tc_begin(&t, "irq_control_get_msi");
	for (unsigned i = 0; i < 2; i++)
		tc_ok(&t,
		      pith_irq_control_get_msi(CTL, R, first + i, DEPTH,
					       &addr[i], &data[i]),
		      "get_msi");
	tc_eq(&t, addr[0] & ~0xff000ULL, MSI_ADDRESS, "MSI address");
	tc_true(&t,
		data[0] >= 0x80 && data[0] < 0xf0 && data[1] >= 0x80 &&
			data[1] < 0xf0,
		"MSI data is not a device vector");
	tc_true(&t, data[0] != data[1], "two handlers got one vector");
	tc_eq(&t, cap_type(first), PITH_CAP_IRQ_HANDLER, "type");
	tc_end(&t);

	tc_begin(&t, "irq_get_msi_exhausted");
	got = 2;
	while (err == PITH_OK && got <= MSI_VECTORS) {
		err = pith_irq_control_get_msi(CTL, R, first + got, DEPTH, NULL,
					       NULL);
		if (err == PITH_OK)
			got++;
	}
	tc_err(&t, err, PITH_E_EXHAUSTED, "the last get_msi");
	tc_eq(&t, got, MSI_VECTORS, "vectors given");
	tc_end(&t);

	/* Revoking IRQ control deletes every handler it issued. */
	tc_begin(&t, "irq_control_revoke");
	tc_ok(&t, pith_cnode_revoke(R, CTL, DEPTH), "revoke");
	tc_eq(&t, cap_type(first), PITH_CAP_NULL, "a handler");
	tc_eq(&t, cap_type(first + got - 1), PITH_CAP_NULL, "the last one");
	tc_eq(&t, cap_type(CTL), PITH_CAP_IRQ_CONTROL, "IRQ control itself");
	tc_ok(&t,
	      pith_irq_control_get_msi(CTL, R, first, DEPTH, NULL, &data[1]),
	      "get_msi again");
	tc_eq(&t, data[1], data[0], "the first vector is free again");
	tc_end(&t);
	slots_free(first, MSI_VECTORS + 1);
}

static uint64_t cmos_read(pith_cptr_t io, uint64_t reg)
{
	uint64_t v = 0;

	pith_ioport_out8(io, CMOS_INDEX, reg);
	pith_ioport_in8(io, CMOS_DATA, &v);
	return v;
}

static void cmos_write(pith_cptr_t io, uint64_t reg, uint64_t v)
{
	pith_ioport_out8(io, CMOS_INDEX, reg);
	pith_ioport_out8(io, CMOS_DATA, v);
}

/* Poll until the notification has a bit set: the word, or 0 after
 * `bound` polls; *polls counts them. */
static uint64_t wait_signal(pith_cptr_t nt, unsigned bound, unsigned *polls)
{
	uint64_t word = 0;

	for (*polls = 0; *polls < bound && !word; (*polls)++)
		pith_notification_poll(nt, &word);
	return word;
}

struct rtc {
	pith_cptr_t io, nt, badged, h;
	uint64_t reg_a, reg_b;
};

static bool rtc_setup(struct tcase *t, struct rtc *r)
{
	r->io = slot_alloc();
	r->h = slot_alloc();
	r->nt = obj_new(PITH_OBJ_NOTIFICATION, 0);
	r->badged = cap_mint(r->nt, PITH_RIGHT_WRITE, RTC_BADGE);
	if (!tc_ok(t,
		   pith_ioport_control_issue(PITH_SLOT_IOPORT_CONTROL, R,
					     CMOS_INDEX, CMOS_DATA, r->io,
					     DEPTH),
		   "issue ports 0x70-0x71") ||
	    !tc_ok(t, get_isa_r(RTC_IRQ, r->h).err, "get_isa 8") ||
	    !tc_ok(t, pith_irq_handler_set_notification(r->h, r->badged),
		   "set_notification"))
		return false;
	r->reg_a = cmos_read(r->io, RTC_REG_A);
	r->reg_b = cmos_read(r->io, RTC_REG_B);
	cmos_read(r->io, RTC_REG_C); /* nothing pending */
	pith_notification_poll(r->nt, NULL);
	cmos_write(r->io, RTC_REG_A, (r->reg_a & 0xf0) | RTC_RATE_1024HZ);
	cmos_write(r->io, RTC_REG_B, r->reg_b | RTC_PIE);
	return true;
}

static void rtc_teardown(struct rtc *r)
{
	cmos_write(r->io, RTC_REG_B, r->reg_b & ~(uint64_t)RTC_PIE);
	cmos_write(r->io, RTC_REG_A, r->reg_a);
	cmos_read(r->io, RTC_REG_C);
	slot_free(r->h);
	slot_free(r->badged);
	slot_free(r->nt);
	slot_free(r->io);
}

static void test_rtc(void)
{
	struct rtc r = {0};
	unsigned polls = 0, first_polls = 0;
	uint64_t word;
	struct tcase t;

	tc_begin(&t, "irq_rtc_interrupt_signals_notification");
	if (rtc_setup(&t, &r)) {
		word = wait_signal(r.nt, POLL_BOUND, &first_polls);
		tc_eq(&t, word, RTC_BADGE, "the notification word");
		pith_printf("ktest: RTC interrupt after %u polls\n",
			    first_polls);
	}
	tc_end(&t);

	/*
	 * The kernel masks the line when the interrupt arrives. Reading
	 * register C lets the RTC interrupt again, but nothing may be
	 * delivered until the handler is acked (waiting four times as long
	 * as the first interrupt took); after the ack it arrives.
	 */
	tc_begin(&t, "irq_rtc_masked_until_ack");
	cmos_read(r.io, RTC_REG_C);
	word = wait_signal(r.nt, 4 * first_polls + 10000, &polls);
	tc_eq(&t, word, 0, "the notification word before the ack");
	tc_end(&t);

	tc_begin(&t, "irq_rtc_second_interrupt_after_ack");
	tc_ok(&t, pith_irq_handler_ack(r.h), "ack");
	word = wait_signal(r.nt, POLL_BOUND, &polls);
	tc_eq(&t, word, RTC_BADGE, "the notification word");
	tc_end(&t);

	/* After clear, interrupts still arrive but signal nothing. */
	tc_begin(&t, "irq_rtc_clear_stops_signals");
	tc_ok(&t, pith_irq_handler_clear(r.h), "clear");
	cmos_read(r.io, RTC_REG_C);
	tc_ok(&t, pith_irq_handler_ack(r.h), "ack");
	word = wait_signal(r.nt, 4 * first_polls + 10000, &polls);
	tc_eq(&t, word, 0, "the notification word after clear");
	tc_end(&t);

	tc_begin(&t, "irq_rtc_handler_released");
	rtc_teardown(&r);
	r.h = slot_alloc();
	tc_ok(&t, get_isa_r(RTC_IRQ, r.h).err, "get_isa 8 after delete");
	tc_end(&t);
	slot_free(r.h);
}

void test_irq(void)
{
	test_handlers();
	test_msi();
	test_rtc();
}
