/*
 * Threads in ktest's own address space and CSpace: SDK threads
 * (pith/thread.h), each with its own IPC buffer and guarded stack, that
 * run one function and suspend themselves when it returns. ktest's
 * struct thread keeps the fields the suites read, and its own state word,
 * which a small trampoline around the function sets.
 *
 * The root task runs at the highest priority; a thread at the same
 * priority runs when the root task yields, until it suspends itself or its
 * timeslice ends. A thread that faults is stopped by the kernel, so
 * thread_run() gives up after a bounded number of yields.
 */
#include "ktest.h"

volatile uint64_t probe_value;

void probe_read(uint64_t va)
{
	probe_value = *(volatile uint64_t *)(uintptr_t)va;
}

void probe_write(uint64_t va)
{
	*(volatile uint64_t *)(uintptr_t)va = probe_value;
}

/* Runs on the thread: ktest's state around the function. */
static void trampoline(uint64_t arg)
{
	struct thread *self = (struct thread *)(uintptr_t)arg;

	self->state = THREAD_RUNNING;
	self->fn(self->arg);
	self->state = THREAD_DONE;
}

uint64_t thread_entry_address(void)
{
	return (uint64_t)(uintptr_t)pith_thread_entry;
}

bool thread_create(struct thread *t, unsigned priority)
{
	*t = (struct thread){0};
	if (pith_thread_create(&t->sdk, priority, THREAD_STACK_PAGES) !=
	    PITH_OK)
		return false;
	t->tcb = t->sdk.tcb;
	t->ipc_va = t->sdk.ipc_va;
	t->ipc_frame = pith_vm_frame(t->ipc_va);
	t->stack_top = t->sdk.stack_top;
	return true;
}

enum pith_error thread_start(struct thread *t, void (*fn)(uint64_t arg),
			     uint64_t arg)
{
	t->fn = fn;
	t->arg = arg;
	t->state = THREAD_IDLE;
	return pith_thread_start(&t->sdk, trampoline, (uint64_t)(uintptr_t)t);
}

bool thread_run(struct thread *t, void (*fn)(uint64_t arg), uint64_t arg)
{
	if (thread_start(t, fn, arg) != PITH_OK)
		return false;
	/* Done once the SDK's entry has it too: then it stops there. */
	for (unsigned i = 0;
	     i < YIELD_BOUND &&
	     (t->state != THREAD_DONE || t->sdk.state != PITH_THREAD_DONE);
	     i++)
		pith_yield();
	return t->state == THREAD_DONE;
}

void yield_until(volatile uint64_t *flag, unsigned n)
{
	for (unsigned i = 0; i < n && !*flag; i++)
		pith_yield();
}

void thread_destroy(struct thread *t)
{
	pith_thread_destroy(&t->sdk);
	*t = (struct thread){0};
}
