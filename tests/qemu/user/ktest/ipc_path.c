/*
 * Call and reply-receive down both kernel paths: the fastpath
 * (ipc/fastpath.c) takes a call or reply of at most four register words
 * without capabilities when the partner already waits and may run at
 * once; anything else goes the slow way (ipc/endpoint.c). Each case is a
 * client's call, ktest's reply_recv, and a closing message from the
 * client; the results must be the same whichever path ran.
 */
#include "ipc.h"

#define LOW	  100
#define BADGE	  0x77
#define END_LABEL 0xe4d

struct client {
	pith_cptr_t ep, done;
	struct pith_msg m; /* the call; then the reply */
	uint64_t words[PITH_MSG_MAX_WORDS];
	uint64_t err;
};

/* Call, then send END_LABEL (which ends ktest's reply_recv), then
 * signal done. */
static void client_run(uint64_t arg)
{
	struct client *c = (struct client *)(uintptr_t)arg;
	struct pith_ipc_buffer *ipc = pith_ipc_buffer();
	struct pith_msg end = pith_msg(END_LABEL, 0, 0);

	for (unsigned i = PITH_MSG_REGISTER_WORDS; i < PITH_MSG_MAX_WORDS; i++)
		ipc->mr[i] = c->words[i];
	c->err = pith_call(c->ep, &c->m);
	for (unsigned i = PITH_MSG_REGISTER_WORDS; i < PITH_MSG_MAX_WORDS; i++)
		c->words[i] = ipc->mr[i];
	pith_send(c->ep, &end);
	pith_signal(c->done);
}

struct path_case {
	const char *name;
	unsigned call_words, reply_words;
	unsigned priority;   /* the client's */
	bool receiver_first; /* ktest waits before the client calls */
	bool sender_queued;  /* another sender waits at the reply_recv */
};

static const struct path_case cases[] = {
	{"ipc_path_call_fast_reply_recv_fast", 2, 3, 255, true, false},
	{"ipc_path_call_0_words_fast", 0, 0, 255, true, false},
	{"ipc_path_call_queued_first", 4, 4, 255, false, false},
	{"ipc_path_call_5_words_slow", 5, 5, 255, true, false},
	{"ipc_path_reply_32_words_slow", 4, 32, 255, true, false},
	{"ipc_path_lower_priority_caller", 1, 1, LOW, true, false},
	{"ipc_path_reply_recv_sender_queued", 2, 2, 255, true, true},
};

/* The message ktest's reply_recv (or the recv after it) must end with. */
static bool receive_end(struct tcase *t, const struct pith_msg *m,
			uint64_t label)
{
	return tc_eq(t, m->info, PITH_MSGINFO(label, 0, 0), "closing message");
}

static void path_case(pith_cptr_t ep, pith_cptr_t badged, unsigned i)
{
	const struct path_case *pc = &cases[i];
	struct thread *h = &helper[0];
	struct client c = {.ep = badged, .done = ipc_done_cap(i)};
	uint64_t ext[PITH_MSG_MAX_WORDS] = {0};
	uint64_t seed = 0x5000 + pc->call_words;
	struct ipc_op other;
	struct pith_msg m;
	struct tcase t;
	bool started;

	tc_begin(&t, pc->name);
	c.m = ipc_pattern(0xa1, pc->call_words, seed, c.words);
	ipc_op_init(&other, PITH_SYS_SEND, ep, pith_msg(END_LABEL + 1, 0, 0));
	pith_tcb_suspend(h->tcb);
	pith_tcb_set_priority(h->tcb, PITH_SLOT_TCB, pc->priority);
	if (pc->receiver_first) /* it runs once ktest blocks */
		started = thread_start(h, client_run, (uintptr_t)&c) == PITH_OK;
	else
		started = helper_start(h, client_run, (uintptr_t)&c) &&
			  helper_blocked(h);
	if (!tc_true(&t, started, "start the client") ||
	    !ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "recv the call") ||
	    !ipc_check_info(&t, &m, 0xa1, pc->call_words, BADGE) ||
	    !ipc_check_words(&t, &m, pith_ipc_buffer()->mr, pc->call_words,
			     seed))
		goto out;
	if (pc->sender_queued &&
	    (!tc_true(&t, op_start(&helper[1], &other), "start a sender") ||
	     !tc_true(&t, helper_blocked(&helper[1]), "it did not wait")))
		goto out;
	m = ipc_pattern(0xa2, pc->reply_words, seed + 1, ext);
	for (unsigned w = PITH_MSG_REGISTER_WORDS; w < PITH_MSG_MAX_WORDS; w++)
		pith_ipc_buffer()->mr[w] = ext[w];
	if (!ipc_recv_bounded(&t, PITH_SYS_REPLY_RECV, ep, &m, "reply_recv"))
		goto out;
	if (pc->sender_queued &&
	    (!receive_end(&t, &m, END_LABEL + 1) ||
	     !ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "recv")))
		goto out;
	if (receive_end(&t, &m, END_LABEL) &&
	    ipc_wait_done(&t, 1ULL << i, "the client did not finish") &&
	    tc_ok(&t, c.err, "the client's call") &&
	    ipc_check_info(&t, &c.m, 0xa2, pc->reply_words, 0))
		ipc_check_words(&t, &c.m, c.words, pc->reply_words, seed + 1);
out:
	tc_end(&t);
	helper_reset(h);
	helper_reset(&helper[1]);
}

/* A server bound to a notification: receives a call, waits for ktest's
 * go, then reply_recv; a signal that came meanwhile must end the
 * receive at once (the fastpath leaves that to the slow path). */
struct bound_server {
	pith_cptr_t ep;
	volatile uint64_t go;
	struct pith_msg m;
	uint64_t err;
};

static void bound_server_run(uint64_t arg)
{
	struct bound_server *s = (struct bound_server *)(uintptr_t)arg;

	s->err = pith_recv(s->ep, &s->m);
	while (!s->go)
		pith_yield();
	s->m = pith_msg(0xa5, 1, 0);
	s->m.mr[0] = 0xa5a5;
	s->err = pith_reply_recv(s->ep, &s->m);
}

static void test_reply_recv_pending_signal(pith_cptr_t ep)
{
	pith_cptr_t nb = obj_new(PITH_OBJ_NOTIFICATION, 0);
	pith_cptr_t b4 = cap_mint(nb, PITH_RIGHT_WRITE, 0x4);
	struct bound_server srv = {.ep = ep};
	struct thread *s = &helper[1];
	struct ipc_op call;
	struct tcase t;

	tc_begin(&t, "ipc_path_reply_recv_pending_signal");
	ipc_op_init(&call, PITH_SYS_CALL, ep, pith_msg(0xa4, 0, 0));
	if (tc_true(&t, nb && b4, "objects") &&
	    tc_ok(&t, pith_tcb_bind_notification(s->tcb, nb), "bind") &&
	    tc_true(&t, helper_start(s, bound_server_run, (uintptr_t)&srv),
		    "start the server") &&
	    tc_true(&t, op_start(&helper[0], &call), "start the client") &&
	    tc_true(&t, helper_blocked(&helper[0]), "the client woke") &&
	    tc_ok(&t, pith_signal(b4), "signal the server")) {
		srv.go = 1;
		if (tc_true(&t, helper_finish(s),
			    "the server's reply_recv "
			    "waits") &&
		    tc_ok(&t, srv.err, "reply_recv"))
			tc_eq(&t, srv.m.info, PITH_MSGINFO_SIGNAL,
			      "it received the signal");
		tc_eq(&t, srv.m.badge, 0x4, "the word");
		if (tc_true(&t, helper_finish(&helper[0]), "client woke") &&
		    tc_ok(&t, call.err, "the call"))
			tc_eq(&t, call.m.mr[0], 0xa5a5, "the reply");
	}
	tc_end(&t);
	helper_reset(s);
	slot_free(b4);
	slot_free(nb);
}

/* A receiver that holds an unreplied call waits again; a new call (which
 * the fastpath leaves to the slow path) drops the old reply cap. */
static void test_call_to_receiver_with_reply_cap(pith_cptr_t ep)
{
	struct ipc_op first, second;
	struct pith_msg m;
	struct tcase t;

	tc_begin(&t, "ipc_path_call_to_waiting_receiver_holding_reply");
	ipc_op_init(&first, PITH_SYS_CALL, ep, pith_msg(0xa6, 0, 0));
	ipc_op_init(&second, PITH_SYS_CALL, ep, pith_msg(0xa7, 1, 0));
	second.m.mr[0] = 0xa7a7;
	pith_tcb_suspend(helper[1].tcb);
	if (tc_true(&t, op_start(&helper[0], &first), "start a caller") &&
	    ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "recv the first") &&
	    tc_ok(&t, thread_start(&helper[1], ipc_op_run, (uintptr_t)&second),
		  "start another caller") &&
	    ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "recv the second") &&
	    tc_eq(&t, m.info, PITH_MSGINFO(0xa7, 1, 0), "its info") &&
	    tc_eq(&t, m.mr[0], 0xa7a7, "its word") &&
	    tc_true(&t, helper_finish(&helper[0]), "the first never woke") &&
	    tc_err(&t, first.err, PITH_E_ABORTED, "the first call")) {
		m = pith_msg(0xa8, 0, 0);
		tc_ok(&t, pith_reply(&m), "reply to the second");
		if (tc_true(&t, helper_finish(&helper[1]), "second woke"))
			tc_ok(&t, second.err, "the second call");
	}
	tc_end(&t);
}

void test_ipc_paths(pith_cptr_t ep)
{
	pith_cptr_t badged = cap_mint(ep, RIGHTS_RW, BADGE);

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		path_case(ep, badged, i);
	test_reply_recv_pending_signal(ep);
	test_call_to_receiver_with_reply_cap(ep);
	slot_free(badged);
}
