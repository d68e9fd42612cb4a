/*
 * panic() is for broken kernel invariants only: user input never panics the
 * kernel (it gets an error code, or the thread faults).
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include "kernel/compiler.h"

struct arch_context;

/* Print "PANIC: <message>", a register dump and a backtrace, then stop. */
_Noreturn void panic(const char *fmt, ...) __printf(1, 2);

/* As panic(), with the registers of the trap that caused it. */
_Noreturn void panic_trap(const struct arch_context *ctx, const char *fmt, ...)
	__printf(2, 3);

/* KASSERT checks an invariant in debug builds; release builds drop it. */
#define KASSERT(cond)                                                          \
	do {                                                                   \
		if (PITH_DEBUG_ENABLED && unlikely(!(cond)))                   \
			panic("assertion failed: %s at %s:%d", #cond,          \
			      __FILE__, __LINE__);                             \
	} while (0)

#endif
