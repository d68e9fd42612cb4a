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

#include "pith/proto/init.h"

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

	pith_pool_init(&pm.pool, &pith_pool_kernel_ops, NULL);
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
			    pith_pool_add(&pm.pool, piece, b) != PITH_POOL_OK)
				return false;
	}
	for (unsigned i = 0; i < n; i++)
		if (i != big &&
		    pith_pool_add(&pm.pool, first + i,
				  si->untyped_size_bits[i]) != PITH_POOL_OK)
			return false;
	return pith_alloc_use_untyped(&pm.own, 1) == PITH_OK;
}

/* Borrow a block of 2^bits bytes from init into a new slot, as a root of
 * the pool. */
static enum pith_error borrow(unsigned bits)
{
	pith_cptr_t slot;
	enum pith_error err;

	if (!pm.init || pm.nborrowed == BORROWED_MAX)
		return PITH_E_NOT_ENOUGH_MEMORY;
	err = pith_slot_alloc(&slot);
	if (err != PITH_OK)
		return err;
	err = init_lend(pm.init, bits, slot);
	if (err != PITH_OK) {
		pith_slot_free(slot); /* empty: init made nothing there */
		return PITH_E_NOT_ENOUGH_MEMORY;
	}
	if (pith_pool_add(&pm.pool, slot, bits) != PITH_POOL_OK) {
		init_give_back(pm.init, slot);
		pith_slot_free(slot);
		return PITH_E_EXHAUSTED;
	}
	pm.borrowed[pm.nborrowed].slot = slot;
	pm.borrowed[pm.nborrowed++].bits = bits;
	return PITH_OK;
}

static enum pith_error take_error(enum pith_pool_error e)
{
	switch (e) {
	case PITH_POOL_OK:
		return PITH_OK;
	case PITH_POOL_E_TABLE:
		return PITH_E_EXHAUSTED;
	default:
		return PITH_E_NOT_ENOUGH_MEMORY;
	}
}

enum pith_error mem_take(unsigned bits, uint64_t *block)
{
	enum pith_pool_error e = pith_pool_take(&pm.pool, bits, block);
	enum pith_error err;

	if (e != PITH_POOL_E_NO_MEMORY)
		return take_error(e);
	err = borrow(bits > BORROW_MIN_BITS ? bits : BORROW_MIN_BITS);
	if (err != PITH_OK)
		return err;
	return take_error(pith_pool_take(&pm.pool, bits, block));
}

void mem_release(uint64_t *block)
{
	if (!*block)
		return;
	pith_cnode_revoke(PITH_SLOT_CNODE, *block, PITH_SLOT_DEPTH);
	pith_pool_give(&pm.pool, *block);
	*block = 0;
}

void mem_return_idle(void)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < pm.nborrowed; i++) {
		pith_cptr_t slot = pm.borrowed[i].slot;
		enum pith_error err = PITH_E_IN_USE;

		if (pith_pool_remove(&pm.pool, slot) == PITH_POOL_OK) {
			err = init_give_back(pm.init, slot);
			if (err == PITH_OK) {
				pith_slot_free(slot); /* init emptied it */
				continue;
			}
			/* init would not take it: it stays in the pool */
			pm_log("cannot give memory back to init: %s\n",
			       pith_error_name(err));
			pith_pool_add(&pm.pool, slot, pm.borrowed[i].bits);
		}
		pm.borrowed[kept++] = pm.borrowed[i];
	}
	pm.nborrowed = kept;
}
