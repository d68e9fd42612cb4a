/*
 * Creating the root task (see include/kernel/root_task.h).
 *
 * Its ELF is checked like the kernel's own (lib/elf.c), then each segment is
 * copied into fresh pages mapped with exactly the segment's permissions:
 * W^X holds from the first user instruction.
 */
#include "kernel/root_task.h"

#include "kernel/arch.h"
#include "kernel/log.h"
#include "kernel/mem.h"
#include "kernel/panic.h"
#include "kernel/sched.h"
#include "kernel/shutdown.h"
#include "lib/cmdline.h"
#include "lib/cpio.h"
#include "lib/elf.h"
#include "lib/string.h"

#define NAME_MAX 64

static struct thread root_thread;
static struct elf_image root_image; /* large: not on the kernel stack */

static _Noreturn void fail(const char *name, const char *why, int phdr)
{
	if (phdr >= 0)
		pr_err("root task: '%s': program header %d: %s", name, phdr,
		       why);
	else
		pr_err("root task: '%s': %s", name, why);
	shutdown(SHUTDOWN_FAIL);
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
		if (!arch_vm_map_page(vspace, va, pa, segment_prot(s->flags)))
			panic("root task: page 0x%llx mapped twice",
			      (unsigned long long)va);
	}
}

static uint64_t map_stack(uint64_t vspace)
{
	for (unsigned i = 1; i <= USER_STACK_PAGES; i++) {
		uint64_t va = USER_STACK_TOP - i * PAGE_SIZE;

		if (!arch_vm_map_page(vspace, va, mem_alloc_page(),
				      VM_USER | VM_READ | VM_WRITE))
			panic("root task: stack page mapped twice");
	}
	return USER_STACK_TOP;
}

void root_task_create(const struct boot_info *bi, const char *cmdline)
{
	const struct elf_limits lim = {
		.type = ET_EXEC,
		.vaddr_min = USER_IMAGE_MIN,
		/* below the stack and its guard page */
		.vaddr_max =
			USER_STACK_TOP - (USER_STACK_PAGES + 1) * PAGE_SIZE,
		.allow_wx = false,
	};
	const void *initrd = phys_to_virt(bi->initrd.base);
	char name[NAME_MAX] = "init";
	struct cpio_entry file;
	enum cpio_error cerr;
	enum elf_error eerr;
	uint64_t vspace, stack;

	if (cmdline_has(cmdline, "init") &&
	    !cmdline_get(cmdline, "init", name, sizeof(name)))
		fail("?", "init= needs a name of at most 63 characters", -1);
	cerr = cpio_find(initrd, bi->initrd.size, name, &file);
	if (cerr != CPIO_OK)
		fail(name,
		     cerr == CPIO_E_NOT_FOUND ? "not found in the initrd"
					      : cpio_strerror(cerr),
		     -1);
	eerr = elf_parse(file.data, file.size, &lim, &root_image);
	if (eerr != ELF_OK)
		fail(name, elf_strerror(eerr), root_image.bad_phdr);

	vspace = arch_vspace_create();
	for (unsigned i = 0; i < root_image.nsegs; i++)
		load_segment(vspace, file.data, &root_image.seg[i]);
	stack = map_stack(vspace);
	thread_init(&root_thread, name, vspace, root_image.entry, stack);
	sched_add(&root_thread);
	pr_info("root task: '%s' loaded: %u segments, %llu KiB, entry 0x%llx",
		name, root_image.nsegs,
		(unsigned long long)(root_image.vaddr_hi -
				     root_image.vaddr_lo) /
			1024,
		(unsigned long long)root_image.entry);
}
