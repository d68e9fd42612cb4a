/*
 * The buddy allocator of untyped blocks (pith/pool.h). The blocks are a
 * small table: roots, and the halves of split blocks, each naming its
 * parent. Every search is a walk of the table; it holds a few dozen
 * entries.
 */
#include "pith/pool.h"

#include <stddef.h>

void pith_pool_init(struct pith_pool *p, const struct pith_pool_ops *ops,
		    void *ctx)
{
	*p = (struct pith_pool){.ops = ops, .ctx = ctx};
}

static int unused_entry(const struct pith_pool *p, int after)
{
	for (int i = after + 1; i < PITH_POOL_BLOCKS_MAX; i++)
		if (p->b[i].state == PITH_POOL_UNUSED)
			return i;
	return -1;
}

enum pith_pool_error pith_pool_add(struct pith_pool *p, uint64_t cap,
				   unsigned bits)
{
	int i = unused_entry(p, -1);

	if (bits < PITH_POOL_MIN_BITS || bits > PITH_POOL_MAX_BITS)
		return PITH_POOL_E_RANGE;
	if (i < 0)
		return PITH_POOL_E_TABLE;
	p->b[i] = (struct pith_pool_block){.cap = cap,
					   .bits = (uint8_t)bits,
					   .state = PITH_POOL_FREE,
					   .parent = -1};
	p->total += 1ULL << bits;
	p->free += 1ULL << bits;
	return PITH_POOL_OK;
}

/* The smallest free block of at least 2^bits bytes; -1 if none. */
static int best_fit(const struct pith_pool *p, unsigned bits)
{
	int best = -1;

	for (int i = 0; i < PITH_POOL_BLOCKS_MAX; i++) {
		const struct pith_pool_block *b = &p->b[i];

		if (b->state == PITH_POOL_FREE && b->bits >= bits &&
		    (best < 0 || b->bits < p->b[best].bits))
			best = i;
	}
	return best;
}

/* Split free block i into two free halves; *lo is the first one's
 * entry. */
static enum pith_pool_error split(struct pith_pool *p, int i, int *lo)
{
	int a = unused_entry(p, -1), b = a < 0 ? -1 : unused_entry(p, a);
	unsigned half = p->b[i].bits - 1u;
	uint64_t cap_lo, cap_hi;

	if (b < 0)
		return PITH_POOL_E_TABLE;
	if (!p->ops->split(p->ctx, p->b[i].cap, p->b[i].bits, &cap_lo, &cap_hi))
		return PITH_POOL_E_SPLIT;
	p->b[i].state = PITH_POOL_SPLIT;
	p->b[a] = (struct pith_pool_block){.cap = cap_lo,
					   .bits = (uint8_t)half,
					   .state = PITH_POOL_FREE,
					   .parent = (int16_t)i};
	p->b[b] = (struct pith_pool_block){.cap = cap_hi,
					   .bits = (uint8_t)half,
					   .state = PITH_POOL_FREE,
					   .parent = (int16_t)i};
	*lo = a;
	return PITH_POOL_OK;
}

/* The other half of entry i's parent, or -1. */
static int twin(const struct pith_pool *p, int i)
{
	for (int k = 0; k < PITH_POOL_BLOCKS_MAX; k++)
		if (k != i && p->b[k].state != PITH_POOL_UNUSED &&
		    p->b[k].parent == p->b[i].parent)
			return k;
	return -1;
}

/* Entry i is free: while its twin is free too, join them into their
 * parent, which is then free. */
static void join_up(struct pith_pool *p, int i)
{
	while (p->b[i].parent >= 0) {
		int t = twin(p, i), parent = p->b[i].parent;

		if (t < 0 || p->b[t].state != PITH_POOL_FREE)
			return;
		p->ops->join(p->ctx, p->b[i].cap);
		p->ops->join(p->ctx, p->b[t].cap);
		p->b[i].state = p->b[t].state = PITH_POOL_UNUSED;
		p->b[parent].state = PITH_POOL_FREE;
		i = parent;
	}
}

enum pith_pool_error pith_pool_take(struct pith_pool *p, unsigned bits,
				    uint64_t *cap)
{
	int i;

	*cap = 0;
	if (bits > PITH_POOL_MAX_BITS)
		return PITH_POOL_E_RANGE;
	bits = bits < PITH_POOL_MIN_BITS ? PITH_POOL_MIN_BITS : bits;
	i = best_fit(p, bits);
	if (i < 0)
		return PITH_POOL_E_NO_MEMORY;
	while (p->b[i].bits > bits) {
		enum pith_pool_error err = split(p, i, &i);

		if (err != PITH_POOL_OK) {
			join_up(p, i); /* undo the splits made on the way */
			return err;
		}
	}
	p->b[i].state = PITH_POOL_TAKEN;
	p->free -= 1ULL << bits;
	*cap = p->b[i].cap;
	return PITH_POOL_OK;
}

bool pith_pool_give(struct pith_pool *p, uint64_t cap)
{
	for (int i = 0; i < PITH_POOL_BLOCKS_MAX; i++) {
		if (p->b[i].state != PITH_POOL_TAKEN || p->b[i].cap != cap)
			continue;
		p->b[i].state = PITH_POOL_FREE;
		p->free += 1ULL << p->b[i].bits;
		join_up(p, i);
		return true;
	}
	return false;
}

enum pith_pool_error pith_pool_remove(struct pith_pool *p, uint64_t cap)
{
	for (int i = 0; i < PITH_POOL_BLOCKS_MAX; i++) {
		struct pith_pool_block *b = &p->b[i];

		if (b->state == PITH_POOL_UNUSED || b->cap != cap ||
		    b->parent >= 0)
			continue;
		if (b->state != PITH_POOL_FREE)
			return PITH_POOL_E_BUSY; /* split or taken */
		b->state = PITH_POOL_UNUSED;
		p->total -= 1ULL << b->bits;
		p->free -= 1ULL << b->bits;
		return PITH_POOL_OK;
	}
	return PITH_POOL_E_NOT_FOUND;
}

unsigned pith_pool_largest(const struct pith_pool *p)
{
	unsigned bits = 0;

	for (int i = 0; i < PITH_POOL_BLOCKS_MAX; i++)
		if (p->b[i].state == PITH_POOL_FREE && p->b[i].bits > bits)
			bits = p->b[i].bits;
	return bits;
}
