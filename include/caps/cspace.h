/*
 * CSpace addressing: seL4's guarded radix lookup.
 *
 * A capability address (cptr) is resolved `depth` bits at a time, most
 * significant first, from a root CNode capability. At each CNode the next
 * guard_bits of the address must equal the CNode capability's guard, and the
 * radix bits after that index the slot. If bits remain and the slot holds a
 * CNode capability, resolution continues there.
 */
#ifndef CAPS_CSPACE_H
#define CAPS_CSPACE_H

#include "caps/cap.h"

#define CSPACE_DEPTH_MAX 64

/* Why a lookup failed (the FAILED_LOOKUP error's detail). */
enum lookup_failure {
	LOOKUP_OK = 0,
	LOOKUP_EMPTY = 1,     /* the slot is empty */
	LOOKUP_GUARD = 2,     /* a guard did not match */
	LOOKUP_DEPTH = 3,     /* the depth does not end at a slot boundary */
	LOOKUP_NOT_CNODE = 4, /* a non-CNode capability where one is needed */
};

/*
 * Resolve the slot named by `depth` bits of `cptr` from `root`. Stops early
 * at a slot whose capability is not a CNode; *bits_left then says how many
 * bits were not used.
 */
enum lookup_failure cspace_resolve(const struct cap *root, uint64_t cptr,
				   unsigned depth, struct cte **slot,
				   unsigned *bits_left);

/* The slot of a capability to invoke or pass: depth 64, stopping at the
 * first non-CNode capability; the slot must not be empty. */
enum lookup_failure cspace_lookup_cap(const struct cap *root, uint64_t cptr,
				      struct cte **slot);

/* The slot a CNode operation names: exactly `depth` bits (1 to 64) must be
 * used. The slot may be empty. */
enum lookup_failure cspace_lookup_slot(const struct cap *root, uint64_t index,
				       unsigned depth, struct cte **slot);

/*
 * The slot of `cptr` when `root` is one CNode whose guard and radix cover
 * all 64 bits (as the SDK builds CSpaces), else `other`: the lookup of
 * nearly every system call, without cspace_resolve()'s loop. The same slot
 * as cspace_lookup_cap() would find, which may be empty.
 */
static __always_inline struct cte *
cspace_lookup_flat(const struct cap *root, uint64_t cptr, struct cte *other)
{
	unsigned radix = root->size_bits, guard_bits = root->u32;

	if (root->type != PITH_CAP_CNODE || guard_bits + radix != 64 ||
	    cptr >> radix != root->cnode.guard)
		return other;
	/* The low radix bits; guard_bits < 64, as a CNode has at least two
	 * slots. */
	return &root->cnode.slots[cptr << guard_bits >> guard_bits];
}

#endif
