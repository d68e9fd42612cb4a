/*
 * The system call ABI: numbers and register convention.
 *
 * `syscall` with the number in %rax and arguments in %rdi, %rsi, %rdx,
 * %r10, %r8, %r9; the result (enum pith_error) comes back in %rax. %rcx and
 * %r11 are clobbered by the instruction itself; every other register is
 * preserved.
 *
 * These two calls are the temporary bring-up interface; capability
 * invocations replace them.
 */
#ifndef PITH_SYSCALL_ABI_H
#define PITH_SYSCALL_ABI_H

#define PITH_SYS_DEBUG_PUTS 0 /* (const char *s, size_t len): to console */
#define PITH_SYS_EXIT	    1 /* (int status): end the calling thread */
#define PITH_SYS_COUNT	    2

#define PITH_DEBUG_PUTS_MAX 4096 /* bytes per PITH_SYS_DEBUG_PUTS */

#endif
