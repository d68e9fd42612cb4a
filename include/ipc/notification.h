/*
 * Notifications: a word of signal bits. Signalling ORs a badge into the
 * word, or wakes a waiting thread (or the bound thread waiting in recv)
 * with it; waiting takes the word, blocking until it is non-zero; polling
 * takes it without waiting. Interrupts signal the notification bound to
 * their handler.
 */
#ifndef IPC_NOTIFICATION_H
#define IPC_NOTIFICATION_H

#include "ipc/queue.h"

struct notification {
	uint64_t word;		/* signalled bits not yet taken */
	struct ipc_queue queue; /* threads waiting */
	struct tcb *bound;	/* the thread bound to it, or NULL */
	uint64_t reserved[4];
};

_Static_assert(sizeof(struct notification) <= 64, "notification size");

void notification_signal(struct notification *n, uint64_t badge);
uint64_t notification_poll(struct notification *n);

/* The last capability is gone: unbind, wake waiters with
 * PITH_E_ABORTED, stop interrupts signalling it. */
void notification_destroy(struct notification *n);

/* Take a waiting thread out of the notification's queue. */
void notification_dequeue(struct notification *n, struct tcb *t);

#endif
