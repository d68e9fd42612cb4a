/*
 * Physical memory at boot (see include/kernel/mem.h).
 */
#include "kernel/mem.h"

#include "kernel/log.h"
#include "kernel/panic.h"
#include "lib/boot_info.h"
#include "lib/string.h"

static struct mem_region regions[MEM_MAX_REGIONS];
static size_t nregions;
static uint64_t boot_allocated;
static bool boot_allocator_closed;
static uint64_t kernel_phys, kernel_virt, kernel_size;
static struct mem_region direct[MEM_MAX_REGIONS]; /* sorted, disjoint */
static size_t ndirect;

bool mem_type_direct_mapped(uint32_t type)
{
	return type == BOOT_MEM_USABLE || type == BOOT_MEM_LOADER ||
	       type == BOOT_MEM_ACPI_RECLAIM || type == BOOT_MEM_ACPI_NVS ||
	       type == BOOT_MEM_RUNTIME;
}

bool mem_is_direct_mapped(uint64_t pa, uint64_t len)
{
	size_t lo = 0, hi = ndirect;

	if (len > UINT64_MAX - pa)
		return false;
	while (lo < hi) { /* the last region starting at or below pa */
		size_t mid = (lo + hi) / 2;

		if (direct[mid].base <= pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && pa + len <= direct[lo - 1].end;
}

/* Remember what the direct map covers, merging neighbours. */
static void note_direct_map(const struct boot_info *bi)
{
	const struct boot_mem_range *m = boot_info_mmap(bi);

	for (uint32_t i = 0; i < bi->mmap_count; i++) {
		if (!mem_type_direct_mapped(m[i].type))
			continue;
		if (ndirect && direct[ndirect - 1].end == m[i].base)
			direct[ndirect - 1].end += m[i].size;
		else if (ndirect < MEM_MAX_REGIONS)
			direct[ndirect++] = (struct mem_region){
				m[i].base, m[i].base + m[i].size};
	}
}

uint64_t kernel_image_phys(const void *va)
{
	uint64_t v = (uint64_t)(uintptr_t)va;

	KASSERT(v >= kernel_virt && v - kernel_virt < kernel_size);
	return kernel_phys + (v - kernel_virt);
}

void mem_init(const struct boot_info *bi)
{
	/* What the kernel keeps: its image, the initrd (the root task's
	 * files), boot_info (the memory map and command line) and, until it
	 * has switched, the loader's page tables. */
	const struct mem_region keep[] = {
		{bi->kernel.base, bi->kernel.base + bi->kernel.size},
		{bi->initrd.base, bi->initrd.base + bi->initrd.size},
		{bi->self.base, bi->self.base + bi->self.size},
		{bi->page_tables.base,
		 bi->page_tables.base + bi->page_tables.size},
	};
	enum memmap_error err;

	note_direct_map(bi); /* the map is sorted (boot_info_check) */
	kernel_phys = bi->kernel.base;
	kernel_virt = bi->kernel_virt;
	kernel_size = bi->kernel.size;
	err = memmap_free_regions(boot_info_mmap(bi), bi->mmap_count, keep,
				  ARRAY_SIZE(keep), regions, MEM_MAX_REGIONS,
				  &nregions);
	if (err != MEMMAP_OK)
		panic("mem: cannot use the boot memory map: %s",
		      memmap_strerror(err));
	if (nregions == 0)
		panic("mem: no free memory in the boot memory map");
	pr_info("mem: %llu KiB free in %zu regions",
		(unsigned long long)memmap_total(regions, nregions) / 1024,
		nregions);
	for (size_t i = 0; i < nregions; i++)
		pr_debug("mem:   free [0x%012llx, 0x%012llx)",
			 (unsigned long long)regions[i].base,
			 (unsigned long long)regions[i].end);
}

/* Take pages from the top of the highest region: low memory stays free
 * for devices that can only address it. */
uint64_t mem_alloc_page(void)
{
	uint64_t pa;

	KASSERT(!boot_allocator_closed);
	while (nregions > 0 &&
	       regions[nregions - 1].end == regions[nregions - 1].base)
		nregions--;
	if (nregions == 0)
		panic("mem: out of memory during boot");
	pa = regions[nregions - 1].end - PAGE_SIZE;
	regions[nregions - 1].end = pa;
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	boot_allocated += PAGE_SIZE;
	return pa;
}

uint64_t mem_alloc_aligned(unsigned bits)
{
	uint64_t size = 1ULL << bits;

	KASSERT(!boot_allocator_closed && bits >= 12);
	for (size_t i = nregions; i-- > 0;) {
		struct mem_region *r = &regions[i];
		uint64_t pa;

		if (r->end - r->base < size)
			continue;
		pa = (r->end - size) & ~(size - 1);
		if (pa < r->base)
			continue;
		/* The block may leave a hole above it: a region of its own. */
		if (pa + size < r->end && nregions < MEM_MAX_REGIONS) {
			for (size_t j = nregions; j > i + 1; j--)
				regions[j] = regions[j - 1];
			regions[i + 1] = (struct mem_region){pa + size, r->end};
			nregions++;
		}
		r->end = pa;
		memset(phys_to_virt(pa), 0, size);
		boot_allocated += size;
		return pa;
	}
	panic("mem: no %llu KiB block for boot",
	      (unsigned long long)size >> 10);
}

void mem_close_boot_allocator(void)
{
	boot_allocator_closed = true;
	pr_info("mem: boot allocations %llu KiB; %llu KiB left for user space",
		(unsigned long long)boot_allocated / 1024,
		(unsigned long long)memmap_total(regions, nregions) / 1024);
}

const struct mem_region *mem_free_regions(size_t *count)
{
	*count = nregions;
	return regions;
}

uint64_t mem_boot_allocated(void)
{
	return boot_allocated;
}
