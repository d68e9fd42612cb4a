/*
 * The buddy allocator of untyped blocks (pool.h). The blocks are a small
 * table: roots, and the halves of split blocks, each naming its parent.
 * Every search is a walk of the table; it holds a few dozen entries.
 */
#include "pool.h"

#include <stddef.h>

void pool_init(struct pool *p, const struct pool_ops *ops, void *ctx)
{
	*p = (struct pool){.ops = ops, .ctx = ctx};
}

static int unused_entry(const struct pool *p, int after)
{
	for (int i = after + 1; i < POOL_BLOCKS_MAX; i++)
		if (p->b[i].state == POOL_UNUSED)
			return i;
	return -1;
}

enum pool_error pool_add(struct pool *p, uint64_t cap, unsigned bits)
{
	int i = unused_entry(p, -1);

	if (bits < POOL_MIN_BITS || bits > POOL_MAX_BITS)
		return POOL_E_RANGE;
	if (i < 0)
		return POOL_E_TABLE;
	p->b[i] = (struct pool_block){.cap = cap,
				      .bits = (uint8_t)bits,
				      .state = POOL_FREE,
				      .parent = -1};
	p->total += 1ULL << bits;
	p->free += 1ULL << bits;
	return POOL_OK;
}

/* The smallest free block of at least 2^bits bytes; -1 if none. */
static int best_fit(const struct pool *p, unsigned bits)
{
	int best = -1;

	for (int i = 0; i < POOL_BLOCKS_MAX; i++) {
		const struct pool_block *b = &p->b[i];

		if (b->state == POOL_FREE && b->bits >= bits &&
		    (best < 0 || b->bits < p->b[best].bits))
			best = i;
	}
	return best;
}

/* Split free block i into two free halves; *lo is the first one's
 * entry. */
static enum pool_error split(struct pool *p, int i, int *lo)
{
	int a = unused_entry(p, -1), b = a < 0 ? -1 : unused_entry(p, a);
	unsigned half = p->b[i].bits - 1u;
	uint64_t cap_lo, cap_hi;

	if (b < 0)
		return POOL_E_TABLE;
	if (!p->ops->split(p->ctx, p->b[i].cap, p->b[i].bits, &cap_lo, &cap_hi))
		return POOL_E_SPLIT;
	p->b[i].state = POOL_SPLIT;
	p->b[a] = (struct pool_block){.cap = cap_lo,
				      .bits = (uint8_t)half,
				      .state = POOL_FREE,
				      .parent = (int16_t)i};
	p->b[b] = (struct pool_block){.cap = cap_hi,
				      .bits = (uint8_t)half,
				      .state = POOL_FREE,
				      .parent = (int16_t)i};
	*lo = a;
	return POOL_OK;
}

/* The other half of entry i's parent, or -1. */
static int twin(const struct pool *p, int i)
{
	for (int k = 0; k < POOL_BLOCKS_MAX; k++)
		if (k != i && p->b[k].state != POOL_UNUSED &&
		    p->b[k].parent == p->b[i].parent)
			return k;
	return -1;
}

/* Entry i is free: while its twin is free too, join them into their
 * parent, which is then free. */
static void join_up(struct pool *p, int i)
{
	while (p->b[i].parent >= 0) {
		int t = twin(p, i), parent = p->b[i].parent;

		if (t < 0 || p->b[t].state != POOL_FREE)
			return;
		p->ops->join(p->ctx, p->b[i].cap);
		p->ops->join(p->ctx, p->b[t].cap);
		p->b[i].state = p->b[t].state = POOL_UNUSED;
		p->b[parent].state = POOL_FREE;
		i = parent;
	}
}

enum pool_error pool_take(struct pool *p, unsigned bits, uint64_t *cap)
{
	int i;

	*cap = 0;
	if (bits > POOL_MAX_BITS)
		return POOL_E_RANGE;
	bits = bits < POOL_MIN_BITS ? POOL_MIN_BITS : bits;
	i = best_fit(p, bits);
	if (i < 0)
		return POOL_E_NO_MEMORY;
	while (p->b[i].bits > bits) {
		enum pool_error err = split(p, i, &i);

		if (err != POOL_OK) {
			join_up(p, i); /* undo the splits made on the way */
			return err;
		}
	}
	p->b[i].state = POOL_TAKEN;
	p->free -= 1ULL << bits;
	*cap = p->b[i].cap;
	return POOL_OK;
}

bool pool_give(struct pool *p, uint64_t cap)
{
	for (int i = 0; i < POOL_BLOCKS_MAX; i++) {
		if (p->b[i].state != POOL_TAKEN || p->b[i].cap != cap)
			continue;
		p->b[i].state = POOL_FREE;
		p->free += 1ULL << p->b[i].bits;
		join_up(p, i);
		return true;
	}
	return false;
}

unsigned pool_largest(const struct pool *p)
{
	unsigned bits = 0;

	for (int i = 0; i < POOL_BLOCKS_MAX; i++)
		if (p->b[i].state == POOL_FREE && p->b[i].bits > bits)
			bits = p->b[i].bits;
	return bits;
}
