/*
 * x86-64 page tables.
 *
 * The kernel's half (PML4 slots 256-511) is built at boot and shared by
 * every address space: each new PML4 copies those 256 entries. Once the
 * first address space exists, no new top-level kernel entry may appear
 * (it would be missing from the copies): later kernel mappings, such as
 * MMIO, go into slot 511, which exists from the start.
 *
 *   DIRECT_MAP_BASE      physical memory (RAM ranges of the boot map), RW NX
 *   KERNEL_VIRT_BASE     the kernel image: text RX, rodata R, data RW NX;
 *                        the stacks' guard pages are left unmapped
 *   MMIO_BASE            device registers the kernel uses (local APIC), UC
 *
 * Kernel pages are global (CR4.PGE), so they survive address-space switches
 * in the TLB.
 */
#include "arch/x86.h"
#include "kernel/arch.h"
#include "kernel/log.h"
#include "kernel/mem.h"
#include "kernel/panic.h"
#include "lib/boot_info.h"

#define PTE_P	 (1ULL << 0)
#define PTE_W	 (1ULL << 1)
#define PTE_U	 (1ULL << 2)
#define PTE_PWT	 (1ULL << 3)
#define PTE_PCD	 (1ULL << 4)
#define PTE_PS	 (1ULL << 7)
#define PTE_G	 (1ULL << 8)
#define PTE_NX	 (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

#define MMIO_BASE  0xffffffffc0000000ULL
#define MMIO_LIMIT 0xffffffffe0000000ULL

static uint64_t kernel_pml4;	/* physical */
static bool kernel_half_frozen; /* set by the first arch_vspace_create() */
static uint64_t mmio_next = MMIO_BASE;
static unsigned wx_text_pages, wx_ro_pages, wx_rw_pages;

static uint64_t *table(uint64_t pa)
{
	return phys_to_virt(pa);
}

static unsigned index_at(uint64_t va, int level)
{
	return (va >> (12 + 9 * level)) & 511;
}

/*
 * The entry for va at `level` (0: PT, 1: PD, 2: PDPT), creating tables on
 * the way down. NULL if a large page already covers va.
 */
static uint64_t *walk_create(uint64_t root, uint64_t va, int level, bool user)
{
	uint64_t *t = table(root);

	for (int l = 3; l > level; l--) {
		uint64_t *e = &t[index_at(va, l)];

		if (!(*e & PTE_P)) {
			if (l == 3 && !user && kernel_half_frozen)
				panic("vm: new kernel PML4 slot for 0x%llx "
				      "after address spaces exist",
				      (unsigned long long)va);
			*e = mem_alloc_page() | PTE_P | PTE_W |
			     (user ? PTE_U : 0);
		} else if (*e & PTE_PS)
			return NULL;
		t = table(*e & PTE_ADDR);
	}
	return &t[index_at(va, level)];
}

static uint64_t pte_flags(unsigned prot)
{
	uint64_t f = PTE_P;

	if (prot & VM_WRITE)
		f |= PTE_W;
	if (!(prot & VM_EXEC))
		f |= PTE_NX;
	if (prot & VM_USER)
		f |= PTE_U;
	else if (cpu_features.pge)
		f |= PTE_G;
	if (prot & VM_DEVICE)
		f |= PTE_PCD | PTE_PWT;
	return f;
}

/* Map [pa, pa + size) at va with the largest pages alignment allows. */
static void map_range(uint64_t root, uint64_t va, uint64_t pa, uint64_t size,
		      unsigned prot)
{
	uint64_t flags = pte_flags(prot);

	while (size > 0) {
		int level = 0;
		uint64_t *e;

		if (cpu_features.gbpages && IS_ALIGNED(va | pa, GiB(1)) &&
		    size >= GiB(1))
			level = 2;
		else if (IS_ALIGNED(va | pa, MiB(2)) && size >= MiB(2))
			level = 1;
		e = walk_create(root, va, level, false);
		if (!e || (*e & PTE_P))
			panic("vm: kernel mapping at 0x%llx overlaps",
			      (unsigned long long)va);
		*e = pa | flags | (level ? PTE_PS : 0);
		va += PAGE_SIZE << (9 * level);
		pa += PAGE_SIZE << (9 * level);
		size -= PAGE_SIZE << (9 * level);
	}
}

static void map_direct(const struct boot_info *bi)
{
	const struct boot_mem_range *m = boot_info_mmap(bi);
	uint64_t total = 0;

	for (uint32_t i = 0; i < bi->mmap_count; i++) {
		if (!mem_type_direct_mapped(m[i].type))
			continue;
		if (m[i].base + m[i].size > DIRECT_MAP_SIZE)
			panic("vm: RAM at 0x%llx lies beyond the direct map",
			      (unsigned long long)m[i].base);
		map_range(kernel_pml4, DIRECT_MAP_BASE + m[i].base, m[i].base,
			  m[i].size, VM_READ | VM_WRITE);
		total += m[i].size;
	}
	pr_info("vm: direct map of %llu MiB at 0x%llx",
		(unsigned long long)total >> 20,
		(unsigned long long)DIRECT_MAP_BASE);
}

static void map_image_part(const char *start, const char *end, unsigned prot)
{
	uint64_t va = (uint64_t)(uintptr_t)start;

	if (start == end)
		return;
	map_range(kernel_pml4, va, kernel_image_phys(start),
		  (uint64_t)(end - start), prot);
}

static void map_stack(const char *guard, const char *top)
{
	/* Everything above the guard page, up to the stack's top. */
	map_image_part(guard + PAGE_SIZE, top, VM_READ | VM_WRITE);
}

static void map_kernel_image(void)
{
	map_image_part(__text_start, __text_end, VM_READ | VM_EXEC);
	map_image_part(__rodata_start, __rodata_end, VM_READ);
	map_image_part(__data_start, __stack_guard, VM_READ | VM_WRITE);
	map_stack(__stack_guard, __boot_stack_top);
	map_stack(__ist_df_guard, __ist_df_top);
	map_stack(__ist_nmi_guard, __ist_nmi_top);
	map_stack(__ist_mc_guard, __ist_mc_top);
	map_image_part(__ist_mc_top, __data_end, VM_READ | VM_WRITE);
}

bool vm_is_guard_page(uint64_t va)
{
	const char *guards[] = {__stack_guard, __ist_df_guard, __ist_nmi_guard,
				__ist_mc_guard};

	for (unsigned i = 0; i < ARRAY_SIZE(guards); i++) {
		uint64_t g = (uint64_t)(uintptr_t)guards[i];

		if (va >= g && va < g + PAGE_SIZE)
			return true;
	}
	return false;
}

/* Walk the kernel half and count pages by permission; any page both
 * writable and executable is a kernel bug. */
static void check_wx(uint64_t pa, int level, uint64_t va)
{
	const uint64_t *t = table(pa);

	for (unsigned i = level == 3 ? 256 : 0; i < 512; i++) {
		uint64_t e = t[i];
		uint64_t sub = va | (uint64_t)i << (12 + 9 * level);

		if (!(e & PTE_P))
			continue;
		if (level == 3)
			sub |= 0xffff000000000000ULL; /* sign-extend */
		if (level > 0 && !(e & PTE_PS)) {
			check_wx(e & PTE_ADDR, level - 1, sub);
			continue;
		}
		if ((e & PTE_W) && !(e & PTE_NX))
			panic("vm: W^X violated: kernel page 0x%llx is "
			      "writable and executable",
			      (unsigned long long)sub);
		if (sub >= KERNEL_VIRT_BASE && sub < MMIO_BASE) {
			if (!(e & PTE_NX))
				wx_text_pages++;
			else if (e & PTE_W)
				wx_rw_pages++;
			else
				wx_ro_pages++;
		}
	}
}

void arch_vm_init(const struct boot_info *bi)
{
	kernel_pml4 = mem_alloc_page();
	/* Slot 511 (kernel image and MMIO window) exists from the start. */
	table(kernel_pml4)[511] = mem_alloc_page() | PTE_P | PTE_W;
	map_direct(bi);
	map_kernel_image();
	write_cr3(kernel_pml4);

	check_wx(kernel_pml4, 3, 0);
	pr_info("vm: kernel image W^X: %u text pages RX, %u rodata pages R, "
		"%u data pages RW; 0 pages writable and executable",
		wx_text_pages, wx_ro_pages, wx_rw_pages);
}

void *arch_map_device(uint64_t phys, size_t size)
{
	uint64_t off = phys & (PAGE_SIZE - 1);
	uint64_t len = ALIGN_UP(size + off, PAGE_SIZE);
	uint64_t va = mmio_next;

	if (len > MMIO_LIMIT - mmio_next)
		panic("vm: MMIO window exhausted");
	mmio_next += len;
	map_range(kernel_pml4, va, phys - off, len,
		  VM_READ | VM_WRITE | VM_DEVICE);
	return (void *)(uintptr_t)(va + off);
}

uint64_t arch_vspace_create(void)
{
	uint64_t root = mem_alloc_page();

	arch_vspace_init(root);
	return root;
}

bool arch_vm_map_page(uint64_t root, uint64_t va, uint64_t pa, unsigned prot)
{
	uint64_t *e;

	KASSERT(IS_ALIGNED(va | pa, PAGE_SIZE));
	KASSERT(!(prot & VM_USER) || va < DIRECT_MAP_BASE);
	e = walk_create(root, va, 0, prot & VM_USER);
	if (!e || (*e & PTE_P))
		return false;
	*e = pa | pte_flags(prot);
	return true;
}

void arch_vspace_init(uint64_t root)
{
	kernel_half_frozen = true;
	for (unsigned i = 256; i < 512; i++)
		table(root)[i] = table(kernel_pml4)[i];
}

/* Flush what the CPU may cache of a change to `root` at vaddr. */
static void flush(uint64_t root, uint64_t vaddr, bool whole)
{
	if (read_cr3() != root)
		return; /* switching to it reloads CR3, flushing all */
	if (whole)
		write_cr3(
			root); /* non-global entries only: the kernel's stay */
	else
		invlpg(vaddr);
}

/*
 * Walk from the root to the table holding vaddr's entry at `level`.
 * NULL if a level above is missing (*missing: which structure) or a large
 * page is in the way (*missing: 0).
 */
static uint64_t *user_entry(uint64_t root, uint64_t vaddr, unsigned level,
			    unsigned *missing)
{
	uint64_t *t = table(root);

	*missing = 0;
	for (unsigned l = 3; l > level; l--) {
		uint64_t e = t[index_at(vaddr, (int)l)];

		if (!(e & PTE_P)) {
			*missing = l;
			return NULL;
		}
		if (e & PTE_PS)
			return NULL;
		t = table(e & PTE_ADDR);
	}
	return &t[index_at(vaddr, (int)level)];
}

enum arch_map_status arch_map_table(uint64_t root, uint64_t vaddr,
				    unsigned level, uint64_t tbl,
				    unsigned *missing)
{
	uint64_t *e = user_entry(root, vaddr, level, missing);

	if (!e)
		return *missing ? ARCH_MAP_MISSING : ARCH_MAP_OCCUPIED;
	if (*e & PTE_P)
		return ARCH_MAP_OCCUPIED;
	/* Intermediate entries allow everything; the leaves decide. */
	*e = tbl | PTE_P | PTE_W | PTE_U;
	return ARCH_MAP_OK;
}

static uint64_t leaf(uint64_t paddr, unsigned size_bits, unsigned prot)
{
	uint64_t e = paddr | pte_flags(prot | VM_USER);

	return size_bits > 12 ? e | PTE_PS : e;
}

/* The physical address an entry at `level` maps. */
static uint64_t entry_address(uint64_t e, unsigned level)
{
	if (level > 0 && (e & PTE_PS)) /* a large page: bit 12 is PAT */
		return e & PTE_ADDR & ~((1ULL << (12 + 9 * level)) - 1);
	return e & PTE_ADDR;
}

enum arch_map_status arch_map_frame(uint64_t root, uint64_t vaddr,
				    uint64_t paddr, unsigned size_bits,
				    unsigned prot, unsigned *missing)
{
	uint64_t *e = user_entry(root, vaddr, size_bits > 12 ? 1 : 0, missing);

	if (!e)
		return *missing ? ARCH_MAP_MISSING : ARCH_MAP_OCCUPIED;
	if (*e & PTE_P)
		return ARCH_MAP_OCCUPIED;
	*e = leaf(paddr, size_bits, prot);
	return ARCH_MAP_OK;
}

bool arch_unmap(uint64_t root, uint64_t vaddr, unsigned level, uint64_t paddr)
{
	unsigned missing;
	uint64_t *e = user_entry(root, vaddr, level, &missing), old;

	if (!e || !(*e & PTE_P) || entry_address(*e, level) != paddr)
		return false;
	old = *e;
	*e = 0;
	/* A leaf needs its address flushed; a table, everything below. */
	flush(root, vaddr, level > 0 && !(old & PTE_PS));
	return true;
}

bool arch_remap_frame(uint64_t root, uint64_t vaddr, uint64_t paddr,
		      unsigned size_bits, unsigned prot)
{
	unsigned missing, level = size_bits > 12 ? 1 : 0;
	uint64_t *e = user_entry(root, vaddr, level, &missing);

	if (!e || !(*e & PTE_P) || entry_address(*e, level) != paddr)
		return false;
	*e = leaf(paddr, size_bits, prot);
	flush(root, vaddr, false);
	return true;
}

bool arch_vm_user_lookup(uint64_t root, uint64_t va, bool write, uint64_t *pa)
{
	const uint64_t *t = table(root);

	if (va >= DIRECT_MAP_BASE)
		return false;
	for (int l = 3; l >= 0; l--) {
		uint64_t e = t[index_at(va, l)];
		uint64_t size = PAGE_SIZE << (9 * l);

		if (!(e & PTE_P) || !(e & PTE_U) || (write && !(e & PTE_W)))
			return false;
		if (l == 0 || (e & PTE_PS)) {
			*pa = (e & PTE_ADDR & ~(size - 1)) | (va & (size - 1));
			return true;
		}
		t = table(e & PTE_ADDR);
	}
	return false;
}
