/*
 * The system call layer: decode the number, then invoke.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include "caps/tcb.h"

/* Handle the system call whose registers are in t->ctx; never returns. */
_Noreturn void syscall_dispatch(struct tcb *t);

#endif
