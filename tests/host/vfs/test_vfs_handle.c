/*
 * Host tests of the VFS's handle table (servers/vfs/handle.c): badges
 * carry the tag, the generation and the index; a freed entry's badge and
 * badges the VFS never made are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../../servers/vfs/handle.h"

static struct vfs_handle_table t;

static int setup(void **state)
{
	(void)state;
	memset(&t, 0, sizeof(t));
	return 0;
}

static void test_alloc_find(void **state)
{
	uint64_t a, b;
	int ia = vfs_handle_alloc(&t, &a), ib = vfs_handle_alloc(&t, &b);

	(void)state;
	assert_int_equal(ia, 0);
	assert_int_equal(ib, 1);
	assert_true(a & VFS_HANDLE_TAG);
	assert_int_not_equal(a, b);
	assert_int_equal(vfs_handle_find(&t, a), 0);
	assert_int_equal(vfs_handle_find(&t, b), 1);
}

static void test_stale(void **state)
{
	uint64_t a, again;

	(void)state;
	assert_int_equal(vfs_handle_alloc(&t, &a), 0);
	vfs_handle_free(&t, 0);
	assert_int_equal(vfs_handle_find(&t, a), -1);
	/* the entry is used again, with a new generation */
	assert_int_equal(vfs_handle_alloc(&t, &again), 0);
	assert_int_not_equal(a, again);
	assert_int_equal(vfs_handle_find(&t, a), -1);
	assert_int_equal(vfs_handle_find(&t, again), 0);
}

static void test_foreign(void **state)
{
	uint64_t a;

	(void)state;
	assert_int_equal(vfs_handle_alloc(&t, &a), 0);
	/* init's clients' badges: small numbers, no tag */
	for (uint64_t b = 0; b < 100; b++)
		assert_int_equal(vfs_handle_find(&t, b), -1);
	assert_int_equal(vfs_handle_find(&t, a & ~VFS_HANDLE_TAG), -1);
	assert_int_equal(vfs_handle_find(&t, a | 1ULL << 40), -1);
	assert_int_equal(vfs_handle_find(&t, VFS_HANDLE_TAG | 5), -1);
	assert_int_equal(vfs_handle_find(&t, VFS_HANDLE_TAG | VFS_HANDLES_MAX),
			 -1);
}

static void test_full_and_wrap(void **state)
{
	uint64_t b, first = 0;

	(void)state;
	for (unsigned i = 0; i < VFS_HANDLES_MAX; i++)
		assert_int_equal(vfs_handle_alloc(&t, &b), (int)i);
	assert_int_equal(vfs_handle_alloc(&t, &b), -1);
	/* 65536 reuses of one entry wrap its generation: each badge is
	 * refused as soon as its entry is freed */
	for (unsigned g = 0; g < 70000; g++) {
		vfs_handle_free(&t, 3);
		assert_int_equal(vfs_handle_alloc(&t, &b), 3);
		if (g == 0)
			first = b;
		assert_int_equal(vfs_handle_find(&t, b), 3);
	}
	assert_true(first & VFS_HANDLE_TAG);
	vfs_handle_free(&t, VFS_HANDLES_MAX); /* out of range: ignored */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_alloc_find, setup),
		cmocka_unit_test_setup(test_stale, setup),
		cmocka_unit_test_setup(test_foreign, setup),
		cmocka_unit_test_setup(test_full_and_wrap, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
