/*
 * Entering and leaving user mode: thread contexts, the syscall MSRs, and
 * the choice between sysret (fast, for syscall frames) and iret (any
 * frame).
 */
#include "arch/x86.h"
#include "kernel/arch.h"
#include "kernel/uaccess.h"
#include "lib/string.h"

#define SFMASK_BITS	 0x47700ULL /* TF IF DF IOPL NT AC cleared on syscall */
/* RFLAGS bits user code may hold: CF PF AF ZF SF TF DF OF AC ID. */
#define RFLAGS_USER_MASK 0x240dd5ULL

extern char syscall_entry[];
_Noreturn void user_return_iret(struct arch_context *ctx);
_Noreturn void user_return_sysret(struct arch_context *ctx);

void syscall_init(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* syscall: CS = 0x08, SS = 0x10. sysret: SS = 0x10 + 8, CS = 0x10 +
	 * 16, both with RPL 3 (SEL_USER_DATA, SEL_USER_CODE). */
	wrmsr(MSR_STAR, (uint64_t)(SEL_KERNEL_DATA) << 48 |
				(uint64_t)SEL_KERNEL_CODE << 32);
	wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
	wrmsr(MSR_SFMASK, SFMASK_BITS);
}

void arch_context_init_user(struct arch_context *ctx, uint64_t entry,
			    uint64_t stack_top)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->rip = entry;
	ctx->rsp = stack_top;
	ctx->cs = SEL_USER_CODE;
	ctx->ss = SEL_USER_DATA;
	ctx->rflags = RFLAGS_IF | RFLAGS_RESERVED1;
}

void arch_set_syscall_result(struct arch_context *ctx, uint64_t value)
{
	ctx->rax = value;
}

void arch_enter_user(struct arch_context *ctx, uint64_t root)
{
	uint64_t end = (uint64_t)(uintptr_t)(ctx + 1);

	/* Whatever the context holds, it returns to ring 3 with interrupts
	 * on and no I/O privilege. */
	ctx->cs = SEL_USER_CODE;
	ctx->ss = SEL_USER_DATA;
	ctx->rflags =
		(ctx->rflags & RFLAGS_USER_MASK) | RFLAGS_IF | RFLAGS_RESERVED1;

	tss_set_kernel_stack(end);
	cpu0.context_end = end;
	if (read_cr3() != root)
		write_cr3(root);
	/* sysret to a non-canonical %rip would fault in ring 0. */
	if (ctx->vector == ARCH_VECTOR_SYSCALL && ctx->rip < USER_ADDR_LIMIT)
		user_return_sysret(ctx);
	user_return_iret(ctx);
}
