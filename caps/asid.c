/*
 * ASID pools (see include/caps/asid.h).
 */
#include "caps/asid.h"

#include "kernel/panic.h"

struct asid_pool *asid_pools[ASID_POOLS];

uint64_t asid_pool_register(struct asid_pool *pool)
{
	for (unsigned p = 0; p < ASID_POOLS; p++) {
		if (!asid_pools[p]) {
			asid_pools[p] = pool;
			return (uint64_t)p << ASID_POOL_BITS;
		}
	}
	return UINT64_MAX;
}

uint64_t asid_assign(struct asid_pool *pool, uint64_t base,
		     uint64_t vspace_root)
{
	for (unsigned i = 0; i < ASID_POOL_SIZE; i++) {
		if (base + i == 0) /* ASID 0 stays invalid */
			continue;
		if (!pool->vspace[i]) {
			pool->vspace[i] = vspace_root;
			return base + i;
		}
	}
	return 0;
}

void asid_release(uint64_t asid, uint64_t vspace_root)
{
	uint64_t p = asid >> ASID_POOL_BITS;
	uint64_t *e;

	if (p >= ASID_POOLS || !asid_pools[p])
		return; /* the pool went first */
	e = &asid_pools[p]->vspace[asid & (ASID_POOL_SIZE - 1)];
	if (*e == vspace_root)
		*e = 0;
}

void asid_pool_destroy(struct asid_pool *pool, uint64_t base)
{
	uint64_t p = base >> ASID_POOL_BITS;

	KASSERT(p < ASID_POOLS && asid_pools[p] == pool);
	asid_pools[p] = NULL;
}
