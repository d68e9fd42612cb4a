/*
 * The `call` system call on kernel objects (see include/kernel/invocation.h).
 *
 * Registers: %rdi the capability address, %rsi the message info, message
 * words 0-3 in %rdx, %r10, %r8, %r9, the rest and the extra capabilities'
 * addresses in the caller's IPC buffer. The result: the error in %rax, the
 * reply's message info in %rsi, its words where the message's went.
 */
#include "kernel/invocation.h"

#include "caps/cspace.h"
#include "caps/tcb.h"
#include "kernel/log.h"
#include "pith/ipc_buffer.h"

static const struct cap *caller_cspace(const struct tcb *t)
{
	return &t->slots[TCB_SLOT_CSPACE].cap;
}

enum pith_error inv_lookup_slot(struct invocation *inv, const struct cap *root,
				unsigned arg, unsigned which, struct cte **slot)
{
	uint64_t index = inv->args[arg], depth = inv->args[arg + 1];
	enum lookup_failure f;

	if (depth == 0 || depth > CSPACE_DEPTH_MAX)
		return inv_error(inv, PITH_E_RANGE, arg + 1, 0);
	f = cspace_lookup_slot(root, index, (unsigned)depth, slot);
	if (f != LOOKUP_OK)
		return inv_error(inv, PITH_E_FAILED_LOOKUP, which, f);
	if ((*slot)->cap.type == CAP_ZOMBIE) /* being destroyed right now */
		return inv_error(inv, PITH_E_FAILED_LOOKUP, which,
				 LOOKUP_EMPTY);
	return PITH_OK;
}

enum pith_error inv_lookup_cnode(struct invocation *inv, struct cte *root,
				 unsigned arg, const struct cap **cnode)
{
	struct cte *slot = root;
	enum pith_error err;

	if (root->cap.type != PITH_CAP_CNODE)
		return inv_error(inv, PITH_E_INVALID_CAPABILITY, 1, 0);
	if (inv->args[arg + 1] != 0) {
		err = inv_lookup_slot(inv, &root->cap, arg, LOOKUP_WHICH_DEST,
				      &slot);
		if (err != PITH_OK)
			return err;
	}
	if (slot->cap.type != PITH_CAP_CNODE)
		return inv_error(inv, PITH_E_FAILED_LOOKUP, LOOKUP_WHICH_DEST,
				 cap_is_null(&slot->cap) ? LOOKUP_EMPTY
							 : LOOKUP_NOT_CNODE);
	*cnode = &slot->cap;
	return PITH_OK;
}

/* Gather the message: words and capabilities. */
static enum pith_error read_message(struct invocation *inv, uint64_t info)
{
	struct arch_context *ctx = &inv->caller->ctx;
	const struct pith_ipc_buffer *ipc = tcb_ipc_buffer(inv->caller);
	unsigned ncaps = PITH_MSGINFO_CAPS(info);

	inv->nargs = PITH_MSGINFO_WORDS(info);
	if (inv->nargs > PITH_MSG_MAX_WORDS)
		inv->nargs = PITH_MSG_MAX_WORDS;
	if (ncaps > PITH_MSG_MAX_CAPS)
		ncaps = PITH_MSG_MAX_CAPS;
	for (unsigned i = 0; i < inv->nargs && i < PITH_MSG_REGISTER_WORDS; i++)
		inv->args[i] = arch_message_register(ctx, i);
	/* Without an IPC buffer, only what fits in registers arrives. */
	if (!ipc) {
		if (inv->nargs > PITH_MSG_REGISTER_WORDS)
			inv->nargs = PITH_MSG_REGISTER_WORDS;
		ncaps = 0;
	}
	for (unsigned i = PITH_MSG_REGISTER_WORDS; i < inv->nargs; i++)
		inv->args[i] = ipc->mr[i];
	for (unsigned i = 0; i < ncaps; i++) {
		enum lookup_failure f =
			cspace_lookup_cap(caller_cspace(inv->caller),
					  ipc->caps[i], &inv->caps[i]);

		if (f != LOOKUP_OK)
			return inv_error(inv, PITH_E_FAILED_LOOKUP, i + 1, f);
	}
	inv->ncaps = ncaps;
	return PITH_OK;
}

static enum pith_error dispatch(struct invocation *inv, uint64_t info)
{
	const struct invocation_desc *d;
	enum pith_error err;
	unsigned missing;

	err = read_message(inv, info);
	if (err != PITH_OK)
		return err;
	inv->label = PITH_MSGINFO_LABEL(info);
	if (inv->label == PITH_INV_NONE || inv->label >= PITH_INV_COUNT)
		return PITH_E_ILLEGAL_OPERATION;
	d = &invocation_table[inv->label];
	if (d->cap_type != inv->slot->cap.type)
		return PITH_E_ILLEGAL_OPERATION; /* wrong object type */
	if (inv->nargs < d->args || inv->ncaps < d->caps)
		return PITH_E_TRUNCATED_MESSAGE;
	missing = d->rights & ~inv->slot->cap.rights;
	if (missing)
		return inv_error(inv, PITH_E_MISSING_RIGHTS, missing, 0);
	return d->decode(inv);
}

void invocation_call(struct tcb *t, struct cte *slot)
{
	struct arch_context *ctx = &t->ctx;
	struct invocation inv = {.caller = t, .slot = slot};
	struct pith_ipc_buffer *ipc;
	enum pith_error err;
	unsigned nret;

	err = dispatch(&inv, arch_syscall_arg(ctx, 1));
	/* On an error the first two words carry its detail. Without an IPC
	 * buffer only the register words arrive, and the reply says so. */
	nret = err == PITH_OK ? inv.nret : 2;
	ipc = tcb_ipc_buffer(t);
	if (!ipc && nret > PITH_MSG_REGISTER_WORDS)
		nret = PITH_MSG_REGISTER_WORDS;
	for (unsigned i = 0; i < nret; i++) {
		if (i < PITH_MSG_REGISTER_WORDS)
			arch_set_message_register(ctx, i, inv.ret[i]);
		else if (ipc)
			ipc->mr[i] = inv.ret[i];
	}
	arch_set_syscall_result(ctx, err, PITH_MSGINFO(0, nret, 0));
}
