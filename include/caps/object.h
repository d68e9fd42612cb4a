/*
 * Kernel objects: their sizes, creation by retype, and what happens when
 * the last capability to one goes.
 */
#ifndef CAPS_OBJECT_H
#define CAPS_OBJECT_H

#include "caps/cap.h"

#define TCB_SIZE_BITS	       11 /* 2 KiB */
#define ENDPOINT_SIZE_BITS     5  /* 32 bytes */
#define NOTIFICATION_SIZE_BITS 6  /* 64 bytes */
#define PAGE_BITS	       12
#define LARGE_PAGE_BITS	       21
#define UNTYPED_MIN_BITS       4
#define UNTYPED_MAX_BITS       47
#define CNODE_MIN_BITS	       1
#define CNODE_MAX_BITS	       20

/* log2 of the size of an object of `type` (enum pith_object_type) with
 * the user's size_bits; -1 if that size is out of range. */
int object_size_bits(unsigned type, uint64_t size_bits);

/* Is `type` a frame type (the only objects device memory can become)? */
bool object_is_frame(unsigned type);

/* Make the object at `paddr` (zeroed first unless device memory) and
 * return an original capability to it with all rights. */
struct cap object_create(unsigned type, uint64_t paddr, unsigned size_bits,
			 bool device);

/*
 * The capability in `slot` is about to be removed. Release what it holds
 * (a frame's mapping); if it is the object's last capability, destroy the
 * object: unmap it, unbind it, wake whatever waits on it. Containers
 * (CNodes, threads) are not handled here: see cte_delete().
 */
void object_finalise(struct cte *slot, bool final);

#endif
