/*
 * Host tests for the capability derivation tree (caps/cdt.c) and the CNode
 * operations that build it (caps/cnode.c): parenthood and finality on
 * hand-built chains, then copy, mint, move, mutate, delete and revoke
 * through the real invocation path. Rights and badges only ever narrow;
 * revoke removes exactly the descendants.
 */
#include "fixture.h"

#include "caps/cdt.h"
#include "caps/object.h"
#include "ipc/endpoint.h"
#include "ipc/notification.h"
#include "kernel/mem.h"

#define ALL	      PITH_RIGHTS_ALL
#define R	      PITH_RIGHT_READ
#define W	      PITH_RIGHT_WRITE
#define UT	      FX_SLOT_UNTYPED
#define BADGE_TYPES_N 2 /* endpoints and notifications */

/* ---- hand-built chains -------------------------------------------------- */

/* 2^bits zeroed slots outside any CNode. */
static struct cte *slots(unsigned bits)
{
	return fx_boot_alloc(bits + CTE_SIZE_BITS);
}

static struct cap ep_cap(const struct endpoint *e, uint64_t badge)
{
	return (struct cap){.type = PITH_CAP_ENDPOINT,
			    .rights = ALL,
			    .endpoint = {(struct endpoint *)e, badge}};
}

static struct cap ntfn_cap(const struct notification *n, uint64_t badge)
{
	return (struct cap){.type = PITH_CAP_NOTIFICATION,
			    .rights = ALL,
			    .notification = {(struct notification *)n, badge}};
}

/* An endpoint or notification capability (badge_type 0 or 1) to the
 * object at `obj`. */
static struct cap badged_cap(int badge_type, const void *obj, uint64_t badge)
{
	return badge_type == 0 ? ep_cap(obj, badge) : ntfn_cap(obj, badge);
}

static struct cap untyped_cap(uint64_t paddr, unsigned bits)
{
	return (struct cap){.type = PITH_CAP_UNTYPED,
			    .rights = ALL,
			    .size_bits = (uint8_t)bits,
			    .untyped.paddr = paddr};
}

static struct cap frame_cap(uint64_t paddr, unsigned bits)
{
	return (struct cap){.type = PITH_CAP_FRAME,
			    .rights = ALL,
			    .size_bits = (uint8_t)bits,
			    .page.paddr = paddr};
}

static struct cap handler(unsigned vector)
{
	return (struct cap){.type = PITH_CAP_IRQ_HANDLER,
			    .rights = ALL,
			    .irq.vector = vector};
}

static struct cap ioport(uint64_t first, uint64_t last)
{
	return (struct cap){.type = PITH_CAP_IOPORT,
			    .rights = ALL,
			    .ioport = {first, last}};
}

static void test_insert_links_after_parent_and_unlink(void **state)
{
	struct cte *s = slots(2);
	const struct endpoint *e = fx_boot_alloc(ENDPOINT_SIZE_BITS);

	(void)state;
	cdt_insert(NULL, &s[0], ep_cap(e, 0), MDB_REVOCABLE);
	cdt_insert(&s[0], &s[1], ep_cap(e, 0), 0);
	cdt_insert(&s[0], &s[2], ep_cap(e, 0), 0);
	/* s0, s2, s1: each insertion goes right after its parent. */
	assert_null(s[0].mdb_prev);
	assert_ptr_equal(s[0].mdb_next, &s[2]);
	assert_ptr_equal(s[2].mdb_prev, &s[0]);
	assert_ptr_equal(s[2].mdb_next, &s[1]);
	assert_ptr_equal(s[1].mdb_prev, &s[2]);
	assert_null(s[1].mdb_next);
	assert_int_equal(s[0].mdb_flags, MDB_REVOCABLE);
	assert_int_equal(s[2].mdb_flags, 0);
	assert_int_equal(fx_check_list(&s[1]), 3);

	cdt_unlink(&s[2]);
	assert_ptr_equal(s[0].mdb_next, &s[1]);
	assert_ptr_equal(s[1].mdb_prev, &s[0]);
	assert_null(s[2].mdb_prev);
	assert_null(s[2].mdb_next);
	assert_int_equal(s[2].cap.type, PITH_CAP_ENDPOINT); /* cap stays */
	assert_int_equal(fx_check_list(&s[0]), 2);
	/* Unlinking the ends. */
	cdt_unlink(&s[0]);
	assert_null(s[1].mdb_prev);
	cdt_unlink(&s[1]);
	assert_null(s[1].mdb_next);
}

static void test_parent_of_untyped_is_containment(void **state)
{
	struct cte *s = slots(3);
	uint64_t base = MACHINE_RAM_BASE;

	(void)state;
	cdt_insert(NULL, &s[0], untyped_cap(base, 13), MDB_REVOCABLE);
	/* First and last page of the 8 KiB block: inside. */
	cdt_insert(&s[0], &s[1], frame_cap(base, 12), MDB_REVOCABLE);
	assert_true(cdt_is_parent_of(&s[0], &s[1]));
	assert_true(cdt_has_children(&s[0]));
	s[2].cap = frame_cap(base + 0x1000, 12);
	assert_true(cdt_is_parent_of(&s[0], &s[2]));
	/* Just past the end, straddling it, before it: outside. */
	s[3].cap = frame_cap(base + 0x2000, 12);
	assert_false(cdt_is_parent_of(&s[0], &s[3]));
	s[4].cap = untyped_cap(base, 14);
	assert_false(cdt_is_parent_of(&s[0], &s[4]));
	s[5].cap = frame_cap(base - 0x1000, 12);
	assert_false(cdt_is_parent_of(&s[0], &s[5]));
	/* Objects without a region (control caps) are not in any untyped. */
	s[6].cap = (struct cap){.type = PITH_CAP_IRQ_CONTROL, .rights = ALL};
	assert_false(cdt_is_parent_of(&s[0], &s[6]));
	/* A non-revocable untyped (not an original) has no children. */
	s[7].cap = untyped_cap(base, 13);
	s[7].mdb_flags = 0;
	assert_false(cdt_is_parent_of(&s[7], &s[1]));
}

/* Endpoints and notifications alike: an unbadged original is the parent of
 * copies and badged mints; a badged original only of copies with its
 * badge; a copy of nothing. */
static void test_parent_of_badged_objects(void **state)
{
	(void)state;
	for (int t = 0; t < BADGE_TYPES_N; t++) {
		struct cte *s = slots(3);
		const void *obj = fx_boot_alloc(NOTIFICATION_SIZE_BITS);
		const void *other = fx_boot_alloc(NOTIFICATION_SIZE_BITS);
		const uint64_t rev = MDB_REVOCABLE | MDB_FIRST_BADGED;

		s[0].cap = badged_cap(t, obj, 0); /* the original */
		s[0].mdb_flags = rev;
		s[1].cap = badged_cap(t, obj, 0); /* a copy */
		s[2].cap = badged_cap(t, obj, 5); /* a mint */
		s[2].mdb_flags = rev;
		s[3].cap = badged_cap(t, obj, 5); /* a copy of the mint */
		s[4].cap = badged_cap(t, obj, 5); /* another mint, same badge */
		s[4].mdb_flags = rev;
		s[5].cap = badged_cap(t, obj, 6);   /* a copy, other badge */
		s[6].cap = badged_cap(t, other, 5); /* another object */

		assert_true(cdt_is_parent_of(&s[0], &s[1]));
		assert_true(cdt_is_parent_of(&s[0], &s[2]));
		assert_true(cdt_is_parent_of(&s[0], &s[3]));
		assert_true(cdt_is_parent_of(&s[0], &s[4]));
		assert_false(cdt_is_parent_of(&s[0], &s[6]));

		assert_true(cdt_is_parent_of(&s[2], &s[3]));
		assert_false(cdt_is_parent_of(&s[2], &s[4]));
		assert_false(cdt_is_parent_of(&s[2], &s[5]));
		assert_false(cdt_is_parent_of(&s[2], &s[1]));
		assert_false(cdt_is_parent_of(&s[2], &s[6]));

		/* Copies are never parents. */
		assert_false(cdt_is_parent_of(&s[1], &s[3]));
		assert_false(cdt_is_parent_of(&s[3], &s[3]));
	}
}

static void test_has_children_looks_at_the_next_slot(void **state)
{
	struct cte *s = slots(2);
	const struct endpoint *e = fx_boot_alloc(ENDPOINT_SIZE_BITS);
	const struct endpoint *e2 = fx_boot_alloc(ENDPOINT_SIZE_BITS);

	(void)state;
	cdt_insert(NULL, &s[0], ep_cap(e, 0), MDB_REVOCABLE);
	assert_false(cdt_has_children(&s[0])); /* alone */
	cdt_insert(&s[0], &s[1], ep_cap(e2, 0), MDB_REVOCABLE);
	assert_false(cdt_has_children(&s[0])); /* a sibling follows */
	cdt_insert(&s[0], &s[2], ep_cap(e, 0), 0);
	assert_true(cdt_has_children(&s[0]));
	assert_false(cdt_has_children(&s[2])); /* a copy */
	assert_false(cdt_has_children(&s[1])); /* the last */
}

static void test_final_means_no_neighbour_names_the_object(void **state)
{
	struct cte *s = slots(4);
	const struct endpoint *e = fx_boot_alloc(ENDPOINT_SIZE_BITS);
	const struct endpoint *e2 = fx_boot_alloc(ENDPOINT_SIZE_BITS);

	(void)state;
	cdt_insert(NULL, &s[0], ep_cap(e, 0), MDB_REVOCABLE);
	assert_true(cdt_is_final(&s[0]));
	cdt_insert(&s[0], &s[1], ep_cap(e, 7), 0); /* badge: same object */
	cdt_insert(&s[1], &s[2], ep_cap(e2, 0), MDB_REVOCABLE);
	assert_false(cdt_is_final(&s[0]));
	assert_false(cdt_is_final(&s[1]));
	assert_true(cdt_is_final(&s[2]));
	cdt_unlink(&s[1]);
	assert_true(cdt_is_final(&s[0]));
	assert_true(cdt_is_final(&s[2]));

	/* IRQ handlers: the same vector is the same object. */
	cdt_insert(NULL, &s[3], handler(0x41), MDB_REVOCABLE);
	cdt_insert(&s[3], &s[4], handler(0x42), MDB_REVOCABLE);
	assert_true(cdt_is_final(&s[3]));
	assert_true(cdt_is_final(&s[4]));
	cdt_insert(&s[3], &s[5], handler(0x41), 0);
	assert_false(cdt_is_final(&s[3]));
	assert_false(cdt_is_final(&s[5]));
	assert_true(cdt_is_final(&s[4]));

	/* I/O ports: the same range is the same object, an overlapping one
	 * is not. */
	cdt_insert(NULL, &s[6], ioport(0x60, 0x64), MDB_REVOCABLE);
	cdt_insert(&s[6], &s[7], ioport(0x60, 0x6f), MDB_REVOCABLE);
	assert_true(cdt_is_final(&s[6]));
	assert_true(cdt_is_final(&s[7]));
	cdt_insert(&s[7], &s[11], ioport(0x60, 0x6f), 0);
	assert_false(cdt_is_final(&s[7]));

	/* Frames: a 4 KiB and a 2 MiB frame at one address differ. */
	cdt_insert(NULL, &s[8], frame_cap(MACHINE_RAM_BASE, 21), 0);
	cdt_insert(&s[8], &s[9], frame_cap(MACHINE_RAM_BASE, 12), 0);
	assert_true(cdt_is_final(&s[8]));
	cdt_insert(&s[9], &s[10], frame_cap(MACHINE_RAM_BASE, 12), 0);
	assert_false(cdt_is_final(&s[9]));
}

static void test_move_takes_the_place_in_the_list(void **state)
{
	struct cte *s = slots(3);
	const struct endpoint *e = fx_boot_alloc(ENDPOINT_SIZE_BITS);
	uint64_t base = virt_to_phys(e) & ~0xfffULL;

	(void)state;
	cdt_insert(NULL, &s[0], untyped_cap(base, 12), MDB_REVOCABLE);
	cdt_insert(&s[0], &s[1], ep_cap(e, 0), MDB_REVOCABLE);
	cdt_insert(&s[1], &s[2], ep_cap(e, 0), 0);
	cdt_insert(&s[2], &s[3], frame_cap(MACHINE_RAM_BASE, 12), 0);

	cdt_move(&s[1], &s[5], s[1].cap);
	assert_int_equal(s[1].cap.type, PITH_CAP_NULL);
	assert_null(s[1].mdb_prev);
	assert_null(s[1].mdb_next);
	assert_int_equal(s[1].mdb_flags, 0);
	assert_ptr_equal(s[0].mdb_next, &s[5]);
	assert_ptr_equal(s[5].mdb_prev, &s[0]);
	assert_ptr_equal(s[5].mdb_next, &s[2]);
	assert_ptr_equal(s[2].mdb_prev, &s[5]);
	assert_int_equal(s[5].mdb_flags, MDB_REVOCABLE);
	assert_true(cdt_is_parent_of(&s[0], &s[5]));
	assert_true(cdt_has_children(&s[5]));
	assert_int_equal(fx_check_list(&s[3]), 4);
	/* Moving the head and the tail of the list. */
	cdt_move(&s[0], &s[6], s[0].cap);
	assert_null(s[6].mdb_prev);
	assert_ptr_equal(s[5].mdb_prev, &s[6]);
	cdt_move(&s[3], &s[7], s[3].cap);
	assert_null(s[7].mdb_next);
	assert_ptr_equal(s[2].mdb_next, &s[7]);
	assert_int_equal(fx_check_list(&s[6]), 4);
}

static void test_derived_flags(void **state)
{
	const struct endpoint *e = fx_boot_alloc(ENDPOINT_SIZE_BITS);
	struct cap ep0 = ep_cap(e, 0), ep5 = ep_cap(e, 5);
	struct cap irqc = {.type = PITH_CAP_IRQ_CONTROL};
	struct cap irqh = {.type = PITH_CAP_IRQ_HANDLER, .irq.vector = 0x80};
	struct cap ioc = {.type = PITH_CAP_IOPORT_CONTROL};
	struct cap io = {.type = PITH_CAP_IOPORT, .ioport = {1, 2}};
	struct cap ut = untyped_cap(MACHINE_RAM_BASE, 12);
	struct cap fr = frame_cap(MACHINE_RAM_BASE, 12);

	(void)state;
	assert_int_equal(cdt_derived_flags(&ep0, &ep0), 0);
	assert_int_equal(cdt_derived_flags(&ep5, &ep0),
			 MDB_REVOCABLE | MDB_FIRST_BADGED);
	assert_int_equal(cdt_derived_flags(&ep5, &ep5), 0);
	assert_int_equal(cdt_derived_flags(&ut, &ut), MDB_REVOCABLE);
	assert_int_equal(cdt_derived_flags(&irqh, &irqc), MDB_REVOCABLE);
	assert_int_equal(cdt_derived_flags(&irqh, &irqh), 0);
	assert_int_equal(cdt_derived_flags(&io, &ioc), MDB_REVOCABLE);
	assert_int_equal(cdt_derived_flags(&io, &io), 0);
	assert_int_equal(cdt_derived_flags(&fr, &fr), 0);
}

/* ---- through the invocation path ---------------------------------------- */

static void test_revoke_removes_exactly_the_descendants(void **state)
{
	enum {
		SIB = 16,
		SIB_COPY,
		E,
		COPY,
		MINT,
		MINT_COPY,
		COPY_COPY,
		COPY_MINT,
		COPY_MINT_COPY,
	};
	const struct endpoint *ep;

	(void)state;
	/* The sibling first: it then follows E's subtree in the list, so
	 * revoking E must stop at it. */
	assert_ok(fx_retype(UT, PITH_OBJ_ENDPOINT, 0, SIB, 1));
	assert_ok(fx_copy(SIB_COPY, SIB, ALL));
	assert_ok(fx_retype(UT, PITH_OBJ_ENDPOINT, 0, E, 1));
	assert_ok(fx_copy(COPY, E, ALL));
	assert_ok(fx_mint(MINT, E, ALL, 5));
	assert_ok(fx_copy(MINT_COPY, MINT, ALL));
	assert_ok(fx_copy(COPY_COPY, COPY, ALL));
	assert_ok(fx_mint(COPY_MINT, COPY, ALL, 9));
	assert_ok(fx_copy(COPY_MINT_COPY, COPY_MINT, R));
	ep = fx_cap(E)->endpoint.ep;
	/* UT, E and six descendants, SIB, SIB_COPY. */
	assert_int_equal(fx_check_list(fx_slot(E)), 10);

	assert_ok(fx_revoke(E));
	for (uint64_t s = COPY; s <= COPY_MINT_COPY; s++)
		assert_empty(s);
	/* Not the slot itself, its siblings or its ancestor. */
	assert_int_equal(fx_cap(E)->type, PITH_CAP_ENDPOINT);
	assert_ptr_equal(fx_cap(E)->endpoint.ep, ep);
	assert_int_equal(fx_cap(E)->endpoint.badge, 0);
	assert_int_equal(fx_cap(E)->rights, ALL);
	assert_int_equal(fx_cap(SIB)->type, PITH_CAP_ENDPOINT);
	assert_int_equal(fx_cap(SIB_COPY)->type, PITH_CAP_ENDPOINT);
	assert_int_equal(fx_cap(UT)->type, PITH_CAP_UNTYPED);
	assert_int_equal(fx_check_list(fx_slot(E)), 4);
	assert_false(cdt_has_children(fx_slot(E)));
	assert_true(cdt_has_children(fx_slot(UT)));
	/* Again: nothing left to remove. */
	assert_ok(fx_revoke(E));
	assert_int_equal(fx_check_list(fx_slot(E)), 4);
}

static void test_revoke_of_a_leaf_removes_nothing(void **state)
{
	(void)state;
	assert_ok(fx_retype(UT, PITH_OBJ_NOTIFICATION, 0, 16, 1));
	assert_ok(fx_copy(17, 16, ALL));
	assert_ok(fx_copy(18, 16, ALL));
	assert_ok(fx_revoke(17));
	assert_int_equal(fx_cap(16)->type, PITH_CAP_NOTIFICATION);
	assert_int_equal(fx_cap(17)->type, PITH_CAP_NOTIFICATION);
	assert_int_equal(fx_cap(18)->type, PITH_CAP_NOTIFICATION);
	/* An empty slot revokes to nothing. */
	assert_ok(fx_revoke(40));
}

static void test_revoke_of_a_badged_mint_removes_only_its_copies(void **state)
{
	enum {
		E = 16,
		M5,
		M5_COPY,
		M5_COPY_COPY,
		M7,
		M7_COPY,
		M5B,
		M5B_COPY,
		E_COPY
	};

	(void)state;
	assert_ok(fx_retype(UT, PITH_OBJ_ENDPOINT, 0, E, 1));
	/* A second mint with badge 5 made first, so that it directly
	 * follows M5's copies in the list. */
	assert_ok(fx_mint(M5B, E, ALL, 5));
	assert_ok(fx_mint(M5, E, ALL, 5));
	assert_ok(fx_copy(M5_COPY, M5, ALL));
	assert_ok(fx_copy(M5_COPY_COPY, M5_COPY, ALL));
	assert_ok(fx_copy(M5B_COPY, M5B, ALL));
	assert_ok(fx_mint(M7, E, ALL, 7));
	assert_ok(fx_copy(M7_COPY, M7, ALL));
	assert_ok(fx_copy(E_COPY, E, ALL));
	assert_ptr_equal(fx_slot(M5_COPY_COPY)->mdb_next, fx_slot(M5B));
	assert_true(cdt_is_parent_of(fx_slot(M5), fx_slot(M5_COPY)));

	assert_ok(fx_revoke(M5));
	assert_empty(M5_COPY);
	assert_empty(M5_COPY_COPY);
	assert_int_equal(fx_cap(M5)->endpoint.badge, 5);
	assert_int_equal(fx_cap(M5B)->endpoint.badge, 5);
	assert_int_equal(fx_cap(M5B_COPY)->endpoint.badge, 5);
	assert_int_equal(fx_cap(M7)->endpoint.badge, 7);
	assert_int_equal(fx_cap(M7_COPY)->endpoint.badge, 7);
	assert_int_equal(fx_cap(E_COPY)->type, PITH_CAP_ENDPOINT);

	/* The original's revoke takes every mint and copy. */
	assert_ok(fx_revoke(E));
	for (uint64_t s = M5; s <= E_COPY; s++)
		assert_empty(s);
	assert_int_equal(fx_cap(E)->type, PITH_CAP_ENDPOINT);
}

static void test_delete_of_a_copy_keeps_the_object(void **state)
{
	(void)state;
	assert_ok(fx_retype(UT, PITH_OBJ_NOTIFICATION, 0, 16, 1));
	assert_ok(fx_copy(17, 16, ALL));
	assert_ok(fx_delete(16));
	assert_empty(16);
	/* The copy still works and still counts as made from the untyped. */
	assert_ok(fx_call(PITH_INV_NOTIFICATION_SIGNAL, 17, FX_NONE, FX_NONE));
	assert_ok(fx_call(PITH_INV_NOTIFICATION_POLL, 17, FX_NONE, FX_NONE));
	assert_int_equal(fx_last.mr[0], 1);
	assert_true(cdt_is_parent_of(fx_slot(UT), fx_slot(17)));
	assert_int_not_equal(fx_watermark(UT), 0);
	assert_ok(fx_delete(17));
	assert_empty(17);
	assert_int_equal(fx_watermark(UT), 0);
	/* Deleting an empty slot is not an error. */
	assert_ok(fx_delete(17));
}

static void test_move_keeps_the_tree_position(void **state)
{
	(void)state;
	assert_ok(fx_retype(UT, PITH_OBJ_ENDPOINT, 0, 16, 1));
	assert_ok(fx_copy(17, 16, ALL));
	assert_ok(fx_move(30, 16));
	assert_empty(16);
	assert_int_equal(fx_cap(30)->type, PITH_CAP_ENDPOINT);
	assert_ok(fx_revoke(30));
	assert_empty(17);

	/* A moved child stays a child. */
	assert_ok(fx_copy(18, 30, ALL));
	assert_ok(fx_move(31, 18));
	assert_ok(fx_revoke(30));
	assert_empty(31);

	/* Refusals leave both slots alone. */
	assert_ok(fx_copy(19, 30, ALL));
	assert_err(fx_move(19, 30), PITH_E_DELETE_FIRST);
	assert_int_equal(fx_cap(30)->type, PITH_CAP_ENDPOINT);
	assert_err(fx_move(20, 21), PITH_E_FAILED_LOOKUP);
	assert_detail(LOOKUP_WHICH_SOURCE, 1);
	assert_empty(20);

	/* Moved caps are still revoked with their untyped. */
	assert_ok(fx_move(40, 30));
	assert_ok(fx_revoke(UT));
	assert_empty(40);
	assert_empty(19);
	assert_int_equal(fx_watermark(UT), 0);
}

static void test_mutate_sets_a_missing_badge_only(void **state)
{
	(void)state;
	assert_ok(fx_retype(UT, PITH_OBJ_ENDPOINT, 0, 16, 1));
	assert_ok(fx_copy(17, 16, R | W));
	assert_ok(fx_mutate(18, 17, 5));
	assert_empty(17);
	assert_int_equal(fx_cap(18)->endpoint.badge, 5);
	assert_int_equal(fx_cap(18)->rights, R | W);
	assert_err(fx_mutate(19, 18, 6), PITH_E_ILLEGAL_OPERATION);
	assert_empty(19);
	assert_int_equal(fx_cap(18)->endpoint.badge, 5);
	assert_ok(fx_mutate(19, 18, 0));
	assert_int_equal(fx_cap(19)->endpoint.badge, 5);
	/* Still a descendant of the original. */
	assert_ok(fx_revoke(16));
	assert_empty(19);

	/* CNodes take a guard; other objects no data at all. */
	assert_ok(fx_retype(UT, PITH_OBJ_CNODE, 2, 20, 1));
	assert_ok(fx_mutate(21, 20, 3 | 5 << 6));
	assert_int_equal(fx_cap(21)->u32, 3);
	assert_int_equal(fx_cap(21)->cnode.guard, 5);
	assert_ok(fx_retype(UT, PITH_OBJ_FRAME_4K, 0, 22, 1));
	assert_err(fx_mutate(23, 22, 1), PITH_E_INVALID_ARGUMENT);
	assert_detail(4, 0);
	assert_int_equal(fx_cap(22)->type, PITH_CAP_FRAME);
	assert_empty(23);
}

/* Mutating an original that has descendants must not let them escape its
 * revoke: either mutate refuses, or the descendants stay descendants. */
static void test_mutate_of_an_original_keeps_its_descendants(void **state)
{
	uint64_t err;

	(void)state;
	assert_ok(fx_retype(UT, PITH_OBJ_ENDPOINT, 0, 16, 1));
	assert_ok(fx_copy(17, 16, ALL));
	assert_ok(fx_mint(18, 16, ALL, 3));
	err = fx_mutate(30, 16, 5);
	if (err != PITH_OK) {
		assert_int_equal(fx_cap(16)->type, PITH_CAP_ENDPOINT);
		return;
	}
	assert_ok(fx_revoke(30));
	if (!cap_is_null(fx_cap(17)) || !cap_is_null(fx_cap(18)))
		fail_msg("BUG: mutating the original endpoint (badge 0 -> 5) "
			 "succeeded, and its revoke then left its copy "
			 "(slot 17: %s) and its badge-3 mint (slot 18: %s): "
			 "they escaped revocation",
			 cap_is_null(fx_cap(17)) ? "gone" : "still there",
			 cap_is_null(fx_cap(18)) ? "gone" : "still there");
}

static void test_rights_only_narrow(void **state)
{
	(void)state;
	assert_ok(fx_retype(UT, PITH_OBJ_NOTIFICATION, 0, 16, 1));
	assert_ok(fx_copy(17, 16, R | W));
	assert_int_equal(fx_cap(17)->rights, R | W);
	assert_ok(fx_mint(18, 17, ALL, 0));
	assert_int_equal(fx_cap(18)->rights, R | W);
	assert_ok(fx_copy(19, 18, R | PITH_RIGHT_GRANT));
	assert_int_equal(fx_cap(19)->rights, R);
	assert_ok(fx_copy(20, 19, ALL));
	assert_int_equal(fx_cap(20)->rights, R);
	assert_ok(fx_mint(21, 19, ALL, 7));
	assert_int_equal(fx_cap(21)->rights, R);
	assert_ok(fx_move(22, 20));
	assert_int_equal(fx_cap(22)->rights, R);
	assert_ok(fx_mutate(23, 22, 9));
	assert_int_equal(fx_cap(23)->rights, R);
	assert_ok(fx_copy(24, 16, 0));
	assert_int_equal(fx_cap(24)->rights, 0);

	/* The invocation layer holds them to it. */
	assert_err(fx_call(PITH_INV_NOTIFICATION_SIGNAL, 23, FX_NONE, FX_NONE),
		   PITH_E_MISSING_RIGHTS);
	assert_detail(W, 0);
	assert_ok(fx_call(PITH_INV_NOTIFICATION_SIGNAL, 17, FX_NONE, FX_NONE));
	assert_ok(fx_call(PITH_INV_NOTIFICATION_POLL, 23, FX_NONE, FX_NONE));
	assert_int_equal(fx_last.mr[0], 1);

	/* Rights that do not exist are refused, not ignored. */
	assert_err(fx_copy(25, 16, ALL + 1), PITH_E_INVALID_ARGUMENT);
	assert_detail(4, 0);
	assert_err(fx_mint(25, 16, 1ULL << 40, 0), PITH_E_INVALID_ARGUMENT);
	assert_empty(25);
}

static void test_badges_are_set_once(void **state)
{
	(void)state;
	for (unsigned type = PITH_OBJ_ENDPOINT; type <= PITH_OBJ_NOTIFICATION;
	     type++) {
		assert_ok(fx_retype(UT, type, 0, 16, 1));
		assert_ok(fx_mint(17, 16, ALL, 5));
		assert_int_equal(cap_badge(fx_cap(17)), 5);
		assert_err(fx_mint(18, 17, ALL, 6), PITH_E_ILLEGAL_OPERATION);
		assert_empty(18);
		assert_ok(fx_mint(18, 17, ALL, 0)); /* 0 keeps the badge */
		assert_int_equal(cap_badge(fx_cap(18)), 5);
		assert_ok(fx_copy(19, 17, ALL));
		assert_int_equal(cap_badge(fx_cap(19)), 5);
		assert_err(fx_mutate(20, 19, 7), PITH_E_ILLEGAL_OPERATION);
		assert_int_equal(cap_badge(fx_cap(19)), 5);
		assert_empty(20);
		assert_ok(fx_mint(20, 16, ALL, UINT64_MAX));
		assert_int_equal(cap_badge(fx_cap(20)), UINT64_MAX);
		assert_ok(fx_revoke(UT));
		assert_empty(16);
	}
	/* Signals carry the badge of the capability used. */
	assert_ok(fx_retype(UT, PITH_OBJ_NOTIFICATION, 0, 16, 1));
	assert_ok(fx_mint(17, 16, ALL, 0x50));
	assert_ok(fx_call(PITH_INV_NOTIFICATION_SIGNAL, 17, FX_NONE, FX_NONE));
	assert_ok(fx_call(PITH_INV_NOTIFICATION_POLL, 16, FX_NONE, FX_NONE));
	assert_int_equal(fx_last.mr[0], 0x50);
	assert_ok(fx_call(PITH_INV_NOTIFICATION_SIGNAL, 16, FX_NONE, FX_NONE));
	assert_ok(fx_call(PITH_INV_NOTIFICATION_SIGNAL, 17, FX_NONE, FX_NONE));
	assert_ok(fx_call(PITH_INV_NOTIFICATION_POLL, 16, FX_NONE, FX_NONE));
	assert_int_equal(fx_last.mr[0], 0x51);
	/* A badge for an object without badges is an invalid argument. */
	assert_ok(fx_retype(UT, PITH_OBJ_FRAME_4K, 0, 30, 1));
	assert_err(fx_mint(31, 30, ALL, 5), PITH_E_INVALID_ARGUMENT);
	assert_detail(5, 0);
	assert_empty(31);
}

static void test_cnode_guards_through_mint(void **state)
{
	struct cte *c;

	(void)state;
	assert_ok(fx_retype(UT, PITH_OBJ_CNODE, 4, 16, 1));
	c = fx_cap(16)->cnode.slots;
	assert_ok(fx_mint(17, 16, ALL, 60));
	assert_int_equal(fx_cap(17)->u32, 60);
	assert_int_equal(fx_cap(17)->cnode.guard, 0);
	assert_int_equal(cap_badge(fx_cap(17)), 60);
	assert_err(fx_mint(18, 16, ALL, 61), PITH_E_INVALID_ARGUMENT);
	assert_detail(5, 0);
	assert_ok(fx_mint(18, 16, ALL, 3 | 5 << 6));
	assert_int_equal(fx_cap(18)->u32, 3);
	assert_int_equal(fx_cap(18)->cnode.guard, 5);
	/* The value must fit in the guard. */
	assert_err(fx_mint(19, 16, ALL, 3 | 8 << 6), PITH_E_INVALID_ARGUMENT);
	assert_err(fx_mint(19, 16, ALL, 0 | 1 << 6), PITH_E_INVALID_ARGUMENT);
	assert_empty(19);
	/* 0 keeps the guard; a guard, unlike a badge, may be replaced. */
	assert_ok(fx_mint(19, 17, ALL, 0));
	assert_int_equal(fx_cap(19)->u32, 60);
	assert_ok(fx_mint(20, 17, ALL, 2 | 1 << 6));
	assert_int_equal(fx_cap(20)->u32, 2);
	assert_int_equal(fx_cap(20)->cnode.guard, 1);
	/* Guard and radix may use exactly 64 bits. */
	assert_ok(fx_retype(UT, PITH_OBJ_CNODE, 1, 21, 1));
	assert_ok(fx_mint(22, 21, ALL, 63 | (1ULL << 57) << 6));
	assert_int_equal(fx_cap(22)->u32, 63);
	assert_int_equal(fx_cap(22)->cnode.guard, 1ULL << 57);
	assert_err(fx_mint(23, 16, ALL, 63), PITH_E_INVALID_ARGUMENT);

	/* The guards work: slot 3 of the CNode through each capability. */
	assert_ok(fx_retype(UT, PITH_OBJ_ENDPOINT, 0, 30, 1));
	assert_ok(fx_call(PITH_INV_CNODE_COPY, 17,
			  FX_WORDS(3, 64, 30, FX_DEPTH, ALL),
			  FX_WORDS(FX_SLOT_CNODE)));
	assert_int_equal(c[3].cap.type, PITH_CAP_ENDPOINT);
	assert_err(fx_call(PITH_INV_CNODE_COPY, 17,
			   FX_WORDS(1ULL << 40 | 4, 64, 30, FX_DEPTH, ALL),
			   FX_WORDS(FX_SLOT_CNODE)),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(LOOKUP_WHICH_DEST, 2);
	assert_ok(fx_call(PITH_INV_CNODE_COPY, 18,
			  FX_WORDS(5 << 4 | 4, 7, 30, FX_DEPTH, ALL),
			  FX_WORDS(FX_SLOT_CNODE)));
	assert_int_equal(c[4].cap.type, PITH_CAP_ENDPOINT);
	assert_err(fx_call(PITH_INV_CNODE_COPY, 18,
			   FX_WORDS(4 << 4 | 5, 7, 30, FX_DEPTH, ALL),
			   FX_WORDS(FX_SLOT_CNODE)),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(LOOKUP_WHICH_DEST, 2);
	assert_err(fx_call(PITH_INV_CNODE_COPY, 18,
			   FX_WORDS(5 << 4 | 5, 6, 30, FX_DEPTH, ALL),
			   FX_WORDS(FX_SLOT_CNODE)),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(LOOKUP_WHICH_DEST, 3);
	assert_int_equal(c[5].cap.type, PITH_CAP_NULL);
}

static void test_copy_refusals(void **state)
{
	(void)state;
	/* Untyped memory has one capability per block, with or without
	 * children (a copy would carve the same memory again). */
	fx_small_untyped(16, 12);
	assert_err(fx_copy(17, 16, ALL), PITH_E_ILLEGAL_OPERATION);
	assert_err(fx_mint(17, 16, ALL, 0), PITH_E_ILLEGAL_OPERATION);
	assert_ok(fx_retype(16, PITH_OBJ_ENDPOINT, 0, 18, 1));
	assert_err(fx_copy(17, 16, ALL), PITH_E_ILLEGAL_OPERATION);
	assert_empty(17);
	/* Control capabilities and paging structures are never copied. */
	assert_err(fx_copy(17, FX_SLOT_IRQ_CONTROL, ALL),
		   PITH_E_ILLEGAL_OPERATION);
	assert_err(fx_copy(17, FX_SLOT_IOPORT_CONTROL, ALL),
		   PITH_E_ILLEGAL_OPERATION);
	assert_err(fx_copy(17, FX_SLOT_ASID_CONTROL, ALL),
		   PITH_E_ILLEGAL_OPERATION);
	for (unsigned t = PITH_OBJ_PAGE_TABLE; t <= PITH_OBJ_PDPT; t++) {
		assert_ok(fx_retype(UT, t, 0, 20, 1));
		assert_err(fx_copy(17, 20, ALL), PITH_E_ILLEGAL_OPERATION);
		assert_err(fx_mint(17, 20, ALL, 0), PITH_E_ILLEGAL_OPERATION);
		assert_ok(fx_delete(20));
	}
	assert_empty(17);
	/* Occupied destination, empty source. */
	assert_err(fx_copy(18, FX_SLOT_DEBUG, ALL), PITH_E_DELETE_FIRST);
	assert_err(fx_copy(17, 19, ALL), PITH_E_FAILED_LOOKUP);
	assert_detail(LOOKUP_WHICH_SOURCE, 1);
	/* The debug capability may be copied; it moves as it is. */
	assert_ok(fx_copy(17, FX_SLOT_DEBUG, ALL));
	assert_int_equal(fx_cap(17)->type, PITH_CAP_DEBUG);
	/* Control capabilities move. */
	assert_ok(fx_move(30, FX_SLOT_IRQ_CONTROL));
	assert_int_equal(fx_cap(30)->type, PITH_CAP_IRQ_CONTROL);
	assert_ok(fx_move(FX_SLOT_IRQ_CONTROL, 30));
}

/* An untyped capability must not be duplicated into two that each hand
 * out the same free memory (seL4 marks the source full when an untyped is
 * copied; Pith refuses the copy). */
static void test_untyped_copies_do_not_share_free_memory(void **state)
{
	uint64_t err, a, b;

	(void)state;
	fx_small_untyped(16, 12);
	err = fx_copy(17, 16, ALL);
	if (err != PITH_OK) {
		assert_err(err, PITH_E_ILLEGAL_OPERATION);
		assert_empty(17);
		return;
	}
	assert_ok(fx_retype(17, PITH_OBJ_FRAME_4K, 0, 18, 1));
	err = fx_retype(16, PITH_OBJ_FRAME_4K, 0, 19, 1);
	if (err == PITH_OK) {
		a = fx_object(fx_cap(18));
		b = fx_object(fx_cap(19));
		if (a == b)
			fail_msg("BUG: untyped 0x%llx and its copy each "
				 "retyped a 4 KiB frame at 0x%llx: two "
				 "objects share memory",
				 (unsigned long long)fx_cap(16)->untyped.paddr,
				 (unsigned long long)a);
	} else {
		assert_err(err, PITH_E_NOT_ENOUGH_MEMORY);
	}
}

#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_insert_links_after_parent_and_unlink),
		T(test_parent_of_untyped_is_containment),
		T(test_parent_of_badged_objects),
		T(test_has_children_looks_at_the_next_slot),
		T(test_final_means_no_neighbour_names_the_object),
		T(test_move_takes_the_place_in_the_list),
		T(test_derived_flags),
		T(test_revoke_removes_exactly_the_descendants),
		T(test_revoke_of_a_leaf_removes_nothing),
		T(test_revoke_of_a_badged_mint_removes_only_its_copies),
		T(test_delete_of_a_copy_keeps_the_object),
		T(test_move_keeps_the_tree_position),
		T(test_mutate_sets_a_missing_badge_only),
		T(test_rights_only_narrow),
		T(test_badges_are_set_once),
		T(test_cnode_guards_through_mint),
		T(test_copy_refusals),
		T(test_mutate_of_an_original_keeps_its_descendants),
		T(test_untyped_copies_do_not_share_free_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
