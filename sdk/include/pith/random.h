/*
 * The SDK's pseudo-random numbers: xoshiro256** seeded on first use from
 * the entropy the program was started with, mixed (splitmix64) with the
 * time stamp counter:
 *  - the root task: the boot-info page's 32 bytes of entropy (from the
 *    firmware's EFI_RNG_PROTOCOL; all zero without one, which leaves the
 *    TSC alone to seed it);
 *  - a spawned program: the 32 random bytes of its startinfo page, which
 *    its parent filled (pith_spawn_args.random), typically from its own
 *    pith_random().
 *
 * Good for placement and hashing, not for cryptography. Not thread-safe:
 * one thread of a program draws at a time.
 */
#ifndef PITH_RANDOM_H
#define PITH_RANDOM_H

#include <stdint.h>

/* The next 64 pseudo-random bits. */
uint64_t pith_random(void);

#endif
