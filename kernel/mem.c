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
