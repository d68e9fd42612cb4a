/*
 * The scheduler: which thread runs next. The kernel is not preemptible:
 * it runs with interrupts off, except in the idle loop.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include "kernel/thread.h"

/* The thread whose context receives the next user entry (NULL: idle). */
extern struct thread *sched_current;

void sched_add(struct thread *t);
/* Run the next runnable thread, or idle until there is one. */
_Noreturn void sched_schedule(void);

#endif
