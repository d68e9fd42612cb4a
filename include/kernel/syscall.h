/*
 * The system call layer: decode the number, then invoke.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include "caps/tcb.h"

/* Run the system call whose registers are in t->ctx (the results go
 * there too, or t blocks). */
void syscall_handle(struct tcb *t);

/* The system call entry (from the architecture's syscall entry, with the
 * running thread): the IPC fastpath if it applies (ipc/fastpath.c), else
 * syscall_handle(); then on to user mode in whatever runs next. */
_Noreturn void syscall_dispatch(struct tcb *t);

#endif
