/*
 * What a message carries besides words (ipc/transfer.c): capabilities,
 * granted with the endpoint capability's grant right into the receiver's
 * receive slots (or with grant_reply, in the reply to a call), and badges;
 * and the order of queued senders and receivers.
 */
#include "ipc.h"

static const pith_cptr_t R = PITH_SLOT_CNODE;

/* Three capabilities to send (a badged notification, a badged endpoint
 * and a frame) and three slots to receive them. */
struct grant {
	pith_cptr_t ntfn, ep, frame; /* the objects */
	pith_cptr_t send[3];	     /* what is sent */
	pith_cptr_t recv;	     /* three receive slots */
};

static const uint64_t grant_types[3] = {PITH_CAP_NOTIFICATION,
					PITH_CAP_ENDPOINT, PITH_CAP_FRAME};
static const uint64_t grant_badges[3] = {0x5, 0x6, 0};
/* receive_depth for grant_transfer() (cases of the depth change it). */
static uint64_t grant_depth = DEPTH;

static bool grant_new(struct grant *g)
{
	*g = (struct grant){0};
	g->ntfn = obj_new(PITH_OBJ_NOTIFICATION, 0);
	g->ep = obj_new(PITH_OBJ_ENDPOINT, 0);
	g->frame = obj_new(PITH_OBJ_FRAME_4K, 0);
	g->send[0] = cap_mint(g->ntfn, PITH_RIGHT_WRITE, grant_badges[0]);
	g->send[1] = cap_mint(g->ep, PITH_RIGHT_WRITE, grant_badges[1]);
	g->send[2] = g->frame;
	g->recv = slots_alloc(3);
	return g->ntfn && g->ep && g->frame && g->send[0] && g->send[1] &&
	       g->recv;
}

static void grant_free(struct grant *g)
{
	slots_free(g->recv, 3);
	slot_free(g->send[1]);
	slot_free(g->send[0]);
	slot_free(g->frame);
	slot_free(g->ep);
	slot_free(g->ntfn);
}

/* A helper sends g's capabilities on `ep`; ktest receives them into
 * (cnode, index). Returns ktest's message; *badges its IPC buffer's. */
static bool grant_transfer(struct tcase *t, const struct grant *g,
			   pith_cptr_t ep, uint64_t cnode, uint64_t index,
			   struct pith_msg *m, uint64_t *badges)
{
	struct pith_ipc_buffer *ipc = pith_ipc_buffer();
	struct ipc_op op;
	bool ok;

	ipc_op_init(&op, PITH_SYS_SEND, ep, pith_msg(0x90, 1, 3));
	op.m.mr[0] = 0x9090;
	for (unsigned i = 0; i < 3; i++) {
		op.caps[i] = g->send[i];
		ipc->badges[i] = UINT64_MAX;
	}
	ipc->receive_cnode = cnode;
	ipc->receive_index = index;
	ipc->receive_depth = grant_depth;
	ok = tc_true(t, op_start(&helper[0], &op), "start the sender") &&
	     ipc_recv_bounded(t, PITH_SYS_RECV, ep, m, "recv");
	for (unsigned i = 0; i < 3; i++)
		badges[i] = ipc->badges[i];
	ipc->receive_cnode = 0;
	ipc->receive_index = 0;
	return ok &&
	       tc_true(t, helper_finish(&helper[0]), "the sender never woke") &&
	       tc_ok(t, op.err, "the sender's send") &&
	       tc_eq(t, PITH_MSGINFO_LABEL(m->info), 0x90, "label") &&
	       tc_eq(t, m->mr[0], 0x9090, "the word");
}

static bool check_caps(struct tcase *t, const struct pith_msg *m, unsigned caps,
		       bool dropped)
{
	return tc_eq(t, PITH_MSGINFO_CAPS(m->info), caps, "caps received") &&
	       tc_eq(t, PITH_MSGINFO_FLAGS(m->info),
		     dropped ? PITH_MSGINFO_CAPS_DROPPED : 0, "flags");
}

static bool slots_empty(struct tcase *t, pith_cptr_t first, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (!tc_eq(t, cap_type(first + i), PITH_CAP_NULL,
			   "a receive slot"))
			return false;
	}
	return true;
}

static void test_grant(pith_cptr_t ep)
{
	pith_cptr_t no_grant = cap_mint(ep, RIGHTS_RW, 0);
	uint64_t badges[3];
	struct grant g;
	struct pith_msg m;
	struct tcase t;

	tc_begin(&t, "ipc_grant_three_caps");
	if (tc_true(&t, grant_new(&g) && no_grant, "objects") &&
	    grant_transfer(&t, &g, ep, R, g.recv, &m, badges) &&
	    check_caps(&t, &m, 3, false)) {
		for (unsigned i = 0; i < 3; i++) {
			if (!tc_eq(&t, cap_type(g.recv + i), grant_types[i],
				   "a received cap's type") ||
			    !tc_eq(&t, badges[i], grant_badges[i],
				   "its badge in badges[]") ||
			    !tc_eq(&t, ident(g.recv + i).badge, grant_badges[i],
				   "its badge"))
				break;
		}
	}
	tc_end(&t);

	/* Received caps are children of the sender's: revoking those
	 * takes them. */
	tc_begin(&t, "ipc_granted_caps_are_derived");
	for (unsigned i = 0; i < 3; i++)
		tc_ok(&t, pith_cnode_revoke(R, g.send[i], DEPTH),
		      "revoke a sent cap");
	slots_empty(&t, g.recv, 3);
	tc_end(&t);

	tc_begin(&t, "ipc_no_grant_caps_dropped");
	if (grant_transfer(&t, &g, no_grant, R, g.recv, &m, badges) &&
	    check_caps(&t, &m, 0, true))
		slots_empty(&t, g.recv, 3);
	tc_end(&t);

	tc_begin(&t, "ipc_grant_receive_slot_occupied");
	if (tc_ok(&t,
		  pith_cnode_copy(R, R, g.recv, DEPTH, g.ntfn, DEPTH,
				  PITH_RIGHT_READ),
		  "fill the first receive slot") &&
	    grant_transfer(&t, &g, ep, R, g.recv, &m, badges) &&
	    check_caps(&t, &m, 0, true)) {
		tc_eq(&t, ident(g.recv).rights, PITH_RIGHT_READ,
		      "the slot's own cap");
		slots_empty(&t, g.recv + 1, 2);
	}
	pith_cnode_delete(R, g.recv, DEPTH);
	tc_end(&t);

	/* The first cap arrives, the second finds its slot taken: the
	 * rest are dropped. */
	tc_begin(&t, "ipc_grant_second_slot_occupied");
	if (tc_ok(&t,
		  pith_cnode_copy(R, R, g.recv + 1, DEPTH, g.ntfn, DEPTH,
				  PITH_RIGHT_READ),
		  "fill the second receive slot") &&
	    grant_transfer(&t, &g, ep, R, g.recv, &m, badges) &&
	    check_caps(&t, &m, 1, true)) {
		tc_eq(&t, cap_type(g.recv), grant_types[0], "the first");
		tc_eq(&t, badges[0], grant_badges[0], "its badge");
		slots_empty(&t, g.recv + 2, 1);
	}
	slots_free(g.recv, 3);
	g.recv = slots_alloc(3);
	tc_end(&t);

	tc_begin(&t, "ipc_grant_receive_cnode_not_a_cnode");
	if (grant_transfer(&t, &g, ep, g.ep, 0, &m, badges) &&
	    check_caps(&t, &m, 0, true))
		slots_empty(&t, g.recv, 3);
	tc_end(&t);

	tc_begin(&t, "ipc_grant_no_receive_cnode");
	if (grant_transfer(&t, &g, ep, 0, g.recv, &m, badges) &&
	    check_caps(&t, &m, 0, true))
		slots_empty(&t, g.recv, 3);
	tc_end(&t);

	/* receive_cnode's address resolves with receive_depth bits; 0 means
	 * all 64. The root CNode's slots need 64. */
	tc_begin(&t, "ipc_grant_receive_depth_zero_means_64");
	grant_depth = 0;
	if (grant_transfer(&t, &g, ep, R, g.recv, &m, badges) &&
	    check_caps(&t, &m, 3, false))
		tc_eq(&t, cap_type(g.recv), grant_types[0], "a received cap");
	slots_free(g.recv, 3);
	g.recv = slots_alloc(3);
	tc_end(&t);

	tc_begin(&t, "ipc_grant_receive_depth_too_short");
	grant_depth = 32;
	if (grant_transfer(&t, &g, ep, R, g.recv, &m, badges) &&
	    check_caps(&t, &m, 0, true))
		slots_empty(&t, g.recv, 3);
	tc_end(&t);

	tc_begin(&t, "ipc_grant_receive_depth_over_64");
	grant_depth = 65;
	if (grant_transfer(&t, &g, ep, R, g.recv, &m, badges) &&
	    check_caps(&t, &m, 0, true))
		slots_empty(&t, g.recv, 3);
	grant_depth = DEPTH;
	tc_end(&t);

	tc_begin(&t, "ipc_grant_receive_index_out_of_range");
	if (grant_transfer(&t, &g, ep, R, UINT64_MAX - 1, &m, badges))
		check_caps(&t, &m, 0, true);
	tc_end(&t);

	/* A sent address that names nothing: the caps from there on are
	 * dropped; the message still arrives. */
	tc_begin(&t, "ipc_grant_empty_sender_slot");
	slot_free(g.send[1]);
	g.send[1] = slot_alloc();
	if (grant_transfer(&t, &g, ep, R, g.recv, &m, badges) &&
	    check_caps(&t, &m, 1, true)) {
		tc_eq(&t, cap_type(g.recv), grant_types[0], "the first");
		slots_empty(&t, g.recv + 1, 2);
	}
	tc_end(&t);
	grant_free(&g);
	slot_free(no_grant);
}

/* A helper calls through `ep_cap`, asking for caps in the reply; ktest
 * replies with a notification cap. */
static void reply_grant_case(const char *name, pith_cptr_t ep,
			     pith_cptr_t ep_cap, bool arrives)
{
	pith_cptr_t ntfn = obj_new(PITH_OBJ_NOTIFICATION, 0);
	pith_cptr_t recv = slot_alloc();
	struct ipc_op op;
	struct pith_msg m;
	struct tcase t;

	tc_begin(&t, name);
	ipc_op_init(&op, PITH_SYS_CALL, ep_cap, pith_msg(0x91, 0, 0));
	op.recv_cnode = R;
	op.recv_index = recv;
	if (tc_true(&t, ntfn && recv, "objects") &&
	    tc_true(&t, op_start(&helper[0], &op), "start the caller") &&
	    ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "recv")) {
		pith_ipc_buffer()->caps[0] = ntfn;
		m = pith_msg(0x92, 0, 1);
		tc_ok(&t, pith_reply(&m), "reply with a cap");
		if (tc_true(&t, helper_finish(&helper[0]),
			    "the caller never woke") &&
		    tc_ok(&t, op.err, "the call") &&
		    check_caps(&t, &op.m, arrives ? 1 : 0, !arrives))
			tc_eq(&t, cap_type(recv),
			      arrives ? PITH_CAP_NOTIFICATION : PITH_CAP_NULL,
			      "the receive slot");
	}
	tc_end(&t);
	slot_free(recv);
	slot_free(ntfn);
}

/* A reply cap is one-shot: it moves, it is never copied, not even by a
 * message with the grant right. */
static void test_reply_cap_not_granted(pith_cptr_t ep)
{
	pith_cptr_t saved = slot_alloc(), recv = slot_alloc();
	struct pith_ipc_buffer *ipc = pith_ipc_buffer();
	struct ipc_op caller, receiver;
	struct pith_msg m;
	struct tcase t;

	tc_begin(&t, "ipc_grant_reply_cap_not_transferable");
	ipc_op_init(&caller, PITH_SYS_CALL, ep, pith_msg(0x93, 0, 0));
	ipc_op_init(&receiver, PITH_SYS_RECV, ep, pith_msg(0, 0, 0));
	receiver.recv_cnode = R;
	receiver.recv_index = recv;
	if (tc_true(&t, op_start(&helper[0], &caller), "start the caller") &&
	    ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "recv") &&
	    tc_ok(&t, pith_cnode_save_caller(R, saved, DEPTH), "save") &&
	    tc_true(&t, op_start(&helper[1], &receiver), "start receiver")) {
		ipc->caps[0] = saved;
		m = pith_msg(0x94, 0, 1);
		tc_ok(&t, pith_send(ep, &m), "send the reply cap");
		if (tc_true(&t, helper_finish(&helper[1]),
			    "the receiver never woke") &&
		    check_caps(&t, &receiver.m, 0, true))
			tc_eq(&t, cap_type(recv), PITH_CAP_NULL,
			      "the receive slot");
		tc_eq(&t, cap_type(saved), PITH_CAP_REPLY, "the saved cap");
		m = pith_msg(0x95, 0, 0);
		tc_ok(&t, pith_reply_to(saved, &m), "it still replies");
		if (tc_true(&t, helper_finish(&helper[0]), "caller woke"))
			tc_ok(&t, caller.err, "the call");
	}
	tc_end(&t);
	slot_free(recv);
	slot_free(saved);
}

/* ---- badges ----------------------------------------------------------- */

static void test_badges(pith_cptr_t ep)
{
	static const uint64_t badges[3] = {0x11, 0x22, 0};
	pith_cptr_t caps[3] = {cap_mint(ep, RIGHTS_RW, badges[0]),
			       cap_mint(ep, RIGHTS_RW, badges[1]),
			       cap_copy(ep, RIGHTS_RW)};
	struct ipc_op ops[3];
	uint64_t seen = 0;
	struct pith_msg m;
	struct tcase t;

	tc_begin(&t, "ipc_badges_identify_senders");
	for (unsigned i = 0; i < 3; i++) {
		struct pith_msg s = pith_msg(0xb0, 1, 0);

		s.mr[0] = i;
		ipc_op_init(&ops[i], PITH_SYS_SEND, caps[i], s);
		if (!tc_true(&t, caps[i] && op_start(&helper[i], &ops[i]),
			     "start a sender"))
			break;
	}
	for (unsigned i = 0; i < 3 && !t.failed; i++) {
		if (!ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "recv") ||
		    !tc_true(&t, m.mr[0] < 3, "a sender's number"))
			break;
		seen |= 1ULL << m.mr[0];
		if (!tc_eq(&t, m.badge, badges[m.mr[0]], "its badge"))
			break;
	}
	tc_eq(&t, seen, 7, "senders seen");
	tc_end(&t);

	tc_begin(&t, "ipc_unbadged_sender_badge_zero");
	ipc_op_init(&ops[2], PITH_SYS_SEND, caps[2], pith_msg(0xb3, 0, 0));
	if (tc_true(&t, op_start(&helper[2], &ops[2]), "start the sender") &&
	    ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "recv") &&
	    tc_eq(&t, PITH_MSGINFO_LABEL(m.info), 0xb3, "label"))
		tc_eq(&t, m.badge, 0, "badge");
	tc_end(&t);

	/* Reply messages carry no badge. */
	tc_begin(&t, "ipc_reply_badge_zero");
	ipc_op_init(&ops[0], PITH_SYS_CALL, caps[0], pith_msg(0xb1, 0, 0));
	if (tc_true(&t, op_start(&helper[0], &ops[0]), "start the caller") &&
	    ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "recv") &&
	    tc_eq(&t, m.badge, badges[0], "the call's badge")) {
		m = pith_msg(0xb2, 0, 0);
		tc_ok(&t, pith_reply(&m), "reply");
		if (tc_true(&t, helper_finish(&helper[0]), "caller woke"))
			tc_eq(&t, ops[0].m.badge, 0, "the reply's badge");
	}
	tc_end(&t);
	for (unsigned i = 0; i < 3; i++)
		slot_free(caps[i]);
}

/* ---- order ------------------------------------------------------------ */

#define QUEUED 5

static void test_fifo(pith_cptr_t ep)
{
	struct ipc_op ops[QUEUED];
	struct pith_msg m;
	struct tcase t;

	/* Each sender starts and blocks before the next one starts. */
	tc_begin(&t, "ipc_senders_fifo");
	for (unsigned i = 0; i < QUEUED; i++) {
		struct pith_msg s = pith_msg(0xc0 + i, 1, 0);

		s.mr[0] = i;
		ipc_op_init(&ops[i], i % 2 ? PITH_SYS_CALL : PITH_SYS_SEND, ep,
			    s);
		if (!tc_true(&t, op_start(&helper[i], &ops[i]),
			     "start a sender"))
			break;
	}
	for (unsigned i = 0; i < QUEUED && !t.failed; i++) {
		if (!ipc_recv_bounded(&t, PITH_SYS_RECV, ep, &m, "recv") ||
		    !tc_eq(&t, m.mr[0], i, "the next sender"))
			break;
		if (i % 2) { /* a call: answer it */
			m = pith_msg(0, 0, 0);
			tc_ok(&t, pith_reply(&m), "reply");
		}
	}
	for (unsigned i = 0; i < QUEUED && !t.failed; i++) {
		if (!tc_true(&t, helper_finish(&helper[i]), "a sender woke") ||
		    !tc_ok(&t, ops[i].err, "a send"))
			break;
	}
	tc_end(&t);

	tc_begin(&t, "ipc_receivers_fifo");
	for (unsigned i = 0; i < QUEUED; i++) {
		ipc_op_init(&ops[i], PITH_SYS_RECV, ep, pith_msg(0, 0, 0));
		if (!tc_true(&t, op_start(&helper[i], &ops[i]),
			     "start a receiver"))
			break;
	}
	for (unsigned i = 0; i < QUEUED && !t.failed; i++) {
		m = pith_msg(0xd0, 1, 0);
		m.mr[0] = i;
		tc_ok(&t, pith_send(ep, &m), "send");
	}
	for (unsigned i = 0; i < QUEUED && !t.failed; i++) {
		if (!tc_true(&t, helper_finish(&helper[i]),
			     "a receiver woke") ||
		    !tc_ok(&t, ops[i].err, "a recv") ||
		    !tc_eq(&t, ops[i].m.mr[0], i, "what it got"))
			break;
	}
	tc_end(&t);
}

void test_ipc_caps(void)
{
	pith_cptr_t ep = obj_new(PITH_OBJ_ENDPOINT, 0);
	pith_cptr_t gr = cap_mint(ep, RIGHTS_RW | PITH_RIGHT_GRANT_REPLY, 0);
	pith_cptr_t g = cap_mint(ep, RIGHTS_RW | PITH_RIGHT_GRANT, 0);

	if (!ipc_begin() || !ep || !gr || !g) {
		expect_true("ipc_caps_setup", false, "threads or objects");
	} else {
		test_grant(ep);
		reply_grant_case("ipc_reply_grant_with_grant_reply", ep, gr,
				 true);
		reply_grant_case("ipc_reply_caps_dropped_without_grant_reply",
				 ep, g, false);
		test_reply_cap_not_granted(ep);
		test_badges(ep);
		test_fifo(ep);
	}
	slot_free(g);
	slot_free(gr);
	slot_free(ep);
	ipc_end();
}
