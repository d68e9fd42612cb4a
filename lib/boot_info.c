/*
 * boot_info checks (see include/lib/boot_info.h). Every offset and range is
 * overflow-checked; the kernel trusts nothing from the loader it has not
 * checked here.
 */
#include "lib/boot_info.h"

#include <stdbool.h>
#include <stddef.h>

#include "lib/memmap.h"

#define PAGE BOOT_PAGE_SIZE

static const char *const boot_info_errors[BOOT_INFO_E_COUNT] = {
	[BOOT_INFO_OK] = "ok",
	[BOOT_INFO_E_MAGIC] = "bad magic: not a boot_info block",
	[BOOT_INFO_E_VERSION] = "boot_info version older than the kernel's",
	[BOOT_INFO_E_SIZE] = "inconsistent boot_info sizes",
	[BOOT_INFO_E_MMAP] = "memory map table out of bounds or empty",
	[BOOT_INFO_E_MMAP_ENTRY] = "bad memory map entry",
	[BOOT_INFO_E_MMAP_ORDER] = "memory map entries unsorted or overlapping",
	[BOOT_INFO_E_CMDLINE] = "command line out of bounds or unterminated",
	[BOOT_INFO_E_KERNEL] = "kernel range empty, unaligned or not in RAM",
	[BOOT_INFO_E_INITRD] = "initrd range empty or not in RAM",
	[BOOT_INFO_E_RANGES] = "kernel/initrd/boot_info/page tables overlap",
	[BOOT_INFO_E_FRAMEBUFFER] = "inconsistent framebuffer geometry",
	[BOOT_INFO_E_ACPI] = "ACPI flag set without an RSDP",
	[BOOT_INFO_E_LOADER_MEMORY] = "boot_info or page tables not in RAM",
};

const char *boot_info_strerror(enum boot_info_error err)
{
	if ((unsigned)err >= BOOT_INFO_E_COUNT)
		return "unknown boot_info error";
	return boot_info_errors[err];
}

/* Does [off, off + len) lie inside a block of `total` bytes? */
static bool in_block(uint64_t off, uint64_t len, uint64_t total)
{
	return off <= total && len <= total - off;
}

static bool range_ok(const struct boot_range *r)
{
	return r->size > 0 && r->size <= UINT64_MAX - r->base;
}

static bool ranges_overlap(const struct boot_range *a,
			   const struct boot_range *b)
{
	if (a->size == 0 || b->size == 0)
		return false;
	return a->base < b->base + b->size && b->base < a->base + a->size;
}

/* Is [r.base, r.base + r.size) inside one RAM entry of the map? */
static bool range_in_ram(const struct boot_info *bi, const struct boot_range *r)
{
	const struct boot_mem_range *m = boot_info_mmap(bi);

	for (uint32_t i = 0; i < bi->mmap_count; i++) {
		if (memmap_type_is_ram(m[i].type) && r->base >= m[i].base &&
		    r->base + r->size <= m[i].base + m[i].size)
			return true;
	}
	return false;
}

static enum boot_info_error check_mmap(const struct boot_info *bi)
{
	const struct boot_mem_range *m;
	uint64_t prev_end = 0;

	if (bi->mmap_count == 0 || bi->mmap_count > BOOT_MMAP_MAX ||
	    bi->mmap_offset % 8 != 0 || bi->mmap_offset < bi->header_size ||
	    !in_block(bi->mmap_offset, (uint64_t)bi->mmap_count * sizeof(*m),
		      bi->total_size))
		return BOOT_INFO_E_MMAP;
	m = boot_info_mmap(bi);
	for (uint32_t i = 0; i < bi->mmap_count; i++) {
		if (m[i].base % PAGE || m[i].size % PAGE || m[i].size == 0 ||
		    m[i].size > UINT64_MAX - m[i].base || m[i].type == 0 ||
		    m[i].type > BOOT_MEM_TYPE_MAX)
			return BOOT_INFO_E_MMAP_ENTRY;
		if (i > 0 && m[i].base < prev_end)
			return BOOT_INFO_E_MMAP_ORDER;
		prev_end = m[i].base + m[i].size;
	}
	return BOOT_INFO_OK;
}

static enum boot_info_error check_cmdline(const struct boot_info *bi)
{
	const char *s;

	if (bi->cmdline_size == 0 || bi->cmdline_size > BOOT_CMDLINE_MAX ||
	    bi->cmdline_offset < bi->header_size ||
	    !in_block(bi->cmdline_offset, bi->cmdline_size, bi->total_size))
		return BOOT_INFO_E_CMDLINE;
	s = boot_info_cmdline(bi);
	if (s[bi->cmdline_size - 1] != '\0')
		return BOOT_INFO_E_CMDLINE;
	return BOOT_INFO_OK;
}

static enum boot_info_error check_ranges(const struct boot_info *bi)
{
	const struct boot_range *r[] = {&bi->kernel, &bi->initrd, &bi->self,
					&bi->page_tables};

	if (!range_ok(&bi->kernel) || bi->kernel.base % PAGE ||
	    !range_in_ram(bi, &bi->kernel) || bi->kernel_virt % PAGE ||
	    bi->kernel_virt < KERNEL_VIRT_BASE ||
	    bi->kernel_virt >= KERNEL_VIRT_LIMIT ||
	    bi->kernel.size > KERNEL_VIRT_LIMIT - bi->kernel_virt)
		return BOOT_INFO_E_KERNEL;
	if (!range_ok(&bi->initrd) || !range_in_ram(bi, &bi->initrd))
		return BOOT_INFO_E_INITRD;
	if (bi->self.size < bi->total_size)
		return BOOT_INFO_E_SIZE;
	if (!range_ok(&bi->self) || !range_in_ram(bi, &bi->self) ||
	    (bi->page_tables.size && (!range_ok(&bi->page_tables) ||
				      !range_in_ram(bi, &bi->page_tables))))
		return BOOT_INFO_E_LOADER_MEMORY;
	for (unsigned i = 0; i < 4; i++) {
		for (unsigned j = i + 1; j < 4; j++) {
			if (ranges_overlap(r[i], r[j]))
				return BOOT_INFO_E_RANGES;
		}
	}
	return BOOT_INFO_OK;
}

static enum boot_info_error check_framebuffer(const struct boot_framebuffer *fb)
{
	if (fb->width == 0 || fb->height == 0 || fb->width > UINT32_MAX / 4 ||
	    fb->pitch < fb->width * 4 ||
	    fb->size < (uint64_t)fb->pitch * fb->height ||
	    fb->size > UINT64_MAX - fb->base || fb->format < BOOT_FB_RGBX ||
	    fb->format > BOOT_FB_BITMASK)
		return BOOT_INFO_E_FRAMEBUFFER;
	return BOOT_INFO_OK;
}

enum boot_info_error boot_info_check(const struct boot_info *bi)
{
	enum boot_info_error err;

	if (bi->magic != BOOT_INFO_MAGIC)
		return BOOT_INFO_E_MAGIC;
	/* A newer loader appends fields (header_size says how many bytes);
	 * an older one lacks some this kernel reads. */
	if (bi->version < BOOT_INFO_VERSION)
		return BOOT_INFO_E_VERSION;
	if (bi->header_size < sizeof(*bi) || bi->total_size < bi->header_size)
		return BOOT_INFO_E_SIZE;
	err = check_mmap(bi);
	if (err == BOOT_INFO_OK)
		err = check_cmdline(bi);
	if (err == BOOT_INFO_OK)
		err = check_ranges(bi);
	if (err == BOOT_INFO_OK && (bi->flags & BOOT_INFO_HAS_FRAMEBUFFER))
		err = check_framebuffer(&bi->fb);
	if (err == BOOT_INFO_OK && (bi->flags & BOOT_INFO_HAS_ACPI) &&
	    bi->acpi_rsdp == 0)
		err = BOOT_INFO_E_ACPI;
	return err;
}
