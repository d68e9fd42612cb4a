/*
 * Frames and paging structures (caps/vspace.c, kernel/arch/x86_64/vm.c):
 * map, remap, unmap and get_address; page tables, page directories and
 * PDPTs; every error of the ABI; and what a mapping is worth once the
 * structures above it, or its address space, are gone.
 *
 * Whether memory is really readable or writable is checked by a helper
 * thread in ktest's address space: when an access must fault, only the
 * helper, named "probe", stops (the kernel logs "fault: thread 'probe'
 * stopped: ...").
 */
#include "ktest.h"

#define MARKER 0x5ca1ab1e0ddba11ULL

static const pith_cptr_t VS = PITH_SLOT_VSPACE;
static struct thread helper;

static bool can_read(uint64_t va)
{
	probe_value = 0;
	return thread_run(&helper, probe_read, va);
}

static bool can_write(uint64_t va, uint64_t value)
{
	probe_value = value;
	return thread_run(&helper, probe_write, va);
}

static volatile uint64_t *word_at(uint64_t va)
{
	return (volatile uint64_t *)(uintptr_t)va;
}

static struct result map_r(pith_cptr_t f, pith_cptr_t vs, uint64_t va,
			   uint64_t rights, uint64_t attr)
{
	return invoke(f, PITH_INV_FRAME_MAP, WORDS(va, rights, attr), CAPS(vs));
}

static void test_frame_mappings(void)
{
	uint64_t va1 = va_page(), va2 = va_page(), va3 = va_page();
	pith_cptr_t f = obj_new(PITH_OBJ_FRAME_4K, 0), c, ro;
	uint64_t pa1 = 0, pa2 = 1;
	struct tcase t;

	tc_begin(&t, "frame_map_two_capabilities_share_memory");
	c = cap_copy(f, PITH_RIGHTS_ALL);
	if (tc_ok(&t, pith_frame_map(f, VS, va1, RIGHTS_RW, 0), "map") &&
	    tc_ok(&t, pith_frame_map(c, VS, va2, PITH_RIGHT_READ, 0),
		  "map a copy read-only elsewhere")) {
		*word_at(va1) = MARKER;
		tc_eq(&t, *word_at(va2), MARKER, "read through the copy");
		pith_frame_get_address(f, &pa1);
		pith_frame_get_address(c, &pa2);
		tc_eq(&t, pa2, pa1, "the copy's physical address");
		tc_eq(&t, pa1 & (PAGE_SIZE - 1), 0, "page aligned");
	}
	tc_end(&t);

	tc_begin(&t, "frame_map_read_only_is_not_writable");
	tc_true(&t, can_read(va2), "a read faulted");
	tc_eq(&t, probe_value, MARKER, "what the helper read");
	tc_true(&t, !can_write(va2, 1), "a write succeeded");
	tc_eq(&t, *word_at(va1), MARKER, "the frame's contents");
	tc_end(&t);

	tc_begin(&t, "frame_remap_writable");
	tc_ok(&t, pith_frame_remap(c, RIGHTS_RW, 0), "remap read-write");
	tc_true(&t, can_write(va2, MARKER + 1), "the write faulted");
	tc_eq(&t, *word_at(va1), MARKER + 1, "the frame's contents");
	tc_end(&t);

	tc_begin(&t, "frame_remap_read_only");
	tc_ok(&t, pith_frame_remap(c, PITH_RIGHT_READ, 0), "remap read-only");
	tc_true(&t, !can_write(va2, 2), "a write succeeded");
	tc_eq(&t, *word_at(va1), MARKER + 1, "the frame's contents");
	tc_end(&t);

	tc_begin(&t, "frame_unmap");
	tc_ok(&t, pith_frame_unmap(f), "unmap");
	tc_true(&t, !can_read(va1), "a read of the unmapped page succeeded");
	tc_eq(&t, *word_at(va2), MARKER + 1, "the copy's mapping stays");
	tc_end(&t);

	tc_begin(&t, "frame_map_again_after_unmap");
	tc_ok(&t, pith_frame_map(f, VS, va3, RIGHTS_RW, 0), "map");
	tc_eq(&t, *word_at(va3), MARKER + 1, "contents at the new address");
	tc_end(&t);

	/* Each capability holds its own mapping; deleting it unmaps. */
	tc_begin(&t, "frame_delete_unmaps");
	tc_ok(&t, pith_cnode_delete(PITH_SLOT_CNODE, c, DEPTH),
	      "delete the copy");
	tc_true(&t, !can_read(va2), "its mapping is still readable");
	tc_true(&t, can_read(va3), "the other mapping went too");
	tc_end(&t);

	ro = cap_copy(f, PITH_RIGHT_READ);
	expect_detail("frame_map_missing_write_right",
		      map_r(ro, VS, va1, RIGHTS_RW, 0), PITH_E_MISSING_RIGHTS,
		      PITH_RIGHT_WRITE, ANY);
	expect_detail("frame_map_missing_execute_right",
		      map_r(ro, VS, va1, RIGHTS_RX, 0), PITH_E_MISSING_RIGHTS,
		      PITH_RIGHT_EXECUTE, ANY);
	expect_detail("frame_map_initrd_writable",
		      map_r(pith_bootinfo->initrd_frames.start, VS, va1,
			    RIGHTS_RW, 0),
		      PITH_E_MISSING_RIGHTS, PITH_RIGHT_WRITE, ANY);
	if (pith_frame_map(ro, VS, va1, PITH_RIGHT_READ, 0) == PITH_OK)
		expect_detail("frame_remap_missing_rights",
			      invoke(ro, PITH_INV_FRAME_REMAP,
				     WORDS(RIGHTS_RW, 0), NO_CAPS),
			      PITH_E_MISSING_RIGHTS, PITH_RIGHT_WRITE, ANY);
	else
		expect_true("frame_remap_missing_rights", false,
			    "map read-only failed");
	expect_detail("frame_remap_write_execute",
		      invoke(f, PITH_INV_FRAME_REMAP,
			     WORDS(RIGHTS_RW | PITH_RIGHT_EXECUTE, 0), NO_CAPS),
		      PITH_E_INVALID_ARGUMENT, 0, ANY);
	expect_detail(
		"frame_remap_bad_attributes",
		invoke(f, PITH_INV_FRAME_REMAP, WORDS(RIGHTS_RW, 2), NO_CAPS),
		PITH_E_INVALID_ARGUMENT, 1, ANY);
	expect_err("frame_map_twice", map_r(f, VS, va2, RIGHTS_RW, 0).err,
		   PITH_E_DELETE_FIRST);
	slot_free(ro);
	slot_free(f);
}

/* Revoking a frame's original capability deletes its copies, and with
 * them the mappings they hold. */
static void test_frame_revoke(void)
{
	pith_cptr_t f = obj_new(PITH_OBJ_FRAME_4K, 0);
	pith_cptr_t c = cap_copy(f, PITH_RIGHTS_ALL);
	uint64_t va = va_page();
	struct tcase t;

	tc_begin(&t, "frame_revoke_unmaps_copies");
	if (tc_true(&t, f && c && va, "setup") &&
	    tc_ok(&t, pith_frame_map(c, VS, va, RIGHTS_RW, 0),
		  "map the copy")) {
		tc_true(&t, can_read(va), "the mapping is not readable");
		tc_ok(&t, pith_cnode_revoke(PITH_SLOT_CNODE, f, DEPTH),
		      "revoke the original");
		tc_eq(&t, cap_type(c), PITH_CAP_NULL, "the copy");
		tc_true(&t, !can_read(va), "the copy's mapping survived");
	}
	tc_end(&t);
	slot_free(c);
	slot_free(f);
}

static void test_frame_errors(void)
{
	pith_cptr_t f = obj_new(PITH_OBJ_FRAME_4K, 0);
	pith_cptr_t other = obj_new(PITH_OBJ_FRAME_4K, 0);
	pith_cptr_t vs = obj_new(PITH_OBJ_VSPACE, 0); /* no ASID */
	uint64_t va = va_page();

	expect_detail("frame_map_unaligned", map_r(f, VS, va + 8, RIGHTS_RW, 0),
		      PITH_E_ALIGNMENT, 0, ANY);
	expect_detail("frame_map_kernel_half",
		      map_r(f, VS, 0xffff800000000000ULL, RIGHTS_RW, 0),
		      PITH_E_INVALID_ARGUMENT, 0, ANY);
	expect_detail("frame_map_kernel_image",
		      map_r(f, VS, KERNEL_ADDRESS, PITH_RIGHT_READ, 0),
		      PITH_E_INVALID_ARGUMENT, 0, ANY);
	expect_detail("frame_map_noncanonical",
		      map_r(f, VS, 0x0000800000000000ULL, RIGHTS_RW, 0),
		      PITH_E_INVALID_ARGUMENT, 0, ANY);
	expect_detail("frame_map_last_user_page",
		      map_r(f, VS, USER_ADDR_LIMIT, RIGHTS_RW, 0),
		      PITH_E_INVALID_ARGUMENT, 0, ANY);
	expect_detail("frame_map_write_execute",
		      map_r(f, VS, va, RIGHTS_RW | PITH_RIGHT_EXECUTE, 0),
		      PITH_E_INVALID_ARGUMENT, 1, ANY);
	expect_detail("frame_map_without_read",
		      map_r(f, VS, va, PITH_RIGHT_WRITE, 0),
		      PITH_E_INVALID_ARGUMENT, 1, ANY);
	expect_detail("frame_map_bad_attributes",
		      map_r(f, VS, va, RIGHTS_RW, 2), PITH_E_INVALID_ARGUMENT,
		      2, ANY);
	expect_detail("frame_map_missing_page_table",
		      map_r(f, VS, TEST_VA_NO_PT, RIGHTS_RW, 0),
		      PITH_E_NOT_MAPPED, 1, ANY);
	expect_detail("frame_map_missing_page_directory",
		      map_r(f, VS, TEST_VA_NO_PD, RIGHTS_RW, 0),
		      PITH_E_NOT_MAPPED, 2, ANY);
	expect_detail("frame_map_missing_pdpt",
		      map_r(f, VS, TEST_VA_NO_PDPT, RIGHTS_RW, 0),
		      PITH_E_NOT_MAPPED, 3, ANY);
	expect_detail("frame_map_not_a_vspace",
		      map_r(f, PITH_SLOT_CNODE, va, RIGHTS_RW, 0),
		      PITH_E_INVALID_CAPABILITY, 1, ANY);
	expect_detail("frame_map_vspace_without_asid",
		      map_r(f, vs, va, RIGHTS_RW, 0), PITH_E_INVALID_CAPABILITY,
		      1, ANY);
	expect_err("frame_unmap_not_mapped", pith_frame_unmap(f),
		   PITH_E_NOT_MAPPED);
	expect_err("frame_remap_not_mapped",
		   pith_frame_remap(f, PITH_RIGHT_READ, 0), PITH_E_NOT_MAPPED);
	if (pith_frame_map(other, VS, va, RIGHTS_RW, 0) == PITH_OK)
		expect_err("frame_map_over_a_mapping",
			   pith_frame_map(f, VS, va, RIGHTS_RW, 0),
			   PITH_E_DELETE_FIRST);
	else
		expect_true("frame_map_over_a_mapping", false,
			    "the first map failed");
	expect_err("frame_map_over_the_image",
		   pith_frame_map(f, VS, USER_IMAGE_BASE, PITH_RIGHT_READ, 0),
		   PITH_E_DELETE_FIRST);
	expect_true("frame_map_errors_left_it_unmapped",
		    pith_frame_unmap(f) == PITH_E_NOT_MAPPED,
		    "a failed map mapped the frame");
	slot_free(vs);
	slot_free(other);
	slot_free(f);
}

static void test_large_frames(void)
{
	pith_cptr_t big = obj_new(PITH_OBJ_FRAME_2M, 0);
	pith_cptr_t small = obj_new(PITH_OBJ_FRAME_4K, 0);
	pith_cptr_t big2 = obj_new(PITH_OBJ_FRAME_2M, 0);
	pith_cptr_t pt = obj_new(PITH_OBJ_PAGE_TABLE, 0);
	uint64_t pa = 1, last = TEST_VA_LARGE + LARGE_PAGE_SIZE - 8;
	struct tcase t;

	tc_begin(&t, "frame_map_2m");
	if (tc_true(&t, big && small && big2, "setup") &&
	    tc_ok(&t, pith_frame_map(big, VS, TEST_VA_LARGE, RIGHTS_RW, 0),
		  "map")) {
		*word_at(TEST_VA_LARGE) = MARKER;
		*word_at(last) = MARKER + 2;
		tc_eq(&t, *word_at(TEST_VA_LARGE), MARKER, "first word");
		tc_eq(&t, *word_at(last), MARKER + 2, "last word");
		pith_frame_get_address(big, &pa);
		tc_eq(&t, pa & (LARGE_PAGE_SIZE - 1), 0, "2 MiB aligned");
	}
	tc_end(&t);

	expect_detail("frame_map_2m_unaligned",
		      map_r(big2, VS, TEST_VA_LARGE + LARGE_PAGE_SIZE + 4096,
			    RIGHTS_RW, 0),
		      PITH_E_ALIGNMENT, 0, ANY);
	expect_err(
		"frame_map_4k_inside_2m",
		pith_frame_map(small, VS, TEST_VA_LARGE + 4096, RIGHTS_RW, 0),
		PITH_E_DELETE_FIRST);
	expect_err("frame_map_2m_over_page_table",
		   pith_frame_map(big2, VS, TEST_VA, RIGHTS_RW, 0),
		   PITH_E_DELETE_FIRST);
	expect_err("frame_map_2m_over_2m",
		   pith_frame_map(big2, VS, TEST_VA_LARGE, RIGHTS_RW, 0),
		   PITH_E_DELETE_FIRST);
	expect_err("page_table_map_over_2m_frame",
		   pith_page_table_map(pt, VS, TEST_VA_LARGE),
		   PITH_E_DELETE_FIRST);

	tc_begin(&t, "frame_unmap_2m");
	tc_ok(&t, pith_frame_unmap(big), "unmap");
	tc_true(&t, !can_read(TEST_VA_LARGE), "still readable");
	tc_end(&t);
	slot_free(pt);
	slot_free(big2);
	slot_free(small);
	slot_free(big);
}

/* A PDPT, page directory and page table in an empty part of ktest's
 * address space, a frame in them, and everything unmapped again. */
static void test_tables(void)
{
	pith_cptr_t pdpt = obj_new(PITH_OBJ_PDPT, 0);
	pith_cptr_t pd = obj_new(PITH_OBJ_PAGE_DIRECTORY, 0);
	pith_cptr_t pt = obj_new(PITH_OBJ_PAGE_TABLE, 0);
	pith_cptr_t f = obj_new(PITH_OBJ_FRAME_4K, 0);
	const uint64_t va = TEST_VA_SCRATCH;
	struct tcase t;

	expect_detail(
		"page_directory_map_missing_pdpt",
		invoke(pd, PITH_INV_PAGE_DIRECTORY_MAP, WORDS(va), CAPS(VS)),
		PITH_E_NOT_MAPPED, 3, ANY);
	tc_begin(&t, "paging_structures_map");
	tc_ok(&t, pith_pdpt_map(pdpt, VS, va), "pdpt.map");
	tc_ok(&t, pith_page_directory_map(pd, VS, va), "page_directory.map");
	tc_ok(&t, pith_page_table_map(pt, VS, va + 0x1234), "page_table.map");
	if (tc_ok(&t, pith_frame_map(f, VS, va, RIGHTS_RW, 0), "frame.map")) {
		*word_at(va) = MARKER;
		tc_eq(&t, *word_at(va), MARKER, "the frame's word");
	}
	tc_end(&t);

	expect_err("pdpt_map_twice", pith_pdpt_map(pdpt, VS, va),
		   PITH_E_DELETE_FIRST);
	expect_err("page_directory_map_twice",
		   pith_page_directory_map(pd, VS, va), PITH_E_DELETE_FIRST);
	expect_err("page_table_map_twice", pith_page_table_map(pt, VS, va),
		   PITH_E_DELETE_FIRST);

	tc_begin(&t, "paging_structures_unmap");
	tc_ok(&t, pith_frame_unmap(f), "frame.unmap");
	tc_ok(&t, pith_page_table_unmap(pt), "page_table.unmap");
	tc_detail(&t,
		  invoke(f, PITH_INV_FRAME_MAP, WORDS(va, PITH_RIGHT_READ, 0),
			 CAPS(VS)),
		  PITH_E_NOT_MAPPED, 1, ANY,
		  "frame.map where the page table was");
	tc_ok(&t, pith_page_directory_unmap(pd), "page_directory.unmap");
	tc_detail(&t, invoke(pt, PITH_INV_PAGE_TABLE_MAP, WORDS(va), CAPS(VS)),
		  PITH_E_NOT_MAPPED, 2, ANY,
		  "page_table.map where the directory was");
	tc_ok(&t, pith_pdpt_unmap(pdpt), "pdpt.unmap");
	tc_true(&t, !can_read(va), "still readable");
	tc_end(&t);

	expect_err("page_table_unmap_not_mapped", pith_page_table_unmap(pt),
		   PITH_E_NOT_MAPPED);
	expect_err("page_directory_unmap_not_mapped",
		   pith_page_directory_unmap(pd), PITH_E_NOT_MAPPED);
	expect_err("pdpt_unmap_not_mapped", pith_pdpt_unmap(pdpt),
		   PITH_E_NOT_MAPPED);
	expect_err("pdpt_map_over_the_image",
		   pith_pdpt_map(pdpt, VS, USER_IMAGE_BASE),
		   PITH_E_DELETE_FIRST);
	expect_err("page_table_map_occupied",
		   pith_page_table_map(pt, VS, TEST_VA), PITH_E_DELETE_FIRST);
	expect_detail("page_table_map_missing_page_directory",
		      invoke(pt, PITH_INV_PAGE_TABLE_MAP, WORDS(TEST_VA_NO_PD),
			     CAPS(VS)),
		      PITH_E_NOT_MAPPED, 2, ANY);
	expect_detail("page_table_map_kernel_half",
		      invoke(pt, PITH_INV_PAGE_TABLE_MAP, WORDS(KERNEL_ADDRESS),
			     CAPS(VS)),
		      PITH_E_INVALID_ARGUMENT, 0, ANY);
	expect_detail("page_directory_map_kernel_half",
		      invoke(pd, PITH_INV_PAGE_DIRECTORY_MAP,
			     WORDS(0xffff800000000000ULL), CAPS(VS)),
		      PITH_E_INVALID_ARGUMENT, 0, ANY);
	expect_detail("pdpt_map_kernel_half",
		      invoke(pdpt, PITH_INV_PDPT_MAP,
			     WORDS(0xffff800000000000ULL), CAPS(VS)),
		      PITH_E_INVALID_ARGUMENT, 0, ANY);
	expect_detail("page_table_map_not_a_vspace",
		      invoke(pt, PITH_INV_PAGE_TABLE_MAP, WORDS(va),
			     CAPS(PITH_SLOT_TCB)),
		      PITH_E_INVALID_CAPABILITY, 1, ANY);
	slot_free(f);
	slot_free(pt);
	slot_free(pd);
	slot_free(pdpt);
}

/*
 * A table unmapped by its capability must not bring its old entries
 * along when it is mapped again: the frame capabilities of those entries
 * no longer reach them, and a frame could be deleted and its memory
 * reused while still mapped.
 */
static void test_table_remap_stale(void)
{
	pith_cptr_t pdpt = obj_new(PITH_OBJ_PDPT, 0);
	pith_cptr_t pd = obj_new(PITH_OBJ_PAGE_DIRECTORY, 0);
	pith_cptr_t pt = obj_new(PITH_OBJ_PAGE_TABLE, 0);
	pith_cptr_t f = obj_new(PITH_OBJ_FRAME_4K, 0);
	const uint64_t va = TEST_VA_SCRATCH, moved = va + LARGE_PAGE_SIZE;
	struct tcase t;

	tc_begin(&t, "page_table_unmap_forgets_entries");
	if (tc_ok(&t, pith_pdpt_map(pdpt, VS, va), "pdpt.map") &&
	    tc_ok(&t, pith_page_directory_map(pd, VS, va), "pd.map") &&
	    tc_ok(&t, pith_page_table_map(pt, VS, va), "pt.map") &&
	    tc_ok(&t, pith_frame_map(f, VS, va, RIGHTS_RW, 0), "frame.map")) {
		*word_at(va) = MARKER;
		tc_ok(&t, pith_page_table_unmap(pt), "page_table.unmap");
		tc_ok(&t, pith_page_table_map(pt, VS, moved),
		      "map the table 2 MiB further");
		if (can_read(moved))
			tc_fail(&t,
				"the frame mapped through the old table is "
				"readable at the table's new place (read "
				"0x%llx), though its capability maps it at "
				"0x%llx",
				(unsigned long long)probe_value,
				(unsigned long long)va);
	}
	tc_end(&t);
	pith_frame_unmap(f);
	pith_page_table_unmap(pt);
	pith_page_directory_unmap(pd);
	pith_pdpt_unmap(pdpt);
	slot_free(f);
	slot_free(pt);
	slot_free(pd);
	slot_free(pdpt);
}

/*
 * An address space deleted under its mappings: the frame capability still
 * says it is mapped, but the mapping is gone with the ASID. Remap fails
 * (NOT_MAPPED), unmap only forgets it (OK), and the frame can be mapped
 * again elsewhere.
 */
static void test_vspace_deleted(void)
{
	pith_cptr_t vs = obj_new(PITH_OBJ_VSPACE, 0);
	pith_cptr_t pdpt = obj_new(PITH_OBJ_PDPT, 0);
	pith_cptr_t pd = obj_new(PITH_OBJ_PAGE_DIRECTORY, 0);
	pith_cptr_t pt = obj_new(PITH_OBJ_PAGE_TABLE, 0);
	pith_cptr_t f = obj_new(PITH_OBJ_FRAME_4K, 0);
	struct tcase t;

	tc_begin(&t, "vspace_delete_leaves_mappings_unmappable");
	if (tc_ok(&t, pith_asid_pool_assign(PITH_SLOT_ASID_POOL, vs),
		  "assign an ASID") &&
	    tc_ok(&t, pith_pdpt_map(pdpt, vs, TEST_VA), "pdpt.map") &&
	    tc_ok(&t, pith_page_directory_map(pd, vs, TEST_VA), "pd.map") &&
	    tc_ok(&t, pith_page_table_map(pt, vs, TEST_VA), "pt.map") &&
	    tc_ok(&t, pith_frame_map(f, vs, TEST_VA, RIGHTS_RW, 0),
		  "frame.map") &&
	    tc_ok(&t, pith_cnode_delete(PITH_SLOT_CNODE, vs, DEPTH),
		  "delete the VSpace")) {
		tc_err(&t, pith_frame_remap(f, PITH_RIGHT_READ, 0),
		       PITH_E_NOT_MAPPED, "frame.remap");
		tc_ok(&t, pith_frame_unmap(f), "frame.unmap");
		tc_err(&t, pith_frame_unmap(f), PITH_E_NOT_MAPPED,
		       "frame.unmap again");
		tc_ok(&t, pith_page_table_unmap(pt), "page_table.unmap");
		tc_err(&t, pith_page_table_unmap(pt), PITH_E_NOT_MAPPED,
		       "page_table.unmap again");
		tc_ok(&t, pith_frame_map(f, VS, va_page(), RIGHTS_RW, 0),
		      "map the frame into ktest");
	}
	tc_end(&t);
	slot_free(f);
	slot_free(pt);
	slot_free(pd);
	slot_free(pdpt);
	slot_free(vs);
}

void test_vspace(void)
{
	if (!thread_create(&helper, 255)) {
		expect_true("vspace_helper_thread", false,
			    "could not make the helper thread");
		return;
	}
	/* Its faults are checked in the log by name (tests/qemu/run.py). */
	expect_err("vspace_helper_named",
		   pith_thread_set_name(helper.tcb, "probe"), PITH_OK);
	test_frame_mappings();
	test_frame_revoke();
	test_frame_errors();
	test_large_frames();
	test_tables();
	test_table_remap_stale();
	test_vspace_deleted();
	thread_destroy(&helper);
}
