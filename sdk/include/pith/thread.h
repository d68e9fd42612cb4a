/*
 * Threads in the program's own address space and CSpace.
 *
 * Each thread has a TCB from the object allocator, its own IPC buffer (a
 * page of the SDK's region, pith/vm.h) and a stack there with an unmapped
 * guard page below it. It runs one function with one argument word, and
 * suspends itself when the function returns; it can then be started again
 * or destroyed.
 *
 * A new thread runs at the priority it was given, which may not exceed the
 * program's own maximum controlled priority (its TCB, PITH_SLOT_TCB, is
 * the authority). The kernel schedules by priority: a thread below the
 * caller's priority runs when the caller blocks (or, after the kernel's
 * starvation bound, for one timeslice), one at the same priority when it
 * blocks or yields (docs/scheduling.md).
 */
#ifndef PITH_THREAD_H
#define PITH_THREAD_H

#include <stdint.h>

#include "pith/invoke.h"

#define PITH_THREAD_STACK_PAGES 4 /* 16 KiB, unless the creator says */

enum pith_thread_state {
	PITH_THREAD_IDLE,    /* not started, or its function has not begun */
	PITH_THREAD_RUNNING, /* in its function */
	PITH_THREAD_DONE,    /* its function returned: it suspends itself */
};

struct pith_thread {
	pith_cptr_t tcb;    /* its TCB: a slot of the allocator */
	uint64_t ipc_va;    /* its IPC buffer, a page of its own */
	uint64_t stack_top; /* just above its stack */
	uint64_t stack_pages;
	void (*fn)(uint64_t arg);
	uint64_t arg;
	volatile uint64_t state; /* enum pith_thread_state, set by the thread */
};

/* A new thread at `priority` with `stack_pages` pages of stack (0:
 * PITH_THREAD_STACK_PAGES), configured with this program's CSpace and
 * VSpace and its own IPC buffer, without a fault endpoint (a fault stops
 * it, and the kernel reports it); not started. On an error nothing stays
 * allocated: PITH_E_RANGE for a priority above the program's MCP, or the
 * allocators' errors. */
enum pith_error pith_thread_create(struct pith_thread *t, unsigned priority,
				   unsigned stack_pages);

/* Run fn(arg) on the thread, from the top of its stack: it must not be
 * running (new, or done). The thread suspends itself when fn returns. */
enum pith_error pith_thread_start(struct pith_thread *t,
				  void (*fn)(uint64_t arg), uint64_t arg);

/* Name the thread `tcb` in the kernel's messages: the first 15 bytes of
 * `name` (printable ASCII; PITH_E_INVALID_ARGUMENT for anything else or
 * an empty name). */
enum pith_error pith_thread_set_name(pith_cptr_t tcb, const char *name);

/* Stop the thread wherever it is and free its TCB, IPC buffer and stack.
 * Safe on a thread whose creation failed, or whose TCB was deleted. */
void pith_thread_destroy(struct pith_thread *t);

/* Where every started thread begins (%rdi: its struct pith_thread) and
 * where it stays, suspended, once fn returns: for debuggers and tests
 * that check where a thread stopped. Not to be called. */
_Noreturn void pith_thread_entry(struct pith_thread *self);

#endif
