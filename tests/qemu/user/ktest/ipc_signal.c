/*
 * Notifications as system calls (ipc/notification.c): signal, wait, poll;
 * notifications bound to a thread (TCB.BindNotification), whose signals end
 * a receive on any endpoint; and IPC cut short: an endpoint, notification,
 * reply capability or thread deleted, or a thread suspended, while others
 * wait on it (PITH_E_ABORTED).
 */
#include "ipc.h"

static const pith_cptr_t R = PITH_SLOT_CNODE;

static enum pith_error sys_on(uint64_t sys, pith_cptr_t cap, struct pith_msg *m)
{
	*m = pith_msg(0, 0, 0);
	return pith_ipc_syscall(sys, cap, m);
}

/* ---- signal, wait, poll ----------------------------------------------- */

static void test_signal_wait(pith_cptr_t n)
{
	pith_cptr_t b1 = cap_mint(n, PITH_RIGHT_WRITE, 0x1);
	pith_cptr_t b40 = cap_mint(n, PITH_RIGHT_WRITE, 0x40);
	pith_cptr_t ro = cap_mint(n, PITH_RIGHT_READ, 0x2);
	struct ipc_op op, op2;
	struct pith_msg m;
	uint64_t word = 0;
	struct tcase t;

	tc_begin(&t, "ipc_signals_or_before_wait");
	tc_ok(&t, pith_signal(b1), "signal 0x1");
	tc_ok(&t, pith_signal(b40), "signal 0x40");
	tc_ok(&t, pith_signal(b40), "signal 0x40 again");
	tc_ok(&t, pith_wait(n, &word), "wait");
	tc_eq(&t, word, 0x41, "word");
	tc_err(&t, pith_poll(n, &word), PITH_E_WOULD_BLOCK, "poll after");
	tc_end(&t);

	tc_begin(&t, "ipc_signal_unbadged_is_1");
	tc_ok(&t, pith_signal(n), "signal");
	tc_ok(&t, pith_poll(n, &word), "poll");
	tc_eq(&t, word, 1, "word");
	tc_end(&t);

	tc_begin(&t, "ipc_nb_send_on_notification_signals");
	tc_ok(&t, sys_on(PITH_SYS_NB_SEND, b40, &m), "nb_send");
	tc_ok(&t, pith_poll(n, &word), "poll");
	tc_eq(&t, word, 0x40, "word");
	tc_end(&t);

	expect_err("ipc_poll_nothing_would_block", pith_poll(n, &word),
		   PITH_E_WOULD_BLOCK);

	tc_begin(&t, "ipc_wait_blocks_until_signal");
	ipc_op_init(&op, PITH_SYS_RECV, n, pith_msg(0, 0, 0));
	if (tc_true(&t, op_start(&helper[0], &op), "start the waiter") &&
	    tc_true(&t, helper_blocked(&helper[0]), "it did not wait")) {
		tc_ok(&t, pith_signal(b40), "signal");
		if (tc_true(&t, helper_finish(&helper[0]), "it never woke") &&
		    tc_ok(&t, op.err, "its wait"))
			tc_eq(&t, op.m.badge, 0x40, "the word it got");
		tc_err(&t, pith_poll(n, &word), PITH_E_WOULD_BLOCK,
		       "the word after a signal to a waiter");
	}
	tc_end(&t);

	/* One signal wakes one waiter, the first. */
	tc_begin(&t, "ipc_notification_waiters_fifo");
	ipc_op_init(&op, PITH_SYS_RECV, n, pith_msg(0, 0, 0));
	ipc_op_init(&op2, PITH_SYS_RECV, n, pith_msg(0, 0, 0));
	if (tc_true(&t, op_start(&helper[0], &op), "start the first") &&
	    tc_true(&t, op_start(&helper[1], &op2), "start the second")) {
		tc_ok(&t, pith_signal(b1), "signal");
		tc_true(&t, helper_finish(&helper[0]), "the first never woke");
		tc_true(&t, helper_blocked(&helper[1]), "the second woke");
		tc_ok(&t, pith_signal(b40), "signal again");
		if (tc_true(&t, helper_finish(&helper[1]), "second woke")) {
			tc_eq(&t, op.m.badge, 0x1, "the first's word");
			tc_eq(&t, op2.m.badge, 0x40, "the second's word");
		}
	}
	tc_end(&t);

	tc_begin(&t, "ipc_signal_without_write");
	if (tc_err(&t, sys_on(PITH_SYS_SEND, ro, &m), PITH_E_MISSING_RIGHTS,
		   "signal"))
		tc_eq(&t, m.mr[0], PITH_RIGHT_WRITE, "detail");
	tc_err(&t, pith_poll(n, &word), PITH_E_WOULD_BLOCK, "nothing set");
	tc_end(&t);

	tc_begin(&t, "ipc_wait_without_read");
	if (tc_err(&t, sys_on(PITH_SYS_RECV, b1, &m), PITH_E_MISSING_RIGHTS,
		   "wait"))
		tc_eq(&t, m.mr[0], PITH_RIGHT_READ, "detail");
	tc_end(&t);

	tc_begin(&t, "ipc_poll_without_read");
	if (tc_err(&t, sys_on(PITH_SYS_NB_RECV, b1, &m), PITH_E_MISSING_RIGHTS,
		   "poll"))
		tc_eq(&t, m.mr[0], PITH_RIGHT_READ, "detail");
	tc_end(&t);

	slot_free(ro);
	slot_free(b40);
	slot_free(b1);
}

/* ---- bound notifications ---------------------------------------------- */

static bool is_signal(struct tcase *t, const struct ipc_op *op, uint64_t word)
{
	return tc_ok(t, op->err, "recv") &&
	       tc_eq(t, op->m.info, PITH_MSGINFO_SIGNAL,
		     "info: the signal flag alone") &&
	       tc_eq(t, op->m.badge, word, "badge: the word");
}

static void test_bound_delivery(pith_cptr_t ep, pith_cptr_t nb)
{
	struct thread *h = &helper[0];
	pith_cptr_t b8 = cap_mint(nb, PITH_RIGHT_WRITE, 0x8);
	pith_cptr_t b10 = cap_mint(nb, PITH_RIGHT_WRITE, 0x10);
	struct ipc_op op, op2;
	struct pith_msg m;
	uint64_t word;
	struct tcase t;

	expect_err("ipc_bind_notification",
		   pith_tcb_bind_notification(h->tcb, nb), PITH_OK);

	tc_begin(&t, "ipc_bound_signal_before_recv");
	ipc_op_init(&op, PITH_SYS_RECV, ep, pith_msg(0, 0, 0));
	if (tc_ok(&t, pith_signal(b8), "signal") &&
	    tc_ok(&t, pith_signal(b10), "signal") &&
	    tc_true(&t, op_start(h, &op), "start") &&
	    tc_true(&t, helper_finish(h), "its recv did not return"))
		is_signal(&t, &op, 0x18);
	tc_err(&t, pith_poll(nb, &word), PITH_E_WOULD_BLOCK, "word taken");
	tc_end(&t);

	tc_begin(&t, "ipc_bound_signal_during_recv");
	ipc_op_init(&op, PITH_SYS_RECV, ep, pith_msg(0, 0, 0));
	if (tc_true(&t, op_start(h, &op), "start") &&
	    tc_true(&t, helper_blocked(h), "it did not wait") &&
	    tc_ok(&t, pith_signal(b10), "signal") &&
	    tc_true(&t, helper_finish(h), "its recv did not return"))
		is_signal(&t, &op, 0x10);
	tc_end(&t);

	/* The signalled thread left the endpoint's queue: a message goes
	 * to the next receiver. */
	tc_begin(&t, "ipc_bound_signal_leaves_endpoint_queue");
	ipc_op_init(&op2, PITH_SYS_RECV, ep, pith_msg(0, 0, 0));
	if (tc_true(&t, op_start(&helper[1], &op2), "start a receiver")) {
		m = pith_msg(0x81, 0, 0);
		tc_ok(&t, pith_send(ep, &m), "send");
		if (tc_true(&t, helper_finish(&helper[1]), "it never woke"))
			tc_eq(&t, PITH_MSGINFO_LABEL(op2.m.info), 0x81,
			      "its label");
	}
	tc_end(&t);

	tc_begin(&t, "ipc_bound_nb_recv_returns_signal");
	ipc_op_init(&op, PITH_SYS_NB_RECV, ep, pith_msg(0, 0, 0));
	if (tc_ok(&t, pith_signal(b8), "signal") &&
	    tc_true(&t, op_start(h, &op), "start") &&
	    tc_true(&t, helper_finish(h), "it did not finish"))
		is_signal(&t, &op, 0x8);
	tc_end(&t);

	tc_begin(&t, "ipc_bound_message_still_arrives");
	ipc_op_init(&op, PITH_SYS_RECV, ep, pith_msg(0, 0, 0));
	if (tc_true(&t, op_start(h, &op), "start") &&
	    tc_true(&t, helper_blocked(h), "it did not wait")) {
		m = ipc_pattern(0x82, 2, 0xa00, NULL);
		tc_ok(&t, pith_send(ep, &m), "send");
		if (tc_true(&t, helper_finish(h), "it never woke") &&
		    tc_ok(&t, op.err, "recv") &&
		    ipc_check_info(&t, &op.m, 0x82, 2, 0))
			ipc_check_words(&t, &op.m, NULL, 2, 0xa00);
	}
	tc_end(&t);

	/* A signal ends a receive, not a call: it waits in the word. */
	tc_begin(&t, "ipc_bound_signal_does_not_end_call");
	ipc_op_init(&op, PITH_SYS_CALL, ep, pith_msg(0x84, 0, 0));
	if (tc_true(&t, op_start(h, &op), "start the caller") &&
	    tc_ok(&t, pith_signal(b8), "signal while it sends") &&
	    tc_true(&t, helper_blocked(h), "the signal ended its call") &&
	    ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "recv") &&
	    tc_ok(&t, pith_signal(b10),
		  "signal while it waits for "
		  "the reply") &&
	    tc_true(&t, helper_blocked(h), "the signal ended its call")) {
		m = pith_msg(0x85, 0, 0);
		tc_ok(&t, pith_reply(&m), "reply");
		if (tc_true(&t, helper_finish(h), "it never woke") &&
		    tc_ok(&t, op.err, "call"))
			tc_eq(&t, op.m.info, PITH_MSGINFO(0x85, 0, 0),
			      "info: the reply");
		tc_ok(&t, pith_poll(nb, &word), "poll");
		tc_eq(&t, word, 0x18, "the word");
	}
	tc_end(&t);

	/* Unbound, a signal stays in the word; the receive goes on. */
	tc_begin(&t, "ipc_unbind_notification");
	ipc_op_init(&op, PITH_SYS_RECV, ep, pith_msg(0, 0, 0));
	if (tc_ok(&t, pith_tcb_unbind_notification(h->tcb), "unbind") &&
	    tc_true(&t, op_start(h, &op), "start") &&
	    tc_ok(&t, pith_signal(b8), "signal") &&
	    tc_true(&t, helper_blocked(h), "the signal ended its recv") &&
	    tc_ok(&t, pith_poll(nb, &word), "poll")) {
		tc_eq(&t, word, 0x8, "word");
		m = pith_msg(0x83, 0, 0);
		tc_ok(&t, pith_send(ep, &m), "send");
		if (tc_true(&t, helper_finish(h), "it never woke"))
			tc_eq(&t, op.m.info, PITH_MSGINFO(0x83, 0, 0), "info");
	}
	tc_end(&t);

	expect_err("ipc_unbind_not_bound", pith_tcb_unbind_notification(h->tcb),
		   PITH_E_ILLEGAL_OPERATION);

	/* Signalled while unbound, bound while the thread already waits in
	 * recv: the binding delivers the pending signal at once. */
	tc_begin(&t, "ipc_bind_delivers_pending_signal");
	ipc_op_init(&op, PITH_SYS_RECV, ep, pith_msg(0, 0, 0));
	if (tc_true(&t, op_start(h, &op), "start") &&
	    tc_true(&t, helper_blocked(h), "it did not wait") &&
	    tc_ok(&t, pith_signal(b10), "signal") &&
	    tc_true(&t, helper_blocked(h), "an unbound signal ended recv") &&
	    tc_ok(&t, pith_tcb_bind_notification(h->tcb, nb), "bind") &&
	    tc_true(&t, helper_finish(h), "its recv did not return"))
		is_signal(&t, &op, 0x10);
	tc_err(&t, pith_poll(nb, &word), PITH_E_WOULD_BLOCK, "word taken");
	tc_ok(&t, pith_tcb_unbind_notification(h->tcb), "unbind");
	tc_end(&t);
	slot_free(b10);
	slot_free(b8);
}

static void test_bind_errors(pith_cptr_t ep, pith_cptr_t nb)
{
	pith_cptr_t n2 = obj_new(PITH_OBJ_NOTIFICATION, 0);
	pith_cptr_t wo = cap_mint(n2, PITH_RIGHT_WRITE, 0);
	pith_cptr_t tcb = obj_new(PITH_OBJ_TCB, 0);
	struct tcase t;

	tc_begin(&t, "ipc_bind_twice");
	tc_ok(&t, pith_tcb_bind_notification(helper[0].tcb, nb), "bind");
	tc_err(&t, pith_tcb_bind_notification(helper[0].tcb, n2),
	       PITH_E_ILLEGAL_OPERATION, "bind a second");
	tc_end(&t);

	expect_err("ipc_bind_notification_bound_elsewhere",
		   pith_tcb_bind_notification(helper[1].tcb, nb),
		   PITH_E_ILLEGAL_OPERATION);
	expect_detail("ipc_bind_without_read",
		      invoke(helper[1].tcb, PITH_INV_TCB_BIND_NOTIFICATION,
			     NO_WORDS, CAPS(wo)),
		      PITH_E_MISSING_RIGHTS, PITH_RIGHT_READ, ANY);
	expect_detail("ipc_bind_not_a_notification",
		      invoke(helper[1].tcb, PITH_INV_TCB_BIND_NOTIFICATION,
			     NO_WORDS, CAPS(ep)),
		      PITH_E_INVALID_CAPABILITY, 1, ANY);

	/* The notification's end unbinds it. */
	tc_begin(&t, "ipc_bound_notification_deleted_unbinds");
	tc_ok(&t, pith_tcb_bind_notification(tcb, n2), "bind to a thread");
	slot_free(wo);
	wo = 0;
	slot_free(n2);
	tc_err(&t, pith_tcb_unbind_notification(tcb), PITH_E_ILLEGAL_OPERATION,
	       "unbind after");
	tc_end(&t);

	/* The thread's end frees its notification for another. */
	tc_begin(&t, "ipc_bound_thread_deleted_unbinds");
	n2 = obj_new(PITH_OBJ_NOTIFICATION, 0);
	tc_ok(&t, pith_tcb_bind_notification(tcb, n2), "bind to a thread");
	tc_ok(&t, pith_cnode_delete(R, tcb, DEPTH), "delete the thread");
	tc_ok(&t, pith_tcb_bind_notification(helper[1].tcb, n2),
	      "bind to another");
	tc_ok(&t, pith_tcb_unbind_notification(helper[1].tcb), "unbind");
	tc_end(&t);

	pith_tcb_unbind_notification(helper[0].tcb);
	slot_free(tcb);
	slot_free(wo);
	slot_free(n2);
}

/* ---- IPC cut short ---------------------------------------------------- */

/* Helpers blocked on `obj` in ops; deleting it (or revoking `root`) must
 * end each with PITH_E_ABORTED. */
static void abort_case(const char *name, pith_cptr_t obj, pith_cptr_t root,
		       const uint64_t *sys, unsigned n)
{
	struct ipc_op ops[3];
	struct tcase t;

	tc_begin(&t, name);
	for (unsigned i = 0; i < n; i++) {
		ipc_op_init(&ops[i], sys[i], obj, pith_msg(0x84, 0, 0));
		if (!tc_true(&t, op_start(&helper[i], &ops[i]), "start") ||
		    !tc_true(&t, helper_blocked(&helper[i]), "it did not wait"))
			break;
	}
	if (!t.failed && root)
		tc_ok(&t, pith_cnode_revoke(R, root, DEPTH), "revoke");
	else if (!t.failed)
		tc_ok(&t, pith_cnode_delete(R, obj, DEPTH), "delete");
	tc_eq(&t, cap_type(obj), PITH_CAP_NULL, "its slot");
	for (unsigned i = 0; i < n && !t.failed; i++) {
		if (!tc_true(&t, helper_finish(&helper[i]), "a waiter woke") ||
		    !tc_err(&t, ops[i].err, PITH_E_ABORTED, "its IPC"))
			break;
	}
	tc_end(&t);
}

static void test_deletion(void)
{
	static const uint64_t senders[] = {PITH_SYS_SEND, PITH_SYS_CALL,
					   PITH_SYS_SEND};
	static const uint64_t receivers[] = {PITH_SYS_RECV,
					     PITH_SYS_REPLY_RECV};
	static const uint64_t waiter[] = {PITH_SYS_RECV};
	pith_cptr_t ut = obj_new(PITH_OBJ_UNTYPED, 12), obj, copy;
	struct ipc_op op;
	struct tcase t;

	obj = obj_new(PITH_OBJ_ENDPOINT, 0);
	abort_case("ipc_delete_endpoint_aborts_senders", obj, 0, senders, 3);
	slot_free(obj);
	obj = obj_new(PITH_OBJ_ENDPOINT, 0);
	abort_case("ipc_delete_endpoint_aborts_receivers", obj, 0, receivers,
		   2);
	slot_free(obj);
	obj = obj_new(PITH_OBJ_NOTIFICATION, 0);
	abort_case("ipc_delete_notification_aborts_waiter", obj, 0, waiter, 1);
	slot_free(obj);
	obj = obj_new_from(ut, PITH_OBJ_ENDPOINT, 0);
	abort_case("ipc_revoke_untyped_aborts_endpoint_waiters", obj, ut,
		   senders, 3);
	slot_free(obj);
	obj = obj_new_from(ut, PITH_OBJ_NOTIFICATION, 0);
	abort_case("ipc_revoke_untyped_aborts_notification_waiter", obj, ut,
		   waiter, 1);
	slot_free(obj);

	/* Not the last capability: the endpoint lives on. */
	tc_begin(&t, "ipc_delete_endpoint_copy_keeps_waiters");
	obj = obj_new(PITH_OBJ_ENDPOINT, 0);
	copy = cap_copy(obj, PITH_RIGHTS_ALL);
	ipc_op_init(&op, PITH_SYS_RECV, copy, pith_msg(0, 0, 0));
	if (tc_true(&t, op_start(&helper[0], &op), "start") &&
	    tc_true(&t, helper_blocked(&helper[0]), "it did not wait") &&
	    tc_ok(&t, pith_cnode_delete(R, copy, DEPTH), "delete the copy") &&
	    tc_true(&t, helper_blocked(&helper[0]), "the waiter woke") &&
	    tc_ok(&t, pith_cnode_delete(R, obj, DEPTH), "delete the last") &&
	    tc_true(&t, helper_finish(&helper[0]), "the waiter never woke"))
		tc_err(&t, op.err, PITH_E_ABORTED, "its recv");
	tc_end(&t);
	slot_free(copy);
	slot_free(obj);
	slot_free(ut);
}

static void test_reply_cap_gone(pith_cptr_t ep)
{
	pith_cptr_t saved = slot_alloc();
	struct thread *h = &helper[0];
	struct thread other;
	struct ipc_op op, op2;
	struct pith_msg m;
	struct tcase t;

	tc_begin(&t, "ipc_delete_saved_reply_cap_aborts_caller");
	ipc_op_init(&op, PITH_SYS_CALL, ep, pith_msg(0x85, 0, 0));
	if (tc_true(&t, op_start(h, &op), "start the caller") &&
	    ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "recv") &&
	    tc_ok(&t, pith_cnode_save_caller(R, saved, DEPTH), "save") &&
	    tc_true(&t, helper_blocked(h), "the caller woke early") &&
	    tc_ok(&t, pith_cnode_delete(R, saved, DEPTH), "delete it") &&
	    tc_true(&t, helper_finish(h), "the caller never woke"))
		tc_err(&t, op.err, PITH_E_ABORTED, "its call");
	tc_end(&t);

	/* A receiver's end drops the reply cap it held. */
	tc_begin(&t, "ipc_delete_receiver_aborts_caller");
	ipc_op_init(&op, PITH_SYS_CALL, ep, pith_msg(0x86, 0, 0));
	ipc_op_init(&op2, PITH_SYS_RECV, ep, pith_msg(0, 0, 0));
	if (tc_true(&t, thread_create(&other, HELPER_PRIORITY), "thread") &&
	    tc_true(&t, op_start(&other, &op2), "start the receiver") &&
	    tc_true(&t, op_start(h, &op), "start the caller") &&
	    tc_true(&t, helper_finish(&other), "the receiver got nothing") &&
	    tc_true(&t, helper_blocked(h), "the caller woke early")) {
		thread_destroy(&other);
		if (tc_true(&t, helper_finish(h), "the caller never woke"))
			tc_err(&t, op.err, PITH_E_ABORTED, "its call");
	}
	thread_destroy(&other);
	tc_end(&t);

	/* A caller's end takes the reply cap to it, wherever it is. */
	tc_begin(&t, "ipc_delete_caller_removes_reply_cap");
	ipc_op_init(&op, PITH_SYS_CALL, ep, pith_msg(0x87, 0, 0));
	if (tc_true(&t, thread_create(&other, HELPER_PRIORITY), "thread") &&
	    tc_true(&t, op_start(&other, &op), "start the caller") &&
	    ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "recv") &&
	    tc_ok(&t, pith_cnode_save_caller(R, saved, DEPTH), "save")) {
		thread_destroy(&other);
		tc_eq(&t, cap_type(saved), PITH_CAP_NULL, "the saved cap");
		m = pith_msg(0x88, 0, 0);
		tc_err(&t, pith_reply_to(saved, &m), PITH_E_FAILED_LOOKUP,
		       "reply_to");
	}
	thread_destroy(&other);
	tc_end(&t);

	/* An endpoint's end does not touch calls already received. */
	tc_begin(&t, "ipc_delete_endpoint_keeps_received_call");
	ipc_op_init(&op, PITH_SYS_CALL, ep, pith_msg(0x89, 0, 0));
	if (tc_true(&t, op_start(h, &op), "start the caller") &&
	    ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "recv") &&
	    tc_ok(&t, pith_cnode_delete(R, ep, DEPTH), "delete endpoint")) {
		tc_true(&t, helper_blocked(h), "the caller woke");
		m = pith_msg(0x8a, 0, 0);
		tc_ok(&t, pith_reply(&m), "reply");
		if (tc_true(&t, helper_finish(h), "the caller never woke") &&
		    tc_ok(&t, op.err, "its call"))
			tc_eq(&t, PITH_MSGINFO_LABEL(op.m.info), 0x8a,
			      "reply label");
	}
	tc_end(&t);
	slot_free(saved);
}

/* Suspend a helper blocked in `sys` on `cap`; `poke` then shows it is
 * out of the queue; resume: its system call returns PITH_E_ABORTED. */
static void suspend_case(const char *name, uint64_t sys, pith_cptr_t cap,
			 uint64_t poke, enum pith_error poke_want)
{
	struct thread *h = &helper[0];
	struct ipc_op op;
	struct pith_msg m;
	struct tcase t;

	tc_begin(&t, name);
	ipc_op_init(&op, sys, cap, pith_msg(0x8b, 0, 0));
	if (tc_true(&t, op_start(h, &op), "start") &&
	    tc_true(&t, helper_blocked(h), "it did not wait") &&
	    tc_ok(&t, pith_tcb_suspend(h->tcb), "suspend")) {
		m = pith_msg(0x8c, 0, 0);
		tc_err(&t, pith_ipc_syscall(poke, cap, &m), poke_want,
		       "an IPC with it after");
		tc_ok(&t, pith_tcb_resume(h->tcb), "resume");
		if (tc_true(&t, helper_finish(h), "it did not go on"))
			tc_err(&t, op.err, PITH_E_ABORTED, "its IPC");
		tc_true(&t, PITH_MSGINFO_LABEL(op.m.info) != 0x8c,
			"it got the message sent after its suspend");
	}
	tc_end(&t);
}

static void test_suspend(pith_cptr_t ep, pith_cptr_t n)
{
	struct thread *h = &helper[0];
	struct ipc_op op;
	struct pith_msg m;
	uint64_t word;
	struct tcase t;

	suspend_case("ipc_suspend_in_send_aborts", PITH_SYS_SEND, ep,
		     PITH_SYS_NB_RECV, PITH_E_WOULD_BLOCK);
	suspend_case("ipc_suspend_in_call_aborts", PITH_SYS_CALL, ep,
		     PITH_SYS_NB_RECV, PITH_E_WOULD_BLOCK);
	/* Nobody receives now: the message is dropped. */
	suspend_case("ipc_suspend_in_recv_aborts", PITH_SYS_RECV, ep,
		     PITH_SYS_NB_SEND, PITH_OK);
	/* Nobody waits now: the signal stays in the word. */
	suspend_case("ipc_suspend_in_wait_aborts", PITH_SYS_RECV, n,
		     PITH_SYS_SEND, PITH_OK);
	pith_poll(n, &word);

	tc_begin(&t, "ipc_suspend_awaiting_reply_aborts");
	ipc_op_init(&op, PITH_SYS_CALL, ep, pith_msg(0x8d, 0, 0));
	if (tc_true(&t, op_start(h, &op), "start the caller") &&
	    ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "recv") &&
	    tc_ok(&t, pith_tcb_suspend(h->tcb), "suspend the caller")) {
		m = pith_msg(0x8e, 0, 0);
		tc_err(&t, pith_reply(&m), PITH_E_ILLEGAL_OPERATION,
		       "reply to it");
		tc_ok(&t, pith_tcb_resume(h->tcb), "resume");
		if (tc_true(&t, helper_finish(h), "it did not go on"))
			tc_err(&t, op.err, PITH_E_ABORTED, "its call");
	}
	tc_end(&t);
}

void test_ipc_signals(void)
{
	pith_cptr_t ep = obj_new(PITH_OBJ_ENDPOINT, 0);
	pith_cptr_t n = obj_new(PITH_OBJ_NOTIFICATION, 0);
	pith_cptr_t nb = obj_new(PITH_OBJ_NOTIFICATION, 0);

	if (!ipc_begin() || !ep || !n || !nb) {
		expect_true("ipc_signals_setup", false, "threads or objects");
	} else {
		test_signal_wait(n);
		test_bound_delivery(ep, nb);
		test_bind_errors(ep, nb);
		test_deletion();
		test_suspend(ep, n);
		test_reply_cap_gone(ep); /* deletes ep */
	}
	slot_free(nb);
	slot_free(n);
	slot_free(ep);
	ipc_end();
}
