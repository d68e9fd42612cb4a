/*
 * Capabilities and the slots that hold them.
 *
 * A capability is 32 bytes: its type (enum pith_cap_type, shared with user
 * space), its rights (PITH_RIGHT_*), a size, flags, and three words whose
 * meaning depends on the type. A slot (struct cte, "capability table
 * entry") is 64 bytes: the capability and its place in the capability
 * derivation tree (caps/cdt.c).
 *
 * Objects are named by physical address (untyped, frames, paging
 * structures) or by kernel pointer (threads, CNodes, endpoints,
 * notifications, ASID pools). No kernel object holds a count of its
 * capabilities: the derivation tree says when the last one goes.
 */
#ifndef CAPS_CAP_H
#define CAPS_CAP_H

#include "kernel/compiler.h"
#include "pith/abi.h"

/* Kernel-internal capability type: a slot whose object is being destroyed
 * (caps/cnode.c). Never visible to user space. */
#define CAP_ZOMBIE (PITH_CAP_COUNT + 1)

/* cap.flags */
#define CAP_F_DEVICE 0x1 /* untyped, frame: device memory */
#define CAP_F_MAPPED 0x2 /* frame, paging structure: mapped */
#define CAP_F_MASTER 0x4 /* reply: a thread's own master reply cap */

struct tcb;
struct cte;
struct endpoint;
struct notification;
struct asid_pool;

struct cap {
	uint8_t type;	   /* enum pith_cap_type, or CAP_ZOMBIE */
	uint8_t rights;	   /* PITH_RIGHT_* */
	uint8_t size_bits; /* untyped: log2 bytes; cnode: log2 slots;
			      frame: 12 or 21; zombie: log2 slots */
	uint8_t flags;	   /* CAP_F_* */
	uint32_t u32;	   /* cnode: guard size in bits; frame and paging
			      structures: mapping rights and attributes */
	union {
		struct {
			uint64_t paddr;
			uint64_t watermark; /* bytes used from paddr */
		} untyped;
		struct {
			struct cte *slots;
			uint64_t guard;
		} cnode;
		struct {
			struct tcb *tcb;
		} tcb;
		struct {
			struct tcb *tcb; /* the caller to reply to */
		} reply;
		struct {
			struct endpoint *ep;
			uint64_t badge;
		} endpoint;
		struct {
			struct notification *ntfn;
			uint64_t badge;
		} notification;
		struct {
			uint64_t paddr; /* the frame or the table itself */
			uint64_t vaddr; /* where it is mapped */
			uint64_t asid;	/* in which address space; for a
					   vspace, its own ASID (0: none) */
		} page;
		struct {
			struct asid_pool *pool;
			uint64_t base; /* first ASID of the pool */
		} asid_pool;
		struct {
			uint64_t vector;
		} irq;
		struct {
			uint64_t first, last; /* inclusive */
		} ioport;
		struct {
			void *obj;	    /* struct tcb * or struct cte * */
			uint64_t next;	    /* next slot to empty */
			struct cte *parent; /* the zombie it was found in */
		} zombie;
	};
};

_Static_assert(sizeof(struct cap) == 32, "capability layout");

/* mdb_flags */
#define MDB_REVOCABLE	 0x1 /* may have children (an original) */
#define MDB_FIRST_BADGED 0x2 /* first capability with its badge */

struct cte {
	struct cap cap;
	/* The derivation tree, stored as seL4 stores it: every capability
	 * in one doubly linked list, each followed by its descendants. */
	struct cte *mdb_prev, *mdb_next;
	uint64_t mdb_flags;
	uint64_t reserved;
};

_Static_assert(sizeof(struct cte) == 64, "slot layout");

#define CTE_SIZE_BITS 6

static inline bool cap_is_null(const struct cap *c)
{
	return c->type == PITH_CAP_NULL;
}

static inline struct cap cap_null(void)
{
	return (struct cap){.type = PITH_CAP_NULL};
}

static inline bool cap_is_frame_type(unsigned type)
{
	return type == PITH_CAP_FRAME;
}

static inline bool cap_is_paging_structure(unsigned type)
{
	return type == PITH_CAP_PAGE_TABLE || type == PITH_CAP_PAGE_DIRECTORY ||
	       type == PITH_CAP_PDPT || type == PITH_CAP_VSPACE;
}

/* The memory a capability's object occupies, for those that occupy any:
 * false for control capabilities, interrupts, ports and the like. */
bool cap_region(const struct cap *c, uint64_t *base, uint64_t *size);

/* Does `b` refer to the same object as `a`, or (for untyped, control
 * capabilities) to something made from it? seL4's sameRegionAs. */
bool cap_same_region(const struct cap *a, const struct cap *b);

/* Do `a` and `b` name the same object? seL4's sameObjectAs. */
bool cap_same_object(const struct cap *a, const struct cap *b);

/* Is `c`'s object one whose last capability going away must destroy it? */
bool cap_needs_finalise(const struct cap *c);

/* The badge (endpoints, notifications), guard (CNodes), else 0. */
uint64_t cap_badge(const struct cap *c);

#endif
