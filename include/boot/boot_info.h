/*
 * The boot hand-off contract between the UEFI loader and the kernel.
 *
 * The loader fills one physically contiguous block: a struct boot_info,
 * followed by the memory map and the command line, which the header reaches
 * by offsets (never pointers) so the block means the same at any address.
 * The kernel is entered with the block's physical address in %rdi and checks
 * it with boot_info_check() before trusting a single field.
 *
 * Evolving the contract: new fields go at the end of struct boot_info and
 * bump BOOT_INFO_VERSION. A kernel accepts its own version and newer ones
 * (whose header_size is larger: it skips what it does not know) and refuses
 * older ones, which lack fields it reads. An incompatible change would need
 * a new magic.
 */
#ifndef BOOT_BOOT_INFO_H
#define BOOT_BOOT_INFO_H

#include <stdint.h>

#define BOOT_INFO_MAGIC	  0x4f464e4948544950ULL /* "PITHINFO" */
#define BOOT_INFO_VERSION 1

/*
 * The kernel's virtual layout, which the loader must honour when it maps the
 * kernel and builds the direct map the kernel starts on. Every kernel ELF
 * segment lies in [KERNEL_VIRT_BASE, KERNEL_VIRT_LIMIT).
 */
#define KERNEL_VIRT_BASE  0xffffffff80000000ULL
#define KERNEL_VIRT_LIMIT 0xffffffffc0000000ULL
#define DIRECT_MAP_BASE	  0xffff800000000000ULL /* phys 0 maps here */
#define DIRECT_MAP_SIZE	  0x0000400000000000ULL /* 64 TiB of physical space */

#define BOOT_PAGE_SIZE	 4096ULL
#define BOOT_CMDLINE_MAX 1024 /* bytes, including the terminating NUL */
#define BOOT_MMAP_MAX	 1024 /* entries the kernel will accept */

/* Memory range types, converted from the UEFI memory map by the loader. */
enum boot_mem_type {
	BOOT_MEM_USABLE = 1,	   /* free RAM */
	BOOT_MEM_LOADER = 2,	   /* loader code/data: free RAM, except the
				      ranges named in struct boot_info */
	BOOT_MEM_RESERVED = 3,	   /* firmware reserved; never touch */
	BOOT_MEM_ACPI_RECLAIM = 4, /* ACPI tables; free once parsed */
	BOOT_MEM_ACPI_NVS = 5,	   /* ACPI non-volatile storage */
	BOOT_MEM_MMIO = 6,	   /* memory-mapped I/O */
	BOOT_MEM_UNUSABLE = 7,	   /* RAM with errors */
	BOOT_MEM_RUNTIME = 8,	   /* UEFI runtime services code/data */
	BOOT_MEM_PERSISTENT = 9,   /* persistent memory (NVDIMM) */
	BOOT_MEM_TYPE_MAX = 9,
};

struct boot_mem_range {
	uint64_t base; /* physical, page aligned */
	uint64_t size; /* bytes, a multiple of BOOT_PAGE_SIZE */
	uint32_t type; /* enum boot_mem_type */
	uint32_t reserved0;
};

/* A physical range [base, base + size). size == 0 means "none". */
struct boot_range {
	uint64_t base;
	uint64_t size;
};

enum boot_fb_format {
	BOOT_FB_RGBX = 1, /* byte 0 red, 1 green, 2 blue (UEFI RGB reserved) */
	BOOT_FB_BGRX = 2, /* byte 0 blue, 1 green, 2 red (UEFI BGR reserved) */
	BOOT_FB_BITMASK = 3, /* see the masks */
};

struct boot_framebuffer {
	uint64_t base;	 /* physical address of pixel (0, 0) */
	uint64_t size;	 /* bytes */
	uint32_t width;	 /* pixels */
	uint32_t height; /* pixels */
	uint32_t pitch;	 /* bytes per scan line */
	uint32_t format; /* enum boot_fb_format; 4 bytes per pixel */
	uint32_t red_mask, green_mask, blue_mask, reserved_mask;
};

/* Flags: which optional parts of struct boot_info are valid. */
#define BOOT_INFO_HAS_FRAMEBUFFER (1u << 0)
#define BOOT_INFO_HAS_ACPI	  (1u << 1)
#define BOOT_INFO_HAS_ENTROPY	  (1u << 2) /* entropy[] came from EFI_RNG */

struct boot_info {
	uint64_t magic;	  /* BOOT_INFO_MAGIC */
	uint32_t version; /* BOOT_INFO_VERSION */
	uint32_t
		header_size; /* sizeof(struct boot_info) as the loader saw it */
	uint32_t total_size; /* header + memory map + command line, bytes */
	uint32_t flags;	     /* BOOT_INFO_HAS_* */

	/* The whole block, so the kernel can keep it until it is done. */
	struct boot_range self;
	/* The kernel image, loaded contiguously: virt kernel_virt maps to
	 * phys kernel.base, and the image spans kernel.size bytes. */
	struct boot_range kernel;
	uint64_t kernel_virt;
	/* The initrd (cpio newc), already checked by the loader. */
	struct boot_range initrd;
	/* The loader's page tables the kernel runs on until it has its own. */
	struct boot_range page_tables;

	uint32_t mmap_offset; /* bytes from the start of this struct */
	uint32_t mmap_count;  /* struct boot_mem_range entries, sorted */
	uint32_t cmdline_offset;
	uint32_t cmdline_size; /* including the NUL */

	struct boot_framebuffer fb; /* valid with BOOT_INFO_HAS_FRAMEBUFFER */
	uint64_t acpi_rsdp;	   /* physical; valid with BOOT_INFO_HAS_ACPI */
	uint32_t acpi_revision;	   /* RSDP revision: 0 (ACPI 1.0) or 2+ */
	uint32_t exit_attempts;	   /* ExitBootServices() calls it took */
	uint64_t efi_system_table; /* physical; for later runtime services */
	uint8_t entropy[32];	   /* zero unless BOOT_INFO_HAS_ENTROPY */
};

_Static_assert(sizeof(struct boot_mem_range) == 24, "boot ABI");
_Static_assert(sizeof(struct boot_framebuffer) == 48, "boot ABI");
_Static_assert(sizeof(struct boot_info) == 216, "boot ABI");

#endif
