/*
 * Trap, interrupt and syscall entry and exit. The frame layout is struct
 * arch_context (include/arch/context.h).
 *
 * From user mode the frame is built inside the running thread (TSS.rsp0
 * and cpu_local.context_end point at the end of its context), then the
 * code moves to the kernel stack and never returns the normal way: the
 * kernel leaves through user_return_iret or user_return_sysret. From kernel
 * mode (the idle loop, or a kernel fault) the frame is on the kernel stack
 * and the handler returns.
 */
#include "arch/context.h"

#define CPU_LOCAL_KSTACK 0
#define CPU_LOCAL_CONTEXT_END 8
#define CPU_LOCAL_USER_RSP 16
#define FRAME_CS 144		/* offset of cs once all registers are pushed */
#define SEL_USER_DATA 0x1b
#define SEL_USER_CODE 0x23

	.text

.macro PUSH_GPRS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

.macro POP_GPRS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
.endm

/* User values must not linger in registers the kernel does not use. */
.macro CLEAR_GPRS_BUT_RDI
	xorl %eax, %eax
	xorl %ebx, %ebx
	xorl %ecx, %ecx
	xorl %edx, %edx
	xorl %esi, %esi
	xorl %ebp, %ebp
	xorl %r8d, %r8d
	xorl %r9d, %r9d
	xorl %r10d, %r10d
	xorl %r11d, %r11d
	xorl %r12d, %r12d
	xorl %r13d, %r13d
	xorl %r14d, %r14d
	xorl %r15d, %r15d
.endm

/*
 * The system call entry clears only the registers C code preserves
 * (rbx, rbp, r12-r15): those are the ones a user value could survive in
 * through a whole system call, to meet a mispredicted branch deep in the
 * kernel. The others are dead at the first instruction that writes them,
 * and the arguments are read from the saved context. Six instructions
 * instead of fourteen, on every system call.
 */
.macro CLEAR_PRESERVED_GPRS
	xorl %ebx, %ebx
	xorl %ebp, %ebp
	xorl %r12d, %r12d
	xorl %r13d, %r13d
	xorl %r14d, %r14d
	xorl %r15d, %r15d
.endm

/*
 * 256 stubs of 16 bytes each: stub n is at trap_stubs + 16 * n. Vectors
 * that push a CPU error code skip the dummy one.
 */
	.balign 16
	.globl trap_stubs
trap_stubs:
	.set vec, 0
	.rept 256
	.balign 16
	.if vec == 8 || vec == 10 || vec == 11 || vec == 12 || vec == 13 || vec == 14 || vec == 17 || vec == 21 || vec == 29 || vec == 30
	.else
	pushq $0
	.endif
	pushq $vec
	jmp trap_common
	.set vec, vec + 1
	.endr
	.balign 16
	.globl trap_stubs_end
trap_stubs_end:

trap_common:
	testb $3, 24(%rsp)	/* cs, above vector, error and rip */
	jz 1f
	swapgs
1:	PUSH_GPRS
	movq %rsp, %rdi
	testb $3, FRAME_CS(%rsp)
	jz from_kernel
	/* From user: onto the kernel stack (the frame stays in the thread,
	 * nothing may be pushed below it), then RFLAGS to a clean state (AC
	 * off, so SMAP holds; DF off). */
	movq %gs:CPU_LOCAL_KSTACK, %rsp
	pushq $2
	popfq
	CLEAR_GPRS_BUT_RDI
	call trap_user		/* does not return */
	ud2
from_kernel:
	cld
	call trap_kernel
	POP_GPRS
	addq $16, %rsp		/* vector and error code */
	iretq

/*
 * syscall: %rcx holds the user %rip, %r11 the user RFLAGS; SFMASK has
 * cleared IF, TF, DF, AC and the rest. Build the same frame as a trap.
 */
	.globl syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:CPU_LOCAL_USER_RSP
	movq %gs:CPU_LOCAL_CONTEXT_END, %rsp
	pushq $SEL_USER_DATA
	pushq %gs:CPU_LOCAL_USER_RSP
	pushq %r11
	pushq $SEL_USER_CODE
	pushq %rcx
	pushq $0
	pushq $ARCH_VECTOR_SYSCALL
	PUSH_GPRS
	movq %rsp, %rdi
	CLEAR_PRESERVED_GPRS
	movq %gs:CPU_LOCAL_KSTACK, %rsp
	/* %rdi: the context, which is the start of the running thread's
	 * TCB: syscall_dispatch(struct tcb *). */
	call syscall_dispatch	/* does not return */
	ud2

/* void user_return_iret(struct arch_context *ctx): any frame. */
	.globl user_return_iret
user_return_iret:
	movq %rdi, %rsp
	POP_GPRS
	addq $16, %rsp
	swapgs
	iretq

/*
 * void user_return_sysret(struct arch_context *ctx): only for frames made
 * by syscall_entry, with a canonical user %rip (the caller checks: sysret
 * to a non-canonical address faults in ring 0 on Intel CPUs). %rcx and
 * %r11 are lost, as the syscall ABI allows.
 */
	.globl user_return_sysret
user_return_sysret:
	movq %rdi, %rsp
	POP_GPRS
	movq 16(%rsp), %rcx	/* rip */
	movq 32(%rsp), %r11	/* rflags */
	movq 40(%rsp), %rsp	/* user stack */
	swapgs
	sysretq
