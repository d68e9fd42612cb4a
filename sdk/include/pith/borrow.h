/*
 * Memory borrowed from init on demand (docs/sdk.md, "Borrowed memory"):
 * a buddy pool of untyped blocks (pith/pool.h) whose roots are blocks
 * init lends (its `lend` method, within the manifest's borrow=), each
 * given back (`give_back`) once it is wholly free again.
 *
 * procmgr keeps its programs' memory so; the C library's heap borrows
 * through it when the program's own memory runs out (pith_heap_borrow(),
 * pith/heap.h). A program may also give the pool roots of its own with
 * pith_pool_add(&b->pool, ...): those are never given back.
 *
 * Not thread-safe: one thread uses a borrower at a time.
 */
#ifndef PITH_BORROW_H
#define PITH_BORROW_H

#include <stdint.h>

#include "pith/invoke.h"
#include "pith/pool.h"

/* Blocks lent at once, at most (init lends 128 in all). */
#define PITH_BORROW_LOANS_MAX 64

struct pith_borrow {
	struct pith_pool pool;
	pith_cptr_t init;  /* init's protocol; 0: nothing is borrowed */
	unsigned min_bits; /* loans are at least 2^min_bits bytes */
	/* Roots of the pool that init lent. */
	struct {
		pith_cptr_t slot;
		unsigned bits;
	} loans[PITH_BORROW_LOANS_MAX];
	unsigned nloans;
	uint64_t lent; /* bytes held now: the pool's loans and kept ones */
};

/* An empty pool that borrows from `init` (0: never) blocks of at least
 * 2^min_bits bytes (PITH_POOL_MIN_BITS to PITH_POOL_MAX_BITS). */
void pith_borrow_init(struct pith_borrow *b, pith_cptr_t init,
		      unsigned min_bits);

/* A block of 2^bits bytes from the pool, for the caller alone (made
 * from, then released); when the pool has none that large, init lends a
 * block of 2^max(bits, min_bits) bytes first. PITH_E_NOT_ENOUGH_MEMORY:
 * init lends no more (its borrow= reached, no free block, no init) or
 * PITH_BORROW_LOANS_MAX loans are held; PITH_E_EXHAUSTED: no slot, or
 * the pool's table is full. */
enum pith_error pith_borrow_take(struct pith_borrow *b, unsigned bits,
				 uint64_t *block);

/* Give a block from pith_borrow_take() back to the pool, deleting
 * whatever is still made from it; *block becomes 0 (0: nothing to do).
 * The loan stays until pith_borrow_return_idle(). */
void pith_borrow_release(struct pith_borrow *b, uint64_t *block);

/* Give init back every loan that is wholly free again. An error of
 * init's give_back (the loan then stays in the pool), else PITH_OK. */
enum pith_error pith_borrow_return_idle(struct pith_borrow *b);

/* A loan of 2^bits bytes outside the pool, in a new slot *slot: for
 * memory the program keeps until it ends (objects that stay, such as
 * paging structures). Counted in `lent`. The errors of
 * pith_borrow_take(). */
enum pith_error pith_borrow_keep(struct pith_borrow *b, unsigned bits,
				 pith_cptr_t *slot);

#endif
