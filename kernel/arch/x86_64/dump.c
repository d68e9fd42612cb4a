/*
 * Register dump and backtrace for panics. Addresses in the backtrace can
 * be resolved with: llvm-addr2line -f -e build/kernel.elf <address>...
 */
#include "arch/x86.h"
#include "kernel/arch.h"
#include "kernel/log.h"

#define BACKTRACE_MAX 16

static bool in_kernel_image(uint64_t a)
{
	return a >= (uint64_t)(uintptr_t)__kernel_start &&
	       a < (uint64_t)(uintptr_t)__kernel_end;
}

static void backtrace(uint64_t rbp, uint64_t rip)
{
	kprintf("  backtrace: 0x%llx", (unsigned long long)rip);
	for (int i = 0; i < BACKTRACE_MAX && rbp; i++) {
		const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;

		/* Frames live on the kernel's stacks, inside its image. */
		if (rbp % 8 || !in_kernel_image(rbp) ||
		    !in_kernel_image(rbp + 16))
			break;
		if (!frame[1])
			break;
		kprintf(" 0x%llx", (unsigned long long)frame[1]);
		rbp = frame[0];
	}
	kprintf("\n");
}

void arch_dump_state(const struct arch_context *c)
{
	if (c) {
		kprintf("  vector %llu (%s), error code 0x%llx\n",
			(unsigned long long)c->vector,
			trap_name((unsigned)c->vector),
			(unsigned long long)c->error);
		kprintf("  rip %016llx  cs %04llx  rflags %08llx\n",
			(unsigned long long)c->rip, (unsigned long long)c->cs,
			(unsigned long long)c->rflags);
		kprintf("  rsp %016llx  ss %04llx\n",
			(unsigned long long)c->rsp, (unsigned long long)c->ss);
		kprintf("  rax %016llx  rbx %016llx  rcx %016llx\n",
			(unsigned long long)c->rax, (unsigned long long)c->rbx,
			(unsigned long long)c->rcx);
		kprintf("  rdx %016llx  rsi %016llx  rdi %016llx\n",
			(unsigned long long)c->rdx, (unsigned long long)c->rsi,
			(unsigned long long)c->rdi);
		kprintf("  rbp %016llx  r8  %016llx  r9  %016llx\n",
			(unsigned long long)c->rbp, (unsigned long long)c->r8,
			(unsigned long long)c->r9);
		kprintf("  r10 %016llx  r11 %016llx  r12 %016llx\n",
			(unsigned long long)c->r10, (unsigned long long)c->r11,
			(unsigned long long)c->r12);
		kprintf("  r13 %016llx  r14 %016llx  r15 %016llx\n",
			(unsigned long long)c->r13, (unsigned long long)c->r14,
			(unsigned long long)c->r15);
	}
	kprintf("  cr0 %016llx  cr2 %016llx\n  cr3 %016llx  cr4 %016llx\n",
		(unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
		(unsigned long long)read_cr3(), (unsigned long long)read_cr4());
	if (c && (c->cs & 3) == 0) {
		backtrace(c->rbp, c->rip);
	} else if (!c) {
		uint64_t rbp = (uint64_t)(uintptr_t)__builtin_frame_address(0);

		backtrace(rbp,
			  (uint64_t)(uintptr_t)__builtin_return_address(0));
	}
}
