/*
 * Program entry. The kernel starts a program at _start with a 16-byte
 * aligned stack and, for the root task, the boot-info page's address in
 * %rdi. pith_start() (sdk/lib/pith.c) runs main and passes its result to
 * pith_exit().
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
