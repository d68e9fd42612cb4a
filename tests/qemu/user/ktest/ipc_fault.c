/*
 * Faults as messages (sdk/abi/pith.toml [[faults]], ipc/endpoint.c,
 * ipc/transfer.c): a helper thread whose fault endpoint ktest holds runs
 * an instruction that faults (ipc_fault.S); ktest receives the fault
 * message, checks every word (label: the kind; words: ip, address, error
 * code, vector; badge: the fault endpoint's), and resumes the thread by
 * replying, with no words (the instruction runs again) or with new
 * registers (in the order of TCB.ReadRegisters). A handler may also
 * suspend the thread, or drop the reply, which stops it.
 */
#include "ipc.h"

#define FAULT_BADGE	0xfa
#define VEC_DIVIDE	0
#define VEC_BREAKPOINT	3
#define VEC_UD		6
#define VEC_GP		13
#define VEC_PF		14
#define PF_PRESENT	0x1
#define PF_WRITE	0x2
#define PF_USER		0x4
#define PF_FETCH	0x10
#define UNKNOWN_SYSCALL 999
#define STORE_VALUE	0x5707e5707eULL

static const pith_cptr_t R = PITH_SLOT_CNODE;

uint64_t ipc_probe_load(uint64_t va);
void ipc_probe_store(uint64_t va, uint64_t value);
uint64_t ipc_probe_call(uint64_t va);
uint64_t ipc_probe_ud2(void);
uint64_t ipc_probe_divide(void);
uint64_t ipc_probe_int3(void);
uint64_t ipc_probe_hlt(void);
uint64_t ipc_probe_noncanonical(void);
uint64_t ipc_probe_syscall(uint64_t nr);
extern const char ipc_probe_load_insn[], ipc_probe_store_insn[];
extern const char ipc_probe_ud2_insn[], ipc_probe_ud2_next[];
extern const char ipc_probe_divide_insn[], ipc_probe_divide_next[];
extern const char ipc_probe_int3_next[];
extern const char ipc_probe_hlt_insn[], ipc_probe_hlt_next[];
extern const char ipc_probe_noncanonical_insn[], ipc_probe_noncanonical_next[];
extern const char ipc_probe_syscall_next[];

#define ADDR(label) ((uint64_t)(uintptr_t)(label))

static volatile uint64_t probe_out;
static pith_cptr_t fault_ep;		    /* ktest receives on it */
static pith_cptr_t fault_ep_cap;	    /* F's: write only, badged */
static struct thread *const F = &helper[0]; /* the thread that faults */

/* ---- thread bodies ---------------------------------------------------- */

static void run_load(uint64_t va)
{
	probe_out = ipc_probe_load(va);
}

static void run_store(uint64_t va)
{
	ipc_probe_store(va, STORE_VALUE);
	probe_out = 1;
}

static void run_fetch(uint64_t va)
{
	probe_out = ipc_probe_call(va);
}

static void run_ud2(uint64_t arg)
{
	(void)arg;
	probe_out = ipc_probe_ud2();
}

static void run_ud2_twice(uint64_t arg)
{
	uint64_t first;

	(void)arg;
	first = ipc_probe_ud2();
	probe_out = first + ipc_probe_ud2();
}

static void run_divide(uint64_t arg)
{
	(void)arg;
	probe_out = ipc_probe_divide();
}

static void run_int3(uint64_t arg)
{
	(void)arg;
	probe_out = ipc_probe_int3();
}

static void run_hlt(uint64_t arg)
{
	(void)arg;
	probe_out = ipc_probe_hlt();
}

static void run_noncanonical(uint64_t arg)
{
	(void)arg;
	probe_out = ipc_probe_noncanonical();
}

static void run_syscall(uint64_t nr)
{
	probe_out = ipc_probe_syscall(nr);
}

/* Where a handler sends a faulted probe instead: it returns to the
 * probe's caller (the stack holds the probe's return address). */
static uint64_t recover(uint64_t x)
{
	return 2 * x;
}

/* ---- the handler's side ----------------------------------------------- */

struct fault {
	uint64_t kind, ip, address, error, vector;
};

/* Start F on fn(arg) while ktest waits on the fault endpoint (`queued`:
 * F faults first, ktest finds the message queued); the fault message must
 * be exactly `want`. */
static bool fault_get(struct tcase *t, void (*fn)(uint64_t), uint64_t arg,
		      bool queued, const struct fault *want)
{
	struct pith_msg m = pith_msg(0, 0, 0);

	probe_out = 0;
	pith_tcb_suspend(F->tcb);
	if (queued) {
		if (!tc_true(t, helper_start(F, fn, arg), "start") ||
		    !tc_ok(t, pith_nb_recv(fault_ep, &m),
			   "nb_recv: the fault queued"))
			return false;
	} else if (!tc_ok(t, thread_start(F, fn, arg), "start") ||
		   !ipc_recv_bounded(t, PITH_SYS_RECV, fault_ep, &m,
				     "receive the fault")) {
		return false;
	}
	return tc_eq(t, m.info, PITH_MSGINFO(want->kind, PITH_FAULT_WORDS, 0),
		     "info: the kind as label, 4 words") &&
	       tc_eq(t, m.badge, FAULT_BADGE, "badge") &&
	       tc_eq(t, m.mr[PITH_FAULT_IP], want->ip, "ip") &&
	       tc_eq(t, m.mr[PITH_FAULT_ADDRESS], want->address, "address") &&
	       tc_eq(t, m.mr[PITH_FAULT_ERROR], want->error, "error code") &&
	       tc_eq(t, m.mr[PITH_FAULT_VECTOR], want->vector, "vector");
}

/* Reply with the first n registers of regs (words 4 and up through
 * ktest's IPC buffer). */
static enum pith_error reply_registers(const uint64_t *regs, unsigned n)
{
	struct pith_msg m = pith_msg(0, n, 0);
	struct pith_ipc_buffer *ipc = pith_ipc_buffer();

	for (unsigned i = 0; i < n; i++) {
		if (i < PITH_MSG_REGISTER_WORDS)
			m.mr[i] = regs[i];
		else
			ipc->mr[i] = regs[i];
	}
	return pith_reply(&m);
}

/* Reply with all of F's registers, rip and one other changed. */
static bool reply_changed(struct tcase *t, uint64_t rip, unsigned reg,
			  uint64_t value, uint64_t want_rip)
{
	uint64_t regs[PITH_REG_COUNT];

	if (!tc_ok(t, pith_tcb_read_registers(F->tcb, PITH_REG_COUNT, regs),
		   "read the faulted thread's registers") ||
	    !tc_eq(t, regs[PITH_REG_RIP], want_rip, "its rip"))
		return false;
	regs[PITH_REG_RIP] = rip;
	regs[reg] = value;
	return tc_ok(t, reply_registers(regs, PITH_REG_COUNT),
		     "reply with the registers");
}

static bool resumed(struct tcase *t, uint64_t want)
{
	return tc_true(t, helper_finish(F), "the thread did not finish") &&
	       tc_eq(t, probe_out, want, "what the probe returned");
}

/* ---- memory ----------------------------------------------------------- */

static void test_page_faults(void)
{
	struct pith_msg m = pith_msg(0, 0, 0);
	pith_cptr_t frame = obj_new(PITH_OBJ_FRAME_4K, 0), ro;
	uint64_t va = va_page();
	struct tcase t;

	/* A pager: map a frame where the thread read, reply, and the
	 * load runs again and succeeds. */
	tc_begin(&t, "ipc_fault_page_read_then_map");
	if (tc_true(&t, frame && va, "frame") &&
	    fault_get(&t, run_load, va, false,
		      &(struct fault){PITH_FAULT_PAGE,
				      ADDR(ipc_probe_load_insn), va, PF_USER,
				      VEC_PF}) &&
	    tc_ok(&t, pith_frame_map(frame, PITH_SLOT_VSPACE, va, RIGHTS_RW, 0),
		  "map a frame there")) {
		*(volatile uint64_t *)(uintptr_t)va = 0x1234abcdULL;
		tc_ok(&t, pith_reply(&m), "reply with no words");
		resumed(&t, 0x1234abcdULL);
	}
	tc_end(&t);

	tc_begin(&t, "ipc_fault_write_to_read_only_page");
	ro = frame_new_mapped(&va, PITH_RIGHT_READ);
	if (tc_true(&t, ro, "a read-only page") &&
	    fault_get(&t, run_store, va, false,
		      &(struct fault){
			      PITH_FAULT_PAGE, ADDR(ipc_probe_store_insn), va,
			      PF_USER | PF_WRITE | PF_PRESENT, VEC_PF}) &&
	    tc_ok(&t, pith_frame_remap(ro, RIGHTS_RW, 0), "remap writable") &&
	    tc_ok(&t, pith_reply(&m), "reply with no words") && resumed(&t, 1))
		tc_eq(&t, *(volatile uint64_t *)(uintptr_t)va, STORE_VALUE,
		      "what the thread stored");
	tc_end(&t);

	tc_begin(&t, "ipc_fault_instruction_fetch_new_rip");
	va = va_page();
	if (tc_true(&t, va, "an address") &&
	    fault_get(&t, run_fetch, va, false,
		      &(struct fault){PITH_FAULT_PAGE, va, va,
				      PF_USER | PF_FETCH, VEC_PF}) &&
	    reply_changed(&t, ADDR(recover), PITH_REG_RDI, 0x21, va))
		resumed(&t, 0x42);
	tc_end(&t);
	slot_free(ro);
	slot_free(frame);
}

/* ---- exceptions ------------------------------------------------------- */

static void test_exceptions(void)
{
	uint64_t rip;
	struct tcase t;

	tc_begin(&t, "ipc_fault_invalid_opcode_skip");
	rip = ADDR(ipc_probe_ud2_next);
	if (fault_get(&t, run_ud2, 0, false,
		      &(struct fault){PITH_FAULT_INVALID_OPCODE,
				      ADDR(ipc_probe_ud2_insn), 0, 0,
				      VEC_UD}) &&
	    tc_ok(&t, reply_registers(&rip, 1), "reply: rip past the ud2"))
		resumed(&t, 1);
	tc_end(&t);

	tc_begin(&t, "ipc_fault_invalid_opcode_recovery_function");
	if (fault_get(&t, run_ud2, 0, false,
		      &(struct fault){PITH_FAULT_INVALID_OPCODE,
				      ADDR(ipc_probe_ud2_insn), 0, 0,
				      VEC_UD}) &&
	    reply_changed(&t, ADDR(recover), PITH_REG_RDI, 0x30,
			  ADDR(ipc_probe_ud2_insn)))
		resumed(&t, 0x60);
	tc_end(&t);

	tc_begin(&t, "ipc_fault_divide_error");
	rip = ADDR(ipc_probe_divide_next);
	if (fault_get(&t, run_divide, 0, false,
		      &(struct fault){PITH_FAULT_DIVIDE,
				      ADDR(ipc_probe_divide_insn), 0, 0,
				      VEC_DIVIDE}) &&
	    tc_ok(&t, reply_registers(&rip, 1), "reply: rip past the div"))
		resumed(&t, 2);
	tc_end(&t);

	/* int3 is a trap: the ip is the instruction after it, and a reply
	 * without words goes on from there. */
	tc_begin(&t, "ipc_fault_breakpoint");
	if (fault_get(&t, run_int3, 0, false,
		      &(struct fault){PITH_FAULT_BREAKPOINT,
				      ADDR(ipc_probe_int3_next), 0, 0,
				      VEC_BREAKPOINT}) &&
	    tc_ok(&t, reply_registers(NULL, 0), "reply with no words"))
		resumed(&t, 3);
	tc_end(&t);

	tc_begin(&t, "ipc_fault_privileged_instruction");
	rip = ADDR(ipc_probe_hlt_next);
	if (fault_get(&t, run_hlt, 0, false,
		      &(struct fault){PITH_FAULT_PROTECTION,
				      ADDR(ipc_probe_hlt_insn), 0, 0,
				      VEC_GP}) &&
	    tc_ok(&t, reply_registers(&rip, 1), "reply: rip past the hlt"))
		resumed(&t, 4);
	tc_end(&t);

	tc_begin(&t, "ipc_fault_noncanonical_address");
	rip = ADDR(ipc_probe_noncanonical_next);
	if (fault_get(&t, run_noncanonical, 0, false,
		      &(struct fault){PITH_FAULT_PROTECTION,
				      ADDR(ipc_probe_noncanonical_insn), 0, 0,
				      VEC_GP}) &&
	    tc_ok(&t, reply_registers(&rip, 1), "reply: rip past the load"))
		resumed(&t, 5);
	tc_end(&t);

	/* A handler's loop: reply_recv answers one fault (with registers:
	 * the slow path) and takes the next. */
	tc_begin(&t, "ipc_fault_reply_recv_sets_registers");
	if (fault_get(&t, run_ud2_twice, 0, false,
		      &(struct fault){PITH_FAULT_INVALID_OPCODE,
				      ADDR(ipc_probe_ud2_insn), 0, 0,
				      VEC_UD})) {
		struct pith_msg m = pith_msg(0, 1, 0);

		m.mr[0] = ADDR(ipc_probe_ud2_next);
		if (ipc_recv_bounded(&t, PITH_SYS_REPLY_RECV, fault_ep, &m,
				     "reply_recv") &&
		    tc_eq(&t, m.info,
			  PITH_MSGINFO(PITH_FAULT_INVALID_OPCODE, 4, 0),
			  "the second fault") &&
		    tc_eq(&t, m.mr[PITH_FAULT_IP], ADDR(ipc_probe_ud2_insn),
			  "its ip")) {
			rip = ADDR(ipc_probe_ud2_next);
			tc_ok(&t, reply_registers(&rip, 1), "reply");
			resumed(&t, 2);
		}
	}
	tc_end(&t);

	/* A fault sent while nobody receives waits in the queue. */
	tc_begin(&t, "ipc_fault_queued_before_handler_waits");
	rip = ADDR(ipc_probe_ud2_next);
	if (fault_get(&t, run_ud2, 0, true,
		      &(struct fault){PITH_FAULT_INVALID_OPCODE,
				      ADDR(ipc_probe_ud2_insn), 0, 0,
				      VEC_UD}) &&
	    tc_ok(&t, reply_registers(&rip, 1), "reply"))
		resumed(&t, 1);
	tc_end(&t);

	/* A rip the thread may not hold is not applied: it resumes as it
	 * was, and faults again. */
	tc_begin(&t, "ipc_fault_reply_kernel_rip_ignored");
	rip = KERNEL_ADDRESS;
	if (fault_get(&t, run_ud2, 0, false,
		      &(struct fault){PITH_FAULT_INVALID_OPCODE,
				      ADDR(ipc_probe_ud2_insn), 0, 0,
				      VEC_UD}) &&
	    tc_ok(&t, reply_registers(&rip, 1), "reply: a kernel rip")) {
		struct pith_msg m;

		if (ipc_recv_bounded(&t, PITH_SYS_RECV, fault_ep, &m,
				     "receive the fault again") &&
		    tc_eq(&t, m.mr[PITH_FAULT_IP], ADDR(ipc_probe_ud2_insn),
			  "ip of the second fault")) {
			rip = ADDR(ipc_probe_ud2_next);
			tc_ok(&t, reply_registers(&rip, 1), "reply");
			resumed(&t, 1);
		}
	}
	tc_end(&t);
}

/* ---- unknown system calls --------------------------------------------- */

static void test_unknown_syscall(void)
{
	pith_cptr_t ro = cap_mint(fault_ep, PITH_RIGHT_READ, 0);
	pith_cptr_t ntfn = obj_new(PITH_OBJ_NOTIFICATION, 0);
	const pith_cptr_t unusable[] = {0, slot_alloc(), ro, ntfn};
	static const char *const names[] = {
		"ipc_fault_unknown_syscall_no_fault_ep",
		"ipc_fault_unknown_syscall_fault_ep_empty",
		"ipc_fault_unknown_syscall_fault_ep_read_only",
		"ipc_fault_unknown_syscall_fault_ep_notification"};
	const struct fault want = {PITH_FAULT_UNKNOWN_SYSCALL,
				   ADDR(ipc_probe_syscall_next),
				   UNKNOWN_SYSCALL, 0, 0};
	struct tcase t;

	/* An emulator: the handler sets the thread's %rax. The ip is where
	 * the thread goes on, after the syscall instruction. */
	tc_begin(&t, "ipc_fault_unknown_syscall_emulated");
	if (fault_get(&t, run_syscall, UNKNOWN_SYSCALL, false, &want) &&
	    reply_changed(&t, ADDR(ipc_probe_syscall_next), PITH_REG_RAX,
			  0xe0e0, ADDR(ipc_probe_syscall_next)))
		resumed(&t, 0xe0e0);
	tc_end(&t);

	/* No words: registers as they were (%rax the number). */
	tc_begin(&t, "ipc_fault_unknown_syscall_reply_no_words");
	if (fault_get(&t, run_syscall, UNKNOWN_SYSCALL, false, &want) &&
	    tc_ok(&t, reply_registers(NULL, 0), "reply with no words"))
		resumed(&t, UNKNOWN_SYSCALL);
	tc_end(&t);

	/* A fault endpoint that cannot be used is no fault endpoint. */
	for (unsigned i = 0; i < 4; i++) {
		tc_begin(&t, names[i]);
		if (tc_ok(&t, helper_set_fault_ep(F, unusable[i]),
			  "configure") &&
		    tc_true(&t, helper_start(F, run_syscall, UNKNOWN_SYSCALL),
			    "start"))
			resumed(&t, PITH_E_NO_SYSCALL);
		tc_end(&t);
	}
	helper_set_fault_ep(F, fault_ep_cap);
	slot_free(ntfn);
	slot_free(ro);
	slot_free(unusable[1]);
}

/* ---- handlers that do not reply --------------------------------------- */

static void test_no_reply(void)
{
	pith_cptr_t frame = obj_new(PITH_OBJ_FRAME_4K, 0);
	pith_cptr_t frame2 = obj_new(PITH_OBJ_FRAME_4K, 0);
	pith_cptr_t saved = slot_alloc(), ep2 = obj_new(PITH_OBJ_ENDPOINT, 0);
	pith_cptr_t fep2 = cap_mint(ep2, PITH_RIGHT_WRITE, FAULT_BADGE);
	uint64_t va = va_page();
	struct pith_msg m = pith_msg(0, 0, 0);
	struct tcase t;

	/* Suspending ends the fault IPC; the thread keeps its registers,
	 * and once resumed runs the faulting instruction again. */
	tc_begin(&t, "ipc_fault_handler_suspends_thread");
	if (tc_true(&t, frame && va, "frame") &&
	    fault_get(&t, run_store, va, false,
		      &(struct fault){PITH_FAULT_PAGE,
				      ADDR(ipc_probe_store_insn), va,
				      PF_USER | PF_WRITE, VEC_PF}) &&
	    tc_ok(&t, pith_tcb_suspend(F->tcb), "suspend it")) {
		tc_err(&t, pith_reply(&m), PITH_E_ILLEGAL_OPERATION,
		       "reply after");
		tc_ok(&t,
		      pith_frame_map(frame, PITH_SLOT_VSPACE, va, RIGHTS_RW, 0),
		      "map a frame there");
		tc_ok(&t, pith_tcb_resume(F->tcb), "resume it");
		if (resumed(&t, 1))
			tc_eq(&t, *(volatile uint64_t *)(uintptr_t)va,
			      STORE_VALUE, "what it stored (its %rax)");
	}
	tc_end(&t);

	/* The reply capability deleted: the kernel stops the thread (and
	 * says so on the console); it can be started again. */
	tc_begin(&t, "ipc_fault_handler_drops_reply");
	if (fault_get(&t, run_ud2, 0, false,
		      &(struct fault){PITH_FAULT_INVALID_OPCODE,
				      ADDR(ipc_probe_ud2_insn), 0, 0,
				      VEC_UD}) &&
	    tc_ok(&t, pith_cnode_save_caller(R, saved, DEPTH), "save") &&
	    tc_ok(&t, pith_cnode_delete(R, saved, DEPTH), "delete it")) {
		for (unsigned i = 0; i < STARTUP_YIELDS; i++)
			pith_yield();
		if (tc_true(&t, helper_blocked(F), "the thread went on") &&
		    fault_get(&t, run_divide, 0, true,
			      &(struct fault){PITH_FAULT_DIVIDE,
					      ADDR(ipc_probe_divide_insn), 0, 0,
					      VEC_DIVIDE})) {
			uint64_t rip = ADDR(ipc_probe_divide_next);

			tc_ok(&t, reply_registers(&rip, 1), "reply");
			resumed(&t, 2);
		}
	}
	tc_end(&t);

	/* The fault endpoint destroyed while the fault waits in its queue:
	 * that IPC ends, the store runs again with the thread's registers
	 * intact and faults again, now to the endpoint its fault endpoint
	 * slot names instead. */
	tc_begin(&t, "ipc_fault_endpoint_deleted_fault_sent_again");
	va = va_page();
	if (tc_ok(&t, helper_set_fault_ep(F, fep2), "configure") &&
	    tc_true(&t, helper_start(F, run_store, va), "start") &&
	    tc_true(&t, helper_blocked(F), "it did not fault") &&
	    tc_ok(&t, pith_cnode_delete(R, fep2, DEPTH), "delete its cap") &&
	    tc_ok(&t,
		  pith_cnode_copy(R, R, fep2, DEPTH, fault_ep_cap, DEPTH,
				  PITH_RIGHTS_ALL),
		  "put ktest's fault endpoint in its place") &&
	    tc_true(&t, helper_blocked(F), "the thread went on") &&
	    tc_ok(&t, pith_cnode_delete(R, ep2, DEPTH), "delete the last") &&
	    ipc_recv_bounded(&t, PITH_SYS_RECV, fault_ep, &m,
			     "receive the fault again") &&
	    tc_eq(&t, m.info, PITH_MSGINFO(PITH_FAULT_PAGE, 4, 0), "info") &&
	    tc_eq(&t, m.mr[PITH_FAULT_ADDRESS], va, "address") &&
	    tc_ok(&t,
		  pith_frame_map(frame2, PITH_SLOT_VSPACE, va, RIGHTS_RW, 0),
		  "map a frame there")) {
		m = pith_msg(0, 0, 0);
		tc_ok(&t, pith_reply(&m), "reply");
		if (resumed(&t, 1))
			tc_eq(&t, *(volatile uint64_t *)(uintptr_t)va,
			      STORE_VALUE, "what it stored (its %rax)");
	}
	tc_end(&t);
	helper_set_fault_ep(F, fault_ep_cap);
	slot_free(fep2);
	slot_free(ep2);
	slot_free(saved);
	slot_free(frame2);
	slot_free(frame);
}

void test_ipc_faults(void)
{
	fault_ep = obj_new(PITH_OBJ_ENDPOINT, 0);
	fault_ep_cap = cap_mint(fault_ep, PITH_RIGHT_WRITE, FAULT_BADGE);
	if (!ipc_begin() || !fault_ep || !fault_ep_cap ||
	    helper_set_fault_ep(F, fault_ep_cap) != PITH_OK) {
		expect_true("ipc_faults_setup", false, "threads or objects");
	} else {
		test_page_faults();
		test_exceptions();
		test_unknown_syscall();
		test_no_reply();
	}
	ipc_end();
	slot_free(fault_ep_cap);
	slot_free(fault_ep);
}
