/*
 * The helper layer: free slots of the root CNode and objects from a pool
 * of untyped memory, through the SDK's allocators (pith/alloc.h), and the
 * test region of ktest's address space.
 *
 * The SDK hands out the root CNode's free slots (bootinfo->empty) and
 * reuses freed ones. ktest narrows its memory to one pool, the
 * second-largest RAM untyped of the boot info: the largest is kept for
 * the leak test, and the untyped suite expects every other block
 * untouched. The kernel's watermark only rises while objects made from
 * the pool remain, which is fine for a test run.
 */
#include "ktest.h"

static pith_cptr_t pool, largest, device;
static uint64_t largest_bits;

static bool untyped_pick(void)
{
	const struct pith_bootinfo *bi = pith_bootinfo;
	int first = -1, second = -1;

	for (unsigned i = 0; i < bi->untyped_count; i++) {
		const struct pith_untyped_desc *d = &bi->untyped_list[i];

		if (d->device) {
			if (!device && d->paddr >= (1ULL << 32))
				device = bi->untyped.start + i;
			continue;
		}
		if (first < 0 ||
		    d->size_bits > bi->untyped_list[first].size_bits) {
			second = first;
			first = (int)i;
		} else if (second < 0 ||
			   d->size_bits > bi->untyped_list[second].size_bits) {
			second = (int)i;
		}
	}
	if (second < 0)
		return false;
	largest = bi->untyped.start + (unsigned)first;
	largest_bits = bi->untyped_list[first].size_bits;
	pool = bi->untyped.start + (unsigned)second;
	pith_printf("ktest: pool untyped 2^%u bytes at 0x%llx; leak-test "
		    "untyped 2^%u bytes at 0x%llx\n",
		    bi->untyped_list[second].size_bits,
		    (unsigned long long)bi->untyped_list[second].paddr,
		    bi->untyped_list[first].size_bits,
		    (unsigned long long)bi->untyped_list[first].paddr);
	return true;
}

bool alloc_init(void)
{
	if (!pith_bootinfo || !untyped_pick())
		return false;
	return pith_alloc_use_untyped(&pool, 1) == PITH_OK;
}

void alloc_report(void)
{
	const struct pith_slot_range empty = pith_bootinfo->empty;

	pith_printf("ktest: %llu KiB of the pool untyped used, %llu root "
		    "slots\n",
		    (unsigned long long)untyped_watermark(pool) >> 10,
		    (unsigned long long)(empty.end - empty.start -
					 pith_slots_available()));
}

pith_cptr_t slot_alloc(void)
{
	pith_cptr_t s;

	return pith_slot_alloc(&s) == PITH_OK ? s : 0;
}

pith_cptr_t slots_alloc(unsigned n)
{
	pith_cptr_t s;

	return pith_slots_alloc(n, &s) == PITH_OK ? s : 0;
}

void slot_free(pith_cptr_t slot)
{
	pith_slot_free(slot);
}

void slots_free(pith_cptr_t first, unsigned n)
{
	pith_slots_free(first, n);
}

pith_cptr_t obj_new_from(pith_cptr_t untyped, uint64_t type, uint64_t size_bits)
{
	pith_cptr_t s;

	return pith_alloc_object_from(untyped, type, size_bits, &s) == PITH_OK
		       ? s
		       : 0;
}

pith_cptr_t obj_new(uint64_t type, uint64_t size_bits)
{
	pith_cptr_t s;

	return pith_alloc_object(type, size_bits, &s) == PITH_OK ? s : 0;
}

pith_cptr_t untyped_largest(uint64_t *size_bits)
{
	*size_bits = largest_bits;
	return largest;
}

pith_cptr_t untyped_device(void)
{
	return device;
}

pith_cptr_t untyped_pool(void)
{
	return pool;
}

struct ident ident(pith_cptr_t cptr)
{
	struct ident id = {0};

	pith_debug_identify(PITH_SLOT_DEBUG, cptr, &id.type, &id.rights,
			    &id.badge);
	return id;
}

uint64_t cap_type(pith_cptr_t cptr)
{
	return ident(cptr).type;
}

uint64_t nested_cap_type(pith_cptr_t cnode, uint64_t bits, uint64_t index)
{
	pith_cptr_t tmp = slot_alloc();
	uint64_t type = PITH_CAP_NULL;

	if (tmp && pith_cnode_move(PITH_SLOT_CNODE, cnode, tmp, DEPTH, index,
				   bits) == PITH_OK) {
		type = cap_type(tmp);
		pith_cnode_move(cnode, PITH_SLOT_CNODE, index, bits, tmp,
				DEPTH);
	}
	slot_free(tmp);
	return type;
}

pith_cptr_t cap_mint(pith_cptr_t src, uint64_t rights, uint64_t badge)
{
	pith_cptr_t s;

	return pith_cap_mint(src, rights, badge, &s) == PITH_OK ? s : 0;
}

pith_cptr_t cap_copy(pith_cptr_t src, uint64_t rights)
{
	return cap_mint(src, rights, 0);
}

uint64_t untyped_watermark(pith_cptr_t ut)
{
	uint64_t wm;

	if (pith_untyped_describe(ut, NULL, NULL, &wm, NULL) != PITH_OK)
		return UINT64_MAX;
	return wm;
}

/* ---- the test region ---------------------------------------------------- */

static uint64_t next_va = TEST_VA;
static bool vm_ready;

bool vm_init(void)
{
	pith_cptr_t pdpt, pd;

	if (vm_ready)
		return true;
	pdpt = obj_new(PITH_OBJ_PDPT, 0);
	pd = obj_new(PITH_OBJ_PAGE_DIRECTORY, 0);
	if (!pdpt || !pd ||
	    pith_pdpt_map(pdpt, PITH_SLOT_VSPACE, TEST_VA) != PITH_OK ||
	    pith_page_directory_map(pd, PITH_SLOT_VSPACE, TEST_VA) != PITH_OK)
		return false;
	vm_ready = true;
	return true;
}

uint64_t va_page(void)
{
	uint64_t va = next_va;

	if (va >= TEST_VA_PAGES_END || !vm_init())
		return 0;
	/* A new 2 MiB stretch needs its page table. */
	if ((va & (LARGE_PAGE_SIZE - 1)) == 0) {
		pith_cptr_t pt = obj_new(PITH_OBJ_PAGE_TABLE, 0);

		if (!pt ||
		    pith_page_table_map(pt, PITH_SLOT_VSPACE, va) != PITH_OK)
			return 0;
	}
	next_va += PAGE_SIZE;
	return va;
}

pith_cptr_t frame_new_mapped(uint64_t *va, uint64_t rights)
{
	pith_cptr_t f = obj_new(PITH_OBJ_FRAME_4K, 0);

	*va = va_page();
	if (!f || !*va ||
	    pith_frame_map(f, PITH_SLOT_VSPACE, *va, rights, 0) != PITH_OK) {
		slot_free(f);
		return 0;
	}
	return f;
}
