/*
 * Message passing: the system calls on endpoints, notifications and reply
 * capabilities (see docs/ipc.md).
 *
 * Each function runs one system call for the current thread `t`, whose
 * registers hold the message, and leaves the results in its registers (or
 * blocks it). The caller then picks what runs next.
 */
#ifndef IPC_IPC_H
#define IPC_IPC_H

#include "caps/cap.h"

struct tcb;

/* send, nb_send and call on the endpoint capability in `slot`. */
void ipc_send(struct tcb *t, const struct cap *ep, bool blocking, bool call);
/* recv and nb_recv on the endpoint capability. */
void ipc_recv(struct tcb *t, const struct cap *ep, bool blocking);
/* reply: through the thread's caller slot. False if there is no caller. */
bool ipc_reply(struct tcb *t);
/* send on a reply capability in `slot` (one saved with save_caller). */
void ipc_reply_with(struct tcb *t, struct cte *slot);

/* A thread stops waiting: out of its queue, the IPC it was in ends with
 * `err` (PITH_E_ABORTED for a suspend). */
void ipc_cancel(struct tcb *t, uint64_t err);

/* Send t's pending fault (t->fault_kind, t->fault_words) to its fault
 * endpoint, as a call. False if it has none that can be used. */
bool ipc_send_fault(struct tcb *t);

/* The one-shot reply capability to `caller` in `slot` is going away
 * unused: the caller's call ends with PITH_E_ABORTED. */
void ipc_reply_cap_gone(const struct cap *reply);

/* Notifications as system calls. */
void ipc_signal(const struct cap *ntfn);
void ipc_wait(struct tcb *t, const struct cap *ntfn, bool blocking);

/* Deliver a bound notification's signal to `t`, which waits in recv. */
void ipc_deliver_signal(struct tcb *t, uint64_t word);

#endif
