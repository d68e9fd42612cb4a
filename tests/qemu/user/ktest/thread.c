/*
 * Threads in ktest's own address space and CSpace: each has its own IPC
 * buffer and stack in the test region, runs one function, and suspends
 * itself through its own TCB capability when the function returns.
 *
 * The root task runs at the highest priority; a thread at the same
 * priority runs when the root task yields, until it suspends itself or its
 * timeslice ends. A thread that faults is stopped by the kernel, so
 * thread_run() gives up after a bounded number of yields.
 */
#include "ktest.h"

#define RFLAGS_IF 0x202ULL /* IF and the reserved bit 1 */

volatile uint64_t probe_value;

void probe_read(uint64_t va)
{
	probe_value = *(volatile uint64_t *)(uintptr_t)va;
}

void probe_write(uint64_t va)
{
	*(volatile uint64_t *)(uintptr_t)va = probe_value;
}

/* Where every thread starts: %rdi is its struct thread. */
static _Noreturn void thread_entry(struct thread *self)
{
	self->state = THREAD_RUNNING;
	self->fn(self->arg);
	self->state = THREAD_DONE;
	for (;;)
		pith_tcb_suspend(self->tcb);
}

uint64_t thread_entry_address(void)
{
	return (uint64_t)(uintptr_t)thread_entry;
}

bool thread_create(struct thread *t, unsigned priority)
{
	uint64_t va = 0;

	*t = (struct thread){0};
	t->tcb = obj_new(PITH_OBJ_TCB, 0);
	t->ipc_frame = frame_new_mapped(&t->ipc_va, RIGHTS_RW);
	if (!t->tcb || !t->ipc_frame || !va_page()) /* a guard page */
		return false;
	for (unsigned i = 0; i < THREAD_STACK_PAGES; i++) {
		t->stack_frame[i] = frame_new_mapped(&va, RIGHTS_RW);
		if (!t->stack_frame[i])
			return false;
	}
	t->stack_top = va + PAGE_SIZE;
	return pith_tcb_configure(t->tcb, PITH_SLOT_CNODE, PITH_SLOT_VSPACE,
				  t->ipc_frame, 0, 0, t->ipc_va) == PITH_OK &&
	       pith_tcb_set_priority(t->tcb, PITH_SLOT_TCB, priority) ==
		       PITH_OK;
}

enum pith_error thread_start(struct thread *t, void (*fn)(uint64_t arg),
			     uint64_t arg)
{
	uint64_t regs[REG_COUNT] = {0};

	t->fn = fn;
	t->arg = arg;
	t->state = THREAD_IDLE;
	regs[REG_RIP] = (uint64_t)(uintptr_t)thread_entry;
	regs[REG_RSP] = t->stack_top - 8; /* as if called */
	regs[REG_RFLAGS] = RFLAGS_IF;
	regs[REG_RDI] = (uint64_t)(uintptr_t)t;
	return pith_tcb_write_registers(t->tcb, 1, REG_COUNT, regs);
}

bool thread_run(struct thread *t, void (*fn)(uint64_t arg), uint64_t arg)
{
	if (thread_start(t, fn, arg) != PITH_OK)
		return false;
	for (unsigned i = 0; i < YIELD_BOUND && t->state != THREAD_DONE; i++)
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
	slot_free(t->tcb);
	slot_free(t->ipc_frame);
	for (unsigned i = 0; i < THREAD_STACK_PAGES; i++)
		slot_free(t->stack_frame[i]);
	*t = (struct thread){0};
}
