/*
 * IPC on endpoints (ipc/endpoint.c, ipc/transfer.c): send and receive in
 * both orders and their non-blocking forms, call and reply, reply-receive,
 * saved reply capabilities, message lengths, and the errors of each system
 * call.
 */
#include "ipc.h"

#define LOOKUP_EMPTY 1 /* failed_lookup detail: an empty slot */

static const pith_cptr_t R = PITH_SLOT_CNODE;

/* ---- send and receive ------------------------------------------------- */

static void test_send_recv(pith_cptr_t ep)
{
	struct thread *h = &helper[0];
	struct ipc_op op;
	struct pith_msg m;
	struct tcase t;

	tc_begin(&t, "ipc_send_recv_receiver_first");
	ipc_op_init(&op, PITH_SYS_RECV, ep, pith_msg(0, 0, 0));
	if (tc_true(&t, op_start(h, &op), "start the receiver") &&
	    tc_true(&t, helper_blocked(h), "the receiver did not wait")) {
		m = ipc_pattern(0x71, 3, 0x100, NULL);
		tc_ok(&t, pith_send(ep, &m), "send");
		if (tc_true(&t, helper_finish(h), "the receiver never woke") &&
		    tc_ok(&t, op.err, "the receiver's recv") &&
		    ipc_check_info(&t, &op.m, 0x71, 3, 0))
			ipc_check_words(&t, &op.m, NULL, 3, 0x100);
	}
	tc_end(&t);

	tc_begin(&t, "ipc_send_recv_sender_first");
	ipc_op_init(&op, PITH_SYS_SEND, ep, ipc_pattern(0x72, 4, 0x200, NULL));
	if (tc_true(&t, op_start(h, &op), "start the sender") &&
	    tc_true(&t, helper_blocked(h), "the sender did not wait") &&
	    ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "recv") &&
	    ipc_check_info(&t, &m, 0x72, 4, 0) &&
	    ipc_check_words(&t, &m, NULL, 4, 0x200) &&
	    tc_true(&t, helper_finish(h), "the sender never woke"))
		tc_ok(&t, op.err, "the sender's send");
	tc_end(&t);

	tc_begin(&t, "ipc_nb_send_to_waiting_receiver");
	ipc_op_init(&op, PITH_SYS_RECV, ep, pith_msg(0, 0, 0));
	if (tc_true(&t, op_start(h, &op), "start the receiver") &&
	    tc_true(&t, helper_blocked(h), "the receiver did not wait")) {
		m = ipc_pattern(0x73, 2, 0x300, NULL);
		tc_ok(&t, pith_nb_send(ep, &m), "nb_send");
		if (tc_true(&t, helper_finish(h), "the receiver never woke") &&
		    tc_ok(&t, op.err, "the receiver's recv") &&
		    ipc_check_info(&t, &op.m, 0x73, 2, 0))
			ipc_check_words(&t, &op.m, NULL, 2, 0x300);
	}
	tc_end(&t);

	/* Nobody waits: dropped, not queued. A receiver after finds
	 * nothing. */
	tc_begin(&t, "ipc_nb_send_without_receiver_dropped");
	m = ipc_pattern(0x74, 1, 0x400, NULL);
	tc_ok(&t, pith_nb_send(ep, &m), "nb_send");
	tc_err(&t, pith_nb_recv(ep, &m), PITH_E_WOULD_BLOCK, "nb_recv after");
	ipc_op_init(&op, PITH_SYS_RECV, ep, pith_msg(0, 0, 0));
	if (tc_true(&t, op_start(h, &op), "start a receiver"))
		tc_true(&t, helper_blocked(h), "the receiver got a message");
	pith_tcb_suspend(h->tcb);
	tc_end(&t);

	tc_begin(&t, "ipc_nb_recv_nothing_would_block");
	m = pith_msg(0, 0, 0);
	tc_err(&t, pith_nb_recv(ep, &m), PITH_E_WOULD_BLOCK, "nb_recv");
	tc_end(&t);

	tc_begin(&t, "ipc_nb_recv_queued_sender");
	ipc_op_init(&op, PITH_SYS_SEND, ep, ipc_pattern(0x75, 4, 0x500, NULL));
	if (tc_true(&t, op_start(h, &op), "start the sender") &&
	    tc_true(&t, helper_blocked(h), "the sender did not wait") &&
	    tc_ok(&t, pith_nb_recv(ep, &m), "nb_recv") &&
	    ipc_check_info(&t, &m, 0x75, 4, 0) &&
	    ipc_check_words(&t, &m, NULL, 4, 0x500) &&
	    tc_true(&t, helper_finish(h), "the sender never woke"))
		tc_ok(&t, op.err, "the sender's send");
	tc_end(&t);
}

/* ---- call and reply --------------------------------------------------- */

/* A server: replies to each call with label + 1 and the first word
 * doubled, until its receive fails. */
struct server {
	pith_cptr_t ep;
	uint64_t served, last_badge;
	uint64_t err;
};

static void echo_server(uint64_t arg)
{
	struct server *s = (struct server *)(uintptr_t)arg;
	struct pith_msg m = pith_msg(0, 0, 0);
	enum pith_error err = pith_recv(s->ep, &m);

	while (err == PITH_OK) {
		uint64_t label = PITH_MSGINFO_LABEL(m.info), w = m.mr[0];

		s->served++;
		s->last_badge = m.badge;
		m = pith_msg(label + 1, 1, 0);
		m.mr[0] = w * 2;
		err = pith_reply_recv(s->ep, &m);
	}
	s->err = err;
}

/* Three calls to the echo server, results in a row of `struct ipc_op`s. */
static void three_calls(uint64_t arg)
{
	struct ipc_op *ops = (struct ipc_op *)(uintptr_t)arg;

	for (unsigned i = 0; i < 3; i++)
		ops[i].err = pith_call(ops[i].cap, &ops[i].m);
}

static void test_call_reply(pith_cptr_t ep)
{
	struct thread *h = &helper[0], *h2 = &helper[1];
	struct ipc_op op, calls[3];
	struct server srv = {.ep = ep};
	struct pith_msg m;
	struct tcase t;

	tc_begin(&t, "ipc_call_reply");
	ipc_op_init(&op, PITH_SYS_CALL, ep, ipc_pattern(0x10, 2, 0x600, NULL));
	if (tc_true(&t, op_start(h, &op), "start the caller") &&
	    tc_true(&t, helper_blocked(h), "the caller did not wait") &&
	    ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "recv") &&
	    ipc_check_info(&t, &m, 0x10, 2, 0) &&
	    ipc_check_words(&t, &m, NULL, 2, 0x600)) {
		tc_true(&t, helper_blocked(h),
			"the caller did not wait for "
			"the reply");
		m = ipc_pattern(0x20, 3, 0x700, NULL);
		tc_ok(&t, pith_reply(&m), "reply");
		if (tc_true(&t, helper_finish(h), "the caller never woke") &&
		    tc_ok(&t, op.err, "the caller's call") &&
		    ipc_check_info(&t, &op.m, 0x20, 3, 0))
			ipc_check_words(&t, &op.m, NULL, 3, 0x700);
	}
	tc_end(&t);

	tc_begin(&t, "ipc_call_reply_recv_server_loop");
	for (unsigned i = 0; i < 3; i++) {
		struct pith_msg c = pith_msg(0x30 + i, 1, 0);

		c.mr[0] = 100 + i;
		ipc_op_init(&calls[i], PITH_SYS_CALL, ep, c);
	}
	if (tc_true(&t, helper_start(h, echo_server, (uintptr_t)&srv),
		    "start the server") &&
	    tc_true(&t, helper_start(h2, three_calls, (uintptr_t)calls),
		    "start the client") &&
	    tc_true(&t, helper_finish(h2), "the client did not finish")) {
		for (unsigned i = 0; i < 3; i++) {
			if (!tc_ok(&t, calls[i].err, "a call") ||
			    !tc_eq(&t, PITH_MSGINFO_LABEL(calls[i].m.info),
				   0x31 + i, "reply label") ||
			    !tc_eq(&t, calls[i].m.mr[0],
				   2 * (100 + (uint64_t)i), "reply word"))
				break;
		}
		tc_eq(&t, srv.served, 3, "calls the server saw");
		tc_eq(&t, srv.last_badge, 0, "their badge");
		tc_true(&t, helper_blocked(h), "the server left its loop");
	}
	pith_tcb_suspend(h->tcb);
	tc_end(&t);
}

/* A server that, while its caller waits, calls another server (as the
 * VFS calls a file system, which calls a driver): the reply to its own
 * call comes back to it, and its reply still goes to its caller. */
static void test_nested_call(pith_cptr_t ep)
{
	struct thread *h = &helper[0], *h2 = &helper[1];
	pith_cptr_t ep2 = obj_new(PITH_OBJ_ENDPOINT, 0);
	struct server srv = {.ep = ep2};
	struct pith_msg m, inner;
	struct ipc_op op;
	struct tcase t;

	tc_begin(&t, "ipc_call_while_a_caller_waits");
	ipc_op_init(&op, PITH_SYS_CALL, ep, ipc_pattern(0x40, 2, 0x800, NULL));
	if (tc_true(&t, ep2 != 0, "an endpoint") &&
	    tc_true(&t, helper_start(h2, echo_server, (uintptr_t)&srv),
		    "start the inner server") &&
	    tc_true(&t, op_start(h, &op), "start the caller") &&
	    ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "recv") &&
	    ipc_check_info(&t, &m, 0x40, 2, 0)) {
		inner = pith_msg(0x50, 1, 0);
		inner.mr[0] = 21;
		if (tc_ok(&t, pith_call(ep2, &inner), "the inner call")) {
			tc_eq(&t, PITH_MSGINFO_LABEL(inner.info), 0x51,
			      "the inner reply's label");
			tc_eq(&t, inner.mr[0], 42, "the inner reply's word");
		}
		tc_true(&t, helper_blocked(h),
			"the caller woke before the reply");
		m = ipc_pattern(0x60, 3, 0x900, NULL);
		tc_ok(&t, pith_reply(&m), "reply to the first caller");
		if (tc_true(&t, helper_finish(h), "the caller never woke") &&
		    tc_ok(&t, op.err, "the caller's call") &&
		    ipc_check_info(&t, &op.m, 0x60, 3, 0))
			ipc_check_words(&t, &op.m, NULL, 3, 0x900);
	}
	pith_tcb_suspend(h2->tcb);
	slot_free(ep2);
	tc_end(&t);
}

/* A thread that has never received a call. */
static void test_reply_without_caller(pith_cptr_t ep)
{
	struct thread fresh;
	struct ipc_op op;
	struct pith_msg m;
	struct tcase t;
	bool ok = thread_create(&fresh, HELPER_PRIORITY);

	tc_begin(&t, "ipc_reply_without_caller");
	ipc_op_init(&op, PITH_SYS_REPLY, 0, pith_msg(1, 0, 0));
	if (tc_true(&t, ok, "thread") &&
	    tc_true(&t, op_start(&fresh, &op), "start") &&
	    tc_true(&t, helper_finish(&fresh), "it did not finish"))
		tc_err(&t, op.err, PITH_E_ILLEGAL_OPERATION, "reply");
	tc_end(&t);

	tc_begin(&t, "ipc_reply_recv_without_caller_receives");
	ipc_op_init(&op, PITH_SYS_REPLY_RECV, ep, pith_msg(1, 0, 0));
	if (tc_true(&t, ok && op_start(&fresh, &op), "start") &&
	    tc_true(&t, helper_blocked(&fresh), "it did not wait")) {
		m = ipc_pattern(0x41, 1, 0x800, NULL);
		tc_ok(&t, pith_send(ep, &m), "send");
		if (tc_true(&t, helper_finish(&fresh), "it never woke") &&
		    tc_ok(&t, op.err, "its reply_recv"))
			ipc_check_info(&t, &op.m, 0x41, 1, 0);
	}
	tc_end(&t);
	thread_destroy(&fresh);
}

static void test_save_caller(pith_cptr_t ep)
{
	struct thread *h = &helper[0], *h2 = &helper[1];
	pith_cptr_t saved = slot_alloc();
	struct ipc_op op, op2;
	struct pith_msg m;
	struct tcase t;

	tc_begin(&t, "ipc_save_caller_reply_later");
	ipc_op_init(&op, PITH_SYS_CALL, ep, pith_msg(0x50, 0, 0));
	if (tc_true(&t, op_start(h, &op), "start the caller") &&
	    ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "recv") &&
	    tc_ok(&t, pith_cnode_save_caller(R, saved, DEPTH), "save_caller") &&
	    tc_eq(&t, cap_type(saved), PITH_CAP_REPLY, "the saved cap")) {
		m = pith_msg(0x51, 0, 0);
		tc_err(&t, pith_reply(&m), PITH_E_ILLEGAL_OPERATION,
		       "reply through the (now empty) caller slot");
		tc_true(&t, helper_blocked(h), "the caller woke");
		m = ipc_pattern(0x52, 2, 0x900, NULL);
		tc_ok(&t, pith_reply_to(saved, &m), "reply_to");
		if (tc_true(&t, helper_finish(h), "the caller never woke") &&
		    tc_ok(&t, op.err, "the caller's call") &&
		    ipc_check_info(&t, &op.m, 0x52, 2, 0))
			ipc_check_words(&t, &op.m, NULL, 2, 0x900);
		tc_eq(&t, cap_type(saved), PITH_CAP_NULL,
		      "the reply cap after use");
	}
	tc_end(&t);

	tc_begin(&t, "ipc_saved_reply_cap_second_use");
	m = pith_msg(0x53, 0, 0);
	if (tc_err(&t, pith_reply_to(saved, &m), PITH_E_FAILED_LOOKUP,
		   "reply_to again")) {
		tc_eq(&t, m.mr[0], 0, "detail: which capability");
		tc_eq(&t, m.mr[1], LOOKUP_EMPTY, "detail: empty slot");
	}
	tc_end(&t);

	expect_err("ipc_save_caller_without_caller",
		   pith_cnode_save_caller(R, saved, DEPTH),
		   PITH_E_ILLEGAL_OPERATION);

	tc_begin(&t, "ipc_save_caller_slot_occupied");
	ipc_op_init(&op, PITH_SYS_CALL, ep, pith_msg(0x54, 0, 0));
	if (tc_true(&t, op_start(h, &op), "start the caller") &&
	    ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "recv")) {
		tc_err(&t, pith_cnode_save_caller(R, ep, DEPTH),
		       PITH_E_DELETE_FIRST, "save_caller onto the endpoint");
		m = pith_msg(0x55, 0, 0);
		tc_ok(&t, pith_reply(&m), "reply: the cap stayed");
		if (tc_true(&t, helper_finish(h), "the caller never woke"))
			tc_ok(&t, op.err, "the caller's call");
	}
	tc_end(&t);

	/* The receiver holds one reply cap: a second call received drops
	 * the first, unused; its caller learns that. */
	tc_begin(&t, "ipc_new_call_aborts_unreplied_call");
	ipc_op_init(&op, PITH_SYS_CALL, ep, pith_msg(0x56, 0, 0));
	ipc_op_init(&op2, PITH_SYS_CALL, ep, pith_msg(0x57, 0, 0));
	if (tc_true(&t, op_start(h, &op), "start the first caller") &&
	    ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "first recv") &&
	    tc_true(&t, op_start(h2, &op2), "start the second caller") &&
	    tc_true(&t, helper_blocked(h), "the first caller woke early") &&
	    ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "second recv") &&
	    tc_eq(&t, PITH_MSGINFO_LABEL(m.info), 0x57, "second label") &&
	    tc_true(&t, helper_finish(h), "the first caller never woke")) {
		tc_err(&t, op.err, PITH_E_ABORTED, "the first call");
		m = pith_msg(0x58, 0, 0);
		tc_ok(&t, pith_reply(&m), "reply to the second");
		if (tc_true(&t, helper_finish(h2), "the second never woke"))
			tc_ok(&t, op2.err, "the second call");
	}
	tc_end(&t);

	/* nb_send on a reply capability replies, as send does: a reply
	 * never blocks. */
	tc_begin(&t, "ipc_nb_send_on_reply_cap_replies");
	ipc_op_init(&op, PITH_SYS_CALL, ep, pith_msg(0x59, 0, 0));
	if (tc_true(&t, op_start(h, &op), "start the caller") &&
	    ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "recv") &&
	    tc_ok(&t, pith_cnode_save_caller(R, saved, DEPTH), "save")) {
		m = ipc_pattern(0x5a, 1, 0xa00, NULL);
		tc_ok(&t, pith_ipc_syscall(PITH_SYS_NB_SEND, saved, &m),
		      "nb_send on the reply cap");
		if (tc_true(&t, helper_finish(h), "the caller never woke") &&
		    tc_ok(&t, op.err, "the caller's call") &&
		    ipc_check_info(&t, &op.m, 0x5a, 1, 0))
			ipc_check_words(&t, &op.m, NULL, 1, 0xa00);
		tc_eq(&t, cap_type(saved), PITH_CAP_NULL,
		      "the reply cap after use");
	}
	tc_end(&t);
	slot_free(saved);
}

/* ---- message lengths -------------------------------------------------- */

/* ktest sends `words` words (with `field` in the length field) to a
 * waiting helper; `want` words must arrive. */
static void message_case(const char *name, pith_cptr_t ep, unsigned field,
			 unsigned want)
{
	struct thread *h = &helper[0];
	uint64_t ext[PITH_MSG_MAX_WORDS] = {0};
	uint64_t seed = 0x1000 + field;
	struct ipc_op op;
	struct pith_msg m;
	struct tcase t;

	tc_begin(&t, name);
	ipc_op_init(&op, PITH_SYS_RECV, ep, pith_msg(0, 0, 0));
	if (tc_true(&t, op_start(h, &op), "start the receiver") &&
	    tc_true(&t, helper_blocked(h), "the receiver did not wait")) {
		m = ipc_pattern(0x60 + field, want, seed, ext);
		m.info = PITH_MSGINFO(0x60 + field, field, 0);
		tc_ok(&t, ipc_ktest_syscall(PITH_SYS_SEND, ep, &m, ext),
		      "send");
		if (tc_true(&t, helper_finish(h), "the receiver never woke") &&
		    tc_ok(&t, op.err, "recv") &&
		    ipc_check_info(&t, &op.m, 0x60 + field, want, 0))
			ipc_check_words(&t, &op.m, op.words, want, seed);
	}
	tc_end(&t);
}

static volatile uint64_t bare_err, bare_info, bare_mr[4];

/* A receive that does not touch the IPC buffer (the thread has none). */
static void recv_without_buffer(uint64_t ep)
{
	struct pith_msg m = pith_msg(0, 0, 0);

	bare_err = pith_recv(ep, &m);
	bare_info = m.info;
	for (unsigned i = 0; i < 4; i++)
		bare_mr[i] = m.mr[i];
}

static void test_messages(pith_cptr_t ep)
{
	struct thread *h = &helper[0];
	uint64_t ext[PITH_MSG_MAX_WORDS] = {0};
	struct ipc_op op;
	struct pith_msg m;
	struct tcase t;

	message_case("ipc_message_0_words", ep, 0, 0);
	message_case("ipc_message_1_word", ep, 1, 1);
	message_case("ipc_message_4_words", ep, 4, 4);
	message_case("ipc_message_5_words", ep, 5, 5);
	message_case("ipc_message_32_words", ep, 32, 32);
	message_case("ipc_message_33_words_clamped", ep, 33, 32);
	message_case("ipc_message_127_words_clamped", ep, 127, 32);

	/* The other way: a helper's 32 words, through its buffer to
	 * ktest's, in a call; and 32 words back in the reply. */
	tc_begin(&t, "ipc_call_and_reply_32_words");
	ipc_op_init(&op, PITH_SYS_CALL, ep, pith_msg(0, 0, 0));
	op.m = ipc_pattern(0x62, 32, 0x2000, op.words);
	if (tc_true(&t, op_start(h, &op), "start the caller") &&
	    ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "recv")) {
		uint64_t *got = pith_ipc_buffer()->mr;

		if (ipc_check_info(&t, &m, 0x62, 32, 0))
			ipc_check_words(&t, &m, got, 32, 0x2000);
		m = ipc_pattern(0x63, 32, 0x3000, ext);
		tc_ok(&t, ipc_ktest_syscall(PITH_SYS_REPLY, 0, &m, ext),
		      "reply");
		if (tc_true(&t, helper_finish(h), "the caller never woke") &&
		    tc_ok(&t, op.err, "call") &&
		    ipc_check_info(&t, &op.m, 0x63, 32, 0))
			ipc_check_words(&t, &op.m, op.words, 32, 0x3000);
	}
	tc_end(&t);

	/* Words past the registers need a buffer at both ends. */
	tc_begin(&t, "ipc_message_receiver_without_buffer_gets_4_words");
	bare_err = UINT64_MAX;
	if (tc_ok(&t,
		  pith_tcb_configure(h->tcb, R, PITH_SLOT_VSPACE, R, 0, 0, 0),
		  "configure without an IPC buffer") &&
	    tc_true(&t, helper_start(h, recv_without_buffer, ep), "start") &&
	    tc_true(&t, helper_blocked(h), "the receiver did not wait")) {
		m = ipc_pattern(0x64, 32, 0x4000, ext);
		tc_ok(&t, ipc_ktest_syscall(PITH_SYS_SEND, ep, &m, ext),
		      "send 32 words");
		if (tc_true(&t, helper_finish(h), "the receiver never woke") &&
		    tc_ok(&t, bare_err, "recv")) {
			tc_eq(&t, bare_info, PITH_MSGINFO(0x64, 4, 0), "info");
			for (unsigned i = 0; i < 4; i++)
				tc_eq(&t, bare_mr[i], ipc_word(0x4000, i),
				      "a word");
		}
	}
	tc_end(&t);
	helper_reset(h);
}

/* ---- errors of the system calls --------------------------------------- */

static enum pith_error on(uint64_t sys, pith_cptr_t cap, struct pith_msg *m)
{
	*m = pith_msg(0, 0, 0);
	return pith_ipc_syscall(sys, cap, m);
}

static void rights_case(const char *name, uint64_t sys, pith_cptr_t cap,
			uint64_t missing)
{
	struct pith_msg m;
	struct tcase t;

	tc_begin(&t, name);
	if (tc_err(&t, on(sys, cap, &m), PITH_E_MISSING_RIGHTS, name))
		tc_eq(&t, m.mr[0], missing, "detail: the missing right");
	tc_end(&t);
}

static void test_errors(pith_cptr_t ep)
{
	pith_cptr_t ro = cap_mint(ep, PITH_RIGHT_READ, 0);
	pith_cptr_t wo = cap_mint(ep, PITH_RIGHT_WRITE, 0);
	pith_cptr_t empty = slot_alloc();
	pith_cptr_t frame = obj_new(PITH_OBJ_FRAME_4K, 0);
	struct pith_msg m;
	struct tcase t;

	rights_case("ipc_send_without_write", PITH_SYS_SEND, ro,
		    PITH_RIGHT_WRITE);
	rights_case("ipc_nb_send_without_write", PITH_SYS_NB_SEND, ro,
		    PITH_RIGHT_WRITE);
	rights_case("ipc_call_without_write", PITH_SYS_CALL, ro,
		    PITH_RIGHT_WRITE);
	rights_case("ipc_recv_without_read", PITH_SYS_RECV, wo,
		    PITH_RIGHT_READ);
	rights_case("ipc_nb_recv_without_read", PITH_SYS_NB_RECV, wo,
		    PITH_RIGHT_READ);
	rights_case("ipc_reply_recv_without_read", PITH_SYS_REPLY_RECV, wo,
		    PITH_RIGHT_READ);

	tc_begin(&t, "ipc_send_to_empty_slot");
	if (tc_err(&t, on(PITH_SYS_SEND, empty, &m), PITH_E_FAILED_LOOKUP,
		   "send")) {
		tc_eq(&t, m.mr[0], 0, "detail: which capability");
		tc_eq(&t, m.mr[1], LOOKUP_EMPTY, "detail: empty slot");
	}
	tc_err(&t, on(PITH_SYS_RECV, empty, &m), PITH_E_FAILED_LOOKUP, "recv");
	tc_end(&t);

	tc_begin(&t, "ipc_on_a_frame_illegal");
	tc_err(&t, on(PITH_SYS_SEND, frame, &m), PITH_E_ILLEGAL_OPERATION,
	       "send");
	tc_err(&t, on(PITH_SYS_NB_SEND, frame, &m), PITH_E_ILLEGAL_OPERATION,
	       "nb_send");
	tc_err(&t, on(PITH_SYS_RECV, frame, &m), PITH_E_ILLEGAL_OPERATION,
	       "recv");
	tc_err(&t, on(PITH_SYS_NB_RECV, frame, &m), PITH_E_ILLEGAL_OPERATION,
	       "nb_recv");
	tc_end(&t);

	tc_begin(&t, "ipc_recv_on_a_tcb_illegal");
	tc_err(&t, on(PITH_SYS_RECV, PITH_SLOT_TCB, &m),
	       PITH_E_ILLEGAL_OPERATION, "recv");
	tc_end(&t);

	slot_free(frame);
	slot_free(empty);
	slot_free(wo);
	slot_free(ro);
}

void test_ipc(void)
{
	pith_cptr_t ep = obj_new(PITH_OBJ_ENDPOINT, 0);

	if (!ipc_begin() || !ep) {
		expect_true("ipc_setup", false, "threads or objects");
	} else {
		test_send_recv(ep);
		test_call_reply(ep);
		test_nested_call(ep);
		test_ipc_paths(ep);
		test_reply_without_caller(ep);
		test_save_caller(ep);
		test_messages(ep);
		test_errors(ep);
	}
	slot_free(ep);
	ipc_end();
}
