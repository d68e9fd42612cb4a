/*
 * From the boot memory map to the list of free physical regions: the RAM the
 * kernel may hand out, minus everything it must keep (kernel image, initrd,
 * boot_info, the loader's page tables) and minus page 0.
 *
 * Firmware maps are not always tidy: entries may be unsorted, overlap, or
 * be unaligned. Where a usable range overlaps anything that is not usable,
 * the unusable claim wins; free regions are page-aligned inwards.
 */
#ifndef LIB_MEMMAP_H
#define LIB_MEMMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/boot_info.h"

/* A physical range [base, end). */
struct mem_region {
	uint64_t base;
	uint64_t end;
};

enum memmap_error {
	MEMMAP_OK = 0,
	MEMMAP_E_OVERFLOW, /* an entry's base + size wraps around */
	MEMMAP_E_FULL,	   /* more free regions than the output can hold */
	MEMMAP_E_COUNT
};

/* Is memory of this type free RAM once the kernel owns the machine? */
bool memmap_type_is_ram(uint32_t type);

/*
 * Compute the free regions of `map` (n entries) minus `reserved` (nres
 * ranges) into `out` (capacity max_out), sorted, disjoint, non-adjacent and
 * page-aligned. *count receives the number written.
 */
enum memmap_error memmap_free_regions(const struct boot_mem_range *map,
				      size_t n,
				      const struct mem_region *reserved,
				      size_t nres, struct mem_region *out,
				      size_t max_out, size_t *count);

/*
 * Put a map straight from the firmware into boot_info form, in place:
 * sorted by base, disjoint, adjacent ranges of one type merged. Where two
 * ranges overlap (a firmware bug), the one with the lower base keeps the
 * overlap. Entries must not wrap (base + size <= 2^64). Returns the new
 * number of entries.
 */
size_t memmap_normalize(struct boot_mem_range *r, size_t n);

/* Sum of the sizes of `n` regions. */
uint64_t memmap_total(const struct mem_region *r, size_t n);

const char *memmap_strerror(enum memmap_error err);

#endif
