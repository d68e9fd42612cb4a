/*
 * CPU identification and the control-register set-up every later step
 * relies on: NX, write protection in ring 0, SMEP, SMAP, UMIP, global pages
 * and SSE for user code.
 */
#include "arch/x86.h"
#include "kernel/arch.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "lib/string.h"

struct cpu_features cpu_features;
struct cpu_local cpu0;

static void copy_regs_string(char *dst, const uint32_t *regs, size_t n)
{
	memcpy(dst, regs, 4 * n);
	dst[4 * n] = '\0';
}

static void identify(void)
{
	struct cpu_features *f = &cpu_features;
	uint32_t r[4], max, max_ext;

	cpuid(0, 0, r);
	max = r[0];
	{
		uint32_t v[3] = {r[1], r[3], r[2]}; /* ebx, edx, ecx */

		copy_regs_string(f->vendor, v, 3);
	}
	cpuid(1, 0, r);
	f->apic = r[3] & (1u << 9);
	f->pge = r[3] & (1u << 13);
	f->x2apic = r[2] & (1u << 21);
	if (r[2] & (1u << 31)) { /* running under a hypervisor */
		uint32_t h[4], v[3];

		cpuid(0x40000000, 0, h);
		v[0] = h[1];
		v[1] = h[2];
		v[2] = h[3];
		copy_regs_string(f->hypervisor, v, 3);
	}
	if (max >= 7) {
		cpuid(7, 0, r);
		f->smep = r[1] & (1u << 7);
		f->smap = r[1] & (1u << 20);
		f->umip = r[2] & (1u << 2);
	}
	cpuid(0x80000000, 0, r);
	max_ext = r[0];
	if (max_ext >= 0x80000001) {
		cpuid(0x80000001, 0, r);
		f->nx = r[3] & (1u << 20);
		f->gbpages = r[3] & (1u << 26);
	}
	if (max_ext >= 0x80000007) {
		cpuid(0x80000007, 0, r);
		f->tsc_invariant = r[3] & (1u << 8);
	}
}

static void enable_features(void)
{
	const struct cpu_features *f = &cpu_features;
	uint64_t cr0 = read_cr0(), cr4 = read_cr4();

	if (!f->nx)
		panic("cpu: no NX (execute-disable) support; Pith needs it "
		      "for W^X");
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);

	/* Ring 0 honours read-only pages; SSE on for user code (the kernel
	 * itself is built without SSE). */
	cr0 |= CR0_WP | CR0_MP;
	cr0 &= ~(CR0_EM | CR0_TS);
	write_cr0(cr0);

	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (f->pge)
		cr4 |= CR4_PGE;
	if (f->smep)
		cr4 |= CR4_SMEP; /* never execute user pages in ring 0 */
	if (f->smap)
		cr4 |= CR4_SMAP; /* never touch user pages in ring 0 */
	if (f->umip)
		cr4 |= CR4_UMIP; /* no sgdt/sidt/str in user mode */
	write_cr4(cr4);
}

void cpu_init(void)
{
	identify();
	enable_features();

	/* %gs reaches cpu0 in the kernel; user mode starts with base 0. */
	cpu0.self = &cpu0;
	cpu0.kernel_stack_top = (uint64_t)(uintptr_t)__boot_stack_top;
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)&cpu0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void cpu_log_features(void)
{
	const struct cpu_features *f = &cpu_features;

	pr_info("cpu: %s%s%s; nx smep=%d smap=%d umip=%d pge=%d 1g=%d "
		"x2apic=%d",
		f->vendor, f->hypervisor[0] ? " under " : "", f->hypervisor,
		f->smep, f->smap, f->umip, f->pge, f->gbpages, f->x2apic);
}

void arch_idle(void)
{
	/* sti's one-instruction shadow makes "sti; hlt" atomic: no
	 * interrupt can slip in between and be missed. */
	__asm__ volatile("sti\n\thlt\n\tcli" ::: "memory");
}

void arch_halt(void)
{
	for (;;)
		__asm__ volatile("cli\n\thlt");
}

void arch_debug_exit(unsigned status)
{
	outb(0xf4, (uint8_t)status);
}

uint32_t arch_port_in(uint16_t port, unsigned width)
{
	uint32_t v;

	if (width == 1)
		return inb(port);
	if (width == 2) {
		uint16_t w;

		__asm__ volatile("inw %1, %0" : "=a"(w) : "Nd"(port));
		return w;
	}
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

void arch_port_out(uint16_t port, unsigned width, uint32_t value)
{
	if (width == 1)
		outb(port, (uint8_t)value);
	else if (width == 2)
		__asm__ volatile("outw %0, %1"
				 :
				 : "a"((uint16_t)value), "Nd"(port));
	else
		__asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}

unsigned arch_phys_bits(void)
{
	uint32_t r[4];

	cpuid(0x80000000, 0, r);
	if (r[0] < 0x80000008)
		return 36;
	cpuid(0x80000008, 0, r);
	return r[0] & 0xff;
}
