/*
 * A server's loop (pith/server.h).
 */
#include "pith/server.h"

#include "pith/alloc.h"
#include "pith/bootinfo.h"
#include "pith/invocations.h"

/* Slots for the capabilities of the next request: a run of
 * PITH_MSG_MAX_CAPS, made ready before each receive. Without free slots
 * the loop still serves, and capabilities sent to it are dropped. */
static void ready_window(struct pith_server *s)
{
	struct pith_ipc_buffer *ipc = pith_ipc_buffer();

	if (!s->window &&
	    pith_slots_alloc(PITH_MSG_MAX_CAPS, &s->window) != PITH_OK)
		s->window = 0;
	ipc->receive_cnode = s->window ? PITH_SLOT_CNODE : 0;
	ipc->receive_index = s->window;
	ipc->receive_depth = 0;
}

/* The request took n slots of the window: they are its now, the rest of
 * the window is given back and a new one made ready next time. */
static void take_window(struct pith_server *s, struct pith_request *rq,
			unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		rq->msg.caps[i] = s->window + i;
	rq->msg.ncaps = n;
	rq->received_caps = n;
	if (n) {
		pith_slots_free(s->window + n, PITH_MSG_MAX_CAPS - n);
		s->window = 0;
	}
}

enum pith_dispatch pith_request_fail(struct pith_request *rq,
				     enum pith_error err)
{
	for (unsigned i = 0; i < rq->received_caps; i++)
		pith_slot_free(rq->msg.caps[i]);
	rq->received_caps = 0;
	rq->msg.label = err;
	rq->msg.nwords = 0;
	rq->msg.ncaps = 0;
	return PITH_DISPATCH_REPLY;
}

enum pith_error pith_request_defer(struct pith_request *rq, pith_cptr_t *reply)
{
	enum pith_error err = pith_slot_alloc(reply);

	if (err != PITH_OK)
		return err;
	err = pith_cnode_save_caller(PITH_SLOT_CNODE, *reply, PITH_SLOT_DEPTH);
	if (err != PITH_OK) {
		pith_slot_free(*reply);
		*reply = 0;
		return err;
	}
	rq->deferred = true;
	return PITH_OK;
}

static enum pith_dispatch dispatch(struct pith_server *s,
				   struct pith_request *rq)
{
	enum pith_dispatch d;

	for (unsigned i = 0; i < s->nservices; i++) {
		d = s->services[i].dispatch(s->services[i].impl, rq);
		if (d != PITH_DISPATCH_NOT_MINE)
			return d;
	}
	if (s->other) {
		d = s->other(s, rq);
		if (d != PITH_DISPATCH_NOT_MINE)
			return d;
	}
	return pith_request_fail(rq, PITH_E_ILLEGAL_OPERATION);
}

void pith_server_step(struct pith_server *s, struct pith_request *rq,
		      bool *reply)
{
	struct pith_msg regs = {0};
	enum pith_error err;

	ready_window(s);
	if (*reply) {
		pith_idl_load(&regs, &rq->msg);
		err = pith_reply_recv(s->ep, &regs);
	} else {
		err = pith_recv(s->ep, &regs);
	}
	*reply = false;
	if (err != PITH_OK)
		return; /* an IPC cut short: nothing arrived */
	if (regs.info & PITH_MSGINFO_SIGNAL) {
		if (s->signal)
			s->signal(s, regs.badge);
		return;
	}
	*rq = (struct pith_request){
		.server = s, .ctx = s->ctx, .badge = regs.badge};
	pith_idl_store(&rq->msg, &regs);
	take_window(s, rq, s->window ? PITH_MSGINFO_CAPS(regs.info) : 0);
	*reply = dispatch(s, rq) == PITH_DISPATCH_REPLY;
}

void pith_server_run(struct pith_server *s)
{
	struct pith_request rq;
	bool reply = false;

	for (;;)
		pith_server_step(s, &rq, &reply);
}
