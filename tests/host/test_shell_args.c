/*
 * Host tests for the shell's command-line splitting (servers/shell/args.c):
 * blanks, both quotes, escapes, empty words, `&`, the limits, and random
 * lines (which must never be read or written out of bounds).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../servers/shell/args.h"

static char line[1024];
static struct args a;

static enum args_error split(const char *s)
{
	size_t n = strlen(s);

	assert_true(n < sizeof(line));
	memcpy(line, s, n + 1);
	return args_split(line, &a);
}

/* s splits into the n words given, without `&`. */
static void expect_words(const char *s, unsigned n, ...)
{
	va_list ap;

	assert_int_equal(split(s), ARGS_OK);
	assert_int_equal(a.argc, n);
	assert_false(a.background);
	va_start(ap, n);
	for (unsigned i = 0; i < n; i++)
		assert_string_equal(a.argv[i], va_arg(ap, const char *));
	va_end(ap);
	assert_null(a.argv[n]);
}

static void test_blanks(void **state)
{
	(void)state;
	expect_words("", 0);
	expect_words("   \t ", 0);
	expect_words("ps", 1, "ps");
	expect_words("  echo   a\tb  ", 3, "echo", "a", "b");
	expect_words("run hello 1 2 3", 5, "run", "hello", "1", "2", "3");
}

static void test_double_quotes(void **state)
{
	(void)state;
	expect_words("echo \"hello   world\"", 2, "echo", "hello   world");
	expect_words("echo \"\"", 2, "echo", "");
	expect_words("echo \"\" \"\"", 3, "echo", "", "");
	expect_words("echo a\"b c\"d", 2, "echo", "ab cd");
	expect_words("echo \"say \\\"hi\\\"\"", 2, "echo", "say \"hi\"");
	expect_words("echo \"back\\\\slash\"", 2, "echo", "back\\slash");
	expect_words("echo \"keep \\n\"", 2, "echo", "keep \\n");
	expect_words("echo \"it's\"", 2, "echo", "it's");
	expect_words("echo \"&\"", 2, "echo", "&");
}

static void test_single_quotes(void **state)
{
	(void)state;
	expect_words("echo 'a \"b\" \\c'", 2, "echo", "a \"b\" \\c");
	expect_words("echo ''", 2, "echo", "");
	expect_words("echo 'x'\"y\"z", 2, "echo", "xyz");
}

static void test_escapes(void **state)
{
	(void)state;
	expect_words("echo a\\ b", 2, "echo", "a b");
	expect_words("echo \\\"", 2, "echo", "\"");
	expect_words("echo end\\", 2, "echo", "end\\");
	expect_words("echo \\&", 2, "echo", "&");
}

static void test_background(void **state)
{
	(void)state;
	assert_int_equal(split("run hello &"), ARGS_OK);
	assert_int_equal(a.argc, 2);
	assert_true(a.background);
	assert_null(a.argv[2]);
	assert_int_equal(split("run hello &   "), ARGS_OK);
	assert_true(a.background);
	assert_int_equal(split("&"), ARGS_OK);
	assert_int_equal(a.argc, 0);
	assert_true(a.background);
	/* attached to a word it is the word's */
	expect_words("echo a&", 2, "echo", "a&");
	expect_words("echo &&", 2, "echo", "&&");
	assert_int_equal(split("echo & b"), ARGS_E_AMPERSAND);
	assert_int_equal(a.argc, 0);
	assert_int_equal(split("echo & &"), ARGS_E_AMPERSAND);
}

static void test_errors(void **state)
{
	(void)state;
	assert_int_equal(split("echo \"open"), ARGS_E_QUOTE);
	assert_int_equal(a.argc, 0);
	assert_null(a.argv[0]);
	assert_int_equal(split("echo 'open"), ARGS_E_QUOTE);
	assert_int_equal(split("echo \"a\\\""), ARGS_E_QUOTE);
	assert_int_equal(split("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16"),
			 ARGS_OK);
	assert_int_equal(a.argc, ARGS_MAX);
	assert_int_equal(split("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17"),
			 ARGS_E_TOO_MANY);
	assert_int_equal(a.argc, 0);
	assert_string_equal(args_strerror(ARGS_E_QUOTE), "unterminated quote");
	assert_string_equal(args_strerror(ARGS_E_TOO_MANY), "too many words");
	assert_non_null(args_strerror(ARGS_E_AMPERSAND));
	assert_non_null(args_strerror(ARGS_OK));
}

/* Random lines, in a buffer of exactly their size: ASan catches a read
 * or write past the end; every word lies inside the line. */
static void test_random_lines(void **state)
{
	static const char chars[] = " \t\"'\\&ab";
	uint64_t x = 88172645463325252ULL;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t n;
		char *s;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n = x % 40;
		s = malloc(n + 1);
		assert_non_null(s);
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			s[i] = chars[x % (sizeof(chars) - 1)];
		}
		s[n] = '\0';
		if (args_split(s, &a) == ARGS_OK) {
			assert_true(a.argc <= ARGS_MAX);
			for (unsigned i = 0; i < a.argc; i++)
				assert_true(a.argv[i] >= s &&
					    a.argv[i] + strlen(a.argv[i]) <=
						    s + n);
			assert_null(a.argv[a.argc]);
		} else {
			assert_int_equal(a.argc, 0);
		}
		free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blanks),
		cmocka_unit_test(test_double_quotes),
		cmocka_unit_test(test_single_quotes),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_background),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_random_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
