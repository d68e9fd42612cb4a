/*
 * CSpace lookup (see include/caps/cspace.h).
 */
#include "caps/cspace.h"

/* The `bits` bits of x that end `below` bits from the bottom. */
static uint64_t bits_at(uint64_t x, unsigned below, unsigned bits)
{
	if (bits == 0)
		return 0;
	x = below >= 64 ? 0 : x >> below;
	return bits >= 64 ? x : x & ((1ULL << bits) - 1);
}

enum lookup_failure cspace_resolve(const struct cap *root, uint64_t cptr,
				   unsigned depth, struct cte **slot,
				   unsigned *bits_left)
{
	const struct cap *cap = root;
	unsigned n = depth;

	*slot = NULL;
	*bits_left = depth;
	for (;;) {
		unsigned guard_bits, radix, level;
		struct cte *s;

		if (cap->type != PITH_CAP_CNODE)
			return LOOKUP_NOT_CNODE;
		guard_bits = cap->u32;
		radix = cap->size_bits;
		level = guard_bits + radix;
		if (level == 0 || level > n)
			return LOOKUP_DEPTH;
		if (bits_at(cptr, n - guard_bits, guard_bits) !=
		    cap->cnode.guard)
			return LOOKUP_GUARD;
		s = &cap->cnode.slots[bits_at(cptr, n - level, radix)];
		n -= level;
		*slot = s;
		*bits_left = n;
		if (n == 0 || s->cap.type != PITH_CAP_CNODE)
			return LOOKUP_OK;
		cap = &s->cap;
	}
}

/* cspace_lookup_cap() the general way: out of line, so that the quick way
 * saves no registers. */
static __attribute__((noinline)) enum lookup_failure
lookup_cap_resolve(const struct cap *root, uint64_t cptr, struct cte **slot)
{
	unsigned left;
	enum lookup_failure f =
		cspace_resolve(root, cptr, CSPACE_DEPTH_MAX, slot, &left);

	if (f == LOOKUP_OK && cap_is_null(&(*slot)->cap))
		f = LOOKUP_EMPTY;
	return f;
}

enum lookup_failure cspace_lookup_cap(const struct cap *root, uint64_t cptr,
				      struct cte **slot)
{
	struct cte *s = cspace_lookup_flat(root, cptr, NULL);

	if (!s)
		return lookup_cap_resolve(root, cptr, slot);
	*slot = s;
	return cap_is_null(&s->cap) ? LOOKUP_EMPTY : LOOKUP_OK;
}

enum lookup_failure cspace_lookup_slot(const struct cap *root, uint64_t index,
				       unsigned depth, struct cte **slot)
{
	unsigned left;
	enum lookup_failure f;

	if (depth == 0 || depth > CSPACE_DEPTH_MAX)
		return LOOKUP_DEPTH;
	f = cspace_resolve(root, index, depth, slot, &left);
	if (f == LOOKUP_OK && left != 0)
		f = LOOKUP_DEPTH;
	return f;
}
