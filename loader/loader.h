/*
 * The UEFI loader's internal interfaces.
 *
 * Flow (main.c): read \pith\boot.cfg, \pith\kernel.elf and \pith\initrd from
 * the volume the loader came from; check and load the kernel; find the
 * framebuffer, ACPI and entropy; build page tables and struct boot_info;
 * exit boot services; jump. Until ExitBootServices() every failure is
 * reported on the console and returned to the firmware as an EFI status.
 */
#ifndef LOADER_LOADER_H
#define LOADER_LOADER_H

#include <efi.h>
#include <stdbool.h>
#include <stdint.h>

#include "boot/boot_info.h"
#include "lib/elf.h"

#define PAGE_SIZE    4096ULL
#define PAGES(bytes) (((bytes) + PAGE_SIZE - 1) / PAGE_SIZE)

extern EFI_SYSTEM_TABLE *ST;
extern EFI_BOOT_SERVICES *BS;

extern EFI_GUID loader_guid_loaded_image;
extern EFI_GUID loader_guid_simple_fs;
extern EFI_GUID loader_guid_file_info;
extern EFI_GUID loader_guid_gop;
extern EFI_GUID loader_guid_rng;
extern EFI_GUID loader_guid_acpi20;
extern EFI_GUID loader_guid_acpi10;

/* console.c: output on the firmware console (which OVMF mirrors to serial).
 * Lines are prefixed with "pith loader: ". */
void con_init(EFI_SYSTEM_TABLE *st);
void con_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "pith loader: error: <message> (<status>)" and return status. */
EFI_STATUS con_fail(EFI_STATUS status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *efi_status_name(EFI_STATUS status);

/* files.c: whole files from the boot volume, in page allocations. */
struct loaded_file {
	const char *path; /* for messages, e.g. "\pith\kernel.elf" */
	uint8_t *data;	  /* page-aligned, EfiLoaderData, NUL-terminated */
	uint64_t size;	  /* bytes of file content */
	uint64_t pages;	  /* pages allocated */
};

EFI_STATUS files_open_volume(EFI_HANDLE image, EFI_FILE_HANDLE *root);
/* Read `path` (ASCII, backslashes) of at most max_size bytes. A missing
 * file is EFI_NOT_FOUND; the caller decides whether that is an error. */
EFI_STATUS files_read(EFI_FILE_HANDLE root, const char *path, uint64_t max_size,
		      struct loaded_file *out);
void files_free(struct loaded_file *f);

/* kernel.c: the kernel image, copied to one contiguous physical block. */
struct kernel_image {
	uint64_t phys;	/* physical base of the image */
	uint64_t virt;	/* virtual base (page-aligned, >= KERNEL_VIRT_BASE) */
	uint64_t size;	/* bytes, page multiple */
	uint64_t entry; /* virtual entry point */
};

EFI_STATUS kernel_load(const struct loaded_file *f, struct kernel_image *out);
void kernel_free(struct kernel_image *k);

/* paging.c: page tables with identity and direct maps of [0, max_phys)
 * and the kernel at its virtual base. */
EFI_STATUS paging_build(uint64_t max_phys, const struct kernel_image *k,
			struct boot_range *tables, uint64_t *cr3);

/* platform.c: what the firmware knows about the machine. */
void platform_framebuffer(struct boot_info *bi);
void platform_acpi(struct boot_info *bi);
void platform_entropy(struct boot_info *bi);

/* handoff.c: the memory map, struct boot_info, and the jump. */
struct handoff {
	EFI_HANDLE image;
	struct kernel_image kernel;
	struct loaded_file initrd;
	const char *cmdline;	/* NUL-terminated, < BOOT_CMDLINE_MAX bytes */
	bool test_stale_mapkey; /* first ExitBootServices() gets a stale key */
};

/* Allocate boot_info and its memory map buffer, build the page tables,
 * exit boot services and enter the kernel. Returns only on failure, before
 * boot services are gone. */
EFI_STATUS handoff_boot(struct handoff *h);

#endif
