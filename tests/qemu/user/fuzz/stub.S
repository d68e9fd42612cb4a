/*
 * What a worker thread runs (fuzz.h, exec.c): one system call, then a
 * signal to the root task, then a wait that never ends. The root task
 * starts a worker with TCB.WriteRegisters: %rax, %rdi, %rsi, %rdx, %r10,
 * %r8 and %r9 hold the system call, %rbx the capability that signals
 * "done" and %rbp one to wait on for good. The worker keeps the call's
 * results in registers the second and third system calls leave alone
 * (%r12 the error, %r13 the badge, %r14 the message info, %r15 word 0,
 * %rsp word 1), where TCB.ReadRegisters finds them.
 *
 * The code uses no memory, no stack and only relative jumps, so that the
 * same bytes run in the fuzzer's address space and, copied into a frame,
 * in the second one. The other entry points are instructions that fault,
 * for threads that must fault; a handler that resumes one goes on to the
 * signal. A thread sent anywhere else after the wait comes back stops at
 * the ud2, rather than spinning.
 *
 * The system call numbers are those of pith/abi.h (exec.c checks them).
 */
	.text
	.p2align 4

	.macro entry name
	.globl \name
	.type \name, @function
\name:
	.endm

entry fuzz_stub_start
entry fuzz_stub_call
	syscall
fuzz_stub_done:
	movq %rax, %r12
	movq %rdi, %r13
	movq %rsi, %r14
	movq %rdx, %r15
	movq %r10, %rsp
	movl $2, %eax		/* PITH_SYS_SEND: signal the root task */
	movq %rbx, %rdi
	xorl %esi, %esi
	syscall
fuzz_stub_park:
	movl $4, %eax		/* PITH_SYS_RECV: wait for good */
	movq %rbp, %rdi
	xorl %esi, %esi
	syscall
	ud2

/* A loop of a few million instructions: long enough for timer ticks to
 * find the thread running. Its count is fixed here, so that no thread
 * sent here spins for good. */
entry fuzz_stub_spin
	movl $0x100000, %ecx
1:	decl %ecx
	jnz 1b
	jmp fuzz_stub_done

/* Faults: an undefined instruction, a breakpoint (a trap: the thread is
 * already past it), a privileged instruction, a load and a store at the
 * address in %rdx, and a division by zero. */
entry fuzz_stub_ud2
	ud2
	jmp fuzz_stub_done
entry fuzz_stub_int3
	int3
	jmp fuzz_stub_done
entry fuzz_stub_hlt
	hlt
	jmp fuzz_stub_done
entry fuzz_stub_load
	movq (%rdx), %rax
	jmp fuzz_stub_done
entry fuzz_stub_store
	movq %rax, (%rdx)
	jmp fuzz_stub_done
entry fuzz_stub_divide
	xorl %ecx, %ecx
	xorl %edx, %edx
	divq %rcx
	jmp fuzz_stub_done
entry fuzz_stub_end
	.size fuzz_stub_start, . - fuzz_stub_start
