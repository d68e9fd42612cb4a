/*
 * Host tests for the invocation layer (kernel/invocation.c): what the
 * generic code checks before any decode function runs (the label against
 * the capability's type, the number of words and capabilities, the rights)
 * and how it reports it; lookups of the invoked and the extra capabilities
 * with their details; where message and reply words travel (registers, IPC
 * buffer). Every call goes through invocation_call() on the fake caller.
 */
#include "fixture.h"

#include <string.h>

#include "caps/cdt.h"
#include "caps/cnode.h"
#include "caps/cspace.h"
#include "caps/irq.h"
#include "caps/tcb.h"
#include "kernel/arch.h"
#include "kernel/mem.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "pith/ipc_buffer.h"

#define ALL PITH_RIGHTS_ALL
#define R   PITH_RIGHT_READ
#define W   PITH_RIGHT_WRITE
#define X   PITH_RIGHT_EXECUTE

/* A capability of every type that has methods, by type. */
static uint64_t cap_of_type[PITH_CAP_COUNT];

static void make_one_of_each(void)
{
	memset(cap_of_type, 0, sizeof(cap_of_type));
	cap_of_type[PITH_CAP_UNTYPED] = FX_SLOT_UNTYPED;
	cap_of_type[PITH_CAP_CNODE] = FX_SLOT_CNODE;
	cap_of_type[PITH_CAP_FRAME] = FX_SLOT_IPC_FRAME;
	cap_of_type[PITH_CAP_ASID_CONTROL] = FX_SLOT_ASID_CONTROL;
	cap_of_type[PITH_CAP_IRQ_CONTROL] = FX_SLOT_IRQ_CONTROL;
	cap_of_type[PITH_CAP_IOPORT_CONTROL] = FX_SLOT_IOPORT_CONTROL;
	cap_of_type[PITH_CAP_DEBUG] = FX_SLOT_DEBUG;
	assert_ok(fx_retype(FX_SLOT_UNTYPED, PITH_OBJ_TCB, 0, 30, 1));
	cap_of_type[PITH_CAP_TCB] = 30;
	assert_ok(fx_retype(FX_SLOT_UNTYPED, PITH_OBJ_NOTIFICATION, 0, 31, 1));
	cap_of_type[PITH_CAP_NOTIFICATION] = 31;
	assert_ok(fx_retype(FX_SLOT_UNTYPED, PITH_OBJ_PAGE_TABLE, 0, 32, 1));
	cap_of_type[PITH_CAP_PAGE_TABLE] = 32;
	assert_ok(
		fx_retype(FX_SLOT_UNTYPED, PITH_OBJ_PAGE_DIRECTORY, 0, 33, 1));
	cap_of_type[PITH_CAP_PAGE_DIRECTORY] = 33;
	assert_ok(fx_retype(FX_SLOT_UNTYPED, PITH_OBJ_PDPT, 0, 34, 1));
	cap_of_type[PITH_CAP_PDPT] = 34;
	fx_small_untyped(36, 12);
	assert_ok(fx_call(PITH_INV_ASID_CONTROL_MAKE_POOL, FX_SLOT_ASID_CONTROL,
			  FX_WORDS(35, FX_DEPTH), FX_WORDS(36, FX_SLOT_CNODE)));
	cap_of_type[PITH_CAP_ASID_POOL] = 35;
	assert_ok(fx_call(PITH_INV_IRQ_CONTROL_GET_MSI, FX_SLOT_IRQ_CONTROL,
			  FX_WORDS(37, FX_DEPTH), FX_WORDS(FX_SLOT_CNODE)));
	cap_of_type[PITH_CAP_IRQ_HANDLER] = 37;
	assert_ok(fx_call(PITH_INV_IOPORT_CONTROL_ISSUE, FX_SLOT_IOPORT_CONTROL,
			  FX_WORDS(0x80, 0x8f, 38, FX_DEPTH),
			  FX_WORDS(FX_SLOT_CNODE)));
	cap_of_type[PITH_CAP_IOPORT] = 38;
	for (unsigned t = 0; t < PITH_CAP_COUNT; t++) {
		if (cap_of_type[t])
			assert_int_equal(fx_cap(cap_of_type[t])->type, t);
	}
}

static uint64_t zeros[PITH_MSG_MAX_WORDS];
static const uint64_t three_cnodes[] = {FX_SLOT_CNODE, FX_SLOT_CNODE,
					FX_SLOT_CNODE};

static void test_label_for_another_type_is_illegal(void **state)
{
	unsigned calls = 0;

	(void)state;
	make_one_of_each();
	for (unsigned label = 1; label < PITH_INV_COUNT; label++) {
		const struct invocation_desc *d = &invocation_table[label];

		assert_non_null(d->decode);
		if (!cap_of_type[d->cap_type])
			fail_msg("no capability of type %u for %s", d->cap_type,
				 d->name);
		for (unsigned t = 0; t < PITH_CAP_COUNT; t++) {
			/* Call on an endpoint is IPC, not an invocation. */
			if (!cap_of_type[t] || t == d->cap_type ||
			    t == PITH_CAP_ENDPOINT)
				continue;
			/* A full message: only the type is wrong. */
			if (fx_call(label, cap_of_type[t], zeros,
				    PITH_MSG_MAX_WORDS, three_cnodes,
				    3) != PITH_E_ILLEGAL_OPERATION)
				fail_msg("label %u (%s) on a capability of "
					 "type %u: error %llu, expected "
					 "ILLEGAL_OPERATION",
					 label, d->name, t,
					 (unsigned long long)fx_last.err);
			assert_detail(0, 0);
			calls++;
		}
	}
	assert_true(calls > 500);
	/* A type without methods (call on an endpoint is IPC instead). */
	assert_ok(fx_retype(FX_SLOT_UNTYPED, PITH_OBJ_VSPACE, 0, 41, 1));
	for (unsigned label = 1; label < PITH_INV_COUNT; label++)
		assert_err(fx_call(label, 41, zeros, PITH_MSG_MAX_WORDS,
				   three_cnodes, 3),
			   PITH_E_ILLEGAL_OPERATION);
}

static void test_unknown_labels_are_illegal(void **state)
{
	static const uint64_t labels[] = {
		PITH_INV_NONE, PITH_INV_COUNT,	 PITH_INV_COUNT + 1,
		0xffff,	       (1ULL << 52) - 1,
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(labels); i++) {
		assert_err(fx_call(labels[i], FX_SLOT_CNODE, zeros,
				   PITH_MSG_MAX_WORDS, three_cnodes, 3),
			   PITH_E_ILLEGAL_OPERATION);
		assert_detail(0, 0);
	}
}

static void test_too_few_words_or_caps_is_truncated(void **state)
{
	unsigned checked = 0;

	(void)state;
	make_one_of_each();
	/* What the ABI says of a few methods. */
	assert_int_equal(invocation_table[PITH_INV_UNTYPED_RETYPE].args, 6);
	assert_int_equal(invocation_table[PITH_INV_UNTYPED_RETYPE].caps, 1);
	assert_int_equal(invocation_table[PITH_INV_CNODE_MINT].args, 6);
	assert_int_equal(invocation_table[PITH_INV_CNODE_DELETE].caps, 0);
	assert_int_equal(invocation_table[PITH_INV_TCB_CONFIGURE].caps, 3);
	assert_int_equal(invocation_table[PITH_INV_ASID_CONTROL_MAKE_POOL].caps,
			 2);
	for (unsigned label = 1; label < PITH_INV_COUNT; label++) {
		const struct invocation_desc *d = &invocation_table[label];
		uint64_t cptr = cap_of_type[d->cap_type];

		if (d->args > 0) {
			assert_err(fx_call(label, cptr, zeros, d->args - 1u,
					   three_cnodes, d->caps),
				   PITH_E_TRUNCATED_MESSAGE);
			assert_detail(0, 0);
			checked++;
		}
		if (d->caps > 0) {
			assert_err(fx_call(label, cptr, zeros, d->args,
					   three_cnodes, d->caps - 1u),
				   PITH_E_TRUNCATED_MESSAGE);
			checked++;
		}
	}
	assert_true(checked > 30);
}

static void test_missing_rights(void **state)
{
	(void)state;
	make_one_of_each();
	for (unsigned label = 1; label < PITH_INV_COUNT; label++) {
		const struct invocation_desc *d = &invocation_table[label];

		if (!d->rights)
			continue;
		assert_ok(fx_copy(50, cap_of_type[d->cap_type],
				  ALL & ~d->rights));
		assert_err(fx_call(label, 50, zeros, d->args, three_cnodes,
				   d->caps),
			   PITH_E_MISSING_RIGHTS);
		assert_detail(d->rights, 0);
		assert_ok(fx_delete(50));
	}
	/* Signal needs write, poll read; a capability without rights can do
	 * neither. */
	assert_ok(fx_copy(51, 31, R));
	assert_err(fx_call(PITH_INV_NOTIFICATION_SIGNAL, 51, FX_NONE, FX_NONE),
		   PITH_E_MISSING_RIGHTS);
	assert_detail(W, 0);
	assert_ok(fx_call(PITH_INV_NOTIFICATION_POLL, 51, FX_NONE, FX_NONE));
	assert_ok(fx_copy(52, 31, 0));
	assert_err(fx_call(PITH_INV_NOTIFICATION_POLL, 52, FX_NONE, FX_NONE),
		   PITH_E_MISSING_RIGHTS);
	assert_detail(R, 0);
	/* Rights checked inside decode functions report the same way. */
	assert_ok(fx_copy(53, FX_SLOT_IPC_FRAME, R));
	assert_err(fx_call(PITH_INV_FRAME_MAP, 53, FX_WORDS(0x1000, R | W, 0),
			   FX_WORDS(FX_SLOT_CNODE)),
		   PITH_E_MISSING_RIGHTS);
	assert_detail(W, 0);
	assert_err(fx_call(PITH_INV_FRAME_MAP, FX_SLOT_IPC_FRAME,
			   FX_WORDS(0x1000, R | X, 0), FX_WORDS(FX_SLOT_CNODE)),
		   PITH_E_MISSING_RIGHTS);
	assert_detail(X, 0);
	assert_err(
		fx_call(PITH_INV_FRAME_REMAP, 53, FX_WORDS(R | W, 0), FX_NONE),
		PITH_E_MISSING_RIGHTS);
	assert_detail(W, 0);
	assert_ok(fx_call(PITH_INV_IRQ_HANDLER_SET_NOTIFICATION, 37, FX_NONE,
			  FX_WORDS(31)));
	assert_err(fx_call(PITH_INV_IRQ_HANDLER_SET_NOTIFICATION, 37, FX_NONE,
			   FX_WORDS(51)),
		   PITH_E_MISSING_RIGHTS);
	assert_detail(W, 0);
}

static void test_failed_lookup_of_the_invoked_cap(void **state)
{
	struct cte *cs = &fx_caller->slots[TCB_SLOT_CSPACE];

	(void)state;
	assert_err(fx_call(PITH_INV_UNTYPED_DESCRIBE, 100, FX_NONE, FX_NONE),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(LOOKUP_WHICH_INVOKED, LOOKUP_EMPTY);
	assert_err(fx_call(PITH_INV_UNTYPED_DESCRIBE,
			   1ULL << 8 | FX_SLOT_UNTYPED, FX_NONE, FX_NONE),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(LOOKUP_WHICH_INVOKED, LOOKUP_GUARD);
	assert_err(fx_call(PITH_INV_UNTYPED_DESCRIBE,
			   1ULL << 63 | FX_SLOT_UNTYPED, FX_NONE, FX_NONE),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(LOOKUP_WHICH_INVOKED, LOOKUP_GUARD);
	/* Failing first: neither label nor message matter. */
	assert_err(fx_call(0, 100, FX_NONE, FX_NONE), PITH_E_FAILED_LOOKUP);
	/* A thread without a CSpace reaches nothing. */
	cte_delete(cs);
	assert_err(fx_call(PITH_INV_UNTYPED_DESCRIBE, FX_SLOT_UNTYPED, FX_NONE,
			   FX_NONE),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(LOOKUP_WHICH_INVOKED, LOOKUP_NOT_CNODE);
	cdt_insert(fx_slot(FX_SLOT_CNODE), cs, *fx_cap(FX_SLOT_CNODE), 0);
	assert_ok(fx_call(PITH_INV_UNTYPED_DESCRIBE, FX_SLOT_UNTYPED, FX_NONE,
			  FX_NONE));
}

static void test_failed_lookup_of_extra_caps(void **state)
{
	(void)state;
	/* Untyped.Retype: the root, extra capability 1. */
	assert_err(fx_call(PITH_INV_UNTYPED_RETYPE, FX_SLOT_UNTYPED,
			   FX_WORDS(PITH_OBJ_ENDPOINT, 0, 0, 0, 20, 1),
			   FX_WORDS(100)),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(1, LOOKUP_EMPTY);
	assert_empty(20);
	/* AsidControl.MakePool: the second one, with a guard mismatch. */
	fx_small_untyped(21, 12);
	assert_err(fx_call(PITH_INV_ASID_CONTROL_MAKE_POOL,
			   FX_SLOT_ASID_CONTROL, FX_WORDS(22, FX_DEPTH),
			   FX_WORDS(21, 1ULL << 32 | FX_SLOT_CNODE)),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(2, LOOKUP_GUARD);
	assert_empty(22);
	/* TCB.Configure: the third. */
	assert_ok(fx_retype(FX_SLOT_UNTYPED, PITH_OBJ_TCB, 0, 23, 1));
	assert_err(fx_call(PITH_INV_TCB_CONFIGURE, 23, FX_WORDS(0, 0, 0),
			   FX_WORDS(FX_SLOT_CNODE, FX_SLOT_CNODE, 101)),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(3, LOOKUP_EMPTY);
	/* Extra capabilities are looked up as the message is read, before
	 * the label is checked, and even those a method does not take. */
	assert_err(fx_call(0, FX_SLOT_CNODE, FX_NONE, FX_WORDS(100)),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(1, LOOKUP_EMPTY);
	assert_err(fx_call(PITH_INV_UNTYPED_DESCRIBE, FX_SLOT_UNTYPED, FX_NONE,
			   FX_WORDS(FX_SLOT_CNODE, 100)),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(2, LOOKUP_EMPTY);
}

/* CNode operations: failed lookups say which address (4 source, 5
 * destination) and why; a depth out of range names the depth argument. */
static void test_slot_lookup_details(void **state)
{
	(void)state;
	assert_ok(fx_retype(FX_SLOT_UNTYPED, PITH_OBJ_ENDPOINT, 0, 16, 1));
	assert_err(fx_call(PITH_INV_CNODE_COPY, FX_SLOT_CNODE,
			   FX_WORDS(17, 32, 16, FX_DEPTH, ALL),
			   FX_WORDS(FX_SLOT_CNODE)),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(LOOKUP_WHICH_DEST, LOOKUP_DEPTH);
	assert_err(
		fx_call(PITH_INV_CNODE_COPY, FX_SLOT_CNODE,
			FX_WORDS(17, FX_DEPTH, 1ULL << 40 | 16, FX_DEPTH, ALL),
			FX_WORDS(FX_SLOT_CNODE)),
		PITH_E_FAILED_LOOKUP);
	assert_detail(LOOKUP_WHICH_SOURCE, LOOKUP_GUARD);
	assert_err(fx_copy(17, 18, ALL), PITH_E_FAILED_LOOKUP);
	assert_detail(LOOKUP_WHICH_SOURCE, LOOKUP_EMPTY);
	assert_err(fx_call(PITH_INV_CNODE_COPY, FX_SLOT_CNODE,
			   FX_WORDS(17, FX_DEPTH, 16, FX_DEPTH, ALL),
			   FX_WORDS(16)),
		   PITH_E_INVALID_CAPABILITY);
	assert_detail(1, 0);

	/* RANGE for a depth of 0 or over 64: MR0 is the depth argument. */
#define DEPTH_RANGE(label, cptr, words, caps, arg)                             \
	do {                                                                   \
		assert_err(fx_call((label), (cptr), words, caps),              \
			   PITH_E_RANGE);                                      \
		assert_detail((arg), 0);                                       \
	} while (0)
	DEPTH_RANGE(PITH_INV_CNODE_COPY, FX_SLOT_CNODE,
		    FX_WORDS(17, 0, 16, FX_DEPTH, ALL), FX_WORDS(FX_SLOT_CNODE),
		    1);
	DEPTH_RANGE(PITH_INV_CNODE_COPY, FX_SLOT_CNODE,
		    FX_WORDS(17, FX_DEPTH, 16, 65, ALL),
		    FX_WORDS(FX_SLOT_CNODE), 3);
	DEPTH_RANGE(PITH_INV_CNODE_MINT, FX_SLOT_CNODE,
		    FX_WORDS(17, 65, 16, FX_DEPTH, ALL, 1),
		    FX_WORDS(FX_SLOT_CNODE), 1);
	DEPTH_RANGE(PITH_INV_CNODE_MOVE, FX_SLOT_CNODE,
		    FX_WORDS(17, FX_DEPTH, 16, 0), FX_WORDS(FX_SLOT_CNODE), 3);
	DEPTH_RANGE(PITH_INV_CNODE_MUTATE, FX_SLOT_CNODE,
		    FX_WORDS(17, UINT64_MAX, 16, FX_DEPTH, 1),
		    FX_WORDS(FX_SLOT_CNODE), 1);
	DEPTH_RANGE(PITH_INV_CNODE_DELETE, FX_SLOT_CNODE, FX_WORDS(16, 0),
		    FX_NONE, 1);
	DEPTH_RANGE(PITH_INV_CNODE_REVOKE, FX_SLOT_CNODE, FX_WORDS(16, 65),
		    FX_NONE, 1);
	DEPTH_RANGE(PITH_INV_UNTYPED_RETYPE, FX_SLOT_UNTYPED,
		    FX_WORDS(PITH_OBJ_ENDPOINT, 0, 20, 65, 0, 1),
		    FX_WORDS(FX_SLOT_CNODE), 3);
	DEPTH_RANGE(PITH_INV_IRQ_CONTROL_GET_MSI, FX_SLOT_IRQ_CONTROL,
		    FX_WORDS(20, 0), FX_WORDS(FX_SLOT_CNODE), 1);
	DEPTH_RANGE(PITH_INV_IRQ_CONTROL_GET_ISA, FX_SLOT_IRQ_CONTROL,
		    FX_WORDS(1, 20, 0), FX_WORDS(FX_SLOT_CNODE), 2);
	DEPTH_RANGE(PITH_INV_IRQ_CONTROL_GET_IOAPIC, FX_SLOT_IRQ_CONTROL,
		    FX_WORDS(1, 0, 0, 20, 0), FX_WORDS(FX_SLOT_CNODE), 4);
	DEPTH_RANGE(PITH_INV_IOPORT_CONTROL_ISSUE, FX_SLOT_IOPORT_CONTROL,
		    FX_WORDS(0x60, 0x60, 20, 0), FX_WORDS(FX_SLOT_CNODE), 3);
	fx_small_untyped(21, 12);
	DEPTH_RANGE(PITH_INV_ASID_CONTROL_MAKE_POOL, FX_SLOT_ASID_CONTROL,
		    FX_WORDS(20, 0), FX_WORDS(21, FX_SLOT_CNODE), 1);
#undef DEPTH_RANGE
	assert_empty(17);
	assert_empty(20);
}

static void test_reply_words(void **state)
{
	struct arch_context *ctx = &fx_caller->ctx;

	(void)state;
	assert_ok(fx_call(PITH_INV_UNTYPED_DESCRIBE, FX_SLOT_UNTYPED, FX_NONE,
			  FX_NONE));
	/* Result in %rax, info in %rsi, words 0-3 in rdx, r10, r8, r9. */
	assert_int_equal(ctx->rax, PITH_OK);
	assert_int_equal(ctx->rsi, PITH_MSGINFO(0, 4, 0));
	assert_int_equal(ctx->rdx, FX_UNTYPED_PADDR);
	assert_int_equal(ctx->r10, FX_UNTYPED_BITS);
	assert_int_equal(ctx->r8, 0);
	assert_int_equal(ctx->r9, 0);
	/* Errors: two detail words, label 0. */
	assert_err(fx_call(PITH_INV_UNTYPED_RETYPE, FX_SLOT_UNTYPED,
			   FX_WORDS(99, 0, 0, 0, 20, 1),
			   FX_WORDS(FX_SLOT_CNODE)),
		   PITH_E_INVALID_ARGUMENT);
	assert_int_equal(ctx->rsi, PITH_MSGINFO(0, 2, 0));
	assert_int_equal(ctx->rdx, 0);
	assert_int_equal(ctx->r10, 0);
	/* A method without results: no words. */
	assert_ok(fx_call(PITH_INV_CNODE_DELETE, FX_SLOT_CNODE,
			  FX_WORDS(20, FX_DEPTH), FX_NONE));
	assert_int_equal(fx_last.nret, 0);
	assert_int_equal(fx_last.label, 0);
}

static void test_words_beyond_the_registers(void **state)
{
	uint64_t regs[ARCH_REGISTERS], words[2 + ARCH_REGISTERS];

	(void)state;
	/* Retype's node_offset and num_objects are words 4 and 5. */
	assert_ok(fx_call(PITH_INV_UNTYPED_RETYPE, FX_SLOT_UNTYPED,
			  FX_WORDS(PITH_OBJ_NOTIFICATION, 0, 0, 0, 40, 3),
			  FX_WORDS(FX_SLOT_CNODE)));
	assert_int_equal(fx_cap(40)->type, PITH_CAP_NOTIFICATION);
	assert_int_equal(fx_cap(42)->type, PITH_CAP_NOTIFICATION);
	assert_empty(43);

	/* Registers of another thread: 18 words each way. */
	assert_ok(fx_retype(FX_SLOT_UNTYPED, PITH_OBJ_TCB, 0, 30, 1));
	words[0] = 0;		   /* resume */
	words[1] = ARCH_REGISTERS; /* count */
	for (unsigned i = 0; i < ARCH_REGISTERS; i++)
		words[2 + i] = regs[i] = 0x1111ULL * (i + 1);
	words[2] = regs[0] = 0x401000;	 /* rip */
	words[3] = regs[1] = 0x7fff0000; /* rsp */
	assert_ok(fx_call(PITH_INV_TCB_WRITE_REGISTERS, 30, words,
			  ARCH_REGISTERS + 2, FX_NONE));
	assert_int_equal(fx_cap(30)->tcb.tcb->ctx.r15, regs[17]);
	assert_ok(fx_call(PITH_INV_TCB_READ_REGISTERS, 30,
			  FX_WORDS(ARCH_REGISTERS), FX_NONE));
	assert_int_equal(fx_last.nret, ARCH_REGISTERS);
	for (unsigned i = 0; i < ARCH_REGISTERS; i++)
		assert_int_equal(fx_last.mr[i], regs[i]);
	assert_ok(
		fx_call(PITH_INV_TCB_READ_REGISTERS, 30, FX_WORDS(1), FX_NONE));
	assert_int_equal(fx_last.nret, 1);
	assert_int_equal(fx_last.mr[0], 0x401000);
	/* Counts and addresses out of range; the caller itself. */
	assert_err(fx_call(PITH_INV_TCB_READ_REGISTERS, 30,
			   FX_WORDS(ARCH_REGISTERS + 1), FX_NONE),
		   PITH_E_RANGE);
	assert_detail(0, 0);
	assert_err(
		fx_call(PITH_INV_TCB_READ_REGISTERS, 30, FX_WORDS(0), FX_NONE),
		PITH_E_RANGE);
	words[1] = ARCH_REGISTERS + 1;
	assert_err(fx_call(PITH_INV_TCB_WRITE_REGISTERS, 30, words,
			   ARCH_REGISTERS + 2, FX_NONE),
		   PITH_E_RANGE);
	assert_detail(1, 0);
	words[1] = 3; /* but only 2 register words follow */
	assert_err(fx_call(PITH_INV_TCB_WRITE_REGISTERS, 30, words, 4, FX_NONE),
		   PITH_E_RANGE);
	words[1] = 1;
	words[2] = USER_ADDR_LIMIT;
	assert_err(fx_call(PITH_INV_TCB_WRITE_REGISTERS, 30, words, 3, FX_NONE),
		   PITH_E_INVALID_ARGUMENT);
	assert_detail(2, 0);
	assert_err(fx_call(PITH_INV_TCB_READ_REGISTERS, FX_SLOT_TCB,
			   FX_WORDS(1), FX_NONE),
		   PITH_E_ILLEGAL_OPERATION);
}

static void test_without_an_ipc_buffer(void **state)
{
	(void)state;
	tcb_set_ipc_buffer(fx_caller, 0);
	assert_null(tcb_ipc_buffer(fx_caller));
	/* Only the four register words arrive, and no capabilities. */
	assert_err(fx_call(PITH_INV_UNTYPED_RETYPE, FX_SLOT_UNTYPED,
			   FX_WORDS(PITH_OBJ_ENDPOINT, 0, 0, 0, 20, 1),
			   FX_WORDS(FX_SLOT_CNODE)),
		   PITH_E_TRUNCATED_MESSAGE);
	assert_err(fx_call(PITH_INV_IRQ_CONTROL_GET_MSI, FX_SLOT_IRQ_CONTROL,
			   FX_WORDS(20, FX_DEPTH), FX_WORDS(FX_SLOT_CNODE)),
		   PITH_E_TRUNCATED_MESSAGE);
	assert_empty(20);
	/* Register-only methods work. */
	assert_ok(fx_call(PITH_INV_UNTYPED_DESCRIBE, FX_SLOT_UNTYPED, FX_NONE,
			  FX_NONE));
	assert_int_equal(fx_last.mr[1], FX_UNTYPED_BITS);
	assert_ok(fx_call(PITH_INV_CNODE_DELETE, FX_SLOT_CNODE,
			  FX_WORDS(20, FX_DEPTH), FX_NONE));
	tcb_set_ipc_buffer(fx_caller, FX_IPC_VADDR);
}

static void test_message_info_fields_are_bounded(void **state)
{
	struct arch_context *ctx = &fx_caller->ctx;
	struct pith_ipc_buffer *ipc = tcb_ipc_buffer(fx_caller);

	(void)state;
	for (unsigned i = 0; i < PITH_MSG_MAX_CAPS; i++)
		ipc->caps[i] = FX_SLOT_CNODE;
	/* 127 words claimed (the field's maximum): 32 read, no more. */
	ctx->rdi = FX_SLOT_UNTYPED;
	ctx->rsi = PITH_MSGINFO(PITH_INV_UNTYPED_DESCRIBE, 127, 0);
	syscall_handle(fx_caller);
	assert_int_equal(ctx->rax, PITH_OK);
	assert_int_equal(ctx->rdx, FX_UNTYPED_PADDR);
	/* Words and capabilities are separate fields. */
	ctx->rdi = FX_SLOT_CNODE;
	ctx->rsi = PITH_MSGINFO(PITH_INV_CNODE_DELETE, 1, 3);
	syscall_handle(fx_caller);
	assert_int_equal(ctx->rax, PITH_E_TRUNCATED_MESSAGE);
}

static void test_debug_identify_and_write(void **state)
{
	struct fx_vspace v;
	struct cte *vs = &fx_caller->slots[TCB_SLOT_VSPACE];
	static const char text[14] = "hello\x1b[2Jworld"; /* no NUL */
	char *page;

	(void)state;
	assert_ok(fx_call(PITH_INV_DEBUG_IDENTIFY, FX_SLOT_DEBUG,
			  FX_WORDS(FX_SLOT_UNTYPED), FX_NONE));
	assert_int_equal(fx_last.nret, 3);
	assert_int_equal(fx_last.mr[0], PITH_CAP_UNTYPED);
	assert_int_equal(fx_last.mr[1], ALL);
	assert_int_equal(fx_last.mr[2], 0);
	assert_ok(fx_call(PITH_INV_DEBUG_IDENTIFY, FX_SLOT_DEBUG,
			  FX_WORDS(FX_SLOT_CNODE), FX_NONE));
	assert_int_equal(fx_last.mr[2], 64 - FX_ROOT_BITS); /* the guard */
	assert_ok(fx_retype(FX_SLOT_UNTYPED, PITH_OBJ_ENDPOINT, 0, 16, 1));
	assert_ok(fx_mint(17, 16, R, 0x77));
	assert_ok(fx_call(PITH_INV_DEBUG_IDENTIFY, FX_SLOT_DEBUG, FX_WORDS(17),
			  FX_NONE));
	assert_int_equal(fx_last.mr[0], PITH_CAP_ENDPOINT);
	assert_int_equal(fx_last.mr[1], R);
	assert_int_equal(fx_last.mr[2], 0x77);
	assert_ok(fx_call(PITH_INV_DEBUG_IDENTIFY, FX_SLOT_DEBUG, FX_WORDS(18),
			  FX_NONE));
	assert_int_equal(fx_last.mr[0], PITH_CAP_NULL);
	assert_ok(fx_call(PITH_INV_DEBUG_IDENTIFY, FX_SLOT_DEBUG,
			  FX_WORDS(1ULL << 60), FX_NONE));
	assert_int_equal(fx_last.mr[0], PITH_CAP_NULL);

	/* Write: through the caller's address space only. */
	assert_err(fx_call(PITH_INV_DEBUG_WRITE, FX_SLOT_DEBUG,
			   FX_WORDS(0x1000, 4), FX_NONE),
		   PITH_E_FAULT);
	v = fx_make_vspace(20, 21, 22);
	cdt_insert(fx_slot(22), vs, *fx_cap(22), 0);
	assert_ok(fx_retype(FX_SLOT_UNTYPED, PITH_OBJ_PDPT, 0, 23, 1));
	assert_ok(
		fx_retype(FX_SLOT_UNTYPED, PITH_OBJ_PAGE_DIRECTORY, 0, 24, 1));
	assert_ok(fx_retype(FX_SLOT_UNTYPED, PITH_OBJ_PAGE_TABLE, 0, 25, 1));
	assert_ok(fx_retype(FX_SLOT_UNTYPED, PITH_OBJ_FRAME_4K, 0, 26, 1));
	assert_ok(
		fx_call(PITH_INV_PDPT_MAP, 23, FX_WORDS(0x1000), FX_WORDS(22)));
	assert_ok(fx_call(PITH_INV_PAGE_DIRECTORY_MAP, 24, FX_WORDS(0x1000),
			  FX_WORDS(22)));
	assert_ok(fx_call(PITH_INV_PAGE_TABLE_MAP, 25, FX_WORDS(0x1000),
			  FX_WORDS(22)));
	assert_ok(fx_call(PITH_INV_FRAME_MAP, 26, FX_WORDS(0x1000, R, 0),
			  FX_WORDS(22)));
	page = phys_to_virt(fx_cap(26)->page.paddr);
	memcpy(page + 0xff0, text, sizeof(text));
	machine_log_clear();
	assert_ok(fx_call(PITH_INV_DEBUG_WRITE, FX_SLOT_DEBUG,
			  FX_WORDS(0x1ff0, 14), FX_NONE));
	assert_true(machine_log_contains("hello?[2Jworld"));
	/* Running off the mapped page: nothing is printed. */
	machine_log_clear();
	assert_err(fx_call(PITH_INV_DEBUG_WRITE, FX_SLOT_DEBUG,
			   FX_WORDS(0x1ff0, 17), FX_NONE),
		   PITH_E_FAULT);
	assert_false(machine_log_contains("hello"));
	assert_err(fx_call(PITH_INV_DEBUG_WRITE, FX_SLOT_DEBUG,
			   FX_WORDS(0x1000, 4097), FX_NONE),
		   PITH_E_RANGE);
	assert_detail(1, 0);
	assert_err(fx_call(PITH_INV_DEBUG_WRITE, FX_SLOT_DEBUG,
			   FX_WORDS(UINT64_MAX - 2, 4), FX_NONE),
		   PITH_E_FAULT);
	(void)v;
	cte_delete(vs);
}

/* Arguments are checked as the 64-bit words they are: a value is not
 * truncated into range first. */
static void test_arguments_are_checked_whole(void **state)
{
	const uint64_t high = 1ULL << 32;
	uint64_t err;

	(void)state;
	assert_err(fx_call(PITH_INV_UNTYPED_RETYPE, FX_SLOT_UNTYPED,
			   FX_WORDS(high | PITH_OBJ_ENDPOINT, 0, 0, 0, 21, 1),
			   FX_WORDS(FX_SLOT_CNODE)),
		   PITH_E_INVALID_ARGUMENT);
	assert_err(fx_call(PITH_INV_UNTYPED_RETYPE, FX_SLOT_UNTYPED,
			   FX_WORDS(PITH_OBJ_CNODE, high | 4, 0, 0, 21, 1),
			   FX_WORDS(FX_SLOT_CNODE)),
		   PITH_E_RANGE);
	assert_err(fx_call(PITH_INV_IRQ_CONTROL_GET_ISA, FX_SLOT_IRQ_CONTROL,
			   FX_WORDS(high | 1, 21, FX_DEPTH),
			   FX_WORDS(FX_SLOT_CNODE)),
		   PITH_E_RANGE);
	assert_err(fx_call(PITH_INV_IOPORT_CONTROL_ISSUE,
			   FX_SLOT_IOPORT_CONTROL,
			   FX_WORDS(0x60, high | 0x60, 21, FX_DEPTH),
			   FX_WORDS(FX_SLOT_CNODE)),
		   PITH_E_RANGE);
	assert_ok(fx_retype(FX_SLOT_UNTYPED, PITH_OBJ_TCB, 0, 22, 1));
	assert_err(fx_call(PITH_INV_TCB_SET_PRIORITY, 22, FX_WORDS(high | 1),
			   FX_WORDS(FX_SLOT_TCB)),
		   PITH_E_RANGE);
	assert_err(fx_call(PITH_INV_FRAME_MAP, FX_SLOT_IPC_FRAME,
			   FX_WORDS(0x1000, R, high), FX_WORDS(FX_SLOT_CNODE)),
		   PITH_E_INVALID_ARGUMENT);
	assert_empty(21);
	err = fx_call(PITH_INV_IRQ_CONTROL_GET_IOAPIC, FX_SLOT_IRQ_CONTROL,
		      FX_WORDS(high | 1, 0, 0, 21, FX_DEPTH),
		      FX_WORDS(FX_SLOT_CNODE));
	if (err == PITH_OK)
		fail_msg("BUG: IRQControl.GetIOAPIC with gsi 0x%llx issued a "
			 "handler for input %llu (vector 0x%llx): the gsi "
			 "argument is truncated to 32 bits before its range "
			 "check",
			 (unsigned long long)(high | 1),
			 (unsigned long long)(fx_cap(21)->irq.vector -
					      IRQ_VECTOR_GSI_BASE),
			 (unsigned long long)fx_cap(21)->irq.vector);
	assert_err(err, PITH_E_RANGE);
	assert_detail(0, 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_label_for_another_type_is_illegal),
		T(test_unknown_labels_are_illegal),
		T(test_too_few_words_or_caps_is_truncated),
		T(test_missing_rights),
		T(test_failed_lookup_of_the_invoked_cap),
		T(test_failed_lookup_of_extra_caps),
		T(test_slot_lookup_details),
		T(test_reply_words),
		T(test_words_beyond_the_registers),
		T(test_without_an_ipc_buffer),
		T(test_message_info_fields_are_bounded),
		T(test_debug_identify_and_write),
		T(test_arguments_are_checked_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
