/*
 * The root task's initial capabilities: untyped memory for every free byte
 * of RAM and device untyped for the rest of the physical address space,
 * frames for the initrd and the framebuffer, and the boot-info page that
 * describes them (sdk/include/pith/bootinfo.h).
 */
#include "kernel/boot_caps.h"

#include "caps/cdt.h"
#include "caps/object.h"
#include "kernel/arch.h"
#include "kernel/log.h"
#include "kernel/mem.h"
#include "lib/boot_info.h"

#define MMIO_RESERVED_MAX 16

/* Boot only, and too large for the kernel stack. */
static struct mem_region device_regions[MEM_MAX_REGIONS];
static struct mem_region excluded[BOOT_MMAP_MAX + MMIO_RESERVED_MAX];

static unsigned ctz64(uint64_t x)
{
	return x ? (unsigned)__builtin_ctzll(x) : 64;
}

static unsigned log2_floor(uint64_t x)
{
	return 63 - (unsigned)__builtin_clzll(x);
}

/* The largest aligned power-of-two block starting at base below end. */
static unsigned block_bits(uint64_t base, uint64_t end)
{
	unsigned bits = ctz64(base), room = log2_floor(end - base);

	if (room < bits)
		bits = room;
	return bits > UNTYPED_MAX_BITS ? UNTYPED_MAX_BITS : bits;
}

static size_t count_blocks(const struct mem_region *r, size_t n)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		for (uint64_t b = r[i].base; b < r[i].end;
		     b += 1ULL << block_bits(b, r[i].end))
			count++;
	}
	return count;
}

/* Physical space that is not RAM and not the kernel's MMIO. */
static size_t device_space(const struct boot_info *bi)
{
	const struct boot_mem_range *m = boot_info_mmap(bi);
	struct boot_mem_range all = {0, 1ULL << arch_phys_bits(),
				     BOOT_MEM_USABLE, 0};
	uint64_t mb[MMIO_RESERVED_MAX], ms[MMIO_RESERVED_MAX];
	size_t nex = 0, nmmio, count;

	for (uint32_t i = 0; i < bi->mmap_count; i++) {
		if (memmap_type_is_ram(m[i].type))
			excluded[nex++] = (struct mem_region){
				m[i].base, m[i].base + m[i].size};
	}
	nmmio = arch_reserved_mmio(mb, ms, MMIO_RESERVED_MAX);
	for (size_t i = 0; i < nmmio; i++)
		excluded[nex++] = (struct mem_region){mb[i], mb[i] + ms[i]};
	/* "Usable minus reserved" of one range covering everything. */
	if (memmap_free_regions(&all, 1, excluded, nex, device_regions,
				MEM_MAX_REGIONS, &count) != MEMMAP_OK)
		return 0;
	return count;
}

size_t boot_untyped_estimate(const struct boot_info *bi)
{
	size_t nfree, ndev = device_space(bi);
	const struct mem_region *free = mem_free_regions(&nfree);

	/* Later boot allocations can split a free region or two. */
	return count_blocks(free, nfree) + count_blocks(device_regions, ndev) +
	       16;
}

struct untyped_sink {
	struct cte *slots; /* the root CNode */
	size_t next;	   /* next slot */
	size_t end;	   /* first slot not for untyped */
	struct pith_bootinfo *info;
	size_t dropped;
};

static void emit(struct untyped_sink *s, uint64_t base, unsigned bits,
		 bool device)
{
	struct pith_untyped_desc *d;
	struct cap c = {.type = PITH_CAP_UNTYPED,
			.rights = PITH_RIGHTS_ALL,
			.size_bits = (uint8_t)bits,
			.flags = device ? CAP_F_DEVICE : 0,
			.untyped.paddr = base};

	if (s->next == s->end ||
	    s->info->untyped_count == PITH_BOOTINFO_MAX_UNTYPED) {
		s->dropped++;
		return;
	}
	d = &s->info->untyped_list[s->info->untyped_count++];
	d->paddr = base;
	d->size_bits = (uint8_t)bits;
	d->device = device;
	cdt_insert(NULL, &s->slots[s->next++], c, MDB_REVOCABLE);
}

static uint64_t emit_regions(struct untyped_sink *s, const struct mem_region *r,
			     size_t n, bool device)
{
	uint64_t total = 0;

	for (size_t i = 0; i < n; i++) {
		for (uint64_t b = r[i].base; b < r[i].end;) {
			unsigned bits = block_bits(b, r[i].end);

			if (bits >= UNTYPED_MIN_BITS)
				emit(s, b, bits, device);
			b += 1ULL << bits;
			total += 1ULL << bits;
		}
	}
	return total;
}

size_t boot_untyped_create(const struct boot_info *bi, struct cte *slots,
			   size_t first, size_t end, struct pith_bootinfo *info)
{
	struct untyped_sink s = {slots, first, end, info, 0};
	size_t nfree, ndev = device_space(bi);
	const struct mem_region *free = mem_free_regions(&nfree);
	uint64_t ram, dev;

	ram = emit_regions(&s, free, nfree, false);
	dev = emit_regions(&s, device_regions, ndev, true);
	if (s.dropped)
		pr_warn("boot: %zu untyped blocks did not fit the root CNode "
			"or boot info; their memory is unused",
			s.dropped);
	pr_info("boot: untyped: %llu KiB of RAM and %llu GiB of device space "
		"in %u capabilities",
		(unsigned long long)ram >> 10, (unsigned long long)dev >> 30,
		info->untyped_count);
	return s.next;
}

size_t boot_frames(struct cte *slots, size_t first, uint64_t paddr,
		   uint64_t size, unsigned bits, unsigned rights, bool device)
{
	size_t next = first;

	for (uint64_t off = 0; off + (1ULL << bits) <= size;
	     off += 1ULL << bits) {
		struct cap c = {.type = PITH_CAP_FRAME,
				.rights = (uint8_t)rights,
				.size_bits = (uint8_t)bits,
				.flags = device ? CAP_F_DEVICE : 0,
				.page.paddr = paddr + off};

		cdt_insert(NULL, &slots[next++], c, MDB_REVOCABLE);
	}
	return next;
}
