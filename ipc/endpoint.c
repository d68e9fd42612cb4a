/*
 * Endpoints, reply capabilities and fault messages (see include/ipc/ipc.h
 * and docs/ipc.md).
 *
 * A call leaves the caller blocked for its reply and gives the receiver a
 * one-shot reply capability, a derivation-tree child of the caller's master
 * reply capability (TCB_SLOT_REPLY). So the caller's outstanding reply
 * capability, wherever it was moved, is always the one right after its
 * master: cancelling the call finds it in O(1), and deleting it unused
 * ends the call with PITH_E_ABORTED instead of leaving the caller blocked.
 */
#include "ipc/endpoint.h"

#include "caps/cdt.h"
#include "caps/cnode.h"
#include "caps/cspace.h"
#include "ipc/ipc.h"
#include "ipc/notification.h"
#include "ipc/transfer.h"
#include "kernel/log.h"
#include "kernel/panic.h"

static void set_result(struct tcb *t, uint64_t err)
{
	arch_set_syscall_error(&t->ctx, err);
}

/* The IPC t waits in ends early with `err`, the result of its system
 * call. A fault message sent for an exception is no system call: the
 * thread's registers stay as they were at the fault (it runs the
 * faulting instruction again when it resumes). */
static void set_aborted(struct tcb *t, uint64_t err)
{
	if (!t->fault_kind || t->fault_kind == PITH_FAULT_UNKNOWN_SYSCALL)
		set_result(t, err);
}

/* ---- reply capabilities ------------------------------------------------ */

/* The reply capability to `caller` outstanding, or NULL. */
static struct cte *outstanding_reply(struct tcb *caller)
{
	struct cte *master = &caller->slots[TCB_SLOT_REPLY];

	if (master->mdb_next && cdt_is_parent_of(master, master->mdb_next))
		return master->mdb_next;
	return NULL;
}

/* Give `receiver` the right to reply to `caller`, which now waits. */
static void give_reply(struct tcb *caller, struct tcb *receiver, bool grant)
{
	struct cte *slot = &receiver->slots[TCB_SLOT_CALLER];
	struct cap c = {.type = PITH_CAP_REPLY,
			.rights = grant ? PITH_RIGHT_GRANT : 0,
			.reply.tcb = caller};

	/* An older reply capability never used: its caller is told. */
	cte_delete(slot);
	cdt_insert(&caller->slots[TCB_SLOT_REPLY], slot, c, 0);
	tcb_block(caller, TCB_BLOCKED_REPLY, NULL);
}

/* Remove a reply capability that has been used (or is cancelled). */
static void consume_reply(struct cte *slot)
{
	cdt_unlink(slot);
	slot->cap = cap_null();
}

void ipc_reply_with(struct tcb *t, struct cte *slot)
{
	struct tcb *caller = slot->cap.reply.tcb;

	KASSERT(caller->state == TCB_BLOCKED_REPLY);
	if (caller->fault_kind) /* the reply to a fault: registers */
		ipc_transfer_registers(t, caller);
	else
		ipc_transfer(t, caller, 0, slot->cap.rights & PITH_RIGHT_GRANT);
	caller->fault_kind = 0;
	consume_reply(slot);
	tcb_wake(caller, caller->priority >= t->priority);
	set_result(t, PITH_OK);
}

bool ipc_reply(struct tcb *t)
{
	struct cte *slot = &t->slots[TCB_SLOT_CALLER];

	if (slot->cap.type != PITH_CAP_REPLY)
		return false;
	ipc_reply_with(t, slot);
	return true;
}

void ipc_reply_cap_gone(const struct cap *reply)
{
	struct tcb *caller = reply->reply.tcb;

	if (reply->flags & CAP_F_MASTER || caller->state != TCB_BLOCKED_REPLY)
		return;
	if (caller->fault_kind) {
		/* A handler that will not answer a fault: the thread
		 * cannot go on. */
		pr_err("fault: thread '%s' stopped: its fault handler "
		       "dropped the reply",
		       caller->name);
		caller->fault_kind = 0;
		caller->faulted = true;
		caller->state = TCB_INACTIVE;
		return;
	}
	set_result(caller, PITH_E_ABORTED);
	tcb_wake(caller, false);
}

/* ---- endpoints --------------------------------------------------------- */

static void endpoint_wait(struct endpoint *ep, struct tcb *t,
			  enum tcb_state state, enum endpoint_state ep_state)
{
	tcb_block(t, state, ep);
	ipcq_append(&ep->queue, t);
	ep->state = ep_state;
}

void ipc_send(struct tcb *t, const struct cap *cap, bool blocking, bool call)
{
	struct endpoint *ep = cap->endpoint.ep;
	bool grant = cap->rights & PITH_RIGHT_GRANT;
	bool grant_reply = cap->rights & PITH_RIGHT_GRANT_REPLY;
	bool wants_reply = call || t->fault_kind;
	struct tcb *r;

	if (ep->state == EP_RECV) {
		r = endpoint_pop(ep);
		ipc_transfer(t, r, cap->endpoint.badge, grant);
		if (wants_reply)
			give_reply(t, r, grant_reply);
		else
			set_result(t, PITH_OK);
		/* Direct switch: the receiver runs next if it may. */
		tcb_wake(r, r->priority >= t->priority);
		return;
	}
	if (!blocking) { /* no receiver: the message is dropped */
		set_result(t, PITH_OK);
		return;
	}
	t->ipc_badge = cap->endpoint.badge;
	t->ipc_call = wants_reply;
	t->ipc_grant = grant;
	t->ipc_grant_reply = grant_reply;
	endpoint_wait(ep, t, TCB_BLOCKED_SEND, EP_SEND);
}

void ipc_recv(struct tcb *t, const struct cap *cap, bool blocking)
{
	struct endpoint *ep = cap->endpoint.ep;
	struct tcb *s;

	/* A signal of the bound notification is a message too. */
	if (t->bound && t->bound->word) {
		ipc_deliver_signal(t, notification_poll(t->bound));
		return;
	}
	if (ep->state == EP_SEND) {
		s = endpoint_pop(ep);
		ipc_transfer(s, t, s->ipc_badge, s->ipc_grant);
		if (s->ipc_call) {
			give_reply(s, t, s->ipc_grant_reply);
		} else {
			set_result(s, PITH_OK);
			tcb_wake(s, false);
		}
		return;
	}
	if (!blocking) {
		set_result(t, PITH_E_WOULD_BLOCK);
		return;
	}
	endpoint_wait(ep, t, TCB_BLOCKED_RECV, EP_RECV);
}

void ipc_cancel(struct tcb *t, uint64_t err)
{
	struct cte *reply;

	switch (t->state) {
	case TCB_BLOCKED_SEND:
	case TCB_BLOCKED_RECV:
		endpoint_dequeue(t->blocked_on, t);
		break;
	case TCB_BLOCKED_NOTIFY:
		notification_dequeue(t->blocked_on, t);
		break;
	case TCB_BLOCKED_REPLY:
		/* Whoever holds the reply capability can reply no more. */
		reply = outstanding_reply(t);
		if (reply)
			consume_reply(reply);
		break;
	default:
		return;
	}
	t->blocked_on = NULL;
	set_aborted(t, err);
}

void endpoint_destroy(struct endpoint *ep)
{
	struct tcb *t;

	while ((t = endpoint_pop(ep))) {
		t->blocked_on = NULL;
		set_aborted(t, PITH_E_ABORTED);
		t->fault_kind = 0;
		tcb_wake(t, false);
	}
}

/* ---- faults ------------------------------------------------------------ */

bool ipc_send_fault(struct tcb *t)
{
	const struct cap *root = &t->slots[TCB_SLOT_CSPACE].cap;
	struct cte *slot;

	if (!t->fault_ep ||
	    cspace_lookup_cap(root, t->fault_ep, &slot) != LOOKUP_OK ||
	    slot->cap.type != PITH_CAP_ENDPOINT ||
	    !(slot->cap.rights & PITH_RIGHT_WRITE))
		return false;
	ipc_send(t, &slot->cap, true, true);
	return true;
}
