/*
 * Notifications (see include/ipc/notification.h).
 */
#include "ipc/notification.h"

#include "caps/irq.h"
#include "ipc/endpoint.h"
#include "ipc/ipc.h"
#include "kernel/invocation.h"
#include "kernel/panic.h"
#include "kernel/sched.h"

void ipc_deliver_signal(struct tcb *t, uint64_t word)
{
	arch_set_syscall_result(&t->ctx, PITH_OK, PITH_MSGINFO_SIGNAL);
	arch_set_syscall_badge(&t->ctx, word);
}

/* A signalled thread runs at once if it has at least the running thread's
 * priority (a direct switch, as to an IPC partner); else it waits behind
 * the threads of its priority already waiting. */
static void wake(struct tcb *t)
{
	tcb_wake(t, !sched_current || t->priority >= sched_current->priority);
}

/* A signal for the thread t is bound to: if it waits in recv on an
 * endpoint, the signal is its message; else false. */
static bool signal_bound_receiver(struct tcb *t, uint64_t word)
{
	if (!t || t->state != TCB_BLOCKED_RECV)
		return false;
	endpoint_dequeue(t->blocked_on, t);
	t->blocked_on = NULL;
	ipc_deliver_signal(t, word);
	wake(t);
	return true;
}

void notification_dequeue(struct notification *n, struct tcb *t)
{
	ipcq_remove(&n->queue, t);
}

void notification_signal(struct notification *n, uint64_t badge)
{
	struct tcb *t;

	if (!badge)
		badge = 1; /* an unbadged signal still counts */
	t = ipcq_pop(&n->queue);
	if (t) {
		t->blocked_on = NULL;
		ipc_deliver_signal(t, badge);
		wake(t);
		return;
	}
	/* The bound thread waits for messages: a signal is one. */
	if (signal_bound_receiver(n->bound, badge))
		return;
	n->word |= badge;
}

uint64_t notification_poll(struct notification *n)
{
	uint64_t w = n->word;

	n->word = 0;
	return w;
}

void notification_destroy(struct notification *n)
{
	struct tcb *t;

	irq_notification_gone(n);
	if (n->bound)
		n->bound->bound = NULL;
	n->bound = NULL;
	while ((t = ipcq_pop(&n->queue))) {
		t->blocked_on = NULL;
		arch_set_syscall_error(&t->ctx, PITH_E_ABORTED);
		tcb_wake(t, false);
	}
	n->word = 0;
}

void ipc_signal(const struct cap *c)
{
	notification_signal(c->notification.ntfn, c->notification.badge);
}

void ipc_wait(struct tcb *t, const struct cap *c, bool blocking)
{
	struct notification *n = c->notification.ntfn;

	if (n->word) {
		ipc_deliver_signal(t, notification_poll(n));
		return;
	}
	if (!blocking) {
		arch_set_syscall_error(&t->ctx, PITH_E_WOULD_BLOCK);
		return;
	}
	tcb_block(t, TCB_BLOCKED_NOTIFY, n);
	ipcq_append(&n->queue, t);
}

/* ---- invocations ------------------------------------------------------- */

enum pith_error decode_notification_signal(struct invocation *inv)
{
	ipc_signal(&inv->slot->cap);
	return PITH_OK;
}

enum pith_error decode_notification_poll(struct invocation *inv)
{
	inv_return(inv, 0, notification_poll(inv->slot->cap.notification.ntfn));
	return PITH_OK;
}

/* caps: notification */
enum pith_error decode_tcb_bind_notification(struct invocation *inv)
{
	struct tcb *t = inv->slot->cap.tcb.tcb;
	const struct cap *c = &inv->caps[0]->cap;
	struct notification *n;

	if (c->type != PITH_CAP_NOTIFICATION)
		return inv_error(inv, PITH_E_INVALID_CAPABILITY, 1, 0);
	if (!(c->rights & PITH_RIGHT_READ))
		return inv_error(inv, PITH_E_MISSING_RIGHTS, PITH_RIGHT_READ,
				 0);
	n = c->notification.ntfn;
	if (t->bound || n->bound)
		return PITH_E_ILLEGAL_OPERATION; /* one each */
	t->bound = n;
	n->bound = t;
	/* Signalled before, and the thread already waits: it gets it now. */
	if (n->word && signal_bound_receiver(t, n->word))
		n->word = 0;
	return PITH_OK;
}

enum pith_error decode_tcb_unbind_notification(struct invocation *inv)
{
	struct tcb *t = inv->slot->cap.tcb.tcb;

	if (!t->bound)
		return PITH_E_ILLEGAL_OPERATION;
	t->bound->bound = NULL;
	t->bound = NULL;
	return PITH_OK;
}
