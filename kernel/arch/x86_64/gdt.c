/*
 * The GDT (flat 64-bit segments for ring 0 and ring 3) and the TSS, whose
 * rsp0 receives user traps and whose IST stacks catch double faults, NMIs
 * and machine checks on known-good stacks.
 */
#include "arch/x86.h"
#include "kernel/compiler.h"

struct tss tss;
static uint64_t gdt[7] __aligned(16);

struct descriptor_pointer {
	uint16_t limit;
	uint64_t base;
} __packed;

static uint64_t tss_descriptor_low(uint64_t base, uint32_t limit)
{
	return (limit & 0xffffULL) | (base & 0xffffffULL) << 16 |
	       0x89ULL << 40 | /* present, 64-bit TSS (available) */
	       ((uint64_t)(limit >> 16) & 0xf) << 48 |
	       ((base >> 24) & 0xff) << 56;
}

void gdt_init(void)
{
	struct descriptor_pointer p = {sizeof(gdt) - 1,
				       (uint64_t)(uintptr_t)gdt};
	uint64_t base = (uint64_t)(uintptr_t)&tss;

	gdt[0] = 0;
	gdt[SEL_KERNEL_CODE / 8] = 0x00af9a000000ffffULL; /* L, DPL 0, code */
	gdt[SEL_KERNEL_DATA / 8] = 0x00cf92000000ffffULL; /* DPL 0, data */
	gdt[SEL_USER_DATA / 8] = 0x00cff2000000ffffULL;	  /* DPL 3, data */
	gdt[SEL_USER_CODE / 8] = 0x00affa000000ffffULL;	  /* L, DPL 3, code */
	gdt[SEL_TSS / 8] = tss_descriptor_low(base, sizeof(tss) - 1);
	gdt[SEL_TSS / 8 + 1] = base >> 32;

	tss.ist[0] = (uint64_t)(uintptr_t)__ist_df_top;
	tss.ist[1] = (uint64_t)(uintptr_t)__ist_nmi_top;
	tss.ist[2] = (uint64_t)(uintptr_t)__ist_mc_top;
	tss.rsp[0] = (uint64_t)(uintptr_t)__boot_stack_top;
	tss.iomap_base = sizeof(tss); /* no I/O bitmap: ring 3 has no ports */

	/* Reload every segment register; a far return reloads %cs. %fs and
	 * %gs get the null selector (which clears their bases: cpu_init()
	 * sets %gs's afterwards). */
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %w2, %%ax\n\t"
			 "movw %%ax, %%ds\n\t"
			 "movw %%ax, %%es\n\t"
			 "movw %%ax, %%ss\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "movw %%ax, %%fs\n\t"
			 "movw %%ax, %%gs\n\t"
			 "ltr %w3"
			 :
			 : "m"(p), "i"(SEL_KERNEL_CODE), "r"(SEL_KERNEL_DATA),
			   "r"(SEL_TSS)
			 : "rax", "memory");
}
