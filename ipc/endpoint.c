/*
 * Endpoints (see include/ipc/endpoint.h).
 */
#include "ipc/endpoint.h"

#include "kernel/panic.h"

void endpoint_destroy(struct endpoint *ep)
{
	/* No operation queues a thread on an endpoint yet: message passing
	 * comes with the IPC layer, and with it the waking of queued
	 * threads here. */
	KASSERT(!ep->queue_head);
	ep->state = 0;
}
