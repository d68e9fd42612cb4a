/*
 * Program entry. A program starts at _start with a 16-byte aligned stack
 * and, in %rdi, the address of its boot-info page (the root task, started
 * by the kernel) or of its startinfo page (a program spawned by another,
 * sdk/lib/process.c). pith_start() (sdk/lib/pith.c) tells them apart,
 * runs main(argc, argv) and passes its result to pith_exit().
 *
 * A position-independent program starts relocated: its loader applied
 * its relocations as it copied it in, so there is nothing to do here, and
 * this code (like all of it) runs at any address.
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
