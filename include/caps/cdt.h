/*
 * The capability derivation tree (seL4's "mapping database").
 *
 * All slots holding capabilities form one doubly linked list in which each
 * capability is followed by its descendants. A capability is the parent of
 * the one after it if it is revocable (an original: made by retype, or
 * issued by a control capability, or minted with a new badge) and covers
 * the same region; badged endpoint capabilities are parents only of copies
 * with their badge. So revoking walks forward from a slot while the next
 * capability is a child, and a capability is the last one of its object
 * exactly when neither neighbour names the same object.
 */
#ifndef CAPS_CDT_H
#define CAPS_CDT_H

#include "caps/cap.h"
#include "kernel/panic.h"

/* Put `cap` into the empty slot `dest` as a child of the capability in
 * `parent` (which may be NULL: a root of the tree). Inline: the IPC
 * fastpath makes reply capabilities with it. */
static __always_inline void cdt_insert(struct cte *parent, struct cte *dest,
				       struct cap cap, uint64_t mdb_flags)
{
	KASSERT(cap_is_null(&dest->cap));
	dest->cap = cap;
	dest->mdb_flags = mdb_flags;
	dest->mdb_prev = parent;
	dest->mdb_next = parent ? parent->mdb_next : NULL;
	if (dest->mdb_next)
		dest->mdb_next->mdb_prev = dest;
	if (parent)
		parent->mdb_next = dest;
}

/* Take `slot` out of the tree (its capability stays in the slot). */
static __always_inline void cdt_unlink(struct cte *slot)
{
	if (slot->mdb_prev)
		slot->mdb_prev->mdb_next = slot->mdb_next;
	if (slot->mdb_next)
		slot->mdb_next->mdb_prev = slot->mdb_prev;
	slot->mdb_prev = slot->mdb_next = NULL;
	slot->mdb_flags = 0;
}

/* Move the capability and its place in the tree from src to empty dest. */
void cdt_move(struct cte *src, struct cte *dest, struct cap cap);

/* Is `child` (the capability right after `parent`) derived from it? */
bool cdt_is_parent_of(const struct cte *parent, const struct cte *child);

/* Does the capability in `slot` have derived capabilities? */
bool cdt_has_children(const struct cte *slot);

/* Is `slot` the only capability to its object? */
bool cdt_is_final(const struct cte *slot);

/* The flags a capability derived from `src` into `cap` gets. */
uint64_t cdt_derived_flags(const struct cap *cap, const struct cap *src);

#endif
