/*
 * Threads in the program's own address space (pith/thread.h).
 */
#include "pith/thread.h"

#include "pith/alloc.h"
#include "pith/ipc.h"
#include "pith/pith.h"
#include "pith/vm.h"

#define RFLAGS_START 0x202ULL /* IF, and bit 1, which is always set */

void pith_thread_entry(struct pith_thread *self)
{
	self->state = PITH_THREAD_RUNNING;
	self->fn(self->arg);
	self->state = PITH_THREAD_DONE;
	for (;;)
		pith_tcb_suspend(self->tcb);
}

/* The TCB with its IPC buffer, this program's CSpace and VSpace, and its
 * priority. */
static enum pith_error configure(struct pith_thread *t, unsigned priority)
{
	enum pith_error err =
		pith_tcb_configure(t->tcb, PITH_SLOT_CNODE, PITH_SLOT_VSPACE,
				   pith_vm_frame(t->ipc_va), 0, 0, t->ipc_va);

	if (err == PITH_OK)
		err = pith_tcb_set_priority(t->tcb, PITH_SLOT_TCB, priority);
	return err;
}

enum pith_error pith_thread_create(struct pith_thread *t, unsigned priority,
				   unsigned stack_pages)
{
	enum pith_error err;

	*t = (struct pith_thread){
		.stack_pages =
			stack_pages ? stack_pages : PITH_THREAD_STACK_PAGES,
	};
	err = pith_alloc_object(PITH_OBJ_TCB, 0, &t->tcb);
	if (err == PITH_OK)
		err = pith_vm_map_new(1, PITH_RIGHT_READ | PITH_RIGHT_WRITE,
				      &t->ipc_va);
	if (err == PITH_OK)
		err = pith_vm_map_stack(t->stack_pages, &t->stack_top);
	if (err == PITH_OK)
		err = configure(t, priority);
	if (err != PITH_OK)
		pith_thread_destroy(t);
	return err;
}

enum pith_error pith_thread_start(struct pith_thread *t,
				  void (*fn)(uint64_t arg), uint64_t arg)
{
	uint64_t regs[PITH_REG_COUNT] = {0};

	t->fn = fn;
	t->arg = arg;
	t->state = PITH_THREAD_IDLE;
	regs[PITH_REG_RIP] = (uint64_t)(uintptr_t)pith_thread_entry;
	/* As if called: the return address's slot below an aligned top. */
	regs[PITH_REG_RSP] = t->stack_top - 8;
	regs[PITH_REG_RFLAGS] = RFLAGS_START;
	regs[PITH_REG_RDI] = (uint64_t)(uintptr_t)t;
	return pith_tcb_write_registers(t->tcb, 1, PITH_REG_COUNT, regs);
}

enum pith_error pith_thread_set_name(pith_cptr_t tcb, const char *name)
{
	uint64_t words[2] = {0, 0};

	for (unsigned i = 0; i < 15 && name[i]; i++)
		words[i / 8] |= (uint64_t)(uint8_t)name[i] << (8 * (i % 8));
	return pith_tcb_set_name(tcb, words[0], words[1]);
}

void pith_thread_destroy(struct pith_thread *t)
{
	/* The thread goes first: it must not run on a stack that is gone.
	 * Revoking takes any copy of its TCB capability with it. */
	if (t->tcb) {
		pith_tcb_suspend(t->tcb);
		pith_cnode_revoke(PITH_SLOT_CNODE, t->tcb, PITH_SLOT_DEPTH);
		pith_slot_free(t->tcb);
	}
	if (t->ipc_va)
		pith_vm_unmap(t->ipc_va);
	if (t->stack_top)
		pith_vm_unmap(t->stack_top - PITH_PAGE_SIZE);
	*t = (struct pith_thread){0};
}
