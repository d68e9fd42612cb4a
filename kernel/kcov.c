/*
 * Kernel coverage (see include/kernel/kcov.h), for the kernel-kcov build.
 * This file itself is not instrumented.
 */
#include "kernel/kcov.h"

#include "kernel/log.h"

/* One byte per edge, in whole pages: the root task maps them. */
#define KCOV_MAX_EDGES (64u << 10)

static uint8_t map[KCOV_MAX_EDGES] __attribute__((aligned(4096)));
static uint64_t edges;

/* The guards of every instrumented edge, one 32-bit word each, which the
 * linker collects in the section __sancov_guards (kernel.ld). */
extern uint32_t __start___sancov_guards[], __stop___sancov_guards[];

void kcov_init(void)
{
	/* Linker symbols: addresses, not one object to subtract within. */
	uint64_t n = ((uintptr_t)__stop___sancov_guards -
		      (uintptr_t)__start___sancov_guards) /
		     sizeof(uint32_t);

	if (n > KCOV_MAX_EDGES) {
		pr_warn("kcov: %llu edges, only the first %u counted",
			(unsigned long long)n, KCOV_MAX_EDGES);
		n = KCOV_MAX_EDGES;
	}
	/* A guard holds its edge's number + 1; 0 (the rest) is not counted. */
	for (uint64_t i = 0; i < n; i++)
		__start___sancov_guards[i] = (uint32_t)(i + 1);
	edges = n;
	pr_info("kcov: coverage of %llu edges", (unsigned long long)n);
}

uint64_t kcov_map(const uint8_t **m)
{
	*m = map;
	return edges;
}

/* Called on every instrumented edge: with interrupts off, as all of the
 * kernel runs, so a plain store is enough. */
void __sanitizer_cov_trace_pc_guard(uint32_t *guard);
void __sanitizer_cov_trace_pc_guard(uint32_t *guard)
{
	uint32_t g = *guard;

	if (g)
		map[g - 1] = 1;
}

/* The compiler's module constructors call this; the kernel runs no
 * constructors and numbers the guards in kcov_init() instead. */
void __sanitizer_cov_trace_pc_guard_init(uint32_t *start, uint32_t *stop);
void __sanitizer_cov_trace_pc_guard_init(uint32_t *start, uint32_t *stop)
{
	(void)start;
	(void)stop;
}
