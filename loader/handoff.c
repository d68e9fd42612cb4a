/*
 * The hand-off: struct boot_info, the memory map, ExitBootServices() and the
 * jump into the kernel.
 *
 * Everything that can fail is done, and checked, while boot services still
 * stand: the map is converted and boot_info_check()ed once before the exit,
 * so that after it only pure computation on preallocated memory remains.
 */
#include "lib/boot_info.h"
#include "lib/memmap.h"
#include "lib/string.h"
#include "loader.h"

#define EXIT_ATTEMPTS 4
#define GIB	      (1ULL << 30)

struct mmap_buf {
	uint8_t *buf;
	UINTN cap;
	UINTN size;
	UINTN key;
	UINTN desc_size;
	UINT32 desc_version;
};

static EFI_STATUS mmap_get(struct mmap_buf *m)
{
	m->size = m->cap;
	return BS->GetMemoryMap(&m->size, (EFI_MEMORY_DESCRIPTOR *)m->buf,
				&m->key, &m->desc_size, &m->desc_version);
}

static const EFI_MEMORY_DESCRIPTOR *mmap_desc(const struct mmap_buf *m, UINTN i)
{
	return (const EFI_MEMORY_DESCRIPTOR *)(m->buf + i * m->desc_size);
}

static UINTN mmap_count(const struct mmap_buf *m)
{
	return m->size / m->desc_size;
}

/* Allocate a map buffer with room for the allocations still to come. */
static EFI_STATUS mmap_alloc(struct mmap_buf *m)
{
	EFI_STATUS st;

	m->cap = 0;
	m->buf = NULL;
	st = mmap_get(m);
	if (st != EFI_BUFFER_TOO_SMALL)
		return EFI_ERROR(st) ? st : EFI_LOAD_ERROR;
	m->cap = m->size + 32 * m->desc_size;
	st = BS->AllocatePool(EfiLoaderData, m->cap, (void **)&m->buf);
	if (EFI_ERROR(st))
		return st;
	return mmap_get(m);
}

static uint32_t convert_type(uint32_t t)
{
	switch (t) {
	case EfiLoaderCode:
	case EfiLoaderData:
		return BOOT_MEM_LOADER;
	case EfiBootServicesCode:
	case EfiBootServicesData:
	case EfiConventionalMemory:
		return BOOT_MEM_USABLE;
	case EfiRuntimeServicesCode:
	case EfiRuntimeServicesData:
		return BOOT_MEM_RUNTIME;
	case EfiUnusableMemory:
		return BOOT_MEM_UNUSABLE;
	case EfiACPIReclaimMemory:
		return BOOT_MEM_ACPI_RECLAIM;
	case EfiACPIMemoryNVS:
		return BOOT_MEM_ACPI_NVS;
	case EfiMemoryMappedIO:
	case EfiMemoryMappedIOPortSpace:
		return BOOT_MEM_MMIO;
	case 14: /* EfiPersistentMemory (newer than gnu-efi's enum) */
		return BOOT_MEM_PERSISTENT;
	default: /* PAL code, unaccepted memory, OEM and OS types */
		return BOOT_MEM_RESERVED;
	}
}

/* Convert the UEFI map into bi's memory map (capacity `max` entries). */
static void mmap_convert(const struct mmap_buf *m, struct boot_info *bi,
			 uint32_t max)
{
	struct boot_mem_range *out =
		(struct boot_mem_range *)((uint8_t *)bi + bi->mmap_offset);
	uint32_t n = 0;

	for (UINTN i = 0; i < mmap_count(m) && n < max; i++) {
		const EFI_MEMORY_DESCRIPTOR *d = mmap_desc(m, i);
		uint64_t size = d->NumberOfPages * PAGE_SIZE;

		if (size == 0 || d->NumberOfPages > UINT64_MAX / PAGE_SIZE ||
		    size > UINT64_MAX - d->PhysicalStart ||
		    d->PhysicalStart % PAGE_SIZE)
			continue; /* malformed: leave it out of the whitelist */
		out[n++] = (struct boot_mem_range){
			.base = d->PhysicalStart,
			.size = size,
			.type = convert_type(d->Type),
		};
	}
	bi->mmap_count = (uint32_t)memmap_normalize(out, n);
}

/* The end of the highest memory (not MMIO) the kernel may need mapped,
 * and at least 4 GiB, where the local APIC and the like live. */
static uint64_t max_phys(const struct mmap_buf *m)
{
	uint64_t top = 4 * GIB;

	for (UINTN i = 0; i < mmap_count(m); i++) {
		const EFI_MEMORY_DESCRIPTOR *d = mmap_desc(m, i);
		uint64_t end = d->PhysicalStart + d->NumberOfPages * PAGE_SIZE;
		uint32_t t = convert_type(d->Type);

		if (t != BOOT_MEM_MMIO && t != BOOT_MEM_RESERVED && end > top)
			top = end;
	}
	return top;
}

/* The boot_info block with its command line, sized for the memory map;
 * NULL (reported) if there is no memory. */
static struct boot_info *alloc_boot_info(const struct handoff *h,
					 const struct mmap_buf *m,
					 uint32_t *mmap_max)
{
	/* Room for twice today's entries: the exit may split ranges. */
	uint32_t max = (uint32_t)mmap_count(m) * 2 + 64;
	size_t cmdlen = strlen(h->cmdline) + 1;
	/* Layout: header, command line, then the map, 8-byte aligned. */
	uint32_t mmap_offset =
		(uint32_t)((sizeof(struct boot_info) + cmdlen + 7) & ~7ULL);
	uint64_t size;
	EFI_PHYSICAL_ADDRESS addr;
	struct boot_info *bi;
	EFI_STATUS st;

	if (max > BOOT_MMAP_MAX)
		max = BOOT_MMAP_MAX;
	size = mmap_offset + (uint64_t)max * sizeof(struct boot_mem_range);
	st = BS->AllocatePages(AllocateAnyPages, EfiLoaderData, PAGES(size),
			       &addr);
	if (EFI_ERROR(st)) {
		con_fail(st, "no memory for boot_info");
		return NULL;
	}
	bi = (struct boot_info *)(uintptr_t)addr;
	memset(bi, 0, PAGES(size) * PAGE_SIZE);
	bi->magic = BOOT_INFO_MAGIC;
	bi->version = BOOT_INFO_VERSION;
	bi->header_size = sizeof(*bi);
	bi->total_size = (uint32_t)size;
	bi->self = (struct boot_range){addr, PAGES(size) * PAGE_SIZE};
	bi->cmdline_offset = sizeof(*bi);
	bi->cmdline_size = (uint32_t)cmdlen;
	memcpy((char *)bi + bi->cmdline_offset, h->cmdline, cmdlen);
	bi->mmap_offset = mmap_offset;
	*mmap_max = max;
	return bi;
}

/* After ExitBootServices() the console is gone; a last word goes straight
 * to the first serial port. Only a loader bug can bring us here. */
static _Noreturn void die_after_exit(const char *msg)
{
	const char *s = "pith loader: fatal after ExitBootServices: ";

	for (int part = 0; part < 2; part++, s = msg) {
		for (; *s; s++) {
			for (int spin = 0; spin < 100000; spin++) {
				uint8_t lsr;

				__asm__ volatile("inb %1, %0"
						 : "=a"(lsr)
						 : "Nd"((uint16_t)0x3fd));
				if (lsr & 0x20)
					break;
			}
			__asm__ volatile("outb %0, %1"
					 :
					 : "a"(*s), "Nd"((uint16_t)0x3f8));
		}
	}
	for (;;)
		__asm__ volatile("cli; hlt");
}

static _Noreturn void jump(uint64_t cr3, uint64_t entry, uint64_t boot_info)
{
	/* Interrupts stay off until the kernel has its own IDT. The loader's
	 * code and stack are identity-mapped in the new tables. */
	__asm__ volatile("cli\n\t"
			 "mov %0, %%cr3\n\t"
			 "jmp *%1"
			 :
			 : "a"(cr3), "c"(entry), "D"(boot_info)
			 : "memory");
	__builtin_unreachable();
}

static EFI_STATUS exit_boot_services(struct handoff *h, struct mmap_buf *m,
				     uint32_t *attempts)
{
	EFI_STATUS st = EFI_LOAD_ERROR;

	for (*attempts = 1; *attempts <= EXIT_ATTEMPTS; (*attempts)++) {
		UINTN key;

		st = mmap_get(m);
		if (EFI_ERROR(st))
			break;
		key = m->key;
		if (h->test_stale_mapkey && *attempts == 1)
			key++; /* boot.cfg loader.test_stale_mapkey */
		st = BS->ExitBootServices(h->image, key);
		/* EFI_INVALID_PARAMETER: the map changed under us (a timer
		 * event allocated memory); read it again and retry. */
		if (st != EFI_INVALID_PARAMETER)
			break;
	}
	return st;
}

EFI_STATUS handoff_boot(struct handoff *h)
{
	struct mmap_buf m;
	struct boot_info *bi;
	struct boot_range tables;
	uint32_t mmap_max, attempts;
	enum boot_info_error berr;
	uint64_t cr3;
	EFI_STATUS st;

	st = mmap_alloc(&m);
	if (EFI_ERROR(st))
		return con_fail(st, "cannot read the UEFI memory map");
	st = paging_build(max_phys(&m), &h->kernel, &tables, &cr3);
	if (EFI_ERROR(st))
		return st;
	bi = alloc_boot_info(h, &m, &mmap_max);
	if (!bi)
		return EFI_OUT_OF_RESOURCES;

	bi->kernel = (struct boot_range){h->kernel.phys, h->kernel.size};
	bi->kernel_virt = h->kernel.virt;
	bi->initrd = (struct boot_range){(uint64_t)(uintptr_t)h->initrd.data,
					 h->initrd.size};
	bi->page_tables = tables;
	bi->efi_system_table = (uint64_t)(uintptr_t)ST;
	platform_framebuffer(bi);
	platform_acpi(bi);
	platform_entropy(bi);

	/* Dry run on today's map, while a failure can still be reported. */
	st = mmap_get(&m);
	if (EFI_ERROR(st))
		return con_fail(st, "cannot read the UEFI memory map");
	mmap_convert(&m, bi, mmap_max);
	berr = boot_info_check(bi);
	if (berr != BOOT_INFO_OK)
		return con_fail(EFI_LOAD_ERROR, "boot_info: %s",
				boot_info_strerror(berr));
	con_print("entering the kernel at 0x%llx",
		  (unsigned long long)h->kernel.entry);

	st = exit_boot_services(h, &m, &attempts);
	if (EFI_ERROR(st)) {
		if (attempts > 1) /* boot services may be half gone */
			die_after_exit("ExitBootServices() kept failing\n");
		return con_fail(st, "ExitBootServices() failed");
	}
	mmap_convert(&m, bi, mmap_max);
	bi->exit_attempts = attempts;
	if (boot_info_check(bi) != BOOT_INFO_OK)
		die_after_exit("boot_info check failed on the final map\n");
	jump(cr3, h->kernel.entry, (uint64_t)(uintptr_t)bi);
}
