/*
 * Host tests for lib/memmap.c: free regions from a boot memory map, checked
 * case by case and against a page-by-page model on generated maps.
 *
 * The output array is always a heap array of exactly max_out entries, so a
 * write past the caller's capacity is caught by AddressSanitizer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/memmap.h"

#define PAGE	 0x1000ULL
#define MIB	 0x100000ULL
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define RANGE(base, size, type)                                                \
	((struct boot_mem_range){(base), (size), (type), 0})
#define REGION(base, end) ((struct mem_region){(base), (end)})

/* Sorted, disjoint, non-adjacent, non-empty, page-aligned, above page 0. */
static void assert_well_formed(const struct mem_region *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_true(r[i].base < r[i].end);
		assert_int_equal(r[i].base % PAGE, 0);
		assert_int_equal(r[i].end % PAGE, 0);
		assert_true(r[i].base >= PAGE);
		if (i > 0)
			assert_true(r[i - 1].end < r[i].base);
	}
}

/* The output of the last run(): freed by the next run, or at the end, so a
 * failed assertion does not leak it. */
static struct mem_region *out_buf;

static int free_out_buf(void **state)
{
	(void)state;
	free(out_buf);
	out_buf = NULL;
	return 0;
}

/* Run with capacity max_out; return the error, regions in *out. */
static enum memmap_error run(const struct boot_mem_range *map, size_t n,
			     const struct mem_region *res, size_t nres,
			     size_t max_out, struct mem_region **out,
			     size_t *count)
{
	free(out_buf);
	out_buf = malloc((max_out ? max_out : 1) * sizeof(*out_buf));
	assert_non_null(out_buf);
	*out = out_buf;
	*count = 12345;
	return memmap_free_regions(map, n, res, nres, *out, max_out, count);
}

static void expect_free(const struct boot_mem_range *map, size_t n,
			const struct mem_region *res, size_t nres,
			const struct mem_region *want, size_t nwant)
{
	struct mem_region *out;
	size_t count;

	assert_int_equal(run(map, n, res, nres, 32, &out, &count), MEMMAP_OK);
	assert_well_formed(out, count);
	assert_int_equal(count, nwant);
	for (size_t i = 0; i < count && i < nwant; i++) {
		assert_int_equal(out[i].base, want[i].base);
		assert_int_equal(out[i].end, want[i].end);
	}
}

static void expect_error(const struct boot_mem_range *map, size_t n,
			 const struct mem_region *res, size_t nres,
			 size_t max_out, enum memmap_error want)
{
	struct mem_region *out;
	size_t count;

	assert_int_equal(run(map, n, res, nres, max_out, &out, &count), want);
	assert_int_equal(count, 0);
}

/* ---- shaping the usable RAM -------------------------------------------- */

static void test_single_usable_range(void **state)
{
	const struct boot_mem_range map[] = {
		RANGE(MIB, 15 * MIB, BOOT_MEM_USABLE)};
	const struct mem_region want[] = {REGION(MIB, 16 * MIB)};

	(void)state;
	expect_free(map, NELEM(map), NULL, 0, want, NELEM(want));
}

static void test_empty_map(void **state)
{
	const struct boot_mem_range map[] = {
		RANGE(MIB, MIB, BOOT_MEM_RESERVED)};

	(void)state;
	expect_free(NULL, 0, NULL, 0, NULL, 0);
	expect_free(map, NELEM(map), NULL, 0, NULL, 0);
}

static void test_page_zero_excluded(void **state)
{
	const struct boot_mem_range map[] = {
		RANGE(0, 0xa0000, BOOT_MEM_USABLE)};
	const struct mem_region want[] = {REGION(PAGE, 0xa0000)};
	const struct boot_mem_range only_page0[] = {
		RANGE(0, PAGE, BOOT_MEM_USABLE)};

	(void)state;
	expect_free(map, NELEM(map), NULL, 0, want, NELEM(want));
	expect_free(only_page0, NELEM(only_page0), NULL, 0, NULL, 0);
}

static void test_unsorted_input_sorted(void **state)
{
	const struct boot_mem_range map[] = {
		RANGE(64 * MIB, MIB, BOOT_MEM_USABLE),
		RANGE(MIB, MIB, BOOT_MEM_USABLE),
		RANGE(16 * MIB, MIB, BOOT_MEM_USABLE),
		RANGE(PAGE, 0x9f000, BOOT_MEM_USABLE),
	};
	const struct mem_region want[] = {
		REGION(PAGE, 0xa0000),
		REGION(MIB, 2 * MIB),
		REGION(16 * MIB, 17 * MIB),
		REGION(64 * MIB, 65 * MIB),
	};

	(void)state;
	expect_free(map, NELEM(map), NULL, 0, want, NELEM(want));
}

static void test_overlapping_usable_merged(void **state)
{
	const struct boot_mem_range map[] = {
		RANGE(2 * MIB, 4 * MIB, BOOT_MEM_USABLE),
		RANGE(MIB, 2 * MIB, BOOT_MEM_USABLE),
		RANGE(3 * MIB, MIB, BOOT_MEM_USABLE), /* inside the first */
	};
	const struct mem_region want[] = {REGION(MIB, 6 * MIB)};

	(void)state;
	expect_free(map, NELEM(map), NULL, 0, want, NELEM(want));
}

static void test_adjacent_usable_merged(void **state)
{
	const struct boot_mem_range map[] = {
		RANGE(MIB, MIB, BOOT_MEM_USABLE),
		RANGE(2 * MIB, MIB, BOOT_MEM_USABLE),
		RANGE(3 * MIB, PAGE, BOOT_MEM_USABLE),
	};
	const struct mem_region want[] = {REGION(MIB, 3 * MIB + PAGE)};

	(void)state;
	expect_free(map, NELEM(map), NULL, 0, want, NELEM(want));
}

static void test_loader_counts_as_ram(void **state)
{
	const struct boot_mem_range map[] = {
		RANGE(MIB, MIB, BOOT_MEM_USABLE),
		RANGE(2 * MIB, MIB, BOOT_MEM_LOADER),
		RANGE(8 * MIB, MIB, BOOT_MEM_LOADER),
	};
	const struct mem_region want[] = {REGION(MIB, 3 * MIB),
					  REGION(8 * MIB, 9 * MIB)};

	(void)state;
	expect_free(map, NELEM(map), NULL, 0, want, NELEM(want));
}

static void test_unaligned_usable_rounded_inwards(void **state)
{
	const struct boot_mem_range map[] = {
		RANGE(MIB + 0x10, 0x3000, BOOT_MEM_USABLE),
		RANGE(4 * MIB + 0x800, 0x1000, BOOT_MEM_USABLE), /* no page */
		RANGE(8 * MIB, 0x1fff, BOOT_MEM_USABLE),
	};
	const struct mem_region want[] = {REGION(MIB + PAGE, MIB + 0x3000),
					  REGION(8 * MIB, 8 * MIB + PAGE)};

	(void)state;
	expect_free(map, NELEM(map), NULL, 0, want, NELEM(want));
}

static void test_unaligned_non_ram_rounded_outwards(void **state)
{
	const struct boot_mem_range map[] = {
		RANGE(MIB, MIB, BOOT_MEM_USABLE),
		RANGE(MIB + 0x5010, 0x10, BOOT_MEM_RESERVED),
		RANGE(MIB + 0x8ff0, 0x20, BOOT_MEM_ACPI_NVS), /* two pages */
	};
	const struct mem_region want[] = {
		REGION(MIB, MIB + 0x5000),
		REGION(MIB + 0x6000, MIB + 0x8000),
		REGION(MIB + 0xa000, 2 * MIB),
	};

	(void)state;
	expect_free(map, NELEM(map), NULL, 0, want, NELEM(want));
}

static void test_non_ram_types_subtracted(void **state)
{
	(void)state;
	for (uint32_t t = BOOT_MEM_RESERVED; t <= BOOT_MEM_TYPE_MAX; t++) {
		/* The unusable claim wins, whatever the order. */
		const struct boot_mem_range map[] = {
			RANGE(MIB + 0x4000, 0x2000, t),
			RANGE(MIB, MIB, BOOT_MEM_USABLE),
			RANGE(2 * MIB - PAGE, 2 * PAGE, t), /* straddles end */
		};
		const struct mem_region want[] = {
			REGION(MIB, MIB + 0x4000),
			REGION(MIB + 0x6000, 2 * MIB - PAGE),
		};

		expect_free(map, NELEM(map), NULL, 0, want, NELEM(want));
	}
}

static void test_non_ram_covering_everything(void **state)
{
	const struct boot_mem_range map[] = {
		RANGE(MIB, MIB, BOOT_MEM_USABLE),
		RANGE(MIB, MIB, BOOT_MEM_UNUSABLE), /* the same range, bad */
		RANGE(4 * MIB, MIB, BOOT_MEM_LOADER),
		RANGE(0, 16 * MIB, BOOT_MEM_MMIO),
	};

	(void)state;
	expect_free(map, NELEM(map), NULL, 0, NULL, 0);
}

/* ---- reserved ranges --------------------------------------------------- */

static void test_reserved_splits_region(void **state)
{
	const struct boot_mem_range map[] = {
		RANGE(MIB, 15 * MIB, BOOT_MEM_USABLE)};
	const struct mem_region res[] = {REGION(2 * MIB, 3 * MIB)};
	const struct mem_region want[] = {REGION(MIB, 2 * MIB),
					  REGION(3 * MIB, 16 * MIB)};

	(void)state;
	expect_free(map, NELEM(map), res, NELEM(res), want, NELEM(want));
}

static void test_reserved_at_edges(void **state)
{
	const struct boot_mem_range map[] = {
		RANGE(MIB, MIB, BOOT_MEM_USABLE),
		RANGE(4 * MIB, MIB, BOOT_MEM_USABLE),
		RANGE(8 * MIB, MIB, BOOT_MEM_USABLE),
		RANGE(12 * MIB, 2 * MIB, BOOT_MEM_USABLE),
	};
	const struct mem_region res[] = {
		REGION(MIB, MIB + 0x10000),	    /* start of the first */
		REGION(5 * MIB - 0x10000, 5 * MIB), /* end of the second */
		REGION(7 * MIB, 10 * MIB),	    /* all of the third */
		REGION(12 * MIB + PAGE, 14 * MIB),  /* all but one page */
	};
	const struct mem_region want[] = {
		REGION(MIB + 0x10000, 2 * MIB),
		REGION(4 * MIB, 5 * MIB - 0x10000),
		REGION(12 * MIB, 12 * MIB + PAGE),
	};

	(void)state;
	expect_free(map, NELEM(map), res, NELEM(res), want, NELEM(want));
}

static void test_reserved_spanning_two_regions(void **state)
{
	const struct boot_mem_range map[] = {
		RANGE(MIB, MIB, BOOT_MEM_USABLE),
		RANGE(3 * MIB, MIB, BOOT_MEM_USABLE),
	};
	const struct mem_region res[] = {REGION(MIB + 0x8000, 3 * MIB + PAGE)};
	const struct mem_region want[] = {REGION(MIB, MIB + 0x8000),
					  REGION(3 * MIB + PAGE, 4 * MIB)};

	(void)state;
	expect_free(map, NELEM(map), res, NELEM(res), want, NELEM(want));
}

static void test_reserved_unaligned_rounded_outwards(void **state)
{
	const struct boot_mem_range map[] = {RANGE(MIB, MIB, BOOT_MEM_USABLE)};
	const struct mem_region res[] = {REGION(MIB + 0x4123, MIB + 0x5001)};
	const struct mem_region want[] = {REGION(MIB, MIB + 0x4000),
					  REGION(MIB + 0x6000, 2 * MIB)};

	(void)state;
	expect_free(map, NELEM(map), res, NELEM(res), want, NELEM(want));
}

static void test_empty_reserved_range_ignored(void **state)
{
	const struct boot_mem_range map[] = {RANGE(MIB, MIB, BOOT_MEM_USABLE)};
	const struct mem_region res[] = {
		REGION(MIB + 0x4000, MIB + 0x4000),  /* empty */
		REGION(MIB + 0x8123, MIB + 0x8123),  /* empty, unaligned */
		REGION(MIB + 0x9000, MIB + 0x2000)}; /* end < base */
	const struct mem_region want[] = {REGION(MIB, 2 * MIB)};

	(void)state;
	expect_free(map, NELEM(map), res, NELEM(res), want, NELEM(want));
}

/* ---- degenerate entries ------------------------------------------------ */

static void test_zero_size_usable_entry_ignored(void **state)
{
	const struct boot_mem_range map[] = {
		RANGE(4 * MIB, 0, BOOT_MEM_USABLE),
		RANGE(MIB, MIB, BOOT_MEM_USABLE),
		RANGE(MIB + 0x10, 0, BOOT_MEM_USABLE),
	};
	const struct mem_region want[] = {REGION(MIB, 2 * MIB)};

	(void)state;
	expect_free(map, NELEM(map), NULL, 0, want, NELEM(want));
}

/* A zero-size entry reserves nothing: the region stays whole. */
static void test_zero_size_non_ram_entry_ignored(void **state)
{
	const struct boot_mem_range map[] = {
		RANGE(MIB, MIB, BOOT_MEM_USABLE),
		RANGE(MIB + 0x5000, 0, BOOT_MEM_RESERVED),
	};
	const struct mem_region want[] = {REGION(MIB, 2 * MIB)};

	(void)state;
	expect_free(map, NELEM(map), NULL, 0, want, NELEM(want));
}

static void test_entry_wrapping_overflows(void **state)
{
	const struct boot_mem_range usable[] = {
		RANGE(MIB, MIB, BOOT_MEM_USABLE),
		RANGE(UINT64_MAX - PAGE + 1, 2 * PAGE, BOOT_MEM_USABLE),
	};
	const struct boot_mem_range mmio[] = {
		RANGE(MIB, MIB, BOOT_MEM_USABLE),
		RANGE(0xfee00000, UINT64_MAX, BOOT_MEM_MMIO),
	};

	(void)state;
	expect_error(usable, NELEM(usable), NULL, 0, 32, MEMMAP_E_OVERFLOW);
	expect_error(mmio, NELEM(mmio), NULL, 0, 32, MEMMAP_E_OVERFLOW);
}

static void test_entry_ending_at_top_of_address_space(void **state)
{
	const struct boot_mem_range map[] = {
		RANGE(UINT64_MAX - 0xffff, 0xffff, BOOT_MEM_USABLE),
		RANGE(UINT64_MAX - 0x3fff, 0x3fff, BOOT_MEM_RESERVED),
	};
	/* Both end at UINT64_MAX without wrapping. The usable entry keeps
	 * its 15 whole pages; the reserved one takes the pages from
	 * top - 16 KiB up (its end clamps to the last page boundary). */
	const struct mem_region want[] = {
		REGION(UINT64_MAX - 0xffff, UINT64_MAX - 0x3fff)};

	(void)state;
	expect_free(map, NELEM(map), NULL, 0, want, NELEM(want));
}

/* ---- capacity ---------------------------------------------------------- */

static void test_full_at_collection(void **state)
{
	const struct boot_mem_range map[] = {
		RANGE(MIB, MIB, BOOT_MEM_USABLE),
		RANGE(4 * MIB, MIB, BOOT_MEM_USABLE),
		RANGE(8 * MIB, MIB, BOOT_MEM_LOADER),
	};
	struct mem_region *out;
	size_t count;

	(void)state;
	expect_error(map, NELEM(map), NULL, 0, 2, MEMMAP_E_FULL);
	expect_error(map, NELEM(map), NULL, 0, 0, MEMMAP_E_FULL);
	assert_int_equal(run(map, NELEM(map), NULL, 0, 3, &out, &count),
			 MEMMAP_OK);
	assert_int_equal(count, 3);
}

/* More RAM entries than output slots, but they merge: no MEMMAP_E_FULL. */
static void test_collection_compacts_mergeable_entries(void **state)
{
	const struct boot_mem_range map[] = {
		RANGE(MIB, MIB, BOOT_MEM_USABLE),
		RANGE(2 * MIB, MIB, BOOT_MEM_LOADER),
		RANGE(3 * MIB, MIB, BOOT_MEM_USABLE),
		RANGE(4 * MIB, MIB, BOOT_MEM_LOADER),
	};
	struct mem_region *out;
	size_t count;

	(void)state;
	assert_int_equal(run(map, NELEM(map), NULL, 0, 1, &out, &count),
			 MEMMAP_OK);
	assert_int_equal(count, 1);
	assert_int_equal(out[0].base, MIB);
	assert_int_equal(out[0].end, 5 * MIB);
}

static void test_full_at_split(void **state)
{
	const struct boot_mem_range map[] = {RANGE(MIB, MIB, BOOT_MEM_USABLE)};
	const struct mem_region res[] = {REGION(MIB + 0x8000, MIB + 0x9000)};
	const struct boot_mem_range map_hole[] = {
		RANGE(MIB, MIB, BOOT_MEM_USABLE),
		RANGE(MIB + 0x8000, PAGE, BOOT_MEM_RESERVED),
	};
	struct mem_region *out;
	size_t count;

	(void)state;
	expect_error(map, NELEM(map), res, NELEM(res), 1, MEMMAP_E_FULL);
	expect_error(map_hole, NELEM(map_hole), NULL, 0, 1, MEMMAP_E_FULL);
	assert_int_equal(run(map, NELEM(map), res, NELEM(res), 2, &out, &count),
			 MEMMAP_OK);
	assert_int_equal(count, 2);
}

/* FULL means "more free regions than the output can hold": a result that
 * fits must not fail because an emptied region still takes a slot. */
static void test_full_only_when_result_does_not_fit(void **state)
{
	const struct boot_mem_range map[] = {
		RANGE(0, PAGE,
		      BOOT_MEM_USABLE), /* emptied by the page-0 rule */
		RANGE(MIB, MIB, BOOT_MEM_USABLE),
	};
	const struct mem_region res[] = {REGION(MIB + 0x8000, MIB + 0x9000)};
	struct mem_region *out;
	size_t count;

	(void)state;
	assert_int_equal(run(map, NELEM(map), res, NELEM(res), 2, &out, &count),
			 MEMMAP_OK);
	assert_int_equal(count, 2);
	assert_int_equal(out[0].base, MIB);
	assert_int_equal(out[1].end, 2 * MIB);
}

/* ---- memmap_normalize ------------------------------------------------- */

static void expect_normalized(struct boot_mem_range *r, size_t n,
			      const struct boot_mem_range *want, size_t nwant)
{
	size_t got = memmap_normalize(r, n);

	assert_int_equal(got, nwant);
	for (size_t i = 0; i < got; i++) {
		assert_int_equal(r[i].base, want[i].base);
		assert_int_equal(r[i].size, want[i].size);
		assert_int_equal(r[i].type, want[i].type);
	}
}

static void test_normalize_sorts(void **state)
{
	struct boot_mem_range r[] = {
		RANGE(4 * MIB, MIB, BOOT_MEM_USABLE),
		RANGE(0, 0x9f000, BOOT_MEM_USABLE),
		RANGE(MIB, MIB, BOOT_MEM_ACPI_NVS),
	};
	const struct boot_mem_range want[] = {
		RANGE(0, 0x9f000, BOOT_MEM_USABLE),
		RANGE(MIB, MIB, BOOT_MEM_ACPI_NVS),
		RANGE(4 * MIB, MIB, BOOT_MEM_USABLE),
	};

	(void)state;
	expect_normalized(r, NELEM(r), want, NELEM(want));
	assert_int_equal(memmap_normalize(r, 0), 0);
}

static void test_normalize_merges_adjacent_same_type(void **state)
{
	struct boot_mem_range r[] = {
		RANGE(2 * MIB, MIB, BOOT_MEM_USABLE),
		RANGE(MIB, MIB, BOOT_MEM_USABLE),
		RANGE(3 * MIB, MIB, BOOT_MEM_LOADER), /* another type */
		RANGE(4 * MIB, MIB, BOOT_MEM_LOADER),
		RANGE(6 * MIB, MIB, BOOT_MEM_LOADER), /* a gap */
	};
	const struct boot_mem_range want[] = {
		RANGE(MIB, 2 * MIB, BOOT_MEM_USABLE),
		RANGE(3 * MIB, 2 * MIB, BOOT_MEM_LOADER),
		RANGE(6 * MIB, MIB, BOOT_MEM_LOADER),
	};

	(void)state;
	expect_normalized(r, NELEM(r), want, NELEM(want));
}

static void test_normalize_lower_base_keeps_overlap(void **state)
{
	struct boot_mem_range r[] = {
		RANGE(2 * MIB, 2 * MIB, BOOT_MEM_RESERVED),
		RANGE(MIB, 2 * MIB, BOOT_MEM_USABLE),
		RANGE(MIB + PAGE, PAGE, BOOT_MEM_MMIO), /* wholly inside */
		RANGE(3 * MIB, 2 * MIB, BOOT_MEM_RESERVED),
	};
	const struct boot_mem_range want[] = {
		RANGE(MIB, 2 * MIB, BOOT_MEM_USABLE),
		RANGE(3 * MIB, 2 * MIB, BOOT_MEM_RESERVED),
	};

	(void)state;
	expect_normalized(r, NELEM(r), want, NELEM(want));
}

static void test_normalize_drops_empty_entries(void **state)
{
	struct boot_mem_range r[] = {
		RANGE(MIB, 0, BOOT_MEM_RESERVED),
		RANGE(MIB, MIB, BOOT_MEM_USABLE),
		RANGE(MIB + PAGE, 0, BOOT_MEM_MMIO),
		RANGE(2 * MIB, 0, BOOT_MEM_USABLE),
	};
	const struct boot_mem_range want[] = {
		RANGE(MIB, MIB, BOOT_MEM_USABLE),
	};

	(void)state;
	expect_normalized(r, NELEM(r), want, NELEM(want));
}

/* ---- the rest of the API ----------------------------------------------- */

static void test_total(void **state)
{
	const struct mem_region r[] = {REGION(PAGE, 0xa0000),
				       REGION(MIB, 16 * MIB),
				       REGION(4ULL << 30, 8ULL << 30)};

	(void)state;
	assert_int_equal(memmap_total(r, 0), 0);
	assert_int_equal(memmap_total(r, 1), 0x9f000);
	assert_int_equal(memmap_total(r, NELEM(r)),
			 0x9f000 + 15 * MIB + (4ULL << 30));
}

static void test_type_is_ram(void **state)
{
	(void)state;
	assert_false(memmap_type_is_ram(0));
	assert_true(memmap_type_is_ram(BOOT_MEM_USABLE));
	assert_true(memmap_type_is_ram(BOOT_MEM_LOADER));
	for (uint32_t t = BOOT_MEM_RESERVED; t <= BOOT_MEM_TYPE_MAX; t++)
		assert_false(memmap_type_is_ram(t));
	assert_false(memmap_type_is_ram(BOOT_MEM_TYPE_MAX + 1));
	assert_false(memmap_type_is_ram(UINT32_MAX));
}

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(memmap_strerror(MEMMAP_OK), "ok");
	assert_string_equal(memmap_strerror(MEMMAP_E_OVERFLOW),
			    "memory map entry wraps around the address space");
	assert_string_equal(memmap_strerror(MEMMAP_E_FULL),
			    "too many free regions");
	assert_string_equal(memmap_strerror(MEMMAP_E_COUNT),
			    "unknown memory map error");
	assert_string_equal(memmap_strerror((enum memmap_error) - 1),
			    "unknown memory map error");
}

/* ---- generated maps against a page model ------------------------------- */

#define MODEL_PAGES 64

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A byte address in the model space, page-aligned half of the time. */
static uint64_t rng_addr(void)
{
	uint64_t a = rng() % (MODEL_PAGES * PAGE);

	return rng() % 2 ? a & ~(PAGE - 1) : a;
}

static uint64_t up(uint64_t x)
{
	return (x + PAGE - 1) & ~(PAGE - 1);
}

static uint64_t down(uint64_t x)
{
	return x & ~(PAGE - 1);
}

/* Is page p free: inside a RAM entry rounded in, outside every other
 * entry and every reserved range rounded out, and not page 0? */
static void model(const struct boot_mem_range *map, size_t n,
		  const struct mem_region *res, size_t nres,
		  bool free_page[MODEL_PAGES])
{
	for (uint64_t p = 0; p < MODEL_PAGES; p++) {
		uint64_t lo = p * PAGE, hi = lo + PAGE;
		bool ram = false, taken = p == 0;

		for (size_t i = 0; i < n; i++) {
			uint64_t b = map[i].base, e = b + map[i].size;

			if (memmap_type_is_ram(map[i].type))
				ram |= up(b) <= lo && hi <= down(e);
			else
				taken |= down(b) < hi && lo < up(e);
		}
		for (size_t i = 0; i < nres; i++) {
			if (res[i].end > res[i].base)
				taken |= down(res[i].base) < hi &&
					 lo < up(res[i].end);
		}
		free_page[p] = ram && !taken;
	}
}

static void check_against_model(const struct boot_mem_range *map, size_t n,
				const struct mem_region *res, size_t nres)
{
	bool want[MODEL_PAGES], got[MODEL_PAGES] = {false};
	struct mem_region *out;
	size_t count;

	model(map, n, res, nres, want);
	assert_int_equal(run(map, n, res, nres, 64, &out, &count), MEMMAP_OK);
	assert_well_formed(out, count);
	for (size_t i = 0; i < count; i++) {
		assert_true(out[i].end <= MODEL_PAGES * PAGE);
		for (uint64_t a = out[i].base; a < out[i].end; a += PAGE)
			got[a / PAGE] = true;
	}
	for (size_t p = 0; p < MODEL_PAGES; p++)
		assert_int_equal(got[p], want[p]);
}

static void test_matches_page_model(void **state)
{
	(void)state;
	for (int iter = 0; iter < 5000; iter++) {
		struct boot_mem_range map[8];
		struct mem_region res[3];
		size_t n = 1 + rng() % NELEM(map), nres = rng() % 4;

		for (size_t i = 0; i < n; i++) {
			uint64_t a = rng_addr(), b = rng_addr();
			/* RAM twice as likely as each other type. */
			uint32_t type = (uint32_t)(rng() % 12);

			type = type < 2	  ? BOOT_MEM_USABLE
			       : type < 4 ? BOOT_MEM_LOADER
					  : type - 1; /* 3..10 -> 3..9 */
			if (type > BOOT_MEM_TYPE_MAX)
				type = BOOT_MEM_USABLE;
			if (a > b) {
				uint64_t t = a;

				a = b;
				b = t;
			}
			/* Non-RAM entries are never empty here; see
			 * test_zero_size_non_ram_entry_ignored. */
			if (!memmap_type_is_ram(type) && a == b)
				b = a + 1;
			map[i] = RANGE(a, b - a, type);
		}
		for (size_t i = 0; i < nres; i++)
			res[i] = REGION(rng_addr(), rng_addr());
		check_against_model(map, n, res, nres);
	}
}

/* memmap_normalize on generated maps: every byte keeps the type of the
 * lowest-based entry that covers it (the first listed, on a tie). */
static void test_normalize_matches_byte_model(void **state)
{
	enum { SPACE = 96 };

	(void)state;
	for (int iter = 0; iter < 5000; iter++) {
		struct boot_mem_range r[8];
		size_t n = rng() % NELEM(r), m;
		uint32_t want[SPACE] = {0}, got[SPACE] = {0};
		uint64_t want_base[SPACE];

		for (size_t i = 0; i < n; i++) {
			uint64_t a = rng() % SPACE, b = rng() % SPACE;

			if (a > b) {
				uint64_t t = a;

				a = b;
				b = t;
			}
			r[i] = RANGE(a, b - a, 1 + (uint32_t)(rng() % 3));
			for (uint64_t x = a; x < b; x++) {
				if (!want[x] || a < want_base[x]) {
					want[x] = r[i].type;
					want_base[x] = a;
				}
			}
		}
		m = memmap_normalize(r, n);
		assert_true(m <= n);
		for (size_t i = 0; i < m; i++) {
			assert_true(r[i].size > 0);
			assert_true(r[i].base + r[i].size <= SPACE);
			if (i > 0) {
				uint64_t prev_end =
					r[i - 1].base + r[i - 1].size;

				assert_true(prev_end <= r[i].base);
				assert_false(prev_end == r[i].base &&
					     r[i - 1].type == r[i].type);
			}
			for (uint64_t x = r[i].base; x < r[i].base + r[i].size;
			     x++)
				got[x] = r[i].type;
		}
		assert_memory_equal(got, want, sizeof(want));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_usable_range),
		cmocka_unit_test(test_empty_map),
		cmocka_unit_test(test_page_zero_excluded),
		cmocka_unit_test(test_unsorted_input_sorted),
		cmocka_unit_test(test_overlapping_usable_merged),
		cmocka_unit_test(test_adjacent_usable_merged),
		cmocka_unit_test(test_loader_counts_as_ram),
		cmocka_unit_test(test_unaligned_usable_rounded_inwards),
		cmocka_unit_test(test_unaligned_non_ram_rounded_outwards),
		cmocka_unit_test(test_non_ram_types_subtracted),
		cmocka_unit_test(test_non_ram_covering_everything),
		cmocka_unit_test(test_reserved_splits_region),
		cmocka_unit_test(test_reserved_at_edges),
		cmocka_unit_test(test_reserved_spanning_two_regions),
		cmocka_unit_test(test_reserved_unaligned_rounded_outwards),
		cmocka_unit_test(test_empty_reserved_range_ignored),
		cmocka_unit_test(test_zero_size_usable_entry_ignored),
		cmocka_unit_test(test_zero_size_non_ram_entry_ignored),
		cmocka_unit_test(test_entry_wrapping_overflows),
		cmocka_unit_test(test_entry_ending_at_top_of_address_space),
		cmocka_unit_test(test_full_at_collection),
		cmocka_unit_test(test_full_at_split),
		cmocka_unit_test(test_full_only_when_result_does_not_fit),
		cmocka_unit_test(test_collection_compacts_mergeable_entries),
		cmocka_unit_test(test_normalize_sorts),
		cmocka_unit_test(test_normalize_merges_adjacent_same_type),
		cmocka_unit_test(test_normalize_lower_base_keeps_overlap),
		cmocka_unit_test(test_normalize_drops_empty_entries),
		cmocka_unit_test(test_normalize_matches_byte_model),
		cmocka_unit_test(test_total),
		cmocka_unit_test(test_type_is_ram),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_matches_page_model),
	};

	return cmocka_run_group_tests(tests, NULL, free_out_buf);
}
