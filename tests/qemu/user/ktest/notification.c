/*
 * Notifications (ipc/notification.c): signal ORs the capability's badge
 * (1 if none) into the word, poll reads and clears it; each needs its
 * right.
 */
#include "ktest.h"

static void test_signal_poll(void)
{
	pith_cptr_t nt = obj_new(PITH_OBJ_NOTIFICATION, 0);
	pith_cptr_t b1 = cap_mint(nt, PITH_RIGHT_WRITE, 0x1);
	pith_cptr_t b4 = cap_mint(nt, PITH_RIGHT_WRITE, 0x4);
	pith_cptr_t b100 = cap_mint(nt, PITH_RIGHT_WRITE, 0x100);
	pith_cptr_t ro = cap_mint(nt, PITH_RIGHT_READ, 0x8);
	uint64_t word = UINT64_MAX;
	struct tcase t;

	tc_begin(&t, "notification_poll_empty");
	tc_ok(&t, pith_notification_poll(nt, &word), "poll");
	tc_eq(&t, word, 0, "word");
	tc_end(&t);

	tc_begin(&t, "notification_signal_unbadged");
	tc_ok(&t, pith_notification_signal(nt), "signal");
	tc_ok(&t, pith_notification_poll(nt, &word), "poll");
	tc_eq(&t, word, 1, "word");
	tc_end(&t);

	tc_begin(&t, "notification_badges_or_together");
	tc_ok(&t, pith_notification_signal(b1), "signal badge 0x1");
	tc_ok(&t, pith_notification_signal(b4), "signal badge 0x4");
	tc_ok(&t, pith_notification_signal(b4), "signal badge 0x4 again");
	tc_ok(&t, pith_notification_signal(b100), "signal badge 0x100");
	tc_ok(&t, pith_notification_poll(nt, &word), "poll");
	tc_eq(&t, word, 0x105, "word");
	tc_end(&t);

	tc_begin(&t, "notification_poll_clears");
	tc_ok(&t, pith_notification_poll(nt, &word), "poll again");
	tc_eq(&t, word, 0, "word");
	tc_end(&t);

	expect_detail(
		"notification_signal_without_write",
		invoke(ro, PITH_INV_NOTIFICATION_SIGNAL, NO_WORDS, NO_CAPS),
		PITH_E_MISSING_RIGHTS, PITH_RIGHT_WRITE, ANY);
	expect_detail("notification_poll_without_read",
		      invoke(b1, PITH_INV_NOTIFICATION_POLL, NO_WORDS, NO_CAPS),
		      PITH_E_MISSING_RIGHTS, PITH_RIGHT_READ, ANY);

	tc_begin(&t, "notification_refused_signal_sets_nothing");
	tc_ok(&t, pith_notification_poll(nt, &word), "poll");
	tc_eq(&t, word, 0, "word");
	tc_end(&t);

	slot_free(ro);
	slot_free(b100);
	slot_free(b4);
	slot_free(b1);
	slot_free(nt);
}

void test_notification(void)
{
	test_signal_poll();
}
