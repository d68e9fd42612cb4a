/*
 * Trap dispatch: exceptions, interrupts and system calls, after the entry
 * code in trap.S has saved the registers.
 *
 * A user-mode exception becomes a fault of the running thread (reported,
 * and the thread stopped: only that thread). A kernel-mode exception is a
 * kernel bug and panics. Interrupts are acknowledged and counted.
 */
#include "arch/x86.h"
#include "caps/irq.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"

_Noreturn void trap_user(struct arch_context *ctx);
void trap_kernel(struct arch_context *ctx);

static const char *const exception_names[32] = {
	[0] = "#DE divide error",
	[1] = "#DB debug",
	[2] = "NMI",
	[3] = "#BP breakpoint",
	[4] = "#OF overflow",
	[5] = "#BR bound range",
	[6] = "#UD invalid opcode",
	[7] = "#NM device not available",
	[8] = "#DF double fault",
	[10] = "#TS invalid TSS",
	[11] = "#NP segment not present",
	[12] = "#SS stack-segment fault",
	[13] = "#GP general protection",
	[14] = "#PF page fault",
	[16] = "#MF x87 floating-point error",
	[17] = "#AC alignment check",
	[18] = "#MC machine check",
	[19] = "#XM SIMD floating-point error",
	[20] = "#VE virtualization exception",
	[21] = "#CP control protection",
	[29] = "#VC VMM communication",
	[30] = "#SX security exception",
};

const char *trap_name(unsigned vector)
{
	if (vector < 32)
		return exception_names[vector] ? exception_names[vector]
					       : "reserved exception";
	if (vector == VEC_TIMER)
		return "timer interrupt";
	if (vector == ARCH_VECTOR_SYSCALL)
		return "syscall";
	return "interrupt";
}

/* Page fault error code: P (protection), W (write), U (user), I (fetch). */
static const char *page_fault_cause(uint64_t err)
{
	if (!(err & 1))
		return err & 0x10 ? "instruction fetch from an unmapped page"
		       : err & 2  ? "write to an unmapped page"
				  : "read of an unmapped page";
	if (!(err & 4))
		return "kernel access to a user page";
	if (err & 0x10)
		return "instruction fetch from a non-executable page";
	if (err & 2)
		return "write to a read-only or kernel page";
	return "read of a kernel page";
}

static void classify(const struct arch_context *ctx, struct fault_info *f)
{
	f->vector = (unsigned)ctx->vector;
	f->ip = ctx->rip;
	f->error = ctx->error;
	f->address = 0;
	f->what = trap_name(f->vector);
	switch (ctx->vector) {
	case 14:
		f->kind = PITH_FAULT_PAGE;
		f->address = read_cr2();
		f->what = page_fault_cause(ctx->error);
		break;
	case 10:
	case 11:
	case 12:
	case 13:
		f->kind = PITH_FAULT_PROTECTION;
		f->what = "general protection fault";
		break;
	case 6:
		f->kind = PITH_FAULT_INVALID_OPCODE;
		f->what = "invalid opcode";
		break;
	case 0:
		f->kind = PITH_FAULT_DIVIDE;
		f->what = "divide error";
		break;
	case 1:
	case 3:
		f->kind = PITH_FAULT_BREAKPOINT;
		break;
	default:
		f->kind = PITH_FAULT_OTHER;
		break;
	}
}

/* Interrupts common to both modes. False if `vector` is not one. */
static bool handle_interrupt(unsigned vector)
{
	if (vector == VEC_TIMER) {
		timer_tick();
		sched_tick();
		apic_eoi();
		return true;
	}
	if (irq_vector_is_device(vector)) {
		irq_handle(vector);
		apic_eoi();
		return true;
	}
	if (vector == VEC_SPURIOUS) /* the APIC wants no EOI for these */
		return true;
	if (vector >= VEC_PIC_BASE && vector < VEC_PIC_BASE + 16) {
		/* The PIC is masked: only its spurious IRQ 7/15 reach here,
		 * and they need no EOI at the PIC that raised them. */
		return true;
	}
	if (vector >= 32) {
		pr_warn("trap: unexpected interrupt vector 0x%x", vector);
		apic_eoi();
		return true;
	}
	return false;
}

void trap_user(struct arch_context *ctx)
{
	struct tcb *t = sched_current;
	struct fault_info f;
	unsigned vector = (unsigned)ctx->vector;

	/* NMI, #DF and #MC use IST stacks: their frames are not in the
	 * thread, and none is the thread's doing. */
	if (vector == 2 || vector == 8 || vector == 18)
		panic_trap(ctx, "%s in user mode", trap_name(vector));
	KASSERT(t && ctx == &t->ctx);
	if (handle_interrupt(vector)) {
		t->interrupts++;
	} else {
		classify(ctx, &f);
		tcb_fault(t, &f);
	}
	sched_exit_to_user();
}

void trap_kernel(struct arch_context *ctx)
{
	unsigned vector = (unsigned)ctx->vector;

	if (handle_interrupt(vector))
		return;
	if (vector == 8 && vm_is_guard_page(read_cr2()))
		panic_trap(ctx,
			   "kernel stack overflow (double fault, "
			   "guard page at 0x%llx)",
			   (unsigned long long)read_cr2());
	if (vector == 14)
		panic_trap(ctx, "%s in the kernel: %s at 0x%llx",
			   trap_name(vector), page_fault_cause(ctx->error),
			   (unsigned long long)read_cr2());
	panic_trap(ctx, "%s in the kernel", trap_name(vector));
}
