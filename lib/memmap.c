/*
 * Free-region computation (see include/lib/memmap.h). No allocation: the
 * output array is the working set. n is at most a few hundred, so the
 * quadratic insertion sort and subtraction are cheap and simple.
 */
#include "lib/memmap.h"

#define PAGE 4096ULL

static const char *const memmap_errors[MEMMAP_E_COUNT] = {
	[MEMMAP_OK] = "ok",
	[MEMMAP_E_OVERFLOW] = "memory map entry wraps around the address space",
	[MEMMAP_E_FULL] = "too many free regions",
};

const char *memmap_strerror(enum memmap_error err)
{
	if ((unsigned)err >= MEMMAP_E_COUNT)
		return "unknown memory map error";
	return memmap_errors[err];
}

bool memmap_type_is_ram(uint32_t type)
{
	return type == BOOT_MEM_USABLE || type == BOOT_MEM_LOADER;
}

static uint64_t page_down(uint64_t x)
{
	return x & ~(PAGE - 1);
}

/* Round up; addresses in the last page clamp to the last page boundary. */
static uint64_t page_up(uint64_t x)
{
	if (x > UINT64_MAX - (PAGE - 1))
		return page_down(UINT64_MAX);
	return page_down(x + PAGE - 1);
}

static void sort_regions(struct mem_region *r, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct mem_region key = r[i];
		size_t j = i;

		for (; j > 0 && r[j - 1].base > key.base; j--)
			r[j] = r[j - 1];
		r[j] = key;
	}
}

/* Merge overlapping and adjacent regions of a sorted array. */
static size_t merge_regions(struct mem_region *r, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++) {
		if (w > 0 && r[i].base <= r[w - 1].end) {
			if (r[i].end > r[w - 1].end)
				r[w - 1].end = r[i].end;
		} else {
			r[w++] = r[i];
		}
	}
	return w;
}

/* Remove [base, end) from the sorted regions r[0..*n). */
static enum memmap_error subtract(struct mem_region *r, size_t *n, size_t max,
				  uint64_t base, uint64_t end)
{
	for (size_t i = 0; i < *n; i++) {
		struct mem_region *x = &r[i];

		if (end <= x->base || base >= x->end)
			continue;
		if (base > x->base && end < x->end) { /* split in two */
			if (*n == max)
				return MEMMAP_E_FULL;
			for (size_t j = *n; j > i + 1; j--)
				r[j] = r[j - 1];
			r[i + 1] = (struct mem_region){end, x->end};
			x->end = base;
			(*n)++;
			return MEMMAP_OK; /* regions are disjoint: done */
		}
		if (base <= x->base)
			x->base = end < x->end ? end : x->end;
		else
			x->end = base;
	}
	return MEMMAP_OK;
}

static size_t drop_empty(struct mem_region *r, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++) {
		if (r[i].base < r[i].end)
			r[w++] = r[i];
	}
	return w;
}

static bool entry_end(const struct boot_mem_range *e, uint64_t *end)
{
	if (e->size > UINT64_MAX - e->base)
		return false;
	*end = e->base + e->size;
	return true;
}

/* Sorted, merged, without empty regions: the fewest slots for the same
 * memory. */
static size_t compact(struct mem_region *r, size_t n)
{
	n = drop_empty(r, n);
	sort_regions(r, n);
	return merge_regions(r, n);
}

/* Grow a region that x overlaps or touches to cover x; false if none. */
static bool absorb(struct mem_region *r, size_t n, struct mem_region x)
{
	for (size_t i = 0; i < n; i++) {
		if (x.base <= r[i].end && r[i].base <= x.end) {
			if (x.base < r[i].base)
				r[i].base = x.base;
			if (x.end > r[i].end)
				r[i].end = x.end;
			return true;
		}
	}
	return false;
}

/* Remove [base, end), rounded out to pages, from the regions. Empty ranges
 * remove nothing; regions emptied here give their slot back at once. */
static enum memmap_error take_out(struct mem_region *r, size_t *n, size_t max,
				  uint64_t base, uint64_t end)
{
	enum memmap_error err;

	if (end <= base)
		return MEMMAP_OK;
	err = subtract(r, n, max, page_down(base), page_up(end));
	*n = drop_empty(r, *n);
	return err;
}

enum memmap_error memmap_free_regions(const struct boot_mem_range *map,
				      size_t n,
				      const struct mem_region *reserved,
				      size_t nres, struct mem_region *out,
				      size_t max_out, size_t *count)
{
	size_t k = 0;
	uint64_t end;
	enum memmap_error err;

	*count = 0;
	for (size_t i = 0; i < n; i++) {
		struct mem_region x;

		if (!entry_end(&map[i], &end))
			return MEMMAP_E_OVERFLOW;
		if (!memmap_type_is_ram(map[i].type))
			continue;
		x = (struct mem_region){page_up(map[i].base), page_down(end)};
		if (x.base >= x.end || absorb(out, k, x))
			continue;
		if (k == max_out)
			k = compact(out,
				    k); /* absorbing may have freed slots */
		if (k == max_out)
			return MEMMAP_E_FULL;
		out[k++] = x;
	}
	k = compact(out, k);

	/* Page 0 stays unused: a null physical address is never valid. */
	err = take_out(out, &k, max_out, 0, PAGE);
	for (size_t i = 0; i < n && err == MEMMAP_OK; i++) {
		if (!memmap_type_is_ram(map[i].type))
			err = take_out(out, &k, max_out, map[i].base,
				       map[i].base + map[i].size);
	}
	for (size_t i = 0; i < nres && err == MEMMAP_OK; i++)
		err = take_out(out, &k, max_out, reserved[i].base,
			       reserved[i].end);
	if (err != MEMMAP_OK)
		return err;
	*count = k;
	return MEMMAP_OK;
}

static void sort_ranges(struct boot_mem_range *r, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct boot_mem_range key = r[i];
		size_t j = i;

		for (; j > 0 && r[j - 1].base > key.base; j--)
			r[j] = r[j - 1];
		r[j] = key;
	}
}

size_t memmap_normalize(struct boot_mem_range *r, size_t n)
{
	size_t w = 0;

	sort_ranges(r, n);
	for (size_t i = 0; i < n; i++) {
		struct boot_mem_range x = r[i];
		uint64_t prev_end = w ? r[w - 1].base + r[w - 1].size : 0;

		if (x.size == 0)
			continue;
		if (w && x.base < prev_end) {
			if (x.base + x.size <= prev_end)
				continue; /* wholly inside the previous one */
			x.size -= prev_end - x.base;
			x.base = prev_end;
		}
		if (w && x.base == prev_end && x.type == r[w - 1].type)
			r[w - 1].size += x.size;
		else
			r[w++] = x;
	}
	return w;
}

uint64_t memmap_total(const struct mem_region *r, size_t n)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += r[i].end - r[i].base;
	return sum;
}
