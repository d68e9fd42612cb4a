/*
 * Moving messages between threads (ipc/transfer.c).
 */
#ifndef IPC_TRANSFER_H
#define IPC_TRANSFER_H

#include "kernel/compiler.h"

struct tcb;

/*
 * Copy the message `s` is sending (its registers and IPC buffer, or its
 * pending fault) into `r`'s registers and IPC buffer, with `badge`, and
 * `s`'s capabilities if `grant`. Sets r's result: PITH_OK, the badge, the
 * message info (capabilities that could not be delivered are flagged).
 */
void ipc_transfer(struct tcb *s, struct tcb *r, uint64_t badge, bool grant);

/* A reply to a fault: the words of s's message become r's registers, in
 * the order of TCB.ReadRegisters. */
void ipc_transfer_registers(struct tcb *s, struct tcb *r);

#endif
