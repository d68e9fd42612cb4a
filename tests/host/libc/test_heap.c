/*
 * Host tests of the heap's core (sdk/libc/heap.c), on pages from the
 * host: blocks and their alignment, merging of free neighbours, arenas
 * and large mappings given back, exhaustion, the checks of free() and
 * realloc(), and long random sequences checked against a model of what
 * each live block must hold. heap_check() walks the whole heap after
 * every step that matters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "heap.h"

/* ---- a page provider with a budget ------------------------------------- */

#define MAX_REGIONS 256

struct provider {
	size_t budget; /* pages it may still give */
	bool leaky;    /* pages unmapped do not come back to the budget */
	/* Pages it may lend once the budget is spent, as Pith's heap
	 * borrows from init: such a region goes back whole when unmapped,
	 * so keep() says not to keep it. */
	size_t lend;
	size_t maps, unmaps;
	struct {
		void *p;
		size_t bytes;
		bool lent;
	} region[MAX_REGIONS];
	size_t nregions;
};

static void *map(void *ctx, size_t bytes)
{
	struct provider *pv = ctx;
	void *p;

	assert_int_equal(bytes % HEAP_PAGE, 0);
	assert_true(bytes > 0);
	bool lent = bytes / HEAP_PAGE > pv->budget;

	if ((lent && bytes / HEAP_PAGE > pv->lend) ||
	    pv->nregions == MAX_REGIONS)
		return NULL;
	p = aligned_alloc(HEAP_PAGE, bytes);
	assert_non_null(p);
	memset(p, 0x5a, bytes); /* the heap must not expect zeroes */
	if (lent)
		pv->lend -= bytes / HEAP_PAGE;
	else
		pv->budget -= bytes / HEAP_PAGE;
	pv->region[pv->nregions].p = p;
	pv->region[pv->nregions].bytes = bytes;
	pv->region[pv->nregions].lent = lent;
	pv->nregions++;
	pv->maps++;
	return p;
}

static void unmap(void *ctx, void *p, size_t bytes)
{
	struct provider *pv = ctx;

	for (size_t i = 0; i < pv->nregions; i++) {
		if (pv->region[i].p != p)
			continue;
		assert_int_equal(pv->region[i].bytes, bytes);
		if (pv->region[i].lent)
			pv->lend += bytes / HEAP_PAGE;
		else if (!pv->leaky)
			pv->budget += bytes / HEAP_PAGE;
		pv->region[i] = pv->region[--pv->nregions];
		pv->unmaps++;
		free(p);
		return;
	}
	fail_msg("unmap of %p, which is not a region that map() gave", p);
}

static bool keep(void *ctx, void *p, size_t bytes)
{
	struct provider *pv = ctx;

	for (size_t i = 0; i < pv->nregions; i++) {
		if (pv->region[i].p == p) {
			assert_int_equal(pv->region[i].bytes, bytes);
			return !pv->region[i].lent;
		}
	}
	fail_msg("keep of %p, which is not a region that map() gave", p);
	return true;
}

static size_t lent_regions(const struct provider *pv)
{
	size_t n = 0;

	for (size_t i = 0; i < pv->nregions; i++)
		n += pv->region[i].lent;
	return n;
}

struct fixture {
	struct provider pv;
	struct heap heap;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct heap_pages pages = {map, unmap, &f->pv, keep};

	assert_non_null(f);
	f->pv.budget = SIZE_MAX;
	heap_init(&f->heap, &pages);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	while (f->pv.nregions)
		unmap(&f->pv, f->pv.region[0].p, f->pv.region[0].bytes);
	free(f);
	return 0;
}

static void check(const struct heap *h)
{
	const char *why = heap_check(h);

	if (why)
		fail_msg("heap_check: %s", why);
}

/* ---- fixed cases ------------------------------------------------------- */

static void test_alloc_free(void **state)
{
	struct fixture *f = *state;
	struct heap *h = &f->heap;
	char *p[64];
	struct heap_stats s;

	for (int i = 0; i < 64; i++) {
		size_t size = (size_t)i * 37;

		p[i] = heap_alloc(h, size, 0);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % HEAP_ALIGN, 0);
		assert_true(heap_usable(h, p[i]) >= size);
		memset(p[i], i, size);
	}
	check(h);
	for (int i = 0; i < 64; i++) {
		for (size_t j = 0; j < (size_t)i * 37; j++)
			assert_int_equal((unsigned char)p[i][j], i);
	}
	for (int i = 0; i < 64; i += 2)
		assert_int_equal(heap_free(h, p[i]), HEAP_OK);
	check(h);
	for (int i = 1; i < 64; i += 2)
		assert_int_equal(heap_free(h, p[i]), HEAP_OK);
	check(h);
	heap_stats(h, &s);
	assert_int_equal(s.used_blocks, 0);
	assert_int_equal(s.free_blocks, 1); /* all merged into one */
	assert_int_equal(s.arenas, 1);	    /* the last one is kept */
	assert_int_equal(heap_free(h, NULL), HEAP_OK);
}

static void test_zero_size(void **state)
{
	struct fixture *f = *state;
	void *a = heap_alloc(&f->heap, 0, 0), *b = heap_alloc(&f->heap, 0, 0);

	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	assert_int_equal(heap_free(&f->heap, a), HEAP_OK);
	assert_int_equal(heap_free(&f->heap, b), HEAP_OK);
	check(&f->heap);
}

static void test_alignment(void **state)
{
	struct fixture *f = *state;
	struct heap *h = &f->heap;
	void *p[40];
	int n = 0;

	for (size_t align = 1; align <= (1u << 20); align <<= 1) {
		static const size_t sizes[] = {1, 100, 5000, 70000};

		for (int k = 0; k < 2 && n < 40; k++) {
			size_t size = sizes[(n + k) % 4];

			p[n] = heap_alloc(h, size, align);
			assert_non_null(p[n]);
			assert_int_equal((uintptr_t)p[n] % align, 0);
			assert_true(heap_usable(h, p[n]) >= size);
			memset(p[n], 0xee, size);
			check(h);
			n++;
		}
	}
	assert_null(heap_alloc(h, 10, 3));  /* not a power of two */
	assert_null(heap_alloc(h, 10, 48)); /* nor this */
	while (n--)
		assert_int_equal(heap_free(h, p[n]), HEAP_OK);
	check(h);
}

/* Freeing the middle block last merges all three, and the merged block
 * serves a request as big as the three at the first one's address. */
static void test_coalescing(void **state)
{
	struct fixture *f = *state;
	struct heap *h = &f->heap;
	char *a = heap_alloc(h, 200, 0), *b = heap_alloc(h, 300, 0);
	char *c = heap_alloc(h, 400, 0), *guard = heap_alloc(h, 10, 0);
	struct heap_stats before, after;
	char *big;

	/* Fresh arena: carved one after another. */
	assert_true(a < b && b < c && c < guard);
	heap_stats(h, &before);
	assert_int_equal(heap_free(h, a), HEAP_OK);
	assert_int_equal(heap_free(h, c), HEAP_OK);
	check(h);
	heap_stats(h, &after);
	assert_int_equal(after.free_blocks, before.free_blocks + 2);
	assert_int_equal(heap_free(h, b), HEAP_OK);
	check(h);
	heap_stats(h, &after);
	assert_int_equal(after.free_blocks, before.free_blocks + 1);
	big = heap_alloc(h, (size_t)(guard - a) - 16, 0);
	assert_ptr_equal(big, a);
	check(h);
	assert_int_equal(heap_free(h, big), HEAP_OK);
	assert_int_equal(heap_free(h, guard), HEAP_OK);
	check(h);
}

/* Arenas grow; all but the last become spares when they are wholly
 * free, and the next arenas are those spares again, not new pages. */
static void test_arenas_kept(void **state)
{
	struct fixture *f = *state;
	struct heap *h = &f->heap;
	void *p[400];
	struct heap_stats s;
	size_t maps;

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 400; i++)
			assert_non_null(p[i] = heap_alloc(h, 2000, 0));
		heap_stats(h, &s);
		assert_true(s.arenas > 2);
		assert_int_equal(s.spares, 0);
		assert_true(s.mapped >= (size_t)400 * 2000);
		check(h);
		if (round == 0) /* arenas double: few regions for the lot */
			assert_true(f->pv.maps < 10);
		else /* the spares served every arena */
			assert_int_equal(f->pv.maps, maps);
		maps = f->pv.maps;
		for (int i = round % 2 ? 0 : 399; i >= 0 && i < 400;
		     i += round % 2 ? 1 : -1)
			assert_int_equal(heap_free(h, p[i]), HEAP_OK);
		check(h);
		heap_stats(h, &s);
		assert_int_equal(s.arenas, 1);
		assert_true(s.spares > 1);
		assert_int_equal(s.used_blocks, 0);
		assert_int_equal(f->pv.nregions, s.arenas + s.spares);
		assert_int_equal(f->pv.unmaps, 0);
	}
	heap_trim(h);
	heap_stats(h, &s);
	assert_int_equal(s.spares, 0);
	assert_int_equal(f->pv.nregions, 1);
	check(h);
}

static void test_large(void **state)
{
	struct fixture *f = *state;
	struct heap *h = &f->heap;
	size_t regions = f->pv.nregions, maps;
	char *p = heap_alloc(h, HEAP_LARGE, 0);
	char *q = heap_alloc(h, 3 * HEAP_LARGE + 5, 1 << 16);
	struct heap_stats s;

	assert_non_null(p);
	assert_non_null(q);
	assert_int_equal((uintptr_t)q % (1 << 16), 0);
	assert_int_equal(f->pv.nregions, regions + 2); /* a region each */
	memset(p, 1, HEAP_LARGE);
	memset(q, 2, 3 * HEAP_LARGE + 5);
	assert_true(heap_usable(h, p) >= HEAP_LARGE);
	check(h);
	assert_int_equal(heap_free(h, p), HEAP_OK);
	heap_stats(h, &s);
	assert_int_equal(s.large, 1);
	assert_int_equal(s.spares, 1); /* kept */
	assert_int_equal(heap_free(h, p), HEAP_E_DOUBLE_FREE);
	assert_int_equal(heap_free(h, p + 4096), HEAP_E_DOUBLE_FREE);
	assert_int_equal(heap_free(h, q + 16), HEAP_E_FOREIGN);
	/* The same size again: the spare, not new pages. */
	maps = f->pv.maps;
	p = heap_alloc(h, HEAP_LARGE, 0);
	assert_non_null(p);
	assert_int_equal(f->pv.maps, maps);
	assert_int_equal(heap_free(h, p), HEAP_OK);
	assert_int_equal(heap_free(h, q), HEAP_OK);
	assert_int_equal(f->pv.nregions, regions + 2);
	check(h);
	heap_trim(h);
	assert_int_equal(f->pv.nregions, regions);
	check(h);
}

/* As in Pith, where a frame's memory returns to its untyped block only
 * once everything made from the block is gone: pages given back are
 * lost. Freed blocks' regions are used again, so alloc and free for ever
 * need no more than the peak. */
static void test_spares_reused(void **state)
{
	struct fixture *f = *state;
	struct heap *h = &f->heap;
	void *small[40];

	f->pv.budget = 160; /* 640 KiB, lost once mapped */
	f->pv.leaky = true;
	for (int i = 0; i < 200; i++) {
		char *big = heap_alloc(
			h, (size_t)200 * 1024 + (size_t)(i % 8) * 64, 0);

		assert_non_null(big);
		memset(big, i, 1000);
		for (int j = 0; j < 40; j++)
			assert_non_null(small[j] = heap_alloc(h, 3000, 0));
		assert_int_equal(heap_free(h, big), HEAP_OK);
		for (int j = 0; j < 40; j++)
			assert_int_equal(heap_free(h, small[j]), HEAP_OK);
		check(h);
	}
	assert_true(f->pv.maps < 12);
}

/* Regions the provider lent once its own pages ran out go back as soon
 * as they are wholly free, never kept as spares; its own are kept. */
static void test_lent_given_back(void **state)
{
	struct fixture *f = *state;
	struct heap *h = &f->heap;
	void *keepme, *p[300], *big;
	struct heap_stats s;

	f->pv.budget = 8; /* 32 KiB of its own, lost once mapped */
	f->pv.leaky = true;
	f->pv.lend = 1024; /* 4 MiB to lend */
	assert_non_null(keepme = heap_alloc(h, 100, 0));
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 300; i++) /* 1.2 MiB: mostly lent */
			assert_non_null(p[i] = heap_alloc(h, 4096, 0));
		assert_non_null(big = heap_alloc(h, 3 * HEAP_LARGE + 100, 0));
		assert_true(lent_regions(&f->pv) > 2);
		memset(big, 7, 3 * HEAP_LARGE + 100);
		check(h);
		assert_int_equal(heap_free(h, big), HEAP_OK);
		for (int i = 0; i < 300; i++)
			assert_int_equal(heap_free(h, p[i]), HEAP_OK);
		check(h);
		heap_stats(h, &s);
		assert_int_equal(s.used_blocks, 1);
		assert_int_equal(s.large, 0);
		/* every lent region went back but the arena that holds
		 * keepme, if lent; no lent region is a spare */
		assert_true(lent_regions(&f->pv) <= 1);
		assert_true(f->pv.lend + lent_regions(&f->pv) * 64 >= 1024);
		assert_int_equal(heap_free(h, big), HEAP_E_FOREIGN);
	}
	assert_int_equal(heap_free(h, keepme), HEAP_OK);
	check(h);
	heap_stats(h, &s);
	assert_int_equal(s.used_blocks, 0);
	assert_true(s.arenas <= 1);
}

/* Random allocations, frees and resizes with little memory of its own
 * and more lent: every lent region that is wholly free has gone back. */
static void random_run(struct fixture *f, uint64_t seed, int steps);

static void test_random_lent(void **state)
{
	struct fixture *f = *state;

	for (uint64_t seed = 1; seed <= 4; seed++) {
		f->pv.budget = 16;
		f->pv.leaky = true;
		f->pv.lend = 256 + 64 * (size_t)seed;
		random_run(f, seed * 0x165667b19e3779f9ull, 3000);
	}
}

/* A spare serves an arena as well as a large block. */
static void test_spare_becomes_arena(void **state)
{
	struct fixture *f = *state;
	struct heap *h = &f->heap;
	void *keep = heap_alloc(h, 100, 0), *big, *p[20];
	struct heap_stats s;
	size_t maps;

	big = heap_alloc(h, (size_t)300 * 1024, 0);
	assert_int_equal(heap_free(h, big), HEAP_OK);
	maps = f->pv.maps;
	for (int i = 0; i < 20; i++) /* more than the first arena holds */
		assert_non_null(p[i] = heap_alloc(h, 4000, 0));
	heap_stats(h, &s);
	assert_int_equal(f->pv.maps, maps);
	assert_int_equal(s.spares, 0);
	assert_int_equal(s.arenas, 2);
	for (int i = 0; i < 20; i++)
		assert_int_equal(heap_free(h, p[i]), HEAP_OK);
	assert_int_equal(heap_free(h, keep), HEAP_OK);
	check(h);
}

/* When the provider has nothing, the spares go back to it before the
 * heap gives up: they may be what it lacks. */
static void test_spares_dropped(void **state)
{
	struct fixture *f = *state;
	struct heap *h = &f->heap;
	void *p = heap_alloc(h, (size_t)100 * 1024, 0), *q;
	struct heap_stats s;

	assert_int_equal(heap_free(h, p), HEAP_OK);
	heap_stats(h, &s);
	assert_int_equal(s.spares, 1);
	f->pv.budget = 0;
	assert_null(heap_alloc(h, (size_t)200 * 1024,
			       0)); /* the spare is too small */
	heap_stats(h, &s);
	assert_int_equal(s.spares, 0);
	assert_int_equal(f->pv.unmaps, 1);
	/* The pages came back: 200 KiB fits in them. */
	f->pv.budget = 26;
	q = heap_alloc(h, (size_t)90 * 1024, 0);
	assert_non_null(q);
	assert_int_equal(heap_free(h, q), HEAP_OK);
	check(h);
}

static void test_exhaustion(void **state)
{
	struct fixture *f = *state;
	struct heap *h = &f->heap;
	void *p[1000];
	int n = 0;

	f->pv.budget = 0;
	assert_null(heap_alloc(h, 1, 0));
	assert_null(heap_alloc(h, HEAP_LARGE, 0));
	f->pv.budget = 16; /* 64 KiB */
	while (n < 1000 && (p[n] = heap_alloc(h, 1000, 0)) != NULL)
		n++;
	assert_true(n > 40 && n < 1000);
	assert_null(heap_alloc(h, HEAP_LARGE, 0));
	check(h);
	/* Sizes no heap can have fail at once, whatever the budget. */
	f->pv.budget = SIZE_MAX;
	assert_null(heap_alloc(h, SIZE_MAX, 0));
	assert_null(heap_alloc(h, SIZE_MAX - 8, 16));
	assert_null(heap_alloc(h, 16, (size_t)1 << 63));
	while (n--)
		assert_int_equal(heap_free(h, p[n]), HEAP_OK);
	check(h);
	assert_non_null(p[0] = heap_alloc(h, 1000, 0));
	assert_int_equal(heap_free(h, p[0]), HEAP_OK);
}

static void test_bad_frees(void **state)
{
	struct fixture *f = *state;
	struct heap *h = &f->heap;
	char *p = heap_alloc(h, 100, 0), *q = heap_alloc(h, 100, 0);
	char *r = heap_alloc(h, 100, 0);
	char *host = malloc(64);
	int local;
	size_t saved;
	void *out;

	assert_int_equal(heap_free(h, p + 1), HEAP_E_FOREIGN);	/* misaligned */
	assert_int_equal(heap_free(h, p + 32), HEAP_E_FOREIGN); /* inside */
	assert_int_equal(heap_free(h, &local), HEAP_E_FOREIGN);
	assert_int_equal(heap_free(h, host), HEAP_E_FOREIGN);
	assert_int_equal(heap_realloc(h, host, 10, &out), HEAP_E_FOREIGN);
	assert_null(out);
	assert_int_equal(heap_usable(h, host), 0);
	check(h);

	assert_int_equal(heap_free(h, q), HEAP_OK);
	assert_int_equal(heap_free(h, q), HEAP_E_DOUBLE_FREE);
	assert_int_equal(heap_realloc(h, q, 10, &out), HEAP_E_DOUBLE_FREE);
	/* p's block has now merged with q's: still a double free. */
	assert_int_equal(heap_free(h, p), HEAP_OK);
	assert_int_equal(heap_free(h, q), HEAP_E_DOUBLE_FREE);
	assert_int_equal(heap_free(h, p), HEAP_E_DOUBLE_FREE);
	check(h);

	/* A write past the end of a block damages the next header: freeing
	 * the block before it sees that rather than spreading it. */
	p = heap_alloc(h, 100, 0);
	q = heap_alloc(h, 100, 0);
	memcpy(&saved, q - 16, sizeof(saved));
	memset(q - 16, 0x41, sizeof(saved));
	assert_int_equal(heap_free(h, p), HEAP_E_CORRUPT);
	assert_non_null(heap_check(h));
	memcpy(q - 16, &saved, sizeof(saved));
	check(h);
	assert_int_equal(heap_free(h, p), HEAP_OK);
	assert_int_equal(heap_free(h, q), HEAP_OK);
	assert_int_equal(heap_free(h, r), HEAP_OK);
	check(h);
	free(host);
	assert_string_equal(heap_status_text(HEAP_E_DOUBLE_FREE),
			    "double free");
	assert_string_equal(heap_status_text((enum heap_status)99),
			    "unknown heap status");
}

static void fill(char *p, size_t n, unsigned char v)
{
	memset(p, v, n);
}

static void expect_fill(const char *p, size_t n, unsigned char v)
{
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)p[i] != v)
			fail_msg("byte %zu of %p is %#x, not %#x", i, (void *)p,
				 (unsigned char)p[i], v);
	}
}

static void test_resize(void **state)
{
	struct fixture *f = *state;
	struct heap *h = &f->heap;
	char *p, *q, *next;
	void *out;

	/* NULL: an allocation. */
	assert_int_equal(heap_realloc(h, NULL, 100, &out), HEAP_OK);
	p = out;
	fill(p, 100, 7);
	next = heap_alloc(h, 100, 0);
	/* Shrink in place. */
	assert_int_equal(heap_realloc(h, p, 20, &out), HEAP_OK);
	assert_ptr_equal(out, p);
	expect_fill(p, 20, 7);
	check(h);
	/* Grow in place into the freed tail. */
	assert_int_equal(heap_realloc(h, p, 90, &out), HEAP_OK);
	assert_ptr_equal(out, p);
	expect_fill(p, 20, 7);
	fill(p, 90, 8);
	/* Grow past the neighbour in use: it moves. */
	assert_int_equal(heap_realloc(h, p, 1000, &out), HEAP_OK);
	q = out;
	assert_ptr_not_equal(q, p);
	expect_fill(q, 90, 8);
	assert_int_equal(heap_free(h, p), HEAP_E_DOUBLE_FREE);
	check(h);
	/* Grow into the free neighbour: the old block of q... */
	assert_int_equal(heap_free(h, next), HEAP_OK);
	/* ...to large and back. */
	fill(q, 1000, 9);
	assert_int_equal(heap_realloc(h, q, 200000, &out), HEAP_OK);
	q = out;
	expect_fill(q, 1000, 9);
	assert_int_equal(heap_realloc(h, q, 150000, &out), HEAP_OK);
	assert_ptr_equal(out, q); /* still big enough to keep its mapping */
	assert_int_equal(heap_realloc(h, q, 500, &out), HEAP_OK);
	assert_ptr_not_equal(out, q);
	q = out;
	expect_fill(q, 500, 9);
	check(h);
	/* Size 0: a block of no bytes, still to be freed. */
	assert_int_equal(heap_realloc(h, q, 0, &out), HEAP_OK);
	assert_non_null(out);
	q = out;
	/* No memory: the block stays as it was. */
	fill(q, heap_usable(h, q), 3);
	f->pv.budget = 0;
	assert_int_equal(heap_realloc(h, q, 1 << 20, &out), HEAP_E_NO_MEMORY);
	assert_null(out);
	assert_int_equal(heap_realloc(h, q, SIZE_MAX, &out), HEAP_E_NO_MEMORY);
	expect_fill(q, heap_usable(h, q), 3);
	check(h);
	assert_int_equal(heap_free(h, q), HEAP_OK);
	check(h);
}

/* ---- random sequences against a model ---------------------------------- */

#define LIVE_MAX 300

struct live {
	char *p;
	size_t size;
	unsigned char tag;
};

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Mostly small sizes, some medium, a few large. */
static size_t random_size(void)
{
	uint64_t r = rnd() % 100;

	if (r < 70)
		return rnd() % 256;
	if (r < 95)
		return rnd() % 16384;
	return HEAP_LARGE - 512 + rnd() % (3 * HEAP_LARGE);
}

static int by_address(const void *a, const void *b)
{
	const struct live *x = a, *y = b;

	return x->p < y->p ? -1 : x->p > y->p;
}

/* Every live block holds its tag, and no two overlap. */
static void check_model(const struct heap *h, struct live *live, size_t n)
{
	struct live sorted[LIVE_MAX];

	memcpy(sorted, live, n * sizeof(*live));
	qsort(sorted, n, sizeof(*sorted), by_address);
	for (size_t i = 0; i < n; i++) {
		expect_fill(sorted[i].p, sorted[i].size, sorted[i].tag);
		assert_true(heap_usable(h, sorted[i].p) >= sorted[i].size);
		if (i + 1 < n)
			assert_true(sorted[i].p + sorted[i].size <=
				    sorted[i + 1].p);
	}
	check(h);
}

static void random_run(struct fixture *f, uint64_t seed, int steps)
{
	struct heap *h = &f->heap;
	struct live live[LIVE_MAX] = {0};
	size_t n = 0;
	struct heap_stats s;

	rng_state = seed;
	for (int step = 0; step < steps; step++) {
		uint64_t op = rnd() % 10;
		size_t i = n ? rnd() % n : 0;

		if (n < LIVE_MAX && (op < 4 || n == 0)) {
			size_t align =
				rnd() % 4 == 0 ? (size_t)1 << (rnd() % 13) : 0;
			size_t size = random_size();
			char *p = heap_alloc(h, size, align);

			if (!p) {
				/* Only a budget can make it fail. */
				assert_true(f->pv.budget != SIZE_MAX);
				continue;
			}
			if (align)
				assert_int_equal((uintptr_t)p % align, 0);
			live[n] = (struct live){p, size, (unsigned char)step};
			fill(p, size, live[n].tag);
			n++;
		} else if (op < 8 && n) {
			expect_fill(live[i].p, live[i].size, live[i].tag);
			assert_int_equal(heap_free(h, live[i].p), HEAP_OK);
			live[i] = live[--n];
		} else if (n) {
			size_t size = random_size();
			size_t keep = size < live[i].size ? size : live[i].size;
			void *out;
			enum heap_status st =
				heap_realloc(h, live[i].p, size, &out);

			if (st == HEAP_E_NO_MEMORY) {
				assert_true(f->pv.budget != SIZE_MAX);
				continue;
			}
			assert_int_equal(st, HEAP_OK);
			expect_fill(out, keep, live[i].tag);
			live[i].p = out;
			live[i].size = size;
			fill(out, size, live[i].tag);
		}
		if (step % 64 == 0)
			check_model(h, live, n);
	}
	check_model(h, live, n);
	while (n--)
		assert_int_equal(heap_free(h, live[n].p), HEAP_OK);
	check(h);
	heap_stats(h, &s);
	assert_int_equal(s.used_blocks, 0);
	assert_true(s.arenas <= 1);
	assert_int_equal(s.large, 0);
	assert_int_equal(f->pv.nregions, s.arenas + s.spares);
	assert_true(lent_regions(&f->pv) <= s.arenas); /* no lent spare */
	heap_trim(h);
	assert_int_equal(f->pv.nregions, s.arenas);
}

static void test_random(void **state)
{
	struct fixture *f = *state;

	for (uint64_t seed = 1; seed <= 8; seed++)
		random_run(f, seed * 0x9e3779b97f4a7c15ull, 4000);
}

/* The same with little memory: failures on the way must leave the heap
 * and every live block intact. */
static void test_random_tight(void **state)
{
	struct fixture *f = *state;

	for (uint64_t seed = 1; seed <= 4; seed++) {
		f->pv.budget = 48; /* 192 KiB */
		random_run(f, seed * 0xc2b2ae3d27d4eb4full, 3000);
	}
	f->pv.budget = SIZE_MAX;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alloc_free, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_zero_size, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_alignment, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_coalescing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_arenas_kept, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_spares_reused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_spare_becomes_arena, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lent_given_back, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_random_lent, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_spares_dropped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exhaustion, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_frees, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_resize, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_tight, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
