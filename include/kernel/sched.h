/*
 * The scheduler: 256 priorities, round-robin within a priority, and an
 * O(1) choice of the next thread through a two-level bitmap of non-empty
 * ready queues. The kernel is not preemptible: it runs with interrupts off,
 * except in the idle loop, and chooses what runs next on every exit to
 * user mode.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include "caps/tcb.h"

#define SCHED_PRIORITIES	   256
#define SCHED_PRIORITY_MAX	   255
#define SCHED_TIMESLICE_DEFAULT_MS 20

/* The thread whose context receives the next user entry (NULL: idle). */
extern struct tcb *sched_current;

void sched_init(unsigned timeslice_ticks);

/* Queue a runnable thread at the tail of its priority, or at the head
 * (`first`: an IPC partner woken for a direct switch). */
void sched_add(struct tcb *t, bool first);
/* Take a thread out of its ready queue, if it is in one. */
void sched_remove(struct tcb *t);
void sched_set_priority(struct tcb *t, unsigned priority);
/* The running thread gives the rest of its timeslice to its peers. */
void sched_yield_timeslice(struct tcb *t);
/* A timer tick: the running thread's timeslice shrinks. */
void sched_tick(void);

/* Return to user mode in the best runnable thread, or idle until there is
 * one. */
_Noreturn void sched_exit_to_user(void);

#endif
