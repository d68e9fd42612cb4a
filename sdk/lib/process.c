/*
 * Spawning programs (pith/process.h).
 *
 * The new program's CNode fills from the bottom: the fixed slots, then
 * from PITH_SLOT_FIRST_DYNAMIC the capabilities passed, its untyped
 * memory, and what its address space is made of. Each frame and paging
 * structure moves in as soon as it is mapped (p->next_slot is the
 * cursor), so the parent holds at most a few of them at any time and a
 * failure half-way leaves them where pith_process_destroy() finds them.
 */
#include "pith/process.h"

#include "lib/string.h"
#include "pith/alloc.h"
#include "pith/pith.h"
#include "pith/vm.h"

#define RIGHTS_RW    (PITH_RIGHT_READ | PITH_RIGHT_WRITE)
#define RFLAGS_START 0x202ULL /* IF, and bit 1, which is always set */

/* The frames of the IPC buffer and the startinfo page, which stay with
 * the parent until the thread is configured and the page written. */
struct info_frames {
	pith_cptr_t ipc, info;
};

/* ---- the new CNode ----------------------------------------------------- */

/* A CNode guard of the bits above the radix, all zero, so that slot
 * numbers are cptrs at depth 64 (the data word of CNode.Mint). */
static uint64_t guard_data(unsigned bits)
{
	return 64 - bits;
}

static enum pith_error next_slot(struct pith_process *p, uint64_t *slot)
{
	if (p->next_slot >= 1ULL << p->cnode_bits)
		return PITH_E_RANGE;
	*slot = p->next_slot++;
	return PITH_OK;
}

/* Move the parent's capability in `cap` to slot `dest` of the new CNode
 * (0: the next one). The parent's slot is freed either way: on an error
 * the capability is deleted with it. */
static enum pith_error give(struct pith_process *p, pith_cptr_t cap,
			    uint64_t dest)
{
	enum pith_error err = dest ? PITH_OK : next_slot(p, &dest);

	if (err == PITH_OK)
		err = pith_cnode_move(p->cnode, PITH_SLOT_CNODE, dest,
				      p->cnode_bits, cap, PITH_SLOT_DEPTH);
	pith_slot_free(cap);
	return err;
}

/* A copy (a mint, with a badge) of a parent's capability into `dest`. */
static enum pith_error put(struct pith_process *p, uint64_t dest,
			   const struct pith_spawn_cap *c)
{
	return pith_cnode_mint(p->cnode, PITH_SLOT_CNODE, dest, p->cnode_bits,
			       c->cap, PITH_SLOT_DEPTH,
			       c->rights ? c->rights : PITH_RIGHTS_ALL,
			       c->badge);
}

static enum pith_error make_objects(const struct pith_spawn_args *a,
				    struct pith_process *p)
{
	pith_cptr_t pool = a->asid_pool ? a->asid_pool : PITH_SLOT_ASID_POOL;
	enum pith_error err = pith_alloc_object(PITH_OBJ_VSPACE, 0, &p->vspace);

	if (err == PITH_OK)
		err = pith_asid_pool_assign(pool, p->vspace);
	if (err == PITH_OK)
		err = pith_alloc_object(PITH_OBJ_CNODE, p->cnode_bits,
					&p->cnode);
	if (err == PITH_OK)
		err = pith_alloc_object(PITH_OBJ_TCB, 0, &p->tcb);
	return err;
}

/* The fixed slots (pith/startinfo.h): its own TCB, CNode (with the
 * guard) and VSpace, and what the parent chose to give. */
static enum pith_error fixed_caps(const struct pith_spawn_args *a,
				  struct pith_process *p)
{
	const struct pith_spawn_cap tcb = {p->tcb, 0, 0},
				    cnode = {p->cnode, 0,
					     guard_data(p->cnode_bits)},
				    vspace = {p->vspace, 0, 0};
	const struct {
		uint64_t slot;
		const struct pith_spawn_cap *cap;
	} fixed[] = {
		{PITH_SLOT_TCB, &tcb},
		{PITH_SLOT_CNODE, &cnode},
		{PITH_SLOT_VSPACE, &vspace},
		{PITH_SLOT_DEBUG, &a->debug},
		{PITH_SLOT_EXIT_EP, &a->exit_ep},
		{PITH_SLOT_FAULT_EP, &a->fault_ep},
	};
	enum pith_error err = PITH_OK;

	for (unsigned i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (err == PITH_OK && fixed[i].cap->cap)
			err = put(p, fixed[i].slot, fixed[i].cap);
	}
	return err;
}

/* The capabilities passed, then the untyped memory, from the cursor. */
static enum pith_error dynamic_caps(const struct pith_spawn_args *a,
				    struct pith_process *p)
{
	enum pith_error err = PITH_OK;
	uint64_t s;

	p->caps.start = p->next_slot;
	for (unsigned i = 0; err == PITH_OK && i < a->ncaps; i++) {
		err = next_slot(p, &s);
		if (err == PITH_OK)
			err = put(p, s, &a->caps[i]);
	}
	p->caps.end = p->untyped.start = p->next_slot;
	for (unsigned i = 0; err == PITH_OK && i < a->nuntyped; i++) {
		err = next_slot(p, &s);
		if (err == PITH_OK)
			err = pith_alloc_object_into(PITH_OBJ_UNTYPED,
						     a->untyped_bits[i],
						     p->cnode, s);
	}
	p->untyped.end = p->next_slot;
	return err;
}

/* ---- the new address space --------------------------------------------- */

/* A fresh zeroed frame mapped at `va` in the new address space; the
 * paging structures made for it move into the new CNode, the frame stays
 * the parent's (*frame) to fill and give. */
static enum pith_error new_frame(struct pith_process *p, uint64_t va,
				 uint64_t rights, pith_cptr_t *frame)
{
	struct pith_vm_tables made = {0};
	enum pith_error err = pith_alloc_object(PITH_OBJ_FRAME_4K, 0, frame);

	if (err == PITH_OK)
		err = pith_vm_map_at(p->vspace, *frame, va, rights, &made);
	for (unsigned i = 0; i < made.count; i++) {
		enum pith_error e = give(p, made.slot[i], 0);

		if (err == PITH_OK)
			err = e;
	}
	if (err != PITH_OK) {
		pith_slot_free(*frame);
		*frame = 0;
	}
	return err;
}

/* Copy n bytes to offset `off` of a frame, through a mapping of a copy of
 * its capability in the parent (the frame may be mapped already). */
static enum pith_error write_frame(pith_cptr_t frame, uint64_t off,
				   const void *src, uint64_t n)
{
	uint64_t va;
	enum pith_error err = pith_vm_map_frame(frame, RIGHTS_RW, &va);

	if (err != PITH_OK)
		return err;
	memcpy((uint8_t *)(uintptr_t)va + off, src, n);
	return pith_vm_unmap(va);
}

static uint64_t segment_rights(uint32_t flags)
{
	uint64_t rights = PITH_RIGHT_READ;

	if (flags & PF_W)
		rights |= PITH_RIGHT_WRITE;
	if (flags & PF_X)
		rights |= PITH_RIGHT_EXECUTE;
	return rights;
}

/* The page of segment s at va: the file's bytes in it, zero elsewhere. */
static enum pith_error load_page(struct pith_process *p, const uint8_t *file,
				 const struct elf_segment *s, uint64_t va)
{
	uint64_t data_end = s->vaddr + s->filesz;
	uint64_t lo = va > s->vaddr ? va : s->vaddr;
	uint64_t hi =
		va + PITH_PAGE_SIZE < data_end ? va + PITH_PAGE_SIZE : data_end;
	pith_cptr_t f;
	enum pith_error err = new_frame(p, va, segment_rights(s->flags), &f);

	if (err != PITH_OK)
		return err;
	if (lo < hi)
		err = write_frame(f, lo - va,
				  file + s->offset + (lo - s->vaddr), hi - lo);
	if (err != PITH_OK) {
		pith_slot_free(f);
		return err;
	}
	return give(p, f, 0);
}

/* Every page of every segment (elf_parse() guarantees that no two
 * segments share a page), then the stack below its top. */
static enum pith_error load(struct pith_process *p, const void *file,
			    const struct elf_image *img, unsigned stack_pages)
{
	enum pith_error err = PITH_OK;
	pith_cptr_t f;

	for (unsigned i = 0; err == PITH_OK && i < img->nsegs; i++) {
		const struct elf_segment *s = &img->seg[i];
		uint64_t va = s->vaddr & ~(PITH_PAGE_SIZE - 1);

		for (; err == PITH_OK && va < s->vaddr + s->memsz;
		     va += PITH_PAGE_SIZE)
			err = load_page(p, file, s, va);
	}
	for (unsigned i = 1; err == PITH_OK && i <= stack_pages; i++) {
		err = new_frame(p, PITH_PROCESS_STACK_TOP - i * PITH_PAGE_SIZE,
				RIGHTS_RW, &f);
		if (err == PITH_OK)
			err = give(p, f, 0);
	}
	return err;
}

/* ---- the thread -------------------------------------------------------- */

static enum pith_error configure(const struct pith_spawn_args *a,
				 struct pith_process *p, pith_cptr_t ipc)
{
	uint64_t fault_ep = a->fault_ep.cap ? PITH_SLOT_FAULT_EP : 0;
	enum pith_error err = pith_tcb_configure(
		p->tcb, p->cnode, p->vspace, ipc, fault_ep,
		guard_data(p->cnode_bits), PITH_PROCESS_IPC_BUFFER);

	if (err == PITH_OK)
		err = pith_tcb_set_mc_priority(p->tcb, PITH_SLOT_TCB,
					       a->priority);
	if (err == PITH_OK)
		err = pith_tcb_set_priority(p->tcb, PITH_SLOT_TCB, a->priority);
	return err;
}

static enum pith_error write_startinfo(const struct pith_spawn_args *a,
				       const struct pith_process *p,
				       pith_cptr_t frame)
{
	struct pith_startinfo si = {
		.magic = PITH_STARTINFO_MAGIC,
		.version = PITH_STARTINFO_VERSION,
		.size = sizeof(si),
		.ipc_buffer = PITH_PROCESS_IPC_BUFFER,
		.stack_top = PITH_PROCESS_STACK_TOP,
		.cnode_size_bits = p->cnode_bits,
		.untyped_count = a->nuntyped,
		.empty = {p->next_slot, 1ULL << p->cnode_bits},
		.untyped = p->untyped,
		.caps = p->caps,
		.image = p->image,
		.exit_ep = a->exit_ep.cap ? PITH_SLOT_EXIT_EP : 0,
		.fault_ep = a->fault_ep.cap ? PITH_SLOT_FAULT_EP : 0,
	};

	if (a->name)
		memcpy(si.name, a->name, strlen(a->name));
	memcpy(si.args, a->args, sizeof(si.args));
	for (unsigned i = 0; i < a->nuntyped; i++)
		si.untyped_size_bits[i] = a->untyped_bits[i];
	return write_frame(frame, 0, &si, sizeof(si));
}

static enum pith_error start(struct pith_process *p)
{
	uint64_t regs[PITH_REG_COUNT] = {0};

	regs[PITH_REG_RIP] = p->entry;
	regs[PITH_REG_RSP] = PITH_PROCESS_STACK_TOP;
	regs[PITH_REG_RFLAGS] = RFLAGS_START;
	regs[PITH_REG_RDI] = PITH_PROCESS_STARTINFO;
	return pith_tcb_write_registers(p->tcb, 1, PITH_REG_COUNT, regs);
}

/* Once the address space is complete: the thread, the startinfo page,
 * the two frames to their fixed slots, and go. */
static enum pith_error finish(const struct pith_spawn_args *a,
			      struct pith_process *p, struct info_frames *f)
{
	enum pith_error err = configure(a, p, f->ipc);

	if (err == PITH_OK)
		err = write_startinfo(a, p, f->info);
	if (err == PITH_OK) {
		err = give(p, f->ipc, PITH_SLOT_IPC_BUFFER_FRAME);
		f->ipc = 0;
	}
	if (err == PITH_OK) {
		err = give(p, f->info, PITH_SLOT_BOOTINFO_FRAME);
		f->info = 0;
	}
	if (err == PITH_OK)
		err = start(p);
	return err;
}

/* ---- spawn and destroy ------------------------------------------------- */

static enum pith_error check_args(const struct pith_spawn_args *a,
				  struct pith_process *p, unsigned *stack_pages)
{
	unsigned bits = a->cnode_bits ? a->cnode_bits : PITH_PROCESS_CNODE_BITS;

	*stack_pages =
		a->stack_pages ? a->stack_pages : PITH_PROCESS_STACK_PAGES;
	if (!a->image || !a->image_size)
		return PITH_E_INVALID_ARGUMENT;
	if (bits < PITH_PROCESS_CNODE_BITS_MIN ||
	    bits > PITH_PROCESS_CNODE_BITS_MAX ||
	    *stack_pages > PITH_PROCESS_STACK_PAGES_MAX ||
	    a->nuntyped > PITH_STARTINFO_MAX_UNTYPED ||
	    (a->name && strnlen(a->name, PITH_STARTINFO_NAME_MAX) ==
				PITH_STARTINFO_NAME_MAX))
		return PITH_E_RANGE;
	p->cnode_bits = bits;
	p->next_slot = PITH_SLOT_FIRST_DYNAMIC;
	return PITH_OK;
}

/* Check the image as the kernel checks the root task's. */
static enum pith_error parse(const struct pith_spawn_args *a,
			     struct pith_process *p, struct elf_image *img)
{
	const struct elf_limits lim = {
		.type = ET_EXEC,
		.vaddr_min = PITH_PROCESS_IMAGE_MIN,
		.vaddr_max = PITH_PROCESS_IMAGE_MAX,
		.allow_wx = false,
	};

	p->elf_error = elf_parse(a->image, a->image_size, &lim, img);
	if (p->elf_error != ELF_OK) {
		p->bad_phdr = img->bad_phdr;
		return PITH_E_INVALID_ARGUMENT;
	}
	p->entry = img->entry;
	return PITH_OK;
}

enum pith_error pith_process_spawn(const struct pith_spawn_args *a,
				   struct pith_process *p)
{
	struct elf_image img;
	struct info_frames f = {0};
	unsigned stack_pages;
	enum pith_error err;

	*p = (struct pith_process){.elf_error = ELF_OK, .bad_phdr = -1};
	err = check_args(a, p, &stack_pages);
	if (err == PITH_OK)
		err = parse(a, p, &img);
	if (err != PITH_OK)
		return err; /* nothing made yet; p says why */
	err = make_objects(a, p);
	if (err == PITH_OK)
		err = fixed_caps(a, p);
	if (err == PITH_OK)
		err = dynamic_caps(a, p);
	p->image.start = p->image.end = p->next_slot;
	if (err == PITH_OK)
		err = load(p, a->image, &img, stack_pages);
	if (err == PITH_OK)
		err = new_frame(p, PITH_PROCESS_IPC_BUFFER, RIGHTS_RW, &f.ipc);
	if (err == PITH_OK)
		err = new_frame(p, PITH_PROCESS_STARTINFO, PITH_RIGHT_READ,
				&f.info);
	p->image.end = p->next_slot;
	if (err == PITH_OK)
		err = finish(a, p, &f);
	if (err != PITH_OK) {
		pith_slot_free(f.ipc);
		pith_slot_free(f.info);
		pith_process_destroy(p);
	}
	return err;
}

/* Revoke a capability of the parent's (its copies go: in the program's
 * CNode, in its TCB), then delete it. */
static enum pith_error drop(pith_cptr_t cap)
{
	enum pith_error err;

	if (!cap)
		return PITH_OK;
	err = pith_cnode_revoke(PITH_SLOT_CNODE, cap, PITH_SLOT_DEPTH);
	pith_slot_free(cap);
	return err;
}

enum pith_error pith_process_destroy(struct pith_process *p)
{
	/* The thread first, then the CNode (and all in it), then the
	 * address space, which gives back its ASID. */
	const pith_cptr_t order[] = {p->tcb, p->cnode, p->vspace};
	enum pith_error err = PITH_OK, e;

	if (p->tcb)
		pith_tcb_suspend(p->tcb);
	/* Whatever it made from its memory, wherever it put it. */
	for (uint64_t s = p->untyped.start; p->cnode && s < p->untyped.end;
	     s++) {
		e = pith_cnode_revoke(p->cnode, s, p->cnode_bits);
		if (err == PITH_OK)
			err = e;
	}
	for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		e = drop(order[i]);
		if (err == PITH_OK)
			err = e;
	}
	*p = (struct pith_process){.elf_error = ELF_OK, .bad_phdr = -1};
	return err;
}
