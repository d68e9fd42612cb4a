/*
 * Running inputs (fuzz.h): the world each input starts from, the calls,
 * the bounded waits, and the reset.
 *
 * The root CNode is split in two. Below the territory are the fuzzer's
 * own slots (its thread, CNode, address space, the control capabilities,
 * what the SDK made for it); from the territory to the end of the CNode
 * everything belongs to the inputs, and no capability of the fuzzer's
 * ever lies there. Calls name slots of the range (the territory's first
 * FUZZ_SLOTS slots); a retype of many objects or a received capability
 * may spill over into the rest of the territory, never below it.
 *
 * Each input starts from the same objects, made from the untyped block U
 * into the range's first slots (enum fixed_slot): three worker threads,
 * endpoints, notifications, a CNode, frames, a second address space with
 * the stub's code and the third worker's IPC buffer mapped, paging
 * structures for the fuzzer's play region, smaller untyped blocks for the
 * input to retype, and copies of an I/O port capability. After the input,
 * revoking U destroys everything made from it (threads included), and the
 * slots the input may have filled are emptied; U must then be unused.
 *
 * A worker runs the stub (stub.S): the root task suspends it, writes its
 * registers with the call and resumes it, then waits until the worker
 * signals its bit of the root task's bound notification, or the watchdog
 * signals: a thread at the lowest priority that runs only when every
 * other thread is blocked, and signals once it has run for a while. A
 * call still blocked then stays so, and may finish during a later wait.
 */
#include "fuzz.h"

#include "../lib/watchdog.h"

#include "lib/cmdline.h"
#include "lib/format.h"
#include "lib/string.h"

_Static_assert(PITH_SYS_SEND == 2 && PITH_SYS_RECV == 4,
	       "the numbers stub.S uses");

#define R_CNODE		 FUZZ_ROOT_CNODE
#define DEPTH		 PITH_SLOT_DEPTH
#define U_BITS		 20 /* 1 MiB for each input */
#define WATCHDOG_BIT	 (1ULL << 63)
#define WATCHDOG_PRIO	 1
#define WATCHDOG_US	 300 /* a wait ends after this alone */
#define WATCHDOG_LONG_MS 200 /* to be sure a call hangs */
#define WATCHDOG_GAP_MS	 5   /* a longer pause went to others */
#define TERRITORY_MAX	 65536
#define RFLAGS		 0x202ULL
#define IOPORT_FIRST	 0x80
#define IOPORT_LAST	 0x83

/* What each input starts with, from the first slot of the range. */
enum fixed_slot {
	FS_WORKER,			   /* three TCBs: workers 1, 2 and 3 */
	FS_TCB = FS_WORKER + FUZZ_WORKERS, /* one more, never started */
	FS_EP,
	FS_EP1,
	FS_NTFN,
	FS_NTFN1,
	FS_CNODE,
	FS_FRAME,		  /* four frames, not mapped */
	FS_VSPACE = FS_FRAME + 4, /* the second address space */
	FS_VSPACE1,		  /* one without an ASID */
	FS_PDPT, /* the second address space's, the play region's, a spare */
	FS_PD = FS_PDPT + 3,
	FS_PT = FS_PD + 3,
	FS_UT_LARGE = FS_PT + 3,
	FS_UT_MEDIUM,
	FS_UT_SMALL,
	FS_UT_SMALL1,
	FS_CODE,   /* the stub's page, read and execute */
	FS_T3_IPC, /* the third worker's IPC buffer */
	FS_IOPORT,
	FS_EP_BADGED,
	FS_NTFN_BADGED,
	FS_COUNT,
};

#define CNODE_BITS 4

struct worker {
	pith_cptr_t frame; /* its IPC buffer page, mapped here */
	struct pith_ipc_buffer *ipc;
	bool busy;     /* a call handed to it has not signalled */
	bool judge;    /* that call must not block */
	unsigned type; /* of its capability, when it started */
	unsigned index;
	struct call call;
};

struct world fuzz_world;
bool fuzz_mid_line;

static struct worker workers[FUZZ_THREADS];
static pith_cptr_t untyped; /* U */
static pith_cptr_t bound;   /* the root task's bound notification */
static pith_cptr_t done_cap[FUZZ_THREADS];
static pith_cptr_t watchdog_cap;
static pith_cptr_t park;   /* a notification nobody signals */
static pith_cptr_t ioport; /* ports IOPORT_FIRST-IOPORT_LAST */
static pith_cptr_t code_frame;
static struct pith_thread watchdog_thread;
static struct watchdog wd; /* what the watchdog thread reads */
static uint64_t limit_short, limit_long;
static uint64_t pending; /* bits of the bound notification seen */
static bool disturbed;	 /* something may keep a worker from its call */
static bool tracing;
static bool has_caller[FUZZ_THREADS]; /* received a message to reply to */
static uint64_t input_index;
static uint64_t dirty[TERRITORY_MAX / 64]; /* slots to empty */

extern const char fuzz_stub_start[], fuzz_stub_end[], fuzz_stub_call[],
	fuzz_stub_spin[], fuzz_stub_ud2[], fuzz_stub_int3[], fuzz_stub_hlt[],
	fuzz_stub_load[], fuzz_stub_store[], fuzz_stub_divide[];

/* ---- output ------------------------------------------------------------ */

void fuzz_out(const char *fmt, ...)
{
	static char buf[2048];
	va_list ap;
	int n = 0;

	if (fuzz_mid_line) {
		buf[n++] = '\n';
		fuzz_mid_line = false;
	}
	va_start(ap, fmt);
	n += fmt_vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = (int)sizeof(buf) - 1;
	pith_console_write(buf, (size_t)n);
}

static bool bug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static bool bug(const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	fuzz_out("FUZZ bug %llu %s\n", (unsigned long long)input_index, what);
	return false;
}

static const char *call_name(const struct call *c, char *buf, unsigned size)
{
	static const char *const sys[] = {
		"call", "yield",   "send",  "nb_send",
		"recv", "nb_recv", "reply", "reply_recv",
	};
	static const char *const fault[] = {
		"",	      "fault.ud2",   "fault.int3",   "fault.hlt",
		"fault.load", "fault.store", "fault.divide", "fault.fetch",
		"spin",
	};

	if (c->fault)
		return fault[c->fault];
	if (c->sys == PITH_SYS_CALL && fuzz_label_name(c->label))
		return fuzz_label_name(c->label);
	if (c->sys < PITH_SYS_COUNT)
		return sys[c->sys];
	fmt_snprintf(buf, size, "sys.%llx", (unsigned long long)c->sys);
	return buf;
}

/* FUZZ call <k> t<thread> <name> cap=<hex> info=<hex> w=... -> <result> */
static void trace(unsigned k, const struct call *c, const char *result)
{
	char line[1024], name[32];
	unsigned n, words = PITH_MSGINFO_WORDS(c->info);

	if (!tracing)
		return;
	if (words > PITH_MSG_MAX_WORDS)
		words = PITH_MSG_MAX_WORDS;
	n = (unsigned)fmt_snprintf(
		line, sizeof(line),
		"FUZZ call %u t%u %s cap=%llx info=%llx w=", k, c->thread,
		call_name(c, name, sizeof(name)), (unsigned long long)c->cap,
		(unsigned long long)c->info);
	for (unsigned i = 0; i < words && n < sizeof(line); i++)
		n += (unsigned)fmt_snprintf(line + n, sizeof(line) - n,
					    "%s%llx", i ? "," : "",
					    (unsigned long long)c->w[i]);
	fuzz_out("%s -> %s\n", line, result);
}

/* ---- the table of slots ------------------------------------------------ */

static struct slot_info *slot_info(uint64_t slot)
{
	struct world *w = &fuzz_world;

	if (slot < w->first || slot - w->first >= FUZZ_SLOTS)
		return NULL;
	return &w->slot[slot - w->first];
}

static void mark_dirty(uint64_t slot)
{
	uint64_t t = fuzz_world.territory;

	if (slot >= t && slot - t < TERRITORY_MAX &&
	    slot < (1ULL << fuzz_world.cnode_bits))
		dirty[(slot - t) / 64] |= 1ULL << ((slot - t) % 64);
}

static void mark_dirty_run(uint64_t first, uint64_t count)
{
	uint64_t end = 1ULL << fuzz_world.cnode_bits;

	if (first < fuzz_world.territory || first >= end)
		return;
	if (count > end - first)
		count = end - first;
	for (uint64_t i = 0; i < count; i++)
		mark_dirty(first + i);
}

static unsigned identify(uint64_t cptr, uint64_t *rights)
{
	uint64_t type = PITH_CAP_NULL, r = 0;

	if (pith_debug_identify(PITH_SLOT_DEBUG, cptr, &type, &r, NULL) !=
	    PITH_OK)
		type = PITH_CAP_NULL;
	if (rights)
		*rights = r;
	return (unsigned)type;
}

/* Look at the slot again: what it holds now. */
static void refresh(uint64_t slot)
{
	struct slot_info *s = slot_info(slot);
	uint64_t rights;
	unsigned type;

	mark_dirty(slot);
	if (!s)
		return;
	type = identify(slot, &rights);
	/* A slot filled by a retype keeps the size retyped() noted. */
	if (type != s->type)
		*s = (struct slot_info){
			.type = (uint8_t)type,
			.bits = s->type == PITH_CAP_NULL ? s->bits : 0,
		};
	s->rights = (uint8_t)rights;
}

static void refresh_all(void)
{
	for (unsigned i = 0; i < FUZZ_SLOTS; i++)
		refresh(fuzz_world.first + i);
}

static void set_slot(unsigned fs, unsigned type, unsigned bits, unsigned tag,
		     unsigned rights, bool mapped)
{
	fuzz_world.slot[fs] = (struct slot_info){
		.type = (uint8_t)type,
		.bits = (uint8_t)bits,
		.tag = (uint8_t)tag,
		.rights = (uint8_t)rights,
		.mapped = mapped,
	};
	mark_dirty(fuzz_world.first + fs);
}

/* ---- the watchdog ------------------------------------------------------ */

static void collect(void)
{
	uint64_t word = 0;

	if (pith_poll(bound, &word) == PITH_OK)
		pending |= word & ~WATCHDOG_BIT;
}

/* Block until one of `bits` is pending or the watchdog has run for
 * `limit` cycles; true if one is. */
static bool wait_bits(uint64_t bits, uint64_t limit)
{
	uint64_t word;

	wd.limit = limit;
	wd.restart = 1;
	pith_tcb_resume(watchdog_thread.tcb);
	while (!(pending & bits)) {
		word = 0;
		if (pith_wait(bound, &word) != PITH_OK)
			break;
		pending |= word & ~WATCHDOG_BIT;
		if (word & WATCHDOG_BIT)
			break;
	}
	pith_tcb_suspend(watchdog_thread.tcb);
	collect();
	/* A worker's Debug.Write may have run meanwhile. */
	for (unsigned t = 1; t < FUZZ_THREADS; t++)
		if (workers[t].busy &&
		    PITH_MSGINFO_LABEL(workers[t].call.info) ==
			    PITH_INV_DEBUG_WRITE)
			fuzz_mid_line = true;
	return (pending & bits) != 0;
}

/* ---- judging results --------------------------------------------------- */

/* Invocations after which a worker may no longer do what it is told (it
 * or its address space changed, a capability it uses moved). */
static bool label_disturbs(uint64_t label)
{
	switch (label) {
	case PITH_INV_UNTYPED_RETYPE:
	case PITH_INV_UNTYPED_DESCRIBE:
	case PITH_INV_CNODE_COPY:
	case PITH_INV_CNODE_MINT:
	case PITH_INV_CNODE_SAVE_CALLER:
	case PITH_INV_CNODE_IDENTIFY:
	case PITH_INV_TCB_READ_REGISTERS:
	case PITH_INV_NOTIFICATION_SIGNAL:
	case PITH_INV_NOTIFICATION_POLL:
	case PITH_INV_FRAME_MAP:
	case PITH_INV_FRAME_GET_ADDRESS:
	case PITH_INV_PAGE_TABLE_MAP:
	case PITH_INV_PAGE_DIRECTORY_MAP:
	case PITH_INV_PDPT_MAP:
	case PITH_INV_ASID_CONTROL_MAKE_POOL:
	case PITH_INV_ASID_POOL_ASSIGN:
	case PITH_INV_IRQ_CONTROL_GET_ISA:
	case PITH_INV_IRQ_CONTROL_GET_IOAPIC:
	case PITH_INV_IRQ_CONTROL_GET_MSI:
	case PITH_INV_IRQ_HANDLER_SET_NOTIFICATION:
	case PITH_INV_IRQ_HANDLER_ACK:
	case PITH_INV_IRQ_HANDLER_CLEAR:
	case PITH_INV_IOPORT_CONTROL_ISSUE:
	case PITH_INV_IOPORT_IN8:
	case PITH_INV_IOPORT_IN16:
	case PITH_INV_IOPORT_IN32:
	case PITH_INV_IOPORT_OUT8:
	case PITH_INV_IOPORT_OUT16:
	case PITH_INV_IOPORT_OUT32:
	case PITH_INV_DEBUG_WRITE:
	case PITH_INV_DEBUG_IDENTIFY:
		return false;
	default:
		return true;
	}
}

/* Does the call (made on a capability of `type`) change what threads do?
 * `ok`: it succeeded (false: unknown, or failed). */
static void note_disturbance(const struct call *c, unsigned type, bool ok,
			     bool known)
{
	bool replies =
		c->sys == PITH_SYS_REPLY || c->sys == PITH_SYS_REPLY_RECV ||
		((c->sys == PITH_SYS_SEND || c->sys == PITH_SYS_NB_SEND) &&
		 type == PITH_CAP_REPLY);

	/* A reply with words sets the registers of a thread that faulted. */
	if (replies && PITH_MSGINFO_WORDS(c->info) > 0)
		disturbed = true;
	if (c->sys == PITH_SYS_CALL && type != PITH_CAP_ENDPOINT &&
	    label_disturbs(PITH_MSGINFO_LABEL(c->info)) && (ok || !known))
		disturbed = true;
	if (c->thread && (c->fault || c->sys >= PITH_SYS_COUNT))
		disturbed = true;
}

/* Can a worker's call block? (type: of its capability, looked at just
 * before.) */
static bool may_block(const struct call *c, unsigned type)
{
	bool replies =
		c->sys == PITH_SYS_REPLY ||
		((c->sys == PITH_SYS_SEND || c->sys == PITH_SYS_NB_SEND) &&
		 type == PITH_CAP_REPLY);

	if (c->fault || c->rflags != RFLAGS || c->sys >= PITH_SYS_COUNT)
		return true;
	/* A reply with words sends a thread that faulted wherever they say,
	 * and it may run first. */
	if (replies && PITH_MSGINFO_WORDS(c->info) > 0)
		return true;
	switch (c->sys) {
	case PITH_SYS_YIELD:
	case PITH_SYS_NB_SEND:
	case PITH_SYS_NB_RECV:
	case PITH_SYS_REPLY:
		return false;
	case PITH_SYS_SEND:
		return type == PITH_CAP_ENDPOINT;
	case PITH_SYS_CALL:
		return type == PITH_CAP_ENDPOINT ||
		       label_disturbs(PITH_MSGINFO_LABEL(c->info));
	default:
		return true;
	}
}

/* What the contract says a call of the root task returns, where it is
 * clear: the error, or PITH_E_COUNT when several are possible. */
static unsigned expected(const struct call *c, unsigned type, uint64_t rights)
{
	uint64_t label = PITH_MSGINFO_LABEL(c->info);
	unsigned words = PITH_MSGINFO_WORDS(c->info);
	unsigned caps = PITH_MSGINFO_CAPS(c->info);
	const struct label_desc *d;

	if (c->sys == PITH_SYS_YIELD)
		return PITH_OK;
	if (c->sys >= PITH_SYS_COUNT)
		return PITH_E_NO_SYSCALL;
	if (c->sys == PITH_SYS_REPLY)
		return PITH_E_COUNT;
	if (type == PITH_CAP_NULL)
		return PITH_E_FAILED_LOOKUP;
	if (c->sys == PITH_SYS_NB_RECV) {
		if (type != PITH_CAP_ENDPOINT && type != PITH_CAP_NOTIFICATION)
			return PITH_E_ILLEGAL_OPERATION;
		return rights & PITH_RIGHT_READ ? PITH_E_COUNT
						: PITH_E_MISSING_RIGHTS;
	}
	if (c->sys == PITH_SYS_NB_SEND || c->sys == PITH_SYS_SEND) {
		if (type == PITH_CAP_REPLY)
			return PITH_E_COUNT;
		if (type != PITH_CAP_ENDPOINT && type != PITH_CAP_NOTIFICATION)
			return PITH_E_ILLEGAL_OPERATION;
		return rights & PITH_RIGHT_WRITE ? PITH_E_COUNT
						 : PITH_E_MISSING_RIGHTS;
	}
	/* An invocation: its capabilities are looked up first. */
	if (caps > PITH_MSG_MAX_CAPS)
		caps = PITH_MSG_MAX_CAPS;
	for (unsigned i = 0; i < caps; i++)
		if (identify(c->caps[i], NULL) == PITH_CAP_NULL)
			return PITH_E_FAILED_LOOKUP;
	if (label == PITH_INV_NONE || label >= PITH_INV_COUNT)
		return PITH_E_ILLEGAL_OPERATION;
	d = &fuzz_labels[label];
	if (d->type != type)
		return PITH_E_ILLEGAL_OPERATION;
	if (words > PITH_MSG_MAX_WORDS)
		words = PITH_MSG_MAX_WORDS;
	if (words < d->args || caps < d->caps)
		return PITH_E_TRUNCATED_MESSAGE;
	if (d->rights & ~rights)
		return PITH_E_MISSING_RIGHTS;
	return PITH_E_COUNT;
}

/* ---- after a call ------------------------------------------------------ */

/* What a copy or move carries from its source: the size, the tag. */
static void carry(const struct call *c)
{
	uint64_t label = PITH_MSGINFO_LABEL(c->info);
	struct slot_info *dst, *src;

	if (label < PITH_INV_CNODE_COPY || label > PITH_INV_CNODE_MUTATE ||
	    c->cap != R_CNODE || c->caps[0] != R_CNODE)
		return;
	dst = slot_info(c->w[0]);
	src = slot_info(c->w[2]);
	if (dst && src) {
		dst->bits = src->bits;
		dst->tag = src->tag;
		dst->type = src->type;
		/* A copy of a frame is not mapped; a moved one stays. */
		dst->mapped = label >= PITH_INV_CNODE_MOVE && src->mapped;
	}
}

/* A successful retype into the root CNode: the new objects' sizes. */
static void retyped(const struct call *c)
{
	uint64_t bits = c->w[0] == PITH_OBJ_UNTYPED || c->w[0] == PITH_OBJ_CNODE
				? c->w[1]
				: 0;

	for (uint64_t i = 0; i < c->touch_count && i < FUZZ_SLOTS; i++) {
		struct slot_info *s = slot_info(c->touch_first + i);

		if (s)
			*s = (struct slot_info){.type = PITH_CAP_NULL,
						.bits = (uint8_t)bits};
	}
}

/* A frame or paging structure mapped or unmapped, a VSpace given an
 * ASID. */
static void note_mapping(const struct call *c, uint64_t label)
{
	struct slot_info *s = slot_info(c->cap);

	switch (label) {
	case PITH_INV_FRAME_MAP:
	case PITH_INV_PAGE_TABLE_MAP:
	case PITH_INV_PAGE_DIRECTORY_MAP:
	case PITH_INV_PDPT_MAP:
		if (s)
			s->mapped = true;
		break;
	case PITH_INV_FRAME_UNMAP:
	case PITH_INV_PAGE_TABLE_UNMAP:
	case PITH_INV_PAGE_DIRECTORY_UNMAP:
	case PITH_INV_PDPT_UNMAP:
		if (s)
			s->mapped = false;
		break;
	case PITH_INV_ASID_POOL_ASSIGN:
		s = slot_info(c->caps[0]);
		if (s)
			s->mapped = true;
		break;
	default:
		break;
	}
}

/* The slots a call may have changed, looked at again. */
static void after(const struct call *c, enum pith_error err)
{
	uint64_t label = PITH_MSGINFO_LABEL(c->info);
	bool invoked = c->sys == PITH_SYS_CALL && c->label;

	if (invoked && err == PITH_OK && label == PITH_INV_UNTYPED_RETYPE)
		retyped(c);
	if (invoked && err == PITH_OK)
		carry(c);
	if (invoked && err == PITH_OK)
		note_mapping(c, label);
	mark_dirty_run(c->touch_first, c->touch_count);
	if (invoked && err == PITH_OK &&
	    (label == PITH_INV_CNODE_REVOKE ||
	     label == PITH_INV_CNODE_DELETE)) {
		refresh_all();
		return;
	}
	refresh(c->cap);
	for (unsigned i = 0; i < PITH_MSG_MAX_CAPS; i++)
		refresh(c->caps[i]);
	for (unsigned i = 0; i < sizeof(c->touch) / sizeof(c->touch[0]); i++)
		if (c->touch[i])
			refresh(c->touch[i]);
	for (uint64_t i = 0; i < c->touch_count && i < FUZZ_SLOTS; i++)
		refresh(c->touch_first + i);
}

/* ---- the root task's calls --------------------------------------------- */

static void fill_ipc_buffer(struct pith_ipc_buffer *ipc, const struct call *c)
{
	for (unsigned i = PITH_MSG_REGISTER_WORDS; i < PITH_MSG_MAX_WORDS; i++)
		ipc->mr[i] = c->w[i];
	for (unsigned i = 0; i < PITH_MSG_MAX_CAPS; i++)
		ipc->caps[i] = c->caps[i];
	ipc->receive_cnode = c->recv_cnode;
	ipc->receive_index = c->recv_index;
	ipc->receive_depth = c->recv_depth;
}

static bool root_call(unsigned k, struct call *c, unsigned type,
		      uint64_t rights)
{
	struct pith_ipc_buffer *ipc = pith_ipc_buffer();
	struct pith_msg m = {.info = c->info};
	unsigned want = expected(c, type, rights);
	enum pith_error err;

	for (unsigned i = 0; i < PITH_MSG_REGISTER_WORDS; i++)
		m.mr[i] = c->w[i];
	fill_ipc_buffer(ipc, c);
	/* Before the call too: should the kernel panic in it, the trace
	 * still names the call. */
	trace(k, c, "(making)");
	err = pith_ipc_syscall(c->sys, c->cap, &m);
	ipc->receive_cnode = 0;
	if (c->sys == PITH_SYS_REPLY)
		has_caller[0] = false;
	if (c->sys == PITH_SYS_NB_RECV && err == PITH_OK &&
	    type == PITH_CAP_ENDPOINT && !(m.info & PITH_MSGINFO_SIGNAL))
		has_caller[0] = true;
	/* A receive may bring the bound notification's word instead. */
	if (c->sys == PITH_SYS_NB_RECV && (m.info & PITH_MSGINFO_SIGNAL))
		pending |= m.badge & ~WATCHDOG_BIT;
	if (PITH_MSGINFO_LABEL(c->info) == PITH_INV_DEBUG_WRITE)
		fuzz_mid_line = true;
	trace(k, c, pith_error_name(err));
	note_disturbance(c, type, err == PITH_OK, true);
	after(c, err);
	if ((unsigned)err >= PITH_E_COUNT)
		return bug("call %u: error %llu is none", k,
			   (unsigned long long)err);
	if (want != PITH_E_COUNT && err != want) {
		char name[32];

		return bug("call %u: %s on a capability of type %u: %s, "
			   "expected %s",
			   k, call_name(c, name, sizeof(name)), type,
			   pith_error_name(err),
			   pith_error_name((enum pith_error)want));
	}
	return true;
}

/* ---- the workers' calls ------------------------------------------------ */

static pith_cptr_t worker_tcb(unsigned t)
{
	return fuzz_world.first + FS_WORKER + t - 1;
}

/* The worker's TCB, if its slot still holds one (an input may have put
 * anything there: an invocation of an endpoint would be an IPC call that
 * blocks the root task); else 0. */
static pith_cptr_t worker_thread(unsigned t)
{
	return identify(worker_tcb(t), NULL) == PITH_CAP_TCB ? worker_tcb(t)
							     : 0;
}

/* A worker's call has signalled: its results, from its registers. */
static void finish(unsigned t)
{
	struct worker *wk = &workers[t];
	uint64_t regs[PITH_REG_COUNT];
	char result[64];
	enum pith_error err = PITH_E_COUNT;
	pith_cptr_t tcb;

	pending &= ~(1ULL << t);
	if (!wk->busy)
		return;
	wk->busy = false;
	tcb = worker_thread(t);
	if (tcb &&
	    pith_tcb_read_registers(tcb, PITH_REG_COUNT, regs) == PITH_OK)
		err = (enum pith_error)regs[PITH_REG_R12];
	if (err == PITH_OK && wk->type == PITH_CAP_ENDPOINT &&
	    (wk->call.sys == PITH_SYS_RECV ||
	     wk->call.sys == PITH_SYS_NB_RECV ||
	     wk->call.sys == PITH_SYS_REPLY_RECV) &&
	    !(regs[PITH_REG_R14] & PITH_MSGINFO_SIGNAL))
		has_caller[t] = true;
	if (err == PITH_E_COUNT)
		fmt_snprintf(result, sizeof(result), "(unknown)");
	else
		fmt_snprintf(result, sizeof(result), "%s",
			     pith_error_name(err));
	trace(wk->index, &wk->call, result);
	note_disturbance(&wk->call, wk->type, err == PITH_OK,
			 err != PITH_E_COUNT);
	after(&wk->call, err);
}

/* Calls that finished while the root task was busy elsewhere. */
static void finish_pending(void)
{
	for (unsigned t = 1; t < FUZZ_THREADS; t++)
		if (pending & (1ULL << t))
			finish(t);
}

/* Take a worker back from a call that is still blocked. */
static void abandon(unsigned t)
{
	struct worker *wk = &workers[t];
	pith_cptr_t tcb = worker_thread(t);

	if (tcb)
		pith_tcb_suspend(tcb);
	collect();
	if (pending & (1ULL << t)) {
		finish(t);
		return;
	}
	wk->busy = false;
	trace(wk->index, &wk->call, "(abandoned)");
	note_disturbance(&wk->call, wk->type, false, false);
	after(&wk->call, PITH_E_ABORTED);
}

static uint64_t stub_address(unsigned t, const char *entry)
{
	uint64_t offset = (uintptr_t)entry - (uintptr_t)fuzz_stub_start;

	return (t == FUZZ_AS2_THREAD ? FUZZ_AS2_CODE
				     : (uint64_t)(uintptr_t)fuzz_stub_start) +
	       offset;
}

/* The registers that start worker t on the call. */
static void worker_registers(unsigned t, const struct call *c, uint64_t *regs)
{
	const char *const entries[FAULT_COUNT] = {
		[FAULT_NONE] = fuzz_stub_call,
		[FAULT_UD2] = fuzz_stub_ud2,
		[FAULT_INT3] = fuzz_stub_int3,
		[FAULT_HLT] = fuzz_stub_hlt,
		[FAULT_LOAD] = fuzz_stub_load,
		[FAULT_STORE] = fuzz_stub_store,
		[FAULT_DIVIDE] = fuzz_stub_divide,
		[FAULT_FETCH] = fuzz_stub_call,
		[FAULT_SPIN] = fuzz_stub_spin,
	};

	memset(regs, 0, PITH_REG_COUNT * sizeof(regs[0]));
	regs[PITH_REG_RIP] = stub_address(t, entries[c->fault]);
	if (c->fault == FAULT_FETCH)
		regs[PITH_REG_RIP] = c->w[0];
	regs[PITH_REG_RSP] = t == FUZZ_AS2_THREAD
				     ? FUZZ_AS2_IPC
				     : (uint64_t)(uintptr_t)workers[t].ipc;
	regs[PITH_REG_RFLAGS] = c->rflags;
	regs[PITH_REG_RAX] = c->sys;
	regs[PITH_REG_RBX] = done_cap[t];
	regs[PITH_REG_RBP] = park;
	regs[PITH_REG_RDI] = c->cap;
	regs[PITH_REG_RSI] = c->info;
	regs[PITH_REG_RDX] = c->w[0];
	regs[PITH_REG_R10] = c->w[1];
	regs[PITH_REG_R8] = c->w[2];
	regs[PITH_REG_R9] = c->w[3];
}

static bool worker_call(unsigned k, struct call *c, unsigned type)
{
	unsigned t = c->thread;
	struct worker *wk = &workers[t];
	uint64_t regs[PITH_REG_COUNT];
	enum pith_error err = PITH_E_INVALID_CAPABILITY;
	pith_cptr_t tcb;
	char name[32];

	if (wk->busy)
		abandon(t);
	fill_ipc_buffer(wk->ipc, c);
	worker_registers(t, c, regs);
	tcb = worker_thread(t);
	if (tcb) {
		pith_tcb_suspend(tcb);
		err = pith_tcb_write_registers(tcb, 1, PITH_REG_COUNT, regs);
	}
	if (err != PITH_OK) {
		char result[64];

		fmt_snprintf(result, sizeof(result), "(no thread: %s)",
			     pith_error_name(err));
		trace(k, c, result);
		return true;
	}
	if (c->sys == PITH_SYS_REPLY || c->sys == PITH_SYS_REPLY_RECV)
		has_caller[t] = false;
	/* What it may fill, to be emptied even if it never reports. */
	for (unsigned i = 0; i < sizeof(c->touch) / sizeof(c->touch[0]); i++)
		mark_dirty(c->touch[i]);
	mark_dirty_run(c->touch_first, c->touch_count);
	wk->busy = true;
	wk->index = k;
	wk->type = type;
	wk->call = *c;
	wk->judge = !disturbed && !c->async && !may_block(c, type);
	if (PITH_MSGINFO_LABEL(c->info) == PITH_INV_DEBUG_WRITE)
		fuzz_mid_line = true;
	trace(k, c, "(started)");
	if (c->async) {
		/* It may do what it does any time from now on. */
		note_disturbance(c, type, false, false);
		return true;
	}
	if (wait_bits(1ULL << t, limit_short)) {
		finish_pending();
		return true;
	}
	finish_pending();
	if (wk->judge && !wait_bits(1ULL << t, limit_long))
		return bug("call %u: t%u %s did not return", k, t,
			   call_name(c, name, sizeof(name)));
	finish_pending();
	if (wk->busy) {
		trace(k, c, "(blocked)");
		note_disturbance(c, type, false, false);
	}
	return true;
}

/* ---- one call ---------------------------------------------------------- */

/* A fixed capability in caps[] may not reach a worker, nor a message. */
static void strip_fixed(struct call *c)
{
	for (unsigned i = 0; i < PITH_MSG_MAX_CAPS; i++)
		c->caps[i] = fuzz_fix_slot(&fuzz_world, c->caps[i]);
	c->root_only = false;
}

/* The worker that makes a call: the one chosen if it is free, else one
 * that is (so that a blocked call waits for a partner, not for its
 * thread to be taken back); and for a reply, one that has something to
 * reply to. */
static void choose_worker(struct call *c)
{
	unsigned t = c->thread;
	bool reply = c->sys == PITH_SYS_REPLY || c->sys == PITH_SYS_REPLY_RECV;

	if (reply && !has_caller[t]) {
		for (unsigned d = 1; d < FUZZ_WORKERS; d++) {
			unsigned u = 1 + (t - 1 + d) % FUZZ_WORKERS;

			if (has_caller[u] && !workers[u].busy) {
				c->thread = u;
				return;
			}
		}
	}
	if (!workers[t].busy || (reply && has_caller[t]))
		return;
	for (unsigned d = 1; d < FUZZ_WORKERS; d++) {
		unsigned u = 1 + (t - 1 + d) % FUZZ_WORKERS;

		if (!workers[u].busy) {
			c->thread = u;
			return;
		}
	}
}

static bool run_call(unsigned k, struct call *c)
{
	uint64_t rights = 0;
	unsigned type = identify(c->cap, &rights);

	collect();
	finish_pending();
	/* Never Debug.Shutdown, whichever capability the slot holds. */
	if (c->sys == PITH_SYS_CALL && type == PITH_CAP_DEBUG &&
	    PITH_MSGINFO_LABEL(c->info) == PITH_INV_DEBUG_SHUTDOWN) {
		trace(k, c, "(skipped)");
		return true;
	}
	if (c->thread == 0 && type == PITH_CAP_ENDPOINT &&
	    (c->sys == PITH_SYS_CALL || c->sys == PITH_SYS_SEND)) {
		/* That would block the root task: a worker makes it. */
		c->thread = 1 + (unsigned)((c->seed >> 40) % FUZZ_WORKERS);
		strip_fixed(c);
	}
	if (c->thread == 0 && c->sys == PITH_SYS_REPLY && !has_caller[0])
		for (unsigned t = 1; t < FUZZ_THREADS; t++)
			if (has_caller[t] && !workers[t].busy)
				c->thread = t;
	if (c->thread == 0)
		return root_call(k, c, type, rights);
	choose_worker(c);
	if (type == PITH_CAP_ENDPOINT && c->root_only)
		strip_fixed(c);
	return worker_call(k, c, type);
}

/* ---- the world of an input --------------------------------------------- */

static enum pith_error make(unsigned type, unsigned bits, unsigned fs,
			    unsigned n)
{
	return pith_untyped_retype(untyped, R_CNODE, type, bits, 0, 0,
				   fuzz_world.first + fs, n);
}

static uint64_t at(unsigned fs)
{
	return fuzz_world.first + fs;
}

#define STEP(what, call)                                                       \
	do {                                                                   \
		enum pith_error e_ = (call);                                   \
		if (e_ != PITH_OK)                                             \
			return bug("set-up: %s: %s", what,                     \
				   pith_error_name(e_));                       \
	} while (0)

static bool make_objects(void)
{
	STEP("untyped", make(PITH_OBJ_UNTYPED, 19, FS_UT_LARGE, 1));
	STEP("untyped", make(PITH_OBJ_UNTYPED, 16, FS_UT_MEDIUM, 1));
	STEP("untyped", make(PITH_OBJ_UNTYPED, 12, FS_UT_SMALL, 2));
	STEP("tcb", make(PITH_OBJ_TCB, 0, FS_WORKER, FUZZ_WORKERS + 1));
	STEP("endpoint", make(PITH_OBJ_ENDPOINT, 0, FS_EP, 2));
	STEP("notification", make(PITH_OBJ_NOTIFICATION, 0, FS_NTFN, 2));
	STEP("cnode", make(PITH_OBJ_CNODE, CNODE_BITS, FS_CNODE, 1));
	STEP("frame", make(PITH_OBJ_FRAME_4K, 0, FS_FRAME, 4));
	STEP("vspace", make(PITH_OBJ_VSPACE, 0, FS_VSPACE, 2));
	STEP("pdpt", make(PITH_OBJ_PDPT, 0, FS_PDPT, 3));
	STEP("page directory", make(PITH_OBJ_PAGE_DIRECTORY, 0, FS_PD, 3));
	STEP("page table", make(PITH_OBJ_PAGE_TABLE, 0, FS_PT, 3));
	return true;
}

static bool map_spaces(void)
{
	const uint64_t rx = PITH_RIGHT_READ | PITH_RIGHT_EXECUTE;
	const uint64_t rw = PITH_RIGHT_READ | PITH_RIGHT_WRITE;

	STEP("asid", pith_asid_pool_assign(PITH_SLOT_ASID_POOL, at(FS_VSPACE)));
	STEP("pdpt", pith_pdpt_map(at(FS_PDPT), at(FS_VSPACE), 0));
	STEP("page directory",
	     pith_page_directory_map(at(FS_PD), at(FS_VSPACE), 0));
	STEP("page table", pith_page_table_map(at(FS_PT), at(FS_VSPACE), 0));
	STEP("play pdpt",
	     pith_pdpt_map(at(FS_PDPT + 1), PITH_SLOT_VSPACE, FUZZ_PLAY_BASE));
	STEP("play page directory",
	     pith_page_directory_map(at(FS_PD + 1), PITH_SLOT_VSPACE,
				     FUZZ_PLAY_BASE));
	STEP("play page table",
	     pith_page_table_map(at(FS_PT + 1), PITH_SLOT_VSPACE,
				 FUZZ_PLAY_BASE));
	STEP("code", pith_cnode_mint(R_CNODE, R_CNODE, at(FS_CODE), DEPTH,
				     code_frame, DEPTH, rx, 0));
	STEP("code map",
	     pith_frame_map(at(FS_CODE), at(FS_VSPACE), FUZZ_AS2_CODE, rx, 0));
	STEP("ipc buffer",
	     pith_cnode_mint(R_CNODE, R_CNODE, at(FS_T3_IPC), DEPTH,
			     workers[FUZZ_AS2_THREAD].frame, DEPTH, rw, 0));
	STEP("ipc buffer map",
	     pith_frame_map(at(FS_T3_IPC), at(FS_VSPACE), FUZZ_AS2_IPC, rw, 0));
	return true;
}

/* The workers: their spaces, IPC buffers, priorities and (as the
 * program's first seed says) fault endpoints. */
static bool make_workers(uint64_t cfg)
{
	/* 255 is the root task's: it and a worker then take turns. */
	static const unsigned prio[] = {100, 150, 200, 255};

	for (unsigned t = 1; t < FUZZ_THREADS; t++) {
		bool as2 = t == FUZZ_AS2_THREAD;
		uint64_t fault_ep = cfg >> t & 1 ? at(FS_EP + (t & 1)) : 0;

		STEP("configure",
		     pith_tcb_configure(
			     worker_tcb(t), R_CNODE,
			     as2 ? at(FS_VSPACE) : PITH_SLOT_VSPACE,
			     as2 ? at(FS_T3_IPC) : workers[t].frame, fault_ep,
			     0,
			     as2 ? FUZZ_AS2_IPC
				 : (uint64_t)(uintptr_t)workers[t].ipc));
		STEP("priority",
		     pith_tcb_set_priority(worker_tcb(t), PITH_SLOT_TCB,
					   prio[cfg >> (2 * t + 2) & 3]));
		if (tracing)
			fuzz_out("fuzz: worker %u: priority %u, fault endpoint "
				 "0x%llx\n",
				 t, prio[cfg >> (2 * t + 2) & 3],
				 (unsigned long long)fault_ep);
		workers[t].busy = false;
	}
	return true;
}

static void initial_table(void)
{
	static const struct {
		uint8_t fs, type, bits, tag, rights;
		bool mapped;
	} made[] = {
		{FS_WORKER, PITH_CAP_TCB, 0, TAG_WORKER, PITH_RIGHTS_ALL, 0},
		{FS_WORKER + 1, PITH_CAP_TCB, 0, TAG_WORKER, PITH_RIGHTS_ALL,
		 0},
		{FS_WORKER + 2, PITH_CAP_TCB, 0, TAG_WORKER, PITH_RIGHTS_ALL,
		 0},
		{FS_TCB, PITH_CAP_TCB, 0, 0, PITH_RIGHTS_ALL, 0},
		{FS_EP, PITH_CAP_ENDPOINT, 0, TAG_SETUP, PITH_RIGHTS_ALL, 0},
		{FS_EP1, PITH_CAP_ENDPOINT, 0, TAG_SETUP, PITH_RIGHTS_ALL, 0},
		{FS_NTFN, PITH_CAP_NOTIFICATION, 0, TAG_SETUP, PITH_RIGHTS_ALL,
		 0},
		{FS_NTFN1, PITH_CAP_NOTIFICATION, 0, TAG_SETUP, PITH_RIGHTS_ALL,
		 0},
		{FS_CNODE, PITH_CAP_CNODE, CNODE_BITS, 0, PITH_RIGHTS_ALL, 0},
		{FS_FRAME, PITH_CAP_FRAME, 0, 0, PITH_RIGHTS_ALL, 0},
		{FS_FRAME + 1, PITH_CAP_FRAME, 0, 0, PITH_RIGHTS_ALL, 0},
		{FS_FRAME + 2, PITH_CAP_FRAME, 0, 0, PITH_RIGHTS_ALL, 0},
		{FS_FRAME + 3, PITH_CAP_FRAME, 0, 0, PITH_RIGHTS_ALL, 0},
		{FS_VSPACE, PITH_CAP_VSPACE, 0, TAG_AS2, PITH_RIGHTS_ALL, 1},
		{FS_VSPACE1, PITH_CAP_VSPACE, 0, 0, PITH_RIGHTS_ALL, 0},
		{FS_PDPT, PITH_CAP_PDPT, 0, 0, PITH_RIGHTS_ALL, 1},
		{FS_PDPT + 1, PITH_CAP_PDPT, 0, 0, PITH_RIGHTS_ALL, 1},
		{FS_PDPT + 2, PITH_CAP_PDPT, 0, 0, PITH_RIGHTS_ALL, 0},
		{FS_PD, PITH_CAP_PAGE_DIRECTORY, 0, 0, PITH_RIGHTS_ALL, 1},
		{FS_PD + 1, PITH_CAP_PAGE_DIRECTORY, 0, 0, PITH_RIGHTS_ALL, 1},
		{FS_PD + 2, PITH_CAP_PAGE_DIRECTORY, 0, 0, PITH_RIGHTS_ALL, 0},
		{FS_PT, PITH_CAP_PAGE_TABLE, 0, 0, PITH_RIGHTS_ALL, 1},
		{FS_PT + 1, PITH_CAP_PAGE_TABLE, 0, 0, PITH_RIGHTS_ALL, 1},
		{FS_PT + 2, PITH_CAP_PAGE_TABLE, 0, 0, PITH_RIGHTS_ALL, 0},
		{FS_UT_LARGE, PITH_CAP_UNTYPED, 19, 0, PITH_RIGHTS_ALL, 0},
		{FS_UT_MEDIUM, PITH_CAP_UNTYPED, 16, 0, PITH_RIGHTS_ALL, 0},
		{FS_UT_SMALL, PITH_CAP_UNTYPED, 12, 0, PITH_RIGHTS_ALL, 0},
		{FS_UT_SMALL1, PITH_CAP_UNTYPED, 12, 0, PITH_RIGHTS_ALL, 0},
		{FS_CODE, PITH_CAP_FRAME, 0, 0,
		 PITH_RIGHT_READ | PITH_RIGHT_EXECUTE, 1},
		{FS_T3_IPC, PITH_CAP_FRAME, 0, 0,
		 PITH_RIGHT_READ | PITH_RIGHT_WRITE, 1},
		{FS_IOPORT, PITH_CAP_IOPORT, 0, 0, PITH_RIGHTS_ALL, 0},
		{FS_EP_BADGED, PITH_CAP_ENDPOINT, 0, TAG_SETUP, PITH_RIGHTS_ALL,
		 0},
		{FS_NTFN_BADGED, PITH_CAP_NOTIFICATION, 0, TAG_SETUP,
		 PITH_RIGHT_WRITE, 0},
	};

	_Static_assert(sizeof(made) / sizeof(made[0]) == FS_COUNT,
		       "every fixed slot");
	memset(fuzz_world.slot, 0, sizeof(fuzz_world.slot));
	for (unsigned i = 0; i < FS_COUNT; i++)
		set_slot(made[i].fs, made[i].type, made[i].bits, made[i].tag,
			 made[i].rights, made[i].mapped);
}

static bool setup_input(const struct program *p)
{
	uint64_t cfg = p->len ? p->seed[0] : 0;

	cfg = splitmix64(&cfg);
	disturbed = false;
	pending = 0;
	memset(has_caller, 0, sizeof(has_caller));
	initial_table();
	if (!make_objects() || !map_spaces())
		return false;
	STEP("ioport", pith_cnode_copy(R_CNODE, R_CNODE, at(FS_IOPORT), DEPTH,
				       ioport, DEPTH, PITH_RIGHTS_ALL));
	STEP("badged endpoint",
	     pith_cnode_mint(R_CNODE, R_CNODE, at(FS_EP_BADGED), DEPTH,
			     at(FS_EP), DEPTH, PITH_RIGHTS_ALL, 0x55));
	STEP("badged notification",
	     pith_cnode_mint(R_CNODE, R_CNODE, at(FS_NTFN_BADGED), DEPTH,
			     at(FS_NTFN), DEPTH, PITH_RIGHT_WRITE, 0x2));
	return make_workers(cfg);
}

/* Everything the input made goes; the untyped block must be unused. */
static bool teardown(void)
{
	uint64_t watermark = 1;
	uint64_t t = fuzz_world.territory, end = 1ULL << fuzz_world.cnode_bits;
	enum pith_error err;

	err = pith_cnode_revoke(R_CNODE, untyped, DEPTH);
	if (err != PITH_OK)
		return bug("revoke of U: %s", pith_error_name(err));
	err = pith_untyped_describe(untyped, NULL, NULL, &watermark, NULL);
	if (err != PITH_OK || watermark != 0)
		return bug("objects left over: U's watermark 0x%llx (%s)",
			   (unsigned long long)watermark, pith_error_name(err));
	/* Copies of the fuzzer's capabilities, wherever they went. */
	pith_cnode_revoke(R_CNODE, code_frame, DEPTH);
	pith_cnode_revoke(R_CNODE, workers[FUZZ_AS2_THREAD].frame, DEPTH);
	pith_cnode_revoke(R_CNODE, ioport, DEPTH);
	for (uint64_t s = t; s < end && s - t < TERRITORY_MAX; s++) {
		const struct slot_info *si;

		if (!(dirty[(s - t) / 64] >> ((s - t) % 64) & 1))
			continue;
		si = slot_info(s);
		/* Interrupts and ports issued to the input: with their
		 * copies. */
		if (si && (si->type == PITH_CAP_IRQ_HANDLER ||
			   si->type == PITH_CAP_IOPORT))
			pith_cnode_revoke(R_CNODE, s, DEPTH);
		err = pith_cnode_delete(R_CNODE, s, DEPTH);
		if (err != PITH_OK)
			return bug("delete of slot 0x%llx: %s",
				   (unsigned long long)s, pith_error_name(err));
	}
	memset(dirty, 0, sizeof(dirty));
	for (unsigned i = 1; i < FUZZ_THREADS; i++)
		workers[i].busy = false;
	collect();
	pending = 0;
	return true;
}

/* Give the calls still under way a last chance to finish, while any
 * does. */
static void drain(void)
{
	uint64_t busy = 0;

	collect();
	finish_pending();
	for (unsigned t = 1; t < FUZZ_THREADS; t++)
		if (workers[t].busy)
			busy |= 1ULL << t;
	while (busy && wait_bits(busy, limit_short)) {
		busy &= ~pending;
		finish_pending();
	}
}

bool exec_input(uint64_t index, const struct program *p, bool trace_calls)
{
	input_index = index;
	tracing = trace_calls;
	if (!setup_input(p))
		return false;
	for (unsigned k = 0; k < p->len; k++) {
		struct call c;

		gen_call(p->seed[k], &fuzz_world, &c);
		if (!run_call(k, &c))
			return false;
	}
	drain();
	return teardown();
}

bool exec_check_territory(uint64_t index)
{
	uint64_t end = 1ULL << fuzz_world.cnode_bits;

	input_index = index;
	for (uint64_t s = fuzz_world.territory; s < end; s++) {
		unsigned type = identify(s, NULL);

		if (type != PITH_CAP_NULL)
			return bug("slot 0x%llx holds a capability of type %u "
				   "after the input",
				   (unsigned long long)s, type);
	}
	return true;
}

/* ---- once -------------------------------------------------------------- */

#define INIT(what, call)                                                       \
	do {                                                                   \
		enum pith_error e_ = (call);                                   \
		if (e_ != PITH_OK) {                                           \
			pith_printf("fuzz: %s: %s\n", what,                    \
				    pith_error_name(e_));                      \
			return false;                                          \
		}                                                              \
	} while (0)

static bool init_caps(void)
{
	pith_cptr_t s;

	INIT("notification",
	     pith_alloc_object(PITH_OBJ_NOTIFICATION, 0, &bound));
	INIT("bind", pith_tcb_bind_notification(PITH_SLOT_TCB, bound));
	for (unsigned t = 1; t < FUZZ_THREADS; t++)
		INIT("done", pith_cap_mint(bound, PITH_RIGHT_WRITE, 1ULL << t,
					   &done_cap[t]));
	INIT("watchdog", pith_cap_mint(bound, PITH_RIGHT_WRITE, WATCHDOG_BIT,
				       &watchdog_cap));
	INIT("park", pith_alloc_object(PITH_OBJ_NOTIFICATION, 0, &park));
	INIT("slot", pith_slot_alloc(&s));
	INIT("ioport",
	     pith_ioport_control_issue(PITH_SLOT_IOPORT_CONTROL, R_CNODE,
				       IOPORT_FIRST, IOPORT_LAST, s, DEPTH));
	ioport = s;
	INIT("untyped", pith_alloc_object(PITH_OBJ_UNTYPED, U_BITS, &untyped));
	return true;
}

static bool init_pages(void)
{
	const uint64_t rw = PITH_RIGHT_READ | PITH_RIGHT_WRITE;
	uint64_t va;

	for (unsigned t = 1; t < FUZZ_THREADS; t++) {
		INIT("worker page", pith_vm_map_new(1, rw, &va));
		workers[t].ipc = (struct pith_ipc_buffer *)(uintptr_t)va;
		workers[t].frame = pith_vm_frame(va);
	}
	INIT("code page", pith_vm_map_new(1, rw, &va));
	code_frame = pith_vm_frame(va);
	memcpy((void *)(uintptr_t)va, fuzz_stub_start,
	       (uintptr_t)fuzz_stub_end - (uintptr_t)fuzz_stub_start);
	return true;
}

static bool init_watchdog(void)
{
	uint64_t khz =
		pith_bootinfo->tsc_khz ? pith_bootinfo->tsc_khz : 1000000;
	char value[16];
	uint64_t us = WATCHDOG_US;

	if (cmdline_get(pith_bootinfo->cmdline, "fuzz.watchdog_us", value,
			sizeof(value))) {
		us = 0;
		for (const char *p = value; *p >= '0' && *p <= '9'; p++)
			us = us * 10 + (uint64_t)(*p - '0');
	}
	limit_short = khz * us / 1000;
	limit_long = khz * WATCHDOG_LONG_MS;
	wd = (struct watchdog){.cap = watchdog_cap,
			       .gap = khz * WATCHDOG_GAP_MS};
	INIT("watchdog",
	     pith_thread_create(&watchdog_thread, WATCHDOG_PRIO, 0));
	INIT("watchdog",
	     pith_thread_start(&watchdog_thread, watchdog_run, (uintptr_t)&wd));
	INIT("watchdog", pith_tcb_suspend(watchdog_thread.tcb));
	return true;
}

/* Every slot the allocator still has becomes the inputs': the territory
 * is the run of them that ends the CNode. */
static bool init_territory(void)
{
	static uint64_t claimed[TERRITORY_MAX / 64];
	uint64_t end = 1ULL << fuzz_world.cnode_bits, t = end;
	pith_cptr_t s;

	while (pith_slot_alloc(&s) == PITH_OK)
		if (s < TERRITORY_MAX)
			claimed[s / 64] |= 1ULL << (s % 64);
	while (t > 0 && t - 1 < TERRITORY_MAX &&
	       (claimed[(t - 1) / 64] >> ((t - 1) % 64) & 1))
		t--;
	if (end - t < FUZZ_SLOTS + FS_COUNT) {
		pith_printf("fuzz: only %llu slots at the end of the CNode\n",
			    (unsigned long long)(end - t));
		return false;
	}
	fuzz_world.territory = t;
	fuzz_world.first = t;
	return true;
}

bool exec_init(void)
{
	fuzz_world.cnode_bits = pith_bootinfo->cnode_size_bits;
	return init_caps() && init_pages() && init_watchdog() &&
	       init_territory();
}
