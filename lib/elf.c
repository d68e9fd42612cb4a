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
	[ELF_E_DYN_MALFORMED] = "malformed dynamic section or relocation table",
	[ELF_E_DYN_UNSUPPORTED] =
		"needs dynamic linking (libraries, PLT, REL, RELR)",
	[ELF_E_RELOC_TYPE] = "relocation type other than R_X86_64_RELATIVE",
	[ELF_E_RELOC_RANGE] = "relocation outside the file bytes of a segment",
	[ELF_E_RELOC_TEXT] = "text relocation (in an executable segment)",
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
	if (eh->e_type != lim->type &&
	    !(lim->allow_pie && eh->e_type == ET_DYN))
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

/*
 * Does the segment lie in the allowed range? A position-dependent one at
 * its address; a PIE's, once placed, if the span from the first
 * segment's page to its end fits in the range (a segment below the first
 * is left to the ordering check).
 */
static bool segment_in_range(const struct elf64_phdr *ph,
			     const struct elf_limits *lim,
			     const struct elf_image *out)
{
	uint64_t first, room;

	if (ph->p_memsz == 0)
		return false;
	if (!out->pie)
		return ph->p_vaddr >= lim->vaddr_min &&
		       ph->p_vaddr < lim->vaddr_max &&
		       ph->p_memsz <= lim->vaddr_max - ph->p_vaddr;
	if (ph->p_memsz > UINT64_MAX - ph->p_vaddr ||
	    lim->vaddr_max <= lim->vaddr_min)
		return false;
	first = out->nsegs ? out->vaddr_lo : ph->p_vaddr & ~(PAGE - 1);
	room = lim->vaddr_max - lim->vaddr_min;
	return ph->p_vaddr < first || ph->p_vaddr + ph->p_memsz - first <= room;
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
	if (!segment_in_range(ph, lim, out))
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

/* ---- a PIE's dynamic section and relocations ---------------------------- */

/* The segment whose file bytes hold [va, va + len), or NULL. */
static const struct elf_segment *segment_of(const struct elf_image *img,
					    uint64_t va, uint64_t len)
{
	for (unsigned i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->seg[i];

		if (va >= s->vaddr && len <= s->filesz &&
		    va - s->vaddr <= s->filesz - len)
			return s;
	}
	return NULL;
}

static struct elf64_rela rela_at(const void *file, const struct elf_image *img,
				 uint64_t i)
{
	struct elf64_rela r;

	memcpy(&r, (const uint8_t *)file + img->rela_offset + i * sizeof(r),
	       sizeof(r));
	return r;
}

/* Every relocation: RELATIVE, its word inside the file bytes of a
 * segment (initialised data: a loader applies relocations as it copies
 * them in) that is not executable (that would be a text relocation). */
static enum elf_error check_relocs(const void *file, struct elf_image *img)
{
	uint64_t prev = 0;

	img->rela_sorted = true;
	for (uint64_t i = 0; i < img->nrela; i++) {
		struct elf64_rela r = rela_at(file, img, i);
		const struct elf_segment *s;

		if (r.r_info != R_X86_64_RELATIVE) /* symbol 0, RELATIVE */
			return ELF_E_RELOC_TYPE;
		s = segment_of(img, r.r_offset, sizeof(uint64_t));
		if (!s)
			return ELF_E_RELOC_RANGE;
		if (s->flags & PF_X)
			return ELF_E_RELOC_TEXT;
		if (r.r_offset < prev)
			img->rela_sorted = false;
		prev = r.r_offset;
	}
	return ELF_OK;
}

/* What the dynamic section asks for. */
struct dynamic {
	uint64_t rela, relasz, relaent;
	bool has_rela, has_relasz, ended;
};

/* One entry: an error for anything that needs more than a loader which
 * applies RELATIVE relocations; informational tags (symbols, hashes,
 * flags, DT_DEBUG) are left alone. */
static enum elf_error dynamic_entry(const struct elf64_dyn *d,
				    struct dynamic *dyn)
{
	switch (d->d_tag) {
	case DT_NULL:
		dyn->ended = true;
		break;
	case DT_RELA:
		dyn->rela = d->d_val;
		dyn->has_rela = true;
		break;
	case DT_RELASZ:
		dyn->relasz = d->d_val;
		dyn->has_relasz = true;
		break;
	case DT_RELAENT:
		dyn->relaent = d->d_val;
		break;
	case DT_TEXTREL:
		return ELF_E_RELOC_TEXT;
	case DT_FLAGS:
		return d->d_val & DF_TEXTREL ? ELF_E_RELOC_TEXT : ELF_OK;
	case DT_PLTRELSZ:
		return d->d_val ? ELF_E_DYN_UNSUPPORTED : ELF_OK;
	case DT_NEEDED:
	case DT_JMPREL:
	case DT_REL:
	case DT_RELSZ:
	case DT_RELR:
	case DT_RELRSZ:
		return ELF_E_DYN_UNSUPPORTED;
	default:
		break;
	}
	return ELF_OK;
}

/* Read the dynamic section (up to DT_NULL) into *dyn. */
static enum elf_error read_dynamic(const uint8_t *file, size_t size,
				   const struct elf64_phdr *ph,
				   struct dynamic *dyn)
{
	enum elf_error err = ELF_OK;

	*dyn = (struct dynamic){.relaent = sizeof(struct elf64_rela)};
	if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset ||
	    ph->p_filesz % sizeof(struct elf64_dyn) != 0)
		return ELF_E_DYN_MALFORMED;
	for (uint64_t off = 0;
	     err == ELF_OK && !dyn->ended && off < ph->p_filesz;
	     off += sizeof(struct elf64_dyn)) {
		struct elf64_dyn d;

		memcpy(&d, file + ph->p_offset + off, sizeof(d));
		err = dynamic_entry(&d, dyn);
	}
	if (err == ELF_OK && (!dyn->ended || dyn->has_rela != dyn->has_relasz ||
			      dyn->relaent != sizeof(struct elf64_rela) ||
			      dyn->relasz % sizeof(struct elf64_rela) != 0))
		return ELF_E_DYN_MALFORMED;
	return err;
}

/* A PIE's PT_DYNAMIC: where its relocation table is in the file (it
 * must lie in a segment's file bytes), and every relocation in it. */
static enum elf_error check_dynamic(const uint8_t *file, size_t size,
				    const struct elf64_phdr *ph,
				    struct elf_image *img)
{
	const struct elf_segment *s;
	struct dynamic dyn;
	enum elf_error err = read_dynamic(file, size, ph, &dyn);

	if (err != ELF_OK || dyn.relasz == 0)
		return err;
	s = segment_of(img, dyn.rela, dyn.relasz);
	if (!s)
		return ELF_E_DYN_MALFORMED;
	img->rela_offset = s->offset + (dyn.rela - s->vaddr);
	img->nrela = dyn.relasz / sizeof(struct elf64_rela);
	return check_relocs(file, img);
}

/* The program headers: PT_LOAD segments into `out`, the index of a
 * PIE's PT_DYNAMIC into *dynamic (-1: none). */
static enum elf_error read_phdrs(const uint8_t *file, size_t size,
				 const struct elf64_ehdr *eh,
				 const struct elf_limits *lim,
				 struct elf_image *out, int *dynamic)
{
	enum elf_error err = ELF_OK;

	*dynamic = -1;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		struct elf64_phdr ph;

		memcpy(&ph, file + eh->e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_INTERP ||
		    (ph.p_type == PT_DYNAMIC && !out->pie))
			err = ELF_E_DYNAMIC;
		else if (ph.p_type == PT_DYNAMIC && *dynamic >= 0)
			err = ELF_E_DYN_MALFORMED; /* a second one */
		else if (ph.p_type == PT_DYNAMIC)
			*dynamic = (int)i;
		else if (ph.p_type == PT_LOAD)
			err = add_segment(&ph, size, lim, out);
		if (err != ELF_OK) {
			out->bad_phdr = (int)i;
			return err;
		}
	}
	return ELF_OK;
}

enum elf_error elf_parse(const void *file, size_t size,
			 const struct elf_limits *lim, struct elf_image *out)
{
	const uint8_t *bytes = file;
	struct elf64_ehdr eh;
	struct elf64_phdr ph;
	enum elf_error err;
	int dynamic;

	memset(out, 0, sizeof(*out));
	out->bad_phdr = -1;
	if (size < sizeof(eh))
		return ELF_E_TRUNCATED;
	memcpy(&eh, file, sizeof(eh)); /* the file may be unaligned */
	err = check_header(&eh, size, lim);
	if (err != ELF_OK)
		return err;
	out->pie = eh.e_type == ET_DYN;
	err = read_phdrs(bytes, size, &eh, lim, out, &dynamic);
	if (err != ELF_OK)
		return err;
	if (out->nsegs == 0)
		return ELF_E_NO_SEGMENTS;
	out->entry = eh.e_entry;
	if (!entry_is_executable(out))
		return ELF_E_ENTRY;
	if (dynamic < 0)
		return ELF_OK;
	memcpy(&ph, bytes + eh.e_phoff + (unsigned)dynamic * sizeof(ph),
	       sizeof(ph));
	err = check_dynamic(bytes, size, &ph, out);
	if (err != ELF_OK)
		out->bad_phdr = dynamic;
	return err;
}

/* Write the 8 bytes of `value` that fall in the page at `va`. */
static void put_word(uint8_t *page, uint64_t va, uint64_t at, uint64_t value)
{
	for (uint64_t b = at; b < at + sizeof(value); b++, value >>= 8) {
		if (b >= va && b - va < PAGE)
			page[b - va] = (uint8_t)value;
	}
}

/* With sorted relocations: the first whose word ends after `va`. */
static uint64_t first_reloc_from(const void *file, const struct elf_image *img,
				 uint64_t va)
{
	uint64_t lo = 0, hi = img->nrela;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (rela_at(file, img, mid).r_offset + sizeof(uint64_t) <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void elf_relocate_page(const void *file, const struct elf_image *img,
		       uint64_t bias, uint64_t va, uint8_t *page)
{
	uint64_t i = img->rela_sorted ? first_reloc_from(file, img, va) : 0;

	for (; img->pie && i < img->nrela; i++) {
		struct elf64_rela r = rela_at(file, img, i);

		if (r.r_offset >= va + PAGE) {
			if (img->rela_sorted)
				break;
			continue;
		}
		if (r.r_offset + sizeof(uint64_t) > va)
			put_word(page, va, r.r_offset,
				 bias + (uint64_t)r.r_addend);
	}
}
