/*
 * Spawning programs (pith/process.h).
 *
 * The new program's CNode fills from the bottom: the fixed slots, then
 * from PITH_SLOT_FIRST_DYNAMIC the capabilities passed, its untyped
 * memory, and what its address space is made of. Each frame and paging
 * structure moves in as soon as it is mapped (p->next_slot is the
 * cursor), so the parent holds at most a few of them at any time and a
 * failure half-way leaves them where pith_process_destroy() finds them.
 *
 * Everything the arguments can get wrong is checked before anything is
 * made (check_args, parse), and the placement is chosen then too.
 */
#include "pith/process.h"

#include "lib/string.h"
#include "pith/alloc.h"
#include "pith/pith.h"
#include "pith/vm.h"

#define RIGHTS_RW    (PITH_RIGHT_READ | PITH_RIGHT_WRITE)
#define RFLAGS_START 0x202ULL /* IF, and bit 1, which is always set */

/* A spawn under way. The frames of the IPC buffer and the startinfo
 * page stay with the parent until the thread is configured and the page
 * written. */
struct spawn {
	const struct pith_spawn_args *a;
	struct pith_process *p;
	struct elf_image img;
	unsigned stack_pages;
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
	if (err == PITH_OK && a->cnode_from)
		err = pith_alloc_object_from(a->cnode_from, PITH_OBJ_CNODE,
					     p->cnode_bits, &p->cnode);
	else if (err == PITH_OK)
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
	const struct pith_spawn_cap tcb = {.cap = p->tcb},
				    cnode = {.cap = p->cnode,
					     .badge =
						     guard_data(p->cnode_bits)},
				    vspace = {.cap = p->vspace};
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
		if (err == PITH_OK && a->caps[i].cap)
			err = put(p, s, &a->caps[i]);
	}
	p->caps.end = p->untyped.start = p->next_slot;
	for (unsigned i = 0; err == PITH_OK && i < a->nuntyped; i++) {
		pith_cptr_t from = a->untyped_from ? a->untyped_from[i] : 0;

		err = next_slot(p, &s);
		if (err == PITH_OK && from)
			err = pith_untyped_retype(from, PITH_SLOT_CNODE,
						  PITH_OBJ_UNTYPED,
						  a->untyped_bits[i], p->cnode,
						  PITH_SLOT_DEPTH, s, 1);
		else if (err == PITH_OK)
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

/* Map a copy of a frame's capability in the parent (the frame may be
 * mapped already), for fill() to write to; pith_vm_unmap() ends it. */
static enum pith_error view(pith_cptr_t frame, uint8_t **page)
{
	uint64_t va = 0;
	enum pith_error err = pith_vm_map_frame(frame, RIGHTS_RW, &va);

	*page = (uint8_t *)(uintptr_t)va;
	return err;
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

/* The page of segment s at link-time address va, placed at va + bias:
 * the file's bytes in it, relocated, zero elsewhere. Only a page with
 * file bytes can have relocations (elf_parse() checks). */
static enum pith_error load_page(struct spawn *sp, const struct elf_segment *s,
				 uint64_t va)
{
	const uint8_t *file = sp->a->image;
	uint64_t data_end = s->vaddr + s->filesz;
	uint64_t lo = va > s->vaddr ? va : s->vaddr;
	uint64_t hi =
		va + PITH_PAGE_SIZE < data_end ? va + PITH_PAGE_SIZE : data_end;
	pith_cptr_t f;
	uint8_t *page;
	enum pith_error err = new_frame(sp->p, va + sp->p->load_bias,
					segment_rights(s->flags), &f);

	if (err != PITH_OK || lo >= hi)
		return err == PITH_OK ? give(sp->p, f, 0) : err;
	err = view(f, &page);
	if (err == PITH_OK) {
		memcpy(page + (lo - va), file + s->offset + (lo - s->vaddr),
		       hi - lo);
		elf_relocate_page(file, &sp->img, sp->p->load_bias, va, page);
		err = pith_vm_unmap((uint64_t)(uintptr_t)page);
	}
	if (err != PITH_OK) {
		pith_slot_free(f);
		return err;
	}
	return give(sp->p, f, 0);
}

/* Every page of every segment (elf_parse() guarantees that no two
 * segments share a page), then the stack below its top. */
static enum pith_error load(struct spawn *sp)
{
	const struct elf_image *img = &sp->img;
	enum pith_error err = PITH_OK;
	pith_cptr_t f;

	for (unsigned i = 0; err == PITH_OK && i < img->nsegs; i++) {
		const struct elf_segment *s = &img->seg[i];
		uint64_t va = s->vaddr & ~(PITH_PAGE_SIZE - 1);

		for (; err == PITH_OK && va < s->vaddr + s->memsz;
		     va += PITH_PAGE_SIZE)
			err = load_page(sp, s, va);
	}
	for (unsigned i = 1; err == PITH_OK && i <= sp->stack_pages; i++) {
		err = new_frame(sp->p, sp->p->stack_top - i * PITH_PAGE_SIZE,
				RIGHTS_RW, &f);
		if (err == PITH_OK)
			err = give(sp->p, f, 0);
	}
	return err;
}

/* ---- the thread -------------------------------------------------------- */

static enum pith_error configure(const struct pith_spawn_args *a,
				 struct pith_process *p, pith_cptr_t ipc)
{
	uint64_t fault_ep = a->fault_ep.cap ? PITH_SLOT_FAULT_EP : 0;
	enum pith_error err =
		pith_tcb_configure(p->tcb, p->cnode, p->vspace, ipc, fault_ep,
				   guard_data(p->cnode_bits), p->ipc_buffer);

	if (err == PITH_OK)
		err = pith_tcb_set_mc_priority(p->tcb, PITH_SLOT_TCB,
					       a->priority);
	if (err == PITH_OK)
		err = pith_tcb_set_priority(p->tcb, PITH_SLOT_TCB, a->priority);
	/* A name is for the kernel's messages only: one it refuses (not
	 * printable) leaves the thread named after its TCB. */
	if (err == PITH_OK && a->name && a->name[0])
		pith_thread_set_name(p->tcb, a->name);
	return err;
}

/* Are entries i and j of caps in one named range? */
static bool same_name(const struct pith_spawn_args *a, unsigned i, unsigned j)
{
	return a->caps[i].name && a->caps[j].name &&
	       strcmp(a->caps[i].name, a->caps[j].name) == 0;
}

/* Does entry i of caps start a named range? */
static bool names_range(const struct pith_spawn_args *a, unsigned i)
{
	return a->caps[i].name && !(i > 0 && same_name(a, i - 1, i));
}

/* The named ranges of caps (check_names() checked them). */
static void write_names(const struct pith_spawn_args *a,
			const struct pith_process *p, struct pith_startinfo *si)
{
	for (unsigned i = 0; i < a->ncaps; i++) {
		struct pith_startinfo_cap *c = &si->named[si->ncaps];

		if (!names_range(a, i))
			continue;
		memcpy(c->name, a->caps[i].name, strlen(a->caps[i].name));
		c->slot = (uint32_t)(p->caps.start + i);
		c->count = 1;
		while (i + c->count < a->ncaps && same_name(a, i, i + c->count))
			c->count++;
		si->ncaps++;
	}
}

/* argv[i] as the program gets it: argv[0] defaults to its name. */
static const char *arg(const struct pith_spawn_args *a, unsigned i)
{
	if (i == 0 && (!a->argv || !a->argv[0]))
		return a->name ? a->name : "";
	return a->argv ? a->argv[i] : NULL;
}

static unsigned arg_count(const struct pith_spawn_args *a)
{
	return a->argc ? a->argc : 1;
}

/* The arguments, packed (check_argv() checked that they fit). */
static void write_args(const struct pith_spawn_args *a,
		       struct pith_startinfo *si)
{
	size_t at = 0;

	si->argc = arg_count(a);
	for (unsigned i = 0; i < si->argc; i++) {
		size_t len = strlen(arg(a, i));

		memcpy(si->argv + at, arg(a, i), len); /* the NUL is there */
		at += len + 1;
	}
}

/* The startinfo page, written in place through a view of its (zeroed)
 * frame. */
static enum pith_error write_startinfo(const struct spawn *sp)
{
	const struct pith_spawn_args *a = sp->a;
	const struct pith_process *p = sp->p;
	struct pith_startinfo *si;
	uint8_t *page;
	enum pith_error err = view(sp->info, &page);

	if (err != PITH_OK)
		return err;
	si = (struct pith_startinfo *)page;
	*si = (struct pith_startinfo){
		.magic = PITH_STARTINFO_MAGIC,
		.version = PITH_STARTINFO_VERSION,
		.size = sizeof(*si),
		.ipc_buffer = p->ipc_buffer,
		.stack_top = p->stack_top,
		.cnode_size_bits = p->cnode_bits,
		.untyped_count = a->nuntyped,
		.empty = {p->next_slot, 1ULL << p->cnode_bits},
		.untyped = p->untyped,
		.caps = p->caps,
		.image = p->image,
		.exit_ep = a->exit_ep.cap ? PITH_SLOT_EXIT_EP : 0,
		.fault_ep = a->fault_ep.cap ? PITH_SLOT_FAULT_EP : 0,
		.load_bias = p->load_bias,
		.stack_size = sp->stack_pages * PITH_PAGE_SIZE,
		.initrd_size = a->initrd_size,
		.tsc_khz = a->tsc_khz,
	};
	if (a->name)
		memcpy(si->name, a->name, strlen(a->name));
	memcpy(si->args, a->args, sizeof(si->args));
	for (unsigned i = 0; i < a->nuntyped; i++)
		si->untyped_size_bits[i] = a->untyped_bits[i];
	if (a->framebuffer)
		si->framebuffer = *a->framebuffer;
	memcpy(si->random, a->random, sizeof(si->random));
	write_names(a, p, si);
	write_args(a, si);
	return pith_vm_unmap((uint64_t)(uintptr_t)page);
}

static enum pith_error start(struct pith_process *p)
{
	uint64_t regs[PITH_REG_COUNT] = {0};

	regs[PITH_REG_RIP] = p->entry;
	regs[PITH_REG_RSP] = p->stack_top;
	regs[PITH_REG_RFLAGS] = RFLAGS_START;
	regs[PITH_REG_RDI] = p->startinfo;
	return pith_tcb_write_registers(p->tcb, 1, PITH_REG_COUNT, regs);
}

/* Once the address space is complete: the thread, the startinfo page,
 * the two frames to their fixed slots, and go. */
static enum pith_error finish(struct spawn *sp)
{
	struct pith_process *p = sp->p;
	enum pith_error err = configure(sp->a, p, sp->ipc);

	if (err == PITH_OK)
		err = write_startinfo(sp);
	if (err == PITH_OK) {
		err = give(p, sp->ipc, PITH_SLOT_IPC_BUFFER_FRAME);
		sp->ipc = 0;
	}
	if (err == PITH_OK) {
		err = give(p, sp->info, PITH_SLOT_BOOTINFO_FRAME);
		sp->info = 0;
	}
	if (err == PITH_OK)
		err = start(p);
	return err;
}

/* ---- spawn and destroy ------------------------------------------------- */

/* The named ranges of caps: each name 1 to PITH_STARTINFO_CAP_NAME_MAX - 1
 * characters, at most PITH_STARTINFO_CAPS_MAX ranges, no two of one
 * name. */
static enum pith_error check_names(const struct pith_spawn_args *a)
{
	unsigned ranges = 0;

	for (unsigned i = 0; i < a->ncaps; i++) {
		size_t len;

		if (!names_range(a, i))
			continue;
		len = strnlen(a->caps[i].name, PITH_STARTINFO_CAP_NAME_MAX);
		if (len == 0 || len == PITH_STARTINFO_CAP_NAME_MAX ||
		    ++ranges > PITH_STARTINFO_CAPS_MAX)
			return PITH_E_RANGE;
		for (unsigned j = 0; j < i; j++) {
			if (same_name(a, j, i))
				return PITH_E_INVALID_ARGUMENT;
		}
	}
	return PITH_OK;
}

/* The arguments: no NULL one, and room for them in the startinfo. */
static enum pith_error check_argv(const struct pith_spawn_args *a)
{
	unsigned n = arg_count(a);
	size_t room = PITH_STARTINFO_ARGV_SIZE;

	if (n > PITH_STARTINFO_ARGC_MAX)
		return PITH_E_RANGE;
	for (unsigned i = 0; i < n; i++) {
		const char *s = arg(a, i);
		size_t len;

		if (!s)
			return PITH_E_INVALID_ARGUMENT;
		len = strnlen(s, room);
		if (len == room)
			return PITH_E_RANGE; /* no room for it and its NUL */
		room -= len + 1;
	}
	return PITH_OK;
}

static enum pith_error check_args(struct spawn *sp)
{
	const struct pith_spawn_args *a = sp->a;
	unsigned bits = a->cnode_bits ? a->cnode_bits : PITH_PROCESS_CNODE_BITS;
	enum pith_error err;

	sp->stack_pages =
		a->stack_pages ? a->stack_pages : PITH_PROCESS_STACK_PAGES;
	if (!a->image || !a->image_size)
		return PITH_E_INVALID_ARGUMENT;
	if (bits < PITH_PROCESS_CNODE_BITS_MIN ||
	    bits > PITH_PROCESS_CNODE_BITS_MAX ||
	    sp->stack_pages > PITH_PROCESS_STACK_PAGES_MAX ||
	    a->nuntyped > PITH_STARTINFO_MAX_UNTYPED ||
	    (a->name && strnlen(a->name, PITH_STARTINFO_NAME_MAX) ==
				PITH_STARTINFO_NAME_MAX))
		return PITH_E_RANGE;
	err = check_names(a);
	if (err == PITH_OK)
		err = check_argv(a);
	sp->p->cnode_bits = bits;
	sp->p->next_slot = PITH_SLOT_FIRST_DYNAMIC;
	return err;
}

/* Check the image as the kernel checks the root task's, a PIE too. */
static enum pith_error parse(struct spawn *sp)
{
	const struct elf_limits lim = {
		.type = ET_EXEC,
		.vaddr_min = PITH_PROCESS_IMAGE_MIN,
		.vaddr_max = PITH_PROCESS_IMAGE_MAX,
		.allow_wx = false,
		.allow_pie = true,
	};

	sp->p->elf_error =
		elf_parse(sp->a->image, sp->a->image_size, &lim, &sp->img);
	if (sp->p->elf_error != ELF_OK) {
		sp->p->bad_phdr = sp->img.bad_phdr;
		return PITH_E_INVALID_ARGUMENT;
	}
	return PITH_OK;
}

/* A page-aligned address for `size` bytes in [lo, hi) (size <= hi - lo),
 * from one word of randomness, run through splitmix64's finaliser so
 * that every bit of it counts. */
static uint64_t pick(uint64_t r, uint64_t lo, uint64_t hi, uint64_t size)
{
	uint64_t choices = (hi - lo - size) / PITH_PAGE_SIZE + 1;

	r = (r ^ (r >> 30)) * 0xbf58476d1ce4e5b9ULL;
	r = (r ^ (r >> 27)) * 0x94d049bb133111ebULL;
	r ^= r >> 31;
	return lo + (r % choices) * PITH_PAGE_SIZE;
}

/* Where the image, the stack, the IPC buffer and the startinfo page go
 * (pith/process.h): fixed, or each from a word of a->random. */
static void place(struct spawn *sp)
{
	const uint64_t *r = sp->a->random;
	const struct elf_image *img = &sp->img;
	struct pith_process *p = sp->p;
	uint64_t span = img->vaddr_hi - img->vaddr_lo;
	uint64_t stack = (sp->stack_pages + 1) * PITH_PAGE_SIZE; /* + guard */
	uint64_t base = PITH_PROCESS_PIE_BASE;

	if (!(r[0] | r[1] | r[2] | r[3])) {
		if (span > PITH_PROCESS_IMAGE_MAX - base)
			base = PITH_PROCESS_IMAGE_MIN;
		p->stack_top = PITH_PROCESS_STACK_TOP;
		p->ipc_buffer = PITH_PROCESS_IPC_BUFFER;
		p->startinfo = PITH_PROCESS_STARTINFO;
	} else {
		base = pick(r[0], PITH_PROCESS_IMAGE_MIN,
			    PITH_PROCESS_IMAGE_MAX, span);
		p->stack_top = pick(r[1], PITH_PROCESS_STACK_WINDOW_MIN,
				    PITH_PROCESS_IPC_WINDOW_MIN, stack) +
			       stack;
		p->ipc_buffer =
			pick(r[2], PITH_PROCESS_IPC_WINDOW_MIN,
			     PITH_PROCESS_STARTINFO_WINDOW_MIN, PITH_PAGE_SIZE);
		p->startinfo = pick(r[3], PITH_PROCESS_STARTINFO_WINDOW_MIN,
				    PITH_PROCESS_ADDR_LIMIT, PITH_PAGE_SIZE);
	}
	p->load_bias = img->pie ? base - img->vaddr_lo : 0;
	p->entry = img->entry + p->load_bias;
}

enum pith_error pith_process_spawn(const struct pith_spawn_args *a,
				   struct pith_process *p)
{
	struct spawn sp = {.a = a, .p = p};
	enum pith_error err;

	*p = (struct pith_process){.elf_error = ELF_OK, .bad_phdr = -1};
	err = check_args(&sp);
	if (err == PITH_OK)
		err = parse(&sp);
	if (err != PITH_OK) {
		*p = (struct pith_process){.elf_error = p->elf_error,
					   .bad_phdr = p->bad_phdr};
		return err; /* nothing made yet; p says why */
	}
	place(&sp);
	err = make_objects(a, p);
	if (err == PITH_OK)
		err = fixed_caps(a, p);
	if (err == PITH_OK)
		err = dynamic_caps(a, p);
	p->image.start = p->image.end = p->next_slot;
	if (err == PITH_OK)
		err = load(&sp);
	if (err == PITH_OK)
		err = new_frame(p, p->ipc_buffer, RIGHTS_RW, &sp.ipc);
	if (err == PITH_OK)
		err = new_frame(p, p->startinfo, PITH_RIGHT_READ, &sp.info);
	p->image.end = p->next_slot;
	if (err == PITH_OK)
		err = finish(&sp);
	if (err != PITH_OK) {
		pith_slot_free(sp.ipc);
		pith_slot_free(sp.info);
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
