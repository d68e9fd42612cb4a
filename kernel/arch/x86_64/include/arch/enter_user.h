/*
 * Leaving the kernel for a thread's user mode: arch_return_to_user(), and
 * inline for the IPC fastpath, whose last step it is.
 *
 * Per-thread state beyond the register frame is switched only when the
 * thread changes: the FPU/SSE registers (fxsave/fxrstor) and the user %gs
 * base, which points at the thread's IPC buffer (MSR_KERNEL_GS_BASE holds
 * the user's value while the kernel runs). Then the entry points for user
 * traps move to the thread's context, and the address space changes if it
 * must.
 */
#ifndef ARCH_ENTER_USER_H
#define ARCH_ENTER_USER_H

#include "arch/x86.h"
#include "caps/tcb.h"
#include "kernel/panic.h"
#include "kernel/uaccess.h"

/* RFLAGS bits user code may hold: CF PF AF ZF SF TF DF OF AC ID. */
#define RFLAGS_USER_MASK 0x240dd5ULL

/* trap.S: restore the context and leave. sysret only for frames made by
 * the syscall entry with a canonical user %rip. */
_Noreturn void user_return_iret(struct arch_context *ctx);
_Noreturn void user_return_sysret(struct arch_context *ctx);

static inline void fxsave(struct arch_fpu *f)
{
	__asm__ volatile("fxsave64 %0" : "=m"(*f));
}

static inline void fxrstor(const struct arch_fpu *f)
{
	__asm__ volatile("fxrstor64 %0" : : "m"(*f));
}

static __always_inline _Noreturn void arch_enter_user(struct tcb *t,
						      uint64_t root)
{
	struct arch_context *ctx = &t->ctx;
	uint64_t end = (uint64_t)(uintptr_t)(ctx + 1);

	if (cpu0.fpu_owner != &t->fpu) {
		fxsave(cpu0.fpu_owner);
		fxrstor(&t->fpu);
		cpu0.fpu_owner = &t->fpu;
	}
	if (cpu0.gs_owner != t) {
		wrmsr(MSR_KERNEL_GS_BASE, t->ipc_buffer);
		cpu0.gs_owner = t;
	}
	tss_set_kernel_stack(end);
	cpu0.context_end = end;
	if (read_cr3() != root)
		write_cr3(root);
	/* A frame made by the syscall entry holds the thread's own RFLAGS
	 * (IF set, IOPL 0) and the user selectors, which sysret does not
	 * read, and a %rip just after a syscall instruction, so below
	 * USER_ADDR_LIMIT: sysret to a non-canonical %rip would fault in
	 * ring 0. Whatever changes a context's %rip (WriteRegisters, a
	 * fault's reply) marks it for iret. */
	if (ctx->vector == ARCH_VECTOR_SYSCALL) {
		KASSERT(ctx->rip <= USER_ADDR_LIMIT);
		user_return_sysret(ctx);
	}
	/* Whatever else the context holds, it returns to ring 3 with
	 * interrupts on and no I/O privilege. */
	ctx->cs = SEL_USER_CODE;
	ctx->ss = SEL_USER_DATA;
	ctx->rflags =
		(ctx->rflags & RFLAGS_USER_MASK) | RFLAGS_IF | RFLAGS_RESERVED1;
	user_return_iret(ctx);
}

/* Back to the thread that entered the kernel, when nothing has changed
 * but its registers: same FPU, %gs base, stacks and address space. */
static __always_inline _Noreturn void arch_resume_user(struct tcb *t)
{
	if (t->ctx.vector == ARCH_VECTOR_SYSCALL)
		user_return_sysret(&t->ctx);
	arch_enter_user(t, read_cr3());
}

#endif
