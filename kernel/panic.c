/*
 * panic(): the end of the line for a broken kernel invariant.
 */
#include "kernel/panic.h"

#include <stdarg.h>

#include "kernel/arch.h"
#include "kernel/log.h"
#include "kernel/shutdown.h"

static bool panicking;

static _Noreturn void vpanic(const struct arch_context *ctx, const char *fmt,
			     va_list ap)
{
	if (panicking) { /* a fault while panicking: say so, then stop */
		kprintf("PANIC: recursive panic\n");
		shutdown_machine(SHUTDOWN_PANIC);
	}
	panicking = true;
	kprintf("\nPANIC: ");
	kvprintf(fmt, ap);
	kprintf("\n");
	arch_dump_state(ctx);
	shutdown_machine(SHUTDOWN_PANIC);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic(NULL, fmt, ap);
	va_end(ap); /* not reached; pairs va_start() for the checkers */
}

void panic_trap(const struct arch_context *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic(ctx, fmt, ap);
	va_end(ap); /* not reached */
}
