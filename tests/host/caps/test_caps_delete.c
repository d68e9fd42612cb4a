/*
 * Host tests for deletion (caps/cnode.c, caps/object.c and the objects'
 * destroy functions): deleting a capability that is not an object's last
 * leaves the object; deleting the last destroys it, observably for each
 * kind (interrupt bindings, mappings, ASIDs, port ranges, ready queues).
 * Containers (CNodes, threads) are emptied through zombies, iteratively:
 * deep nesting, cycles and a revoke that deletes its own slot included.
 */
#include "fixture.h"

#include <pthread.h>

#include "caps/asid.h"
#include "caps/cdt.h"
#include "caps/cnode.h"
#include "caps/irq.h"
#include "caps/tcb.h"
#include "ipc/notification.h"
#include "kernel/mem.h"

#define UT  FX_SLOT_UNTYPED
#define ALL PITH_RIGHTS_ALL
#define R   PITH_RIGHT_READ
#define W   PITH_RIGHT_WRITE

/* Slots of the address space paging() builds, and where it is mapped. */
enum { VS_UT = 20, VS_POOL, VS, PDPT, PD, PT };
#define VA 0x40000000ULL /* 1 GiB: PDPT 0, PD 1, PT 0 */

static struct fx_vspace vspace;

static uint64_t map_frame(uint64_t frame, uint64_t va, uint64_t rights)
{
	return fx_call(PITH_INV_FRAME_MAP, frame, FX_WORDS(va, rights, 0),
		       FX_WORDS(VS));
}

static uint64_t map_table(uint64_t label, uint64_t table, uint64_t va)
{
	return fx_call(label, table, FX_WORDS(va), FX_WORDS(VS));
}

/* An address space with an ASID and the tables to map 4 KiB frames at
 * VA and the rest of its 2 MiB. */
static void paging(void)
{
	vspace = fx_make_vspace(VS_UT, VS_POOL, VS);
	assert_ok(fx_retype(UT, PITH_OBJ_PDPT, 0, PDPT, 1));
	assert_ok(fx_retype(UT, PITH_OBJ_PAGE_DIRECTORY, 0, PD, 1));
	assert_ok(fx_retype(UT, PITH_OBJ_PAGE_TABLE, 0, PT, 1));
	/* Top down; NOT_MAPPED names the level missing. */
	assert_err(map_table(PITH_INV_PAGE_TABLE_MAP, PT, VA),
		   PITH_E_NOT_MAPPED);
	assert_detail(3, 0);
	assert_err(map_table(PITH_INV_PAGE_DIRECTORY_MAP, PD, VA),
		   PITH_E_NOT_MAPPED);
	assert_detail(3, 0);
	assert_ok(map_table(PITH_INV_PDPT_MAP, PDPT, VA));
	assert_err(map_table(PITH_INV_PAGE_TABLE_MAP, PT, VA),
		   PITH_E_NOT_MAPPED);
	assert_detail(2, 0);
	assert_ok(map_table(PITH_INV_PAGE_DIRECTORY_MAP, PD, VA));
	assert_ok(map_table(PITH_INV_PAGE_TABLE_MAP, PT, VA));
}

static bool mapped_to(uint64_t va, uint64_t pa)
{
	uint64_t got;

	return machine_translate(vspace.root, va, &got, NULL) && got == pa;
}

static bool mapped(uint64_t va)
{
	uint64_t got;

	return machine_translate(vspace.root, va, &got, NULL);
}

/* How many capabilities to the object in `slot` (all neighbours). */
static unsigned same_object_run(const struct cte *slot)
{
	const struct cte *p = slot;
	unsigned n = 0;

	while (p->mdb_prev && cap_same_object(&p->mdb_prev->cap, &slot->cap))
		p = p->mdb_prev;
	for (; p && cap_same_object(&p->cap, &slot->cap); p = p->mdb_next)
		n++;
	return n;
}

/* An MSI handler in `slot`; its vector. */
static unsigned get_msi(uint64_t slot)
{
	assert_ok(fx_call(PITH_INV_IRQ_CONTROL_GET_MSI, FX_SLOT_IRQ_CONTROL,
			  FX_WORDS(slot, FX_DEPTH), FX_WORDS(FX_SLOT_CNODE)));
	assert_int_equal(fx_last.nret, 2);
	return (unsigned)fx_last.mr[1]; /* the machine's MSI data */
}

static void bind(uint64_t handler, uint64_t ntfn)
{
	assert_ok(fx_call(PITH_INV_IRQ_HANDLER_SET_NOTIFICATION, handler,
			  FX_NONE, FX_WORDS(ntfn)));
}

/* Move the capability in root slot `src` into slot `index` of the CNode
 * (radix `radix`, no guard) whose capability is in root slot `cnode`. */
static void move_into(uint64_t cnode, uint64_t index, unsigned radix,
		      uint64_t src)
{
	assert_ok(fx_call(PITH_INV_CNODE_MOVE, cnode,
			  FX_WORDS(index, radix, src, FX_DEPTH),
			  FX_WORDS(FX_SLOT_CNODE)));
}

static void copy_into(uint64_t cnode, uint64_t index, unsigned radix,
		      uint64_t src)
{
	assert_ok(fx_call(PITH_INV_CNODE_COPY, cnode,
			  FX_WORDS(index, radix, src, FX_DEPTH, ALL),
			  FX_WORDS(FX_SLOT_CNODE)));
}

static void configure(uint64_t tcb, uint64_t cspace, uint64_t vs)
{
	assert_ok(fx_call(PITH_INV_TCB_CONFIGURE, tcb, FX_WORDS(0, 0, 0),
			  FX_WORDS(cspace, vs, FX_SLOT_CNODE)));
}

/* ---- objects ------------------------------------------------------------ */

static void test_notification_destroyed_with_its_last_cap(void **state)
{
	struct notification *n;
	unsigned vector;

	(void)state;
	assert_ok(fx_retype(UT, PITH_OBJ_NOTIFICATION, 0, 16, 1));
	assert_ok(fx_mint(17, 16, ALL, 0x4));
	n = fx_cap(16)->notification.ntfn;
	vector = get_msi(18);
	bind(18, 17);
	irq_handle(vector);
	assert_int_equal(n->word, 0x4);
	n->word = 0;

	/* Not the last capability: the binding stands. */
	assert_ok(fx_delete(16));
	irq_handle(vector);
	assert_int_equal(n->word, 0x4);
	n->word = 0;

	/* The last: destroyed, the interrupt no longer reaches it... */
	assert_ok(fx_delete(17));
	irq_handle(vector);
	assert_int_equal(n->word, 0);
	/* ...nor the new notification made in its memory. */
	assert_int_equal(fx_watermark(UT), 0);
	assert_ok(fx_retype(UT, PITH_OBJ_NOTIFICATION, 0, 20, 1));
	assert_ptr_equal(fx_cap(20)->notification.ntfn, n);
	irq_handle(vector);
	assert_ok(fx_call(PITH_INV_NOTIFICATION_POLL, 20, FX_NONE, FX_NONE));
	assert_int_equal(fx_last.mr[0], 0);
}

static void test_irq_handler_freed_with_its_last_cap(void **state)
{
	const struct machine_gsi *g = machine_gsi(1);
	unsigned vector = IRQ_VECTOR_GSI_BASE + 1;

#define GET_ISA(irq, slot)                                                     \
	fx_call(PITH_INV_IRQ_CONTROL_GET_ISA, FX_SLOT_IRQ_CONTROL,             \
		FX_WORDS((irq), (slot), FX_DEPTH), FX_WORDS(FX_SLOT_CNODE))
	(void)state;
	assert_ok(GET_ISA(1, 16));
	assert_true(g->routed);
	assert_int_equal(g->vector, vector);
	assert_false(g->masked);
	assert_err(GET_ISA(1, 17), PITH_E_IN_USE);
	assert_empty(17);
	/* An arriving interrupt is masked until acknowledged. */
	assert_ok(fx_retype(UT, PITH_OBJ_NOTIFICATION, 0, 18, 1));
	bind(16, 18);
	irq_handle(vector);
	assert_true(g->masked);
	assert_ok(fx_call(PITH_INV_IRQ_HANDLER_ACK, 16, FX_NONE, FX_NONE));
	assert_false(g->masked);

	/* A copy's deletion frees nothing. */
	assert_ok(fx_copy(17, 16, ALL));
	assert_ok(fx_delete(16));
	assert_false(g->masked);
	assert_err(GET_ISA(1, 16), PITH_E_IN_USE);
	irq_handle(vector);
	assert_ok(fx_call(PITH_INV_NOTIFICATION_POLL, 18, FX_NONE, FX_NONE));
	assert_int_equal(fx_last.mr[0], 1);

	/* The last: masked, free to be issued again, signals nothing. */
	assert_ok(fx_call(PITH_INV_IRQ_HANDLER_ACK, 17, FX_NONE, FX_NONE));
	assert_ok(fx_delete(17));
	assert_true(g->masked);
	machine_log_clear();
	irq_handle(vector);
	assert_true(machine_log_contains("arrived with no handler"));
	assert_ok(fx_call(PITH_INV_NOTIFICATION_POLL, 18, FX_NONE, FX_NONE));
	assert_int_equal(fx_last.mr[0], 0);
	assert_ok(GET_ISA(1, 16));

	/* ISA 0 is input 2 here: the same interrupt both ways. */
	assert_ok(GET_ISA(0, 19));
	assert_err(fx_call(PITH_INV_IRQ_CONTROL_GET_IOAPIC, FX_SLOT_IRQ_CONTROL,
			   FX_WORDS(2, 0, 0, 20, FX_DEPTH),
			   FX_WORDS(FX_SLOT_CNODE)),
		   PITH_E_IN_USE);
	assert_err(GET_ISA(16, 20), PITH_E_RANGE);
	assert_err(fx_call(PITH_INV_IRQ_CONTROL_GET_IOAPIC, FX_SLOT_IRQ_CONTROL,
			   FX_WORDS(MACHINE_GSI_COUNT, 0, 0, 20, FX_DEPTH),
			   FX_WORDS(FX_SLOT_CNODE)),
		   PITH_E_RANGE);

	/* MSI vectors: the freed one is the next one given out. */
	vector = get_msi(21);
	assert_int_equal(vector, IRQ_VECTOR_MSI_BASE);
	assert_int_equal(get_msi(22), IRQ_VECTOR_MSI_BASE + 1);
	assert_ok(fx_delete(21));
	assert_int_equal(get_msi(23), IRQ_VECTOR_MSI_BASE);

	/* Revoking IRQControl destroys every handler. */
	assert_ok(fx_revoke(FX_SLOT_IRQ_CONTROL));
	for (uint64_t s = 16; s <= 23; s++) {
		if (s != 18)
			assert_empty(s);
	}
	assert_true(machine_gsi(2)->masked);
	assert_true(g->masked);
#undef GET_ISA
}

static void test_ioport_range_released_with_its_last_cap(void **state)
{
#define ISSUE(first, last, slot)                                               \
	fx_call(PITH_INV_IOPORT_CONTROL_ISSUE, FX_SLOT_IOPORT_CONTROL,         \
		FX_WORDS((first), (last), (slot), FX_DEPTH),                   \
		FX_WORDS(FX_SLOT_CNODE))
	(void)state;
	assert_ok(ISSUE(0x60, 0x64, 16));
	assert_err(ISSUE(0x64, 0x70, 17), PITH_E_IN_USE);
	assert_err(ISSUE(0x50, 0x60, 17), PITH_E_IN_USE);
	assert_ok(ISSUE(0x65, 0x70, 17));
	assert_ok(fx_delete(17));
	assert_err(ISSUE(0x10000, 0x10000, 17), PITH_E_RANGE);
	assert_detail(1, 0);
	assert_err(ISSUE(0x70, 0x60, 17), PITH_E_RANGE);
	assert_detail(0, 0);

	/* Within the range the kernel does the access; outside, RANGE. */
	machine_ports[0x60] = 0x12;
	machine_ports[0x61] = 0x34;
	assert_ok(fx_call(PITH_INV_IOPORT_IN16, 16, FX_WORDS(0x60), FX_NONE));
	assert_int_equal(fx_last.mr[0], 0x3412);
	assert_ok(fx_call(PITH_INV_IOPORT_OUT8, 16, FX_WORDS(0x64, 0xab),
			  FX_NONE));
	assert_int_equal(machine_ports[0x64], 0xab);
	assert_err(fx_call(PITH_INV_IOPORT_IN16, 16, FX_WORDS(0x64), FX_NONE),
		   PITH_E_RANGE);
	assert_err(fx_call(PITH_INV_IOPORT_IN32, 16, FX_WORDS(0x62), FX_NONE),
		   PITH_E_RANGE);
	assert_ok(fx_call(PITH_INV_IOPORT_IN32, 16, FX_WORDS(0x61), FX_NONE));
	assert_err(
		fx_call(PITH_INV_IOPORT_OUT8, 16, FX_WORDS(0x5f, 0), FX_NONE),
		PITH_E_RANGE);
	assert_err(fx_call(PITH_INV_IOPORT_IN8, 16, FX_WORDS(1ULL << 32 | 0x60),
			   FX_NONE),
		   PITH_E_RANGE);

	/* A copy's deletion releases nothing; the last one's does. */
	assert_ok(fx_copy(18, 16, ALL));
	assert_ok(fx_delete(16));
	assert_err(ISSUE(0x64, 0x64, 17), PITH_E_IN_USE);
	assert_ok(fx_delete(18));
	assert_ok(ISSUE(0x64, 0x64, 17));
	assert_ok(ISSUE(0x60, 0x63, 16));
	/* Revoking the control capability releases everything. */
	assert_ok(fx_revoke(FX_SLOT_IOPORT_CONTROL));
	assert_empty(16);
	assert_empty(17);
	assert_ok(ISSUE(0, 0xffff, 16));
	assert_ok(fx_delete(16));

	/* Ranges meeting and crossing the 64-port words of the bitmap. */
	assert_ok(ISSUE(0x3f, 0x40, 16));
	assert_err(ISSUE(0x00, 0x3f, 17), PITH_E_IN_USE);
	assert_err(ISSUE(0x40, 0x7f, 17), PITH_E_IN_USE);
	assert_ok(ISSUE(0x00, 0x3e, 17));
	assert_ok(ISSUE(0x41, 0xbf, 18));
	assert_err(ISSUE(0xbf, 0xffff, 19), PITH_E_IN_USE);
	assert_ok(ISSUE(0xc0, 0xffff, 19));
	assert_err(ISSUE(0x3e, 0x3e, 20), PITH_E_IN_USE);
	assert_ok(fx_delete(18));
	assert_ok(ISSUE(0x41, 0x41, 20));
	assert_ok(ISSUE(0xbf, 0xbf, 21));
	assert_err(ISSUE(0x40, 0x41, 22), PITH_E_IN_USE);
	assert_ok(ISSUE(0x42, 0xbe, 22));
	assert_ok(fx_revoke(FX_SLOT_IOPORT_CONTROL));
	assert_ok(ISSUE(0, 0xffff, 16));
#undef ISSUE
}

static void test_each_frame_cap_holds_its_own_mapping(void **state)
{
	uint64_t f, pa;
	unsigned prot;

	(void)state;
	paging();
	assert_ok(fx_retype(UT, PITH_OBJ_FRAME_4K, 0, 26, 1));
	f = fx_cap(26)->page.paddr;
	assert_ok(map_frame(26, VA, R | W));
	assert_true(machine_translate(vspace.root, VA + 5, &pa, &prot));
	assert_int_equal(pa, f + 5);
	assert_int_equal(prot & (VM_READ | VM_WRITE | VM_EXEC | VM_USER),
			 VM_READ | VM_WRITE | VM_USER);
	/* One mapping per capability; a copy starts unmapped. */
	assert_err(map_frame(26, VA + 0x1000, R), PITH_E_DELETE_FIRST);
	assert_ok(fx_copy(27, 26, ALL));
	assert_int_equal(fx_cap(27)->flags & CAP_F_MAPPED, 0);
	assert_ok(map_frame(27, VA + 0x1000, R));
	assert_true(mapped_to(VA + 0x1000, f));
	/* Moving keeps the mapping with the capability. */
	assert_ok(fx_move(30, 26));
	assert_true(mapped_to(VA, f));
	/* Deleting a capability that is not the last removes its mapping
	 * only. */
	assert_ok(fx_delete(30));
	assert_false(mapped(VA));
	assert_true(mapped_to(VA + 0x1000, f));
	assert_ok(fx_delete(27));
	assert_false(mapped(VA + 0x1000));
	assert_int_equal(machine_entry(vspace.root, VA + 0x1000, 0), 0);
	/* The page table stays. */
	assert_int_not_equal(machine_entry(vspace.root, VA, 1), 0);
}

static void test_paging_structures_unmapped_with_their_last_cap(void **state)
{
	uint64_t *pt;

	(void)state;
	paging();
	assert_ok(fx_retype(UT, PITH_OBJ_FRAME_4K, 0, 26, 1));
	assert_ok(map_frame(26, VA, R));
	pt = phys_to_virt(fx_cap(PT)->page.paddr);
	assert_int_not_equal(pt[0], 0);
	assert_ok(fx_move(31, PT));
	assert_true(mapped(VA));

	assert_ok(fx_delete(31));
	assert_false(mapped(VA));
	assert_int_equal(machine_entry(vspace.root, VA, 1), 0);
	assert_int_equal(pt[0], 0);
	/* The frame's capability still says mapped; unmapping it is fine. */
	assert_ok(fx_call(PITH_INV_FRAME_UNMAP, 26, FX_NONE, FX_NONE));
	assert_err(fx_call(PITH_INV_FRAME_UNMAP, 26, FX_NONE, FX_NONE),
		   PITH_E_NOT_MAPPED);

	assert_int_not_equal(machine_entry(vspace.root, VA, 2), 0);
	assert_ok(fx_delete(PD));
	assert_int_equal(machine_entry(vspace.root, VA, 2), 0);
	assert_int_not_equal(machine_entry(vspace.root, VA, 3), 0);
	assert_ok(fx_delete(PDPT));
	assert_int_equal(machine_entry(vspace.root, VA, 3), 0);
	/* The kernel half is untouched. */
	assert_int_equal(((uint64_t *)phys_to_virt(vspace.root))[256],
			 MACHINE_KERNEL_ENTRY);
}

/* A page table unmapped and mapped elsewhere must not bring along the
 * mappings it had: the frames' capabilities could no longer remove them. */
static void test_unmapped_page_table_keeps_no_mappings(void **state)
{
	const uint64_t vb = VA + (2ULL << 20); /* the next 2 MiB */
	uint64_t f;

	(void)state;
	paging();
	assert_ok(fx_retype(UT, PITH_OBJ_FRAME_4K, 0, 26, 1));
	f = fx_cap(26)->page.paddr;
	assert_ok(map_frame(26, VA, R | W));
	assert_ok(fx_call(PITH_INV_PAGE_TABLE_UNMAP, PT, FX_NONE, FX_NONE));
	assert_false(mapped(VA));
	assert_err(fx_call(PITH_INV_PAGE_TABLE_UNMAP, PT, FX_NONE, FX_NONE),
		   PITH_E_NOT_MAPPED);
	assert_ok(fx_call(PITH_INV_FRAME_UNMAP, 26, FX_NONE, FX_NONE));
	assert_ok(fx_delete(26));
	assert_ok(map_table(PITH_INV_PAGE_TABLE_MAP, PT, vb));
	if (mapped(vb))
		fail_msg("BUG: frame 0x%llx, unmapped and deleted, is still "
			 "mapped at 0x%llx through the page table that held "
			 "it, unmapped and mapped there again",
			 (unsigned long long)f, (unsigned long long)vb);
	assert_ok(fx_retype(UT, PITH_OBJ_FRAME_4K, 0, 27, 1));
	assert_ok(map_frame(27, vb, R));
}

static void test_vspace_releases_its_asid_with_its_last_cap(void **state)
{
	(void)state;
	paging();
	assert_ok(fx_copy(30, VS, ALL));
	assert_int_equal(fx_cap(30)->page.asid, vspace.asid);
	assert_ok(fx_delete(VS));
	assert_int_equal(asid_lookup(vspace.asid), vspace.root);
	/* The copy still works. */
	assert_ok(fx_retype(UT, PITH_OBJ_FRAME_4K, 0, 26, 1));
	assert_ok(fx_call(PITH_INV_FRAME_MAP, 26, FX_WORDS(VA, R, 0),
			  FX_WORDS(30)));
	assert_true(mapped(VA));
	assert_ok(fx_delete(30));
	assert_int_equal(asid_lookup(vspace.asid), 0);
	/* The ASID is free: a new address space gets it. */
	assert_ok(fx_retype(UT, PITH_OBJ_VSPACE, 0, 31, 1));
	assert_ok(fx_call(PITH_INV_ASID_POOL_ASSIGN, VS_POOL, FX_NONE,
			  FX_WORDS(31)));
	assert_int_equal(fx_cap(31)->page.asid, vspace.asid);
	assert_int_equal(asid_lookup(vspace.asid), fx_cap(31)->page.paddr);
	/* The tables mapped into the old one are no longer reachable, and
	 * deleting them does not touch the new one. */
	assert_ok(fx_delete(PT));
	assert_ok(fx_delete(PD));
	assert_ok(fx_delete(PDPT));
	assert_int_equal(machine_entry(fx_cap(31)->page.paddr, VA, 3), 0);
}

/* Two capabilities to one address space must not give it two ASIDs that
 * outlive it: a VSpace cannot be copied before it has an ASID, and a copy
 * made after shares that one, which goes with the last capability. */
static void test_vspace_copies_made_before_assign(void **state)
{
	uint64_t base, asid;

	(void)state;
	fx_small_untyped(VS_UT, 12);
	assert_ok(fx_call(PITH_INV_ASID_CONTROL_MAKE_POOL, FX_SLOT_ASID_CONTROL,
			  FX_WORDS(VS_POOL, FX_DEPTH),
			  FX_WORDS(VS_UT, FX_SLOT_CNODE)));
	base = fx_cap(VS_POOL)->asid_pool.base;
	assert_ok(fx_retype(UT, PITH_OBJ_VSPACE, 0, VS, 1));
	assert_err(fx_copy(30, VS, ALL), PITH_E_ILLEGAL_OPERATION);
	assert_int_equal(fx_cap(30)->type, PITH_CAP_NULL);
	assert_ok(fx_call(PITH_INV_ASID_POOL_ASSIGN, VS_POOL, FX_NONE,
			  FX_WORDS(VS)));
	asid = fx_cap(VS)->page.asid;
	assert_ok(fx_copy(30, VS, ALL));
	assert_int_equal(fx_cap(30)->page.asid, asid);
	assert_ok(fx_delete(VS));
	assert_int_equal(asid_lookup(asid), fx_cap(30)->page.paddr);
	assert_ok(fx_delete(30));
	for (uint64_t a = base; a < base + ASID_POOL_SIZE; a++)
		assert_int_equal(asid_lookup(a), 0);
}

static void test_asid_pool_unregistered_with_its_last_cap(void **state)
{
	uint64_t base;

#define MAKE_POOL(ut, dest, root)                                              \
	fx_call(PITH_INV_ASID_CONTROL_MAKE_POOL, FX_SLOT_ASID_CONTROL,         \
		FX_WORDS((dest), FX_DEPTH), FX_WORDS((ut), (root)))
	(void)state;
	paging();
	base = fx_cap(VS_POOL)->asid_pool.base;
	assert_int_equal(base, 0); /* the first pool: ASID 0 is skipped */
	assert_int_equal(vspace.asid, 1);
	assert_ok(fx_copy(30, VS_POOL, ALL));
	assert_ok(fx_delete(VS_POOL));
	assert_int_equal(asid_lookup(vspace.asid), vspace.root);
	assert_ok(fx_delete(30));
	assert_int_equal(asid_lookup(vspace.asid), 0);
	/* The address space is dead: nothing maps into it, no thread uses
	 * it, and it never gets another ASID. */
	assert_ok(fx_retype(UT, PITH_OBJ_FRAME_4K, 0, 31, 1));
	assert_err(map_frame(31, VA + 0x1000, R), PITH_E_INVALID_CAPABILITY);
	assert_detail(1, 0);
	assert_ok(fx_retype(UT, PITH_OBJ_TCB, 0, 32, 1));
	assert_err(fx_call(PITH_INV_TCB_CONFIGURE, 32, FX_WORDS(0, 0, 0),
			   FX_WORDS(FX_SLOT_CNODE, VS, FX_SLOT_CNODE)),
		   PITH_E_INVALID_CAPABILITY);
	assert_detail(2, 0);
	/* The table entry is free again: the next pool has the same base. */
	fx_small_untyped(33, 12);
	assert_ok(MAKE_POOL(33, 34, FX_SLOT_CNODE));
	assert_int_equal(fx_cap(34)->asid_pool.base, base);
	assert_err(
		fx_call(PITH_INV_ASID_POOL_ASSIGN, 34, FX_NONE, FX_WORDS(VS)),
		PITH_E_ILLEGAL_OPERATION);
	assert_ok(fx_retype(UT, PITH_OBJ_VSPACE, 0, 35, 1));
	assert_ok(
		fx_call(PITH_INV_ASID_POOL_ASSIGN, 34, FX_NONE, FX_WORDS(35)));
	assert_int_equal(fx_cap(35)->page.asid, 1);
	/* Revoking the pool's untyped destroys the pool. */
	assert_int_equal(fx_watermark(33), PAGE_SIZE);
	assert_ok(fx_revoke(33));
	assert_empty(34);
	assert_int_equal(asid_lookup(1), 0);
	assert_int_equal(fx_watermark(33), 0);

	/* Refusals. */
	fx_small_untyped(36, 13);
	assert_err(MAKE_POOL(36, 37, FX_SLOT_CNODE), PITH_E_INVALID_CAPABILITY);
	assert_detail(1, 0);
	assert_ok(fx_retype(FX_SLOT_DEVICE, PITH_OBJ_UNTYPED, 12, 38, 1));
	assert_err(MAKE_POOL(38, 37, FX_SLOT_CNODE), PITH_E_INVALID_CAPABILITY);
	assert_err(MAKE_POOL(FX_SLOT_DEBUG, 37, FX_SLOT_CNODE),
		   PITH_E_INVALID_CAPABILITY);
	assert_err(MAKE_POOL(33, 37, FX_SLOT_DEBUG), PITH_E_INVALID_CAPABILITY);
	assert_detail(2, 0);
	assert_err(MAKE_POOL(33, FX_SLOT_DEBUG, FX_SLOT_CNODE),
		   PITH_E_DELETE_FIRST);
	assert_ok(fx_retype(33, PITH_OBJ_ENDPOINT, 0, 39, 1));
	assert_err(MAKE_POOL(33, 37, FX_SLOT_CNODE), PITH_E_REVOKE_FIRST);
	assert_empty(37);

	/* The table holds 64 pools. */
	assert_ok(fx_retype(UT, PITH_OBJ_UNTYPED, 12, 100, ASID_POOLS + 1));
	for (unsigned i = 0; i < ASID_POOLS; i++)
		assert_ok(MAKE_POOL(100 + i, 170 + i, FX_SLOT_CNODE));
	assert_err(MAKE_POOL(100 + ASID_POOLS, 250, FX_SLOT_CNODE),
		   PITH_E_EXHAUSTED);
	assert_empty(250);
	assert_int_equal(fx_watermark(100 + ASID_POOLS), 0);
#undef MAKE_POOL
}

static void test_thread_leaves_the_ready_queue_with_its_last_cap(void **state)
{
	struct tcb *t1, *t2;

	(void)state;
	paging();
	assert_ok(fx_retype(UT, PITH_OBJ_TCB, 0, 30, 2));
	t1 = fx_cap(30)->tcb.tcb;
	t2 = fx_cap(31)->tcb.tcb;
	configure(30, FX_SLOT_CNODE, VS);
	configure(31, FX_SLOT_CNODE, VS);
	assert_ok(fx_call(PITH_INV_TCB_RESUME, 30, FX_NONE, FX_NONE));
	assert_ok(fx_call(PITH_INV_TCB_RESUME, 31, FX_NONE, FX_NONE));
	assert_int_equal(t1->state, TCB_RUNNABLE);
	assert_ptr_equal(t1->sched_next, t2);
	assert_ptr_equal(t2->sched_next, t1);
	/* root CNode cap, the caller's copy, the threads' copies */
	assert_int_equal(fx_check_list(fx_slot(FX_SLOT_CNODE)), 4);

	assert_ok(fx_copy(32, 30, ALL));
	assert_ok(fx_delete(32));
	assert_int_equal(t1->state, TCB_RUNNABLE);
	assert_ptr_equal(t2->sched_next, t1);
	assert_int_equal(machine_forget_count(), 0);

	assert_ok(fx_delete(30));
	assert_int_equal(t1->state, TCB_INACTIVE);
	assert_null(t1->sched_next);
	assert_ptr_equal(t2->sched_next, t2);
	assert_ptr_equal(t2->sched_prev, t2);
	assert_int_equal(machine_forget_count(), 1);
	assert_ptr_equal(machine_last_forgotten(), t1);
	for (unsigned s = 0; s < TCB_SLOTS; s++)
		assert_int_equal(t1->slots[s].cap.type, PITH_CAP_NULL);
	assert_int_equal(fx_check_list(fx_slot(FX_SLOT_CNODE)), 3);
	assert_int_equal(same_object_run(fx_slot(VS)), 2);
}

/* ---- containers --------------------------------------------------------- */

static void test_cnode_destroyed_with_its_contents(void **state)
{
	struct cte *c;
	struct notification *n;
	struct tcb *t;
	unsigned vector;
	size_t objects;

	(void)state;
	paging();
	assert_ok(fx_retype(UT, PITH_OBJ_CNODE, 3, 16, 1));
	c = fx_cap(16)->cnode.slots;
	/* C[1]: a copy of an endpoint held outside too. */
	assert_ok(fx_retype(UT, PITH_OBJ_ENDPOINT, 0, 17, 1));
	copy_into(16, 1, 3, 17);
	/* C[2]: the only capability of a notification bound to an IRQ. */
	assert_ok(fx_retype(UT, PITH_OBJ_NOTIFICATION, 0, 18, 1));
	n = fx_cap(18)->notification.ntfn;
	vector = get_msi(19);
	bind(19, 18);
	move_into(16, 2, 3, 18);
	/* C[3]: the only capability of a mapped frame. */
	assert_ok(fx_retype(UT, PITH_OBJ_FRAME_4K, 0, 26, 1));
	assert_ok(map_frame(26, VA, R));
	move_into(16, 3, 3, 26);
	/* C[4]: the only capability of a thread. */
	assert_ok(fx_retype(UT, PITH_OBJ_TCB, 0, 27, 1));
	t = fx_cap(27)->tcb.tcb;
	move_into(16, 4, 3, 27);

	/* Another capability to C: deleting it changes nothing. */
	assert_ok(fx_copy(28, 16, ALL));
	assert_ok(fx_delete(28));
	objects = fx_check_list(fx_slot(17));
	assert_int_equal(c[2].cap.type, PITH_CAP_NOTIFICATION);
	assert_true(mapped(VA));
	irq_handle(vector);
	assert_int_equal(n->word, 1);
	n->word = 0;

	assert_ok(fx_delete(16));
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(c[i].cap.type, PITH_CAP_NULL);
	assert_int_equal(fx_cap(17)->type, PITH_CAP_ENDPOINT);
	/* C, C[1], the notification, the frame, the thread. */
	assert_int_equal(fx_check_list(fx_slot(17)), objects - 5);
	irq_handle(vector);
	assert_int_equal(n->word, 0);
	assert_false(mapped(VA));
	assert_ptr_equal(machine_last_forgotten(), t);
	assert_int_equal(t->state, TCB_INACTIVE);
}

#define CHAIN	    10000
#define SMALL_STACK 65536

static void *delete_on_this_thread(void *slot)
{
	cte_delete(slot);
	return NULL;
}

/* CNode i holds in slot 0 the only capability of CNode i + 1; the last one
 * holds a thread. Deleting the first must finish on a small stack: each
 * level of recursion would take at least 16 bytes (a return address and a
 * frame pointer), 160 KB for the chain. */
static void test_deep_chain_of_cnodes_is_deleted_iteratively(void **state)
{
	static struct cte *tables[CHAIN];
	struct cte *holder = fx_slot(16);
	const uint64_t args[] = {PITH_OBJ_CNODE, 1, 0, 0, 0, 1};
	const uint64_t tcb_args[] = {PITH_OBJ_TCB, 0, 0, 0, 1, 1};
	struct invocation inv;
	pthread_attr_t attr;
	pthread_t thread;
	struct tcb *t;

	(void)state;
	assert_ok(fx_retype(UT, PITH_OBJ_CNODE, 1, 16, 1));
	tables[0] = fx_cap(16)->cnode.slots;
	for (unsigned i = 1; i < CHAIN; i++) {
		struct cte *const root[] = {holder};

		/* Into slot 0 of the CNode whose capability is in holder
		 * (node_depth 0: that CNode itself). */
		assert_ok(fx_decode(decode_untyped_retype, &inv, fx_slot(UT),
				    args, 6, root, 1));
		holder = &tables[i - 1][0];
		tables[i] = holder->cap.cnode.slots;
	}
	{
		struct cte *const root[] = {holder};

		assert_ok(fx_decode(decode_untyped_retype, &inv, fx_slot(UT),
				    tcb_args, 6, root, 1));
	}
	t = tables[CHAIN - 1][1].cap.tcb.tcb;
	assert_int_equal(fx_check_list(fx_slot(UT)), CHAIN + 2);

	assert_int_equal(pthread_attr_init(&attr), 0);
	assert_int_equal(pthread_attr_setstacksize(&attr, SMALL_STACK), 0);
	assert_int_equal(pthread_create(&thread, &attr, delete_on_this_thread,
					fx_slot(16)),
			 0);
	assert_int_equal(pthread_join(thread, NULL), 0);
	pthread_attr_destroy(&attr);

	assert_empty(16);
	for (unsigned i = 0; i < CHAIN; i++) {
		if (tables[i][0].cap.type != PITH_CAP_NULL ||
		    tables[i][1].cap.type != PITH_CAP_NULL)
			fail_msg("CNode %u of the chain still holds "
				 "capabilities",
				 i);
	}
	assert_ptr_equal(machine_last_forgotten(), t);
	assert_int_equal(fx_check_list(fx_slot(UT)), 1);
	assert_int_equal(fx_watermark(UT), 0);
}

static void test_cnode_holding_its_own_cap(void **state)
{
	struct cte *c;

	(void)state;
	assert_ok(fx_retype(UT, PITH_OBJ_CNODE, 2, 16, 1));
	c = fx_cap(16)->cnode.slots;
	assert_ok(fx_retype(UT, PITH_OBJ_ENDPOINT, 0, 17, 1));
	move_into(16, 1, 2, 17);
	copy_into(16, 0, 2, 16);
	assert_int_equal(c[0].cap.type, PITH_CAP_CNODE);

	/* The outside capability is not the last: the cycle lives on. */
	assert_ok(fx_delete(16));
	assert_int_equal(c[0].cap.type, PITH_CAP_CNODE);
	assert_ptr_equal(c[0].cap.cnode.slots, c);
	assert_int_equal(c[1].cap.type, PITH_CAP_ENDPOINT);
	assert_int_not_equal(fx_watermark(UT), 0);

	/* Revoking the untyped reaches it and destroys it. */
	assert_ok(fx_revoke(UT));
	assert_int_equal(c[0].cap.type, PITH_CAP_NULL);
	assert_int_equal(c[1].cap.type, PITH_CAP_NULL);
	assert_int_equal(fx_watermark(UT), 0);
	assert_int_equal(fx_check_list(fx_slot(UT)), 1);

	/* Deleting the last capability, held inside the CNode itself. */
	assert_ok(fx_retype(UT, PITH_OBJ_CNODE, 2, 16, 1));
	c = fx_cap(16)->cnode.slots;
	assert_ok(fx_retype(UT, PITH_OBJ_NOTIFICATION, 0, 17, 1));
	move_into(16, 3, 2, 17);
	move_into(16, 2, 2, 16);
	assert_empty(16);
	assert_int_equal(fx_check_list(fx_slot(UT)), 3);
	cte_delete(&c[2]);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(c[i].cap.type, PITH_CAP_NULL);
	assert_int_equal(fx_watermark(UT), 0);
}

static void test_thread_holding_the_last_cap_of_its_cspace(void **state)
{
	struct cte *c;
	struct notification *n;
	struct tcb *t;
	unsigned vector;

	(void)state;
	paging();
	assert_ok(fx_retype(UT, PITH_OBJ_CNODE, 3, 16, 1));
	c = fx_cap(16)->cnode.slots;
	assert_ok(fx_retype(UT, PITH_OBJ_NOTIFICATION, 0, 18, 1));
	n = fx_cap(18)->notification.ntfn;
	vector = get_msi(19);
	bind(19, 18);
	move_into(16, 2, 3, 18);
	assert_ok(fx_retype(UT, PITH_OBJ_TCB, 0, 17, 1));
	t = fx_cap(17)->tcb.tcb;
	configure(17, 16, VS);
	assert_int_equal(t->slots[TCB_SLOT_CSPACE].cap.type, PITH_CAP_CNODE);

	assert_ok(fx_delete(16));
	assert_int_equal(c[2].cap.type, PITH_CAP_NOTIFICATION);
	irq_handle(vector);
	assert_int_equal(n->word, 1);
	n->word = 0;

	assert_ok(fx_delete(17));
	assert_ptr_equal(machine_last_forgotten(), t);
	for (unsigned s = 0; s < TCB_SLOTS; s++)
		assert_int_equal(t->slots[s].cap.type, PITH_CAP_NULL);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(c[i].cap.type, PITH_CAP_NULL);
	irq_handle(vector);
	assert_int_equal(n->word, 0);
	assert_int_equal(same_object_run(fx_slot(VS)), 1);
}

/* TCB.Configure made through the thread's last capability, which is in
 * the CNode its old CSpace capability names: deleting that capability
 * destroys the CNode and with it the thread. Nothing may then go into the
 * dead thread's slots: the new CSpace and VSpace capabilities would sit in
 * memory that the untyped hands out again, linked into the derivation
 * tree. */
static void test_configure_that_destroys_the_thread_itself(void **state)
{
	const uint64_t args[] = {0, 0, 0};
	struct invocation inv;
	struct cte *c2, *d, *caps[3];
	struct tcb *t;

	(void)state;
	paging();
	/* C2 holds a copy of D, which holds a CNode and a VSpace. */
	assert_ok(fx_retype(UT, PITH_OBJ_CNODE, 3, 16, 1));
	c2 = fx_cap(16)->cnode.slots;
	assert_ok(fx_retype(UT, PITH_OBJ_CNODE, 3, 18, 1));
	d = fx_cap(18)->cnode.slots;
	assert_ok(fx_retype(UT, PITH_OBJ_CNODE, 3, 19, 1));
	move_into(18, 0, 3, 19);
	copy_into(18, 1, 3, VS);
	copy_into(16, 1, 3, 18);
	/* T, from an untyped of its own, has C2 as its CSpace, and its
	 * last capability is in C2, whose last capability is T's. */
	fx_small_untyped(40, 12);
	assert_ok(fx_retype(40, PITH_OBJ_TCB, 0, 17, 1));
	t = fx_cap(17)->tcb.tcb;
	configure(17, 16, VS);
	move_into(16, 2, 3, 17);
	assert_ok(fx_delete(16));

	caps[0] = &d[0];
	caps[1] = &d[1];
	caps[2] = &d[0];
	assert_ok(fx_decode(decode_tcb_configure, &inv, &c2[2], args, 3, caps,
			    3));
	assert_ptr_equal(machine_last_forgotten(), t);
	for (unsigned s = 0; s < TCB_SLOTS; s++)
		assert_int_equal(t->slots[s].cap.type, PITH_CAP_NULL);
	/* The CNode and the VSpace in D: no copy made anywhere. */
	assert_int_equal(same_object_run(&d[0]), 1);
	assert_int_equal(same_object_run(&d[1]), 2); /* D's and the root's */
	/* The thread's memory is free, and nothing points into it. */
	assert_int_equal(fx_watermark(40), 0);
	assert_ok(fx_retype(40, PITH_OBJ_FRAME_4K, 0, 41, 1));
	fx_check_list(&d[0]);
	assert_ok(fx_delete(18));
	assert_ok(fx_delete(41));
}

/* Revoking an untyped whose objects include the CNode that holds the
 * untyped's own capability: the revoke deletes its own slot on the way
 * and must stop there, safely. */
static void test_revoke_that_deletes_its_own_slot(void **state)
{
	(void)state;
	for (int ep_first = 0; ep_first < 2; ep_first++) {
		struct cte *c;

		fx_small_untyped(17, 16);
		if (ep_first)
			assert_ok(fx_retype(17, PITH_OBJ_ENDPOINT, 0, 18, 1));
		assert_ok(fx_retype(17, PITH_OBJ_CNODE, 2, 16, 1));
		if (!ep_first)
			assert_ok(fx_retype(17, PITH_OBJ_ENDPOINT, 0, 18, 1));
		c = fx_cap(16)->cnode.slots;
		move_into(16, 0, 2, 17);
		assert_int_equal(c[0].cap.type, PITH_CAP_UNTYPED);

		assert_ok(fx_call(PITH_INV_CNODE_REVOKE, 16, FX_WORDS(0, 2),
				  FX_NONE));
		assert_empty(16);
		for (unsigned i = 0; i < 4; i++)
			assert_int_equal(c[i].cap.type, PITH_CAP_NULL);
		/* Made after the CNode, the endpoint precedes it in the
		 * list and goes first; made before, it follows the CNode
		 * and outlives the revoke, which stops with its slot. */
		if (ep_first) {
			assert_int_equal(fx_cap(18)->type, PITH_CAP_ENDPOINT);
			assert_true(cdt_is_parent_of(fx_slot(UT), fx_slot(18)));
		} else {
			assert_empty(18);
		}
		fx_check_list(fx_slot(UT));
		assert_ok(fx_revoke(UT));
		assert_int_equal(fx_check_list(fx_slot(UT)), 1);
	}
}

#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_notification_destroyed_with_its_last_cap),
		T(test_irq_handler_freed_with_its_last_cap),
		T(test_ioport_range_released_with_its_last_cap),
		T(test_each_frame_cap_holds_its_own_mapping),
		T(test_paging_structures_unmapped_with_their_last_cap),
		T(test_unmapped_page_table_keeps_no_mappings),
		T(test_vspace_releases_its_asid_with_its_last_cap),
		T(test_asid_pool_unregistered_with_its_last_cap),
		T(test_thread_leaves_the_ready_queue_with_its_last_cap),
		T(test_cnode_destroyed_with_its_contents),
		T(test_deep_chain_of_cnodes_is_deleted_iteratively),
		T(test_cnode_holding_its_own_cap),
		T(test_thread_holding_the_last_cap_of_its_cspace),
		T(test_revoke_that_deletes_its_own_slot),
		T(test_configure_that_destroys_the_thread_itself),
		T(test_vspace_copies_made_before_assign),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
