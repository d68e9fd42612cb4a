/*
 * The heap's borrowed pages (pith/heap.h): a region of n pages is made
 * of one block of the borrower's pool (pith/borrow.h) per bit of n (17
 * pages: 64 KiB and 4 KiB), so that nothing is lost to rounding; its
 * frames sit in consecutive slots and are mapped as one mapping
 * (pith_vm_map_frames()). A region is known by its first frame's slot.
 * Loans are at least 256 KiB (the largest arena), and go back to init as
 * soon as the pool has joined them whole again.
 *
 * The paging structures a mapping needs come from the program's own
 * memory, which may be full when the heap borrows: then init lends a
 * small block that is kept for good (the SDK's paging structures stay),
 * and the object allocator makes them, and anything else, from it.
 */
#include <stdint.h>

#include "heap.h"
#include "libc.h"
#include "pith/alloc.h"
#include "pith/borrow.h"
#include "pith/heap.h"
#include "pith/pith.h"
#include "pith/vm.h"

#define LOAN_MIN_BITS 18 /* 256 KiB */
#define KEEP_BITS     14 /* 16 KiB: four page tables */
#define KEEP_TRIES    4	 /* kept blocks one mapping may need */
#define BLOCKS_MAX    128
#define PAGE_BITS     12

static struct pith_borrow lender;

/* The pool's blocks that borrowed regions are made of. */
static struct {
	pith_cptr_t first; /* the region's first frame; 0: a free entry */
	uint64_t block;
	unsigned bits;
} blocks[BLOCKS_MAX];

static bool record(pith_cptr_t first, uint64_t block, unsigned bits)
{
	for (unsigned i = 0; i < BLOCKS_MAX; i++) {
		if (!blocks[i].first) {
			blocks[i].first = first;
			blocks[i].block = block;
			blocks[i].bits = bits;
			return true;
		}
	}
	return false;
}

static bool is_region(pith_cptr_t first)
{
	for (unsigned i = 0; first && i < BLOCKS_MAX; i++)
		if (blocks[i].first == first)
			return true;
	return false;
}

/* Delete the region's frames (slots from `first`) and give its blocks
 * back to the pool, and the pool's free loans to init. */
static void drop(pith_cptr_t first)
{
	for (unsigned i = 0; i < BLOCKS_MAX; i++) {
		if (blocks[i].first != first)
			continue;
		pith_borrow_release(&lender, &blocks[i].block);
		blocks[i].first = 0;
	}
	pith_borrow_return_idle(&lender);
}

/* Frames for `pages` pages in the slots from `first`, made from blocks
 * of the pool, largest first. */
static enum pith_error make_frames(pith_cptr_t first, uint64_t pages)
{
	uint64_t done = 0;

	for (unsigned bit = 64; bit-- > 0;) {
		uint64_t n = 1ULL << bit, block;
		enum pith_error err;

		if (!(pages & n))
			continue;
		err = pith_borrow_take(&lender, bit + PAGE_BITS, &block);
		if (err != PITH_OK)
			return err;
		if (!record(first, block, bit + PAGE_BITS)) {
			pith_borrow_release(&lender, &block);
			return PITH_E_EXHAUSTED;
		}
		err = pith_untyped_retype(block, PITH_SLOT_CNODE,
					  PITH_OBJ_FRAME_4K, 0, 0, 0,
					  first + done, n);
		if (err != PITH_OK)
			return err;
		done += n;
	}
	return PITH_OK;
}

/* Map the frames; when a paging structure cannot be made, borrow a
 * block for it, kept, and try again. */
static enum pith_error map_frames(pith_cptr_t first, uint64_t pages,
				  uint64_t *va)
{
	enum pith_error err = PITH_E_NOT_ENOUGH_MEMORY;
	pith_cptr_t keep;

	for (unsigned k = 0; k <= KEEP_TRIES; k++) {
		err = pith_vm_map_frames(
			first, pages, PITH_RIGHT_READ | PITH_RIGHT_WRITE, va);
		if (err != PITH_E_NOT_ENOUGH_MEMORY || k == KEEP_TRIES)
			break;
		err = pith_borrow_keep(&lender, KEEP_BITS, &keep);
		if (err != PITH_OK)
			break;
		err = pith_alloc_add_untyped(keep);
		if (err != PITH_OK)
			break; /* kept, unused: it goes back when we end */
	}
	return err;
}

static void *borrowed_map(size_t bytes)
{
	uint64_t pages = bytes / HEAP_PAGE, va = 0;
	pith_cptr_t first;
	enum pith_error err = pith_slots_alloc(pages, &first);

	if (err != PITH_OK)
		return NULL;
	err = make_frames(first, pages);
	if (err == PITH_OK)
		err = map_frames(first, pages, &va);
	if (err != PITH_OK) {
		pith_slots_free(first, pages);
		drop(first);
		return NULL;
	}
	return (void *)(uintptr_t)va;
}

static bool borrowed_unmap(void *p)
{
	uint64_t va = (uint64_t)(uintptr_t)p;
	pith_cptr_t first = pith_vm_frame(va);
	uint64_t pages = 0;

	if (!is_region(first))
		return false;
	for (unsigned i = 0; i < BLOCKS_MAX; i++)
		if (blocks[i].first == first)
			pages += 1ULL << (blocks[i].bits - PAGE_BITS);
	pith_vm_unmap(va); /* leaves the frames: they were mapped as given */
	pith_slots_free(first, pages);
	drop(first);
	return true;
}

static bool borrowed_owns(const void *p)
{
	return is_region(pith_vm_frame((uint64_t)(uintptr_t)p));
}

static const struct libc_lender heap_lender = {
	borrowed_map,
	borrowed_unmap,
	borrowed_owns,
};

enum pith_error pith_heap_borrow(pith_cptr_t init)
{
	if (!init)
		return PITH_E_INVALID_ARGUMENT;
	if (libc_lender)
		return PITH_OK; /* borrowing already */
	pith_borrow_init(&lender, init, LOAN_MIN_BITS);
	libc_lender = &heap_lender;
	return PITH_OK;
}

uint64_t pith_heap_borrowed(void)
{
	return libc_lender ? lender.lent : 0;
}
