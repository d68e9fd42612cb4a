/*
 * The IPC fastpath (ipc/fastpath.c): call and reply-receive in the common
 * case. Each function either completes the system call and leaves the
 * kernel in the thread that runs next, or returns having changed nothing,
 * for the slow path to do the work.
 */
#ifndef IPC_FASTPATH_H
#define IPC_FASTPATH_H

#include "caps/tcb.h"

void fastpath_call(struct tcb *t);
void fastpath_reply_recv(struct tcb *t);

#endif
