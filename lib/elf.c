/*
 * ELF64 validation (see include/lib/elf.h).
 *
 * All arithmetic on values from the file is overflow-checked: a hostile
 * header must produce an error, never a wrapped bound.
 */
#include "lib/elf.h"

#include "lib/string.h"

#define PAGE 4096ULL

static const char *const elf_errors[ELF_E_COUNT] = {
	[ELF_OK] = "ok",
	[ELF_E_TRUNCATED] = "file too small for an ELF header",
	[ELF_E_MAGIC] = "not an ELF file (bad magic)",
	[ELF_E_CLASS] = "not a 64-bit ELF file",
	[ELF_E_ENDIAN] = "not a little-endian ELF file",
	[ELF_E_VERSION] = "unknown ELF version",
	[ELF_E_MACHINE] = "wrong machine type (not x86-64)",
	[ELF_E_TYPE] = "wrong ELF type (expected a static executable)",
	[ELF_E_PHDR_SIZE] = "unexpected program header entry size",
	[ELF_E_PHDR_RANGE] = "program header table extends past end of file",
	[ELF_E_DYNAMIC] = "dynamically linked (has an interpreter)",
	[ELF_E_NO_SEGMENTS] = "no loadable segments",
	[ELF_E_TOO_MANY] = "too many loadable segments",
	[ELF_E_SEG_FILE] = "segment data extends past end of file",
	[ELF_E_SEG_FILESZ] = "segment file size exceeds its memory size",
	[ELF_E_SEG_ALIGN] = "segment alignment is invalid",
	[ELF_E_SEG_RANGE] = "segment lies outside the allowed address range",
	[ELF_E_SEG_OVERLAP] = "segments overlap or are out of order",
	[ELF_E_SEG_WX] = "segment is both writable and executable",
	[ELF_E_ENTRY] = "entry point is not in an executable segment",
};

const char *elf_strerror(enum elf_error err)
{
	if ((unsigned)err >= ELF_E_COUNT)
		return "unknown ELF error";
	return elf_errors[err];
}

static enum elf_error check_header(const struct elf64_ehdr *eh, size_t size,
				   const struct elf_limits *lim)
{
	static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};

	if (memcmp(eh->e_ident, magic, 4) != 0)
		return ELF_E_MAGIC;
	if (eh->e_ident[4] != 2) /* ELFCLASS64 */
		return ELF_E_CLASS;
	if (eh->e_ident[5] != 1) /* ELFDATA2LSB */
		return ELF_E_ENDIAN;
	if (eh->e_ident[6] != 1 || eh->e_version != 1)
		return ELF_E_VERSION;
	if (eh->e_machine != EM_X86_64)
		return ELF_E_MACHINE;
	if (eh->e_type != lim->type)
		return ELF_E_TYPE;
	if (eh->e_phentsize != sizeof(struct elf64_phdr))
		return ELF_E_PHDR_SIZE;
	if (eh->e_phoff > size ||
	    (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr) >
		    size - eh->e_phoff)
		return ELF_E_PHDR_RANGE;
	return ELF_OK;
}

static bool is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

/* Check one PT_LOAD header and append it to `out`. */
static enum elf_error add_segment(const struct elf64_phdr *ph, size_t size,
				  const struct elf_limits *lim,
				  struct elf_image *out)
{
	uint64_t end, page_lo;

	if (out->nsegs == ELF_MAX_SEGMENTS)
		return ELF_E_TOO_MANY;
	if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
		return ELF_E_SEG_FILE;
	if (ph->p_filesz > ph->p_memsz)
		return ELF_E_SEG_FILESZ;
	if (ph->p_align > 1 &&
	    (!is_pow2(ph->p_align) ||
	     ph->p_vaddr % ph->p_align != ph->p_offset % ph->p_align))
		return ELF_E_SEG_ALIGN;
	if (ph->p_memsz == 0 || ph->p_vaddr < lim->vaddr_min ||
	    ph->p_vaddr >= lim->vaddr_max ||
	    ph->p_memsz > lim->vaddr_max - ph->p_vaddr)
		return ELF_E_SEG_RANGE;
	if (!lim->allow_wx && (ph->p_flags & PF_W) && (ph->p_flags & PF_X))
		return ELF_E_SEG_WX;

	/* Segments are mapped by page: two may not share one, and PT_LOAD
	 * entries must be sorted by address, as the ELF spec requires. */
	page_lo = ph->p_vaddr & ~(PAGE - 1);
	end = ph->p_vaddr + ph->p_memsz;
	if (out->nsegs == 0)
		out->vaddr_lo = page_lo;
	else if (page_lo < out->vaddr_hi) /* the previous segment's end page */
		return ELF_E_SEG_OVERLAP;
	/* end <= vaddr_max, so rounding up cannot wrap unless vaddr_max
	 * sits in the last page of the address space. */
	if (end > UINT64_MAX - (PAGE - 1))
		return ELF_E_SEG_RANGE;
	out->vaddr_hi = (end + PAGE - 1) & ~(PAGE - 1);

	out->seg[out->nsegs++] = (struct elf_segment){
		.vaddr = ph->p_vaddr,
		.memsz = ph->p_memsz,
		.offset = ph->p_offset,
		.filesz = ph->p_filesz,
		.flags = ph->p_flags & (PF_R | PF_W | PF_X),
	};
	return ELF_OK;
}

static bool entry_is_executable(const struct elf_image *img)
{
	for (unsigned i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->seg[i];

		if ((s->flags & PF_X) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->memsz)
			return true;
	}
	return false;
}

enum elf_error elf_parse(const void *file, size_t size,
			 const struct elf_limits *lim, struct elf_image *out)
{
	struct elf64_ehdr eh;
	enum elf_error err;

	memset(out, 0, sizeof(*out));
	out->bad_phdr = -1;
	if (size < sizeof(eh))
		return ELF_E_TRUNCATED;
	memcpy(&eh, file, sizeof(eh)); /* the file may be unaligned */
	err = check_header(&eh, size, lim);
	if (err != ELF_OK)
		return err;

	for (unsigned i = 0; i < eh.e_phnum; i++) {
		struct elf64_phdr ph;

		memcpy(&ph, (const uint8_t *)file + eh.e_phoff + i * sizeof(ph),
		       sizeof(ph));
		if (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC)
			err = ELF_E_DYNAMIC;
		else if (ph.p_type == PT_LOAD)
			err = add_segment(&ph, size, lim, out);
		if (err != ELF_OK) {
			out->bad_phdr = (int)i;
			return err;
		}
	}
	if (out->nsegs == 0)
		return ELF_E_NO_SEGMENTS;
	out->entry = eh.e_entry;
	if (!entry_is_executable(out))
		return ELF_E_ENTRY;
	return ELF_OK;
}
