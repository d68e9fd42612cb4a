/*
 * Host tests for the SDK's buddy allocator of untyped blocks
 * (sdk/lib/pool.c), over a model of the kernel's untyped capabilities:
 * a split needs a block nothing is made from, and a half is deleted only
 * when nothing is made from it. Sizes, best fit, joining, a full table,
 * failed splits, roots taken out again, and long random runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pith/pool.h"

/* ---- the kernel's side ------------------------------------------------- */

#define CAPS_MAX 4096

static struct {
	bool live;
	unsigned bits;
	uint64_t parent; /* 0: a root */
	unsigned children;
} caps[CAPS_MAX];
static uint64_t next_cap;
static int fail_split_after; /* <0: never; else fail after that many */
static unsigned splits, joins;

static uint64_t new_cap(unsigned bits, uint64_t parent)
{
	uint64_t c = next_cap++;

	assert_true(c < CAPS_MAX);
	caps[c].live = true;
	caps[c].bits = bits;
	caps[c].parent = parent;
	caps[c].children = 0;
	if (parent)
		caps[parent].children++;
	return c;
}

static bool model_split(void *ctx, uint64_t cap, unsigned bits, uint64_t *lo,
			uint64_t *hi)
{
	(void)ctx;
	assert_true(caps[cap].live);
	assert_int_equal(caps[cap].bits, bits);
	/* a block something is made from cannot be split in two halves */
	assert_int_equal(caps[cap].children, 0);
	if (fail_split_after == 0)
		return false;
	if (fail_split_after > 0)
		fail_split_after--;
	*lo = new_cap(bits - 1, cap);
	*hi = new_cap(bits - 1, cap);
	splits++;
	return true;
}

static void model_join(void *ctx, uint64_t cap)
{
	(void)ctx;
	assert_true(caps[cap].live);
	assert_int_equal(caps[cap].children, 0);
	caps[cap].live = false;
	caps[caps[cap].parent].children--;
	joins++;
}

static const struct pith_pool_ops ops = {model_split, model_join};
static struct pith_pool pool;

static int setup(void **state)
{
	(void)state;
	memset(caps, 0, sizeof(caps));
	next_cap = 1;
	fail_split_after = -1;
	splits = joins = 0;
	pith_pool_init(&pool, &ops, NULL);
	return 0;
}

static unsigned live_halves(void)
{
	unsigned n = 0;

	for (uint64_t c = 1; c < next_cap; c++)
		if (caps[c].live && caps[c].parent)
			n++;
	return n;
}

/* ---- cases ------------------------------------------------------------- */

static void test_take_exact_root(void **state)
{
	uint64_t root = new_cap(20, 0), got;

	(void)state;
	assert_int_equal(pith_pool_add(&pool, root, 20), PITH_POOL_OK);
	assert_int_equal(pool.total, 1 << 20);
	assert_int_equal(pith_pool_take(&pool, 20, &got), PITH_POOL_OK);
	assert_int_equal(got, root);
	assert_int_equal(pool.free, 0);
	assert_int_equal(pith_pool_take(&pool, 12, &got),
			 PITH_POOL_E_NO_MEMORY);
	assert_int_equal(got, 0);
	assert_true(pith_pool_give(&pool, root));
	assert_false(pith_pool_give(&pool, root)); /* not taken now */
	assert_int_equal(pool.free, 1 << 20);
	assert_int_equal(splits, 0);
}

static void test_split_and_join(void **state)
{
	uint64_t root = new_cap(20, 0), a, b, c;

	(void)state;
	pith_pool_add(&pool, root, 20);
	assert_int_equal(pith_pool_take(&pool, 16, &a), PITH_POOL_OK);
	assert_int_equal(caps[a].bits, 16);
	assert_int_equal(splits, 4); /* 20 -> 19 -> 18 -> 17 -> 16 */
	assert_int_equal(pool.free, (1 << 20) - (1 << 16));
	assert_int_equal(pith_pool_largest(&pool), 19);
	/* the twin of a is used next: best fit */
	assert_int_equal(pith_pool_take(&pool, 16, &b), PITH_POOL_OK);
	assert_int_equal(caps[b].parent, caps[a].parent);
	assert_int_equal(splits, 4);
	assert_int_equal(pith_pool_take(&pool, 18, &c), PITH_POOL_OK);
	assert_true(pith_pool_give(&pool, a));
	assert_int_equal(joins, 0); /* its twin b is taken */
	assert_true(pith_pool_give(&pool, b));
	/* a and b make their 17 whole, which joins its free twin; the
	 * 18 they make has c for a twin */
	assert_int_equal(joins, 4);
	assert_true(pith_pool_give(&pool, c));
	assert_int_equal(live_halves(), 0);
	assert_int_equal(pool.free, 1 << 20);
	assert_int_equal(pith_pool_largest(&pool), 20);
	/* sizes below 4 KiB come as 4 KiB */
	assert_int_equal(pith_pool_take(&pool, 3, &a), PITH_POOL_OK);
	assert_int_equal(caps[a].bits, PITH_POOL_MIN_BITS);
	assert_true(pith_pool_give(&pool, a));
	assert_int_equal(live_halves(), 0);
}

static void test_several_roots(void **state)
{
	uint64_t small = new_cap(14, 0), big = new_cap(22, 0), got;

	(void)state;
	pith_pool_add(&pool, big, 22);
	pith_pool_add(&pool, small, 14);
	/* the smallest block that fits: no split of the big one */
	assert_int_equal(pith_pool_take(&pool, 13, &got), PITH_POOL_OK);
	assert_int_equal(caps[got].parent, small);
	assert_int_equal(pith_pool_take(&pool, 15, &got), PITH_POOL_OK);
	assert_int_equal(caps[got].bits, 15);
	assert_int_equal(pith_pool_take(&pool, 23, &got),
			 PITH_POOL_E_NO_MEMORY);
	assert_int_equal(pith_pool_take(&pool, 48, &got), PITH_POOL_E_RANGE);
	assert_int_equal(pith_pool_add(&pool, 99, 11), PITH_POOL_E_RANGE);
	assert_int_equal(pith_pool_add(&pool, 99, 48), PITH_POOL_E_RANGE);
}

static void test_failed_split_is_undone(void **state)
{
	uint64_t root = new_cap(20, 0), got;

	(void)state;
	pith_pool_add(&pool, root, 20);
	fail_split_after = 2; /* 20 and 19 split, then 18 fails */
	assert_int_equal(pith_pool_take(&pool, 12, &got), PITH_POOL_E_SPLIT);
	assert_int_equal(got, 0);
	assert_int_equal(live_halves(), 0);
	assert_int_equal(pool.free, 1 << 20);
	fail_split_after = -1;
	assert_int_equal(pith_pool_take(&pool, 12, &got), PITH_POOL_OK);
}

static void test_full_table(void **state)
{
	uint64_t got, taken[PITH_POOL_BLOCKS_MAX];
	unsigned n = 0;
	enum pith_pool_error err;

	(void)state;
	pith_pool_add(&pool, new_cap(40, 0), 40);
	/* blocks of 4 KiB: each take splits on until the table is full */
	while ((err = pith_pool_take(&pool, 12, &got)) == PITH_POOL_OK)
		taken[n++] = got;
	assert_int_equal(err, PITH_POOL_E_TABLE);
	assert_true(n > 0);
	while (n)
		assert_true(pith_pool_give(&pool, taken[--n]));
	assert_int_equal(live_halves(), 0);
	assert_int_equal(pool.free, 1ULL << 40);
}

/* Whether `cap` is among the n taken blocks. */
static bool is_taken(const uint64_t *taken, unsigned n, uint64_t cap)
{
	for (unsigned i = 0; i < n; i++)
		if (taken[i] == cap)
			return true;
	return false;
}

/* Takes and gives at random; now and then a root leaves the pool (only
 * when the model says nothing of it is in use) and comes back. */
static void test_random_runs(void **state)
{
	uint64_t x = 0x2545f4914f6cdd1dULL, taken[64], roots[3];
	const unsigned root_bits[3] = {24, 16, 21};
	bool out[3] = {false, false, false};
	unsigned n = 0, removed = 0;

	(void)state;
	for (unsigned r = 0; r < 3; r++) {
		roots[r] = new_cap(root_bits[r], 0);
		pith_pool_add(&pool, roots[r], root_bits[r]);
	}
	for (int round = 0; round < 200000 && next_cap < CAPS_MAX - 64;
	     round++) {
		uint64_t got, used = 0;
		unsigned r;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		r = (unsigned)(x >> 32) % 3;
		if ((x >> 40) % 16 == 0 && out[r]) {
			assert_int_equal(
				pith_pool_add(&pool, roots[r], root_bits[r]),
				PITH_POOL_OK);
			out[r] = false;
		} else if ((x >> 40) % 16 == 1) {
			bool idle = !out[r] && caps[roots[r]].children == 0 &&
				    !is_taken(taken, n, roots[r]);
			enum pith_pool_error want =
				out[r] ? PITH_POOL_E_NOT_FOUND
				: idle ? PITH_POOL_OK
				       : PITH_POOL_E_BUSY;

			assert_int_equal(pith_pool_remove(&pool, roots[r]),
					 want);
			if (want == PITH_POOL_OK) {
				out[r] = true;
				removed++;
			}
		} else if (n < 64 && (x & 1)) {
			if (pith_pool_take(&pool, 12 + (unsigned)(x >> 8) % 10,
					   &got) == PITH_POOL_OK)
				taken[n++] = got;
		} else if (n) {
			unsigned k = (unsigned)(x >> 16) % n;

			assert_true(pith_pool_give(&pool, taken[k]));
			taken[k] = taken[--n];
		}
		for (unsigned i = 0; i < n; i++)
			used += 1ULL << caps[taken[i]].bits;
		assert_int_equal(pool.free + used, pool.total);
	}
	assert_true(removed > 0);
	while (n)
		assert_true(pith_pool_give(&pool, taken[--n]));
	assert_int_equal(live_halves(), 0);
	assert_int_equal(pool.free, pool.total);
}

/* Roots leave the pool only when wholly free; halves never do. */
static void test_remove(void **state)
{
	uint64_t big = new_cap(20, 0), small = new_cap(16, 0), got, half;

	(void)state;
	pith_pool_add(&pool, big, 20);
	pith_pool_add(&pool, small, 16);
	assert_int_equal(pith_pool_take(&pool, 12, &got), PITH_POOL_OK);
	assert_int_equal(caps[caps[got].parent].bits, 13); /* from small */
	assert_int_equal(pith_pool_remove(&pool, small), PITH_POOL_E_BUSY);
	assert_int_equal(pith_pool_remove(&pool, big), PITH_POOL_OK);
	assert_int_equal(pool.total, 1 << 16);
	assert_int_equal(pool.free, (1 << 16) - (1 << 12));
	assert_int_equal(pith_pool_take(&pool, 20, &half),
			 PITH_POOL_E_NO_MEMORY);
	assert_int_equal(pith_pool_remove(&pool, big), PITH_POOL_E_NOT_FOUND);
	assert_int_equal(pith_pool_remove(&pool, 12345), PITH_POOL_E_NOT_FOUND);
	/* halves are not roots, free or taken */
	assert_int_equal(pith_pool_remove(&pool, got), PITH_POOL_E_NOT_FOUND);
	for (uint64_t c = 1; c < next_cap; c++)
		if (caps[c].live && caps[c].parent && c != got)
			assert_int_equal(pith_pool_remove(&pool, c),
					 PITH_POOL_E_NOT_FOUND);
	/* given back, small joins whole again and can leave */
	assert_true(pith_pool_give(&pool, got));
	assert_int_equal(live_halves(), 0);
	assert_int_equal(pith_pool_remove(&pool, small), PITH_POOL_OK);
	assert_int_equal(pool.total, 0);
	assert_int_equal(pool.free, 0);
	assert_int_equal(pith_pool_largest(&pool), 0);
	/* a root taken whole is busy until given */
	pith_pool_add(&pool, big, 20);
	assert_int_equal(pith_pool_take(&pool, 20, &got), PITH_POOL_OK);
	assert_int_equal(got, big);
	assert_int_equal(pith_pool_remove(&pool, big), PITH_POOL_E_BUSY);
	assert_false(pith_pool_give(&pool, small)); /* not in the pool */
	assert_true(pith_pool_give(&pool, big));
	assert_int_equal(pith_pool_remove(&pool, big), PITH_POOL_OK);
	assert_false(pith_pool_give(&pool, big)); /* it left */
}

/* A root that leaves frees its table entry: adding and removing for
 * ever never fills the table. */
static void test_remove_frees_entries(void **state)
{
	uint64_t root = new_cap(14, 0);

	(void)state;
	for (unsigned i = 0; i < 4 * PITH_POOL_BLOCKS_MAX; i++) {
		assert_int_equal(pith_pool_add(&pool, root, 14), PITH_POOL_OK);
		assert_int_equal(pith_pool_remove(&pool, root), PITH_POOL_OK);
	}
	assert_int_equal(pool.total, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_take_exact_root, setup),
		cmocka_unit_test_setup(test_split_and_join, setup),
		cmocka_unit_test_setup(test_several_roots, setup),
		cmocka_unit_test_setup(test_failed_split_is_undone, setup),
		cmocka_unit_test_setup(test_full_table, setup),
		cmocka_unit_test_setup(test_random_runs, setup),
		cmocka_unit_test_setup(test_remove, setup),
		cmocka_unit_test_setup(test_remove_frees_entries, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
