/*
 * Host tests for lib/cmdline.c: key=value lookup, flags and the
 * normalisation of boot.cfg into a command line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/cmdline.h"

/* cmdline_get into a 64-byte buffer; NULL if it returns false. */
static const char *get(const char *cmdline, const char *key)
{
	static char val[64];

	memset(val, '#', sizeof(val));
	if (!cmdline_get(cmdline, key, val, sizeof(val)))
		return NULL;
	return val;
}

#define EXPECT_GET(cmdline, key, want)                                         \
	do {                                                                   \
		const char *v_ = get(cmdline, key);                            \
                                                                               \
		assert_non_null(v_);                                           \
		assert_string_equal(v_, want);                                 \
	} while (0)

/* ---- cmdline_get ------------------------------------------------------- */

static void test_get_value(void **state)
{
	(void)state;
	EXPECT_GET("init=init debug", "init", "init");
	EXPECT_GET("debug init=/sbin/init", "init", "/sbin/init");
	EXPECT_GET("a=1 b=2 c=3", "b", "2");
	EXPECT_GET("log=4", "log", "4");
}

static void test_get_absent_key(void **state)
{
	(void)state;
	assert_null(get("init=init debug", "root"));
	assert_null(get("", "init"));
	assert_null(get("   \n\t ", "init"));
}

static void test_get_bare_flag_has_no_value(void **state)
{
	(void)state;
	assert_null(get("init debug", "init"));
}

static void test_get_empty_value(void **state)
{
	(void)state;
	EXPECT_GET("init= debug", "init", "");
	EXPECT_GET("init=", "init", "");
}

static void test_get_value_with_equals_sign(void **state)
{
	(void)state;
	EXPECT_GET("opt=a=b", "opt", "a=b");
}

static void test_get_last_occurrence_wins(void **state)
{
	(void)state;
	EXPECT_GET("init=a init=b", "init", "b");
	EXPECT_GET("init=a debug init=c log", "init", "c");
	/* A bare flag after a value: the last word has no value. */
	assert_null(get("init=a init", "init"));
	EXPECT_GET("init init=a", "init", "a");
}

static void test_get_prefix_does_not_match(void **state)
{
	(void)state;
	assert_null(get("initrd=x", "init"));
	assert_null(get("init=x", "initrd"));
	assert_null(get("xinit=x", "init"));
	assert_null(get("init_x=1", "init"));
	EXPECT_GET("initrd=x init=y", "init", "y");
	EXPECT_GET("init=y initrd=x", "init", "y");
}

static void test_get_value_must_fit(void **state)
{
	char val[4];

	(void)state;
	assert_true(cmdline_get("k=abc", "k", val, sizeof(val)));
	assert_string_equal(val, "abc");
	assert_false(cmdline_get("k=abcd", "k", val, sizeof(val)));
	assert_false(cmdline_get("k=abc", "k", val, 3));
	assert_true(cmdline_get("k=", "k", val, 1));
	assert_string_equal(val, "");
}

static void test_get_size_zero_writes_nothing(void **state)
{
	char val[4] = "xyz";

	(void)state;
	assert_false(cmdline_get("k=", "k", val, 0));
	assert_false(cmdline_get("k=a", "k", val, 0));
	assert_string_equal(val, "xyz");
}

static void test_get_blank_separators(void **state)
{
	(void)state;
	EXPECT_GET("a=1\tb=2", "b", "2");
	EXPECT_GET("a=1\nb=2\n", "b", "2");
	EXPECT_GET("a=1\r\nb=2\r\n", "b", "2");
	EXPECT_GET("a=1\r\nb=2\r\n", "a", "1");
	EXPECT_GET("  \t\n b=2  ", "b", "2");
}

static void test_get_skips_comments(void **state)
{
	(void)state;
	EXPECT_GET("# init=bad\ninit=good", "init", "good");
	EXPECT_GET("init=good\n# init=bad", "init", "good");
	EXPECT_GET("init=good # init=bad\nlog=1", "init", "good");
	EXPECT_GET("a=1 # b=2\nc=3", "c", "3");
	assert_null(get("a=1 # b=2\nc=3", "b"));
	assert_null(get("#init=bad", "init"));
}

/* ---- cmdline_has and cmdline_flag -------------------------------------- */

static void test_has(void **state)
{
	(void)state;
	assert_true(cmdline_has("init=x debug", "debug"));
	assert_true(cmdline_has("init=x debug", "init"));
	assert_true(cmdline_has("init= debug", "init"));
	assert_false(cmdline_has("init=x debug", "initrd"));
	assert_false(cmdline_has("initrd=x debugger", "init"));
	assert_false(cmdline_has("initrd=x debugger", "debug"));
	assert_false(cmdline_has("# debug\n", "debug"));
	assert_false(cmdline_has("", "debug"));
}

static void test_flag_bare(void **state)
{
	(void)state;
	assert_true(cmdline_flag("debug", "debug"));
	assert_true(cmdline_flag("quiet debug log=1", "debug"));
	assert_false(cmdline_flag("quiet log=1", "debug"));
	assert_false(cmdline_flag("debugger", "debug"));
}

static void test_flag_true_values(void **state)
{
	(void)state;
	assert_true(cmdline_flag("debug=1", "debug"));
	assert_true(cmdline_flag("debug=yes", "debug"));
	assert_true(cmdline_flag("debug=on", "debug"));
	assert_true(cmdline_flag("debug=true", "debug"));
}

static void test_flag_false_values(void **state)
{
	(void)state;
	assert_false(cmdline_flag("debug=0", "debug"));
	assert_false(cmdline_flag("debug=no", "debug"));
	assert_false(cmdline_flag("debug=off", "debug"));
	assert_false(cmdline_flag("debug=false", "debug"));
	assert_false(cmdline_flag("debug=", "debug"));
	/* Only the exact words count. */
	assert_false(cmdline_flag("debug=YES", "debug"));
	assert_false(cmdline_flag("debug=yess", "debug"));
	assert_false(cmdline_flag("debug=ye", "debug"));
	assert_false(cmdline_flag("debug=10", "debug"));
	assert_false(cmdline_flag("debug=t", "debug"));
}

static void test_flag_last_occurrence_wins(void **state)
{
	(void)state;
	assert_false(cmdline_flag("debug debug=0", "debug"));
	assert_true(cmdline_flag("debug=0 debug", "debug"));
	assert_true(cmdline_flag("debug=no debug=on", "debug"));
}

/* ---- cmdline_normalize ------------------------------------------------- */

static void test_normalize_collapses_blanks(void **state)
{
	char dst[64];

	(void)state;
	assert_true(cmdline_normalize(dst, sizeof(dst),
				      "  init=init \t\tdebug\n\nlog=2\r\n"));
	assert_string_equal(dst, "init=init debug log=2");
}

static void test_normalize_drops_comments(void **state)
{
	char dst[64];

	(void)state;
	assert_true(cmdline_normalize(dst, sizeof(dst),
				      "# Pith boot configuration\n"
				      "init=init # the root task\n"
				      "\n"
				      "   # indented comment\n"
				      "debug\n"
				      "#last line without newline"));
	assert_string_equal(dst, "init=init debug");
}

static void test_normalize_empty(void **state)
{
	char dst[8] = "xxxxxxx";

	(void)state;
	assert_true(cmdline_normalize(dst, sizeof(dst), ""));
	assert_string_equal(dst, "");
	assert_true(cmdline_normalize(dst, sizeof(dst), " \n# only\n\t"));
	assert_string_equal(dst, "");
}

static void test_normalize_exact_fit(void **state)
{
	char dst[6];

	(void)state;
	assert_true(cmdline_normalize(dst, sizeof(dst), "  ab\n\ncd  \n"));
	assert_string_equal(dst, "ab cd");
}

static void test_normalize_one_byte_too_small(void **state)
{
	char dst[5];

	(void)state;
	assert_false(cmdline_normalize(dst, sizeof(dst), "ab cd"));
	assert_string_equal(dst, "ab c"); /* what fit */
	assert_false(cmdline_normalize(dst, 4, "ab cd"));
	assert_string_equal(dst, "ab ");
	assert_false(cmdline_normalize(dst, 3, "ab cd"));
	assert_string_equal(dst, "ab");
	assert_false(cmdline_normalize(dst, 2, "ab cd"));
	assert_string_equal(dst, "a");
}

static void test_normalize_size_one(void **state)
{
	char dst[2] = "x";

	(void)state;
	assert_true(cmdline_normalize(dst, 1, "  # nothing\n"));
	assert_string_equal(dst, "");
	dst[0] = 'x';
	assert_false(cmdline_normalize(dst, 1, "a"));
	assert_string_equal(dst, "");
}

static void test_normalize_size_zero_writes_nothing(void **state)
{
	char dst[2] = "x";

	(void)state;
	assert_false(cmdline_normalize(dst, 0, ""));
	assert_false(cmdline_normalize(dst, 0, "abc"));
	assert_string_equal(dst, "x");
}

static void test_normalized_line_parses_the_same(void **state)
{
	static const char cfg[] = "# boot.cfg\n"
				  "init=init\n"
				  "log=debug   # verbose\n"
				  "debug_exit\n"
				  "init=other\n";
	char dst[64];

	(void)state;
	assert_true(cmdline_normalize(dst, sizeof(dst), cfg));
	assert_string_equal(dst, "init=init log=debug debug_exit init=other");
	EXPECT_GET(cfg, "init", "other");
	EXPECT_GET(dst, "init", "other");
	EXPECT_GET(dst, "log", "debug");
	assert_true(cmdline_flag(dst, "debug_exit"));
	assert_false(cmdline_has(dst, "verbose"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_value),
		cmocka_unit_test(test_get_absent_key),
		cmocka_unit_test(test_get_bare_flag_has_no_value),
		cmocka_unit_test(test_get_empty_value),
		cmocka_unit_test(test_get_value_with_equals_sign),
		cmocka_unit_test(test_get_last_occurrence_wins),
		cmocka_unit_test(test_get_prefix_does_not_match),
		cmocka_unit_test(test_get_value_must_fit),
		cmocka_unit_test(test_get_size_zero_writes_nothing),
		cmocka_unit_test(test_get_blank_separators),
		cmocka_unit_test(test_get_skips_comments),
		cmocka_unit_test(test_has),
		cmocka_unit_test(test_flag_bare),
		cmocka_unit_test(test_flag_true_values),
		cmocka_unit_test(test_flag_false_values),
		cmocka_unit_test(test_flag_last_occurrence_wins),
		cmocka_unit_test(test_normalize_collapses_blanks),
		cmocka_unit_test(test_normalize_drops_comments),
		cmocka_unit_test(test_normalize_empty),
		cmocka_unit_test(test_normalize_exact_fit),
		cmocka_unit_test(test_normalize_one_byte_too_small),
		cmocka_unit_test(test_normalize_size_one),
		cmocka_unit_test(test_normalize_size_zero_writes_nothing),
		cmocka_unit_test(test_normalized_line_parses_the_same),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
