/*
 * Deliberate kernel crashes, for testing the panic paths (in the spirit of
 * Linux's lkdtm): "crash=page_fault" writes through an unmapped kernel
 * pointer; "crash=stack_overflow" recurses into the boot stack's guard page,
 * which must end in a double fault on its own IST stack;
 * "crash=triple_fault" loads an empty IDT and raises an exception, which
 * resets the machine (the test harness must notice). Only test images
 * set crash=; without it this code does nothing.
 */
#include "kernel/crash.h"

#include "kernel/log.h"
#include "lib/cmdline.h"
#include "lib/string.h"

/* volatile: the compiler may not assume what these hold. */
static volatile uint64_t crash_address = 0xdead0000;
static volatile unsigned crash_depth_limit = 1u << 30; /* never reached */

/* Each frame holds 512 bytes and the addition after the call prevents a
 * tail call, so every level takes stack until the guard page is hit. */
static unsigned recurse(unsigned n)
{
	volatile uint8_t frame[512];

	frame[0] = (uint8_t)n;
	if (n >= crash_depth_limit)
		return frame[0];
	return recurse(n + 1) + frame[0];
}

static void triple_fault(void)
{
	static const struct {
		uint16_t limit;
		uint64_t base;
	} __packed empty = {0, 0};

	__asm__ volatile("lidt %0\n\tint3" : : "m"(empty));
}

void crash_if_asked(const char *cmdline)
{
	char what[32];

	if (!cmdline_get(cmdline, "crash", what, sizeof(what)))
		return;
	pr_warn("crash: deliberately crashing the kernel: %s", what);
	if (strcmp(what, "page_fault") == 0)
		*(volatile uint64_t *)(uintptr_t)crash_address = 1;
	else if (strcmp(what, "stack_overflow") == 0)
		recurse(0);
	else if (strcmp(what, "triple_fault") == 0)
		triple_fault();
	else
		pr_warn("crash: unknown crash '%s' (page_fault, "
			"stack_overflow, triple_fault); continuing",
			what);
}
