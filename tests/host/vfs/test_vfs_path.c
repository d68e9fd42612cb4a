/*
 * Host tests of the VFS's path splitting (servers/vfs/path.c): `.`,
 * repeated slashes, `..` never climbing above the start, the limits of
 * a name and a path, NUL bytes, and the formatted form.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../servers/vfs/path.h"

static struct vfs_path v;
static char out[VFS_PATH_MAX + 2];

/* p parses to the formatted path `want`. */
static void expect(const char *p, const char *want)
{
	assert_int_equal(vfs_path_parse(p, strlen(p), &v), VFS_PATH_OK);
	assert_true(vfs_path_format(p, &v, out, sizeof(out)));
	assert_string_equal(out, want);
}

static void test_plain(void **state)
{
	(void)state;
	expect("", "/");
	expect("/", "/");
	expect("a", "/a");
	expect("/a/b/c", "/a/b/c");
	expect("a/b/", "/a/b");
	assert_int_equal(vfs_path_parse("a/bc", 4, &v), VFS_PATH_OK);
	assert_int_equal(v.n, 2);
	assert_int_equal(v.off[1], 2);
	assert_int_equal(v.len[1], 2);
}

static void test_dots_and_slashes(void **state)
{
	(void)state;
	expect("//a///b//", "/a/b");
	expect("./a/./b/.", "/a/b");
	expect("a/../b", "/b");
	expect("a/b/../../c", "/c");
	expect("...", "/...");
	expect(".a/..b", "/.a/..b");
}

static void test_dotdot_stays(void **state)
{
	(void)state;
	expect("..", "/");
	expect("/../..", "/");
	expect("../secret", "/secret");
	expect("box/../../../secret", "/secret");
	expect("a/../../b/..", "/");
}

static void test_limits(void **state)
{
	static char p[VFS_PATH_MAX + 2];

	(void)state;
	memset(p, 'x', VFS_NAME_MAX + 1);
	assert_int_equal(vfs_path_parse(p, VFS_NAME_MAX, &v), VFS_PATH_OK);
	assert_int_equal(vfs_path_parse(p, VFS_NAME_MAX + 1, &v),
			 VFS_PATH_TOO_LONG);
	/* a path of exactly the limit, of short names, is fine */
	for (size_t i = 0; i < VFS_PATH_MAX; i++)
		p[i] = i % 2 ? '/' : 'a';
	assert_int_equal(vfs_path_parse(p, VFS_PATH_MAX, &v), VFS_PATH_OK);
	assert_int_equal(v.n, VFS_PATH_MAX / 2);
	assert_int_equal(vfs_path_parse(p, VFS_PATH_MAX + 1, &v),
			 VFS_PATH_TOO_LONG);
	/* slashes only: long, but no name */
	memset(p, '/', VFS_PATH_MAX);
	assert_int_equal(vfs_path_parse(p, VFS_PATH_MAX, &v), VFS_PATH_OK);
	assert_int_equal(v.n, 0);
}

static void test_nul(void **state)
{
	(void)state;
	assert_int_equal(vfs_path_parse("a\0b", 3, &v), VFS_PATH_BAD);
	assert_int_equal(vfs_path_parse("a/b", 3, &v), VFS_PATH_OK);
}

static void test_format_room(void **state)
{
	char small[4];

	(void)state;
	assert_int_equal(vfs_path_parse("ab/c", 4, &v), VFS_PATH_OK);
	assert_false(vfs_path_format("ab/c", &v, small, sizeof(small)));
	assert_true(vfs_path_format("ab/c", &v, out, 6));
	assert_string_equal(out, "/ab/c");
	assert_false(vfs_path_format("ab/c", &v, out, 5));
}

/* Random bytes never make the parser read out of bounds, and every name
 * it returns lies inside the text, within the limits. */
static void test_random(void **state)
{
	static char p[VFS_PATH_MAX + 8];
	const char alphabet[] = "/./a..b";

	(void)state;
	srand(7);
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)rand() % sizeof(p);

		for (size_t i = 0; i < n; i++)
			p[i] = alphabet[rand() % (int)(sizeof(alphabet) - 1)];
		if (vfs_path_parse(p, n, &v) != VFS_PATH_OK) {
			assert_true(n > VFS_PATH_MAX);
			continue;
		}
		for (unsigned i = 0; i < v.n; i++) {
			assert_true(v.off[i] + v.len[i] <= n);
			assert_true(v.len[i] >= 1 && v.len[i] <= VFS_NAME_MAX);
			assert_false(v.len[i] == 1 && p[v.off[i]] == '.');
			assert_false(v.len[i] == 2 && p[v.off[i]] == '.' &&
				     p[v.off[i] + 1] == '.');
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_dots_and_slashes),
		cmocka_unit_test(test_dotdot_stays),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_format_room),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
