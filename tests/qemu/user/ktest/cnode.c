/*
 * CNodes (caps/cnode.c, caps/cspace.c, caps/cdt.c): copy, mint, move,
 * mutate, delete and revoke, the lookup errors of their slot addresses,
 * which capabilities may be copied, and the derivation tree: revoke
 * removes exactly the descendants, rights only ever narrow, the last
 * capability of an object destroys it.
 */
#include "ktest.h"

#define GUARD(bits, value) ((uint64_t)(value) << 6 | (bits))

static const pith_cptr_t R = PITH_SLOT_CNODE;

static struct result copy_r(uint64_t dest, uint64_t dest_depth, uint64_t src,
			    uint64_t src_depth, uint64_t rights)
{
	return invoke(R, PITH_INV_CNODE_COPY,
		      WORDS(dest, dest_depth, src, src_depth, rights), CAPS(R));
}

static void test_copy_mint(void)
{
	pith_cptr_t ep = obj_new(PITH_OBJ_ENDPOINT, 0);
	pith_cptr_t nt = obj_new(PITH_OBJ_NOTIFICATION, 0);
	pith_cptr_t c, ro, m, m2;
	struct ident id;
	struct tcase t;

	tc_begin(&t, "cnode_copy");
	c = cap_copy(ep, PITH_RIGHTS_ALL);
	id = ident(c);
	tc_true(&t, c != 0, "copy failed");
	tc_eq(&t, id.type, PITH_CAP_ENDPOINT, "type");
	tc_eq(&t, id.rights, PITH_RIGHTS_ALL, "rights");
	tc_eq(&t, cap_type(ep), PITH_CAP_ENDPOINT, "the source stays");
	tc_end(&t);
	slot_free(c);

	tc_begin(&t, "cnode_copy_fewer_rights");
	ro = cap_copy(nt, PITH_RIGHT_READ);
	tc_eq(&t, ident(ro).rights, PITH_RIGHT_READ, "rights");
	tc_end(&t);

	/* Rights only narrow: asking for more gives the intersection. */
	tc_begin(&t, "cnode_rights_only_narrow");
	c = cap_copy(ro, PITH_RIGHTS_ALL);
	m = cap_mint(ro, PITH_RIGHT_WRITE | PITH_RIGHT_READ, 0);
	m2 = cap_mint(ro, PITH_RIGHT_WRITE, 0);
	tc_eq(&t, ident(c).rights, PITH_RIGHT_READ, "copy with all rights");
	tc_eq(&t, ident(m).rights, PITH_RIGHT_READ, "mint with read+write");
	tc_eq(&t, ident(m2).rights, 0, "mint with write only");
	tc_eq(&t, ident(m2).type, PITH_CAP_NOTIFICATION, "its type");
	tc_end(&t);
	slot_free(c);
	slot_free(m);
	slot_free(m2);
	slot_free(ro);

	tc_begin(&t, "cnode_mint_badge");
	m = cap_mint(nt, RIGHTS_RW, 0x10);
	id = ident(m);
	tc_eq(&t, id.type, PITH_CAP_NOTIFICATION, "type");
	tc_eq(&t, id.badge, 0x10, "badge");
	tc_eq(&t, id.rights, RIGHTS_RW, "rights");
	tc_eq(&t, ident(nt).badge, 0, "the source keeps no badge");
	tc_end(&t);

	tc_begin(&t, "cnode_mint_badge_zero_keeps_badge");
	m2 = cap_mint(m, PITH_RIGHTS_ALL, 0);
	tc_eq(&t, ident(m2).badge, 0x10, "badge");
	tc_eq(&t, ident(m2).rights, RIGHTS_RW, "rights");
	tc_end(&t);
	slot_free(m2);

	c = slot_alloc();
	expect_err("cnode_mint_rebadge",
		   pith_cnode_mint(R, R, c, DEPTH, m, DEPTH, PITH_RIGHTS_ALL,
				   0x20),
		   PITH_E_ILLEGAL_OPERATION);
	expect_detail("cnode_copy_bad_rights",
		      copy_r(c, DEPTH, ep, DEPTH, PITH_RIGHTS_ALL + 1),
		      PITH_E_INVALID_ARGUMENT, 4, ANY);
	slot_free(c);
	slot_free(m);
	slot_free(nt);
	slot_free(ep);
}

/* A CNode capability minted with a guard: lookups through it must match
 * the guard, and Identify reports it as the badge. */
static void test_guard(void)
{
	pith_cptr_t cn = obj_new(PITH_OBJ_CNODE, 4), g, s = slot_alloc();
	pith_cptr_t frame = obj_new(PITH_OBJ_FRAME_4K, 0);
	struct tcase t;

	tc_begin(&t, "cnode_mint_guard");
	g = cap_mint(cn, PITH_RIGHTS_ALL, GUARD(4, 0x5));
	tc_eq(&t, ident(g).badge, GUARD(4, 0x5), "guard");
	tc_ok(&t,
	      pith_cnode_copy(g, R, 0x5 << 4 | 3, 8, PITH_SLOT_DEBUG, DEPTH,
			      PITH_RIGHTS_ALL),
	      "copy into slot 3 through the guard (depth 8)");
	tc_eq(&t, nested_cap_type(cn, 4, 3), PITH_CAP_DEBUG,
	      "slot 3 of the CNode");
	tc_err(&t,
	       pith_cnode_copy(g, R, 0x6 << 4 | 4, 8, PITH_SLOT_DEBUG, DEPTH,
			       PITH_RIGHTS_ALL),
	       PITH_E_FAILED_LOOKUP, "a guard mismatch");
	tc_err(&t,
	       pith_cnode_copy(g, R, 4, 4, PITH_SLOT_DEBUG, DEPTH,
			       PITH_RIGHTS_ALL),
	       PITH_E_FAILED_LOOKUP, "depth 4 without the guard");
	tc_end(&t);

	expect_detail("cnode_mint_guard_too_long",
		      invoke(R, PITH_INV_CNODE_MINT,
			     WORDS(s, DEPTH, cn, DEPTH, PITH_RIGHTS_ALL,
				   GUARD(61, 0)),
			     CAPS(R)),
		      PITH_E_INVALID_ARGUMENT, 5, ANY);
	expect_detail(
		"cnode_mint_guard_value_too_wide",
		invoke(R, PITH_INV_CNODE_MINT,
		       WORDS(s, DEPTH, cn, DEPTH, PITH_RIGHTS_ALL, GUARD(2, 7)),
		       CAPS(R)),
		PITH_E_INVALID_ARGUMENT, 5, ANY);
	expect_detail("cnode_mint_badge_on_frame",
		      invoke(R, PITH_INV_CNODE_MINT,
			     WORDS(s, DEPTH, frame, DEPTH, PITH_RIGHTS_ALL, 7),
			     CAPS(R)),
		      PITH_E_INVALID_ARGUMENT, 5, ANY);
	slot_free(s);
	slot_free(g);
	slot_free(frame);
	slot_free(cn);
}

static void test_move_mutate_delete(void)
{
	pith_cptr_t nt = obj_new(PITH_OBJ_NOTIFICATION, 0), a, b, c;
	struct ident id;
	struct tcase t;

	tc_begin(&t, "cnode_move");
	a = cap_mint(nt, PITH_RIGHT_WRITE, 3);
	b = slot_alloc();
	tc_ok(&t, pith_cnode_move(R, R, b, DEPTH, a, DEPTH), "move");
	id = ident(b);
	tc_eq(&t, id.type, PITH_CAP_NOTIFICATION, "type");
	tc_eq(&t, id.badge, 3, "badge");
	tc_eq(&t, id.rights, PITH_RIGHT_WRITE, "rights");
	tc_eq(&t, cap_type(a), PITH_CAP_NULL, "the source slot");
	tc_end(&t);
	slot_free(a);

	tc_begin(&t, "cnode_mutate_sets_badge");
	a = cap_copy(nt, PITH_RIGHTS_ALL);
	c = slot_alloc();
	tc_ok(&t, pith_cnode_mutate(R, R, c, DEPTH, a, DEPTH, 0x20), "mutate");
	tc_eq(&t, ident(c).badge, 0x20, "badge");
	tc_eq(&t, ident(c).type, PITH_CAP_NOTIFICATION, "type");
	tc_eq(&t, cap_type(a), PITH_CAP_NULL, "the source slot");
	tc_end(&t);

	tc_begin(&t, "cnode_mutate_badged");
	tc_err(&t, pith_cnode_mutate(R, R, a, DEPTH, c, DEPTH, 0x40),
	       PITH_E_ILLEGAL_OPERATION, "mutate a badged capability");
	tc_eq(&t, ident(c).badge, 0x20, "the source keeps its badge");
	tc_end(&t);

	/* A new badge on an original would let its copies escape its
	 * revoke: refused while it has any. */
	tc_begin(&t, "cnode_mutate_badge_with_children");
	{
		pith_cptr_t ep = obj_new(PITH_OBJ_ENDPOINT, 0);
		pith_cptr_t kid = cap_copy(ep, PITH_RIGHTS_ALL);
		pith_cptr_t dst = slot_alloc();

		tc_err(&t, pith_cnode_mutate(R, R, dst, DEPTH, ep, DEPTH, 5),
		       PITH_E_REVOKE_FIRST, "mutate an original with a copy");
		tc_eq(&t, ident(ep).badge, 0, "the original keeps no badge");
		tc_ok(&t, pith_cnode_revoke(R, ep, DEPTH), "revoke");
		tc_eq(&t, cap_type(kid), PITH_CAP_NULL, "the copy is revoked");
		tc_ok(&t, pith_cnode_mutate(R, R, dst, DEPTH, ep, DEPTH, 5),
		      "mutate it without children");
		tc_eq(&t, ident(dst).badge, 5, "badge");
		slot_free(dst);
		slot_free(kid);
		slot_free(ep);
	}
	tc_end(&t);

	tc_begin(&t, "cnode_delete");
	tc_ok(&t, pith_cnode_delete(R, c, DEPTH), "delete");
	tc_eq(&t, cap_type(c), PITH_CAP_NULL, "the slot");
	tc_eq(&t, cap_type(nt), PITH_CAP_NOTIFICATION, "the original");
	tc_end(&t);

	expect_err("cnode_delete_empty_slot", pith_cnode_delete(R, c, DEPTH),
		   PITH_OK);

	/* Control capabilities move, though they do not copy. */
	tc_begin(&t, "cnode_move_control_capability");
	tc_ok(&t,
	      pith_cnode_move(R, R, c, DEPTH, PITH_SLOT_IOPORT_CONTROL, DEPTH),
	      "move it away");
	tc_eq(&t, cap_type(c), PITH_CAP_IOPORT_CONTROL, "in its new slot");
	tc_ok(&t,
	      pith_cnode_move(R, R, PITH_SLOT_IOPORT_CONTROL, DEPTH, c, DEPTH),
	      "move it back");
	tc_eq(&t, cap_type(PITH_SLOT_IOPORT_CONTROL), PITH_CAP_IOPORT_CONTROL,
	      "back in its slot");
	tc_end(&t);
	slot_free(a);
	slot_free(b);
	slot_free(c);
	slot_free(nt);
}

/* Slots of a CNode other than the root, addressed with its own depth. */
static void test_nested(void)
{
	pith_cptr_t cn = obj_new(PITH_OBJ_CNODE, 3), back = slot_alloc();
	struct tcase t;

	tc_begin(&t, "cnode_nested_copy_move_delete");
	tc_ok(&t, pith_cnode_copy(cn, R, 7, 3, PITH_SLOT_DEBUG, DEPTH, 0),
	      "copy into slot 7");
	tc_ok(&t, pith_cnode_move(cn, cn, 2, 3, 7, 3), "move 7 to 2");
	tc_ok(&t, pith_cnode_copy(R, cn, back, DEPTH, 2, 3, PITH_RIGHTS_ALL),
	      "copy slot 2 back to the root");
	tc_eq(&t, cap_type(back), PITH_CAP_DEBUG, "what came back");
	tc_eq(&t, ident(back).rights, 0, "with the rights it was given");
	tc_ok(&t, pith_cnode_delete(cn, 2, 3), "delete slot 2");
	tc_eq(&t, nested_cap_type(cn, 3, 2), PITH_CAP_NULL, "slot 2");
	tc_end(&t);
	slot_free(back);
	slot_free(cn);
}

static void test_lookup_errors(void)
{
	pith_cptr_t ep = obj_new(PITH_OBJ_ENDPOINT, 0);
	pith_cptr_t s = slot_alloc(), e = slot_alloc();

	expect_detail("cnode_copy_empty_source",
		      copy_r(s, DEPTH, e, DEPTH, PITH_RIGHTS_ALL),
		      PITH_E_FAILED_LOOKUP, 4, 1);
	expect_err(
		"cnode_copy_destination_occupied",
		copy_r(PITH_SLOT_DEBUG, DEPTH, ep, DEPTH, PITH_RIGHTS_ALL).err,
		PITH_E_DELETE_FIRST);
	expect_err("cnode_move_destination_occupied",
		   pith_cnode_move(R, R, PITH_SLOT_DEBUG, DEPTH, ep, DEPTH),
		   PITH_E_DELETE_FIRST);
	expect_detail("cnode_move_empty_source",
		      invoke(R, PITH_INV_CNODE_MOVE, WORDS(s, DEPTH, e, DEPTH),
			     CAPS(R)),
		      PITH_E_FAILED_LOOKUP, 4, 1);
	/* RANGE's detail is the index of the argument (ABI). */
	expect_detail("cnode_copy_dest_depth_0",
		      copy_r(s, 0, ep, DEPTH, PITH_RIGHTS_ALL), PITH_E_RANGE, 1,
		      ANY);
	expect_detail("cnode_copy_src_depth_65",
		      copy_r(s, DEPTH, ep, 65, PITH_RIGHTS_ALL), PITH_E_RANGE,
		      3, ANY);
	expect_detail("cnode_delete_depth_0",
		      invoke(R, PITH_INV_CNODE_DELETE, WORDS(ep, 0), NO_CAPS),
		      PITH_E_RANGE, 1, ANY);
	expect_detail("cnode_revoke_depth_65",
		      invoke(R, PITH_INV_CNODE_REVOKE, WORDS(ep, 65), NO_CAPS),
		      PITH_E_RANGE, 1, ANY);
	/* The root CNode resolves 64 bits at once: 32 ends inside it. */
	expect_detail("cnode_copy_dest_depth_not_a_slot",
		      copy_r(s, 32, ep, DEPTH, PITH_RIGHTS_ALL),
		      PITH_E_FAILED_LOOKUP, 5, 3);
	expect_detail("cnode_copy_src_depth_not_a_slot",
		      copy_r(s, DEPTH, ep, 63, PITH_RIGHTS_ALL),
		      PITH_E_FAILED_LOOKUP, 4, 3);
	expect_detail("cnode_delete_depth_not_a_slot",
		      invoke(R, PITH_INV_CNODE_DELETE, WORDS(ep, 12), NO_CAPS),
		      PITH_E_FAILED_LOOKUP, 5, 3);
	expect_detail("cnode_copy_dest_guard_mismatch",
		      copy_r(1ULL << 40 | s, DEPTH, ep, DEPTH, PITH_RIGHTS_ALL),
		      PITH_E_FAILED_LOOKUP, 5, 2);
	expect_detail("cnode_src_root_not_a_cnode",
		      invoke(R, PITH_INV_CNODE_COPY,
			     WORDS(s, DEPTH, ep, DEPTH, PITH_RIGHTS_ALL),
			     CAPS(ep)),
		      PITH_E_INVALID_CAPABILITY, 1, ANY);
	/* Not a CNode (call on an endpoint would be IPC, so an untyped). */
	expect_err("cnode_invoke_non_cnode",
		   invoke(untyped_pool(), PITH_INV_CNODE_DELETE,
			  WORDS(s, DEPTH), NO_CAPS)
			   .err,
		   PITH_E_ILLEGAL_OPERATION);
	expect_true("cnode_errors_left_slots_alone",
		    cap_type(s) == PITH_CAP_NULL &&
			    cap_type(ep) == PITH_CAP_ENDPOINT,
		    "a failed operation changed a slot");
	slot_free(e);
	slot_free(s);
	slot_free(ep);
}

/* Capabilities that exist once: control capabilities, and paging
 * structures (the capability records where the structure is mapped). */
static void test_uncopyable(void)
{
	pith_cptr_t pt = obj_new(PITH_OBJ_PAGE_TABLE, 0);
	pith_cptr_t pd = obj_new(PITH_OBJ_PAGE_DIRECTORY, 0);
	pith_cptr_t pdpt = obj_new(PITH_OBJ_PDPT, 0);
	pith_cptr_t s = slot_alloc(), vs;

	expect_err(
		"cnode_copy_irq_control",
		copy_r(s, DEPTH, PITH_SLOT_IRQ_CONTROL, DEPTH, PITH_RIGHTS_ALL)
			.err,
		PITH_E_ILLEGAL_OPERATION);
	expect_err("cnode_copy_ioport_control",
		   copy_r(s, DEPTH, PITH_SLOT_IOPORT_CONTROL, DEPTH,
			  PITH_RIGHTS_ALL)
			   .err,
		   PITH_E_ILLEGAL_OPERATION);
	expect_err("cnode_mint_asid_control",
		   pith_cnode_mint(R, R, s, DEPTH, PITH_SLOT_ASID_CONTROL,
				   DEPTH, PITH_RIGHTS_ALL, 0),
		   PITH_E_ILLEGAL_OPERATION);
	expect_err("cnode_copy_page_table",
		   copy_r(s, DEPTH, pt, DEPTH, PITH_RIGHTS_ALL).err,
		   PITH_E_ILLEGAL_OPERATION);
	expect_err("cnode_copy_page_directory",
		   copy_r(s, DEPTH, pd, DEPTH, PITH_RIGHTS_ALL).err,
		   PITH_E_ILLEGAL_OPERATION);
	expect_err("cnode_mint_pdpt",
		   pith_cnode_mint(R, R, s, DEPTH, pdpt, DEPTH, PITH_RIGHTS_ALL,
				   0),
		   PITH_E_ILLEGAL_OPERATION);
	/* A VSpace is copied only once it has its ASID. */
	vs = obj_new(PITH_OBJ_VSPACE, 0);
	expect_err("cnode_copy_vspace_without_asid",
		   copy_r(s, DEPTH, vs, DEPTH, PITH_RIGHTS_ALL).err,
		   PITH_E_ILLEGAL_OPERATION);
	if (pith_asid_pool_assign(PITH_SLOT_ASID_POOL, vs) == PITH_OK)
		expect_err("cnode_copy_vspace_with_asid",
			   copy_r(s, DEPTH, vs, DEPTH, PITH_RIGHTS_ALL).err,
			   PITH_OK);
	else
		expect_true("cnode_copy_vspace_with_asid", false,
			    "asid_pool.assign failed");
	pith_cnode_delete(R, s, DEPTH);
	slot_free(s);
	slot_free(vs);
	slot_free(pdpt);
	slot_free(pd);
	slot_free(pt);
}

static bool all_null(const pith_cptr_t *s, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (cap_type(s[i]) != PITH_CAP_NULL)
			return false;
	}
	return true;
}

/* Revoke removes copies and mints of the capability (and theirs), never
 * the capability itself or its siblings. */
static void test_revoke(void)
{
	pith_cptr_t ut = obj_new(PITH_OBJ_UNTYPED, 12);
	pith_cptr_t ep = obj_new_from(ut, PITH_OBJ_ENDPOINT, 0);
	pith_cptr_t sib = obj_new_from(ut, PITH_OBJ_ENDPOINT, 0);
	pith_cptr_t sib_copy = cap_copy(sib, PITH_RIGHTS_ALL);
	pith_cptr_t kids[4], moved = slot_alloc();
	struct tcase t;

	tc_begin(&t, "cdt_revoke_removes_descendants");
	kids[0] = cap_copy(ep, PITH_RIGHTS_ALL);
	kids[1] = cap_mint(ep, PITH_RIGHT_WRITE, 5);
	kids[2] = cap_copy(kids[1], PITH_RIGHTS_ALL);
	kids[3] = cap_copy(ep, PITH_RIGHT_READ);
	/* A moved descendant keeps its place in the tree. */
	tc_ok(&t, pith_cnode_move(R, R, moved, DEPTH, kids[3], DEPTH),
	      "move a copy");
	kids[3] = moved;
	tc_ok(&t, pith_cnode_revoke(R, ep, DEPTH), "revoke");
	tc_true(&t, all_null(kids, 4), "a copy or mint survived");
	tc_eq(&t, cap_type(ep), PITH_CAP_ENDPOINT, "the revoked capability");
	tc_eq(&t, cap_type(sib), PITH_CAP_ENDPOINT, "a sibling");
	tc_eq(&t, cap_type(sib_copy), PITH_CAP_ENDPOINT, "the sibling's copy");
	tc_eq(&t, cap_type(ut), PITH_CAP_UNTYPED, "the parent untyped");
	tc_end(&t);
	for (unsigned i = 0; i < 4; i++)
		slot_free(kids[i]);

	/* A badged mint is the parent of its copies only. */
	tc_begin(&t, "cdt_revoke_badged_mint");
	{
		pith_cptr_t m5 = cap_mint(ep, PITH_RIGHTS_ALL, 5);
		pith_cptr_t m5c[2] = {cap_copy(m5, PITH_RIGHTS_ALL),
				      cap_copy(m5, PITH_RIGHT_READ)};
		pith_cptr_t m6 = cap_mint(ep, PITH_RIGHTS_ALL, 6);
		pith_cptr_t m6c = cap_copy(m6, PITH_RIGHTS_ALL);
		pith_cptr_t plain = cap_copy(ep, PITH_RIGHTS_ALL);

		tc_ok(&t, pith_cnode_revoke(R, m5, DEPTH), "revoke the mint");
		tc_true(&t, all_null(m5c, 2), "a copy of the mint survived");
		tc_eq(&t, ident(m5).badge, 5, "the mint itself");
		tc_eq(&t, ident(m6).badge, 6, "the other mint");
		tc_eq(&t, ident(m6c).badge, 6, "the other mint's copy");
		tc_eq(&t, cap_type(plain), PITH_CAP_ENDPOINT,
		      "an unbadged copy of the original");
		tc_eq(&t, cap_type(ep), PITH_CAP_ENDPOINT, "the original");
		tc_ok(&t, pith_cnode_revoke(R, ep, DEPTH),
		      "revoke the original");
		tc_eq(&t, cap_type(m6c), PITH_CAP_NULL,
		      "the other mint's copy, after revoking the original");
		tc_eq(&t, cap_type(m5), PITH_CAP_NULL,
		      "the mint, after revoking the original");
		slot_free(m5c[0]);
		slot_free(m5c[1]);
		slot_free(m5);
		slot_free(m6);
		slot_free(m6c);
		slot_free(plain);
	}
	tc_end(&t);

	expect_err("cnode_revoke_no_children", pith_cnode_revoke(R, ep, DEPTH),
		   PITH_OK);
	slot_free(sib_copy);
	slot_free(sib);
	slot_free(ep);
	slot_free(ut);
}

/* An object lives while any capability to it does: its untyped's
 * watermark drops to 0 only when the last one goes. */
static void test_last_capability(void)
{
	pith_cptr_t ut = obj_new(PITH_OBJ_UNTYPED, 12);
	pith_cptr_t nt = obj_new_from(ut, PITH_OBJ_NOTIFICATION, 0);
	pith_cptr_t copy = cap_copy(nt, PITH_RIGHTS_ALL);
	uint64_t word = 0;
	struct tcase t;

	tc_begin(&t, "cdt_delete_last_capability_destroys");
	tc_true(&t, ut && nt && copy, "setup");
	tc_ok(&t, pith_notification_signal(nt), "signal");
	tc_ok(&t, pith_cnode_delete(R, nt, DEPTH), "delete the original");
	tc_eq(&t, untyped_watermark(ut), 64, "a copy keeps the object");
	tc_ok(&t, pith_notification_poll(copy, &word), "poll the copy");
	tc_eq(&t, word, 1, "the signal survived the original's deletion");
	tc_ok(&t, pith_cnode_delete(R, copy, DEPTH), "delete the last one");
	tc_eq(&t, untyped_watermark(ut), 0, "the object is gone");
	tc_end(&t);
	slot_free(copy);
	slot_free(nt);
	slot_free(ut);
}

/* CNode.Identify tells a program what its own slots hold, as Debug.Identify
 * does, but with only the CNode's authority; nested CNodes too. */
static void test_identify(void)
{
	pith_cptr_t nt = obj_new(PITH_OBJ_NOTIFICATION, 0);
	pith_cptr_t cn = obj_new(PITH_OBJ_CNODE, 3);
	pith_cptr_t m = cap_mint(nt, PITH_RIGHT_WRITE, 0x55), e = slot_alloc();
	uint64_t type = 99, rights = 99, badge = 99;
	struct tcase t;

	tc_begin(&t, "cnode_identify");
	tc_ok(&t, pith_cnode_identify(R, m, DEPTH, &type, &rights, &badge),
	      "identify a minted notification");
	tc_eq(&t, type, PITH_CAP_NOTIFICATION, "type");
	tc_eq(&t, rights, PITH_RIGHT_WRITE, "rights");
	tc_eq(&t, badge, 0x55, "badge");
	tc_ok(&t, pith_cnode_identify(R, e, DEPTH, &type, &rights, &badge),
	      "identify an empty slot");
	tc_eq(&t, type, PITH_CAP_NULL, "empty: null");
	tc_eq(&t, rights | badge, 0, "empty: no rights or badge");
	tc_ok(&t, pith_cnode_copy(cn, R, 5, 3, nt, DEPTH, PITH_RIGHT_READ),
	      "copy into a nested CNode");
	tc_ok(&t, pith_cnode_identify(cn, 5, 3, &type, &rights, &badge),
	      "identify a slot of the nested CNode");
	tc_eq(&t, type, PITH_CAP_NOTIFICATION, "nested: type");
	tc_eq(&t, rights, PITH_RIGHT_READ, "nested: rights");
	tc_end(&t);
	expect_detail("cnode_identify_depth_0",
		      invoke(R, PITH_INV_CNODE_IDENTIFY, WORDS(m, 0), NO_CAPS),
		      PITH_E_RANGE, 1, ANY);
	expect_detail("cnode_identify_not_a_slot",
		      invoke(R, PITH_INV_CNODE_IDENTIFY, WORDS(m, 12), NO_CAPS),
		      PITH_E_FAILED_LOOKUP, 5, 3);
	slot_free(e);
	slot_free(m);
	slot_free(cn);
	slot_free(nt);
}

void test_cnode(void)
{
	test_copy_mint();
	test_guard();
	test_move_mutate_delete();
	test_nested();
	test_lookup_errors();
	test_uncopyable();
	test_revoke();
	test_last_capability();
	test_identify();
}
