/*
 * procmgr's memory for programs (docs/system.md, "Memory"): a buddy pool
 * of untyped blocks (pith/pool.h), fed on demand by blocks borrowed from
 * init, which go back to init as soon as they are wholly free again.
 *
 * procmgr's own untyped memory (its manifest's memory=) is small: its
 * own objects (the paging structures of its view of the initrd and of
 * the pages it fills while spawning) come from the first 64 KiB of its
 * largest block, and whatever else it was given starts the pool. When
 * the pool has no block large enough for a program, procmgr borrows one
 * of at least 1 MiB from init (init's `lend`, within its manifest's
 * borrow=) and adds it to the pool as a root. After a program ends and
 * its blocks have joined again, every borrowed root that is whole and
 * free leaves the pool (pith_pool_remove) and goes back (`give_back`).
 */
#include "procmgr.h"

/* procmgr's own objects come from a block of this size that programs
 * never share. */
#define OWN_BITS 16 /* 64 KiB */

/* A new untyped of 2^bits bytes from `from`, at its next aligned place. */
static enum pith_error carve(pith_cptr_t from, unsigned bits, pith_cptr_t *out)
{
	return pith_alloc_object_from(from, PITH_OBJ_UNTYPED, bits, out);
}

/* The untyped memory init gave: the largest block's first OWN_BITS for
 * procmgr itself, and the rest of it, in blocks of 2^OWN_BITS,
 * 2^(OWN_BITS+1), ... (which lie back to back after it), and every other
 * block, for programs. */
bool mem_setup(void)
{
	const struct pith_startinfo *si = pith_startinfo;
	uint64_t first = si->untyped.start, n = si->untyped.end - first;
	unsigned big = 0, bits;
	pith_cptr_t piece;

	pith_borrow_init(&pm.mem, pm.init, BORROW_MIN_BITS);
	if (!n || n > si->untyped_count || n > PITH_STARTINFO_MAX_UNTYPED)
		return false;
	for (unsigned i = 1; i < n; i++)
		if (si->untyped_size_bits[i] > si->untyped_size_bits[big])
			big = i;
	bits = si->untyped_size_bits[big];
	pm.own = first + big;
	if (bits > OWN_BITS) {
		if (carve(first + big, OWN_BITS, &pm.own) != PITH_OK)
			return false;
		for (unsigned b = OWN_BITS; b < bits; b++)
			if (carve(first + big, b, &piece) != PITH_OK ||
			    pith_pool_add(&pm.mem.pool, piece, b) !=
				    PITH_POOL_OK)
				return false;
	}
	for (unsigned i = 0; i < n; i++)
		if (i != big &&
		    pith_pool_add(&pm.mem.pool, first + i,
				  si->untyped_size_bits[i]) != PITH_POOL_OK)
			return false;
	return pith_alloc_use_untyped(&pm.own, 1) == PITH_OK;
}

enum pith_error mem_take(unsigned bits, uint64_t *block)
{
	return pith_borrow_take(&pm.mem, bits, block);
}

void mem_release(uint64_t *block)
{
	pith_borrow_release(&pm.mem, block);
}

void mem_return_idle(void)
{
	enum pith_error err = pith_borrow_return_idle(&pm.mem);

	/* init would not take a block: it stays in the pool */
	if (err != PITH_OK)
		pm_log("cannot give memory back to init: %s\n",
		       pith_error_name(err));
}
