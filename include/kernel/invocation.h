/*
 * An invocation in progress: the `call` system call on a kernel object's
 * capability, decoded from the caller's registers and IPC buffer.
 *
 * Every method has a decode_<cap>_<method>() function (declared in the
 * generated kernel/invocation_table.h). Before it runs, the generic code has
 * checked the label against the capability type, the number of words and
 * capabilities, and the rights. The decode function checks every argument
 * and only then acts; on an error it may set ret[0] and ret[1] (the
 * error's detail, see the ABI) and returns the error.
 */
#ifndef KERNEL_INVOCATION_H
#define KERNEL_INVOCATION_H

#include "caps/cap.h"
#include "kernel/invocation_table.h"

struct tcb;

struct invocation {
	struct tcb *caller;
	struct cte *slot; /* the invoked capability's slot */
	uint64_t label;	  /* enum pith_label */
	unsigned nargs;	  /* words in args[] */
	uint64_t args[PITH_MSG_MAX_WORDS];
	unsigned ncaps; /* slots in caps[] (looked up, non-empty) */
	struct cte *caps[PITH_MSG_MAX_CAPS];
	unsigned nret; /* result words in ret[] */
	uint64_t ret[PITH_MSG_MAX_WORDS];
};

/* Run the `call` system call of `t` on the kernel object whose capability
 * is in `slot`; the result goes in t's registers. */
void invocation_call(struct tcb *t, struct cte *slot);

/* Helpers for decode functions. */
static inline enum pith_error inv_error(struct invocation *inv,
					enum pith_error err, uint64_t detail0,
					uint64_t detail1)
{
	inv->ret[0] = detail0;
	inv->ret[1] = detail1;
	return err;
}

static inline void inv_return(struct invocation *inv, unsigned i, uint64_t v)
{
	inv->ret[i] = v;
	if (inv->nret < i + 1)
		inv->nret = i + 1;
}

/* Failed lookups report which address (FAILED_LOOKUP's MR0). */
#define LOOKUP_WHICH_INVOKED 0
#define LOOKUP_WHICH_SOURCE  4
#define LOOKUP_WHICH_DEST    5

/* Look up a slot for a CNode operation: its index and depth are the
 * arguments `arg` and `arg` + 1 (exact depth). On failure the error is
 * returned with its detail set: RANGE names the depth argument,
 * FAILED_LOOKUP says `which` address and why. */
enum pith_error inv_lookup_slot(struct invocation *inv, const struct cap *root,
				unsigned arg, unsigned which,
				struct cte **slot);

/* The CNode into which objects/capabilities go: `root` itself at depth 0,
 * else the CNode capability at (index, depth) from root, the arguments
 * `arg` and `arg` + 1. */
enum pith_error inv_lookup_cnode(struct invocation *inv, struct cte *root,
				 unsigned arg, const struct cap **cnode);

#endif
