/*
 * Host tests for procmgr's buddy allocator of untyped blocks
 * (servers/procmgr/pool.c), over a model of the kernel's untyped
 * capabilities: a split needs a block nothing is made from, and a half
 * is deleted only when nothing is made from it. Sizes, best fit,
 * joining, a full table, failed splits and long random runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../servers/procmgr/pool.h"

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

static const struct pool_ops ops = {model_split, model_join};
static struct pool pool;

static int setup(void **state)
{
	(void)state;
	memset(caps, 0, sizeof(caps));
	next_cap = 1;
	fail_split_after = -1;
	splits = joins = 0;
	pool_init(&pool, &ops, NULL);
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
	assert_int_equal(pool_add(&pool, root, 20), POOL_OK);
	assert_int_equal(pool.total, 1 << 20);
	assert_int_equal(pool_take(&pool, 20, &got), POOL_OK);
	assert_int_equal(got, root);
	assert_int_equal(pool.free, 0);
	assert_int_equal(pool_take(&pool, 12, &got), POOL_E_NO_MEMORY);
	assert_int_equal(got, 0);
	assert_true(pool_give(&pool, root));
	assert_false(pool_give(&pool, root)); /* not taken now */
	assert_int_equal(pool.free, 1 << 20);
	assert_int_equal(splits, 0);
}

static void test_split_and_join(void **state)
{
	uint64_t root = new_cap(20, 0), a, b, c;

	(void)state;
	pool_add(&pool, root, 20);
	assert_int_equal(pool_take(&pool, 16, &a), POOL_OK);
	assert_int_equal(caps[a].bits, 16);
	assert_int_equal(splits, 4); /* 20 -> 19 -> 18 -> 17 -> 16 */
	assert_int_equal(pool.free, (1 << 20) - (1 << 16));
	assert_int_equal(pool_largest(&pool), 19);
	/* the twin of a is used next: best fit */
	assert_int_equal(pool_take(&pool, 16, &b), POOL_OK);
	assert_int_equal(caps[b].parent, caps[a].parent);
	assert_int_equal(splits, 4);
	assert_int_equal(pool_take(&pool, 18, &c), POOL_OK);
	assert_true(pool_give(&pool, a));
	assert_int_equal(joins, 0); /* its twin b is taken */
	assert_true(pool_give(&pool, b));
	/* a and b make their 17 whole, which joins its free twin; the
	 * 18 they make has c for a twin */
	assert_int_equal(joins, 4);
	assert_true(pool_give(&pool, c));
	assert_int_equal(live_halves(), 0);
	assert_int_equal(pool.free, 1 << 20);
	assert_int_equal(pool_largest(&pool), 20);
	/* sizes below 4 KiB come as 4 KiB */
	assert_int_equal(pool_take(&pool, 3, &a), POOL_OK);
	assert_int_equal(caps[a].bits, POOL_MIN_BITS);
	assert_true(pool_give(&pool, a));
	assert_int_equal(live_halves(), 0);
}

static void test_several_roots(void **state)
{
	uint64_t small = new_cap(14, 0), big = new_cap(22, 0), got;

	(void)state;
	pool_add(&pool, big, 22);
	pool_add(&pool, small, 14);
	/* the smallest block that fits: no split of the big one */
	assert_int_equal(pool_take(&pool, 13, &got), POOL_OK);
	assert_int_equal(caps[got].parent, small);
	assert_int_equal(pool_take(&pool, 15, &got), POOL_OK);
	assert_int_equal(caps[got].bits, 15);
	assert_int_equal(pool_take(&pool, 23, &got), POOL_E_NO_MEMORY);
	assert_int_equal(pool_take(&pool, 48, &got), POOL_E_RANGE);
	assert_int_equal(pool_add(&pool, 99, 11), POOL_E_RANGE);
	assert_int_equal(pool_add(&pool, 99, 48), POOL_E_RANGE);
}

static void test_failed_split_is_undone(void **state)
{
	uint64_t root = new_cap(20, 0), got;

	(void)state;
	pool_add(&pool, root, 20);
	fail_split_after = 2; /* 20 and 19 split, then 18 fails */
	assert_int_equal(pool_take(&pool, 12, &got), POOL_E_SPLIT);
	assert_int_equal(got, 0);
	assert_int_equal(live_halves(), 0);
	assert_int_equal(pool.free, 1 << 20);
	fail_split_after = -1;
	assert_int_equal(pool_take(&pool, 12, &got), POOL_OK);
}

static void test_full_table(void **state)
{
	uint64_t got, taken[POOL_BLOCKS_MAX];
	unsigned n = 0;
	enum pool_error err;

	(void)state;
	pool_add(&pool, new_cap(40, 0), 40);
	/* blocks of 4 KiB: each take splits on until the table is full */
	while ((err = pool_take(&pool, 12, &got)) == POOL_OK)
		taken[n++] = got;
	assert_int_equal(err, POOL_E_TABLE);
	assert_true(n > 0);
	while (n)
		assert_true(pool_give(&pool, taken[--n]));
	assert_int_equal(live_halves(), 0);
	assert_int_equal(pool.free, 1ULL << 40);
}

static void test_random_runs(void **state)
{
	uint64_t x = 0x2545f4914f6cdd1dULL, taken[64];
	unsigned n = 0;

	(void)state;
	pool_add(&pool, new_cap(24, 0), 24);
	pool_add(&pool, new_cap(16, 0), 16);
	pool_add(&pool, new_cap(21, 0), 21);
	for (int round = 0; round < 200000 && next_cap < CAPS_MAX - 64;
	     round++) {
		uint64_t got, used = 0;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (n < 64 && (x & 1)) {
			if (pool_take(&pool, 12 + (unsigned)(x >> 8) % 10,
				      &got) == POOL_OK)
				taken[n++] = got;
		} else if (n) {
			unsigned k = (unsigned)(x >> 16) % n;

			assert_true(pool_give(&pool, taken[k]));
			taken[k] = taken[--n];
		}
		for (unsigned i = 0; i < n; i++)
			used += 1ULL << caps[taken[i]].bits;
		assert_int_equal(pool.free + used, pool.total);
	}
	while (n)
		assert_true(pool_give(&pool, taken[--n]));
	assert_int_equal(live_halves(), 0);
	assert_int_equal(pool.free, pool.total);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
