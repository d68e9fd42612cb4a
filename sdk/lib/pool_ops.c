/*
 * The buddy pool's operations on the kernel's untyped memory
 * (pith/pool.h): kept apart from pool.c, which is pure logic tested on
 * the host.
 */
#include "pith/alloc.h"
#include "pith/pith.h"
#include "pith/pool.h"

static bool split_block(void *ctx, uint64_t cap, unsigned bits, uint64_t *lo,
			uint64_t *hi)
{
	pith_cptr_t first;

	(void)ctx;
	if (pith_slots_alloc(2, &first) != PITH_OK)
		return false;
	if (pith_untyped_retype(cap, PITH_SLOT_CNODE, PITH_OBJ_UNTYPED,
				bits - 1, 0, 0, first, 2) != PITH_OK) {
		pith_slots_free(first, 2);
		return false;
	}
	*lo = first;
	*hi = first + 1;
	return true;
}

static void join_block(void *ctx, uint64_t cap)
{
	(void)ctx;
	pith_slot_free(cap);
}

const struct pith_pool_ops pith_pool_kernel_ops = {split_block, join_block};
