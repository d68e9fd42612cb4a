/*
 * Notifications: a word of signal bits. Signalling ORs a badge into the
 * word; polling reads and clears it. Interrupts signal the notification
 * bound to their handler.
 */
#ifndef IPC_NOTIFICATION_H
#define IPC_NOTIFICATION_H

#include "kernel/compiler.h"

struct tcb;

struct notification {
	uint64_t word;		/* signalled bits not yet taken */
	struct tcb *queue_head; /* threads waiting (blocking wait: later) */
	struct tcb *queue_tail;
	struct tcb *bound_tcb; /* thread bound to it (later) */
	uint64_t reserved[4];
};

_Static_assert(sizeof(struct notification) <= 64, "notification size");

void notification_signal(struct notification *n, uint64_t badge);
uint64_t notification_poll(struct notification *n);

/* The last capability is gone: unbind interrupts, wake waiters. */
void notification_destroy(struct notification *n);

#endif
