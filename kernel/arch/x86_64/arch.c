/*
 * x86-64 bring-up, in the order the generic kernel calls it
 * (include/kernel/arch.h).
 */
#include "kernel/arch.h"
#include "arch/x86.h"
#include "kernel/log.h"
#include "kernel/panic.h"

#define TIMER_HZ 100

void arch_early_init(void)
{
	serial_init();
	gdt_init();
	idt_init();
	cpu_init();
	if (!idt_stubs_ok())
		panic("trap: entry stubs are not 16 bytes each");
}

void arch_late_init(const struct boot_info *bi)
{
	cpu_log_features();
	pic_disable();
	apic_init();
	ioapic_init(bi, apic_id());
	timer_init(TIMER_HZ);
	syscall_init();
}

size_t arch_reserved_mmio(uint64_t *base, uint64_t *size, size_t max)
{
	if (max == 0)
		return 0;
	base[0] = apic_phys(); /* the local APIC's page */
	size[0] = 4096;
	return 1 + ioapic_reserved(base + 1, size + 1, max - 1);
}
