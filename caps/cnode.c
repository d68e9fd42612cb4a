/*
 * CNodes: the slot operations (copy, mint, move, mutate, delete, revoke),
 * and how capabilities are deleted.
 *
 * Deleting the last capability of a CNode or a thread must delete the
 * capabilities inside it, which may be the last of other CNodes and threads,
 * and so on. Instead of recursing, the slot that held the container's
 * capability becomes a zombie: it remembers the container, the next of its
 * slots to empty, and the zombie it was itself found in. reap() empties
 * zombies depth first along that chain, so the kernel stack stays flat
 * however deep the nesting (seL4 uses zombie capabilities for the same
 * reason).
 */
#include "caps/cnode.h"

#include "caps/cdt.h"
#include "caps/cspace.h"
#include "caps/object.h"
#include "caps/tcb.h"
#include "kernel/invocation.h"
#include "kernel/panic.h"

#define ZOMBIE_TCB 1 /* zombie cap u32: the container is a thread */

static bool is_container(const struct cap *c)
{
	return c->type == PITH_CAP_CNODE || c->type == PITH_CAP_TCB;
}

static void zombie_slots(const struct cap *z, struct cte **slots, uint64_t *n)
{
	if (z->u32 == ZOMBIE_TCB) {
		*slots = ((struct tcb *)z->zombie.obj)->slots;
		*n = TCB_SLOTS;
	} else {
		*slots = z->zombie.obj;
		*n = 1ULL << z->size_bits;
	}
}

/* The last capability of a CNode or thread in `slot` becomes a zombie. */
static void zombify(struct cte *slot, struct cte *parent)
{
	struct cap c = slot->cap, z = {.type = CAP_ZOMBIE};

	if (c.type == PITH_CAP_TCB) {
		tcb_destroy(c.tcb.tcb);
		z.u32 = ZOMBIE_TCB;
		z.zombie.obj = c.tcb.tcb;
	} else {
		z.size_bits = c.size_bits;
		z.zombie.obj = c.cnode.slots;
	}
	z.zombie.parent = parent;
	cdt_unlink(slot);
	slot->cap = z;
}

static void empty_slot(struct cte *slot)
{
	cdt_unlink(slot);
	slot->cap = cap_null();
}

/* Empty the zombie in `top` and every zombie made on the way. */
static void reap(struct cte *top)
{
	struct cte *cur = top;

	while (cur) {
		struct cap *z = &cur->cap;
		struct cte *slots, *s;
		uint64_t n;
		bool final;

		zombie_slots(z, &slots, &n);
		if (z->zombie.next == n) { /* this container is empty */
			struct cte *parent = z->zombie.parent;

			cur->cap = cap_null();
			cur = parent;
			continue;
		}
		s = &slots[z->zombie.next++];
		/* Skip empty slots and zombies: a container's own zombie may
		 * sit in one of its slots. */
		if (cap_is_null(&s->cap) || s->cap.type == CAP_ZOMBIE)
			continue;
		final = cdt_is_final(s);
		if (final && is_container(&s->cap)) {
			zombify(s, cur);
			cur = s;
			continue;
		}
		object_finalise(s, final);
		empty_slot(s);
	}
}

void cte_delete(struct cte *slot)
{
	bool final;

	if (cap_is_null(&slot->cap) || slot->cap.type == CAP_ZOMBIE)
		return;
	final = cdt_is_final(slot);
	if (final && is_container(&slot->cap)) {
		zombify(slot, NULL);
		reap(slot);
		return;
	}
	object_finalise(slot, final);
	empty_slot(slot);
}

void cte_revoke(struct cte *slot)
{
	/* Each deletion may take other descendants (the contents of a
	 * CNode), even the slot itself: look afresh every time. */
	while (!cap_is_null(&slot->cap) && slot->cap.type != CAP_ZOMBIE &&
	       cdt_has_children(slot))
		cte_delete(slot->mdb_next);
}

enum pith_error cap_derive(const struct cte *src, struct cap *out)
{
	*out = src->cap;
	switch (src->cap.type) {
	case PITH_CAP_FRAME:
		out->flags &= ~CAP_F_MAPPED;
		out->u32 = 0;
		out->page.vaddr = out->page.asid = 0;
		return PITH_OK;
	case PITH_CAP_UNTYPED:
		/* One capability per block: a copy would keep a watermark of
		 * its own and carve the same memory again. To delegate memory
		 * with the power to take it back, retype a child untyped and
		 * move that. */
	case PITH_CAP_PAGE_TABLE:
	case PITH_CAP_PAGE_DIRECTORY:
	case PITH_CAP_PDPT:
		/* One capability per paging structure: it records where the
		 * structure is mapped. */
	case PITH_CAP_IRQ_CONTROL:
	case PITH_CAP_IOPORT_CONTROL:
	case PITH_CAP_ASID_CONTROL:
		/* Control capabilities move; they are not copied. */
	case PITH_CAP_NULL:
	case CAP_ZOMBIE:
	case PITH_CAP_REPLY: /* one-shot: moved, never copied */
		return PITH_E_ILLEGAL_OPERATION;
	case PITH_CAP_VSPACE:
		/* Each copy could get an ASID of its own, and one would
		 * outlive the VSpace: assign first, then copy (as seL4). */
		return out->page.asid ? PITH_OK : PITH_E_ILLEGAL_OPERATION;
	default:
		return PITH_OK;
	}
}

enum pith_error cap_set_data(struct cap *c, uint64_t data)
{
	uint64_t guard_bits, guard;

	if (data == 0)
		return PITH_OK;
	switch (c->type) {
	case PITH_CAP_ENDPOINT:
	case PITH_CAP_NOTIFICATION:
		if (cap_badge(c) != 0) /* badges never change once set */
			return PITH_E_ILLEGAL_OPERATION;
		if (c->type == PITH_CAP_ENDPOINT)
			c->endpoint.badge = data;
		else
			c->notification.badge = data;
		return PITH_OK;
	case PITH_CAP_CNODE:
		guard_bits = data & 63;
		guard = data >> 6;
		if (guard_bits + c->size_bits > 64 ||
		    (guard_bits < 64 && guard >> guard_bits))
			return PITH_E_INVALID_ARGUMENT;
		c->u32 = (uint32_t)guard_bits;
		c->cnode.guard = guard;
		return PITH_OK;
	default:
		return PITH_E_INVALID_ARGUMENT;
	}
}

/* ---- invocations --------------------------------------------------------
 * args: dest_index, dest_depth, src_index, src_depth, ... ; caps: src_root.
 */

struct transfer {
	struct cte *dest;
	struct cte *src;
};

/* Look up and check both slots of a copy/mint/move/mutate. */
static enum pith_error lookup_transfer(struct invocation *inv,
				       struct transfer *t)
{
	enum pith_error err;

	if (inv->caps[0]->cap.type != PITH_CAP_CNODE)
		return inv_error(inv, PITH_E_INVALID_CAPABILITY, 1, 0);
	err = inv_lookup_slot(inv, &inv->slot->cap, 0, LOOKUP_WHICH_DEST,
			      &t->dest);
	if (err == PITH_OK)
		err = inv_lookup_slot(inv, &inv->caps[0]->cap, 2,
				      LOOKUP_WHICH_SOURCE, &t->src);
	if (err != PITH_OK)
		return err;
	if (cap_is_null(&t->src->cap) || t->src->cap.type == CAP_ZOMBIE)
		return inv_error(inv, PITH_E_FAILED_LOOKUP, LOOKUP_WHICH_SOURCE,
				 LOOKUP_EMPTY);
	if (!cap_is_null(&t->dest->cap))
		return PITH_E_DELETE_FIRST;
	return PITH_OK;
}

static enum pith_error copy_or_mint(struct invocation *inv, uint64_t rights,
				    uint64_t data)
{
	struct transfer t;
	struct cap c;
	enum pith_error err;

	if (rights & ~(uint64_t)PITH_RIGHTS_ALL)
		return inv_error(inv, PITH_E_INVALID_ARGUMENT, 4, 0);
	err = lookup_transfer(inv, &t);
	if (err != PITH_OK)
		return err;
	err = cap_derive(t.src, &c);
	if (err == PITH_OK)
		err = cap_set_data(&c, data);
	if (err == PITH_E_INVALID_ARGUMENT)
		return inv_error(inv, err, 5, 0);
	if (err != PITH_OK)
		return err;
	c.rights &= (uint8_t)rights; /* rights only ever narrow */
	cdt_insert(t.src, t.dest, c, cdt_derived_flags(&c, &t.src->cap));
	return PITH_OK;
}

enum pith_error decode_cnode_copy(struct invocation *inv)
{
	return copy_or_mint(inv, inv->args[4], 0);
}

enum pith_error decode_cnode_mint(struct invocation *inv)
{
	return copy_or_mint(inv, inv->args[4], inv->args[5]);
}

static enum pith_error move_or_mutate(struct invocation *inv, uint64_t data)
{
	struct transfer t;
	struct cap c;
	enum pith_error err = lookup_transfer(inv, &t);

	if (err != PITH_OK)
		return err;
	c = t.src->cap;
	/* A new badge would change which capabilities count as derived
	 * from this one: they would escape its revoke. */
	if (data &&
	    (c.type == PITH_CAP_ENDPOINT || c.type == PITH_CAP_NOTIFICATION) &&
	    cdt_has_children(t.src))
		return PITH_E_REVOKE_FIRST;
	err = cap_set_data(&c, data);
	if (err == PITH_E_INVALID_ARGUMENT)
		return inv_error(inv, err, 4, 0);
	if (err != PITH_OK)
		return err;
	cdt_move(t.src, t.dest, c);
	return PITH_OK;
}

enum pith_error decode_cnode_move(struct invocation *inv)
{
	return move_or_mutate(inv, 0);
}

enum pith_error decode_cnode_mutate(struct invocation *inv)
{
	return move_or_mutate(inv, inv->args[4]);
}

enum pith_error decode_cnode_delete(struct invocation *inv)
{
	struct cte *slot;
	enum pith_error err = inv_lookup_slot(inv, &inv->slot->cap, 0,
					      LOOKUP_WHICH_DEST, &slot);

	if (err != PITH_OK)
		return err;
	cte_delete(slot);
	return PITH_OK;
}

enum pith_error decode_cnode_revoke(struct invocation *inv)
{
	struct cte *slot;
	enum pith_error err = inv_lookup_slot(inv, &inv->slot->cap, 0,
					      LOOKUP_WHICH_DEST, &slot);

	if (err != PITH_OK)
		return err;
	cte_revoke(slot);
	return PITH_OK;
}

/* args: index, depth: where the caller's reply capability goes. */
enum pith_error decode_cnode_save_caller(struct invocation *inv)
{
	struct cte *from = &inv->caller->slots[TCB_SLOT_CALLER], *slot;
	enum pith_error err = inv_lookup_slot(inv, &inv->slot->cap, 0,
					      LOOKUP_WHICH_DEST, &slot);

	if (err != PITH_OK)
		return err;
	if (!cap_is_null(&slot->cap))
		return PITH_E_DELETE_FIRST;
	if (from->cap.type != PITH_CAP_REPLY)
		return PITH_E_ILLEGAL_OPERATION; /* no call to reply to */
	cdt_move(from, slot, from->cap);
	return PITH_OK;
}

/* args: index, depth. Returns type, rights, badge; an empty slot is
 * PITH_CAP_NULL with no rights. */
enum pith_error decode_cnode_identify(struct invocation *inv)
{
	struct cte *slot;
	enum pith_error err = inv_lookup_slot(inv, &inv->slot->cap, 0,
					      LOOKUP_WHICH_DEST, &slot);

	if (err != PITH_OK)
		return err;
	if (slot->cap.type >= PITH_CAP_COUNT) { /* a zombie: going away */
		inv_return(inv, 0, PITH_CAP_NULL);
		inv_return(inv, 1, 0);
		inv_return(inv, 2, 0);
		return PITH_OK;
	}
	inv_return(inv, 0, slot->cap.type);
	inv_return(inv, 1, slot->cap.rights);
	inv_return(inv, 2, cap_badge(&slot->cap));
	return PITH_OK;
}
