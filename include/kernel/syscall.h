/*
 * The system call layer: decode the number, check every argument, invoke.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include "kernel/thread.h"

/* Handle the syscall whose registers are in t->ctx; never returns. */
_Noreturn void syscall_dispatch(struct thread *t);

#endif
