/*
 * child: a program that ktest spawns from the initrd into an address
 * space of its own (tests/qemu/user/ktest/sdk.c), to check the SDK from
 * the other side: the startinfo page, the fixed slots, the untyped memory
 * and capabilities its parent gave it, the SDK's allocators and threads
 * running on them, and pith_exit() reporting to the parent.
 */
#include "child.h"
#include "lib/string.h"
#include "pith/pith.h"

#define PATTERN 0xc41dc41dc41dc41dULL

int main(void);

static volatile uint64_t thread_ran;

static void thread_body(uint64_t arg)
{
	thread_ran = arg;
}

/* Debug.Identify of one of its own slots. */
static uint64_t cap_type(pith_cptr_t slot)
{
	uint64_t type = PITH_CAP_NULL, rights, badge;

	pith_debug_identify(PITH_SLOT_DEBUG, slot, &type, &rights, &badge);
	return type;
}

static bool fixed_slots_hold(void)
{
	const struct {
		pith_cptr_t slot;
		uint64_t type;
	} want[] = {
		{PITH_SLOT_TCB, PITH_CAP_TCB},
		{PITH_SLOT_CNODE, PITH_CAP_CNODE},
		{PITH_SLOT_VSPACE, PITH_CAP_VSPACE},
		{PITH_SLOT_BOOTINFO_FRAME, PITH_CAP_FRAME},
		{PITH_SLOT_IPC_BUFFER_FRAME, PITH_CAP_FRAME},
		{PITH_SLOT_EXIT_EP, PITH_CAP_ENDPOINT},
		{PITH_SLOT_ASID_POOL, PITH_CAP_NULL},
	};

	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (cap_type(want[i].slot) != want[i].type)
			return false;
	}
	return true;
}

/* Two pages of new memory that hold what is written to them. */
static bool memory_works(void)
{
	uint64_t va;
	volatile uint64_t *w;
	bool ok;

	if (pith_vm_map_new(2, PITH_RIGHT_READ | PITH_RIGHT_WRITE, &va) !=
	    PITH_OK)
		return false;
	w = (volatile uint64_t *)(uintptr_t)va;
	w[0] = PATTERN;
	w[PITH_PAGE_SIZE / sizeof(*w) + 1] = ~PATTERN;
	ok = w[0] == PATTERN && w[PITH_PAGE_SIZE / sizeof(*w) + 1] == ~PATTERN;
	return pith_vm_unmap(va) == PITH_OK && ok;
}

/* A thread at `priority` (the child's own: its MCP), which runs when
 * main yields. */
static bool thread_works(unsigned priority)
{
	struct pith_thread t;
	bool ok;

	thread_ran = 0;
	if (pith_thread_create(&t, priority, 0) != PITH_OK)
		return false;
	ok = pith_thread_start(&t, thread_body, 7) == PITH_OK;
	for (unsigned i = 0; ok && i < 1000 && t.state != PITH_THREAD_DONE; i++)
		pith_yield();
	ok = ok && t.state == PITH_THREAD_DONE && thread_ran == 7;
	pith_thread_destroy(&t);
	return ok;
}

static int sdk_checks(const struct pith_startinfo *si)
{
	uint64_t before = pith_slots_available();
	pith_cptr_t ep;

	if (before == 0)
		return CHILD_STEP_SLOTS;
	if (pith_alloc_object(PITH_OBJ_ENDPOINT, 0, &ep) != PITH_OK)
		return CHILD_STEP_OBJECT;
	pith_slot_free(ep);
	if (!memory_works())
		return CHILD_STEP_MEMORY;
	if (!thread_works((unsigned)si->args[1]))
		return CHILD_STEP_THREAD;
	/* The paging structures made on the way stay: one slot for the
	 * region's PDPT, one page directory, one page table. */
	if (pith_slots_available() + 3 != before)
		return CHILD_STEP_LEAK;
	if (!fixed_slots_hold())
		return CHILD_STEP_CAPS;
	if (si->caps.end != si->caps.start + 1 ||
	    pith_signal(si->caps.start) != PITH_OK)
		return CHILD_STEP_SIGNAL;
	return CHILD_OK;
}

int main(void)
{
	const struct pith_startinfo *si = pith_startinfo;

	if (!si || strcmp(si->name, CHILD_NAME) != 0 ||
	    si->ipc_buffer != (uint64_t)(uintptr_t)pith_ipc_buffer())
		return CHILD_BAD_STARTINFO;
	switch (si->args[0]) {
	case CHILD_HELLO:
		pith_printf("child: hello from an address space of its own, "
			    "args %llu %llu %llu\n",
			    (unsigned long long)si->args[1],
			    (unsigned long long)si->args[2],
			    (unsigned long long)si->args[3]);
		return (int)(si->args[1] + si->args[2] + si->args[3]);
	case CHILD_SDK:
		return sdk_checks(si);
	case CHILD_FAULT:
		return (int)*(
			volatile uint64_t *)(uintptr_t)CHILD_FAULT_ADDRESS;
	default:
		return CHILD_BAD_MODE;
	}
}
