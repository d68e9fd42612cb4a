/*
 * The test CSpace and invocation helpers (see fixture.h).
 */
#include "fixture.h"

#include <string.h>

#include "caps/asid.h"
#include "caps/cdt.h"
#include "caps/cnode.h"
#include "caps/irq.h"
#include "caps/tcb.h"
#include "kernel/mem.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "pith/ipc_buffer.h"

#define POISON 0xbadbadbadbadbad0ULL

struct cte *fx_root;
struct tcb *fx_caller;
struct fx_reply fx_last;

static uint64_t boot_next; /* bump allocator over the boot area */
static uint64_t ipc_paddr; /* the caller's IPC buffer frame */

void *fx_boot_alloc(unsigned bits)
{
	uint64_t size = 1ULL << bits;
	uint64_t pa = (boot_next + size - 1) & ~(size - 1);
	void *p;

	if (pa + size > MACHINE_BOOT_BASE + MACHINE_BOOT_SIZE)
		machine_fail("fx_boot_alloc(%u): boot area full", bits);
	boot_next = pa + size;
	p = phys_to_virt(pa);
	memset(p, 0, size);
	return p;
}

static void put(uint64_t slot, struct cap c)
{
	cdt_insert(NULL, fx_slot(slot), c, MDB_REVOCABLE);
}

int fx_setup(void **state)
{
	struct cte *ipc_copy, *cspace_copy;

	(void)state;
	machine_reset();
	sched_init(2, 0); /* two ticks, strict priorities */
	boot_next = MACHINE_BOOT_BASE;
	fx_root = fx_boot_alloc(FX_ROOT_BITS + CTE_SIZE_BITS);
	fx_caller = fx_boot_alloc(11);
	ipc_paddr = virt_to_phys(fx_boot_alloc(12));
	tcb_init(fx_caller, "caller");
	fx_caller->mcp = 255;

	put(FX_SLOT_TCB, (struct cap){.type = PITH_CAP_TCB,
				      .rights = PITH_RIGHTS_ALL,
				      .tcb.tcb = fx_caller});
	put(FX_SLOT_CNODE, (struct cap){.type = PITH_CAP_CNODE,
					.rights = PITH_RIGHTS_ALL,
					.size_bits = FX_ROOT_BITS,
					.u32 = 64 - FX_ROOT_BITS,
					.cnode.slots = fx_root});
	put(FX_SLOT_UNTYPED, (struct cap){.type = PITH_CAP_UNTYPED,
					  .rights = PITH_RIGHTS_ALL,
					  .size_bits = FX_UNTYPED_BITS,
					  .untyped.paddr = FX_UNTYPED_PADDR});
	put(FX_SLOT_DEVICE, (struct cap){.type = PITH_CAP_UNTYPED,
					 .rights = PITH_RIGHTS_ALL,
					 .size_bits = FX_DEVICE_BITS,
					 .flags = CAP_F_DEVICE,
					 .untyped.paddr = FX_DEVICE_PADDR});
	put(FX_SLOT_IRQ_CONTROL, (struct cap){.type = PITH_CAP_IRQ_CONTROL,
					      .rights = PITH_RIGHTS_ALL});
	put(FX_SLOT_IOPORT_CONTROL,
	    (struct cap){.type = PITH_CAP_IOPORT_CONTROL,
			 .rights = PITH_RIGHTS_ALL});
	put(FX_SLOT_ASID_CONTROL, (struct cap){.type = PITH_CAP_ASID_CONTROL,
					       .rights = PITH_RIGHTS_ALL});
	put(FX_SLOT_DEBUG,
	    (struct cap){.type = PITH_CAP_DEBUG, .rights = PITH_RIGHTS_ALL});
	put(FX_SLOT_IPC_FRAME,
	    (struct cap){.type = PITH_CAP_FRAME,
			 .rights = PITH_RIGHT_READ | PITH_RIGHT_WRITE,
			 .size_bits = 12,
			 .page.paddr = ipc_paddr});

	/* The caller's own slots hold copies, as the root task's do. */
	cspace_copy = &fx_caller->slots[TCB_SLOT_CSPACE];
	cdt_insert(fx_slot(FX_SLOT_CNODE), cspace_copy, *fx_cap(FX_SLOT_CNODE),
		   0);
	ipc_copy = &fx_caller->slots[TCB_SLOT_IPC_BUFFER];
	cdt_insert(fx_slot(FX_SLOT_IPC_FRAME), ipc_copy,
		   *fx_cap(FX_SLOT_IPC_FRAME), 0);
	tcb_set_ipc_buffer(fx_caller, FX_IPC_VADDR);
	return 0;
}

/* Every ASID pool table entry is free: registering 64 pools gives bases
 * 0, 512, ... in order. */
static void check_asid_table_empty(void)
{
	struct asid_pool *p = fx_boot_alloc(12 + 6);

	for (unsigned i = 0; i < ASID_POOLS; i++)
		assert_int_equal(asid_pool_register(&p[i]),
				 (uint64_t)i << ASID_POOL_BITS);
	assert_int_equal(asid_pool_register(&p[0]), UINT64_MAX);
	for (unsigned i = 0; i < ASID_POOLS; i++)
		asid_pool_destroy(&p[i], (uint64_t)i << ASID_POOL_BITS);
}

/* Every interrupt and port is free: each can be issued again. */
static void check_irqs_and_ports_free(void)
{
	uint64_t slot = FX_SLOT_FREE;

	assert_ok(fx_call(PITH_INV_IRQ_CONTROL_GET_MSI, FX_SLOT_IRQ_CONTROL,
			  FX_WORDS(slot, FX_DEPTH), FX_WORDS(FX_SLOT_CNODE)));
	assert_int_equal(fx_last.mr[1], IRQ_VECTOR_MSI_BASE);
	for (unsigned g = 0; g < MACHINE_GSI_COUNT; g++)
		assert_ok(fx_call(PITH_INV_IRQ_CONTROL_GET_IOAPIC,
				  FX_SLOT_IRQ_CONTROL,
				  FX_WORDS(g, 0, 0, ++slot, FX_DEPTH),
				  FX_WORDS(FX_SLOT_CNODE)));
	assert_ok(fx_call(PITH_INV_IOPORT_CONTROL_ISSUE, FX_SLOT_IOPORT_CONTROL,
			  FX_WORDS(0, 0xffff, ++slot, FX_DEPTH),
			  FX_WORDS(FX_SLOT_CNODE)));
	cte_revoke(fx_slot(FX_SLOT_IRQ_CONTROL));
	cte_revoke(fx_slot(FX_SLOT_IOPORT_CONTROL));
	for (uint64_t s = FX_SLOT_FREE; s <= slot; s++)
		assert_empty(s);
}

int fx_teardown(void **state)
{
	static const unsigned revoke[] = {
		FX_SLOT_UNTYPED,
		FX_SLOT_DEVICE,
		FX_SLOT_IRQ_CONTROL,
		FX_SLOT_IOPORT_CONTROL,
	};

	(void)state;
	/* Destroy what the test made... */
	for (unsigned i = 0; i < ARRAY_SIZE(revoke); i++)
		cte_revoke(fx_slot(revoke[i]));
	for (uint64_t s = FX_SLOT_FREE; s < (1ULL << FX_ROOT_BITS); s++)
		cte_delete(fx_slot(s));
	/* ...and check that the kernel's tables forgot all of it. */
	check_asid_table_empty();
	check_irqs_and_ports_free();
	assert_null(sched_current);
	return 0;
}

/* ---- invoking ---------------------------------------------------------- */

uint64_t fx_call(uint64_t label, uint64_t cptr, const uint64_t *words,
		 unsigned nwords, const uint64_t *caps, unsigned ncaps)
{
	struct arch_context *ctx = &fx_caller->ctx;
	struct pith_ipc_buffer *ipc = phys_to_virt(ipc_paddr);

	assert_true(nwords <= PITH_MSG_MAX_WORDS && ncaps <= PITH_MSG_MAX_CAPS);
	ctx->rax = PITH_SYS_CALL;
	ctx->rdi = cptr;
	ctx->rsi = PITH_MSGINFO(label, nwords, ncaps);
	for (unsigned i = 0; i < PITH_MSG_MAX_WORDS; i++) {
		uint64_t w = words && i < nwords ? words[i] : POISON;

		if (i < PITH_MSG_REGISTER_WORDS)
			arch_set_message_register(ctx, i, w);
		else
			ipc->mr[i] = w;
	}
	for (unsigned i = 0; i < PITH_MSG_MAX_CAPS; i++)
		ipc->caps[i] = caps && i < ncaps ? caps[i] : POISON;

	syscall_handle(fx_caller);

	memset(&fx_last, 0, sizeof(fx_last));
	fx_last.err = ctx->rax;
	fx_last.label = PITH_MSGINFO_LABEL(ctx->rsi);
	fx_last.nret = PITH_MSGINFO_WORDS(ctx->rsi);
	assert_int_equal(PITH_MSGINFO_CAPS(ctx->rsi), 0);
	assert_true(fx_last.nret <= PITH_MSG_MAX_WORDS);
	for (unsigned i = 0; i < fx_last.nret; i++)
		fx_last.mr[i] = i < PITH_MSG_REGISTER_WORDS
					? arch_message_register(ctx, i)
					: ipc->mr[i];
	return fx_last.err;
}

uint64_t fx_retype_into(uint64_t ut, unsigned type, uint64_t size_bits,
			uint64_t node_index, uint64_t node_depth,
			uint64_t offset, uint64_t num)
{
	return fx_call(
		PITH_INV_UNTYPED_RETYPE, ut,
		FX_WORDS(type, size_bits, node_index, node_depth, offset, num),
		FX_WORDS(FX_SLOT_CNODE));
}

uint64_t fx_retype(uint64_t ut, unsigned type, uint64_t size_bits,
		   uint64_t dest, uint64_t num)
{
	return fx_retype_into(ut, type, size_bits, 0, 0, dest, num);
}

uint64_t fx_copy(uint64_t dest, uint64_t src, uint64_t rights)
{
	return fx_call(PITH_INV_CNODE_COPY, FX_SLOT_CNODE,
		       FX_WORDS(dest, FX_DEPTH, src, FX_DEPTH, rights),
		       FX_WORDS(FX_SLOT_CNODE));
}

uint64_t fx_mint(uint64_t dest, uint64_t src, uint64_t rights, uint64_t data)
{
	return fx_call(PITH_INV_CNODE_MINT, FX_SLOT_CNODE,
		       FX_WORDS(dest, FX_DEPTH, src, FX_DEPTH, rights, data),
		       FX_WORDS(FX_SLOT_CNODE));
}

uint64_t fx_move(uint64_t dest, uint64_t src)
{
	return fx_call(PITH_INV_CNODE_MOVE, FX_SLOT_CNODE,
		       FX_WORDS(dest, FX_DEPTH, src, FX_DEPTH),
		       FX_WORDS(FX_SLOT_CNODE));
}

uint64_t fx_mutate(uint64_t dest, uint64_t src, uint64_t data)
{
	return fx_call(PITH_INV_CNODE_MUTATE, FX_SLOT_CNODE,
		       FX_WORDS(dest, FX_DEPTH, src, FX_DEPTH, data),
		       FX_WORDS(FX_SLOT_CNODE));
}

uint64_t fx_delete(uint64_t slot)
{
	return fx_call(PITH_INV_CNODE_DELETE, FX_SLOT_CNODE,
		       FX_WORDS(slot, FX_DEPTH), FX_NONE);
}

uint64_t fx_revoke(uint64_t slot)
{
	return fx_call(PITH_INV_CNODE_REVOKE, FX_SLOT_CNODE,
		       FX_WORDS(slot, FX_DEPTH), FX_NONE);
}

uint64_t fx_watermark(uint64_t ut)
{
	assert_ok(fx_call(PITH_INV_UNTYPED_DESCRIBE, ut, FX_NONE, FX_NONE));
	assert_int_equal(fx_last.nret, 4);
	return fx_last.mr[2];
}

void fx_small_untyped(uint64_t slot, unsigned bits)
{
	assert_ok(fx_retype(FX_SLOT_UNTYPED, PITH_OBJ_UNTYPED, bits, slot, 1));
}

struct fx_vspace fx_make_vspace(uint64_t ut_slot, uint64_t pool_slot,
				uint64_t vs_slot)
{
	struct fx_vspace v;

	fx_small_untyped(ut_slot, 12);
	assert_ok(fx_call(PITH_INV_ASID_CONTROL_MAKE_POOL, FX_SLOT_ASID_CONTROL,
			  FX_WORDS(pool_slot, FX_DEPTH),
			  FX_WORDS(ut_slot, FX_SLOT_CNODE)));
	assert_ok(fx_retype(FX_SLOT_UNTYPED, PITH_OBJ_VSPACE, 0, vs_slot, 1));
	assert_ok(fx_call(PITH_INV_ASID_POOL_ASSIGN, pool_slot, FX_NONE,
			  FX_WORDS(vs_slot)));
	v.root = fx_cap(vs_slot)->page.paddr;
	v.asid = fx_cap(vs_slot)->page.asid;
	assert_int_not_equal(v.asid, 0);
	assert_int_equal(asid_lookup(v.asid), v.root);
	return v;
}

enum pith_error fx_decode(enum pith_error (*decode)(struct invocation *),
			  struct invocation *inv, struct cte *slot,
			  const uint64_t *args, unsigned nargs,
			  struct cte *const *caps, unsigned ncaps)
{
	memset(inv, 0, sizeof(*inv));
	inv->caller = fx_caller;
	inv->slot = slot;
	inv->nargs = nargs;
	for (unsigned i = 0; i < nargs; i++)
		inv->args[i] = args[i];
	inv->ncaps = ncaps;
	for (unsigned i = 0; i < ncaps; i++)
		inv->caps[i] = caps[i];
	return decode(inv);
}

uint64_t fx_object(const struct cap *c)
{
	uint64_t base, size;

	assert_true(cap_region(c, &base, &size));
	return base;
}

size_t fx_check_list(const struct cte *slot)
{
	const struct cte *p = slot;
	size_t n = 0;

	while (p->mdb_prev) {
		assert_ptr_equal(p->mdb_prev->mdb_next, p);
		p = p->mdb_prev;
		assert_true(++n < (1u << 24));
	}
	for (n = 0; p; p = p->mdb_next, n++) {
		assert_true(p->cap.type != PITH_CAP_NULL &&
			    p->cap.type != CAP_ZOMBIE);
		if (p->mdb_next)
			assert_ptr_equal(p->mdb_next->mdb_prev, p);
	}
	return n;
}

void fx_assert_err(uint64_t got, uint64_t want, const char *expr,
		   const char *file, int line)
{
	static const char *const names[] = PITH_ERROR_NAMES;

	if (got == want)
		return;
	print_error("%s is %s (%llu), expected %s\n", expr,
		    got < PITH_E_COUNT ? names[got] : "?",
		    (unsigned long long)got,
		    want < PITH_E_COUNT ? names[want] : "?");
	_fail(file, line);
}
