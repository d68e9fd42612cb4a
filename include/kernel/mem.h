/*
 * Physical memory at boot.
 *
 * mem_init() turns boot_info's memory map into free regions (lib/memmap.c),
 * minus what the kernel must keep: its image, the initrd, boot_info and the
 * loader's page tables. A boot allocator hands out pages from the top of
 * those regions for the kernel's page tables and the root task; once boot
 * is over it is closed, and what remains becomes Untyped memory for user
 * space. The kernel has no heap.
 */
#ifndef KERNEL_MEM_H
#define KERNEL_MEM_H

#include "boot/boot_info.h"
#include "kernel/compiler.h"
#include "lib/memmap.h"

#define PAGE_SIZE	4096ULL
#define MEM_MAX_REGIONS 256

#if PITH_HOST
/* Host builds (tests) stand in a buffer for physical memory. */
void *phys_to_virt(uint64_t pa);
uint64_t virt_to_phys(const void *va);
#else
static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)(uintptr_t)(DIRECT_MAP_BASE + pa);
}

/* The physical address of a direct-mapped kernel pointer (objects). */
static inline uint64_t virt_to_phys(const void *va)
{
	return (uint64_t)(uintptr_t)va - DIRECT_MAP_BASE;
}
#endif

/* Memory of these types is in the kernel's direct map. */
bool mem_type_direct_mapped(uint32_t type);
/* Is [pa, pa + len) in the direct map (RAM, not device memory)? */
bool mem_is_direct_mapped(uint64_t pa, uint64_t len);

void mem_init(const struct boot_info *bi);

/* A zeroed page, boot-time only. Running out at boot panics. */
uint64_t mem_alloc_page(void);
/* 2^bits zeroed bytes, naturally aligned, boot-time only. */
uint64_t mem_alloc_aligned(unsigned bits);
/* No more boot allocations: from here on memory belongs to user space. */
void mem_close_boot_allocator(void);

/* The free regions left (valid after mem_init). */
const struct mem_region *mem_free_regions(size_t *count);
uint64_t mem_boot_allocated(void); /* bytes taken by mem_alloc_page() */

/* Physical address of an object inside the kernel image. */
uint64_t kernel_image_phys(const void *va);

#endif
