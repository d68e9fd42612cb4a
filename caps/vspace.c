/*
 * Frames, paging structures and ASIDs as capabilities (see
 * include/caps/vspace.h). The page-table entries themselves are the arch
 * code's: this file decides what may be mapped where.
 */
#include "caps/vspace.h"

#include "caps/asid.h"
#include "caps/cdt.h"
#include "caps/object.h"
#include "kernel/arch.h"
#include "kernel/invocation.h"
#include "kernel/mem.h"
#include "kernel/uaccess.h"
#include "lib/string.h"

/* The entry level that maps each kind of object (see arch_map_*). */
static unsigned entry_level(const struct cap *c)
{
	switch (c->type) {
	case PITH_CAP_FRAME:
		return c->size_bits == LARGE_PAGE_BITS ? 1 : 0;
	case PITH_CAP_PAGE_TABLE:
		return 1;
	case PITH_CAP_PAGE_DIRECTORY:
		return 2;
	default:
		return 3; /* PDPT */
	}
}

/* The VSpace root a vspace capability names, if it has a live ASID. */
static uint64_t vspace_root(const struct cap *vs)
{
	if (vs->type != PITH_CAP_VSPACE || !vs->page.asid ||
	    asid_lookup(vs->page.asid) != vs->page.paddr)
		return 0;
	return vs->page.paddr;
}

void page_unmap(struct cap *c)
{
	uint64_t root = asid_lookup(c->page.asid);

	/* If the address space is gone, so is the mapping. The arch code
	 * clears the entry only if it still maps this object. */
	if (root)
		arch_unmap(root, c->page.vaddr, entry_level(c), c->page.paddr);
	/* A table out of service is emptied, as in seL4: mapped again
	 * elsewhere it must not bring old mappings along, which the
	 * capabilities of those frames could no longer reach. */
	if (c->type != PITH_CAP_FRAME)
		memset(phys_to_virt(c->page.paddr), 0, PAGE_SIZE);
	c->flags &= ~CAP_F_MAPPED;
	c->page.vaddr = c->page.asid = 0;
	c->u32 = 0;
}

/* Check a user address for a mapping of 2^bits bytes. */
static bool user_range_ok(uint64_t vaddr, unsigned bits)
{
	return vaddr < USER_ADDR_LIMIT &&
	       (1ULL << bits) <= USER_ADDR_LIMIT - vaddr;
}

static enum pith_error map_status(struct invocation *inv,
				  enum arch_map_status st, unsigned missing)
{
	if (st == ARCH_MAP_OCCUPIED)
		return PITH_E_DELETE_FIRST;
	if (st == ARCH_MAP_MISSING)
		return inv_error(inv, PITH_E_NOT_MAPPED, missing, 0);
	return PITH_OK;
}

/* rights and attributes -> VM_* protection; 0 if they are not valid. */
static unsigned frame_prot(uint64_t rights, uint64_t attributes, bool device)
{
	unsigned prot = VM_USER | VM_READ;

	if (!(rights & PITH_RIGHT_READ) ||
	    (rights & ~(uint64_t)(PITH_RIGHT_READ | PITH_RIGHT_WRITE |
				  PITH_RIGHT_EXECUTE)) ||
	    ((rights & PITH_RIGHT_WRITE) && (rights & PITH_RIGHT_EXECUTE)) ||
	    attributes > 1)
		return 0;
	if (rights & PITH_RIGHT_WRITE)
		prot |= VM_WRITE;
	if (rights & PITH_RIGHT_EXECUTE)
		prot |= VM_EXEC;
	if (attributes == 1 || device) /* device memory is never cached */
		prot |= VM_DEVICE;
	return prot;
}

/* ---- frames ---------------------------------------------------------- */

/* args: vaddr, rights, attributes; caps: vspace */
enum pith_error decode_frame_map(struct invocation *inv)
{
	struct cap *f = &inv->slot->cap;
	uint64_t vaddr = inv->args[0], rights = inv->args[1], root;
	unsigned prot, missing = 0;
	enum arch_map_status st;

	if (f->flags & CAP_F_MAPPED)
		return PITH_E_DELETE_FIRST; /* one mapping per capability */
	prot = frame_prot(rights, inv->args[2], f->flags & CAP_F_DEVICE);
	if (!prot)
		return inv_error(inv, PITH_E_INVALID_ARGUMENT,
				 inv->args[2] > 1 ? 2 : 1, 0);
	if (rights & ~(uint64_t)f->rights)
		return inv_error(inv, PITH_E_MISSING_RIGHTS,
				 rights & ~f->rights, 0);
	if (vaddr & ((1ULL << f->size_bits) - 1))
		return inv_error(inv, PITH_E_ALIGNMENT, 0, 0);
	if (!user_range_ok(vaddr, f->size_bits))
		return inv_error(inv, PITH_E_INVALID_ARGUMENT, 0, 0);
	root = vspace_root(&inv->caps[0]->cap);
	if (!root)
		return inv_error(inv, PITH_E_INVALID_CAPABILITY, 1, 0);
	st = arch_map_frame(root, vaddr, f->page.paddr, f->size_bits, prot,
			    &missing);
	if (st != ARCH_MAP_OK)
		return map_status(inv, st, missing);
	f->flags |= CAP_F_MAPPED;
	f->page.vaddr = vaddr;
	f->page.asid = inv->caps[0]->cap.page.asid;
	f->u32 = prot;
	return PITH_OK;
}

/* args: rights, attributes */
enum pith_error decode_frame_remap(struct invocation *inv)
{
	struct cap *f = &inv->slot->cap;
	uint64_t rights = inv->args[0], root;
	unsigned prot;

	prot = frame_prot(rights, inv->args[1], f->flags & CAP_F_DEVICE);
	if (!prot)
		return inv_error(inv, PITH_E_INVALID_ARGUMENT,
				 inv->args[1] > 1 ? 1 : 0, 0);
	if (rights & ~(uint64_t)f->rights)
		return inv_error(inv, PITH_E_MISSING_RIGHTS,
				 rights & ~f->rights, 0);
	root = asid_lookup(f->page.asid);
	if (!(f->flags & CAP_F_MAPPED) || !root ||
	    !arch_remap_frame(root, f->page.vaddr, f->page.paddr, f->size_bits,
			      prot))
		return PITH_E_NOT_MAPPED;
	f->u32 = prot;
	return PITH_OK;
}

enum pith_error decode_frame_unmap(struct invocation *inv)
{
	struct cap *f = &inv->slot->cap;

	if (!(f->flags & CAP_F_MAPPED))
		return PITH_E_NOT_MAPPED;
	page_unmap(f);
	return PITH_OK;
}

enum pith_error decode_frame_get_address(struct invocation *inv)
{
	inv_return(inv, 0, inv->slot->cap.page.paddr);
	return PITH_OK;
}

/* ---- page tables, page directories, PDPTs ------------------------------ */

/* args: vaddr; caps: vspace */
static enum pith_error table_map(struct invocation *inv)
{
	struct cap *t = &inv->slot->cap;
	unsigned level = entry_level(t), missing = 0;
	uint64_t span_bits = 12 + 9 * (uint64_t)level;
	uint64_t vaddr = inv->args[0] & ~((1ULL << span_bits) - 1), root;
	enum arch_map_status st;

	if (t->flags & CAP_F_MAPPED)
		return PITH_E_DELETE_FIRST;
	if (inv->args[0] >= USER_ADDR_LIMIT)
		return inv_error(inv, PITH_E_INVALID_ARGUMENT, 0, 0);
	root = vspace_root(&inv->caps[0]->cap);
	if (!root)
		return inv_error(inv, PITH_E_INVALID_CAPABILITY, 1, 0);
	st = arch_map_table(root, vaddr, level, t->page.paddr, &missing);
	if (st != ARCH_MAP_OK)
		return map_status(inv, st, missing);
	t->flags |= CAP_F_MAPPED;
	t->page.vaddr = vaddr;
	t->page.asid = inv->caps[0]->cap.page.asid;
	return PITH_OK;
}

static enum pith_error table_unmap(struct invocation *inv)
{
	struct cap *t = &inv->slot->cap;

	if (!(t->flags & CAP_F_MAPPED))
		return PITH_E_NOT_MAPPED;
	page_unmap(t);
	return PITH_OK;
}

enum pith_error decode_page_table_map(struct invocation *inv)
{
	return table_map(inv);
}

enum pith_error decode_page_table_unmap(struct invocation *inv)
{
	return table_unmap(inv);
}

enum pith_error decode_page_directory_map(struct invocation *inv)
{
	return table_map(inv);
}

enum pith_error decode_page_directory_unmap(struct invocation *inv)
{
	return table_unmap(inv);
}

enum pith_error decode_pdpt_map(struct invocation *inv)
{
	return table_map(inv);
}

enum pith_error decode_pdpt_unmap(struct invocation *inv)
{
	return table_unmap(inv);
}

/* ---- ASIDs ------------------------------------------------------------- */

/* args: node_index, node_depth; caps: untyped, root */
enum pith_error decode_asid_control_make_pool(struct invocation *inv)
{
	struct cte *ut = inv->caps[0], *dest;
	struct asid_pool *pool;
	struct cap c;
	uint64_t base;
	enum pith_error err;

	if (ut->cap.type != PITH_CAP_UNTYPED ||
	    ut->cap.size_bits != PAGE_BITS || (ut->cap.flags & CAP_F_DEVICE))
		return inv_error(inv, PITH_E_INVALID_CAPABILITY, 1, 0);
	if (inv->caps[1]->cap.type != PITH_CAP_CNODE)
		return inv_error(inv, PITH_E_INVALID_CAPABILITY, 2, 0);
	if (cdt_has_children(ut))
		return PITH_E_REVOKE_FIRST;
	err = inv_lookup_slot(inv, &inv->caps[1]->cap, 0, LOOKUP_WHICH_DEST,
			      &dest);
	if (err != PITH_OK)
		return err;
	if (!cap_is_null(&dest->cap))
		return PITH_E_DELETE_FIRST;
	pool = phys_to_virt(ut->cap.untyped.paddr);
	base = asid_pool_register(pool);
	if (base == UINT64_MAX)
		return PITH_E_EXHAUSTED;
	for (unsigned i = 0; i < ASID_POOL_SIZE; i++)
		pool->vspace[i] = 0;
	c = (struct cap){.type = PITH_CAP_ASID_POOL,
			 .rights = PITH_RIGHTS_ALL,
			 .asid_pool = {.pool = pool, .base = base}};
	/* The pool is made of the untyped's memory: a child of it, so that
	 * revoking the untyped destroys the pool. */
	ut->cap.untyped.watermark = PAGE_SIZE;
	cdt_insert(ut, dest, c, MDB_REVOCABLE);
	return PITH_OK;
}

/* caps: vspace */
enum pith_error decode_asid_pool_assign(struct invocation *inv)
{
	struct cap *vs = &inv->caps[0]->cap;
	uint64_t asid;

	if (vs->type != PITH_CAP_VSPACE)
		return inv_error(inv, PITH_E_INVALID_CAPABILITY, 1, 0);
	/* An address space gets one ASID in its life: if its pool went, its
	 * tables may point at freed structures, and it must not be used
	 * again (as in seL4). */
	if (vs->page.asid)
		return PITH_E_ILLEGAL_OPERATION;
	asid = asid_assign(inv->slot->cap.asid_pool.pool,
			   inv->slot->cap.asid_pool.base, vs->page.paddr);
	if (!asid)
		return PITH_E_EXHAUSTED;
	vs->page.asid = asid;
	return PITH_OK;
}
