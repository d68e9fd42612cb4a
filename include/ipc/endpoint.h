/*
 * Endpoints: synchronous rendezvous between threads. The objects exist
 * (retype, capabilities, destruction); message passing on them is the next
 * step.
 */
#ifndef IPC_ENDPOINT_H
#define IPC_ENDPOINT_H

#include "kernel/compiler.h"

struct tcb;

struct endpoint {
	uint64_t state;		/* idle; later: senders or receivers queued */
	struct tcb *queue_head; /* threads waiting on the endpoint */
	struct tcb *queue_tail;
	uint64_t reserved;
};

_Static_assert(sizeof(struct endpoint) <= 32, "endpoint object size");

/* The last capability is gone: wake every waiting thread with an error. */
void endpoint_destroy(struct endpoint *ep);

#endif
