/*
 * Host tests for lib/boot_info.c: boot_info_check() on a valid block and on
 * one mutation per error, built in a heap buffer of exactly total_size bytes
 * so that a read past the block is caught by AddressSanitizer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/boot_info.h"

#define PAGE	  BOOT_PAGE_SIZE
#define MIB	  0x100000ULL
#define CMDLINE	  "init=init debug"
#define NMAP_BASE 5 /* entries of base_map; more are MMIO pages above 4 GiB */

/* The physical layout of the test machine. */
static const struct boot_mem_range base_map[NMAP_BASE] = {
	{0, 0x9f000, BOOT_MEM_USABLE, 0},
	{MIB, 126 * MIB, BOOT_MEM_USABLE, 0},	    /* 1 MiB..127 MiB */
	{127 * MIB, MIB, BOOT_MEM_LOADER, 0},	    /* 127..128 MiB */
	{128 * MIB, MIB, BOOT_MEM_ACPI_RECLAIM, 0}, /* 128..129 MiB */
	{0xfee00000, PAGE, BOOT_MEM_MMIO, 0},	    /* local APIC */
};

#define KERNEL_BASE (2 * MIB)
#define KERNEL_SIZE MIB
#define INITRD_BASE (4 * MIB)
#define SELF_BASE   (127 * MIB) /* in the LOADER range */

static struct boot_mem_range *map_of(struct boot_info *bi)
{
	return (struct boot_mem_range *)((char *)bi + bi->mmap_offset);
}

static char *cmdline_of(struct boot_info *bi)
{
	return (char *)bi + bi->cmdline_offset;
}

/*
 * A valid block: a header of header_size bytes, nmap memory map entries
 * and CMDLINE, in one buffer of exactly total_size bytes.
 */
static struct boot_info *make_block(uint32_t header_size, uint32_t nmap)
{
	uint32_t mmap_off = (header_size + 7) & ~7u;
	uint32_t cmd_off = mmap_off + nmap * sizeof(struct boot_mem_range);
	uint32_t total = cmd_off + sizeof(CMDLINE);
	uint64_t self_size = (total + PAGE - 1) & ~(PAGE - 1);
	struct boot_info *bi = calloc(1, total);

	assert_non_null(bi);
	bi->magic = BOOT_INFO_MAGIC;
	bi->version = BOOT_INFO_VERSION;
	bi->header_size = header_size;
	bi->total_size = total;
	bi->self = (struct boot_range){SELF_BASE, self_size};
	bi->kernel = (struct boot_range){KERNEL_BASE, KERNEL_SIZE};
	bi->kernel_virt = KERNEL_VIRT_BASE;
	bi->initrd = (struct boot_range){INITRD_BASE, 0x1234};
	bi->page_tables = (struct boot_range){SELF_BASE + self_size, 0x10000};
	bi->mmap_offset = mmap_off;
	bi->mmap_count = nmap;
	bi->cmdline_offset = cmd_off;
	bi->cmdline_size = sizeof(CMDLINE);
	for (uint32_t i = 0; i < nmap; i++) {
		map_of(bi)[i] =
			i < NMAP_BASE ? base_map[i]
				      : (struct boot_mem_range){
						0x100000000ULL +
							(i - NMAP_BASE) * PAGE,
						PAGE, BOOT_MEM_MMIO, 0};
	}
	memcpy(cmdline_of(bi), CMDLINE, sizeof(CMDLINE));
	return bi;
}

static const struct boot_framebuffer valid_fb = {
	.base = 0x80000000,
	.size = 4096ULL * 768,
	.width = 1024,
	.height = 768,
	.pitch = 4096,
	.format = BOOT_FB_BGRX,
};

static int setup(void **state)
{
	*state = make_block(sizeof(struct boot_info), NMAP_BASE);
	return 0;
}

/* A different block for this test, freed by the teardown like the
 * fixture's. */
static struct boot_info *replace_block(void **state, uint32_t header_size,
				       uint32_t nmap)
{
	free(*state);
	*state = make_block(header_size, nmap);
	return *state;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

#define CHECK(bi, want) assert_int_equal(boot_info_check(bi), (want))

/* ---- valid blocks ------------------------------------------------------ */

static void test_valid_block(void **state)
{
	struct boot_info *bi = *state;

	CHECK(bi, BOOT_INFO_OK);
	assert_ptr_equal(boot_info_mmap(bi), map_of(bi));
	assert_int_equal(boot_info_mmap(bi)[1].base, MIB);
	assert_string_equal(boot_info_cmdline(bi), CMDLINE);
}

static void test_optional_parts_valid(void **state)
{
	struct boot_info *bi = *state;

	bi->flags = BOOT_INFO_HAS_FRAMEBUFFER | BOOT_INFO_HAS_ACPI |
		    BOOT_INFO_HAS_ENTROPY;
	bi->fb = valid_fb;
	bi->acpi_rsdp = 0xe0000;
	bi->acpi_revision = 2;
	CHECK(bi, BOOT_INFO_OK);
	bi->fb.format = BOOT_FB_BITMASK;
	bi->fb.pitch = 4352; /* scan lines with padding */
	bi->fb.size = 4352ULL * 768;
	CHECK(bi, BOOT_INFO_OK);
	bi->fb.format = BOOT_FB_RGBX;
	CHECK(bi, BOOT_INFO_OK);
}

static void test_page_tables_optional(void **state)
{
	struct boot_info *bi = *state;

	bi->page_tables = (struct boot_range){0, 0};
	CHECK(bi, BOOT_INFO_OK);
}

static void test_empty_cmdline(void **state)
{
	struct boot_info *bi = *state;

	bi->cmdline_size = 1;
	cmdline_of(bi)[0] = '\0';
	CHECK(bi, BOOT_INFO_OK);
}

static void test_larger_header_accepted(void **state)
{
	struct boot_info *bi =
		replace_block(state, sizeof(struct boot_info) + 40, NMAP_BASE);

	CHECK(bi, BOOT_INFO_OK);
	/* The map may not start inside the (larger) header. */
	bi->mmap_offset = sizeof(struct boot_info);
	CHECK(bi, BOOT_INFO_E_MMAP);
}

static void test_largest_map_accepted(void **state)
{
	struct boot_info *bi =
		replace_block(state, sizeof(struct boot_info), BOOT_MMAP_MAX);

	CHECK(bi, BOOT_INFO_OK);
}

static void test_adjacent_ranges_accepted(void **state)
{
	struct boot_info *bi = *state;

	bi->initrd.base = KERNEL_BASE + KERNEL_SIZE; /* right after */
	CHECK(bi, BOOT_INFO_OK);
	bi->kernel_virt = KERNEL_VIRT_LIMIT - KERNEL_SIZE; /* fits exactly */
	CHECK(bi, BOOT_INFO_OK);
	bi->initrd.base = 0x400123; /* the initrd need not be aligned */
	CHECK(bi, BOOT_INFO_OK);
}

/* ---- header ------------------------------------------------------------ */

static void test_bad_magic(void **state)
{
	struct boot_info *bi = *state;

	bi->magic ^= 1;
	CHECK(bi, BOOT_INFO_E_MAGIC);
	bi->magic = 0;
	CHECK(bi, BOOT_INFO_E_MAGIC);
}

static void test_bad_version(void **state)
{
	struct boot_info *bi = *state;

	bi->version = 0;
	CHECK(bi, BOOT_INFO_E_VERSION);
	bi->version = BOOT_INFO_VERSION - 1;
	CHECK(bi, BOOT_INFO_E_VERSION);
}

/* A newer loader's block (more fields appended) is accepted. */
static void test_newer_version_accepted(void **state)
{
	struct boot_info *bi = *state;

	bi->version = BOOT_INFO_VERSION + 1;
	CHECK(bi, BOOT_INFO_OK);
}

static void test_header_size_too_small(void **state)
{
	struct boot_info *bi = *state;

	bi->header_size = sizeof(*bi) - 1;
	CHECK(bi, BOOT_INFO_E_SIZE);
	bi->header_size = 0;
	CHECK(bi, BOOT_INFO_E_SIZE);
}

static void test_total_size_below_header(void **state)
{
	struct boot_info *bi = *state;

	bi->total_size = bi->header_size - 1;
	CHECK(bi, BOOT_INFO_E_SIZE);
}

static void test_self_smaller_than_block(void **state)
{
	struct boot_info *bi = *state;

	bi->self.size = bi->total_size - 1;
	CHECK(bi, BOOT_INFO_E_SIZE);
	bi->self.size = 0;
	CHECK(bi, BOOT_INFO_E_SIZE);
}

static void test_self_not_in_ram(void **state)
{
	struct boot_info *bi = *state;

	bi->self.base = 128 * MIB; /* ACPI reclaimable */
	CHECK(bi, BOOT_INFO_E_LOADER_MEMORY);
	bi->self.base = UINT64_MAX - 0xfff; /* and wraps */
	CHECK(bi, BOOT_INFO_E_LOADER_MEMORY);
}

static void test_page_tables_not_in_ram(void **state)
{
	struct boot_info *bi = *state;

	bi->page_tables.base = 0xa0000; /* the legacy VGA hole */
	CHECK(bi, BOOT_INFO_E_LOADER_MEMORY);
	bi->page_tables.base = UINT64_MAX - 0xfff; /* and wraps */
	CHECK(bi, BOOT_INFO_E_LOADER_MEMORY);
}

/* ---- memory map -------------------------------------------------------- */

static void test_mmap_count_zero(void **state)
{
	struct boot_info *bi = *state;

	bi->mmap_count = 0;
	CHECK(bi, BOOT_INFO_E_MMAP);
}

static void test_mmap_count_above_max(void **state)
{
	struct boot_info *bi = *state;

	bi->mmap_count = BOOT_MMAP_MAX + 1;
	CHECK(bi, BOOT_INFO_E_MMAP);
	bi->mmap_count = UINT32_MAX;
	CHECK(bi, BOOT_INFO_E_MMAP);
	/* Too many even when the block really holds them all. */
	bi = replace_block(state, sizeof(struct boot_info), BOOT_MMAP_MAX + 1);
	CHECK(bi, BOOT_INFO_E_MMAP);
}

static void test_mmap_offset_misaligned(void **state)
{
	struct boot_info *bi = *state;

	bi->mmap_offset += 4;
	CHECK(bi, BOOT_INFO_E_MMAP);
	bi->mmap_offset -= 3;
	CHECK(bi, BOOT_INFO_E_MMAP);
}

static void test_mmap_inside_header(void **state)
{
	struct boot_info *bi = *state;

	bi->mmap_offset = 8;
	bi->mmap_count = 1;
	CHECK(bi, BOOT_INFO_E_MMAP);
	bi->mmap_offset = sizeof(*bi) - 8;
	CHECK(bi, BOOT_INFO_E_MMAP);
}

static void test_mmap_past_block(void **state)
{
	struct boot_info *bi = *state;
	uint32_t count = bi->mmap_count;

	bi->mmap_count = count + 1; /* the last entry runs past the end */
	CHECK(bi, BOOT_INFO_E_MMAP);
	bi->mmap_count = count;
	bi->mmap_offset = bi->total_size - 16;
	CHECK(bi, BOOT_INFO_E_MMAP);
	bi->mmap_offset = bi->total_size + 8;
	CHECK(bi, BOOT_INFO_E_MMAP);
	bi->mmap_offset = UINT32_MAX & ~7u;
	CHECK(bi, BOOT_INFO_E_MMAP);
}

static void test_mmap_entry_unaligned(void **state)
{
	struct boot_info *bi = *state;

	map_of(bi)[1].base += 0x10;
	CHECK(bi, BOOT_INFO_E_MMAP_ENTRY);
	map_of(bi)[1].base -= 0x10;
	map_of(bi)[1].size += 0x10;
	CHECK(bi, BOOT_INFO_E_MMAP_ENTRY);
}

static void test_mmap_entry_empty(void **state)
{
	struct boot_info *bi = *state;

	map_of(bi)[3].size = 0;
	CHECK(bi, BOOT_INFO_E_MMAP_ENTRY);
}

static void test_mmap_entry_wraps(void **state)
{
	struct boot_info *bi = *state;

	map_of(bi)[4].base = UINT64_MAX - PAGE + 1; /* ends at 2^64 */
	CHECK(bi, BOOT_INFO_E_MMAP_ENTRY);
	map_of(bi)[4].size = 2 * PAGE;
	CHECK(bi, BOOT_INFO_E_MMAP_ENTRY);
}

static void test_mmap_entry_bad_type(void **state)
{
	struct boot_info *bi = *state;

	map_of(bi)[4].type = 0;
	CHECK(bi, BOOT_INFO_E_MMAP_ENTRY);
	map_of(bi)[4].type = BOOT_MEM_TYPE_MAX + 1;
	CHECK(bi, BOOT_INFO_E_MMAP_ENTRY);
	map_of(bi)[4].type = BOOT_MEM_PERSISTENT;
	CHECK(bi, BOOT_INFO_OK);
}

static void test_mmap_unsorted(void **state)
{
	struct boot_info *bi = *state;
	struct boot_mem_range t = map_of(bi)[3];

	map_of(bi)[3] = map_of(bi)[4];
	map_of(bi)[4] = t;
	CHECK(bi, BOOT_INFO_E_MMAP_ORDER);
}

static void test_mmap_overlapping(void **state)
{
	struct boot_info *bi = *state;

	map_of(bi)[2].base -= PAGE; /* one page inside entry 1 */
	CHECK(bi, BOOT_INFO_E_MMAP_ORDER);
	map_of(bi)[2] = map_of(bi)[1]; /* a duplicate */
	CHECK(bi, BOOT_INFO_E_MMAP_ORDER);
}

/* ---- command line ------------------------------------------------------ */

static void test_cmdline_size_zero(void **state)
{
	struct boot_info *bi = *state;

	bi->cmdline_size = 0;
	CHECK(bi, BOOT_INFO_E_CMDLINE);
}

static void test_cmdline_too_long(void **state)
{
	/* 45 spare entries make room for a 1025-byte command line. */
	struct boot_info *bi =
		replace_block(state, sizeof(struct boot_info), 50);

	bi->cmdline_offset =
		bi->mmap_offset + 5 * sizeof(struct boot_mem_range);
	bi->mmap_count = 5;
	bi->cmdline_size = BOOT_CMDLINE_MAX + 1;
	assert_true(bi->cmdline_offset + bi->cmdline_size <= bi->total_size);
	cmdline_of(bi)[BOOT_CMDLINE_MAX] = '\0';
	CHECK(bi, BOOT_INFO_E_CMDLINE);
	bi->cmdline_size = BOOT_CMDLINE_MAX; /* at the limit: fine */
	cmdline_of(bi)[BOOT_CMDLINE_MAX - 1] = '\0';
	CHECK(bi, BOOT_INFO_OK);
}

static void test_cmdline_out_of_block(void **state)
{
	struct boot_info *bi = *state;

	bi->cmdline_size += 1;
	CHECK(bi, BOOT_INFO_E_CMDLINE);
	bi->cmdline_size -= 1;
	bi->cmdline_offset = bi->total_size;
	CHECK(bi, BOOT_INFO_E_CMDLINE);
	bi->cmdline_offset = UINT32_MAX;
	CHECK(bi, BOOT_INFO_E_CMDLINE);
}

static void test_cmdline_inside_header(void **state)
{
	struct boot_info *bi = *state;

	bi->cmdline_offset = 0;
	bi->cmdline_size = 1;
	CHECK(bi, BOOT_INFO_E_CMDLINE);
	/* Even where the header happens to hold a terminated string. */
	bi->cmdline_offset = offsetof(struct boot_info, flags);
	bi->cmdline_size = sizeof(bi->flags);
	assert_int_equal(bi->flags, 0);
	CHECK(bi, BOOT_INFO_E_CMDLINE);
}

static void test_cmdline_unterminated(void **state)
{
	struct boot_info *bi = *state;

	cmdline_of(bi)[bi->cmdline_size - 1] = 'x';
	CHECK(bi, BOOT_INFO_E_CMDLINE);
}

/* ---- kernel and initrd ------------------------------------------------- */

static void test_kernel_not_in_ram(void **state)
{
	struct boot_info *bi = *state;

	bi->kernel.base = 128 * MIB; /* ACPI reclaimable */
	CHECK(bi, BOOT_INFO_E_KERNEL);
	bi->kernel.base = 0xa0000; /* a hole */
	CHECK(bi, BOOT_INFO_E_KERNEL);
	bi->kernel.base = 0x100000000ULL; /* past the end of the map */
	CHECK(bi, BOOT_INFO_E_KERNEL);
}

static void test_kernel_across_two_ram_entries(void **state)
{
	struct boot_info *bi = *state;

	/* Half USABLE, half LOADER: RAM, but not one entry. */
	bi->kernel.base = 127 * MIB - KERNEL_SIZE / 2;
	bi->self.base = 2 * MIB;
	bi->page_tables.base = 3 * MIB;
	CHECK(bi, BOOT_INFO_E_KERNEL);
}

static void test_kernel_empty_or_wrapping(void **state)
{
	struct boot_info *bi = *state;

	bi->kernel.size = 0;
	CHECK(bi, BOOT_INFO_E_KERNEL);
	bi->kernel.base = UINT64_MAX - PAGE + 1;
	bi->kernel.size = 2 * PAGE;
	CHECK(bi, BOOT_INFO_E_KERNEL);
}

static void test_kernel_unaligned(void **state)
{
	struct boot_info *bi = *state;

	bi->kernel.base += 0x800;
	CHECK(bi, BOOT_INFO_E_KERNEL);
	bi->kernel.base -= 0x800;
	bi->kernel_virt += 0x800;
	CHECK(bi, BOOT_INFO_E_KERNEL);
}

static void test_kernel_virt_out_of_range(void **state)
{
	struct boot_info *bi = *state;

	bi->kernel_virt = KERNEL_VIRT_BASE - PAGE;
	CHECK(bi, BOOT_INFO_E_KERNEL);
	bi->kernel_virt = 0;
	CHECK(bi, BOOT_INFO_E_KERNEL);
	bi->kernel_virt = KERNEL_VIRT_LIMIT;
	CHECK(bi, BOOT_INFO_E_KERNEL);
	bi->kernel_virt = UINT64_MAX - PAGE + 1;
	CHECK(bi, BOOT_INFO_E_KERNEL);
}

static void test_kernel_too_big_for_range(void **state)
{
	struct boot_info *bi = *state;

	bi->kernel_virt = KERNEL_VIRT_LIMIT - KERNEL_SIZE + PAGE;
	CHECK(bi, BOOT_INFO_E_KERNEL);
	bi->kernel_virt = KERNEL_VIRT_LIMIT - KERNEL_SIZE;
	bi->kernel.size = KERNEL_SIZE + 1; /* one byte past the limit */
	CHECK(bi, BOOT_INFO_E_KERNEL);
}

static void test_initrd_empty(void **state)
{
	struct boot_info *bi = *state;

	bi->initrd.size = 0;
	CHECK(bi, BOOT_INFO_E_INITRD);
}

static void test_initrd_not_in_ram(void **state)
{
	struct boot_info *bi = *state;

	bi->initrd.base = 0xfee00000; /* MMIO */
	CHECK(bi, BOOT_INFO_E_INITRD);
	bi->initrd.base = 127 * MIB - 0x10; /* runs into the next entry */
	CHECK(bi, BOOT_INFO_E_INITRD);
	bi->initrd.base = UINT64_MAX - 0x10; /* wraps */
	CHECK(bi, BOOT_INFO_E_INITRD);
}

/* ---- overlaps ---------------------------------------------------------- */

static void test_kernel_overlaps_initrd(void **state)
{
	struct boot_info *bi = *state;

	bi->initrd.base = KERNEL_BASE + KERNEL_SIZE - 1;
	CHECK(bi, BOOT_INFO_E_RANGES);
	bi->initrd.base = KERNEL_BASE - 0x1233; /* its last byte is shared */
	CHECK(bi, BOOT_INFO_E_RANGES);
}

static void test_initrd_overlaps_self(void **state)
{
	struct boot_info *bi = *state;

	bi->initrd.base = SELF_BASE + 0x800;
	CHECK(bi, BOOT_INFO_E_RANGES);
}

static void test_kernel_overlaps_page_tables(void **state)
{
	struct boot_info *bi = *state;

	bi->page_tables.base = KERNEL_BASE + KERNEL_SIZE - PAGE;
	CHECK(bi, BOOT_INFO_E_RANGES);
}

static void test_self_overlaps_page_tables(void **state)
{
	struct boot_info *bi = *state;

	bi->page_tables.base = SELF_BASE;
	CHECK(bi, BOOT_INFO_E_RANGES);
}

static void test_kernel_overlaps_self(void **state)
{
	struct boot_info *bi = *state;

	bi->self.base = KERNEL_BASE;
	CHECK(bi, BOOT_INFO_E_RANGES);
}

/* ---- framebuffer and ACPI ---------------------------------------------- */

static void test_framebuffer_ignored_without_flag(void **state)
{
	struct boot_info *bi = *state;

	bi->fb.width = 0;
	bi->fb.format = 99;
	CHECK(bi, BOOT_INFO_OK);
}

static void test_framebuffer_zero_size(void **state)
{
	struct boot_info *bi = *state;

	bi->flags = BOOT_INFO_HAS_FRAMEBUFFER;
	bi->fb = valid_fb;
	bi->fb.width = 0;
	CHECK(bi, BOOT_INFO_E_FRAMEBUFFER);
	bi->fb = valid_fb;
	bi->fb.height = 0;
	CHECK(bi, BOOT_INFO_E_FRAMEBUFFER);
}

static void test_framebuffer_pitch_too_small(void **state)
{
	struct boot_info *bi = *state;

	bi->flags = BOOT_INFO_HAS_FRAMEBUFFER;
	bi->fb = valid_fb;
	bi->fb.pitch = bi->fb.width * 4 - 1;
	CHECK(bi, BOOT_INFO_E_FRAMEBUFFER);
	/* width * 4 would wrap a uint32_t to a small number. */
	bi->fb.width = 0x40000001;
	bi->fb.pitch = 4096;
	CHECK(bi, BOOT_INFO_E_FRAMEBUFFER);
}

static void test_framebuffer_size_too_small(void **state)
{
	struct boot_info *bi = *state;

	bi->flags = BOOT_INFO_HAS_FRAMEBUFFER;
	bi->fb = valid_fb;
	bi->fb.size = (uint64_t)bi->fb.pitch * bi->fb.height - 1;
	CHECK(bi, BOOT_INFO_E_FRAMEBUFFER);
}

static void test_framebuffer_bad_format(void **state)
{
	struct boot_info *bi = *state;

	bi->flags = BOOT_INFO_HAS_FRAMEBUFFER;
	bi->fb = valid_fb;
	bi->fb.format = 0;
	CHECK(bi, BOOT_INFO_E_FRAMEBUFFER);
	bi->fb.format = BOOT_FB_BITMASK + 1;
	CHECK(bi, BOOT_INFO_E_FRAMEBUFFER);
}

static void test_framebuffer_wraps(void **state)
{
	struct boot_info *bi = *state;

	bi->flags = BOOT_INFO_HAS_FRAMEBUFFER;
	bi->fb = valid_fb;
	bi->fb.base = UINT64_MAX - bi->fb.size + 2;
	CHECK(bi, BOOT_INFO_E_FRAMEBUFFER);
	bi->fb.base = UINT64_MAX - bi->fb.size; /* ends at the last byte */
	CHECK(bi, BOOT_INFO_OK);
}

static void test_acpi_flag_without_rsdp(void **state)
{
	struct boot_info *bi = *state;

	bi->flags = BOOT_INFO_HAS_ACPI;
	bi->acpi_rsdp = 0;
	CHECK(bi, BOOT_INFO_E_ACPI);
	bi->flags = 0; /* no flag: no RSDP needed */
	CHECK(bi, BOOT_INFO_OK);
}

/* ---- strings ----------------------------------------------------------- */

static void test_strerror_every_code(void **state)
{
	(void)state;
	assert_string_equal(boot_info_strerror(BOOT_INFO_OK), "ok");
	for (int i = 0; i < BOOT_INFO_E_COUNT; i++) {
		const char *s = boot_info_strerror((enum boot_info_error)i);

		assert_non_null(s);
		assert_true(strlen(s) > 0);
		assert_string_not_equal(s, "unknown boot_info error");
		for (int j = 0; j < i; j++)
			assert_string_not_equal(
				s, boot_info_strerror((enum boot_info_error)j));
	}
	assert_string_equal(boot_info_strerror(BOOT_INFO_E_COUNT),
			    "unknown boot_info error");
	assert_string_equal(boot_info_strerror((enum boot_info_error) - 1),
			    "unknown boot_info error");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_valid_block),
		T(test_optional_parts_valid),
		T(test_page_tables_optional),
		T(test_empty_cmdline),
		T(test_larger_header_accepted),
		T(test_largest_map_accepted),
		T(test_adjacent_ranges_accepted),
		T(test_bad_magic),
		T(test_bad_version),
		T(test_newer_version_accepted),
		T(test_header_size_too_small),
		T(test_total_size_below_header),
		T(test_self_smaller_than_block),
		T(test_self_not_in_ram),
		T(test_page_tables_not_in_ram),
		T(test_mmap_count_zero),
		T(test_mmap_count_above_max),
		T(test_mmap_offset_misaligned),
		T(test_mmap_inside_header),
		T(test_mmap_past_block),
		T(test_mmap_entry_unaligned),
		T(test_mmap_entry_empty),
		T(test_mmap_entry_wraps),
		T(test_mmap_entry_bad_type),
		T(test_mmap_unsorted),
		T(test_mmap_overlapping),
		T(test_cmdline_size_zero),
		T(test_cmdline_too_long),
		T(test_cmdline_out_of_block),
		T(test_cmdline_inside_header),
		T(test_cmdline_unterminated),
		T(test_kernel_not_in_ram),
		T(test_kernel_across_two_ram_entries),
		T(test_kernel_empty_or_wrapping),
		T(test_kernel_unaligned),
		T(test_kernel_virt_out_of_range),
		T(test_kernel_too_big_for_range),
		T(test_initrd_empty),
		T(test_initrd_not_in_ram),
		T(test_kernel_overlaps_initrd),
		T(test_initrd_overlaps_self),
		T(test_kernel_overlaps_page_tables),
		T(test_self_overlaps_page_tables),
		T(test_kernel_overlaps_self),
		T(test_framebuffer_ignored_without_flag),
		T(test_framebuffer_zero_size),
		T(test_framebuffer_pitch_too_small),
		T(test_framebuffer_size_too_small),
		T(test_framebuffer_bad_format),
		T(test_framebuffer_wraps),
		T(test_acpi_flag_without_rsdp),
		T(test_strerror_every_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
