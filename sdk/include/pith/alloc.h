/*
 * Allocators for a program's own CSpace and memory: free slots of its
 * root CNode, and kernel objects retyped from its untyped memory.
 *
 * Both start from what the program was given at its start, and set
 * themselves up on first use:
 *  - the root task: the boot info's empty slots and every RAM untyped
 *    capability it lists (device memory is left alone);
 *  - a spawned program: its startinfo's empty slots and the untyped
 *    capabilities its parent gave it (pith/startinfo.h).
 * pith_alloc_use_untyped() changes which untyped memory objects come from.
 *
 * Slots are named by their number, which is also their capability address
 * (the root CNode's guard makes slot numbers cptrs at depth 64). Nothing
 * here crashes when slots or memory run out: the functions return
 * PITH_E_EXHAUSTED (no free slot) or PITH_E_NOT_ENOUGH_MEMORY (no untyped
 * with room).
 *
 * Not thread-safe: one thread of a program allocates at a time.
 */
#ifndef PITH_ALLOC_H
#define PITH_ALLOC_H

#include <stdint.h>

#include "pith/invoke.h"

/* The depth at which a slot number of the root CNode is its address, for
 * the CNode operations that take an (index, depth) pair. */
#define PITH_SLOT_DEPTH 64

/* At most this many slots, from the start of the range, are managed. */
#define PITH_ALLOC_SLOTS_MAX   65536
/* At most this many untyped capabilities are used for objects. */
#define PITH_ALLOC_UNTYPED_MAX 256

/* ---- slots ------------------------------------------------------------- */

/* A free slot of the program's root CNode: *slot its number.
 * PITH_E_EXHAUSTED if none is left. */
enum pith_error pith_slot_alloc(pith_cptr_t *slot);

/* n consecutive free slots (for a retype of several objects at once):
 * *first the first. PITH_E_EXHAUSTED if there is no such run;
 * PITH_E_INVALID_ARGUMENT if n is 0. */
enum pith_error pith_slots_alloc(uint64_t n, pith_cptr_t *first);

/* Delete whatever the slot holds and make it free again. Slots outside
 * the allocator's range (the fixed low slots, 0) are left alone. */
void pith_slot_free(pith_cptr_t slot);
void pith_slots_free(pith_cptr_t first, uint64_t n);

/* How many slots are free now (to check that nothing leaks). */
uint64_t pith_slots_available(void);

/* ---- objects ----------------------------------------------------------- */

/* One new object of `type` (PITH_OBJ_*; size_bits as Untyped.Retype takes
 * it) in a new slot, *slot. The untyped capabilities are tried in turn,
 * from the one that last had room; PITH_E_NOT_ENOUGH_MEMORY if none has.
 * Any other error of the retype (a bad type or size) is returned as is.
 * On an error *slot is 0 and nothing is left allocated. */
enum pith_error pith_alloc_object(uint64_t type, uint64_t size_bits,
				  pith_cptr_t *slot);

/* The same, from one given untyped capability (device memory, say). */
enum pith_error pith_alloc_object_from(pith_cptr_t untyped, uint64_t type,
				       uint64_t size_bits, pith_cptr_t *slot);

/* One new object into slot `index` of another CNode, named by `cnode`, its
 * capability's address in this program's CSpace (to hand memory or
 * objects straight to a child). The slot must be empty. */
enum pith_error pith_alloc_object_into(uint64_t type, uint64_t size_bits,
				       pith_cptr_t cnode, uint64_t index);

/* From now on, make objects from these untyped capabilities, tried in this
 * order (at most PITH_ALLOC_UNTYPED_MAX; n may be 0: no memory). A program
 * keeps a block for its own use by leaving it out. */
enum pith_error pith_alloc_use_untyped(const pith_cptr_t *untyped, unsigned n);

/* Make objects from one more untyped capability, tried after the others
 * (memory borrowed for good, pith/borrow.h). PITH_E_RANGE if
 * PITH_ALLOC_UNTYPED_MAX are in use already. */
enum pith_error pith_alloc_add_untyped(pith_cptr_t untyped);

/* The untyped capabilities in use: up to `max` of them into untyped[];
 * returns how many there are (to restore them later). */
unsigned pith_alloc_untyped(pith_cptr_t *untyped, unsigned max);

/* ---- capabilities ------------------------------------------------------ */

/* A copy of the capability in `src` with at most `rights`, in a new slot.
 * Untyped, paging structures and control capabilities cannot be copied
 * (PITH_E_ILLEGAL_OPERATION); a frame's copy is not mapped. */
enum pith_error pith_cap_copy(pith_cptr_t src, uint64_t rights,
			      pith_cptr_t *slot);

/* The same with a badge (endpoints, notifications; 0: keep the source's)
 * or a guard (CNodes: size in bits 0-5, value from bit 6). */
enum pith_error pith_cap_mint(pith_cptr_t src, uint64_t rights, uint64_t badge,
			      pith_cptr_t *slot);

#endif
