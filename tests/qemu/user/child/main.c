/*
 * child: a program that ktest spawns from the initrd into an address
 * space of its own (tests/qemu/user/ktest/sdk.c), to check the SDK from
 * the other side: the startinfo page, the fixed slots, the untyped memory
 * and capabilities its parent gave it, the SDK's allocators and threads
 * running on them, and pith_exit() reporting to the parent; its
 * arguments, named capabilities and placement, and the relocations its
 * loader applied (it is a PIE), which it reports back.
 */
#include "child.h"
#include "lib/string.h"
#include "pith/pith.h"

#define PATTERN 0xc41dc41dc41dc41dULL

static volatile uint64_t thread_ran;

/* Pointers its loader relocates: read-only ones (.data.rel.ro, in the
 * read-only segment) and a writable one (.data). */
static const char alpha[] = "alpha", beta[] = "beta", gamma[] = "gamma";
static int twice(int x)
{
	return 2 * x;
}
static int thrice(int x)
{
	return 3 * x;
}
typedef int (*op_fn)(int);
static const char *const words[] = {alpha, beta};
static const op_fn ops[] = {twice, thrice};
static const char *greeting = gamma;

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

/* The relocated pointers, read through volatile pointers so that the
 * compiler cannot fold them into PC-relative addresses, against the
 * addresses the code computes (PC-relative: right at any base). */
static bool relocated(void)
{
	const char *const *volatile w = words;
	const op_fn *volatile o = ops;
	const char *const volatile *g = &greeting;

	return w[0] == alpha && w[1] == beta && strcmp(w[1], "beta") == 0 &&
	       o[0] == twice && o[1](o[0](7)) == 42 && *g == gamma &&
	       strcmp(*g, "gamma") == 0;
}

/* Send n words (up to PITH_MSG_MAX_WORDS) with `label` on ep: the first
 * ones in registers, the rest in the IPC buffer. */
static bool send_words(pith_cptr_t ep, uint64_t label, const uint64_t *w,
		       unsigned n)
{
	struct pith_msg m = pith_msg(label, n, 0);

	for (unsigned i = 0; i < n; i++) {
		if (i < PITH_MSG_REGISTER_WORDS)
			m.mr[i] = w[i];
		else
			pith_ipc_buffer()->mr[i] = w[i];
	}
	return pith_send(ep, &m) == PITH_OK;
}

/* argc and the strings; each must be the child's own to write. */
static int report_args(pith_cptr_t ep, int argc, char **argv)
{
	uint64_t w[PITH_MSG_MAX_WORDS] = {(uint64_t)argc};
	char *bytes = (char *)&w[1];
	size_t at = 0, room = sizeof(w) - sizeof(w[0]);

	if (argc < 1 || argv[argc] != NULL)
		return CHILD_STEP_ARGV;
	for (int i = 0; i < argc; i++) {
		size_t len = strlen(argv[i]) + 1;
		char first = argv[i][0];

		argv[i][0] = '#';
		if (argv[i][0] != '#')
			return CHILD_STEP_ARGV;
		argv[i][0] = first;
		if (at + len <= room)
			memcpy(bytes + at, argv[i], len);
		at += len;
	}
	return send_words(ep, CHILD_REPORT_ARGS, w, PITH_MSG_MAX_WORDS)
		       ? CHILD_OK
		       : CHILD_STEP_REPORT;
}

/* The named ranges, each looked up by name as well. */
static int report_caps(pith_cptr_t ep, const struct pith_startinfo *si)
{
	uint64_t w[PITH_MSG_MAX_WORDS] = {si->ncaps};
	unsigned n = 0;

	if (pith_cap(CHILD_NO_CAP) != 0 ||
	    pith_cap_range(CHILD_NO_CAP, &n) != 0 || n != 0)
		return CHILD_STEP_LOOKUP;
	for (unsigned i = 0; i < si->ncaps; i++) {
		const struct pith_startinfo_cap *c = &si->named[i];
		uint64_t *e = &w[1 + i * CHILD_CAP_WORDS];

		if (pith_cap_range(c->name, &n) != c->slot || n != c->count ||
		    pith_cap(c->name) != c->slot)
			return CHILD_STEP_LOOKUP;
		if (1 + (i + 1) * CHILD_CAP_WORDS > PITH_MSG_MAX_WORDS)
			continue;
		memcpy(e, c->name, sizeof(c->name));
		e[2] = c->slot | (uint64_t)c->count << 32;
		e[3] = cap_type(c->slot);
	}
	return send_words(ep, CHILD_REPORT_CAPS, w, PITH_MSG_MAX_WORDS)
		       ? CHILD_OK
		       : CHILD_STEP_REPORT;
}

static int report_place(pith_cptr_t ep, const struct pith_startinfo *si)
{
	volatile uint64_t local = 0;
	uint64_t w[CHILD_PLACE_WORDS] = {
		[CHILD_PLACE_MAIN] = (uint64_t)(uintptr_t)main,
		[CHILD_PLACE_LOCAL] = (uint64_t)(uintptr_t)&local,
		[CHILD_PLACE_STARTINFO] = (uint64_t)(uintptr_t)si,
		[CHILD_PLACE_IPC] = (uint64_t)(uintptr_t)pith_ipc_buffer(),
		[CHILD_PLACE_STACK_TOP] = si->stack_top,
		[CHILD_PLACE_STACK_SIZE] = si->stack_size,
		[CHILD_PLACE_BIAS] = si->load_bias,
		[CHILD_PLACE_RELRO] = (uint64_t)(uintptr_t)words,
		[CHILD_PLACE_FB_PADDR] = si->framebuffer.paddr,
		[CHILD_PLACE_FB_WIDTH] = si->framebuffer.width,
		[CHILD_PLACE_INITRD] = si->initrd_size,
		[CHILD_PLACE_TSC] = si->tsc_khz,
	};

	memcpy(&w[CHILD_PLACE_RANDOM], si->random, sizeof(si->random));
	return send_words(ep, CHILD_REPORT_PLACE, w, CHILD_PLACE_WORDS)
		       ? CHILD_OK
		       : CHILD_STEP_REPORT;
}

static int report(const struct pith_startinfo *si, int argc, char **argv)
{
	pith_cptr_t ep = pith_cap(CHILD_REPORT_CAP);
	int step = CHILD_OK;

	if (!relocated())
		return CHILD_STEP_RELOC;
	if (!ep)
		return CHILD_STEP_LOOKUP;
	step = report_args(ep, argc, argv);
	if (step == CHILD_OK)
		step = report_caps(ep, si);
	if (step == CHILD_OK)
		step = report_place(ep, si);
	return step;
}

/* Report where the read-only table is, then write to it. */
static int write_relro(const struct pith_startinfo *si)
{
	const char **volatile w = (const char **)(uintptr_t)words;
	pith_cptr_t ep = pith_cap(CHILD_REPORT_CAP);

	if (!ep || report_place(ep, si) != CHILD_OK)
		return CHILD_STEP_REPORT;
	w[0] = gamma;
	return CHILD_STEP_RELOC; /* it should have faulted */
}

int main(int argc, char **argv)
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
	case CHILD_REPORT:
		return report(si, argc, argv);
	case CHILD_WRITE_RELRO:
		return write_relro(si);
	default:
		return CHILD_BAD_MODE;
	}
}
