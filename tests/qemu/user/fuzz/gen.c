/*
 * Expanding a call seed into a call (fuzz.h).
 *
 * The seed's low bytes choose the shape: byte 0 the kind of system call,
 * byte 1 the thread, byte 2 the invocation label, byte 3 whether the
 * capability has the right type, the wrong one, is an empty slot or a
 * random address. The high four bytes seed the random numbers of the
 * arguments. Choices lean to what can succeed (a live capability of the
 * right type, a free slot for a destination, an address where something
 * can map, a message that fits), since a call that fails at its first
 * check reaches little of the kernel; about one in ten arguments is
 * hostile (huge, kernel or non-canonical addresses, misaligned, depths
 * that end nowhere).
 *
 * Two rules keep the fuzzer's own set-up out of reach, whatever the seed
 * (fuzz_fix_slot, fuzz_fix_address): no slot number below the territory
 * is ever named but the fixed capabilities chosen on purpose, and those
 * only as the invoked capability or as an invocation's argument, never in
 * a message that could carry them away; and no address of the fuzzer's
 * own memory is ever given as a place to run, map or use as a buffer.
 */
#include "fuzz.h"

_Static_assert(PITH_INV_COUNT == 51, "a new label needs a generator here");

enum kind {
	KIND_INVOKE,
	KIND_SEND,
	KIND_NB_SEND,
	KIND_CALL,
	KIND_RECV,
	KIND_NB_RECV,
	KIND_REPLY,
	KIND_REPLY_RECV,
	KIND_YIELD,
	KIND_BAD_SYS,
	KIND_FAULT,
};

/* Byte 0 of a seed below each bound: that kind. */
static const struct {
	uint8_t below;
	uint8_t kind;
} kinds[] = {
	{128, KIND_INVOKE},  {146, KIND_SEND},	     {158, KIND_NB_SEND},
	{172, KIND_CALL},    {192, KIND_RECV},	     {204, KIND_NB_RECV},
	{214, KIND_REPLY},   {228, KIND_REPLY_RECV}, {234, KIND_YIELD},
	{242, KIND_BAD_SYS}, {255, KIND_FAULT},
};

/* How the invoked capability is chosen (byte 3). */
enum mode {
	MODE_RIGHT, /* a live capability of the type the label needs */
	MODE_WRONG, /* a live one of another type */
	MODE_EMPTY, /* an empty slot */
	MODE_WILD,  /* any address */
};

#define R_CNODE FUZZ_ROOT_CNODE
#define ANY	(-1)
#define RFLAGS	0x202ULL

/* Rights and arguments of each invocation, as sdk/abi/pith.toml has
 * them; the kernel's check of these comes before the method's own. */
const struct label_desc fuzz_labels[PITH_INV_COUNT] = {
	[PITH_INV_UNTYPED_RETYPE] = {"untyped.retype", PITH_CAP_UNTYPED, 6, 1,
				     0},
	[PITH_INV_UNTYPED_DESCRIBE] = {"untyped.describe", PITH_CAP_UNTYPED, 0,
				       0, 0},
	[PITH_INV_CNODE_COPY] = {"cnode.copy", PITH_CAP_CNODE, 5, 1, 0},
	[PITH_INV_CNODE_MINT] = {"cnode.mint", PITH_CAP_CNODE, 6, 1, 0},
	[PITH_INV_CNODE_MOVE] = {"cnode.move", PITH_CAP_CNODE, 4, 1, 0},
	[PITH_INV_CNODE_MUTATE] = {"cnode.mutate", PITH_CAP_CNODE, 5, 1, 0},
	[PITH_INV_CNODE_DELETE] = {"cnode.delete", PITH_CAP_CNODE, 2, 0, 0},
	[PITH_INV_CNODE_REVOKE] = {"cnode.revoke", PITH_CAP_CNODE, 2, 0, 0},
	[PITH_INV_CNODE_SAVE_CALLER] = {"cnode.save_caller", PITH_CAP_CNODE, 2,
					0, 0},
	[PITH_INV_CNODE_IDENTIFY] = {"cnode.identify", PITH_CAP_CNODE, 2, 0, 0},
	[PITH_INV_TCB_CONFIGURE] = {"tcb.configure", PITH_CAP_TCB, 3, 3, 0},
	[PITH_INV_TCB_READ_REGISTERS] = {"tcb.read_registers", PITH_CAP_TCB, 1,
					 0, 0},
	[PITH_INV_TCB_WRITE_REGISTERS] = {"tcb.write_registers", PITH_CAP_TCB,
					  2, 0, 0},
	[PITH_INV_TCB_SET_PRIORITY] = {"tcb.set_priority", PITH_CAP_TCB, 1, 1,
				       0},
	[PITH_INV_TCB_SET_MC_PRIORITY] = {"tcb.set_mc_priority", PITH_CAP_TCB,
					  1, 1, 0},
	[PITH_INV_TCB_RESUME] = {"tcb.resume", PITH_CAP_TCB, 0, 0, 0},
	[PITH_INV_TCB_SUSPEND] = {"tcb.suspend", PITH_CAP_TCB, 0, 0, 0},
	[PITH_INV_TCB_BIND_NOTIFICATION] = {"tcb.bind_notification",
					    PITH_CAP_TCB, 0, 1, 0},
	[PITH_INV_TCB_UNBIND_NOTIFICATION] = {"tcb.unbind_notification",
					      PITH_CAP_TCB, 0, 0, 0},
	[PITH_INV_TCB_SET_NAME] = {"tcb.set_name", PITH_CAP_TCB, 2, 0, 0},
	[PITH_INV_NOTIFICATION_SIGNAL] = {"notification.signal",
					  PITH_CAP_NOTIFICATION, 0, 0,
					  PITH_RIGHT_WRITE},
	[PITH_INV_NOTIFICATION_POLL] = {"notification.poll",
					PITH_CAP_NOTIFICATION, 0, 0,
					PITH_RIGHT_READ},
	[PITH_INV_FRAME_MAP] = {"frame.map", PITH_CAP_FRAME, 3, 1, 0},
	[PITH_INV_FRAME_REMAP] = {"frame.remap", PITH_CAP_FRAME, 2, 0, 0},
	[PITH_INV_FRAME_UNMAP] = {"frame.unmap", PITH_CAP_FRAME, 0, 0, 0},
	[PITH_INV_FRAME_GET_ADDRESS] = {"frame.get_address", PITH_CAP_FRAME, 0,
					0, 0},
	[PITH_INV_PAGE_TABLE_MAP] = {"page_table.map", PITH_CAP_PAGE_TABLE, 1,
				     1, 0},
	[PITH_INV_PAGE_TABLE_UNMAP] = {"page_table.unmap", PITH_CAP_PAGE_TABLE,
				       0, 0, 0},
	[PITH_INV_PAGE_DIRECTORY_MAP] = {"page_directory.map",
					 PITH_CAP_PAGE_DIRECTORY, 1, 1, 0},
	[PITH_INV_PAGE_DIRECTORY_UNMAP] = {"page_directory.unmap",
					   PITH_CAP_PAGE_DIRECTORY, 0, 0, 0},
	[PITH_INV_PDPT_MAP] = {"pdpt.map", PITH_CAP_PDPT, 1, 1, 0},
	[PITH_INV_PDPT_UNMAP] = {"pdpt.unmap", PITH_CAP_PDPT, 0, 0, 0},
	[PITH_INV_ASID_CONTROL_MAKE_POOL] = {"asid_control.make_pool",
					     PITH_CAP_ASID_CONTROL, 2, 2, 0},
	[PITH_INV_ASID_POOL_ASSIGN] = {"asid_pool.assign", PITH_CAP_ASID_POOL,
				       0, 1, 0},
	[PITH_INV_IRQ_CONTROL_GET_ISA] = {"irq_control.get_isa",
					  PITH_CAP_IRQ_CONTROL, 3, 1, 0},
	[PITH_INV_IRQ_CONTROL_GET_IOAPIC] = {"irq_control.get_ioapic",
					     PITH_CAP_IRQ_CONTROL, 5, 1, 0},
	[PITH_INV_IRQ_CONTROL_GET_MSI] = {"irq_control.get_msi",
					  PITH_CAP_IRQ_CONTROL, 2, 1, 0},
	[PITH_INV_IRQ_HANDLER_SET_NOTIFICATION] =
		{"irq_handler.set_notification", PITH_CAP_IRQ_HANDLER, 0, 1, 0},
	[PITH_INV_IRQ_HANDLER_ACK] = {"irq_handler.ack", PITH_CAP_IRQ_HANDLER,
				      0, 0, 0},
	[PITH_INV_IRQ_HANDLER_CLEAR] = {"irq_handler.clear",
					PITH_CAP_IRQ_HANDLER, 0, 0, 0},
	[PITH_INV_IOPORT_CONTROL_ISSUE] = {"ioport_control.issue",
					   PITH_CAP_IOPORT_CONTROL, 4, 1, 0},
	[PITH_INV_IOPORT_IN8] = {"ioport.in8", PITH_CAP_IOPORT, 1, 0, 0},
	[PITH_INV_IOPORT_IN16] = {"ioport.in16", PITH_CAP_IOPORT, 1, 0, 0},
	[PITH_INV_IOPORT_IN32] = {"ioport.in32", PITH_CAP_IOPORT, 1, 0, 0},
	[PITH_INV_IOPORT_OUT8] = {"ioport.out8", PITH_CAP_IOPORT, 2, 0, 0},
	[PITH_INV_IOPORT_OUT16] = {"ioport.out16", PITH_CAP_IOPORT, 2, 0, 0},
	[PITH_INV_IOPORT_OUT32] = {"ioport.out32", PITH_CAP_IOPORT, 2, 0, 0},
	[PITH_INV_DEBUG_WRITE] = {"debug.write", PITH_CAP_DEBUG, 2, 0, 0},
	[PITH_INV_DEBUG_IDENTIFY] = {"debug.identify", PITH_CAP_DEBUG, 1, 0, 0},
	[PITH_INV_DEBUG_SHUTDOWN] = {"debug.shutdown", PITH_CAP_DEBUG, 1, 0, 0},
};

/* How often each label is chosen (byte 2), index 0 standing for labels
 * that are none: making and arranging objects most, since everything
 * else needs them. */
static const uint8_t label_weight[PITH_INV_COUNT] = {
	[PITH_INV_NONE] = 2,
	[PITH_INV_UNTYPED_RETYPE] = 26,
	[PITH_INV_UNTYPED_DESCRIBE] = 2,
	[PITH_INV_CNODE_COPY] = 9,
	[PITH_INV_CNODE_MINT] = 9,
	[PITH_INV_CNODE_MOVE] = 5,
	[PITH_INV_CNODE_MUTATE] = 5,
	[PITH_INV_CNODE_DELETE] = 7,
	[PITH_INV_CNODE_REVOKE] = 5,
	[PITH_INV_CNODE_SAVE_CALLER] = 4,
	[PITH_INV_CNODE_IDENTIFY] = 2,
	[PITH_INV_TCB_CONFIGURE] = 8,
	[PITH_INV_TCB_READ_REGISTERS] = 2,
	[PITH_INV_TCB_WRITE_REGISTERS] = 6,
	[PITH_INV_TCB_SET_PRIORITY] = 4,
	[PITH_INV_TCB_SET_MC_PRIORITY] = 2,
	[PITH_INV_TCB_RESUME] = 5,
	[PITH_INV_TCB_SUSPEND] = 4,
	[PITH_INV_TCB_BIND_NOTIFICATION] = 5,
	[PITH_INV_TCB_UNBIND_NOTIFICATION] = 2,
	[PITH_INV_TCB_SET_NAME] = 2,
	[PITH_INV_NOTIFICATION_SIGNAL] = 4,
	[PITH_INV_NOTIFICATION_POLL] = 3,
	[PITH_INV_FRAME_MAP] = 12,
	[PITH_INV_FRAME_REMAP] = 3,
	[PITH_INV_FRAME_UNMAP] = 4,
	[PITH_INV_FRAME_GET_ADDRESS] = 2,
	[PITH_INV_PAGE_TABLE_MAP] = 6,
	[PITH_INV_PAGE_TABLE_UNMAP] = 3,
	[PITH_INV_PAGE_DIRECTORY_MAP] = 5,
	[PITH_INV_PAGE_DIRECTORY_UNMAP] = 2,
	[PITH_INV_PDPT_MAP] = 4,
	[PITH_INV_PDPT_UNMAP] = 2,
	[PITH_INV_ASID_CONTROL_MAKE_POOL] = 3,
	[PITH_INV_ASID_POOL_ASSIGN] = 5,
	[PITH_INV_IRQ_CONTROL_GET_ISA] = 2,
	[PITH_INV_IRQ_CONTROL_GET_IOAPIC] = 2,
	[PITH_INV_IRQ_CONTROL_GET_MSI] = 2,
	[PITH_INV_IRQ_HANDLER_SET_NOTIFICATION] = 3,
	[PITH_INV_IRQ_HANDLER_ACK] = 2,
	[PITH_INV_IRQ_HANDLER_CLEAR] = 2,
	[PITH_INV_IOPORT_CONTROL_ISSUE] = 2,
	[PITH_INV_IOPORT_IN8] = 1,
	[PITH_INV_IOPORT_IN16] = 1,
	[PITH_INV_IOPORT_IN32] = 1,
	[PITH_INV_IOPORT_OUT8] = 1,
	[PITH_INV_IOPORT_OUT16] = 1,
	[PITH_INV_IOPORT_OUT32] = 1,
	[PITH_INV_DEBUG_WRITE] = 2,
	[PITH_INV_DEBUG_IDENTIFY] = 2,
	[PITH_INV_DEBUG_SHUTDOWN] = 1,
};

/* Harmless text for Debug.Write. */
static const char noise[] = "................................";

/* Where the stub's entry points lie in its page (exec.c copies the
 * bytes from fuzz_stub_start into the second address space). */
extern const char fuzz_stub_start[], fuzz_stub_call[], fuzz_stub_spin[],
	fuzz_stub_ud2[], fuzz_stub_int3[], fuzz_stub_hlt[], fuzz_stub_load[],
	fuzz_stub_store[], fuzz_stub_divide[];

struct gen {
	uint64_t s; /* splitmix64 state: the arguments */
	const struct world *w;
	struct call *c;
	unsigned ntouch;
	bool want_mapped; /* the invoked frame or table should be mapped */
	bool copying;	  /* the source slot of a copy or mint */
};

/* ---- random numbers ---------------------------------------------------- */

static uint64_t next(struct gen *g)
{
	return splitmix64(&g->s);
}

static uint64_t below(struct gen *g, uint64_t n)
{
	return n ? next(g) % n : 0;
}

static bool chance(struct gen *g, unsigned percent)
{
	return below(g, 100) < percent;
}

/* ---- addresses and slot numbers kept safe ------------------------------ */

extern char _end[];

uint64_t fuzz_fix_slot(const struct world *w, uint64_t v)
{
	if (v < w->territory)
		return w->first + v % FUZZ_SLOTS;
	return v;
}

uint64_t fuzz_fix_address(uint64_t v)
{
	uint64_t image_end = ((uint64_t)(uintptr_t)_end + 0xfff) & ~0xfffULL;
	/* The root task's stack, IPC buffer and boot-info page. */
	uint64_t top_lo = PITH_PROCESS_STACK_TOP - 0x100000000ULL;
	uint64_t top_hi = PITH_PROCESS_STACK_TOP + 0x100000ULL;

	if ((v >= 0x400000 && v < image_end) ||
	    (v >= PITH_VM_BASE && v - PITH_VM_BASE < PITH_VM_SIZE) ||
	    (v >= top_lo && v < top_hi))
		return FUZZ_PLAY_BASE + (v & (FUZZ_PLAY_SPAN - 1));
	return v;
}

/* A fixed capability of the fuzzer, which only certain arguments may
 * name. */
static bool fixed_cap(uint64_t v)
{
	return v != 0 && v < PITH_SLOT_FIRST_DYNAMIC;
}

/* ---- values ------------------------------------------------------------ */

static uint64_t hostile(struct gen *g)
{
	static const uint64_t v[] = {
		0,
		1,
		~0ULL,
		1ULL << 63,
		0xffff800000000000ULL, /* the kernel half */
		0xffffffff80000000ULL, /* the kernel image */
		0x0000800000000000ULL, /* the first non-canonical address */
		0x00007ffffffff000ULL, /* the last user page: never mapped */
		0x7fffffffffffffffULL,
		0x100000000ULL,
		0xfff,
		65536,
		65537,
	};

	if (chance(g, 25))
		return next(g);
	return v[below(g, sizeof(v) / sizeof(v[0]))];
}

static uint64_t hostile_depth(struct gen *g)
{
	static const uint64_t v[] = {0, 1, 12, 63, 65, 128, ~0ULL};

	if (chance(g, 30))
		return below(g, 70);
	return v[below(g, sizeof(v) / sizeof(v[0]))];
}

/* An address where a page could be: in the play region, the second
 * address space, or anywhere. */
static uint64_t plausible_address(struct gen *g)
{
	switch (below(g, 4)) {
	case 0:
		return FUZZ_PLAY_BASE + below(g, FUZZ_PLAY_SPAN);
	case 1:
		return FUZZ_AS2_CODE + below(g, FUZZ_AS2_SPAN - FUZZ_AS2_CODE);
	case 2:
		return below(g, 1ULL << 47);
	default:
		return hostile(g);
	}
}

/* ---- the slots of the range -------------------------------------------- */

static bool matches(const struct slot_info *s, int type)
{
	if (type == ANY)
		return s->type != PITH_CAP_NULL;
	return s->type == (unsigned)type;
}

/* A slot of the range holding `type` (ANY: something; PITH_CAP_NULL:
 * nothing), chosen at random among them; 0 if there is none. */
static uint64_t pick(struct gen *g, int type)
{
	const struct world *w = g->w;
	unsigned n = 0, k;

	for (unsigned i = 0; i < FUZZ_SLOTS; i++)
		n += matches(&w->slot[i], type);
	if (n == 0)
		return 0;
	k = (unsigned)below(g, n);
	for (unsigned i = 0; i < FUZZ_SLOTS; i++)
		if (matches(&w->slot[i], type) && k-- == 0)
			return w->first + i;
	return 0;
}

/* A live slot whose type is not `type`. */
static uint64_t pick_other(struct gen *g, unsigned type)
{
	for (unsigned tries = 0; tries < 8; tries++) {
		uint64_t s = pick(g, ANY);

		if (s && g->w->slot[s - g->w->first].type != type)
			return s;
	}
	return pick(g, PITH_CAP_NULL);
}

/* A slot with a capability of a tag, or 0. */
static uint64_t pick_tag(struct gen *g, unsigned type, unsigned tag)
{
	const struct world *w = g->w;

	for (unsigned i = 0, start = (unsigned)below(g, FUZZ_SLOTS);
	     i < FUZZ_SLOTS; i++) {
		unsigned k = (start + i) % FUZZ_SLOTS;

		if (w->slot[k].type == type && w->slot[k].tag == tag)
			return w->first + k;
	}
	return 0;
}

/* A slot of `type` that is mapped (or has an ASID) or not, if there is
 * one; else any of the type. */
static uint64_t pick_mapped(struct gen *g, unsigned type, bool mapped)
{
	const struct world *w = g->w;

	for (unsigned i = 0, start = (unsigned)below(g, FUZZ_SLOTS);
	     i < FUZZ_SLOTS; i++) {
		unsigned k = (start + i) % FUZZ_SLOTS;

		if (w->slot[k].type == type && w->slot[k].mapped == mapped)
			return w->first + k;
	}
	return pick(g, (int)type);
}

/* A slot holding a capability that may be copied, if there is one:
 * untyped memory, paging structures and VSpaces without an ASID may
 * not. */
static uint64_t pick_copyable(struct gen *g)
{
	const struct world *w = g->w;

	for (unsigned i = 0, start = (unsigned)below(g, FUZZ_SLOTS);
	     i < FUZZ_SLOTS; i++) {
		const struct slot_info *s = &w->slot[(start + i) % FUZZ_SLOTS];

		switch (s->type) {
		case PITH_CAP_TCB:
		case PITH_CAP_ENDPOINT:
		case PITH_CAP_NOTIFICATION:
		case PITH_CAP_CNODE:
		case PITH_CAP_FRAME:
		case PITH_CAP_ASID_POOL:
		case PITH_CAP_IRQ_HANDLER:
		case PITH_CAP_IOPORT:
			return w->first + (start + i) % FUZZ_SLOTS;
		case PITH_CAP_VSPACE:
			if (s->mapped)
				return w->first + (start + i) % FUZZ_SLOTS;
			break;
		default:
			break;
		}
	}
	return pick(g, ANY);
}

/* The first of n free slots in a row (or of the longest run there is). */
static uint64_t pick_free(struct gen *g, unsigned n)
{
	const struct world *w = g->w;
	unsigned start = (unsigned)below(g, FUZZ_SLOTS);

	for (unsigned i = 0; i < FUZZ_SLOTS; i++) {
		unsigned k = (start + i) % FUZZ_SLOTS, run = 0;

		while (run < n && k + run < FUZZ_SLOTS &&
		       w->slot[k + run].type == PITH_CAP_NULL)
			run++;
		if (run == n)
			return w->first + k;
	}
	return w->first + start;
}

static unsigned bits_of(const struct gen *g, uint64_t slot)
{
	const struct world *w = g->w;

	if (slot < w->first || slot - w->first >= FUZZ_SLOTS)
		return 0;
	return w->slot[slot - w->first].bits;
}

static unsigned tag_of(const struct gen *g, uint64_t slot)
{
	const struct world *w = g->w;

	if (slot < w->first || slot - w->first >= FUZZ_SLOTS)
		return TAG_NONE;
	return w->slot[slot - w->first].tag;
}

static void touch(struct gen *g, uint64_t slot)
{
	if (g->ntouch < sizeof(g->c->touch) / sizeof(g->c->touch[0]))
		g->c->touch[g->ntouch++] = slot;
}

/* ---- capabilities ------------------------------------------------------ */

/* A capability address by `mode`, for an argument of `type`. */
static uint64_t cap_for(struct gen *g, unsigned type, unsigned mode)
{
	uint64_t s;

	switch (mode) {
	case MODE_RIGHT:
		s = pick(g, (int)type);
		if (!s)
			s = pick(g, ANY);
		break;
	case MODE_WRONG:
		s = pick_other(g, type);
		break;
	case MODE_EMPTY:
		s = pick(g, PITH_CAP_NULL);
		break;
	default:
		return fuzz_fix_slot(g->w, hostile(g));
	}
	return s ? s : g->w->first + below(g, FUZZ_SLOTS);
}

/* An argument capability: mostly of the right type. */
static uint64_t arg_cap(struct gen *g, unsigned type)
{
	unsigned r = (unsigned)below(g, 100);

	return cap_for(g, type,
		       r < 85	? MODE_RIGHT
		       : r < 93 ? MODE_WRONG
		       : r < 97 ? MODE_EMPTY
				: MODE_WILD);
}

/* The invoked capability. The fixed ones stand for the types only the
 * fuzzer holds. */
static uint64_t service(struct gen *g, unsigned type, unsigned mode)
{
	static const uint64_t fixed[] = {
		R_CNODE,
		PITH_SLOT_VSPACE,
		PITH_SLOT_DEBUG,
		PITH_SLOT_IRQ_CONTROL,
		PITH_SLOT_IOPORT_CONTROL,
		PITH_SLOT_ASID_CONTROL,
		PITH_SLOT_ASID_POOL,
	};

	if (mode == MODE_RIGHT) {
		switch (type) {
		case PITH_CAP_FRAME:
		case PITH_CAP_PAGE_TABLE:
		case PITH_CAP_PAGE_DIRECTORY:
		case PITH_CAP_PDPT:
			if (chance(g, 80))
				return pick_mapped(g, type, g->want_mapped);
			break;
		case PITH_CAP_CNODE:
			if (chance(g, 80))
				return R_CNODE;
			break;
		case PITH_CAP_ASID_POOL:
			if (chance(g, 50))
				return PITH_SLOT_ASID_POOL;
			break;
		case PITH_CAP_ASID_CONTROL:
			return PITH_SLOT_ASID_CONTROL;
		case PITH_CAP_IRQ_CONTROL:
			return PITH_SLOT_IRQ_CONTROL;
		case PITH_CAP_IOPORT_CONTROL:
			return PITH_SLOT_IOPORT_CONTROL;
		case PITH_CAP_DEBUG:
			return PITH_SLOT_DEBUG;
		default:
			break;
		}
	}
	if (mode == MODE_WRONG && chance(g, 25))
		return fixed[below(g, sizeof(fixed) / sizeof(fixed[0]))];
	return cap_for(g, type, mode);
}

/* A CNode for an argument: mostly the root CNode. */
static uint64_t arg_cnode(struct gen *g)
{
	return chance(g, 85) ? R_CNODE : arg_cap(g, PITH_CAP_CNODE);
}

/* A slot of the CNode `cn` for a CNode operation: one that holds
 * something (used) or not. In the root CNode, a slot of the range (or an
 * index that finds no slot); in another, any slot of it at its radix. */
static void cnode_slot(struct gen *g, uint64_t cn, bool used, uint64_t *index,
		       uint64_t *depth)
{
	if (cn == R_CNODE) {
		*index = pick(g, used ? ANY : PITH_CAP_NULL);
		if (used && g->copying && chance(g, 75))
			*index = pick_copyable(g);
		*depth = PITH_SLOT_DEPTH;
	} else {
		unsigned bits = bits_of(g, cn) ? bits_of(g, cn) : 4;

		*index = below(g, 1ULL << bits);
		*depth = bits;
	}
	if (chance(g, 6))
		*depth = hostile_depth(g);
	if (chance(g, 4))
		*index = hostile(g);
	if (cn == R_CNODE) {
		*index = fuzz_fix_slot(g->w, *index);
		touch(g, *index);
	}
}

/* A destination slot relative to the root CNode (for the issuing
 * invocations): (node_index, node_depth). */
static void root_dest(struct gen *g, uint64_t *index, uint64_t *depth)
{
	*index = pick_free(g, 1);
	*depth = PITH_SLOT_DEPTH;
	if (chance(g, 6))
		*depth = hostile_depth(g);
	if (chance(g, 4))
		*index = hostile(g);
	*index = fuzz_fix_slot(g->w, *index);
	touch(g, *index);
}

/* ---- words ------------------------------------------------------------- */

/* A message word: small numbers, slots, addresses, anything. */
static uint64_t any_word(struct gen *g)
{
	unsigned r = (unsigned)below(g, 100);

	if (r < 40)
		return below(g, 64);
	if (r < 60)
		return pick(g, ANY);
	if (r < 75)
		return plausible_address(g);
	if (r < 85)
		return hostile(g);
	return next(g);
}

/* A word that may become register `i` of a thread (a reply to a fault
 * sets registers in TCB.ReadRegisters order): never the fuzzer's memory,
 * and never one of its slots where the stub takes a capability address
 * (%rbx, %rdi, %rbp). */
static uint64_t reg_word(struct gen *g, unsigned i, uint64_t v)
{
	v = fuzz_fix_address(v);
	if (i == PITH_REG_RBX || i == PITH_REG_RDI || i == PITH_REG_RBP)
		v = fuzz_fix_slot(g->w, v);
	return v;
}

static uint64_t rights(struct gen *g)
{
	unsigned r = (unsigned)below(g, 100);

	if (r < 60)
		return below(g, PITH_RIGHTS_ALL + 1);
	if (r < 95)
		return PITH_RIGHTS_ALL;
	return next(g);
}

/* Data for a capability of `type` (radix `bits` for a CNode): a badge,
 * or a CNode guard (size in bits 0-5, value above); any type takes 0. */
static uint64_t badge(struct gen *g, unsigned type, unsigned bits)
{
	unsigned r = (unsigned)below(g, 100);

	if (r < 15)
		return 0;
	if (r < 25)
		return next(g);
	if (type == PITH_CAP_CNODE) {
		uint64_t size = chance(g, 60) ? 64 - (bits ? bits : 4)
					      : below(g, 65 - bits);

		return size | (chance(g, 70) ? 0 : below(g, 4)) << 6;
	}
	if (type == PITH_CAP_ENDPOINT || type == PITH_CAP_NOTIFICATION ||
	    chance(g, 20))
		return 1 + below(g, chance(g, 50) ? 255 : ~0ULL);
	return 0;
}

static uint64_t map_rights(struct gen *g)
{
	static const uint64_t v[] = {
		PITH_RIGHT_READ,
		PITH_RIGHT_READ | PITH_RIGHT_WRITE,
		PITH_RIGHT_READ | PITH_RIGHT_WRITE,
		PITH_RIGHT_READ | PITH_RIGHT_EXECUTE,
		PITH_RIGHT_READ | PITH_RIGHT_WRITE | PITH_RIGHT_EXECUTE,
		0,
	};

	if (chance(g, 5))
		return next(g);
	return v[below(g, sizeof(v) / sizeof(v[0]))];
}

static uint64_t attributes(struct gen *g)
{
	unsigned r = (unsigned)below(g, 100);

	return r < 80 ? 0 : r < 95 ? 1 : next(g);
}

/* ---- address spaces ---------------------------------------------------- */

/* A VSpace for a mapping: the second address space, the fuzzer's own
 * (its play region only), another, or none. */
static uint64_t arg_vspace(struct gen *g)
{
	unsigned r = (unsigned)below(g, 100);
	uint64_t s = 0;

	if (r < 40)
		s = pick_tag(g, PITH_CAP_VSPACE, TAG_AS2);
	else if (r < 70)
		return PITH_SLOT_VSPACE;
	else if (r < 85)
		s = pick_mapped(g, PITH_CAP_VSPACE, true);
	return s ? s : arg_cap(g, PITH_CAP_VSPACE);
}

/* Where to map something covering 2^span_bits bytes in `vs`: where the
 * level above is there, mostly. The second address space and the play
 * region have one PDPT, page directory and page table each, at their
 * start (exec.c). */
static uint64_t map_address(struct gen *g, uint64_t vs, unsigned span_bits)
{
	uint64_t span = 1ULL << span_bits, v;
	/* How many of this size fit under the level above. */
	uint64_t n = span_bits >= 39 ? 4 : 512;

	if (chance(g, 12)) {
		v = hostile(g);
		if (chance(g, 30))
			v = FUZZ_PLAY_BASE + 1 + below(g, span - 1);
	} else if (vs == PITH_SLOT_VSPACE) {
		v = FUZZ_PLAY_BASE + below(g, n) * span;
	} else if (tag_of(g, vs) == TAG_AS2 && chance(g, 85)) {
		v = below(g, span_bits == 12 ? FUZZ_AS2_SPAN / span : n) * span;
		if (span_bits == 12 && v < FUZZ_AS2_FREE && chance(g, 80))
			v += FUZZ_AS2_FREE;
	} else {
		v = below(g, 1ULL << 47) & ~(span - 1);
	}
	return vs == PITH_SLOT_VSPACE ? fuzz_fix_address(v) : v;
}

/* ---- invocations ------------------------------------------------------- */

static unsigned object_type(struct gen *g)
{
	static const uint8_t weight[PITH_OBJ_COUNT + 1] = {
		[PITH_OBJ_UNTYPED] = 10,       [PITH_OBJ_TCB] = 10,
		[PITH_OBJ_ENDPOINT] = 14,      [PITH_OBJ_NOTIFICATION] = 12,
		[PITH_OBJ_CNODE] = 10,	       [PITH_OBJ_FRAME_4K] = 12,
		[PITH_OBJ_FRAME_2M] = 2,       [PITH_OBJ_PAGE_TABLE] = 6,
		[PITH_OBJ_PAGE_DIRECTORY] = 5, [PITH_OBJ_PDPT] = 5,
		[PITH_OBJ_VSPACE] = 8,	       [PITH_OBJ_COUNT] = 3,
	};
	unsigned total = 0, r;

	for (unsigned i = 0; i <= PITH_OBJ_COUNT; i++)
		total += weight[i];
	r = (unsigned)below(g, total);
	for (unsigned i = 0; i <= PITH_OBJ_COUNT; i++) {
		if (r < weight[i])
			return i;
		r -= weight[i];
	}
	return PITH_OBJ_ENDPOINT;
}

static void gen_retype(struct gen *g, uint64_t ut)
{
	struct call *c = g->c;
	unsigned ubits = bits_of(g, ut) ? bits_of(g, ut) : 12;
	unsigned type = object_type(g);
	uint64_t size = 0, num, root = R_CNODE, index = 0, depth = 0, offset;
	unsigned r = (unsigned)below(g, 100);

	if (type == PITH_OBJ_UNTYPED)
		size = ubits > 4 ? 4 + below(g, ubits - 3) : 4;
	else if (type == PITH_OBJ_CNODE)
		size = 1 + below(g, 6);
	else if (type == PITH_OBJ_COUNT)
		type = (unsigned)(chance(g, 50) ? PITH_OBJ_COUNT : next(g));
	if (chance(g, 5))
		size = chance(g, 50) ? hostile(g) : below(g, 70);
	num = chance(g, 75) ? 1 : 1 + below(g, 8);
	if (chance(g, 4))
		num = chance(g, 50) ? hostile(g) : 65537;
	offset = pick_free(g, num < 8 ? (unsigned)num : 8);
	if (r < 10) { /* into another CNode, named from the root */
		uint64_t cn = pick(g, PITH_CAP_CNODE);

		if (cn) {
			index = cn;
			depth = PITH_SLOT_DEPTH;
			offset = below(
				g,
				1ULL << (bits_of(g, cn) ? bits_of(g, cn) : 4));
		}
	} else if (r < 14) { /* the root CNode, named through itself */
		index = R_CNODE;
		depth = PITH_SLOT_DEPTH;
	} else if (r < 18) { /* another CNode as the root */
		root = arg_cap(g, PITH_CAP_CNODE);
		offset = below(
			g, 1ULL << (bits_of(g, root) ? bits_of(g, root) : 4));
	} else if (r < 23) {
		index = fuzz_fix_slot(g->w, hostile(g));
		depth = hostile_depth(g);
		offset = hostile(g);
	}
	/* Whatever names the root CNode must land in the territory. */
	if (root == R_CNODE && (depth == 0 || index == R_CNODE)) {
		offset = fuzz_fix_slot(g->w, offset);
		c->touch_first = offset;
		c->touch_count = num;
	}
	c->w[0] = type;
	c->w[1] = size;
	c->w[2] = index;
	c->w[3] = depth;
	c->w[4] = offset;
	c->w[5] = num;
	c->caps[0] = root;
}

static void gen_cnode_op(struct gen *g, uint64_t label)
{
	struct call *c = g->c;
	uint64_t src_root = arg_cnode(g);
	const struct slot_info *src;
	unsigned type;

	cnode_slot(g, c->cap, false, &c->w[0], &c->w[1]);
	g->copying =
		label == PITH_INV_CNODE_COPY || label == PITH_INV_CNODE_MINT;
	cnode_slot(g, src_root, true, &c->w[2], &c->w[3]);
	c->caps[0] = src_root;
	src = src_root == R_CNODE && c->w[2] >= g->w->first &&
			      c->w[2] - g->w->first < FUZZ_SLOTS
		      ? &g->w->slot[c->w[2] - g->w->first]
		      : NULL;
	type = src ? src->type : PITH_CAP_NULL;
	if (label == PITH_INV_CNODE_COPY) {
		c->w[4] = rights(g);
	} else if (label == PITH_INV_CNODE_MINT) {
		c->w[4] = rights(g);
		c->w[5] = badge(g, type, src ? src->bits : 0);
	} else if (label == PITH_INV_CNODE_MUTATE) {
		c->w[4] = badge(g, type, src ? src->bits : 0);
	}
}

static void gen_configure(struct gen *g)
{
	struct call *c = g->c;
	unsigned r = (unsigned)below(g, 100);
	uint64_t cspace = chance(g, 70) ? R_CNODE : arg_cap(g, PITH_CAP_CNODE);

	c->w[0] = r < 45   ? pick(g, PITH_CAP_ENDPOINT)
		  : r < 80 ? 0
		  : r < 90 ? pick(g, ANY)
			   : fuzz_fix_slot(g->w, hostile(g));
	/* A new guard for the root CNode would let the thread name the
	 * fuzzer's own slots. */
	c->w[1] = 0;
	if (cspace != R_CNODE && chance(g, 20))
		c->w[1] =
			chance(g, 50)
				? 64 - (bits_of(g, cspace) ? bits_of(g, cspace)
							   : 4)
				: badge(g, PITH_CAP_CNODE, bits_of(g, cspace));
	r = (unsigned)below(g, 100);
	if (r < 15)
		c->w[2] = 0;
	else if (r < 50)
		c->w[2] = FUZZ_PLAY_BASE + below(g, FUZZ_PLAY_SPAN / 512) * 512;
	else if (r < 80)
		c->w[2] = FUZZ_AS2_IPC + below(g, 64) * 512;
	else
		c->w[2] = chance(g, 50) ? plausible_address(g) : hostile(g);
	c->w[2] = fuzz_fix_address(c->w[2]);
	c->caps[0] = cspace;
	c->caps[1] =
		chance(g, 70) ? arg_vspace(g) : arg_cap(g, PITH_CAP_VSPACE);
	c->caps[2] = arg_cap(g, PITH_CAP_FRAME);
}

/* Where a thread may be sent: the stub's entry points in the second
 * address space, pages of the play region, nowhere. */
static uint64_t thread_ip(struct gen *g)
{
	const char *entries[] = {
		fuzz_stub_call,	  fuzz_stub_ud2,  fuzz_stub_int3,
		fuzz_stub_hlt,	  fuzz_stub_load, fuzz_stub_store,
		fuzz_stub_divide, fuzz_stub_spin,
	};
	unsigned r = (unsigned)below(g, 100);

	if (r < 45)
		return FUZZ_AS2_CODE + ((uintptr_t)entries[below(g, 8)] -
					(uintptr_t)fuzz_stub_start);
	if (r < 65)
		return FUZZ_PLAY_BASE + below(g, FUZZ_PLAY_SPAN);
	if (r < 80)
		return below(g, 1ULL << 47);
	return hostile(g);
}

static void gen_write_registers(struct gen *g)
{
	struct call *c = g->c;
	uint64_t count = 1 + below(g, PITH_REG_COUNT);

	if (chance(g, 20))
		count = PITH_REG_COUNT;
	c->w[0] = chance(g, 70) ? 1 : chance(g, 80) ? 0 : next(g);
	c->w[1] = chance(g, 5) ? hostile(g) : count;
	for (unsigned i = 0; i < PITH_REG_COUNT; i++) {
		uint64_t v;

		if (i == PITH_REG_RIP)
			v = thread_ip(g);
		else if (i == PITH_REG_RFLAGS)
			v = chance(g, 70) ? RFLAGS : next(g);
		else if (i == PITH_REG_RSP)
			v = plausible_address(g);
		else
			v = any_word(g);
		c->w[2 + i] = reg_word(g, i, v);
	}
}

static uint64_t priority(struct gen *g)
{
	unsigned r = (unsigned)below(g, 100);

	if (r < 70)
		return 2 + below(g, 254);
	if (r < 78)
		return 255; /* the root task's priority: they take turns */
	if (r < 85)
		return below(g, 2);
	return chance(g, 50) ? 256 + below(g, 1000) : hostile(g);
}

static void gen_tcb(struct gen *g, uint64_t label)
{
	struct call *c = g->c;

	switch (label) {
	case PITH_INV_TCB_CONFIGURE:
		gen_configure(g);
		break;
	case PITH_INV_TCB_READ_REGISTERS:
		c->w[0] = chance(g, 85) ? 1 + below(g, PITH_REG_COUNT)
					: hostile(g);
		break;
	case PITH_INV_TCB_WRITE_REGISTERS:
		gen_write_registers(g);
		break;
	case PITH_INV_TCB_SET_PRIORITY:
	case PITH_INV_TCB_SET_MC_PRIORITY:
		c->w[0] = priority(g);
		c->caps[0] = chance(g, 65) ? PITH_SLOT_TCB
					   : arg_cap(g, PITH_CAP_TCB);
		break;
	case PITH_INV_TCB_BIND_NOTIFICATION:
		c->caps[0] = arg_cap(g, PITH_CAP_NOTIFICATION);
		break;
	case PITH_INV_TCB_SET_NAME:
		/* mostly printable names, short or full; else anything */
		for (unsigned i = 0; i < 2; i++)
			c->w[i] = chance(g, 70)
					  ? 0x2020202020202020ULL |
						    (hostile(g) &
						     0x5f5f5f5f5f5f5f5fULL)
					  : hostile(g);
		if (chance(g, 50))
			c->w[1] = 0;
		break;
	default:
		break;
	}
}

static void gen_paging(struct gen *g, uint64_t label)
{
	struct call *c = g->c;
	uint64_t vs = arg_vspace(g);

	switch (label) {
	case PITH_INV_FRAME_MAP:
		c->w[0] = map_address(g, vs, 12);
		c->w[1] = map_rights(g);
		/* Nothing of the inputs runs from the fuzzer's own space. */
		if (vs == PITH_SLOT_VSPACE)
			c->w[1] &= ~(uint64_t)PITH_RIGHT_EXECUTE;
		c->w[2] = attributes(g);
		break;
	case PITH_INV_PAGE_TABLE_MAP:
		c->w[0] = map_address(g, vs, 21);
		break;
	case PITH_INV_PAGE_DIRECTORY_MAP:
		c->w[0] = map_address(g, vs, 30);
		break;
	default:
		c->w[0] = map_address(g, vs, 39);
		break;
	}
	if (chance(g, 10) && vs != PITH_SLOT_VSPACE)
		c->w[0] |= below(g, 4096);
	c->caps[0] = vs;
}

/* Ports: the fuzzer holds 0x80-0x83 and inputs may issue others up to
 * 0x8f (POST and DMA page registers, harmless on q35); nothing else is
 * ever issued, so no input can reach a device that matters. */
#define PORT_FIRST 0x80
#define PORT_LAST  0x8f

static uint64_t port(struct gen *g)
{
	static const uint64_t v[] = {0x7f,    0x90,    0xffff,
				     0x10000, 0x10080, ~0ULL};

	if (chance(g, 80))
		return PORT_FIRST + below(g, PORT_LAST - PORT_FIRST + 1);
	return v[below(g, sizeof(v) / sizeof(v[0]))];
}

static void gen_issue(struct gen *g)
{
	struct call *c = g->c;
	uint64_t first = PORT_FIRST + below(g, PORT_LAST - PORT_FIRST + 1);
	uint64_t last = first + below(g, PORT_LAST - first + 1);

	if (chance(g, 15)) {
		static const uint64_t bad[][2] = {
			{PORT_LAST, PORT_FIRST},
			{PORT_FIRST, 0x10000},
			{0x10080, 0x1008f},
			{~0ULL, ~0ULL},
		};
		unsigned k = (unsigned)below(g, 4);

		first = bad[k][0];
		last = bad[k][1];
	}
	/* A valid range never leaves the window. */
	if (first <= last && last <= 0xffff &&
	    (first < PORT_FIRST || last > PORT_LAST)) {
		first = PORT_FIRST;
		last = PORT_LAST;
	}
	c->w[0] = first;
	c->w[1] = last;
	root_dest(g, &c->w[2], &c->w[3]);
	c->caps[0] = R_CNODE;
}

static void gen_irq(struct gen *g, uint64_t label)
{
	struct call *c = g->c;
	unsigned at = 0;

	if (label == PITH_INV_IRQ_CONTROL_GET_ISA) {
		c->w[at++] = chance(g, 85) ? below(g, 16) : hostile(g);
	} else if (label == PITH_INV_IRQ_CONTROL_GET_IOAPIC) {
		c->w[at++] = chance(g, 85) ? below(g, 24) : hostile(g);
		c->w[at++] = chance(g, 90) ? below(g, 2) : hostile(g);
		c->w[at++] = chance(g, 90) ? below(g, 2) : hostile(g);
	}
	root_dest(g, &c->w[at], &c->w[at + 1]);
	c->caps[0] = chance(g, 90) ? R_CNODE : arg_cap(g, PITH_CAP_CNODE);
}

static void gen_debug(struct gen *g, uint64_t label)
{
	struct call *c = g->c;

	if (label == PITH_INV_DEBUG_WRITE) {
		c->w[0] = chance(g, 75) ? (uint64_t)(uintptr_t)noise +
						  below(g, sizeof(noise) / 2)
					: plausible_address(g);
		c->w[1] = chance(g, 80) ? below(g, sizeof(noise) / 2)
					: 4097 + below(g, 1ULL << 40);
	} else if (label == PITH_INV_DEBUG_IDENTIFY) {
		c->w[0] = chance(g, 80) ? pick(g, ANY) : hostile(g);
	} else {
		c->w[0] = below(g, 4);
	}
}

/* The invoked capability and arguments of `label`. */
static void gen_invoke(struct gen *g, uint64_t label, unsigned mode)
{
	struct call *c = g->c;
	unsigned type = fuzz_labels[label].type;

	if (label == PITH_INV_NONE) {
		static const uint64_t none[] = {0, PITH_INV_COUNT,
						PITH_INV_COUNT + 1, 1ULL << 51};

		c->cap = chance(g, 70) ? pick(g, ANY) : service(g, 0, mode);
		c->label = chance(g, 70) ? none[below(g, 4)]
					 : next(g) & ((1ULL << 52) - 1);
		for (unsigned i = 0; i < 6; i++)
			c->w[i] = any_word(g);
		return;
	}
	c->label = label;
	g->want_mapped = label == PITH_INV_FRAME_REMAP ||
			 label == PITH_INV_FRAME_UNMAP ||
			 label == PITH_INV_FRAME_GET_ADDRESS ||
			 label == PITH_INV_PAGE_TABLE_UNMAP ||
			 label == PITH_INV_PAGE_DIRECTORY_UNMAP ||
			 label == PITH_INV_PDPT_UNMAP;
	c->cap = service(g, type, mode);
	/* Debug.Shutdown only ever meets the wrong capability. */
	if (label == PITH_INV_DEBUG_SHUTDOWN && c->cap == PITH_SLOT_DEBUG)
		c->cap = g->w->first + below(g, FUZZ_SLOTS);
	switch (label) {
	case PITH_INV_UNTYPED_RETYPE:
		gen_retype(g, c->cap);
		break;
	case PITH_INV_CNODE_COPY:
	case PITH_INV_CNODE_MINT:
	case PITH_INV_CNODE_MOVE:
	case PITH_INV_CNODE_MUTATE:
		gen_cnode_op(g, label);
		break;
	case PITH_INV_CNODE_DELETE:
	case PITH_INV_CNODE_REVOKE:
	case PITH_INV_CNODE_SAVE_CALLER:
	case PITH_INV_CNODE_IDENTIFY:
		cnode_slot(g, c->cap, label != PITH_INV_CNODE_SAVE_CALLER,
			   &c->w[0], &c->w[1]);
		break;
	case PITH_INV_FRAME_MAP:
	case PITH_INV_PAGE_TABLE_MAP:
	case PITH_INV_PAGE_DIRECTORY_MAP:
	case PITH_INV_PDPT_MAP:
		gen_paging(g, label);
		break;
	case PITH_INV_FRAME_REMAP:
		c->w[0] = map_rights(g);
		c->w[1] = attributes(g);
		break;
	case PITH_INV_ASID_CONTROL_MAKE_POOL:
		root_dest(g, &c->w[0], &c->w[1]);
		c->caps[0] = arg_cap(g, PITH_CAP_UNTYPED);
		/* A pool takes a 4 KiB block. */
		for (unsigned i = 0;
		     i < 4 && bits_of(g, c->caps[0]) != 12 && chance(g, 80);
		     i++)
			c->caps[0] = pick(g, PITH_CAP_UNTYPED);
		c->caps[1] =
			chance(g, 90) ? R_CNODE : arg_cap(g, PITH_CAP_CNODE);
		break;
	case PITH_INV_ASID_POOL_ASSIGN:
		c->caps[0] = chance(g, 80)
				     ? pick_mapped(g, PITH_CAP_VSPACE, false)
				     : arg_cap(g, PITH_CAP_VSPACE);
		if (!c->caps[0])
			c->caps[0] = arg_cap(g, PITH_CAP_VSPACE);
		break;
	case PITH_INV_IRQ_CONTROL_GET_ISA:
	case PITH_INV_IRQ_CONTROL_GET_IOAPIC:
	case PITH_INV_IRQ_CONTROL_GET_MSI:
		gen_irq(g, label);
		break;
	case PITH_INV_IRQ_HANDLER_SET_NOTIFICATION:
		c->caps[0] = arg_cap(g, PITH_CAP_NOTIFICATION);
		break;
	case PITH_INV_IOPORT_CONTROL_ISSUE:
		gen_issue(g);
		break;
	case PITH_INV_IOPORT_IN8:
	case PITH_INV_IOPORT_IN16:
	case PITH_INV_IOPORT_IN32:
	case PITH_INV_IOPORT_OUT8:
	case PITH_INV_IOPORT_OUT16:
	case PITH_INV_IOPORT_OUT32:
		c->w[0] = port(g);
		c->w[1] = next(g);
		break;
	case PITH_INV_DEBUG_WRITE:
	case PITH_INV_DEBUG_IDENTIFY:
	case PITH_INV_DEBUG_SHUTDOWN:
		gen_debug(g, label);
		break;
	default:
		if (type == PITH_CAP_TCB)
			gen_tcb(g, label);
		break;
	}
}

/* The message info of an invocation: mostly exactly what the method
 * needs, sometimes too little or too much. */
static void invoke_info(struct gen *g)
{
	struct call *c = g->c;
	unsigned args = 6, caps = 0, r = (unsigned)below(g, 100);

	if (c->label > PITH_INV_NONE && c->label < PITH_INV_COUNT) {
		args = fuzz_labels[c->label].args;
		caps = fuzz_labels[c->label].caps;
		if (c->label == PITH_INV_TCB_WRITE_REGISTERS)
			args = 2 + (unsigned)(c->w[1] < PITH_REG_COUNT
						      ? c->w[1]
						      : PITH_REG_COUNT);
	}
	if (r < 6 && args > 0)
		args = (unsigned)below(g, args);
	else if (r < 10)
		args += 1 + (unsigned)below(g, 4);
	else if (r < 12)
		args = 33 + (unsigned)below(g, 95);
	r = (unsigned)below(g, 100);
	if (r < 5 && caps > 0)
		caps = (unsigned)below(g, caps);
	else if (r < 8 && caps < PITH_MSG_MAX_CAPS)
		caps++;
	/* Capabilities the method does not take: any. */
	for (unsigned i = 0; i < caps; i++)
		if (c->caps[i] == 0)
			c->caps[i] = pick(g, ANY);
	c->info = PITH_MSGINFO(c->label, args > 127 ? 127 : args, caps);
}

/* ---- IPC --------------------------------------------------------------- */

static void gen_message(struct gen *g)
{
	struct call *c = g->c;
	unsigned r = (unsigned)below(g, 100), words, caps;
	uint64_t label;

	words = r < 55	 ? (unsigned)below(g, 5)
		: r < 95 ? 5 + (unsigned)below(g, 28)
			 : 33 + (unsigned)below(g, 95);
	caps = chance(g, 65) ? 0 : 1 + (unsigned)below(g, PITH_MSG_MAX_CAPS);
	label = chance(g, 50)	? below(g, 16)
		: chance(g, 50) ? below(g, PITH_INV_COUNT + 4)
				: next(g) & ((1ULL << 52) - 1);
	for (unsigned i = 0; i < PITH_MSG_MAX_WORDS; i++)
		c->w[i] = reg_word(g, i, any_word(g));
	for (unsigned i = 0; i < caps; i++) {
		unsigned k = (unsigned)below(g, 100);

		c->caps[i] = k < 75   ? pick(g, ANY)
			     : k < 90 ? pick(g, PITH_CAP_NULL)
				      : fuzz_fix_slot(g->w, hostile(g));
	}
	c->info = PITH_MSGINFO(label, words, caps);
	if (chance(g, 3))
		c->info |= below(g, 8) << 9; /* flags the sender cannot set */
}

/* Where capabilities received go. */
static void gen_receive(struct gen *g)
{
	struct call *c = g->c;
	unsigned r = (unsigned)below(g, 100);
	uint64_t cn;

	if (r < 65) {
		c->recv_cnode = R_CNODE;
		c->recv_index = pick_free(g, PITH_MSG_MAX_CAPS);
		c->recv_depth = chance(g, 50) ? PITH_SLOT_DEPTH : 0;
	} else if (r < 80 && (cn = pick(g, PITH_CAP_CNODE)) != 0) {
		c->recv_cnode = cn;
		c->recv_index =
			below(g, 1ULL << (bits_of(g, cn) ? bits_of(g, cn) : 4));
		c->recv_depth = PITH_SLOT_DEPTH;
	} else if (r < 90) {
		c->recv_cnode = 0;
	} else {
		c->recv_cnode = fuzz_fix_slot(g->w, hostile(g));
		c->recv_index = hostile(g);
		c->recv_depth = hostile_depth(g);
	}
	if (c->recv_cnode == R_CNODE) {
		c->recv_index = fuzz_fix_slot(g->w, c->recv_index);
		c->touch_first = c->recv_index;
		c->touch_count = PITH_MSG_MAX_CAPS;
	}
}

/* The capability of an IPC system call: mostly an endpoint. */
static uint64_t ipc_cap(struct gen *g, unsigned mode, unsigned ntfn_percent)
{
	if (mode == MODE_RIGHT) {
		unsigned r = (unsigned)below(g, 100);

		unsigned type = r < ntfn_percent ? PITH_CAP_NOTIFICATION
						 : PITH_CAP_ENDPOINT;
		uint64_t s = 0;

		if (r >= ntfn_percent && r < ntfn_percent + 8)
			s = pick(g, PITH_CAP_REPLY);
		/* The shared ones, mostly: two threads meet there. */
		if (!s && chance(g, 65))
			s = pick_tag(g, type, TAG_SETUP);
		return s ? s : cap_for(g, type, mode);
	}
	return cap_for(g, PITH_CAP_ENDPOINT, mode);
}

static void gen_bad_sys(struct gen *g)
{
	static const uint64_t v[] = {
		PITH_SYS_COUNT, PITH_SYS_COUNT + 1, 15, 64, 255, 0x100000000ULL,
		~0ULL};
	struct call *c = g->c;

	c->sys =
		chance(g, 85) ? v[below(g, sizeof(v) / sizeof(v[0]))] : next(g);
	c->cap = pick(g, ANY);
	gen_message(g);
}

static void gen_fault(struct gen *g)
{
	static const uint64_t where[] = {
		FUZZ_PLAY_BASE + 0x1ff000,
		0,
		0xffff800000000000ULL,
		0x0000800000000000ULL,
		FUZZ_AS2_CODE,
		FUZZ_AS2_IPC,
	};
	struct call *c = g->c;

	c->fault = 1 + (unsigned)below(g, FAULT_COUNT - 1);
	c->w[0] = chance(g, 80) ? where[below(g, 6)]
				: fuzz_fix_address(plausible_address(g));
}

/* ---- the call ---------------------------------------------------------- */

static unsigned pick_label(uint8_t byte)
{
	unsigned total = 0, r;

	for (unsigned i = 0; i < PITH_INV_COUNT; i++)
		total += label_weight[i];
	r = byte * total / 256;
	for (unsigned i = 0; i < PITH_INV_COUNT; i++) {
		if (r < label_weight[i])
			return i;
		r -= label_weight[i];
	}
	return PITH_INV_UNTYPED_RETYPE;
}

static unsigned pick_kind(uint8_t byte)
{
	for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (byte < kinds[i].below)
			return kinds[i].kind;
	return KIND_FAULT;
}

/* Byte 1: who makes the call. Calls that can block go to a worker; of
 * the others, the root task makes most. */
static unsigned pick_thread(unsigned kind, uint8_t byte)
{
	unsigned worker = 1 + byte % FUZZ_WORKERS;

	switch (kind) {
	case KIND_INVOKE:
		return byte < 166 ? 0 : worker;
	case KIND_NB_SEND:
	case KIND_NB_RECV:
	case KIND_YIELD:
	case KIND_BAD_SYS:
		return byte < 128 ? 0 : worker;
	case KIND_REPLY:
		return byte < 40 ? 0 : worker;
	default:
		return worker;
	}
}

static unsigned pick_mode(uint8_t byte)
{
	return byte < 218   ? MODE_RIGHT
	       : byte < 236 ? MODE_WRONG
	       : byte < 246 ? MODE_EMPTY
			    : MODE_WILD;
}

static void gen_ipc(struct gen *g, unsigned kind, unsigned mode)
{
	struct call *c = g->c;
	static const uint64_t sys[] = {
		[KIND_SEND] = PITH_SYS_SEND,
		[KIND_NB_SEND] = PITH_SYS_NB_SEND,
		[KIND_CALL] = PITH_SYS_CALL,
		[KIND_RECV] = PITH_SYS_RECV,
		[KIND_NB_RECV] = PITH_SYS_NB_RECV,
		[KIND_REPLY] = PITH_SYS_REPLY,
		[KIND_REPLY_RECV] = PITH_SYS_REPLY_RECV,
		[KIND_YIELD] = PITH_SYS_YIELD,
	};

	c->sys = sys[kind];
	switch (kind) {
	case KIND_SEND:
	case KIND_NB_SEND:
		c->cap = ipc_cap(g, mode, 25);
		gen_message(g);
		break;
	case KIND_CALL:
		c->cap = ipc_cap(g, mode, 0);
		gen_message(g);
		gen_receive(g);
		break;
	case KIND_RECV:
	case KIND_NB_RECV:
		c->cap = ipc_cap(g, mode, 30);
		gen_receive(g);
		break;
	case KIND_REPLY:
		gen_message(g);
		break;
	case KIND_REPLY_RECV:
		c->cap = ipc_cap(g, mode, 20);
		gen_message(g);
		gen_receive(g);
		break;
	default:
		c->cap = pick(g, ANY);
		break;
	}
}

void gen_call(uint64_t seed, const struct world *w, struct call *c)
{
	struct gen g = {.s = seed >> 32, .w = w, .c = c};
	unsigned kind = pick_kind(seed & 0xff);
	unsigned mode = pick_mode((seed >> 24) & 0xff);
	bool fixed_arg = false;

	*c = (struct call){.seed = seed, .rflags = RFLAGS};
	c->thread = pick_thread(kind, (seed >> 8) & 0xff);
	(void)next(&g); /* the first number is the seed's alone */
	if (kind == KIND_INVOKE) {
		c->sys = PITH_SYS_CALL;
		gen_invoke(&g, pick_label((seed >> 16) & 0xff), mode);
		invoke_info(&g);
	} else if (kind == KIND_BAD_SYS) {
		gen_bad_sys(&g);
	} else if (kind == KIND_FAULT) {
		gen_fault(&g);
	} else {
		gen_ipc(&g, kind, mode);
	}
	/* Never Debug.Shutdown: the kernel refuses it on any other
	 * capability. */
	if (c->cap == PITH_SLOT_DEBUG &&
	    PITH_MSGINFO_LABEL(c->info) == PITH_INV_DEBUG_SHUTDOWN) {
		c->label = PITH_INV_DEBUG_IDENTIFY;
		c->info = PITH_MSGINFO(PITH_INV_DEBUG_IDENTIFY, 1, 0);
	}
	if (c->thread && chance(&g, 3))
		c->rflags = RFLAGS | (chance(&g, 50) ? 0x100 /* TF */
						     : 0x400 /* DF */);
	/* Sometimes the root task goes on without waiting: workers then run
	 * side by side, and take turns. */
	c->async = c->thread && chance(&g, 15);
	/* A fixed capability as an argument: only if the invoked one is
	 * fixed too (then no message can carry it away), or if the root
	 * task makes the call after checking that it is no endpoint. Not
	 * from the third worker either: its IPC buffer's frame is one the
	 * inputs hold, and a thread of theirs could send what it lists. */
	for (unsigned i = 0; i < PITH_MSG_MAX_CAPS; i++)
		fixed_arg |= fixed_cap(c->caps[i]);
	c->root_only = fixed_arg &&
		       (!fixed_cap(c->cap) || c->thread == FUZZ_AS2_THREAD);
	if (c->root_only)
		c->thread = 0;
}

const char *fuzz_label_name(uint64_t label)
{
	if (label == PITH_INV_NONE || label >= PITH_INV_COUNT)
		return NULL;
	return fuzz_labels[label].name;
}
