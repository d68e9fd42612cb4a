/*
 * What every invocation goes through (kernel/invocation.c): the lookup of
 * the invoked and the extra capabilities, the label, the message length,
 * the type of the invoked capability; and the Debug capability's
 * Identify, which the other suites rely on.
 */
#include "ktest.h"

#define GUARD_BIT (1ULL << 63) /* outside the root CNode's zero guard */

static void test_dispatch_errors(void)
{
	pith_cptr_t ntfn = obj_new(PITH_OBJ_NOTIFICATION, 0);
	pith_cptr_t ut = obj_new(PITH_OBJ_UNTYPED, 16);
	pith_cptr_t empty = slot_alloc();

	/* An untyped method on a notification. */
	expect_err("invoke_wrong_object_type",
		   invoke(ntfn, PITH_INV_UNTYPED_RETYPE,
			  WORDS(PITH_OBJ_ENDPOINT, 0, 0, 0, empty, 1),
			  CAPS(PITH_SLOT_CNODE))
			   .err,
		   PITH_E_ILLEGAL_OPERATION);
	expect_err("invoke_unknown_label",
		   invoke(ut, PITH_INV_COUNT, NO_WORDS, NO_CAPS).err,
		   PITH_E_ILLEGAL_OPERATION);
	expect_err("invoke_label_zero",
		   invoke(ut, PITH_INV_NONE, NO_WORDS, NO_CAPS).err,
		   PITH_E_ILLEGAL_OPERATION);
	expect_err("invoke_huge_label",
		   invoke(ut, 1ULL << 40, NO_WORDS, NO_CAPS).err,
		   PITH_E_ILLEGAL_OPERATION);
	/* Retype needs six words and one capability. */
	expect_err("invoke_truncated_words",
		   invoke(ut, PITH_INV_UNTYPED_RETYPE,
			  WORDS(PITH_OBJ_ENDPOINT, 0, 0, 0, empty),
			  CAPS(PITH_SLOT_CNODE))
			   .err,
		   PITH_E_TRUNCATED_MESSAGE);
	expect_err("invoke_truncated_caps",
		   invoke(ut, PITH_INV_UNTYPED_RETYPE,
			  WORDS(PITH_OBJ_ENDPOINT, 0, 0, 0, empty, 1), NO_CAPS)
			   .err,
		   PITH_E_TRUNCATED_MESSAGE);
	expect_err("invoke_truncated_no_words",
		   invoke(PITH_SLOT_CNODE, PITH_INV_CNODE_DELETE, NO_WORDS,
			  NO_CAPS)
			   .err,
		   PITH_E_TRUNCATED_MESSAGE);
	expect_detail(
		"invoke_empty_slot",
		invoke(empty, PITH_INV_UNTYPED_DESCRIBE, NO_WORDS, NO_CAPS),
		PITH_E_FAILED_LOOKUP, 0, 1);
	expect_detail("invoke_null_slot",
		      invoke(PITH_SLOT_NULL, PITH_INV_UNTYPED_DESCRIBE,
			     NO_WORDS, NO_CAPS),
		      PITH_E_FAILED_LOOKUP, 0, 1);
	expect_detail("invoke_guard_mismatch",
		      invoke(GUARD_BIT | ut, PITH_INV_UNTYPED_DESCRIBE,
			     NO_WORDS, NO_CAPS),
		      PITH_E_FAILED_LOOKUP, 0, 2);
	expect_detail("invoke_extra_cap_empty",
		      invoke(ut, PITH_INV_UNTYPED_RETYPE,
			     WORDS(PITH_OBJ_ENDPOINT, 0, 0, 0, empty, 1),
			     CAPS(empty)),
		      PITH_E_FAILED_LOOKUP, 1, 1);
	expect_detail("invoke_extra_cap_guard_mismatch",
		      invoke(ut, PITH_INV_UNTYPED_RETYPE,
			     WORDS(PITH_OBJ_ENDPOINT, 0, 0, 0, empty, 1),
			     CAPS(GUARD_BIT | PITH_SLOT_CNODE)),
		      PITH_E_FAILED_LOOKUP, 1, 2);
	expect_true("invoke_errors_left_slot_empty",
		    cap_type(empty) == PITH_CAP_NULL,
		    "a failed retype filled the slot");
	slot_free(empty);
	slot_free(ut);
	slot_free(ntfn);
}

static void test_identify_fixed(void)
{
	static const struct {
		pith_cptr_t slot;
		uint64_t type, rights;
	} fixed[] = {
		{PITH_SLOT_TCB, PITH_CAP_TCB, PITH_RIGHTS_ALL},
		{PITH_SLOT_CNODE, PITH_CAP_CNODE, PITH_RIGHTS_ALL},
		{PITH_SLOT_VSPACE, PITH_CAP_VSPACE, PITH_RIGHTS_ALL},
		{PITH_SLOT_IRQ_CONTROL, PITH_CAP_IRQ_CONTROL, PITH_RIGHTS_ALL},
		{PITH_SLOT_IOPORT_CONTROL, PITH_CAP_IOPORT_CONTROL,
		 PITH_RIGHTS_ALL},
		{PITH_SLOT_ASID_CONTROL, PITH_CAP_ASID_CONTROL,
		 PITH_RIGHTS_ALL},
		{PITH_SLOT_ASID_POOL, PITH_CAP_ASID_POOL, PITH_RIGHTS_ALL},
		{PITH_SLOT_DEBUG, PITH_CAP_DEBUG, PITH_RIGHTS_ALL},
		{PITH_SLOT_BOOTINFO_FRAME, PITH_CAP_FRAME, PITH_RIGHT_READ},
		{PITH_SLOT_IPC_BUFFER_FRAME, PITH_CAP_FRAME, RIGHTS_RW},
	};
	const struct pith_bootinfo *bi = pith_bootinfo;
	struct tcase t;

	tc_begin(&t, "identify_fixed_slots");
	for (unsigned i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		struct ident id = ident(fixed[i].slot);

		if (!tc_eq(&t, id.type, fixed[i].type, "type") ||
		    !tc_eq(&t, id.rights, fixed[i].rights, "rights"))
			break;
	}
	/* The root CNode's guard covers the bits above its slots. */
	tc_eq(&t, ident(PITH_SLOT_CNODE).badge, 64 - bi->cnode_size_bits,
	      "root CNode guard (bits 0-5 size, value from bit 6)");
	tc_end(&t);

	tc_begin(&t, "identify_boot_ranges");
	for (uint64_t s = bi->untyped.start; s < bi->untyped.end; s++) {
		if (!tc_eq(&t, cap_type(s), PITH_CAP_UNTYPED, "untyped range"))
			break;
	}
	for (uint64_t s = bi->initrd_frames.start; s < bi->initrd_frames.end;
	     s++) {
		struct ident id = ident(s);

		if (!tc_eq(&t, id.type, PITH_CAP_FRAME, "initrd frame") ||
		    !tc_eq(&t, id.rights, PITH_RIGHT_READ,
			   "initrd frame rights"))
			break;
	}
	tc_true(&t, bi->initrd_frames.end > bi->initrd_frames.start,
		"no initrd frames");
	tc_eq(&t, cap_type(bi->empty.end - 1), PITH_CAP_NULL,
	      "last empty slot");
	tc_eq(&t, bi->empty.end, 1ULL << bi->cnode_size_bits,
	      "empty range ends at the CNode's end");
	tc_end(&t);

	tc_begin(&t, "identify_empty_and_unreachable");
	tc_eq(&t, cap_type(PITH_SLOT_NULL), PITH_CAP_NULL, "slot 0");
	tc_eq(&t, cap_type(GUARD_BIT | PITH_SLOT_DEBUG), PITH_CAP_NULL,
	      "guard mismatch");
	tc_eq(&t, cap_type(1ULL << bi->cnode_size_bits), PITH_CAP_NULL,
	      "just past the root CNode");
	tc_end(&t);
}

/* A device frame mapped into ktest: the kernel must refuse to read it for
 * Debug.Write (it is not RAM it can reach), never fault on it. */
static void test_write_device_frame(void)
{
	pith_cptr_t dev = untyped_device(), f = 0;
	uint64_t va = va_page();
	struct tcase t;

	tc_begin(&t, "debug_write_device_frame");
	if (tc_true(&t, dev != 0, "no device untyped above 4 GiB") &&
	    tc_true(&t, va != 0, "no test page")) {
		f = obj_new_from(dev, PITH_OBJ_FRAME_4K, 0);
		if (tc_true(&t, f != 0, "retype a device frame") &&
		    tc_ok(&t,
			  pith_frame_map(f, PITH_SLOT_VSPACE, va, RIGHTS_RW, 1),
			  "map it uncached"))
			tc_err(&t, pith_debug_write(PITH_SLOT_DEBUG, va, 16),
			       PITH_E_FAULT, "debug.write from it");
	}
	tc_end(&t);
	slot_free(f);
}

void test_invocation(void)
{
	test_dispatch_errors();
	test_identify_fixed();
	test_write_device_frame();
}
