/*
 * I/O APICs, found through ACPI's MADT, route device interrupts (global
 * system interrupts, GSIs) to vectors on this CPU's local APIC. Every
 * input starts masked; an IRQHandler capability unmasks its own.
 */
#include "arch/x86.h"
#include "kernel/arch.h"
#include "kernel/log.h"
#include "kernel/mem.h"
#include "lib/acpi.h"

#define REG_SELECT	 0x00
#define REG_WINDOW	 0x10
#define IOAPIC_VERSION	 0x01
#define IOAPIC_REDIR(n)	 (0x10 + 2 * (n))
#define REDIR_MASKED	 (1u << 16)
#define REDIR_LEVEL	 (1u << 15)
#define REDIR_ACTIVE_LOW (1u << 13)

struct ioapic {
	volatile uint32_t *regs;
	uint64_t paddr;
	uint32_t gsi_base;
	uint32_t inputs;
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned nioapics;
static struct acpi_madt madt;
static bool have_madt;
static uint32_t bsp_apic_id;

static uint32_t io_read(const struct ioapic *io, uint32_t reg)
{
	io->regs[REG_SELECT / 4] = reg;
	return io->regs[REG_WINDOW / 4];
}

static void io_write(const struct ioapic *io, uint32_t reg, uint32_t v)
{
	io->regs[REG_SELECT / 4] = reg;
	io->regs[REG_WINDOW / 4] = v;
}

static struct ioapic *find(unsigned gsi, unsigned *pin)
{
	for (unsigned i = 0; i < nioapics; i++) {
		struct ioapic *io = &ioapics[i];

		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->inputs) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

/* ACPI tables live in RAM the direct map covers, or elsewhere: map them
 * then (boot only). */
static const void *acpi_map(uint64_t phys, uint64_t len, void *ctx)
{
	(void)ctx;
	if (mem_is_direct_mapped(phys, len))
		return phys_to_virt(phys);
	return arch_map_device(phys, len);
}

void ioapic_init(const struct boot_info *bi, uint32_t bsp_id)
{
	uint64_t madt_phys;
	uint32_t madt_len;
	enum acpi_error err;

	bsp_apic_id = bsp_id;
	if (!(bi->flags & BOOT_INFO_HAS_ACPI)) {
		pr_warn("ioapic: no ACPI tables: no device interrupts");
		return;
	}
	err = acpi_find_table(bi->acpi_rsdp, "APIC", acpi_map, NULL, &madt_phys,
			      &madt_len);
	if (err == ACPI_OK)
		err = acpi_parse_madt(acpi_map(madt_phys, madt_len, NULL),
				      madt_len, &madt);
	if (err != ACPI_OK) {
		pr_warn("ioapic: MADT: %s: no device interrupts",
			acpi_strerror(err));
		return;
	}
	have_madt = true;
	for (unsigned i = 0; i < madt.n_ioapics; i++) {
		struct ioapic *io = &ioapics[nioapics++];

		io->paddr = madt.ioapic[i].address;
		io->regs = arch_map_device(io->paddr, PAGE_SIZE);
		io->gsi_base = madt.ioapic[i].gsi_base;
		io->inputs = ((io_read(io, IOAPIC_VERSION) >> 16) & 0xff) + 1;
		for (unsigned p = 0; p < io->inputs; p++)
			io_write(io, IOAPIC_REDIR(p), REDIR_MASKED);
		pr_info("ioapic: id %u at 0x%llx: GSIs %u-%u, all masked",
			madt.ioapic[i].id, (unsigned long long)io->paddr,
			io->gsi_base, io->gsi_base + io->inputs - 1);
	}
}

bool arch_ioapic_has_gsi(unsigned gsi)
{
	unsigned pin;

	return find(gsi, &pin) != NULL;
}

void arch_ioapic_route(unsigned gsi, unsigned vector, bool level,
		       bool active_low)
{
	unsigned pin;
	struct ioapic *io = find(gsi, &pin);
	uint32_t low = vector | REDIR_MASKED;

	if (!io)
		return;
	if (level)
		low |= REDIR_LEVEL;
	if (active_low)
		low |= REDIR_ACTIVE_LOW;
	/* Physical destination: this CPU. */
	io_write(io, IOAPIC_REDIR(pin) + 1, bsp_apic_id << 24);
	io_write(io, IOAPIC_REDIR(pin), low);
}

void arch_ioapic_mask(unsigned gsi, bool masked)
{
	unsigned pin;
	struct ioapic *io = find(gsi, &pin);
	uint32_t low;

	if (!io)
		return;
	low = io_read(io, IOAPIC_REDIR(pin));
	io_write(io, IOAPIC_REDIR(pin),
		 masked ? low | REDIR_MASKED : low & ~REDIR_MASKED);
}

void arch_isa_irq(unsigned irq, unsigned *gsi, bool *level, bool *active_low)
{
	uint32_t g = irq;
	uint16_t flags = 0;

	if (have_madt)
		acpi_isa_irq(&madt, irq, &g, &flags);
	*gsi = g;
	/* "Bus default" for ISA is edge-triggered, active high. */
	*level = (flags & ACPI_INTI_TRIGGER_MASK) == ACPI_INTI_TRIGGER_LEVEL;
	*active_low =
		(flags & ACPI_INTI_POLARITY_MASK) == ACPI_INTI_POLARITY_LOW;
}

void arch_msi_message(unsigned vector, uint64_t *address, uint64_t *data)
{
	*address = 0xfee00000ULL | (uint64_t)bsp_apic_id << 12;
	*data = vector; /* fixed delivery, edge */
}

size_t ioapic_reserved(uint64_t *base, uint64_t *size, size_t max)
{
	size_t n = 0;

	for (unsigned i = 0; i < nioapics && n < max; i++, n++) {
		base[n] = ioapics[i].paddr & ~(PAGE_SIZE - 1);
		size[n] = PAGE_SIZE;
	}
	return n;
}
