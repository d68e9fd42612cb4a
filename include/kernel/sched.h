/*
 * The scheduler: 256 priorities, round-robin within a priority, and an
 * O(1) choice of the next thread through a two-level bitmap of non-empty
 * ready queues. A starvation bound keeps low priorities alive: a ready
 * thread that has not run for starvation_ms runs for one timeslice
 * (docs/scheduling.md). The kernel is not preemptible: it runs with interrupts
 * off, except in the idle loop, and chooses what runs next on every exit to
 * user mode.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include "caps/tcb.h"

#define SCHED_PRIORITIES	    256
#define SCHED_PRIORITY_MAX	    255
#define SCHED_TIMESLICE_DEFAULT_MS  20
/* A ready thread that has not run for this long runs for one timeslice,
 * whatever its priority (command line starvation_ms=, 0: never). */
#define SCHED_STARVATION_DEFAULT_MS 1000

/* The running thread, whose context receives the next user entry (NULL:
 * idle). It is in no ready queue. */
extern struct tcb *sched_current;
/* A starved thread that runs, or is about to, for one timeslice. */
extern struct tcb *sched_boosted;

/* Timeslice and starvation bound (0: strict priorities), in ticks. */
void sched_init(unsigned timeslice_ticks, unsigned starvation_ticks);

/* A thread became runnable: queue it at the tail of its priority, or
 * (`first`: an IPC partner woken for a direct switch) at the head, to run
 * at the next exit to user mode if its priority is at least the running
 * thread's and no higher one waits. */
void sched_add(struct tcb *t, bool first);
/* A thread stops being runnable (or running). */
void sched_remove(struct tcb *t);
void sched_set_priority(struct tcb *t, unsigned priority);
/* The running thread gives the rest of its timeslice to its peers. */
void sched_yield_timeslice(struct tcb *t);
/* The same as a whole system call: the result set, and on to the thread
 * that runs next (syscall_dispatch's quick way for yield). */
_Noreturn void sched_yield_syscall(struct tcb *t);
/* A timer tick: the running thread's timeslice shrinks. */
void sched_tick(void);
#if PITH_HOST
/* For checkers (the host fuzzer; not in the kernel): the first thread of
 * the ready queue of `prio` (NULL: none), and whether the bitmaps say it
 * has one. */
struct tcb *sched_ready_head(unsigned prio, bool *marked);
#endif

/* Return to user mode in the best runnable thread, or idle until there is
 * one. */
_Noreturn void sched_exit_to_user(void);

#endif
