/*
 * Creating the root task (see include/kernel/root_task.h).
 *
 * Its ELF is checked like the kernel's own (lib/elf.c); each segment is
 * copied into fresh pages mapped with exactly the segment's permissions, so
 * W^X holds from the first user instruction. Its thread, CNode, address
 * space, ASID pool, IPC buffer and boot-info page come from boot memory;
 * every byte of memory left after that becomes untyped capabilities in its
 * CNode.
 */
#include "kernel/root_task.h"

#include "caps/asid.h"
#include "caps/cdt.h"
#include "caps/object.h"
#include "caps/tcb.h"
#include "kernel/arch.h"
#include "kernel/boot_caps.h"
#include "kernel/kcov.h"
#include "kernel/log.h"
#include "kernel/mem.h"
#include "kernel/panic.h"
#include "kernel/sched.h"
#include "kernel/shutdown.h"
#include "lib/cmdline.h"
#include "lib/cpio.h"
#include "lib/elf.h"
#include "lib/string.h"
#include "pith/ipc_buffer.h"

#define NAME_MAX	    64
#define ROOT_CNODE_MIN_BITS 12
#define ROOT_CNODE_SPARE    1024 /* free slots for the root task to use */

static struct elf_image root_image; /* large: not on the kernel stack */

static _Noreturn void fail(const char *name, const char *why, int phdr)
{
	if (phdr >= 0)
		pr_err("root task: '%s': program header %d: %s", name, phdr,
		       why);
	else
		pr_err("root task: '%s': %s", name, why);
	shutdown_machine(SHUTDOWN_FAIL);
}

static unsigned segment_prot(uint32_t flags)
{
	unsigned prot = VM_USER | VM_READ;

	if (flags & PF_W)
		prot |= VM_WRITE;
	if (flags & PF_X)
		prot |= VM_EXEC;
	return prot;
}

static void map(uint64_t vspace, uint64_t va, uint64_t pa, unsigned prot)
{
	if (!arch_vm_map_page(vspace, va, pa, prot))
		panic("root task: page 0x%llx mapped twice",
		      (unsigned long long)va);
}

/* Copy one segment into fresh pages and map them. */
static void load_segment(uint64_t vspace, const uint8_t *file,
			 const struct elf_segment *s)
{
	uint64_t start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
	uint64_t end = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);
	uint64_t data_end = s->vaddr + s->filesz;

	for (uint64_t va = start; va < end; va += PAGE_SIZE) {
		uint64_t pa = mem_alloc_page();
		uint64_t lo = va > s->vaddr ? va : s->vaddr;
		uint64_t hi =
			va + PAGE_SIZE < data_end ? va + PAGE_SIZE : data_end;

		if (lo < hi)
			memcpy((uint8_t *)phys_to_virt(pa) + (lo - va),
			       file + s->offset + (lo - s->vaddr), hi - lo);
		/* elf_parse() guarantees segments never share a page. */
		map(vspace, va, pa, segment_prot(s->flags));
	}
}

static void load_image(const struct boot_info *bi, const char *name,
		       uint64_t vspace)
{
	const struct elf_limits lim = {
		.type = ET_EXEC,
		.vaddr_min = USER_IMAGE_MIN,
		/* below the stack and its guard page */
		.vaddr_max =
			USER_STACK_TOP - (USER_STACK_PAGES + 1) * PAGE_SIZE,
		.allow_wx = false,
	};
	struct cpio_entry file;
	enum cpio_error cerr;
	enum elf_error eerr;

	cerr = cpio_find(phys_to_virt(bi->initrd.base), bi->initrd.size, name,
			 &file);
	if (cerr != CPIO_OK)
		fail(name,
		     cerr == CPIO_E_NOT_FOUND ? "not found in the initrd"
					      : cpio_strerror(cerr),
		     -1);
	eerr = elf_parse(file.data, file.size, &lim, &root_image);
	if (eerr != ELF_OK)
		fail(name, elf_strerror(eerr), root_image.bad_phdr);
	for (unsigned i = 0; i < root_image.nsegs; i++)
		load_segment(vspace, file.data, &root_image.seg[i]);
	for (unsigned i = 1; i <= USER_STACK_PAGES; i++)
		map(vspace, USER_STACK_TOP - i * PAGE_SIZE, mem_alloc_page(),
		    VM_USER | VM_READ | VM_WRITE);
}

/* A frame capability for a boot page mapped into the root task. */
static struct cap mapped_frame(uint64_t pa, uint64_t va, uint64_t asid,
			       unsigned rights, unsigned prot)
{
	return (struct cap){.type = PITH_CAP_FRAME,
			    .rights = (uint8_t)rights,
			    .size_bits = PAGE_BITS,
			    .flags = CAP_F_MAPPED,
			    .u32 = prot,
			    .page = {.paddr = pa, .vaddr = va, .asid = asid}};
}

/* log2 of the root CNode's slots: room for everything, and spare. */
static unsigned cnode_bits(const struct boot_info *bi)
{
	uint64_t need = PITH_SLOT_FIRST_DYNAMIC + ROOT_CNODE_SPARE +
			boot_untyped_estimate(bi) +
			(bi->initrd.size + PAGE_SIZE - 1) / PAGE_SIZE;
	unsigned bits = ROOT_CNODE_MIN_BITS;

	if (bi->flags & BOOT_INFO_HAS_FRAMEBUFFER)
		need += bi->fb.size / PAGE_SIZE; /* at worst all small frames */
	while ((1ULL << bits) < need)
		bits++;
	return bits;
}

struct root {
	struct tcb *tcb;
	struct cte *slots; /* the root CNode */
	unsigned bits;
	uint64_t vspace, asid;
	struct asid_pool *pool;
	struct pith_bootinfo *info;
	uint64_t ipc_pa, info_pa;
};

static void put(struct root *r, unsigned slot, struct cap c)
{
	cdt_insert(NULL, &r->slots[slot], c, MDB_REVOCABLE);
}

static void fixed_caps(struct root *r)
{
	put(r, PITH_SLOT_TCB,
	    (struct cap){.type = PITH_CAP_TCB,
			 .rights = PITH_RIGHTS_ALL,
			 .tcb.tcb = r->tcb});
	put(r, PITH_SLOT_CNODE,
	    (struct cap){.type = PITH_CAP_CNODE,
			 .rights = PITH_RIGHTS_ALL,
			 .size_bits = (uint8_t)r->bits,
			 .u32 = 64 - r->bits,
			 .cnode.slots = r->slots});
	put(r, PITH_SLOT_VSPACE,
	    (struct cap){.type = PITH_CAP_VSPACE,
			 .rights = PITH_RIGHTS_ALL,
			 .size_bits = PAGE_BITS,
			 .page = {.paddr = r->vspace, .asid = r->asid}});
	put(r, PITH_SLOT_IRQ_CONTROL,
	    (struct cap){.type = PITH_CAP_IRQ_CONTROL,
			 .rights = PITH_RIGHTS_ALL});
	put(r, PITH_SLOT_IOPORT_CONTROL,
	    (struct cap){.type = PITH_CAP_IOPORT_CONTROL,
			 .rights = PITH_RIGHTS_ALL});
	put(r, PITH_SLOT_ASID_CONTROL,
	    (struct cap){.type = PITH_CAP_ASID_CONTROL,
			 .rights = PITH_RIGHTS_ALL});
	put(r, PITH_SLOT_ASID_POOL,
	    (struct cap){.type = PITH_CAP_ASID_POOL,
			 .rights = PITH_RIGHTS_ALL,
			 .asid_pool = {.pool = r->pool, .base = 0}});
	put(r, PITH_SLOT_DEBUG,
	    (struct cap){.type = PITH_CAP_DEBUG, .rights = PITH_RIGHTS_ALL});
	put(r, PITH_SLOT_BOOTINFO_FRAME,
	    mapped_frame(r->info_pa, USER_BOOTINFO, r->asid, PITH_RIGHT_READ,
			 VM_USER | VM_READ));
	put(r, PITH_SLOT_IPC_BUFFER_FRAME,
	    mapped_frame(r->ipc_pa, USER_IPC_BUFFER, r->asid,
			 PITH_RIGHT_READ | PITH_RIGHT_WRITE,
			 VM_USER | VM_READ | VM_WRITE));

	/* The thread's own slots hold copies: its CSpace, VSpace, buffer. */
	cdt_insert(&r->slots[PITH_SLOT_CNODE], &r->tcb->slots[TCB_SLOT_CSPACE],
		   r->slots[PITH_SLOT_CNODE].cap, 0);
	cdt_insert(&r->slots[PITH_SLOT_VSPACE], &r->tcb->slots[TCB_SLOT_VSPACE],
		   r->slots[PITH_SLOT_VSPACE].cap, 0);
	cdt_insert(&r->slots[PITH_SLOT_IPC_BUFFER_FRAME],
		   &r->tcb->slots[TCB_SLOT_IPC_BUFFER],
		   r->slots[PITH_SLOT_IPC_BUFFER_FRAME].cap, 0);
}

/* In a kernel with coverage, read-only frames of its bitmap. */
static void kcov_caps(struct root *r, uint64_t *slot)
{
	struct pith_bootinfo *info = r->info;
	const uint8_t *map;
	uint64_t edges = kcov_map(&map);

	info->kcov_frames.start = info->kcov_frames.end = *slot;
	if (!edges)
		return;
	*slot = boot_frames(r->slots, *slot, kernel_image_phys(map),
			    ALIGN_UP(edges, PAGE_SIZE), PAGE_BITS,
			    PITH_RIGHT_READ, false);
	info->kcov_frames.end = *slot;
	info->kcov_edges = edges;
}

/* Frames of the initrd, the framebuffer and the coverage bitmap; then
 * every untyped. */
static void dynamic_caps(struct root *r, const struct boot_info *bi)
{
	struct pith_bootinfo *info = r->info;
	uint64_t slot = PITH_SLOT_FIRST_DYNAMIC, size = 1ULL << r->bits;

	info->initrd_frames.start = slot;
	slot = boot_frames(r->slots, slot, bi->initrd.base,
			   ALIGN_UP(bi->initrd.size, PAGE_SIZE), PAGE_BITS,
			   PITH_RIGHT_READ, false);
	info->initrd_frames.end = slot;
	info->fb_large_frames.start = info->fb_large_frames.end = slot;
	info->fb_small_frames.start = info->fb_small_frames.end = slot;
	if (bi->flags & BOOT_INFO_HAS_FRAMEBUFFER) {
		uint64_t base = bi->fb.base, large = 0;

		/* 2 MiB frames where the framebuffer allows, 4 KiB after. */
		if (IS_ALIGNED(base, 1ULL << LARGE_PAGE_BITS))
			large = ALIGN_DOWN(bi->fb.size,
					   1ULL << LARGE_PAGE_BITS);
		slot = boot_frames(r->slots, slot, base, large, LARGE_PAGE_BITS,
				   PITH_RIGHT_READ | PITH_RIGHT_WRITE, true);
		info->fb_large_frames.end = info->fb_small_frames.start = slot;
		slot = boot_frames(r->slots, slot, base + large,
				   ALIGN_UP(bi->fb.size - large, PAGE_SIZE),
				   PAGE_BITS,
				   PITH_RIGHT_READ | PITH_RIGHT_WRITE, true);
		info->fb_small_frames.end = slot;
	}
	kcov_caps(r, &slot);
	info->untyped.start = slot;
	slot = boot_untyped_create(bi, r->slots, slot, size - ROOT_CNODE_SPARE,
				   info);
	info->untyped.end = slot;
	info->empty.start = slot;
	info->empty.end = size;
}

static void fill_bootinfo(struct root *r, const struct boot_info *bi,
			  const char *cmdline)
{
	struct pith_bootinfo *info = r->info;

	info->magic = PITH_BOOTINFO_MAGIC;
	info->version = PITH_BOOTINFO_VERSION;
	info->ipc_buffer = USER_IPC_BUFFER;
	info->cnode_size_bits = r->bits;
	info->initrd_paddr = bi->initrd.base;
	info->initrd_size = bi->initrd.size;
	if (bi->flags & BOOT_INFO_HAS_FRAMEBUFFER)
		info->framebuffer = (struct pith_bootinfo_framebuffer){
			.paddr = bi->fb.base,
			.size = bi->fb.size,
			.width = bi->fb.width,
			.height = bi->fb.height,
			.pitch = bi->fb.pitch,
			.format = bi->fb.format,
			.red_mask = bi->fb.red_mask,
			.green_mask = bi->fb.green_mask,
			.blue_mask = bi->fb.blue_mask,
			.reserved_mask = bi->fb.reserved_mask,
		};
	if (bi->flags & BOOT_INFO_HAS_ACPI)
		info->acpi_rsdp = bi->acpi_rsdp;
	if (bi->flags & BOOT_INFO_HAS_ENTROPY) {
		memcpy(info->entropy, bi->entropy, sizeof(info->entropy));
		info->entropy_valid = 1;
	}
	info->tsc_khz = (uint32_t)(arch_tsc_hz() / 1000);
	info->kernel_bytes = bi->kernel.size + mem_boot_allocated();
	for (size_t i = 0; i < sizeof(info->cmdline) - 1 && cmdline[i]; i++)
		info->cmdline[i] = cmdline[i];
	info->size = (uint32_t)(sizeof(*info) +
				info->untyped_count *
					sizeof(struct pith_untyped_desc));
}

struct tcb *root_task_create(const struct boot_info *bi, const char *cmdline)
{
	char name[NAME_MAX] = "init";
	struct root r = {0};

	if (cmdline_has(cmdline, "init") &&
	    !cmdline_get(cmdline, "init", name, sizeof(name)))
		fail("?", "init= needs a name of at most 63 characters", -1);

	r.vspace = arch_vspace_create();
	load_image(bi, name, r.vspace);
	r.ipc_pa = mem_alloc_page();
	r.info_pa = mem_alloc_page();
	map(r.vspace, USER_IPC_BUFFER, r.ipc_pa, VM_USER | VM_READ | VM_WRITE);
	map(r.vspace, USER_BOOTINFO, r.info_pa, VM_USER | VM_READ);
	r.info = phys_to_virt(r.info_pa);
	r.pool = phys_to_virt(mem_alloc_page());
	if (asid_pool_register(r.pool) != 0)
		panic("boot: the first ASID pool is not pool 0");
	r.asid = asid_assign(r.pool, 0, r.vspace);
	r.tcb = phys_to_virt(mem_alloc_page());
	tcb_init(r.tcb, name);
	r.bits = cnode_bits(bi);
	r.slots = phys_to_virt(mem_alloc_aligned(r.bits + CTE_SIZE_BITS));

	fixed_caps(&r);
	dynamic_caps(&r, bi); /* after the last boot allocation */
	fill_bootinfo(&r, bi, cmdline);

	arch_context_init_user(&r.tcb->ctx, root_image.entry, USER_STACK_TOP);
	r.tcb->ctx.rdi = USER_BOOTINFO;
	tcb_set_ipc_buffer(r.tcb, USER_IPC_BUFFER);
	r.tcb->priority = r.tcb->mcp = SCHED_PRIORITY_MAX;
	tcb_resume(r.tcb);
	pr_info("root task: '%s' loaded: %u segments, %llu KiB, entry 0x%llx; "
		"CNode of %u slots",
		name, root_image.nsegs,
		(unsigned long long)(root_image.vaddr_hi -
				     root_image.vaddr_lo) /
			1024,
		(unsigned long long)root_image.entry, 1u << r.bits);
	return r.tcb;
}
