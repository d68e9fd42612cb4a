/*
 * Pseudo-random numbers (pith/random.h): xoshiro256** (Blackman and
 * Vigna), its state filled by splitmix64 from the start-up entropy and
 * the TSC.
 */
#include "pith/random.h"

#include "lib/string.h"
#include "pith/pith.h"

static uint64_t state[4];
static int seeded;

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* Each word of the state from one word of entropy and the counter run
 * through splitmix64, so that equal entropy still gives distinct,
 * well-mixed words; never all zero, which xoshiro cannot leave. */
static void seed(void)
{
	uint64_t entropy[4] = {0}, x = rdtsc();

	if (pith_bootinfo)
		memcpy(entropy, pith_bootinfo->entropy, sizeof(entropy));
	else if (pith_startinfo)
		memcpy(entropy, pith_startinfo->random, sizeof(entropy));
	for (unsigned i = 0; i < 4; i++) {
		x ^= entropy[i];
		state[i] = splitmix64(&x);
	}
	if (!(state[0] | state[1] | state[2] | state[3]))
		state[0] = 1;
	seeded = 1;
}

uint64_t pith_random(void)
{
	uint64_t result, t;

	if (!seeded)
		seed();
	result = rotl(state[1] * 5, 7) * 9;
	t = state[1] << 17;
	state[2] ^= state[0];
	state[3] ^= state[1];
	state[1] ^= state[2];
	state[0] ^= state[3];
	state[2] ^= t;
	state[3] = rotl(state[3], 45);
	return result;
}
