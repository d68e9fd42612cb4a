/*
 * ELF64 validation for the two loaders of Pith: the UEFI loader checks the
 * kernel, and the kernel checks the root task. Nothing is trusted: every
 * offset, size and address in the file is checked against the file's size
 * and the caller's limits before a loader touches a byte.
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

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header");

/* What the caller accepts. */
struct elf_limits {
	uint16_t type;	    /* ET_EXEC: static, position-dependent */
	uint64_t vaddr_min; /* every segment lies in [vaddr_min, vaddr_max) */
	uint64_t vaddr_max;
	bool allow_wx; /* accept a segment both writable and executable */
};

/* One PT_LOAD segment, as checked. */
struct elf_segment {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t offset; /* file offset of the first filesz bytes */
	uint64_t filesz; /* <= memsz; the rest is zero-filled */
	uint32_t flags;	 /* PF_R | PF_W | PF_X */
};

struct elf_image {
	uint64_t entry;
	uint64_t vaddr_lo; /* page-aligned span of all segments */
	uint64_t vaddr_hi;
	unsigned nsegs;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
	int bad_phdr; /* on error: index of the program header at fault, or -1
		       */
};

enum elf_error {
	ELF_OK = 0,
	ELF_E_TRUNCATED,   /* smaller than an ELF header */
	ELF_E_MAGIC,	   /* not an ELF file */
	ELF_E_CLASS,	   /* not ELF64 */
	ELF_E_ENDIAN,	   /* not little-endian */
	ELF_E_VERSION,	   /* unknown ELF version */
	ELF_E_MACHINE,	   /* not x86-64 */
	ELF_E_TYPE,	   /* wrong object type */
	ELF_E_PHDR_SIZE,   /* unexpected program header entry size */
	ELF_E_PHDR_RANGE,  /* program header table outside the file */
	ELF_E_DYNAMIC,	   /* needs an interpreter or dynamic linking */
	ELF_E_NO_SEGMENTS, /* nothing to load */
	ELF_E_TOO_MANY,	   /* more than ELF_MAX_SEGMENTS PT_LOADs */
	ELF_E_SEG_FILE,	   /* segment data outside the file */
	ELF_E_SEG_FILESZ,  /* file size larger than memory size */
	ELF_E_SEG_ALIGN,   /* bad alignment */
	ELF_E_SEG_RANGE,   /* segment outside the allowed virtual range */
	ELF_E_SEG_OVERLAP, /* segments overlap or are out of order */
	ELF_E_SEG_WX,	   /* writable and executable */
	ELF_E_ENTRY,	   /* entry point not in an executable segment */
	ELF_E_COUNT
};

/* Check `file` (size bytes) against `lim`; on success fill `out`. */
enum elf_error elf_parse(const void *file, size_t size,
			 const struct elf_limits *lim, struct elf_image *out);

/* A one-line description of an error, for a log or a console. */
const char *elf_strerror(enum elf_error err);

#endif
