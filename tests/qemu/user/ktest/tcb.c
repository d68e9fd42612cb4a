/*
 * Threads (caps/tcb.c, kernel/sched.c): configure, registers, priorities,
 * resume and suspend, and a thread's end when its TCB is deleted. The
 * threads run in ktest's own address space and CSpace (thread.c) at the
 * root task's priority, so they run when it yields.
 */
#include "ktest.h"

#define RFLAGS_IF	   0x200ULL
#define RFLAGS_NT	   0x4000ULL
#define RFLAGS_IOPL	   0x3000ULL
#define ENTRY_CODE_SIZE	   0x200ULL /* thread_entry and what it inlines */
#define THREAD_STACK_BYTES (THREAD_STACK_PAGES * PAGE_SIZE)

static const pith_cptr_t R = PITH_SLOT_CNODE;
static volatile uint64_t counter, progress, seen_rflags;

static void record_progress(uint64_t arg)
{
	progress = arg;
}

static void count_forever(uint64_t arg)
{
	(void)arg;
	for (;;)
		counter++;
}

static void record_rflags(uint64_t arg)
{
	uint64_t f;

	(void)arg;
	__asm__ volatile("pushfq\n\tpopq %0" : "=r"(f));
	seen_rflags = f;
}

/* An invocation with a capability argument goes through the caller's
 * IPC buffer: this thread's own. */
static void copy_debug_cap(uint64_t dest)
{
	progress = pith_cnode_copy(R, R, dest, DEPTH, PITH_SLOT_DEBUG, DEPTH,
				   PITH_RIGHT_READ);
}

/* A thread deleting the last capability to its own TCB. */
static void delete_own_tcb(uint64_t tcb)
{
	progress = 1;
	pith_cnode_delete(R, tcb, DEPTH);
	progress = 2; /* never: the thread is gone */
}

static void test_thread_runs(void)
{
	struct thread th = {0};
	uint64_t regs[REG_COUNT] = {0};
	pith_cptr_t dest = slot_alloc();
	struct tcase t;

	tc_begin(&t, "tcb_configure");
	tc_true(&t, thread_create(&th, 255),
		"retype, configure with ktest's CSpace and VSpace, and "
		"set_priority failed");
	tc_end(&t);

	tc_begin(&t, "tcb_thread_runs_and_suspends_itself");
	progress = 0;
	tc_true(&t, thread_run(&th, record_progress, 42),
		"the thread did not finish");
	tc_eq(&t, progress, 42, "what it recorded");
	tc_end(&t);

	tc_begin(&t, "tcb_read_registers");
	if (tc_ok(&t, pith_tcb_read_registers(th.tcb, REG_COUNT, regs),
		  "read_registers")) {
		tc_true(&t,
			regs[REG_RIP] >= thread_entry_address() &&
				regs[REG_RIP] < thread_entry_address() +
							ENTRY_CODE_SIZE,
			"rip is not in thread_entry, where it suspended");
		tc_true(&t,
			regs[REG_RSP] < th.stack_top &&
				regs[REG_RSP] >=
					th.stack_top - THREAD_STACK_BYTES,
			"rsp is not on the thread's stack");
		tc_true(&t, regs[REG_RFLAGS] & RFLAGS_IF,
			"interrupts were off in user mode");
	}
	tc_end(&t);

	tc_begin(&t, "tcb_thread_uses_its_ipc_buffer");
	progress = UINT64_MAX;
	tc_true(&t, thread_run(&th, copy_debug_cap, dest),
		"the thread did not finish");
	tc_eq(&t, progress, PITH_OK, "its cnode.copy");
	tc_eq(&t, cap_type(dest), PITH_CAP_DEBUG, "the copy it made");
	tc_end(&t);

	/* IOPL, NT and IF are not the thread's to set or clear: started,
	 * then stopped before it runs to change its rflags. */
	tc_begin(&t, "tcb_write_registers_rflags_masked");
	if (tc_ok(&t, thread_start(&th, record_rflags, 0), "start") &&
	    tc_ok(&t, pith_tcb_suspend(th.tcb), "suspend") &&
	    tc_ok(&t, pith_tcb_read_registers(th.tcb, REG_COUNT, regs),
		  "read")) {
		regs[REG_RFLAGS] = RFLAGS_IOPL | RFLAGS_NT | 0x2;
		tc_ok(&t, pith_tcb_write_registers(th.tcb, 1, REG_COUNT, regs),
		      "write rflags with IOPL 3, NT, no IF, and resume");
		for (unsigned i = 0; i < YIELD_BOUND && th.state != THREAD_DONE;
		     i++)
			pith_yield();
		if (tc_eq(&t, th.state, THREAD_DONE, "thread finished"))
			tc_eq(&t,
			      seen_rflags &
				      (RFLAGS_IOPL | RFLAGS_NT | RFLAGS_IF),
			      RFLAGS_IF,
			      "IOPL, NT and IF as the thread saw them");
	}
	tc_end(&t);

	tc_begin(&t, "tcb_thread_deletes_its_own_tcb");
	progress = 0;
	if (tc_ok(&t, thread_start(&th, delete_own_tcb, th.tcb), "start")) {
		yield_until(&progress, YIELD_BOUND);
		for (unsigned i = 0; i < 5; i++)
			pith_yield();
		tc_eq(&t, progress, 1, "how far it got");
		tc_eq(&t, cap_type(th.tcb), PITH_CAP_NULL, "its TCB's slot");
	}
	tc_end(&t);
	thread_destroy(&th);
	slot_free(dest);
}

/* Values written are the values read back. */
static void test_write_registers(void)
{
	struct thread th = {0};
	uint64_t in[REG_COUNT] = {0}, out[REG_COUNT] = {0};
	struct tcase t;

	tc_begin(&t, "tcb_write_registers");
	if (tc_true(&t, thread_create(&th, 255), "thread")) {
		for (unsigned i = 0; i < REG_COUNT; i++)
			in[i] = 0x1000 + i;
		in[REG_RIP] = thread_entry_address();
		in[REG_RSP] = th.stack_top - 8;
		in[REG_RFLAGS] = 0x202;
		tc_ok(&t, pith_tcb_write_registers(th.tcb, 0, REG_COUNT, in),
		      "write (no resume)");
		tc_ok(&t, pith_tcb_read_registers(th.tcb, REG_COUNT, out),
		      "read");
		for (unsigned i = 0; i < REG_COUNT; i++) {
			if (!tc_eq(&t, out[i], in[i], "a register"))
				break;
		}
		/* Not resumed: it never ran. */
		tc_eq(&t, th.state, THREAD_IDLE, "the thread ran");
	}
	tc_end(&t);

	tc_begin(&t, "tcb_write_registers_partial");
	in[REG_RBX] = 0xabcd;
	tc_ok(&t, pith_tcb_write_registers(th.tcb, 0, 2, in),
	      "write rip and rsp only");
	tc_ok(&t, pith_tcb_read_registers(th.tcb, REG_RBX + 1, out), "read");
	tc_eq(&t, out[REG_RBX], 0x1000 + REG_RBX, "rbx kept its value");
	tc_end(&t);

	thread_destroy(&th);
}

static uint64_t wait_count_change(uint64_t from)
{
	for (unsigned i = 0; i < YIELD_BOUND && counter == from; i++)
		pith_yield();
	return counter;
}

static void test_suspend_resume(void)
{
	struct thread th = {0};
	uint64_t c;
	struct tcase t;

	tc_begin(&t, "tcb_suspend_resume");
	counter = 0;
	if (tc_true(&t, thread_create(&th, 255), "thread") &&
	    tc_ok(&t, thread_start(&th, count_forever, 0), "start")) {
		tc_true(&t, wait_count_change(0) != 0, "it never ran");
		tc_ok(&t, pith_tcb_suspend(th.tcb), "suspend");
		c = counter;
		for (unsigned i = 0; i < 5; i++)
			pith_yield();
		tc_eq(&t, counter, c, "the count while suspended");
		tc_ok(&t, pith_tcb_resume(th.tcb), "resume");
		tc_true(&t, wait_count_change(c) != c,
			"it did not run again after resume");
		tc_ok(&t, pith_tcb_resume(th.tcb), "resume a runnable thread");
	}
	tc_end(&t);

	/* Deleting the last capability of a runnable thread stops it. */
	tc_begin(&t, "tcb_delete_runnable_thread_stops_it");
	tc_ok(&t, pith_cnode_delete(R, th.tcb, DEPTH), "delete the TCB");
	c = counter;
	for (unsigned i = 0; i < 5; i++)
		pith_yield();
	tc_eq(&t, counter, c, "the count after the delete");
	tc_eq(&t, cap_type(th.tcb), PITH_CAP_NULL, "the TCB's slot");
	tc_end(&t);
	thread_destroy(&th);
}

/* The root task stays runnable at 255: a thread below never runs. */
static void test_priorities(void)
{
	struct thread th = {0};
	pith_cptr_t other = obj_new(PITH_OBJ_TCB, 0);
	struct tcase t;

	tc_begin(&t, "tcb_lower_priority_never_runs");
	counter = 0;
	if (tc_true(&t, other && thread_create(&th, 254), "thread") &&
	    tc_ok(&t, thread_start(&th, count_forever, 0), "start")) {
		uint64_t start = rdtsc(), bound = starvation_bound_tsc(), seen;

		for (unsigned i = 0; i < 20; i++)
			pith_yield();
		seen = counter;
		/* Unless the starvation bound passed meanwhile (a very slow
		 * host), the thread below cannot have run. */
		if (!bound || rdtsc() - start < bound)
			tc_eq(&t, seen, 0,
			      "the count of a priority 254 thread");
	}
	tc_end(&t);

	tc_begin(&t, "tcb_set_priority");
	tc_ok(&t, pith_tcb_set_priority(th.tcb, PITH_SLOT_TCB, 255),
	      "raise it to 255");
	tc_true(&t, wait_count_change(0) != 0, "it still did not run");
	tc_end(&t);
	pith_tcb_suspend(th.tcb);

	tc_begin(&t, "tcb_set_mc_priority_bounds");
	tc_ok(&t, pith_tcb_set_mc_priority(th.tcb, PITH_SLOT_TCB, 100),
	      "set its MCP to 100");
	tc_ok(&t, pith_tcb_set_priority(other, th.tcb, 100),
	      "priority 100 with it as authority");
	tc_ok(&t, pith_tcb_set_mc_priority(other, th.tcb, 100),
	      "MCP 100 with it as authority");
	tc_detail(&t,
		  invoke(other, PITH_INV_TCB_SET_PRIORITY, WORDS(101),
			 CAPS(th.tcb)),
		  PITH_E_RANGE, 0, ANY, "priority 101 with it as authority");
	tc_detail(&t,
		  invoke(other, PITH_INV_TCB_SET_MC_PRIORITY, WORDS(101),
			 CAPS(th.tcb)),
		  PITH_E_RANGE, 0, ANY, "MCP 101 with it as authority");
	tc_end(&t);

	expect_detail("tcb_set_priority_256",
		      invoke(other, PITH_INV_TCB_SET_PRIORITY, WORDS(256),
			     CAPS(PITH_SLOT_TCB)),
		      PITH_E_RANGE, 0, ANY);
	expect_detail("tcb_set_priority_authority_not_tcb",
		      invoke(other, PITH_INV_TCB_SET_PRIORITY, WORDS(1),
			     CAPS(PITH_SLOT_DEBUG)),
		      PITH_E_INVALID_CAPABILITY, 1, ANY);
	expect_detail("tcb_set_mc_priority_authority_not_tcb",
		      invoke(other, PITH_INV_TCB_SET_MC_PRIORITY, WORDS(1),
			     CAPS(PITH_SLOT_CNODE)),
		      PITH_E_INVALID_CAPABILITY, 1, ANY);
	thread_destroy(&th);
	slot_free(other);
}

static void test_configure_errors(void)
{
	pith_cptr_t tcb = obj_new(PITH_OBJ_TCB, 0);
	pith_cptr_t vs = obj_new(PITH_OBJ_VSPACE, 0); /* no ASID */
	pith_cptr_t buf = obj_new(PITH_OBJ_FRAME_4K, 0);
	pith_cptr_t dev = untyped_device(), devf = 0;
	uint64_t ipc = TEST_VA_NO_PT;

	if (dev)
		devf = obj_new_from(dev, PITH_OBJ_FRAME_4K, 0);
	expect_err("tcb_resume_unconfigured", pith_tcb_resume(tcb),
		   PITH_E_ILLEGAL_OPERATION);
	expect_err("tcb_suspend_unstarted", pith_tcb_suspend(tcb), PITH_OK);
	expect_detail("tcb_configure_cspace_not_cnode",
		      invoke(tcb, PITH_INV_TCB_CONFIGURE, WORDS(0, 0, ipc),
			     CAPS(buf, PITH_SLOT_VSPACE, buf)),
		      PITH_E_INVALID_CAPABILITY, 1, ANY);
	expect_detail("tcb_configure_vspace_without_asid",
		      invoke(tcb, PITH_INV_TCB_CONFIGURE, WORDS(0, 0, ipc),
			     CAPS(R, vs, buf)),
		      PITH_E_INVALID_CAPABILITY, 2, ANY);
	expect_detail("tcb_configure_vspace_not_vspace",
		      invoke(tcb, PITH_INV_TCB_CONFIGURE, WORDS(0, 0, ipc),
			     CAPS(R, R, buf)),
		      PITH_E_INVALID_CAPABILITY, 2, ANY);
	expect_detail("tcb_configure_ipc_buffer_unaligned",
		      invoke(tcb, PITH_INV_TCB_CONFIGURE, WORDS(0, 0, ipc + 8),
			     CAPS(R, PITH_SLOT_VSPACE, buf)),
		      PITH_E_ALIGNMENT, 2, ANY);
	expect_detail("tcb_configure_ipc_buffer_kernel",
		      invoke(tcb, PITH_INV_TCB_CONFIGURE,
			     WORDS(0, 0, KERNEL_ADDRESS),
			     CAPS(R, PITH_SLOT_VSPACE, buf)),
		      PITH_E_INVALID_ARGUMENT, 2, ANY);
	expect_detail("tcb_configure_ipc_buffer_not_frame",
		      invoke(tcb, PITH_INV_TCB_CONFIGURE, WORDS(0, 0, ipc),
			     CAPS(R, PITH_SLOT_VSPACE, R)),
		      PITH_E_INVALID_CAPABILITY, 3, ANY);
	expect_detail("tcb_configure_ipc_buffer_device_frame",
		      invoke(tcb, PITH_INV_TCB_CONFIGURE, WORDS(0, 0, ipc),
			     CAPS(R, PITH_SLOT_VSPACE, devf)),
		      PITH_E_INVALID_CAPABILITY, 3, ANY);
	/* The kernel writes messages into the IPC buffer: a read-only frame
	 * (here the boot-info page's) would become writable through it. */
	expect_detail(
		"tcb_configure_ipc_buffer_read_only",
		invoke(tcb, PITH_INV_TCB_CONFIGURE, WORDS(0, 0, ipc),
		       CAPS(R, PITH_SLOT_VSPACE, PITH_SLOT_BOOTINFO_FRAME)),
		PITH_E_MISSING_RIGHTS, PITH_RIGHT_WRITE, ANY);
	expect_err("tcb_configure_errors_left_it_unconfigured",
		   pith_tcb_resume(tcb), PITH_E_ILLEGAL_OPERATION);
	/* Without an IPC buffer the frame argument is ignored. */
	expect_err("tcb_configure_without_ipc_buffer",
		   pith_tcb_configure(tcb, R, PITH_SLOT_VSPACE, R, 0, 0, 0),
		   PITH_OK);
	slot_free(devf);
	slot_free(buf);
	slot_free(vs);
	slot_free(tcb);
}

static void test_register_errors(void)
{
	pith_cptr_t tcb = obj_new(PITH_OBJ_TCB, 0);
	uint64_t regs[REG_COUNT] = {0};
	/* resume, count 19, and 19 registers (the ABI has 18) */
	uint64_t words[REG_COUNT + 3] = {0, REG_COUNT + 1, USER_IMAGE_BASE};

	pith_cptr_t self = cap_copy(PITH_SLOT_TCB, PITH_RIGHTS_ALL);

	expect_err("tcb_read_registers_self_through_a_copy",
		   pith_tcb_read_registers(self, 1, regs),
		   PITH_E_ILLEGAL_OPERATION);
	slot_free(self);
	expect_err("tcb_read_registers_self",
		   pith_tcb_read_registers(PITH_SLOT_TCB, 1, regs),
		   PITH_E_ILLEGAL_OPERATION);
	expect_err("tcb_write_registers_self",
		   pith_tcb_write_registers(PITH_SLOT_TCB, 0, 1, regs),
		   PITH_E_ILLEGAL_OPERATION);
	expect_detail(
		"tcb_read_registers_count_0",
		invoke(tcb, PITH_INV_TCB_READ_REGISTERS, WORDS(0), NO_CAPS),
		PITH_E_RANGE, 0, ANY);
	expect_detail(
		"tcb_read_registers_count_19",
		invoke(tcb, PITH_INV_TCB_READ_REGISTERS, WORDS(19), NO_CAPS),
		PITH_E_RANGE, 0, ANY);
	expect_detail("tcb_write_registers_count_19",
		      invoke(tcb, PITH_INV_TCB_WRITE_REGISTERS, words,
			     REG_COUNT + 3, NO_CAPS),
		      PITH_E_RANGE, 1, ANY);
	expect_detail(
		"tcb_write_registers_count_0",
		invoke(tcb, PITH_INV_TCB_WRITE_REGISTERS, WORDS(0, 0), NO_CAPS),
		PITH_E_RANGE, 1, ANY);
	expect_detail("tcb_write_registers_fewer_words_than_count",
		      invoke(tcb, PITH_INV_TCB_WRITE_REGISTERS,
			     WORDS(0, 3, 0x400000, 0x500000), NO_CAPS),
		      PITH_E_RANGE, 1, ANY);
	expect_detail("tcb_write_registers_kernel_rip",
		      invoke(tcb, PITH_INV_TCB_WRITE_REGISTERS,
			     WORDS(0, 1, KERNEL_ADDRESS), NO_CAPS),
		      PITH_E_INVALID_ARGUMENT, 2, ANY);
	expect_detail("tcb_write_registers_rip_at_user_limit",
		      invoke(tcb, PITH_INV_TCB_WRITE_REGISTERS,
			     WORDS(0, 1, USER_ADDR_LIMIT), NO_CAPS),
		      PITH_E_INVALID_ARGUMENT, 2, ANY);
	expect_detail("tcb_write_registers_noncanonical_rsp",
		      invoke(tcb, PITH_INV_TCB_WRITE_REGISTERS,
			     WORDS(0, 2, 0x400000, 0x0000800000000000ULL),
			     NO_CAPS),
		      PITH_E_INVALID_ARGUMENT, 2, ANY);
	slot_free(tcb);
}

/* Names are checked in the log too: vspace.c's helper faults as 'probe'.
 * The name is two words of NUL-padded printable characters. */
static void test_set_name(void)
{
	pith_cptr_t tcb = obj_new(PITH_OBJ_TCB, 0);

	expect_err("tcb_set_name", pith_thread_set_name(tcb, "worker"),
		   PITH_OK);
	expect_err("tcb_set_name_15_characters",
		   pith_thread_set_name(tcb, "abcdefghijklmnopq"), PITH_OK);
	expect_detail("tcb_set_name_empty",
		      invoke(tcb, PITH_INV_TCB_SET_NAME, WORDS(0, 0), NO_CAPS),
		      PITH_E_INVALID_ARGUMENT, 0, ANY);
	expect_detail("tcb_set_name_control_character",
		      invoke(tcb, PITH_INV_TCB_SET_NAME,
			     WORDS(0x0a61 /* "a\n" */, 0), NO_CAPS),
		      PITH_E_INVALID_ARGUMENT, 0, ANY);
	expect_detail("tcb_set_name_not_ascii",
		      invoke(tcb, PITH_INV_TCB_SET_NAME,
			     WORDS(0x80 /* "\x80" */, 0), NO_CAPS),
		      PITH_E_INVALID_ARGUMENT, 0, ANY);
	expect_detail("tcb_set_name_bytes_after_the_nul",
		      invoke(tcb, PITH_INV_TCB_SET_NAME,
			     WORDS(0x63006261 /* "ab\0c" */, 0), NO_CAPS),
		      PITH_E_INVALID_ARGUMENT, 0, ANY);
	expect_detail(
		"tcb_set_name_16th_character",
		invoke(tcb, PITH_INV_TCB_SET_NAME,
		       WORDS(0x6161616161616161ULL, 0x6161616161616161ULL),
		       NO_CAPS),
		PITH_E_INVALID_ARGUMENT, 1, ANY);
	expect_detail("tcb_set_name_truncated",
		      invoke(tcb, PITH_INV_TCB_SET_NAME, WORDS(0x61), NO_CAPS),
		      PITH_E_TRUNCATED_MESSAGE, ANY, ANY);
	slot_free(tcb);
}

/* The helper overwrites the registers the root task checks below. */
static void clobber_registers(uint64_t arg)
{
	__asm__ volatile("movq %0, %%rbx\n\t"
			 "movq %0, %%r12\n\t"
			 "movq %0, %%r13\n\t"
			 "movq %0, %%r14\n\t"
			 "movq %0, %%r15\n\t"
			 "movq %0, %%xmm0\n\t"
			 "movq %0, %%xmm7"
			 :
			 : "r"(arg)
			 : "rbx", "r12", "r13", "r14", "r15", "xmm0", "xmm7");
}

/*
 * The root task yields with known values in general-purpose and SSE
 * registers; a thread that overwrites its own runs meanwhile; the root
 * task's values must come back.
 */
static void test_switch_preserves_registers(void)
{
	struct thread th = {0};
	uint64_t bad = 0;
	struct tcase t;

	tc_begin(&t, "tcb_thread_switch_preserves_registers");
	if (tc_true(&t, thread_create(&th, 255), "thread") &&
	    tc_ok(&t, thread_start(&th, clobber_registers, 0xdeadULL),
		  "start")) {
		__asm__ volatile("movq $0x1111, %%rbx\n\t"
				 "movq $0xcccc, %%r12\n\t"
				 "movq $0xdddd, %%r13\n\t"
				 "movq $0xeeee, %%r14\n\t"
				 "movq $0xffff, %%r15\n\t"
				 "movq %%rbx, %%xmm0\n\t"
				 "movq %%r15, %%xmm7\n\t"
				 "movl $1, %%eax\n\t" /* yield */
				 "syscall\n\t"
				 "xorq $0x1111, %%rbx\n\t"
				 "orq %%rbx, %0\n\t"
				 "xorq $0xcccc, %%r12\n\t"
				 "orq %%r12, %0\n\t"
				 "xorq $0xdddd, %%r13\n\t"
				 "orq %%r13, %0\n\t"
				 "xorq $0xeeee, %%r14\n\t"
				 "orq %%r14, %0\n\t"
				 "xorq $0xffff, %%r15\n\t"
				 "orq %%r15, %0\n\t"
				 "movq %%xmm0, %%rbx\n\t"
				 "xorq $0x1111, %%rbx\n\t"
				 "orq %%rbx, %0\n\t"
				 "movq %%xmm7, %%rbx\n\t"
				 "xorq $0xffff, %%rbx\n\t"
				 "orq %%rbx, %0"
				 : "+m"(bad)
				 :
				 : "rax", "rbx", "rcx", "rdx", "rsi", "rdi",
				   "r8", "r9", "r10", "r11", "r12", "r13",
				   "r14", "r15", "xmm0", "xmm7", "memory");
		tc_eq(&t, th.state, THREAD_DONE, "the thread ran in between");
		tc_eq(&t, bad, 0, "changed bits in the root task's registers");
	}
	tc_end(&t);
	thread_destroy(&th);
}

void test_tcb(void)
{
	test_switch_preserves_registers();
	test_thread_runs();
	test_write_registers();
	test_suspend_resume();
	test_priorities();
	test_configure_errors();
	test_set_name();
	test_register_errors();
}
