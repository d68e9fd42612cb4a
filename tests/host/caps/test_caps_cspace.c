/*
 * Host tests for CSpace addressing (caps/cspace.c): guarded radix lookup
 * over CNodes built by hand, one level and several, guards, depths that
 * do and do not end at a slot, lookups that stop at a non-CNode
 * capability, empty slots, exactly 64 bits, high bits; then the same rules
 * seen through the invocation layer from a caller with a two-level CSpace.
 */
#include "fixture.h"

#include "caps/cdt.h"
#include "caps/cnode.h"
#include "caps/cspace.h"
#include "caps/object.h"
#include "caps/tcb.h"
#include "ipc/notification.h"

/* 2^radix empty slots. (A capability may claim a larger radix than the
 * memory behind it when a test only uses small indices.) */
static struct cte *table(unsigned radix)
{
	return fx_boot_alloc(radix + CTE_SIZE_BITS);
}

static struct cap cnode(struct cte *slots, unsigned radix, unsigned guard_bits,
			uint64_t guard)
{
	return (struct cap){.type = PITH_CAP_CNODE,
			    .rights = PITH_RIGHTS_ALL,
			    .size_bits = (uint8_t)radix,
			    .u32 = guard_bits,
			    .cnode = {slots, guard}};
}

static struct cap endpoint(void)
{
	return (struct cap){.type = PITH_CAP_ENDPOINT,
			    .rights = PITH_RIGHTS_ALL,
			    .endpoint.ep = fx_boot_alloc(ENDPOINT_SIZE_BITS)};
}

static struct cte *slot;
static unsigned left;

static enum lookup_failure resolve(const struct cap *root, uint64_t cptr,
				   unsigned depth)
{
	slot = (struct cte *)1; /* must be overwritten */
	left = 12345;
	return cspace_resolve(root, cptr, depth, &slot, &left);
}

static enum lookup_failure lookup_slot(const struct cap *root, uint64_t cptr,
				       unsigned depth)
{
	slot = NULL;
	return cspace_lookup_slot(root, cptr, depth, &slot);
}

static enum lookup_failure lookup_cap(const struct cap *root, uint64_t cptr)
{
	slot = NULL;
	return cspace_lookup_cap(root, cptr, &slot);
}

static void test_one_level(void **state)
{
	struct cte *t = table(8);
	struct cap root = cnode(t, 8, 0, 0);

	(void)state;
	t[5].cap = endpoint();
	assert_int_equal(resolve(&root, 5, 8), LOOKUP_OK);
	assert_ptr_equal(slot, &t[5]);
	assert_int_equal(left, 0);
	assert_int_equal(resolve(&root, 0, 8), LOOKUP_OK);
	assert_ptr_equal(slot, &t[0]);
	assert_int_equal(resolve(&root, 255, 8), LOOKUP_OK);
	assert_ptr_equal(slot, &t[255]);
	/* An exact-depth slot lookup may name an empty slot. */
	assert_int_equal(lookup_slot(&root, 5, 8), LOOKUP_OK);
	assert_ptr_equal(slot, &t[5]);
	assert_int_equal(lookup_slot(&root, 6, 8), LOOKUP_OK);
	assert_ptr_equal(slot, &t[6]);
	/* A capability lookup is 64 bits deep: the index is the top 8 bits
	 * and the resolution stops at the endpoint with 56 bits left. */
	assert_int_equal(resolve(&root, 5ULL << 56, 64), LOOKUP_OK);
	assert_ptr_equal(slot, &t[5]);
	assert_int_equal(left, 56);
	assert_int_equal(lookup_cap(&root, 5ULL << 56), LOOKUP_OK);
	assert_ptr_equal(slot, &t[5]);
	assert_int_equal(lookup_cap(&root, 5ULL << 56 | 0xdeadbeef), LOOKUP_OK);
	assert_ptr_equal(slot, &t[5]);
	assert_int_equal(lookup_cap(&root, 5), LOOKUP_EMPTY); /* slot 0 */
	assert_int_equal(lookup_cap(&root, 6ULL << 56), LOOKUP_EMPTY);
}

static void test_guards(void **state)
{
	struct cte *t = table(4);
	struct cap root = cnode(t, 4, 4, 0xa);
	const uint64_t big = 1ULL << 59 | 1;
	struct cap wide = cnode(t, 4, 60, big);

	(void)state;
	t[3].cap = endpoint();
	assert_int_equal(resolve(&root, 0xa3, 8), LOOKUP_OK);
	assert_ptr_equal(slot, &t[3]);
	assert_int_equal(resolve(&root, 0xb3, 8), LOOKUP_GUARD);
	assert_null(slot);
	assert_int_equal(left, 8);
	assert_int_equal(resolve(&root, 0x23, 8), LOOKUP_GUARD);
	assert_int_equal(lookup_slot(&root, 0x1a3, 9), LOOKUP_GUARD);
	/* The guard is the bits right above the index, at any depth. */
	assert_int_equal(lookup_slot(&root, 0xa3 << 1, 9), LOOKUP_DEPTH);
	/* A 60-bit guard with its top bit set: exactly 64 bits. */
	assert_int_equal(lookup_slot(&wide, big << 4 | 3, 64), LOOKUP_OK);
	assert_ptr_equal(slot, &t[3]);
	assert_int_equal(lookup_cap(&wide, big << 4 | 3), LOOKUP_OK);
	assert_int_equal(lookup_cap(&wide, (big ^ 1ULL << 59) << 4 | 3),
			 LOOKUP_GUARD);
	assert_int_equal(lookup_cap(&wide, (big ^ 1) << 4 | 3), LOOKUP_GUARD);
}

static void test_depth_mismatch(void **state)
{
	struct cte *t = table(8);
	struct cap root = cnode(t, 8, 0, 0);

	(void)state;
	assert_int_equal(resolve(&root, 5, 7), LOOKUP_DEPTH);
	assert_null(slot);
	assert_int_equal(resolve(&root, 5, 0), LOOKUP_DEPTH);
	/* Nine bits: the slot after eight, one bit unused. */
	assert_int_equal(resolve(&root, 5 << 1, 9), LOOKUP_OK);
	assert_ptr_equal(slot, &t[5]);
	assert_int_equal(left, 1);
	assert_int_equal(lookup_slot(&root, 5 << 1, 9), LOOKUP_DEPTH);
	assert_int_equal(lookup_slot(&root, 5, 7), LOOKUP_DEPTH);
	/* Depths a slot lookup refuses outright. */
	assert_int_equal(lookup_slot(&root, 5, 0), LOOKUP_DEPTH);
	assert_int_equal(lookup_slot(&root, 5, 65), LOOKUP_DEPTH);
	assert_int_equal(lookup_slot(&root, 5, UINT32_MAX), LOOKUP_DEPTH);
	assert_null(slot);
}

static void test_several_levels(void **state)
{
	struct cte *t1 = table(4), *t2 = table(6);
	struct cap l1 = cnode(t1, 4, 4, 0x5);
	/* The same two tables with guards that make 64 bits. */
	struct cte *u1 = table(4), *u2 = table(6);
	struct cap w1 = cnode(u1, 4, 46, 0);
	const uint64_t cptr64 = 2ULL << 14 | 0xab << 6 | 0x21;

	(void)state;
	t1[2].cap = cnode(t2, 6, 2, 0x2);
	t2[0x21].cap = endpoint();
	/* [guard 0101][index 0010][guard 10][index 100001] */
	assert_int_equal(resolve(&l1, 0x52a1, 16), LOOKUP_OK);
	assert_ptr_equal(slot, &t2[0x21]);
	assert_int_equal(left, 0);
	assert_int_equal(lookup_slot(&l1, 0x52a1, 16), LOOKUP_OK);
	/* Eight bits end at the second-level CNode's own slot. */
	assert_int_equal(lookup_slot(&l1, 0x52, 8), LOOKUP_OK);
	assert_ptr_equal(slot, &t1[2]);
	assert_int_equal(slot->cap.type, PITH_CAP_CNODE);
	/* The second guard, and depths inside the second level. */
	assert_int_equal(lookup_slot(&l1, 0x5261, 16), LOOKUP_GUARD);
	assert_int_equal(lookup_slot(&l1, 0x52a1 >> 4, 12), LOOKUP_DEPTH);
	assert_int_equal(lookup_slot(&l1, 0x52a1 << 1, 17), LOOKUP_DEPTH);
	/* Empty slot at the second level: found, and empty. */
	assert_int_equal(lookup_slot(&l1, 0x52a2, 16), LOOKUP_OK);
	assert_int_equal(slot->cap.type, PITH_CAP_NULL);

	u1[2].cap = cnode(u2, 6, 8, 0xab);
	u2[0x21].cap = endpoint();
	assert_int_equal(lookup_cap(&w1, cptr64), LOOKUP_OK);
	assert_ptr_equal(slot, &u2[0x21]);
	assert_int_equal(lookup_slot(&w1, cptr64, 64), LOOKUP_OK);
	assert_int_equal(lookup_cap(&w1, cptr64 ^ 1ULL << 63), LOOKUP_GUARD);
	assert_int_equal(lookup_cap(&w1, cptr64 ^ 1 << 6), LOOKUP_GUARD);
	assert_int_equal(lookup_cap(&w1, cptr64 ^ 1), LOOKUP_EMPTY);
	/* A second level wider than the bits left: depth mismatch. */
	u1[3].cap = cnode(u2, 6, 9, 0);
	assert_int_equal(lookup_cap(&w1, 3ULL << 14), LOOKUP_DEPTH);
}

static void test_stops_at_a_non_cnode_capability(void **state)
{
	struct cte *t1 = table(4), *t2 = table(4);
	struct cap l1 = cnode(t1, 4, 0, 0);

	(void)state;
	t1[1].cap = endpoint();
	t1[2].cap = cnode(t2, 4, 0, 0);
	t2[3].cap = (struct cap){.type = PITH_CAP_FRAME,
				 .size_bits = 12,
				 .page.paddr = MACHINE_RAM_BASE};
	assert_int_equal(resolve(&l1, 0x1234, 16), LOOKUP_OK);
	assert_ptr_equal(slot, &t1[1]);
	assert_int_equal(left, 12);
	assert_int_equal(resolve(&l1, 0x2345, 16), LOOKUP_OK);
	assert_ptr_equal(slot, &t2[3]);
	assert_int_equal(left, 8);
	assert_int_equal(lookup_slot(&l1, 0x2345, 16), LOOKUP_DEPTH);
	assert_int_equal(lookup_slot(&l1, 0x23, 8), LOOKUP_OK);
	assert_int_equal(lookup_cap(&l1, 0x2345ULL << 48), LOOKUP_OK);
	assert_ptr_equal(slot, &t2[3]);
	/* An empty slot stops a resolution too; a capability lookup then
	 * fails on it. */
	assert_int_equal(resolve(&l1, 0x2445, 16), LOOKUP_OK);
	assert_ptr_equal(slot, &t2[4]);
	assert_int_equal(lookup_cap(&l1, 0x2445ULL << 48), LOOKUP_EMPTY);
	assert_ptr_equal(slot, &t2[4]);
	assert_int_equal(lookup_cap(&l1, 0x5ULL << 60), LOOKUP_EMPTY);
}

static void test_exactly_64_bits(void **state)
{
	struct cte *t = table(4);
	const uint64_t g63 = (1ULL << 62) | 0x1234;
	struct cap r1 = cnode(t, 1, 63, g63);
	struct cap r20 = cnode(t, 20, 44, 0xfffffffffffULL); /* 44 ones */
	struct cap r8 = cnode(t, 8, 56, 1ULL << 55);

	(void)state;
	t[1].cap = endpoint();
	assert_int_equal(lookup_slot(&r1, g63 << 1 | 1, 64), LOOKUP_OK);
	assert_ptr_equal(slot, &t[1]);
	assert_int_equal(lookup_cap(&r1, g63 << 1 | 1), LOOKUP_OK);
	assert_int_equal(lookup_cap(&r1, g63 << 1), LOOKUP_EMPTY);
	assert_int_equal(lookup_slot(&r1, g63 << 1 | 1, 63), LOOKUP_DEPTH);
	assert_int_equal(lookup_cap(&r20, ~0ULL << 20 | 1), LOOKUP_OK);
	assert_ptr_equal(slot, &t[1]);
	assert_int_equal(lookup_cap(&r20, ~0ULL << 21 | 1), LOOKUP_GUARD);
	assert_int_equal(lookup_cap(&r8, 1ULL << 63 | 1), LOOKUP_OK);
	assert_ptr_equal(slot, &t[1]);
	assert_int_equal(lookup_cap(&r8, 1), LOOKUP_GUARD);
}

static void test_high_bits(void **state)
{
	struct cte *t = table(8);
	struct cap root = cnode(t, 8, 0, 0);
	struct cap r55 = cnode(t, 8, 55, 0);

	(void)state;
	t[5].cap = endpoint();
	/* Bits above the depth are not part of the address. */
	assert_int_equal(lookup_slot(&root, 0xffffffffffffff05ULL, 8),
			 LOOKUP_OK);
	assert_ptr_equal(slot, &t[5]);
	assert_int_equal(lookup_slot(&r55, 1ULL << 63 | 5, 63), LOOKUP_OK);
	assert_ptr_equal(slot, &t[5]);
	assert_int_equal(lookup_slot(&r55, 1ULL << 62 | 5, 63), LOOKUP_GUARD);
	/* At depth 64 every bit counts: the fixture's root has a 56-bit
	 * guard of 0. */
	assert_int_equal(lookup_cap(fx_cap(FX_SLOT_CNODE), FX_SLOT_DEBUG),
			 LOOKUP_OK);
	assert_ptr_equal(slot, fx_slot(FX_SLOT_DEBUG));
	assert_int_equal(
		lookup_cap(fx_cap(FX_SLOT_CNODE), 1ULL << 63 | FX_SLOT_DEBUG),
		LOOKUP_GUARD);
	assert_int_equal(
		lookup_cap(fx_cap(FX_SLOT_CNODE), 1ULL << 8 | FX_SLOT_DEBUG),
		LOOKUP_GUARD);
}

static void test_roots_that_are_not_cnodes(void **state)
{
	struct cte *t = table(2), *t2 = table(2);
	struct cap ep = endpoint(), null = cap_null();
	struct cap zero = cnode(t, 0, 0, 0), root = cnode(t, 2, 0, 0);

	(void)state;
	assert_int_equal(resolve(&ep, 0, 8), LOOKUP_NOT_CNODE);
	assert_null(slot);
	assert_int_equal(resolve(&null, 0, 8), LOOKUP_NOT_CNODE);
	assert_int_equal(lookup_cap(&ep, 0), LOOKUP_NOT_CNODE);
	assert_int_equal(lookup_slot(&null, 0, 8), LOOKUP_NOT_CNODE);
	/* A CNode capability resolving no bits at all cannot be used. */
	assert_int_equal(resolve(&zero, 0, 8), LOOKUP_DEPTH);
	t[1].cap = cnode(t2, 0, 0, 0);
	assert_int_equal(resolve(&root, 1 << 6, 8), LOOKUP_DEPTH);
}

static void test_cnode_holding_itself_resolves_to_the_depth(void **state)
{
	struct cte *t = table(8);
	struct cap root = cnode(t, 8, 0, 0);

	(void)state;
	t[0].cap = root;
	t[7].cap = endpoint();
	assert_int_equal(lookup_cap(&root, 0), LOOKUP_OK);
	assert_ptr_equal(slot, &t[0]);
	assert_int_equal(lookup_cap(&root, 7), LOOKUP_OK);
	assert_ptr_equal(slot, &t[7]);
	assert_int_equal(resolve(&root, 7, 60), LOOKUP_DEPTH);
}

/* The caller's CSpace becomes two levels: a 4-bit root whose slot 3 holds
 * a CNode with a 56-bit guard of 0 and 4 bits of index. */
static void test_invocations_through_two_levels(void **state)
{
	struct cte *t1 = table(4), *t2 = table(4), *cs;
	struct notification *n;
	const uint64_t N = 3ULL << 60 | 7, H = 3ULL << 60 | 8;

	(void)state;
	assert_ok(fx_retype(FX_SLOT_UNTYPED, PITH_OBJ_NOTIFICATION, 0, 16, 1));
	n = fx_cap(16)->notification.ntfn;
	assert_ok(fx_call(PITH_INV_IRQ_CONTROL_GET_MSI, FX_SLOT_IRQ_CONTROL,
			  FX_WORDS(17, FX_DEPTH), FX_WORDS(FX_SLOT_CNODE)));
	cdt_insert(fx_slot(16), &t2[7], *fx_cap(16), 0);
	cdt_insert(fx_slot(17), &t2[8], *fx_cap(17), 0);
	t1[3].cap = cnode(t2, 4, 56, 0);
	t1[5].cap = cnode(t2, 4, 57, 0); /* 61 bits: too many */
	cs = &fx_caller->slots[TCB_SLOT_CSPACE];
	cte_delete(cs);
	cdt_insert(NULL, cs, cnode(t1, 4, 0, 0), MDB_REVOCABLE);

	assert_ok(fx_call(PITH_INV_NOTIFICATION_SIGNAL, N, FX_NONE, FX_NONE));
	assert_int_equal(n->word, 1);
	assert_err(fx_call(PITH_INV_NOTIFICATION_SIGNAL, N | 1ULL << 10,
			   FX_NONE, FX_NONE),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(LOOKUP_WHICH_INVOKED, LOOKUP_GUARD);
	assert_err(fx_call(PITH_INV_NOTIFICATION_SIGNAL, 4ULL << 60 | 7,
			   FX_NONE, FX_NONE),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(LOOKUP_WHICH_INVOKED, LOOKUP_EMPTY);
	assert_err(fx_call(PITH_INV_NOTIFICATION_SIGNAL, 5ULL << 60 | 7,
			   FX_NONE, FX_NONE),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(LOOKUP_WHICH_INVOKED, LOOKUP_DEPTH);
	/* Extra capabilities resolve the same way. */
	assert_ok(fx_call(PITH_INV_IRQ_HANDLER_SET_NOTIFICATION, H, FX_NONE,
			  FX_WORDS(N)));
	assert_err(fx_call(PITH_INV_IRQ_HANDLER_SET_NOTIFICATION, H, FX_NONE,
			   FX_WORDS(N ^ 1ULL << 59)),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(1, LOOKUP_GUARD);
	assert_err(fx_call(PITH_INV_IRQ_HANDLER_SET_NOTIFICATION, H, FX_NONE,
			   FX_WORDS(3ULL << 60 | 9)),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(1, LOOKUP_EMPTY);
	/* Slot 3 of the root is only a way through: its address goes on to
	 * the empty slot 0 below it. */
	assert_err(fx_call(PITH_INV_NOTIFICATION_SIGNAL, 3ULL << 60, FX_NONE,
			   FX_NONE),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(LOOKUP_WHICH_INVOKED, LOOKUP_EMPTY);

	/* Back to the fixture's CSpace: the hand-made CNodes are emptied
	 * as their last capabilities go. */
	cte_delete(cs);
	assert_int_equal(t1[3].cap.type, PITH_CAP_NULL);
	assert_int_equal(t2[7].cap.type, PITH_CAP_NULL);
	assert_int_equal(fx_cap(16)->type, PITH_CAP_NOTIFICATION);
	cdt_insert(fx_slot(FX_SLOT_CNODE), cs, *fx_cap(FX_SLOT_CNODE), 0);
}

/* A CSpace as the SDK builds it: one CNode whose guard and radix cover all
 * 64 bits, which cspace_lookup_cap() resolves without the loop. Every
 * answer must be the loop's: the slot, empty or not, a CNode capability
 * in it taken as it is (no bits left), a guard mismatch. */
static void test_flat_cspace_takes_the_loops_answers(void **state)
{
	const uint64_t guard = 0xabcdef12345ULL; /* 52 bits, some set */
	struct cte *t = table(12), *other = table(4);
	struct cap root = cnode(t, 12, 52, guard);
	static const uint64_t index[] = {0, 1, 7, 8, 0x800, 0xfff};
	struct cte *want;

	(void)state;
	t[7].cap = endpoint();
	t[8].cap = cnode(other, 4, 0, 0);
	other[1].cap = endpoint();
	for (unsigned i = 0; i < sizeof(index) / sizeof(index[0]); i++) {
		const uint64_t cptr = guard << 12 | index[i];
		enum lookup_failure f = resolve(&root, cptr, 64);

		want = slot;
		assert_int_equal(f, LOOKUP_OK);
		assert_int_equal(left, 0);
		assert_int_equal(lookup_cap(&root, cptr),
				 index[i] == 7 || index[i] == 8 ? LOOKUP_OK
								: LOOKUP_EMPTY);
		assert_ptr_equal(slot, want);
		assert_ptr_equal(cspace_lookup_flat(&root, cptr, NULL), want);
	}
	/* Any guard bit wrong: the loop's LOOKUP_GUARD, and no slot. */
	for (unsigned b = 12; b < 64; b += 17) {
		assert_int_equal(
			lookup_cap(&root, (guard << 12 | 7) ^ 1ULL << b),
			LOOKUP_GUARD);
		assert_null(slot);
	}
	/* Not flat (the guard is a bit short): the loop, which stops at the
	 * endpoint with bits to spare. */
	root = cnode(t, 12, 51, guard >> 1);
	assert_null(cspace_lookup_flat(&root, guard >> 1 << 13 | 7 << 1, NULL));
	assert_int_equal(lookup_cap(&root, guard >> 1 << 13 | 7 << 1),
			 LOOKUP_OK);
	assert_ptr_equal(slot, &t[7]);
	/* Not a CNode at all. */
	root = endpoint();
	assert_null(cspace_lookup_flat(&root, 7, NULL));
	assert_int_equal(lookup_cap(&root, 7), LOOKUP_NOT_CNODE);
}

#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_one_level),
		T(test_guards),
		T(test_depth_mismatch),
		T(test_several_levels),
		T(test_stops_at_a_non_cnode_capability),
		T(test_exactly_64_bits),
		T(test_high_bits),
		T(test_roots_that_are_not_cnodes),
		T(test_cnode_holding_itself_resolves_to_the_depth),
		T(test_invocations_through_two_levels),
		T(test_flat_cspace_takes_the_loops_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
