/*
 * Checks and accessors for struct boot_info (include/boot/boot_info.h).
 * The kernel calls boot_info_check() first thing; the loader calls it on
 * what it built, so a loader bug is caught before the jump.
 */
#ifndef LIB_BOOT_INFO_H
#define LIB_BOOT_INFO_H

#include "boot/boot_info.h"

enum boot_info_error {
	BOOT_INFO_OK = 0,
	BOOT_INFO_E_MAGIC,	/* not a boot_info block */
	BOOT_INFO_E_VERSION,	/* older than this kernel: fields missing */
	BOOT_INFO_E_SIZE,	/* header/total sizes inconsistent */
	BOOT_INFO_E_MMAP,	/* memory map table out of bounds or empty */
	BOOT_INFO_E_MMAP_ENTRY, /* an entry is unaligned, empty or wraps */
	BOOT_INFO_E_MMAP_ORDER, /* entries unsorted or overlapping */
	BOOT_INFO_E_CMDLINE,	/* command line out of bounds/unterminated */
	BOOT_INFO_E_KERNEL,	/* kernel range empty, unaligned or not RAM */
	BOOT_INFO_E_INITRD,	/* initrd range empty or not RAM */
	BOOT_INFO_E_RANGES, /* kernel/initrd/boot_info/page tables overlap */
	BOOT_INFO_E_FRAMEBUFFER,   /* inconsistent framebuffer geometry */
	BOOT_INFO_E_ACPI,	   /* ACPI flag set but no RSDP */
	BOOT_INFO_E_LOADER_MEMORY, /* block or page tables wrap or not RAM */
	BOOT_INFO_E_COUNT
};

/* Check every field of `bi`, a block of bi->total_size bytes. */
enum boot_info_error boot_info_check(const struct boot_info *bi);

const char *boot_info_strerror(enum boot_info_error err);

/* Accessors; valid only after boot_info_check() returned BOOT_INFO_OK. */
static inline const struct boot_mem_range *
boot_info_mmap(const struct boot_info *bi)
{
	return (const struct boot_mem_range *)((const char *)bi +
					       bi->mmap_offset);
}

static inline const char *boot_info_cmdline(const struct boot_info *bi)
{
	return (const char *)bi + bi->cmdline_offset;
}

#endif
