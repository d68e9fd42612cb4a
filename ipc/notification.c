/*
 * Notifications (see include/ipc/notification.h).
 */
#include "ipc/notification.h"

#include "caps/irq.h"
#include "kernel/invocation.h"
#include "kernel/panic.h"

void notification_signal(struct notification *n, uint64_t badge)
{
	n->word |= badge ? badge : 1;
}

uint64_t notification_poll(struct notification *n)
{
	uint64_t w = n->word;

	n->word = 0;
	return w;
}

void notification_destroy(struct notification *n)
{
	irq_notification_gone(n);
	/* Waiting threads arrive with blocking waits (IPC layer). */
	KASSERT(!n->queue_head);
	n->word = 0;
}

enum pith_error decode_notification_signal(struct invocation *inv)
{
	notification_signal(inv->slot->cap.notification.ntfn,
			    inv->slot->cap.notification.badge);
	return PITH_OK;
}

enum pith_error decode_notification_poll(struct invocation *inv)
{
	inv_return(inv, 0, notification_poll(inv->slot->cap.notification.ntfn));
	return PITH_OK;
}
