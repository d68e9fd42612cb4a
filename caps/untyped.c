/*
 * Untyped memory: retype and describe.
 *
 * Objects are carved from an untyped block above its watermark, each
 * aligned to its own size. While any object made from the block remains
 * (any capability derived from the untyped capability), the watermark only
 * rises; once none does, the next retype starts again from the bottom: the
 * block's whole size is reusable after a revoke.
 */
#include "caps/cdt.h"
#include "caps/cspace.h"
#include "caps/object.h"
#include "kernel/invocation.h"

#define RETYPE_MAX 65536 /* objects per retype */

/* args: type, size_bits, node_index, node_depth, node_offset, num_objects;
 * caps: root */
enum pith_error decode_untyped_retype(struct invocation *inv)
{
	struct cte *ut = inv->slot, *dest;
	uint64_t type = inv->args[0], offset = inv->args[4];
	uint64_t num = inv->args[5], base, top, first, size;
	const struct cap *cnode;
	bool device = ut->cap.flags & CAP_F_DEVICE;
	enum pith_error err;
	int bits;

	if (type >= PITH_OBJ_COUNT)
		return inv_error(inv, PITH_E_INVALID_ARGUMENT, 0, 0);
	bits = object_size_bits((unsigned)type, inv->args[1]);
	if (bits < 0)
		return inv_error(inv, PITH_E_RANGE, 1, 0);
	if (num == 0 || num > RETYPE_MAX)
		return inv_error(inv, PITH_E_RANGE, 5, 0);
	if (device && !object_is_frame((unsigned)type) &&
	    type != PITH_OBJ_UNTYPED)
		return inv_error(inv, PITH_E_INVALID_ARGUMENT, 0, 0);
	err = inv_lookup_cnode(inv, inv->caps[0], 2, &cnode);
	if (err != PITH_OK)
		return err;
	if (offset > (1ULL << cnode->size_bits) ||
	    num > (1ULL << cnode->size_bits) - offset)
		return inv_error(inv, PITH_E_RANGE, 4, 0);
	for (uint64_t i = 0; i < num; i++) {
		if (!cap_is_null(&cnode->cnode.slots[offset + i].cap))
			return inv_error(inv, PITH_E_DELETE_FIRST, offset + i,
					 0);
	}

	base = ut->cap.untyped.paddr;
	top = base + (1ULL << ut->cap.size_bits);
	size = 1ULL << bits;
	if (!cdt_has_children(ut))
		ut->cap.untyped.watermark = 0; /* all of it is free again */
	first = (base + ut->cap.untyped.watermark + size - 1) & ~(size - 1);
	if (size > top - base || first > top - size ||
	    num > (top - first) >> bits)
		return PITH_E_NOT_ENOUGH_MEMORY;

	for (uint64_t i = 0; i < num; i++) {
		struct cap c =
			object_create((unsigned)type, first + (i << bits),
				      (unsigned)bits, device);

		dest = &cnode->cnode.slots[offset + i];
		cdt_insert(ut, dest, c, MDB_REVOCABLE | MDB_FIRST_BADGED);
	}
	ut->cap.untyped.watermark = first + (num << bits) - base;
	return PITH_OK;
}

enum pith_error decode_untyped_describe(struct invocation *inv)
{
	const struct cte *ut = inv->slot;

	inv_return(inv, 0, ut->cap.untyped.paddr);
	inv_return(inv, 1, ut->cap.size_bits);
	inv_return(inv, 2,
		   cdt_has_children(ut) ? ut->cap.untyped.watermark : 0);
	inv_return(inv, 3, (ut->cap.flags & CAP_F_DEVICE) ? 1 : 0);
	return PITH_OK;
}
