/*
 * The kernel's first instructions. The loader jumps here with interrupts
 * off, on its own page tables (identity map, direct map, kernel image) and
 * its own stack, with the physical address of struct boot_info in %rdi.
 */
	.section .text.entry, "ax"
	.globl kernel_entry
	.type kernel_entry, @function
kernel_entry:
	cli
	cld
	leaq __boot_stack_top(%rip), %rsp
	xorl %ebp, %ebp		/* terminates backtraces */
	call kmain		/* %rdi: boot_info physical address */
1:	hlt
	jmp 1b
	.size kernel_entry, . - kernel_entry
