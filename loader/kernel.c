/*
 * Checking the kernel ELF and copying it into one physically contiguous
 * block, so that one offset translates the kernel's virtual addresses to
 * physical ones.
 */
#include "lib/string.h"
#include "loader.h"

EFI_STATUS kernel_load(const struct loaded_file *f, struct kernel_image *out)
{
	static struct elf_image img; /* large; keep it off the stack */
	const struct elf_limits lim = {
		.type = ET_EXEC,
		.vaddr_min = KERNEL_VIRT_BASE,
		.vaddr_max = KERNEL_VIRT_LIMIT,
		.allow_wx = false,
	};
	EFI_PHYSICAL_ADDRESS phys;
	enum elf_error err;
	EFI_STATUS st;

	err = elf_parse(f->data, f->size, &lim, &img);
	if (err != ELF_OK && img.bad_phdr >= 0)
		return con_fail(EFI_LOAD_ERROR, "%s: program header %d: %s",
				f->path, img.bad_phdr, elf_strerror(err));
	if (err != ELF_OK)
		return con_fail(EFI_LOAD_ERROR, "%s: %s", f->path,
				elf_strerror(err));

	out->virt = img.vaddr_lo;
	out->size = img.vaddr_hi - img.vaddr_lo;
	out->entry = img.entry;
	st = BS->AllocatePages(AllocateAnyPages, EfiLoaderData,
			       out->size / PAGE_SIZE, &phys);
	if (EFI_ERROR(st))
		return con_fail(st, "%s: no memory for a %llu KiB image",
				f->path, (unsigned long long)out->size / 1024);
	out->phys = phys;

	memset((void *)(uintptr_t)phys, 0, out->size);
	for (unsigned i = 0; i < img.nsegs; i++) {
		const struct elf_segment *s = &img.seg[i];

		memcpy((uint8_t *)(uintptr_t)phys + (s->vaddr - out->virt),
		       f->data + s->offset, s->filesz);
	}
	return EFI_SUCCESS;
}

void kernel_free(struct kernel_image *k)
{
	if (k->size)
		BS->FreePages(k->phys, k->size / PAGE_SIZE);
	k->size = 0;
}
