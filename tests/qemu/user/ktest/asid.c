/*
 * ASIDs (caps/asid.c, caps/vspace.c): ASID pools made from 4 KiB untyped,
 * ASIDs given to VSpaces, what happens when a pool goes, and the limits
 * (512 ASIDs per pool, 64 pools).
 */
#include "ktest.h"

#define POOL_ASIDS 512
#define POOLS	   64

static const pith_cptr_t R = PITH_SLOT_CNODE;

static struct result make_pool_r(pith_cptr_t ut, pith_cptr_t root,
				 uint64_t dest)
{
	return invoke(PITH_SLOT_ASID_CONTROL, PITH_INV_ASID_CONTROL_MAKE_POOL,
		      WORDS(dest, DEPTH), CAPS(ut, root));
}

static void test_pool(void)
{
	pith_cptr_t ut = obj_new(PITH_OBJ_UNTYPED, 12), pool = slot_alloc();
	pith_cptr_t vs = obj_new(PITH_OBJ_VSPACE, 0);
	pith_cptr_t pdpt = obj_new(PITH_OBJ_PDPT, 0);
	pith_cptr_t pd = obj_new(PITH_OBJ_PAGE_DIRECTORY, 0);
	pith_cptr_t f = obj_new(PITH_OBJ_FRAME_4K, 0), s = slot_alloc();
	enum pith_error reassigned;
	struct tcase t;

	tc_begin(&t, "asid_control_make_pool");
	tc_ok(&t,
	      pith_asid_control_make_pool(PITH_SLOT_ASID_CONTROL, ut, R, pool,
					  DEPTH),
	      "make_pool");
	tc_eq(&t, cap_type(pool), PITH_CAP_ASID_POOL, "type");
	tc_eq(&t, untyped_watermark(ut), 4096, "the untyped is used up");
	tc_end(&t);

	tc_begin(&t, "asid_pool_assign");
	tc_ok(&t, pith_asid_pool_assign(pool, vs), "assign");
	tc_ok(&t, pith_pdpt_map(pdpt, vs, TEST_VA),
	      "map a PDPT into the VSpace");
	tc_end(&t);

	expect_err("asid_pool_assign_twice", pith_asid_pool_assign(pool, vs),
		   PITH_E_ILLEGAL_OPERATION);
	expect_err("asid_pool_assign_root_vspace",
		   pith_asid_pool_assign(PITH_SLOT_ASID_POOL, PITH_SLOT_VSPACE),
		   PITH_E_ILLEGAL_OPERATION);
	expect_detail(
		"asid_pool_assign_not_a_vspace",
		invoke(pool, PITH_INV_ASID_POOL_ASSIGN, NO_WORDS, CAPS(pdpt)),
		PITH_E_INVALID_CAPABILITY, 1, ANY);
	expect_err("asid_make_pool_from_used_untyped",
		   make_pool_r(ut, R, s).err, PITH_E_REVOKE_FIRST);

	/* The pool goes with its untyped; so do its ASIDs. */
	tc_begin(&t, "asid_pool_revoked_with_its_untyped");
	tc_ok(&t, pith_cnode_revoke(R, ut, DEPTH), "revoke the untyped");
	tc_eq(&t, cap_type(pool), PITH_CAP_NULL, "the pool's slot");
	tc_detail(&t,
		  invoke(f, PITH_INV_FRAME_MAP,
			 WORDS(TEST_VA, PITH_RIGHT_READ, 0), CAPS(vs)),
		  PITH_E_INVALID_CAPABILITY, 1, ANY,
		  "map into a VSpace whose ASID is gone");
	/* A new ASID for it may be given, or refused (ILLEGAL_OPERATION). */
	reassigned = pith_asid_pool_assign(PITH_SLOT_ASID_POOL, vs);
	if (reassigned != PITH_E_ILLEGAL_OPERATION)
		tc_ok(&t, reassigned, "give it a new ASID");
	tc_end(&t);

	/*
	 * The PDPT was mapped under the old ASID: its capability can no
	 * longer reach the entry. Once it is unmapped and deleted, nothing
	 * of it may remain in the VSpace under its new ASID.
	 */
	tc_begin(&t, "asid_new_asid_keeps_no_stale_tables");
	tc_ok(&t, pith_pdpt_unmap(pdpt), "pdpt.unmap");
	tc_ok(&t, pith_cnode_delete(R, pdpt, DEPTH), "delete the PDPT");
	if (reassigned == PITH_OK)
		tc_detail(&t,
			  invoke(pd, PITH_INV_PAGE_DIRECTORY_MAP,
				 WORDS(TEST_VA), CAPS(vs)),
			  PITH_E_NOT_MAPPED, 3, ANY,
			  "map a page directory where the deleted PDPT was");
	tc_end(&t);
	slot_free(pd);
	slot_free(s);
	slot_free(f);
	slot_free(pdpt);
	slot_free(vs);
	slot_free(pool);
	slot_free(ut);
}

static void test_make_pool_errors(void)
{
	pith_cptr_t big = obj_new(PITH_OBJ_UNTYPED, 13);
	pith_cptr_t ut = obj_new(PITH_OBJ_UNTYPED, 12);
	pith_cptr_t ep = obj_new(PITH_OBJ_ENDPOINT, 0);
	pith_cptr_t dev = untyped_device(), devut = 0, child, s = slot_alloc();

	if (dev)
		devut = obj_new_from(dev, PITH_OBJ_UNTYPED, 12);
	expect_detail("asid_make_pool_8k_untyped", make_pool_r(big, R, s),
		      PITH_E_INVALID_CAPABILITY, 1, ANY);
	expect_detail("asid_make_pool_not_untyped", make_pool_r(ep, R, s),
		      PITH_E_INVALID_CAPABILITY, 1, ANY);
	expect_detail("asid_make_pool_device_untyped", make_pool_r(devut, R, s),
		      PITH_E_INVALID_CAPABILITY, 1, ANY);
	expect_detail("asid_make_pool_root_not_cnode", make_pool_r(ut, ep, s),
		      PITH_E_INVALID_CAPABILITY, 2, ANY);
	expect_err("asid_make_pool_destination_occupied",
		   make_pool_r(ut, R, PITH_SLOT_DEBUG).err,
		   PITH_E_DELETE_FIRST);
	child = obj_new_from(ut, PITH_OBJ_ENDPOINT, 0);
	expect_err("asid_make_pool_untyped_with_children",
		   make_pool_r(ut, R, s).err, PITH_E_REVOKE_FIRST);
	expect_true("asid_make_pool_errors_made_nothing",
		    cap_type(s) == PITH_CAP_NULL, "a pool appeared");
	slot_free(child);
	slot_free(s);
	slot_free(devut);
	slot_free(ep);
	slot_free(ut);
	slot_free(big);
}

/* A new pool gives exactly 512 ASIDs. */
static void test_pool_full(void)
{
	pith_cptr_t ut = obj_new(PITH_OBJ_UNTYPED, 12), pool = slot_alloc();
	pith_cptr_t vs = slots_alloc(POOL_ASIDS + 1);
	unsigned given = 0;
	enum pith_error err = PITH_OK;
	struct tcase t;

	tc_begin(&t, "asid_pool_exhausted");
	if (tc_true(&t, ut && pool && vs, "setup") &&
	    tc_ok(&t,
		  pith_asid_control_make_pool(PITH_SLOT_ASID_CONTROL, ut, R,
					      pool, DEPTH),
		  "make_pool") &&
	    tc_ok(&t,
		  pith_untyped_retype(untyped_pool(), R, PITH_OBJ_VSPACE, 0, 0,
				      0, vs, POOL_ASIDS + 1),
		  "retype 513 VSpaces")) {
		for (unsigned i = 0; i <= POOL_ASIDS && err == PITH_OK; i++) {
			err = pith_asid_pool_assign(pool, vs + i);
			if (err == PITH_OK)
				given++;
		}
		tc_eq(&t, given, POOL_ASIDS, "ASIDs given");
		tc_err(&t, err, PITH_E_EXHAUSTED, "the next assign");
	}
	tc_end(&t);
	slots_free(vs, POOL_ASIDS + 1);
	slot_free(pool);
	slot_free(ut);
}

/* 64 pools in the system, the root task's included. */
static void test_pools_exhausted(void)
{
	pith_cptr_t uts = slots_alloc(POOLS), pools = slots_alloc(POOLS);
	pith_cptr_t again = slot_alloc();
	unsigned made = 0;
	enum pith_error err = PITH_OK;
	struct tcase t;

	tc_begin(&t, "asid_control_pools_exhausted");
	if (tc_true(&t, uts && pools, "setup") &&
	    tc_ok(&t,
		  pith_untyped_retype(untyped_pool(), R, PITH_OBJ_UNTYPED, 12,
				      0, 0, uts, POOLS),
		  "retype 64 untyped")) {
		for (unsigned i = 0; i < POOLS && err == PITH_OK; i++) {
			err = pith_asid_control_make_pool(
				PITH_SLOT_ASID_CONTROL, uts + i, R, pools + i,
				DEPTH);
			if (err == PITH_OK)
				made++;
		}
		tc_eq(&t, made, POOLS - 1, "pools made besides the root's");
		tc_err(&t, err, PITH_E_EXHAUSTED, "the next make_pool");
		slots_free(pools, POOLS);
		tc_ok(&t,
		      pith_asid_control_make_pool(PITH_SLOT_ASID_CONTROL,
						  uts + POOLS - 1, R, again,
						  DEPTH),
		      "make_pool after deleting them");
	}
	tc_end(&t);
	slot_free(again);
	slots_free(uts, POOLS);
}

void test_asid(void)
{
	test_pool();
	test_make_pool_errors();
	test_pool_full();
	test_pools_exhausted();
}
