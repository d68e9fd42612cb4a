/*
 * Untyped memory (caps/untyped.c): retype of every object type, several
 * at once and into other CNodes; describe and its watermark; the errors;
 * and what revoking an untyped destroys, containers and cycles included.
 */
#include "ktest.h"

static struct result retype(pith_cptr_t ut, pith_cptr_t root, uint64_t type,
			    uint64_t bits, uint64_t index, uint64_t depth,
			    uint64_t offset, uint64_t num)
{
	return invoke(ut, PITH_INV_UNTYPED_RETYPE,
		      WORDS(type, bits, index, depth, offset, num), CAPS(root));
}

static uint64_t frame_address(pith_cptr_t f)
{
	uint64_t pa = UINT64_MAX;

	pith_frame_get_address(f, &pa);
	return pa;
}

static void test_describe_boot(void)
{
	const struct pith_bootinfo *bi = pith_bootinfo;
	struct tcase t;

	tc_begin(&t, "untyped_describe_matches_bootinfo");
	for (unsigned i = 0; i < bi->untyped_count; i++) {
		const struct pith_untyped_desc *d = &bi->untyped_list[i];
		pith_cptr_t s = bi->untyped.start + i;
		uint64_t pa = 0, bits = 0, wm = 0, dev = 0;

		if (!tc_ok(&t, pith_untyped_describe(s, &pa, &bits, &wm, &dev),
			   "describe") ||
		    !tc_eq(&t, pa, d->paddr, "paddr") ||
		    !tc_eq(&t, bits, d->size_bits, "size_bits") ||
		    !tc_eq(&t, dev, d->device, "device"))
			break;
		if (s != untyped_pool() && !tc_eq(&t, wm, 0, "watermark"))
			break;
	}
	tc_end(&t);
}

static const struct {
	const char *name;
	uint64_t type, size_bits, cap;
} kinds[] = {
	{"retype_untyped", PITH_OBJ_UNTYPED, 12, PITH_CAP_UNTYPED},
	{"retype_tcb", PITH_OBJ_TCB, 0, PITH_CAP_TCB},
	{"retype_endpoint", PITH_OBJ_ENDPOINT, 0, PITH_CAP_ENDPOINT},
	{"retype_notification", PITH_OBJ_NOTIFICATION, 0,
	 PITH_CAP_NOTIFICATION},
	{"retype_cnode", PITH_OBJ_CNODE, 4, PITH_CAP_CNODE},
	{"retype_frame_4k", PITH_OBJ_FRAME_4K, 0, PITH_CAP_FRAME},
	{"retype_frame_2m", PITH_OBJ_FRAME_2M, 0, PITH_CAP_FRAME},
	{"retype_page_table", PITH_OBJ_PAGE_TABLE, 0, PITH_CAP_PAGE_TABLE},
	{"retype_page_directory", PITH_OBJ_PAGE_DIRECTORY, 0,
	 PITH_CAP_PAGE_DIRECTORY},
	{"retype_pdpt", PITH_OBJ_PDPT, 0, PITH_CAP_PDPT},
	{"retype_vspace", PITH_OBJ_VSPACE, 0, PITH_CAP_VSPACE},
};

/* What each kind of object can show about itself beyond its type. */
static void check_new_object(struct tcase *t, pith_cptr_t s, uint64_t type,
			     uint64_t base, uint64_t size)
{
	uint64_t pa = 0, bits = 0, wm = 1;

	switch (type) {
	case PITH_OBJ_UNTYPED:
		if (tc_ok(t, pith_untyped_describe(s, &pa, &bits, &wm, NULL),
			  "describe the new untyped")) {
			tc_eq(t, bits, 12, "its size_bits");
			tc_eq(t, wm, 0, "its watermark");
			tc_true(t, pa >= base && pa + 4096 <= base + size,
				"it lies inside its parent");
		}
		break;
	case PITH_OBJ_FRAME_4K:
	case PITH_OBJ_FRAME_2M:
		bits = type == PITH_OBJ_FRAME_2M ? 21 : 12;
		pa = frame_address(s);
		tc_eq(t, pa & ((1ULL << bits) - 1), 0,
		      "frame aligned to its size");
		tc_true(t, pa >= base && pa + (1ULL << bits) <= base + size,
			"frame inside its untyped");
		break;
	case PITH_OBJ_CNODE:
		/* 16 slots: 4 bits of index, and 4 only. */
		tc_ok(t,
		      pith_cnode_copy(s, PITH_SLOT_CNODE, 15, 4,
				      PITH_SLOT_DEBUG, DEPTH, PITH_RIGHTS_ALL),
		      "copy into its last slot");
		tc_detail(t,
			  invoke(s, PITH_INV_CNODE_COPY,
				 WORDS(16, 5, PITH_SLOT_DEBUG, DEPTH,
				       PITH_RIGHTS_ALL),
				 CAPS(PITH_SLOT_CNODE)),
			  PITH_E_FAILED_LOOKUP, 5, 3, "copy at depth 5");
		break;
	default:
		break;
	}
}

static void test_retype_each_type(void)
{
	pith_cptr_t ut = obj_new(PITH_OBJ_UNTYPED, 22);
	uint64_t base = 0;

	pith_untyped_describe(ut, &base, NULL, NULL, NULL);
	for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct tcase t;
		pith_cptr_t s;

		tc_begin(&t, kinds[i].name);
		s = obj_new_from(ut, kinds[i].type, kinds[i].size_bits);
		if (tc_true(&t, ut && s, "retype failed")) {
			struct ident id = ident(s);

			tc_eq(&t, id.type, kinds[i].cap, "type");
			tc_eq(&t, id.rights, PITH_RIGHTS_ALL, "rights");
			tc_eq(&t, id.badge, 0, "badge");
			check_new_object(&t, s, kinds[i].type, base,
					 1ULL << 22);
		}
		tc_end(&t);
		slot_free(s);
	}
	slot_free(ut);
}

static void test_retype_several(void)
{
	pith_cptr_t ut = obj_new(PITH_OBJ_UNTYPED, 12);
	pith_cptr_t first = slots_alloc(9);
	struct tcase t;

	tc_begin(&t, "retype_several_at_once");
	if (tc_true(&t, ut && first, "setup") &&
	    tc_ok(&t,
		  pith_untyped_retype(ut, PITH_SLOT_CNODE,
				      PITH_OBJ_NOTIFICATION, 0, 0, 0, first, 8),
		  "retype 8 notifications")) {
		for (unsigned i = 0; i < 8; i++)
			tc_eq(&t, cap_type(first + i), PITH_CAP_NOTIFICATION,
			      "each slot");
		tc_eq(&t, cap_type(first + 8), PITH_CAP_NULL,
		      "the slot after them");
		tc_eq(&t, untyped_watermark(ut), 8 * 64ULL, "watermark");
	}
	tc_end(&t);
	slots_free(first, 9);
	slot_free(ut);
}

/* Objects go into a CNode other than the root: through node_index and
 * node_depth, or with the CNode itself as root and depth 0. */
static void test_retype_nested(void)
{
	pith_cptr_t cn = obj_new(PITH_OBJ_CNODE, 4);
	struct tcase t;

	tc_begin(&t, "retype_into_nested_cnode");
	if (tc_true(&t, cn != 0, "setup") &&
	    tc_ok(&t,
		  pith_untyped_retype(untyped_pool(), PITH_SLOT_CNODE,
				      PITH_OBJ_ENDPOINT, 0, cn, DEPTH, 5, 3),
		  "retype 3 endpoints at slot 5 of the CNode")) {
		tc_eq(&t, nested_cap_type(cn, 4, 4), PITH_CAP_NULL, "slot 4");
		for (unsigned i = 5; i < 8; i++)
			tc_eq(&t, nested_cap_type(cn, 4, i), PITH_CAP_ENDPOINT,
			      "slots 5-7");
		tc_eq(&t, nested_cap_type(cn, 4, 8), PITH_CAP_NULL, "slot 8");
	}
	tc_end(&t);

	tc_begin(&t, "retype_into_cnode_at_depth_0");
	if (tc_true(&t, cn != 0, "setup") &&
	    tc_ok(&t,
		  pith_untyped_retype(untyped_pool(), cn, PITH_OBJ_NOTIFICATION,
				      0, 0, 0, 0, 2),
		  "retype with the CNode as root, depth 0"))
		tc_eq(&t, nested_cap_type(cn, 4, 1), PITH_CAP_NOTIFICATION,
		      "slot 1");
	tc_end(&t);
	slot_free(cn);
}

static void test_watermark(void)
{
	pith_cptr_t ut = obj_new(PITH_OBJ_UNTYPED, 16);
	pith_cptr_t f1 = 0, ep = 0, f2 = 0, f3 = 0;
	uint64_t pa = 0, bits = 0, wm = 1, dev = 1;
	struct tcase t;

	tc_begin(&t, "untyped_describe");
	if (tc_true(&t, ut != 0, "setup") &&
	    tc_ok(&t, pith_untyped_describe(ut, &pa, &bits, &wm, &dev),
		  "describe")) {
		tc_eq(&t, bits, 16, "size_bits");
		tc_eq(&t, wm, 0, "watermark");
		tc_eq(&t, dev, 0, "device");
		tc_eq(&t, pa & 0xffff, 0, "aligned paddr");
	}
	tc_end(&t);

	/* Each object aligned to its size, above the watermark. */
	tc_begin(&t, "untyped_watermark_rises");
	f1 = obj_new_from(ut, PITH_OBJ_FRAME_4K, 0);
	tc_eq(&t, untyped_watermark(ut), 4096, "after a frame");
	tc_eq(&t, frame_address(f1), pa, "the frame's address");
	ep = obj_new_from(ut, PITH_OBJ_ENDPOINT, 0);
	tc_eq(&t, untyped_watermark(ut), 4096 + 32, "after an endpoint");
	f2 = obj_new_from(ut, PITH_OBJ_FRAME_4K, 0);
	tc_eq(&t, untyped_watermark(ut), 3 * PAGE_SIZE, "after another frame");
	tc_eq(&t, frame_address(f2), pa + 2 * PAGE_SIZE,
	      "the second frame's address");
	tc_end(&t);

	tc_begin(&t, "untyped_watermark_zero_after_delete");
	slot_free(f1);
	slot_free(f2);
	tc_eq(&t, untyped_watermark(ut), 3 * PAGE_SIZE, "one object left");
	slot_free(ep);
	tc_eq(&t, untyped_watermark(ut), 0, "every object deleted");
	tc_end(&t);

	tc_begin(&t, "untyped_memory_reused_after_delete");
	f3 = obj_new_from(ut, PITH_OBJ_FRAME_4K, 0);
	tc_eq(&t, frame_address(f3), pa, "a new frame's address");
	tc_end(&t);
	slot_free(f3);
	slot_free(ut);
}

static void test_retype_errors(void)
{
	pith_cptr_t ut = obj_new(PITH_OBJ_UNTYPED, 16);
	pith_cptr_t small = obj_new(PITH_OBJ_UNTYPED, 12);
	pith_cptr_t ep = obj_new(PITH_OBJ_ENDPOINT, 0);
	pith_cptr_t s = slot_alloc(), f;
	uint64_t root_slots = 1ULL << pith_bootinfo->cnode_size_bits;
	const pith_cptr_t R = PITH_SLOT_CNODE;

	expect_detail("retype_bad_type",
		      retype(ut, R, PITH_OBJ_COUNT, 0, 0, 0, s, 1),
		      PITH_E_INVALID_ARGUMENT, 0, ANY);
	expect_detail("retype_untyped_size_3",
		      retype(ut, R, PITH_OBJ_UNTYPED, 3, 0, 0, s, 1),
		      PITH_E_RANGE, 1, ANY);
	expect_detail("retype_untyped_size_48",
		      retype(ut, R, PITH_OBJ_UNTYPED, 48, 0, 0, s, 1),
		      PITH_E_RANGE, 1, ANY);
	expect_detail("retype_cnode_size_0",
		      retype(ut, R, PITH_OBJ_CNODE, 0, 0, 0, s, 1),
		      PITH_E_RANGE, 1, ANY);
	expect_detail("retype_cnode_size_21",
		      retype(ut, R, PITH_OBJ_CNODE, 21, 0, 0, s, 1),
		      PITH_E_RANGE, 1, ANY);
	expect_detail("retype_zero_objects",
		      retype(ut, R, PITH_OBJ_ENDPOINT, 0, 0, 0, s, 0),
		      PITH_E_RANGE, 5, ANY);
	expect_detail("retype_too_many_objects",
		      retype(ut, R, PITH_OBJ_ENDPOINT, 0, 0, 0, s, 65537),
		      PITH_E_RANGE, 5, ANY);
	expect_detail("retype_offset_past_cnode",
		      retype(ut, R, PITH_OBJ_ENDPOINT, 0, 0, 0, root_slots, 1),
		      PITH_E_RANGE, 4, ANY);
	expect_detail(
		"retype_objects_past_cnode",
		retype(ut, R, PITH_OBJ_ENDPOINT, 0, 0, 0, root_slots - 1, 2),
		PITH_E_RANGE, 4, ANY);
	expect_err("retype_destination_occupied",
		   retype(ut, R, PITH_OBJ_ENDPOINT, 0, 0, 0, PITH_SLOT_DEBUG, 1)
			   .err,
		   PITH_E_DELETE_FIRST);
	expect_err("retype_larger_than_untyped",
		   retype(ut, R, PITH_OBJ_FRAME_2M, 0, 0, 0, s, 1).err,
		   PITH_E_NOT_ENOUGH_MEMORY);
	expect_err("retype_too_many_for_untyped",
		   retype(small, R, PITH_OBJ_FRAME_4K, 0, 0, 0, s, 2).err,
		   PITH_E_NOT_ENOUGH_MEMORY);
	f = obj_new_from(small, PITH_OBJ_FRAME_4K, 0);
	expect_err("retype_untyped_exhausted",
		   retype(small, R, PITH_OBJ_ENDPOINT, 0, 0, 0, s, 1).err,
		   PITH_E_NOT_ENOUGH_MEMORY);
	slot_free(f);
	expect_detail("retype_root_not_a_cnode",
		      retype(ut, ep, PITH_OBJ_ENDPOINT, 0, 0, 0, s, 1),
		      PITH_E_INVALID_CAPABILITY, 1, ANY);
	expect_detail("retype_node_not_a_cnode",
		      retype(ut, R, PITH_OBJ_ENDPOINT, 0, ep, DEPTH, 0, 1),
		      PITH_E_FAILED_LOOKUP, 5, 4);
	expect_detail("retype_node_depth_not_a_slot",
		      retype(ut, R, PITH_OBJ_ENDPOINT, 0, ep, 32, 0, 1),
		      PITH_E_FAILED_LOOKUP, 5, 3);
	/* RANGE's detail is the index of the argument: node_depth is 3. */
	expect_detail("retype_node_depth_65",
		      retype(ut, R, PITH_OBJ_ENDPOINT, 0, ep, 65, 0, 1),
		      PITH_E_RANGE, 3, ANY);
	expect_true("retype_errors_left_slot_empty",
		    cap_type(s) == PITH_CAP_NULL && untyped_watermark(ut) == 0,
		    "a failed retype made something");
	slot_free(s);
	slot_free(ep);
	slot_free(small);
	slot_free(ut);
}

/* Device untyped makes frames (and smaller device untyped), nothing
 * that the kernel would have to write to. */
static void test_retype_device(void)
{
	pith_cptr_t dev = untyped_device(), s = slot_alloc(), f, u;
	uint64_t d = 0, wm = 1;
	struct tcase t;

	if (!dev) {
		expect_true("retype_device", false,
			    "no device untyped above 4 GiB");
		slot_free(s);
		return;
	}
	expect_detail("retype_device_tcb",
		      retype(dev, PITH_SLOT_CNODE, PITH_OBJ_TCB, 0, 0, 0, s, 1),
		      PITH_E_INVALID_ARGUMENT, 0, ANY);
	expect_detail("retype_device_page_table",
		      retype(dev, PITH_SLOT_CNODE, PITH_OBJ_PAGE_TABLE, 0, 0, 0,
			     s, 1),
		      PITH_E_INVALID_ARGUMENT, 0, ANY);
	expect_detail(
		"retype_device_cnode",
		retype(dev, PITH_SLOT_CNODE, PITH_OBJ_CNODE, 4, 0, 0, s, 1),
		PITH_E_INVALID_ARGUMENT, 0, ANY);

	tc_begin(&t, "retype_device_frame");
	f = obj_new_from(dev, PITH_OBJ_FRAME_4K, 0);
	tc_eq(&t, cap_type(f), PITH_CAP_FRAME, "type");
	tc_end(&t);
	slot_free(f);

	tc_begin(&t, "retype_device_untyped");
	u = obj_new_from(dev, PITH_OBJ_UNTYPED, 12);
	if (tc_true(&t, u != 0, "retype") &&
	    tc_ok(&t, pith_untyped_describe(u, NULL, NULL, &wm, &d),
		  "describe")) {
		tc_eq(&t, d, 1, "device");
		tc_eq(&t, wm, 0, "watermark");
	}
	tc_end(&t);
	slot_free(u);
	slot_free(s);
}

static void test_copy_untyped(void)
{
	pith_cptr_t ut = obj_new(PITH_OBJ_UNTYPED, 16), copy, f;
	pith_cptr_t f1 = 0, f2 = 0, f3 = 0;
	pith_cptr_t s = slot_alloc();
	struct tcase t;

	/* One capability per block: copies are refused, with or without
	 * children (a copy would carve the same memory again). */
	expect_err("untyped_copy_refused",
		   pith_cnode_copy(PITH_SLOT_CNODE, PITH_SLOT_CNODE, s, DEPTH,
				   ut, DEPTH, PITH_RIGHTS_ALL),
		   PITH_E_ILLEGAL_OPERATION);
	f = obj_new_from(ut, PITH_OBJ_ENDPOINT, 0);
	expect_err("untyped_copy_with_children_refused",
		   pith_cnode_copy(PITH_SLOT_CNODE, PITH_SLOT_CNODE, s, DEPTH,
				   ut, DEPTH, PITH_RIGHTS_ALL),
		   PITH_E_ILLEGAL_OPERATION);
	slot_free(s);
	slot_free(f);
	slot_free(ut);

	/*
	 * Should copies ever be allowed: objects made from the copy and from
	 * the original must never share memory, whichever makes them.
	 */
	tc_begin(&t, "untyped_copy_no_overlap");
	ut = obj_new(PITH_OBJ_UNTYPED, 16);
	copy = slot_alloc();
	if (tc_true(&t, ut && copy, "setup") &&
	    pith_cnode_copy(PITH_SLOT_CNODE, PITH_SLOT_CNODE, copy, DEPTH, ut,
			    DEPTH, PITH_RIGHTS_ALL) == PITH_OK) {
		f1 = obj_new_from(copy, PITH_OBJ_FRAME_4K, 0);
		f2 = obj_new_from(ut, PITH_OBJ_FRAME_4K, 0);
		f3 = obj_new_from(copy, PITH_OBJ_FRAME_4K, 0);
		if (f2 && ((f1 && frame_address(f2) == frame_address(f1)) ||
			   (f3 && frame_address(f2) == frame_address(f3))))
			tc_fail(&t,
				"a frame from the original and one from its "
				"copy share their memory at 0x%llx",
				(unsigned long long)frame_address(f2));
	}
	tc_end(&t);
	slot_free(f3);
	slot_free(f2);
	slot_free(f1);
	slot_free(copy);
	slot_free(ut);
}

/* Revoking an untyped deletes every object made from it, their copies,
 * and the contents of CNodes made from it, cycles included. */
static void test_revoke_untyped(void)
{
	pith_cptr_t ut = obj_new(PITH_OBJ_UNTYPED, 16), s[6], full;
	struct tcase t;

	tc_begin(&t, "untyped_revoke_destroys_everything");
	s[0] = obj_new_from(ut, PITH_OBJ_ENDPOINT, 0);
	s[1] = obj_new_from(ut, PITH_OBJ_FRAME_4K, 0);
	s[2] = obj_new_from(ut, PITH_OBJ_CNODE, 2);
	s[3] = obj_new_from(ut, PITH_OBJ_TCB, 0);
	s[4] = cap_copy(s[0], PITH_RIGHTS_ALL);
	s[5] = cap_mint(s[0], PITH_RIGHT_READ, 9);
	for (unsigned i = 0; i < 6; i++)
		tc_true(&t, s[i] != 0, "setup");
	tc_ok(&t, pith_cnode_revoke(PITH_SLOT_CNODE, ut, DEPTH), "revoke");
	for (unsigned i = 0; i < 6; i++)
		tc_eq(&t, cap_type(s[i]), PITH_CAP_NULL, "a child's slot");
	tc_eq(&t, cap_type(ut), PITH_CAP_UNTYPED, "the untyped itself");
	tc_eq(&t, untyped_watermark(ut), 0, "watermark");
	full = obj_new_from(ut, PITH_OBJ_UNTYPED, 16);
	tc_true(&t, full != 0, "retype the whole size again");
	tc_end(&t);
	slot_free(full);
	for (unsigned i = 0; i < 6; i++)
		slot_free(s[i]);
	slot_free(ut);
}

static void test_revoke_containers(void)
{
	pith_cptr_t u1 = obj_new(PITH_OBJ_UNTYPED, 16);
	pith_cptr_t u2 = obj_new(PITH_OBJ_UNTYPED, 16);
	pith_cptr_t cn = obj_new_from(u1, PITH_OBJ_CNODE, 2);
	pith_cptr_t f = obj_new_from(u2, PITH_OBJ_FRAME_4K, 0);
	struct tcase t;

	/* The only capability of a frame, inside a CNode made from u1. */
	tc_begin(&t, "untyped_revoke_deletes_cnode_contents");
	if (tc_true(&t, u1 && u2 && cn && f, "setup") &&
	    tc_ok(&t, pith_cnode_move(cn, PITH_SLOT_CNODE, 1, 2, f, DEPTH),
		  "move the frame into the CNode")) {
		tc_eq(&t, untyped_watermark(u2), 4096, "frame's untyped");
		tc_ok(&t, pith_cnode_revoke(PITH_SLOT_CNODE, u1, DEPTH),
		      "revoke the CNode's untyped");
		tc_eq(&t, cap_type(cn), PITH_CAP_NULL, "the CNode");
		tc_eq(&t, untyped_watermark(u2), 0,
		      "the frame's untyped (the frame is gone)");
	}
	tc_end(&t);
	slot_free(f);
	slot_free(cn);
	slot_free(u2);
	slot_free(u1);
}

/* A CNode holding the only capability to itself: unreachable, but
 * revoking its untyped must still destroy it. */
static void test_revoke_cnode_cycle(void)
{
	pith_cptr_t ut = obj_new(PITH_OBJ_UNTYPED, 16);
	pith_cptr_t cn = obj_new_from(ut, PITH_OBJ_CNODE, 2);
	struct tcase t;

	tc_begin(&t, "untyped_revoke_cnode_holding_itself");
	if (tc_true(&t, ut && cn, "setup") &&
	    tc_ok(&t,
		  pith_cnode_copy(cn, PITH_SLOT_CNODE, 0, 2, cn, DEPTH,
				  PITH_RIGHTS_ALL),
		  "copy the CNode into itself") &&
	    tc_ok(&t, pith_cnode_delete(PITH_SLOT_CNODE, cn, DEPTH),
		  "delete its root slot")) {
		tc_eq(&t, untyped_watermark(ut), 4 * 64ULL,
		      "the CNode lives on inside itself");
		tc_ok(&t, pith_cnode_revoke(PITH_SLOT_CNODE, ut, DEPTH),
		      "revoke the untyped");
		tc_eq(&t, untyped_watermark(ut), 0, "watermark after revoke");
	}
	tc_end(&t);
	slot_free(cn);
	slot_free(ut);
}

/* A thread whose CSpace holds the thread, and whose TCB holds the
 * CSpace: neither is reachable once their root slots are deleted. */
static void test_revoke_thread_cycle(void)
{
	pith_cptr_t ut = obj_new(PITH_OBJ_UNTYPED, 16);
	pith_cptr_t cn = obj_new_from(ut, PITH_OBJ_CNODE, 2);
	pith_cptr_t tcb = obj_new_from(ut, PITH_OBJ_TCB, 0);
	pith_cptr_t buf = obj_new_from(ut, PITH_OBJ_FRAME_4K, 0);
	struct tcase t;

	tc_begin(&t, "untyped_revoke_thread_cspace_cycle");
	if (tc_true(&t, ut && cn && tcb && buf, "setup") &&
	    tc_ok(&t,
		  pith_tcb_configure(tcb, cn, PITH_SLOT_VSPACE, buf, 0, 0,
				     TEST_VA_NO_PT),
		  "configure") &&
	    tc_ok(&t,
		  pith_cnode_copy(cn, PITH_SLOT_CNODE, 1, 2, tcb, DEPTH,
				  PITH_RIGHTS_ALL),
		  "copy the TCB into its CSpace")) {
		pith_cnode_delete(PITH_SLOT_CNODE, tcb, DEPTH);
		pith_cnode_delete(PITH_SLOT_CNODE, cn, DEPTH);
		pith_cnode_delete(PITH_SLOT_CNODE, buf, DEPTH);
		tc_true(&t, untyped_watermark(ut) != 0,
			"the cycle keeps its memory");
		tc_ok(&t, pith_cnode_revoke(PITH_SLOT_CNODE, ut, DEPTH),
		      "revoke the untyped");
		tc_eq(&t, untyped_watermark(ut), 0, "watermark after revoke");
	}
	tc_end(&t);
	slot_free(buf);
	slot_free(tcb);
	slot_free(cn);
	slot_free(ut);
}

void test_untyped(void)
{
	test_describe_boot();
	test_retype_each_type();
	test_retype_several();
	test_retype_nested();
	test_watermark();
	test_retype_errors();
	test_retype_device();
	test_copy_untyped();
	test_revoke_untyped();
	test_revoke_containers();
	test_revoke_cnode_cycle();
	test_revoke_thread_cycle();
}
