/*
 * Address-space identifiers, as in seL4: an ASID names a VSpace, so that a
 * frame or page table capability can say where it is mapped without
 * pointing at the VSpace object itself. When the VSpace (or its pool) goes,
 * its ASID stops resolving and every capability that mentions it finds the
 * mapping gone. ASIDs come in pools of 512, each made from 4 KiB of untyped
 * memory (AsidControl.MakePool); the kernel keeps only the small table of
 * pools. ASID 0 is never valid.
 */
#ifndef CAPS_ASID_H
#define CAPS_ASID_H

#include "kernel/compiler.h"
#include "kernel/panic.h"

#define ASID_POOL_BITS 9
#define ASID_POOL_SIZE (1u << ASID_POOL_BITS) /* ASIDs per pool */
#define ASID_POOLS     64		      /* pools in the system */

struct asid_pool {
	uint64_t vspace[ASID_POOL_SIZE]; /* VSpace root paddr; 0: free */
};

_Static_assert(sizeof(struct asid_pool) == 4096, "ASID pool size");

/* The table of pools (caps/asid.c). */
extern struct asid_pool *asid_pools[ASID_POOLS];

/* The VSpace root (physical) an ASID names, or 0. ASIDs come from the
 * kernel (capabilities record them), so they are in range; ASID 0 is
 * never assigned, so its entry stays 0. */
static __always_inline uint64_t asid_lookup(uint64_t asid)
{
	const struct asid_pool *pool = asid_pools[asid >> ASID_POOL_BITS];

	KASSERT(asid >> ASID_POOL_BITS < ASID_POOLS);
	return pool ? pool->vspace[asid & (ASID_POOL_SIZE - 1)] : 0;
}

/* Register `pool` in the first free table entry; its first ASID, or
 * UINT64_MAX if the table is full. */
uint64_t asid_pool_register(struct asid_pool *pool);

/* Give `vspace_root` a free ASID of the pool starting at `base`; 0 if the
 * pool is full. */
uint64_t asid_assign(struct asid_pool *pool, uint64_t base,
		     uint64_t vspace_root);

/* The VSpace is gone: its ASID is free again. */
void asid_release(uint64_t asid, uint64_t vspace_root);

/* The pool is gone: all its ASIDs stop resolving. */
void asid_pool_destroy(struct asid_pool *pool, uint64_t base);

#endif
