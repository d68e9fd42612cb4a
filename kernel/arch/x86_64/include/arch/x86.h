/*
 * x86-64 instructions, MSRs and control-register bits used by the port.
 * Private to kernel/arch/x86_64.
 */
#ifndef ARCH_X86_H
#define ARCH_X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/boot_info.h"
#include "kernel/compiler.h"

#define MSR_EFER	   0xc0000080
#define MSR_STAR	   0xc0000081
#define MSR_LSTAR	   0xc0000082
#define MSR_SFMASK	   0xc0000084
#define MSR_FS_BASE	   0xc0000100
#define MSR_GS_BASE	   0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_APIC_BASE	   0x1b

#define EFER_SCE (1ULL << 0)
#define EFER_NXE (1ULL << 11)

#define CR0_MP	       (1ULL << 1)
#define CR0_EM	       (1ULL << 2)
#define CR0_TS	       (1ULL << 3)
#define CR0_WP	       (1ULL << 16)
#define CR4_PGE	       (1ULL << 7)
#define CR4_OSFXSR     (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define CR4_UMIP       (1ULL << 11)
#define CR4_LA57       (1ULL << 12)
#define CR4_SMEP       (1ULL << 20)
#define CR4_SMAP       (1ULL << 21)

#define RFLAGS_RESERVED1 (1ULL << 1)
#define RFLAGS_IF	 (1ULL << 9)

/* Segment selectors (gdt.c). User data precedes user code: sysret
 * derives both from STAR[63:48]. */
#define SEL_KERNEL_CODE 0x08
#define SEL_KERNEL_DATA 0x10
#define SEL_USER_DATA	(0x18 | 3)
#define SEL_USER_CODE	(0x20 | 3)
#define SEL_TSS		0x28

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)v),
			   "d"((uint32_t)(v >> 32)));
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

#define DEFINE_CR(n)                                                           \
	static inline uint64_t read_cr##n(void)                                \
	{                                                                      \
		uint64_t v;                                                    \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));              \
		return v;                                                      \
	}                                                                      \
	static inline void write_cr##n(uint64_t v)                             \
	{                                                                      \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");     \
	}
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline void invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause");
}

/* CPU features the port uses (cpu.c). */
struct cpu_features {
	bool nx, smep, smap, umip, pge, gbpages, apic, x2apic, tsc_invariant;
	char vendor[13];
	char hypervisor[13]; /* "" on bare metal */
};

extern struct cpu_features cpu_features;

/*
 * Per-CPU data, reached through %gs in the kernel (swapgs on every entry
 * from and exit to user mode). The entry code uses the offsets below.
 */
struct cpu_local {
	uint64_t kernel_stack_top; /* kernel stack for entries from user */
	uint64_t context_end;	   /* end of the running thread's context */
	uint64_t user_rsp;	   /* scratch for the syscall entry */
	struct cpu_local *self;
	struct arch_fpu *fpu_owner; /* where the FPU's state belongs */
	struct tcb *gs_owner;	    /* whose %gs base is loaded */
};

#define CPU_LOCAL_KSTACK      0
#define CPU_LOCAL_CONTEXT_END 8
#define CPU_LOCAL_USER_RSP    16

extern struct cpu_local cpu0;

/* Kernel image layout (kernel.ld). */
extern char __kernel_start[], __kernel_end[];
extern char __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];
extern char __stack_guard[], __boot_stack_top[];
extern char __ist_df_guard[], __ist_df_top[];
extern char __ist_nmi_guard[], __ist_nmi_top[];
extern char __ist_mc_guard[], __ist_mc_top[];

/* Port-internal interfaces. */
void serial_init(void);
void gdt_init(void);

/* The task state segment (gdt.c): where traps from user mode find their
 * stack (rsp0, the running thread's context) and the IST stacks. */
struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;

_Static_assert(sizeof(struct tss) == 104, "TSS layout");

extern struct tss tss;

static inline void tss_set_kernel_stack(uint64_t rsp0)
{
	tss.rsp[0] = rsp0;
}
void idt_init(void);
bool idt_stubs_ok(void);
const char *trap_name(unsigned vector);
void cpu_init(void);
void cpu_log_features(void);
void pic_disable(void);
void apic_init(void);
uint64_t apic_phys(void);
uint32_t apic_id(void);
void ioapic_init(const struct boot_info *bi, uint32_t bsp_id);
size_t ioapic_reserved(uint64_t *base, uint64_t *size, size_t max);
void apic_eoi(void);
uint32_t apic_read(unsigned reg);
void apic_write(unsigned reg, uint32_t v);
void timer_init(unsigned hz);
void timer_tick(void);
void syscall_init(void);
bool vm_is_guard_page(uint64_t va);

/* Vectors. */
#define VEC_PIC_BASE 0x20 /* legacy PIC, remapped and masked */
#define VEC_TIMER    0x30
#define VEC_SPURIOUS 0xff

#endif
