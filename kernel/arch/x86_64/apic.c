/*
 * The local APIC: x2APIC (MSR access) where the CPU has it, xAPIC (MMIO)
 * otherwise. It provides the periodic timer (timer.c) and the
 * end-of-interrupt register.
 */
#include "arch/x86.h"
#include "kernel/arch.h"
#include "kernel/log.h"
#include "kernel/mem.h"
#include "kernel/panic.h"

#define APIC_BASE_ENABLE (1ULL << 11)
#define APIC_BASE_X2APIC (1ULL << 10)
#define APIC_BASE_ADDR	 0x000ffffffffff000ULL

#define REG_ID		  0x020
#define REG_VERSION	  0x030
#define REG_TPR		  0x080
#define REG_EOI		  0x0b0
#define REG_SVR		  0x0f0
#define REG_LVT_TIMER	  0x320
#define REG_LVT_LINT0	  0x350
#define REG_LVT_LINT1	  0x360
#define REG_LVT_ERROR	  0x370
#define REG_TIMER_INIT	  0x380
#define REG_TIMER_CURRENT 0x390
#define REG_TIMER_DIVIDE  0x3e0

#define SVR_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16)

static volatile uint32_t *mmio; /* xAPIC registers; NULL in x2APIC mode */
static uint64_t base_phys;

uint32_t apic_read(unsigned reg)
{
	if (!mmio)
		return (uint32_t)rdmsr(0x800 + (reg >> 4));
	return mmio[reg / 4];
}

void apic_write(unsigned reg, uint32_t v)
{
	if (!mmio)
		wrmsr(0x800 + (reg >> 4), v);
	else
		mmio[reg / 4] = v;
}

uint64_t apic_phys(void)
{
	return base_phys;
}

uint32_t apic_id(void)
{
	return mmio ? apic_read(REG_ID) >> 24 : apic_read(REG_ID);
}

void apic_eoi(void)
{
	apic_write(REG_EOI, 0);
}

void apic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	if (!cpu_features.apic)
		panic("apic: this CPU has no local APIC");
	base_phys = base & APIC_BASE_ADDR;
	/* Disabled -> xAPIC -> x2APIC: the transitions the SDM allows. */
	base |= APIC_BASE_ENABLE;
	wrmsr(MSR_APIC_BASE, base);
	if (cpu_features.x2apic)
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_X2APIC);
	else
		mmio = arch_map_device(base & APIC_BASE_ADDR, PAGE_SIZE);
	apic_write(REG_TPR, 0); /* accept every priority */
	apic_write(REG_LVT_LINT0, LVT_MASKED);
	apic_write(REG_LVT_ERROR, LVT_MASKED);
	apic_write(REG_SVR, SVR_ENABLE | VEC_SPURIOUS);
	pr_info("apic: %s mode, id %u, version 0x%x", mmio ? "xAPIC" : "x2APIC",
		mmio ? apic_read(REG_ID) >> 24 : apic_read(REG_ID),
		apic_read(REG_VERSION) & 0xff);
}
