/*
 * Memory borrowed from init (pith/borrow.h).
 *
 * init retypes a loan straight into a slot of the borrower's CNode (an
 * untyped capability is never copied), so a loan is: a free slot, named
 * in `lend`. A loan in the pool is one of its roots; once the pool has
 * joined it whole again, pith_pool_remove() takes it out and init takes
 * it back, emptying the slot.
 */
#include "pith/borrow.h"

#include "pith/alloc.h"
#include "pith/pith.h"
#include "pith/proto/init.h"

void pith_borrow_init(struct pith_borrow *b, pith_cptr_t init,
		      unsigned min_bits)
{
	pith_pool_init(&b->pool, &pith_pool_kernel_ops, NULL);
	b->init = init;
	b->min_bits =
		min_bits < PITH_POOL_MIN_BITS ? PITH_POOL_MIN_BITS : min_bits;
	b->nloans = 0;
	b->lent = 0;
}

/* A loan of 2^bits bytes in a new slot. */
static enum pith_error lend(struct pith_borrow *b, unsigned bits,
			    pith_cptr_t *slot)
{
	enum pith_error err;

	*slot = 0;
	if (!b->init)
		return PITH_E_NOT_ENOUGH_MEMORY;
	err = pith_slot_alloc(slot);
	if (err != PITH_OK)
		return err;
	err = init_lend(b->init, bits, *slot);
	if (err != PITH_OK) {
		pith_slot_free(*slot); /* empty: init made nothing there */
		*slot = 0;
		return PITH_E_NOT_ENOUGH_MEMORY; /* refused: none to lend */
	}
	b->lent += 1ULL << bits;
	return PITH_OK;
}

/* Give the loan at `slot` back: init empties the slot, which is freed. */
static enum pith_error give_back(struct pith_borrow *b, pith_cptr_t slot,
				 unsigned bits)
{
	enum pith_error err = init_give_back(b->init, slot);

	if (err != PITH_OK)
		return err;
	pith_slot_free(slot);
	b->lent -= 1ULL << bits;
	return PITH_OK;
}

/* Borrow a block of 2^bits bytes as a root of the pool. */
static enum pith_error borrow(struct pith_borrow *b, unsigned bits)
{
	pith_cptr_t slot;
	enum pith_error err;

	if (b->nloans == PITH_BORROW_LOANS_MAX)
		return PITH_E_NOT_ENOUGH_MEMORY;
	err = lend(b, bits, &slot);
	if (err != PITH_OK)
		return err;
	if (pith_pool_add(&b->pool, slot, bits) != PITH_POOL_OK) {
		give_back(b, slot, bits);
		return PITH_E_EXHAUSTED;
	}
	b->loans[b->nloans].slot = slot;
	b->loans[b->nloans++].bits = bits;
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

enum pith_error pith_borrow_take(struct pith_borrow *b, unsigned bits,
				 uint64_t *block)
{
	enum pith_pool_error e = pith_pool_take(&b->pool, bits, block);
	enum pith_error err;

	if (e != PITH_POOL_E_NO_MEMORY)
		return take_error(e);
	err = borrow(b, bits > b->min_bits ? bits : b->min_bits);
	if (err != PITH_OK)
		return err;
	return take_error(pith_pool_take(&b->pool, bits, block));
}

void pith_borrow_release(struct pith_borrow *b, uint64_t *block)
{
	if (!*block)
		return;
	pith_cnode_revoke(PITH_SLOT_CNODE, *block, PITH_SLOT_DEPTH);
	pith_pool_give(&b->pool, *block);
	*block = 0;
}

enum pith_error pith_borrow_return_idle(struct pith_borrow *b)
{
	enum pith_error first = PITH_OK;
	unsigned kept = 0;

	for (unsigned i = 0; i < b->nloans; i++) {
		pith_cptr_t slot = b->loans[i].slot;
		unsigned bits = b->loans[i].bits;
		enum pith_error err;

		if (pith_pool_remove(&b->pool, slot) == PITH_POOL_OK) {
			err = give_back(b, slot, bits);
			if (err == PITH_OK)
				continue;
			/* init would not take it: it stays in the pool */
			if (first == PITH_OK)
				first = err;
			pith_pool_add(&b->pool, slot, bits);
		}
		b->loans[kept++] = b->loans[i];
	}
	b->nloans = kept;
	return first;
}

enum pith_error pith_borrow_keep(struct pith_borrow *b, unsigned bits,
				 pith_cptr_t *slot)
{
	return lend(b, bits, slot);
}
