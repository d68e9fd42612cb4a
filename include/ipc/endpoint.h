/*
 * Endpoints: synchronous rendezvous between threads (see include/ipc/ipc.h
 * for the operations). An endpoint is idle, or has senders queued, or
 * receivers queued: never both.
 */
#ifndef IPC_ENDPOINT_H
#define IPC_ENDPOINT_H

#include "ipc/queue.h"

enum endpoint_state {
	EP_IDLE = 0,
	EP_SEND, /* senders (and callers) wait */
	EP_RECV, /* receivers wait */
};

struct endpoint {
	uint64_t state; /* enum endpoint_state */
	struct ipc_queue queue;
	uint64_t reserved;
};

_Static_assert(sizeof(struct endpoint) <= 32, "endpoint object size");

/* The last capability is gone: every waiting thread's IPC ends with
 * PITH_E_ABORTED. */
void endpoint_destroy(struct endpoint *ep);

/* Take the first waiting thread (or NULL) out of the endpoint's queue. */
static __always_inline struct tcb *endpoint_pop(struct endpoint *ep)
{
	struct tcb *t = ipcq_pop(&ep->queue);

	if (!ep->queue.head)
		ep->state = EP_IDLE;
	return t;
}

/* Take a waiting thread out of the endpoint's queue. */
static __always_inline void endpoint_dequeue(struct endpoint *ep, struct tcb *t)
{
	ipcq_remove(&ep->queue, t);
	if (!ep->queue.head)
		ep->state = EP_IDLE;
}

#endif
