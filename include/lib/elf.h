/*
 * ELF64 validation for the loaders of Pith: the UEFI loader checks the
 * kernel, the kernel checks the root task, and the SDK checks the programs
 * it spawns (pith/process.h). Nothing is trusted: every offset, size and
 * address in the file is checked against the file's size and the caller's
 * limits before a loader touches a byte.
 *
 * Two kinds of image are understood:
 *  - static executables (ET_EXEC), loaded at their link addresses;
 *  - static position-independent executables (ET_DYN, no interpreter),
 *    if the caller allows them: loaded anywhere, at a page-aligned load
 *    bias added to every address of the file. Their only dynamic
 *    information is a table of R_X86_64_RELATIVE relocations, which the
 *    loader applies as it copies the file's bytes in
 *    (elf_relocate_page()), so that the program needs no writable code
 *    and no self-relocation.
 */
#ifndef LIB_ELF_H
#define LIB_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 16 /* PT_LOAD entries a loadable file may have */

#define ET_EXEC	   2
#define ET_DYN	   3
#define EM_X86_64  62
#define EM_AARCH64 183

#define PT_LOAD	   1
#define PT_DYNAMIC 2
#define PT_INTERP  3

/* Dynamic section tags that matter to a static PIE's loader. */
#define DT_NULL	    0
#define DT_NEEDED   1
#define DT_PLTRELSZ 2
#define DT_RELA	    7
#define DT_RELASZ   8
#define DT_RELAENT  9
#define DT_REL	    17
#define DT_RELSZ    18
#define DT_TEXTREL  22
#define DT_JMPREL   23
#define DT_FLAGS    30
#define DT_RELRSZ   35
#define DT_RELR	    36
#define DF_TEXTREL  0x4

#define R_X86_64_RELATIVE 8

#define PF_X 1u
#define PF_W 2u
#define PF_R 4u

struct elf64_ehdr {
	uint8_t e_ident[16];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

struct elf64_dyn {
	int64_t d_tag;
	uint64_t d_val;
};

struct elf64_rela {
	uint64_t r_offset; /* link-time address of the word to relocate */
	uint64_t r_info;   /* symbol << 32 | type */
	int64_t r_addend;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header");
_Static_assert(sizeof(struct elf64_dyn) == 16, "ELF64 dynamic entry");
_Static_assert(sizeof(struct elf64_rela) == 24, "ELF64 relocation");

/* What the caller accepts. */
struct elf_limits {
	uint16_t type;	    /* ET_EXEC: static, position-dependent */
	uint64_t vaddr_min; /* every segment lies in [vaddr_min, vaddr_max) */
	uint64_t vaddr_max;
	bool allow_wx; /* accept a segment both writable and executable */
	/* Accept a static PIE (ET_DYN) as well as `type`. Its segments
	 * must then fit in the range once placed: their span, from the
	 * first one's page to the last one's end, is at most
	 * vaddr_max - vaddr_min. */
	bool allow_pie;
};

/* One PT_LOAD segment, as checked. */
struct elf_segment {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t offset; /* file offset of the first filesz bytes */
	uint64_t filesz; /* <= memsz; the rest is zero-filled */
	uint32_t flags;	 /* PF_R | PF_W | PF_X */
};

/* A checked image. For a PIE every address here (entry, vaddr_lo and
 * _hi, the segments', the relocations' targets) is a link-time one: the
 * loader adds its load bias. */
struct elf_image {
	uint64_t entry;
	uint64_t vaddr_lo; /* page-aligned span of all segments */
	uint64_t vaddr_hi;
	unsigned nsegs;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
	int bad_phdr; /* on error: index of the program header at fault, or -1
		       */
	bool pie;     /* ET_DYN: to be placed by the loader */
	/* A PIE's relocations: nrela R_X86_64_RELATIVE entries at file
	 * offset rela_offset (unaligned), each relocating 8 bytes inside
	 * the file bytes of one segment that is not executable;
	 * rela_sorted if by ascending r_offset. */
	uint64_t rela_offset;
	uint64_t nrela;
	bool rela_sorted;
};

enum elf_error {
	ELF_OK = 0,
	ELF_E_TRUNCATED,       /* smaller than an ELF header */
	ELF_E_MAGIC,	       /* not an ELF file */
	ELF_E_CLASS,	       /* not ELF64 */
	ELF_E_ENDIAN,	       /* not little-endian */
	ELF_E_VERSION,	       /* unknown ELF version */
	ELF_E_MACHINE,	       /* not x86-64 */
	ELF_E_TYPE,	       /* wrong object type */
	ELF_E_PHDR_SIZE,       /* unexpected program header entry size */
	ELF_E_PHDR_RANGE,      /* program header table outside the file */
	ELF_E_DYNAMIC,	       /* needs an interpreter or dynamic linking */
	ELF_E_NO_SEGMENTS,     /* nothing to load */
	ELF_E_TOO_MANY,	       /* more than ELF_MAX_SEGMENTS PT_LOADs */
	ELF_E_SEG_FILE,	       /* segment data outside the file */
	ELF_E_SEG_FILESZ,      /* file size larger than memory size */
	ELF_E_SEG_ALIGN,       /* bad alignment */
	ELF_E_SEG_RANGE,       /* segment outside the allowed virtual range */
	ELF_E_SEG_OVERLAP,     /* segments overlap or are out of order */
	ELF_E_SEG_WX,	       /* writable and executable */
	ELF_E_ENTRY,	       /* entry point not in an executable segment */
	ELF_E_DYN_MALFORMED,   /* PT_DYNAMIC or its table out of bounds */
	ELF_E_DYN_UNSUPPORTED, /* asks for more than RELATIVE relocations */
	ELF_E_RELOC_TYPE,      /* a relocation other than RELATIVE */
	ELF_E_RELOC_RANGE,     /* a relocation outside segments' file bytes */
	ELF_E_RELOC_TEXT,      /* a relocation in an executable segment */
	ELF_E_COUNT
};

/* Check `file` (size bytes) against `lim`; on success fill `out`. A PIE's
 * dynamic section and every relocation are checked here too; errors in
 * them name the PT_DYNAMIC header in bad_phdr. */
enum elf_error elf_parse(const void *file, size_t size,
			 const struct elf_limits *lim, struct elf_image *out);

/*
 * Apply a PIE's relocations to one page of its memory: `page` holds the
 * 4 KiB at link-time address `va` (page-aligned), as loaded from the file,
 * and the image is placed at link-time address + `bias`. (Only pages with
 * file bytes have relocations.) Each relocated word becomes bias + addend;
 * a word that straddles two pages is written in part by each call. Does
 * nothing for a position-dependent image. `file` and `img` must be as
 * elf_parse() accepted them.
 */
void elf_relocate_page(const void *file, const struct elf_image *img,
		       uint64_t bias, uint64_t va, uint8_t *page);

/* A one-line description of an error, for a log or a console. */
const char *elf_strerror(enum elf_error err);

#endif
