/*
 * The capability derivation tree (see include/caps/cdt.h).
 */
#include "caps/cdt.h"

#include "kernel/panic.h"

void cdt_move(struct cte *src, struct cte *dest, struct cap cap)
{
	KASSERT(cap_is_null(&dest->cap));
	dest->cap = cap;
	dest->mdb_prev = src->mdb_prev;
	dest->mdb_next = src->mdb_next;
	dest->mdb_flags = src->mdb_flags;
	if (dest->mdb_prev)
		dest->mdb_prev->mdb_next = dest;
	if (dest->mdb_next)
		dest->mdb_next->mdb_prev = dest;
	src->cap = cap_null();
	src->mdb_prev = src->mdb_next = NULL;
	src->mdb_flags = 0;
}

bool cdt_is_parent_of(const struct cte *parent, const struct cte *child)
{
	const struct cap *p = &parent->cap, *c = &child->cap;

	if (!(parent->mdb_flags & MDB_REVOCABLE) || !cap_same_region(p, c))
		return false;
	/* An unbadged original is the parent of every copy and badged mint;
	 * a badged one only of copies with its badge that were not
	 * themselves minted anew. */
	if (p->type == PITH_CAP_ENDPOINT || p->type == PITH_CAP_NOTIFICATION) {
		uint64_t badge = cap_badge(p);

		return badge == 0 || (badge == cap_badge(c) &&
				      !(child->mdb_flags & MDB_FIRST_BADGED));
	}
	return true;
}

bool cdt_has_children(const struct cte *slot)
{
	return slot->mdb_next && cdt_is_parent_of(slot, slot->mdb_next);
}

bool cdt_is_final(const struct cte *slot)
{
	const struct cte *p = slot->mdb_prev, *n = slot->mdb_next;

	return !(p && cap_same_object(&p->cap, &slot->cap)) &&
	       !(n && cap_same_object(&n->cap, &slot->cap));
}

uint64_t cdt_derived_flags(const struct cap *cap, const struct cap *src)
{
	bool revocable = false;

	switch (cap->type) {
	case PITH_CAP_ENDPOINT:
	case PITH_CAP_NOTIFICATION:
		revocable = cap_badge(cap) != cap_badge(src);
		return revocable ? MDB_REVOCABLE | MDB_FIRST_BADGED : 0;
	case PITH_CAP_UNTYPED:
		return MDB_REVOCABLE;
	case PITH_CAP_IRQ_HANDLER:
		revocable = src->type == PITH_CAP_IRQ_CONTROL;
		break;
	case PITH_CAP_IOPORT:
		revocable = src->type == PITH_CAP_IOPORT_CONTROL;
		break;
	default:
		break;
	}
	return revocable ? MDB_REVOCABLE : 0;
}
