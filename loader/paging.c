/*
 * The page tables the kernel is entered on:
 *   - identity map of [0, max_phys): the loader keeps running after it loads
 *     CR3, until it jumps;
 *   - the same memory at DIRECT_MAP_BASE, where the kernel finds boot_info
 *     and everything else until it has built its own tables;
 *   - the kernel image at its virtual base, with 4 KiB pages.
 * Identity and direct map share their lower-level tables. Everything is
 * writable and executable here: the NX bit is only valid once EFER.NXE is
 * on, which the kernel does before it builds its own, W^X, tables.
 * All tables come from one allocation, reported in boot_info.page_tables.
 */
#include "lib/string.h"
#include "loader.h"

#define PTE_P	 0x1ULL
#define PTE_W	 0x2ULL
#define PTE_PS	 0x80ULL
#define GIB	 (1ULL << 30)
#define MIB2	 (1ULL << 21)
#define CR4_LA57 (1ULL << 12)

struct pool {
	uint64_t *base;
	uint64_t pages;
	uint64_t used;
};

static uint64_t *pool_table(struct pool *p)
{
	/* Sized exactly by paging_build(); running out is a loader bug. */
	if (p->used == p->pages)
		return NULL;
	return p->base + 512 * p->used++;
}

static uint64_t entry(const uint64_t *table, uint64_t flags)
{
	return (uint64_t)(uintptr_t)table | flags;
}

static bool cpu_has_1g_pages(void)
{
	uint32_t a = 0x80000001, b, c = 0, d;

	__asm__("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return d & (1u << 26);
}

static uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

/* Map [0, gib GiB) into pml4 slots 0.. (identity) and 256.. (direct). */
static bool map_physical(struct pool *p, uint64_t *pml4, uint64_t gib,
			 bool huge)
{
	for (uint64_t g = 0; g < gib; g++) {
		uint64_t slot = g / 512, *pdpt, *pd;

		if (g % 512 == 0) {
			pdpt = pool_table(p);
			if (!pdpt)
				return false;
			pml4[slot] = entry(pdpt, PTE_P | PTE_W);
			pml4[256 + slot] = pml4[slot];
		}
		pdpt = (uint64_t *)(uintptr_t)(pml4[slot] & ~0xfffULL);
		if (huge) {
			pdpt[g % 512] = (g * GIB) | PTE_P | PTE_W | PTE_PS;
			continue;
		}
		pd = pool_table(p);
		if (!pd)
			return false;
		pdpt[g % 512] = entry(pd, PTE_P | PTE_W);
		for (uint64_t i = 0; i < 512; i++)
			pd[i] = (g * GIB + i * MIB2) | PTE_P | PTE_W | PTE_PS;
	}
	return true;
}

/* Map the kernel image with 4 KiB pages; it lies in one 1 GiB region. */
static bool map_kernel(struct pool *p, uint64_t *pml4,
		       const struct kernel_image *k)
{
	uint64_t *pdpt = pool_table(p), *pd = pool_table(p);

	if (!pdpt || !pd)
		return false;
	pml4[(k->virt >> 39) & 511] = entry(pdpt, PTE_P | PTE_W);
	pdpt[(k->virt >> 30) & 511] = entry(pd, PTE_P | PTE_W);
	for (uint64_t off = 0; off < k->size; off += PAGE_SIZE) {
		uint64_t va = k->virt + off, *pt;
		uint64_t *pde = &pd[(va >> 21) & 511];

		if (!*pde) {
			pt = pool_table(p);
			if (!pt)
				return false;
			*pde = entry(pt, PTE_P | PTE_W);
		}
		pt = (uint64_t *)(uintptr_t)(*pde & ~0xfffULL);
		pt[(va >> 12) & 511] = (k->phys + off) | PTE_P | PTE_W;
	}
	return true;
}

EFI_STATUS paging_build(uint64_t max_phys, const struct kernel_image *k,
			struct boot_range *tables, uint64_t *cr3)
{
	bool huge = cpu_has_1g_pages();
	uint64_t gib = (max_phys + GIB - 1) / GIB;
	EFI_PHYSICAL_ADDRESS addr;
	struct pool p = {0};
	uint64_t *pml4;
	EFI_STATUS st;

	if (read_cr4() & CR4_LA57)
		return con_fail(EFI_UNSUPPORTED,
				"the firmware runs with 5-level paging, which "
				"Pith does not support");
	if (max_phys > DIRECT_MAP_SIZE)
		return con_fail(EFI_UNSUPPORTED,
				"physical memory reaches 0x%llx, beyond the "
				"%llu TiB the kernel can map",
				(unsigned long long)max_phys,
				(unsigned long long)(DIRECT_MAP_SIZE >> 40));

	/* PML4; PDPTs and (without 1 GiB pages) PDs for the physical maps;
	 * PDPT, PD and PTs for the kernel (its image may straddle a 2 MiB
	 * boundary, hence the extra PT). */
	p.pages = 1 + (gib + 511) / 512 + (huge ? 0 : gib) + 2 +
		  k->size / MIB2 + 2;
	st = BS->AllocatePages(AllocateAnyPages, EfiLoaderData, p.pages, &addr);
	if (EFI_ERROR(st))
		return con_fail(st, "no memory for %llu page tables",
				(unsigned long long)p.pages);
	p.base = (uint64_t *)(uintptr_t)addr;
	memset(p.base, 0, p.pages * PAGE_SIZE);

	pml4 = pool_table(&p);
	if (!map_physical(&p, pml4, gib, huge) || !map_kernel(&p, pml4, k))
		return con_fail(EFI_OUT_OF_RESOURCES,
				"page table pool too small (loader bug)");
	tables->base = addr;
	tables->size = p.pages * PAGE_SIZE;
	*cr3 = (uint64_t)(uintptr_t)pml4;
	return EFI_SUCCESS;
}
