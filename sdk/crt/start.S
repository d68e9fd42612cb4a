/*
 * Program entry. A program starts at _start with a 16-byte aligned stack
 * and, in %rdi, the address of its boot-info page (the root task, started
 * by the kernel) or of its startinfo page (a program spawned by another,
 * sdk/lib/process.c). pith_start() (sdk/lib/pith.c) tells them apart,
 * runs main and passes its result to pith_exit().
 */
	.section .text.start, "ax"
	.globl _start
	.type _start, @function
_start:
	xorl %ebp, %ebp		/* terminates backtraces */
	andq $-16, %rsp
	call pith_start
	ud2
	.size _start, . - _start
