/*
 * Instructions that fault, for the fault-message tests (ipc_fault.c). Each
 * probe is a function (System V ABI) that uses no stack of its own, so a
 * handler may resume the thread in another function in its place: the
 * return address is on top of the stack at the fault. The labels mark the
 * faulting instruction (*_insn) and the one after it (*_next), whose
 * addresses the fault messages must carry.
 */
	.text

	.macro probe name
	.globl \name
	.type \name, @function
\name:
	.endm

	.macro mark name
	.globl \name
\name:
	.endm

/* uint64_t ipc_probe_load(uint64_t va): *va */
probe ipc_probe_load
mark ipc_probe_load_insn
	movq (%rdi), %rax
	ret
	.size ipc_probe_load, . - ipc_probe_load

/* void ipc_probe_store(uint64_t va, uint64_t value): *va = value, stored
 * from %rax, so that a change to %rax while the fault is handled shows. */
probe ipc_probe_store
	movq %rsi, %rax
mark ipc_probe_store_insn
	movq %rax, (%rdi)
	ret
	.size ipc_probe_store, . - ipc_probe_store

/* uint64_t ipc_probe_call(uint64_t va): jump to va (an instruction fetch
 * that faults; a handler sends the thread on elsewhere). */
probe ipc_probe_call
	jmp *%rdi
	.size ipc_probe_call, . - ipc_probe_call

/* uint64_t ipc_probe_ud2(void): 1 if resumed past the ud2 */
probe ipc_probe_ud2
	xorl %eax, %eax
mark ipc_probe_ud2_insn
	ud2
mark ipc_probe_ud2_next
	movl $1, %eax
	ret
	.size ipc_probe_ud2, . - ipc_probe_ud2

/* uint64_t ipc_probe_divide(void): 1 / 0; 2 if resumed past it */
probe ipc_probe_divide
	movl $1, %eax
	xorl %edx, %edx
	xorl %ecx, %ecx
mark ipc_probe_divide_insn
	divq %rcx
mark ipc_probe_divide_next
	movl $2, %eax
	ret
	.size ipc_probe_divide, . - ipc_probe_divide

/* uint64_t ipc_probe_int3(void): 3 once resumed (int3 is a trap: the
 * thread's rip is already past it) */
probe ipc_probe_int3
	xorl %eax, %eax
mark ipc_probe_int3_insn
	int3
mark ipc_probe_int3_next
	movl $3, %eax
	ret
	.size ipc_probe_int3, . - ipc_probe_int3

/* uint64_t ipc_probe_hlt(void): hlt is privileged; 4 if resumed past it */
probe ipc_probe_hlt
	xorl %eax, %eax
mark ipc_probe_hlt_insn
	hlt
mark ipc_probe_hlt_next
	movl $4, %eax
	ret
	.size ipc_probe_hlt, . - ipc_probe_hlt

/* uint64_t ipc_probe_noncanonical(void): a load from a non-canonical
 * address; 5 if resumed past it */
probe ipc_probe_noncanonical
	movabsq $0x0000800000000000, %rdx
mark ipc_probe_noncanonical_insn
	movq (%rdx), %rax
mark ipc_probe_noncanonical_next
	movl $5, %eax
	ret
	.size ipc_probe_noncanonical, . - ipc_probe_noncanonical

/* uint64_t ipc_probe_syscall(uint64_t nr): system call nr; its %rax */
probe ipc_probe_syscall
	movq %rdi, %rax
mark ipc_probe_syscall_insn
	syscall
mark ipc_probe_syscall_next
	ret
	.size ipc_probe_syscall, . - ipc_probe_syscall
