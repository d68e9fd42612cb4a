/*
 * System calls (sdk/abi/pith.toml): the operation depends on the system
 * call and on the type of the capability at %rdi. On an endpoint, call,
 * send and receive pass messages (ipc/); on a notification, send signals
 * and receive waits; send on a reply capability replies; call on any other
 * capability is an invocation of the kernel object (kernel/invocation.c).
 * A system call number that does not exist is a fault.
 */
#include "kernel/syscall.h"

#include "caps/cspace.h"
#include "ipc/ipc.h"
#include "kernel/invocation.h"
#include "kernel/sched.h"

static void fail(struct tcb *t, uint64_t err, uint64_t d0, uint64_t d1)
{
	arch_set_message_register(&t->ctx, 0, d0);
	arch_set_message_register(&t->ctx, 1, d1);
	arch_set_syscall_result(&t->ctx, err, PITH_MSGINFO(0, 2, 0));
}

/* The capability at %rdi, or NULL (the error already set). */
static struct cte *target(struct tcb *t)
{
	const struct cap *root = &t->slots[TCB_SLOT_CSPACE].cap;
	struct cte *slot;
	enum lookup_failure f =
		cspace_lookup_cap(root, arch_syscall_arg(&t->ctx, 0), &slot);

	if (f != LOOKUP_OK) {
		fail(t, PITH_E_FAILED_LOOKUP, LOOKUP_WHICH_INVOKED, f);
		return NULL;
	}
	return slot;
}

static bool has_right(struct tcb *t, const struct cap *c, unsigned right)
{
	if (c->rights & right)
		return true;
	fail(t, PITH_E_MISSING_RIGHTS, right, 0);
	return false;
}

static void sys_call(struct tcb *t)
{
	struct cte *slot = target(t);

	if (!slot)
		return;
	if (slot->cap.type != PITH_CAP_ENDPOINT) {
		invocation_call(t, slot);
		return;
	}
	if (has_right(t, &slot->cap, PITH_RIGHT_WRITE))
		ipc_send(t, &slot->cap, true, true);
}

static void sys_send(struct tcb *t, bool blocking)
{
	struct cte *slot = target(t);

	if (!slot)
		return;
	switch (slot->cap.type) {
	case PITH_CAP_ENDPOINT:
		if (has_right(t, &slot->cap, PITH_RIGHT_WRITE))
			ipc_send(t, &slot->cap, blocking, false);
		break;
	case PITH_CAP_NOTIFICATION:
		if (has_right(t, &slot->cap, PITH_RIGHT_WRITE)) {
			ipc_signal(&slot->cap);
			arch_set_syscall_error(&t->ctx, PITH_OK);
		}
		break;
	case PITH_CAP_REPLY:
		if (slot->cap.flags & CAP_F_MASTER)
			fail(t, PITH_E_ILLEGAL_OPERATION, 0, 0);
		else
			ipc_reply_with(t, slot);
		break;
	default:
		fail(t, PITH_E_ILLEGAL_OPERATION, 0, 0);
		break;
	}
}

static void sys_recv(struct tcb *t, bool blocking)
{
	struct cte *slot = target(t);

	if (!slot)
		return;
	switch (slot->cap.type) {
	case PITH_CAP_ENDPOINT:
		if (has_right(t, &slot->cap, PITH_RIGHT_READ))
			ipc_recv(t, &slot->cap, blocking);
		break;
	case PITH_CAP_NOTIFICATION:
		if (has_right(t, &slot->cap, PITH_RIGHT_READ))
			ipc_wait(t, &slot->cap, blocking);
		break;
	default:
		fail(t, PITH_E_ILLEGAL_OPERATION, 0, 0);
		break;
	}
}

/* Unknown: a fault for the handler to deal with (an emulation layer may
 * implement it); without one, an error. */
static void sys_unknown(struct tcb *t, uint64_t nr)
{
	t->fault_kind = PITH_FAULT_UNKNOWN_SYSCALL;
	t->fault_words[0] = t->ctx.rip;
	t->fault_words[1] = nr;
	t->fault_words[2] = 0;
	t->fault_words[3] = 0;
	if (ipc_send_fault(t))
		return;
	t->fault_kind = 0;
	arch_set_syscall_error(&t->ctx, PITH_E_NO_SYSCALL);
}

void syscall_handle(struct tcb *t)
{
	uint64_t nr = arch_syscall_number(&t->ctx);

	switch (nr) {
	case PITH_SYS_CALL:
		sys_call(t);
		break;
	case PITH_SYS_YIELD:
		sched_yield_timeslice(t);
		arch_set_syscall_error(&t->ctx, PITH_OK);
		break;
	case PITH_SYS_SEND:
		sys_send(t, true);
		break;
	case PITH_SYS_NB_SEND:
		sys_send(t, false);
		break;
	case PITH_SYS_RECV:
		sys_recv(t, true);
		break;
	case PITH_SYS_NB_RECV:
		sys_recv(t, false);
		break;
	case PITH_SYS_REPLY:
		if (!ipc_reply(t))
			fail(t, PITH_E_ILLEGAL_OPERATION, 0, 0);
		break;
	case PITH_SYS_REPLY_RECV:
		ipc_reply(t); /* nothing to reply to: just receive */
		sys_recv(t, true);
		break;
	default:
		sys_unknown(t, nr);
		break;
	}
}
