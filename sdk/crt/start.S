/*
 * Program entry. The kernel starts a program at _start with a 16-byte
 * aligned stack; main's return value becomes the exit status.
 */
	.section .text.start, "ax"
	.globl _start
	.type _start, @function
_start:
	xorl %ebp, %ebp		/* terminates backtraces */
	andq $-16, %rsp
	call main
	movl %eax, %edi
	call pith_exit
	ud2
	.size _start, . - _start
