/*
 * FIFO queues of threads waiting on an endpoint or a notification, linked
 * through the threads themselves (tcb->ipc_next, ipc_prev).
 */
#ifndef IPC_QUEUE_H
#define IPC_QUEUE_H

#include "caps/tcb.h"

struct ipc_queue {
	struct tcb *head, *tail;
};

static __always_inline void ipcq_append(struct ipc_queue *q, struct tcb *t)
{
	t->ipc_next = NULL;
	t->ipc_prev = q->tail;
	if (q->tail)
		q->tail->ipc_next = t;
	else
		q->head = t;
	q->tail = t;
}

static __always_inline void ipcq_remove(struct ipc_queue *q, struct tcb *t)
{
	if (t->ipc_prev)
		t->ipc_prev->ipc_next = t->ipc_next;
	else
		q->head = t->ipc_next;
	if (t->ipc_next)
		t->ipc_next->ipc_prev = t->ipc_prev;
	else
		q->tail = t->ipc_prev;
	t->ipc_next = t->ipc_prev = NULL;
}

static __always_inline struct tcb *ipcq_pop(struct ipc_queue *q)
{
	struct tcb *t = q->head;

	if (t) {
		q->head = t->ipc_next;
		if (q->head)
			q->head->ipc_prev = NULL;
		else
			q->tail = NULL;
		t->ipc_next = NULL;
	}
	return t;
}

#endif
