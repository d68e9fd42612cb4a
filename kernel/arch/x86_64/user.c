/*
 * Entering and leaving user mode: thread contexts, the syscall MSRs, and
 * the choice between sysret (fast, for syscall frames) and iret (any
 * frame).
 *
 * Per-thread state beyond the register frame is switched only when the
 * thread changes: the FPU/SSE registers (fxsave/fxrstor) and the user %gs
 * base, which points at the thread's IPC buffer (MSR_KERNEL_GS_BASE holds
 * the user's value while the kernel runs).
 */
#include "arch/enter_user.h"
#include "arch/x86.h"
#include "caps/tcb.h"
#include "kernel/arch.h"
#include "kernel/uaccess.h"
#include "lib/string.h"

#define SFMASK_BITS 0x47700ULL /* TF IF DF IOPL NT AC cleared on syscall */

extern char syscall_entry[];

static struct arch_fpu fpu_initial; /* a clean FPU state, from boot */
static struct arch_fpu fpu_nobody;  /* the FPU's state when no thread owns
				       it: saved there, never used */

void syscall_init(void)
{
	uint32_t mxcsr = 0x1f80; /* all SIMD exceptions masked */

	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* syscall: CS = 0x08, SS = 0x10. sysret: SS = 0x10 + 8, CS = 0x10 +
	 * 16, both with RPL 3 (SEL_USER_DATA, SEL_USER_CODE). */
	wrmsr(MSR_STAR, (uint64_t)(SEL_KERNEL_DATA) << 48 |
				(uint64_t)SEL_KERNEL_CODE << 32);
	wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
	wrmsr(MSR_SFMASK, SFMASK_BITS);
	__asm__ volatile("fninit\n\tldmxcsr %0" : : "m"(mxcsr));
	fxsave(&fpu_initial);
	cpu0.fpu_owner = &fpu_nobody;
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

void arch_tcb_init(struct tcb *t)
{
	arch_context_init_user(&t->ctx, 0, 0);
	t->fpu = fpu_initial;
}

void arch_tcb_forget(struct tcb *t)
{
	if (cpu0.fpu_owner == &t->fpu)
		cpu0.fpu_owner = &fpu_nobody;
	if (cpu0.gs_owner == t)
		cpu0.gs_owner = NULL;
}

void arch_tcb_set_ipc_buffer(struct tcb *t, uint64_t vaddr)
{
	(void)vaddr; /* t->ipc_buffer, loaded on the next entry */
	if (cpu0.gs_owner == t)
		cpu0.gs_owner = NULL; /* reload on the next entry */
}

/* ABI order: rip, rsp, rflags, rax, rbx, rcx, rdx, rsi, rdi, rbp, r8-r15 */
static uint64_t *reg_slot(struct arch_context *c, unsigned i)
{
	uint64_t *const order[ARCH_REGISTERS] = {
		&c->rip, &c->rsp, &c->rflags, &c->rax, &c->rbx, &c->rcx,
		&c->rdx, &c->rsi, &c->rdi,    &c->rbp, &c->r8,	&c->r9,
		&c->r10, &c->r11, &c->r12,    &c->r13, &c->r14, &c->r15,
	};

	return order[i];
}

void arch_tcb_get_registers(const struct tcb *t, uint64_t *regs, unsigned n)
{
	struct arch_context *c = (struct arch_context *)&t->ctx;

	for (unsigned i = 0; i < n && i < ARCH_REGISTERS; i++)
		regs[i] = *reg_slot(c, i);
}

bool arch_tcb_set_registers(struct tcb *t, const uint64_t *regs, unsigned n)
{
	if (n > ARCH_REGISTERS || (n > 0 && regs[0] >= USER_ADDR_LIMIT) ||
	    (n > 1 && regs[1] > USER_ADDR_LIMIT))
		return false;
	for (unsigned i = 0; i < n; i++)
		*reg_slot(&t->ctx, i) = regs[i];
	/* Every register written must arrive: sysret would lose rcx, r11. */
	t->ctx.vector = 0;
	return true;
}

void arch_return_to_user(struct tcb *t, uint64_t root)
{
	arch_enter_user(t, root);
}
