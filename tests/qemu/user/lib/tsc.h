/*
 * The time-stamp counter, for the in-QEMU test programs (ktest, bench,
 * fuzz): read with rdtsc; pith_bootinfo->tsc_khz gives its rate.
 */
#ifndef TESTS_USER_TSC_H
#define TESTS_USER_TSC_H

#include <stdint.h>

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

#endif
