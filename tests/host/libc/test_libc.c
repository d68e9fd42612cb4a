/*
 * Host tests of the SDK's C library (sdk/libc) through its public names,
 * prefixed for the host (pithc.h): strings, number parsing, sorting,
 * character classes, standard output through its hook, malloc and its
 * checks, assert, exit and abort. The SDK underneath is env.c's.
 */
#undef NDEBUG /* the release preset's: the assert cases need assert */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "env.h"
#include "pithc.h"

/* Run fn(arg), which must end the program through pith_exit(): the
 * status it ended with, or -1 if it returned. */
static int exit_status(void (*fn)(void *), void *arg)
{
	env_exit_armed = true;
	if (setjmp(env_exit_jump) == 0) {
		fn(arg);
		env_exit_armed = false;
		return -1;
	}
	return env_exit_status;
}

/* Before each test: all the memory it wants, output to the console,
 * nothing captured. */
static int reset(void **state)
{
	(void)state;
	env_page_budget = SIZE_MAX;
	env_exit_armed = false;
	env_console_reset();
	pith_set_stdout(NULL);
	return 0;
}

/* ---- strings ----------------------------------------------------------- */

static void test_search(void **state)
{
	const char s[] = "hello, world", high[] = "a\xff";

	(void)state;
	assert_ptr_equal(strchr(s, 'o'), s + 4);
	assert_ptr_equal(strrchr(s, 'o'), s + 8);
	assert_ptr_equal(strchr(s, '\0'), s + 12);
	assert_ptr_equal(strrchr(s, '\0'), s + 12);
	assert_null(strchr(s, 'z'));
	assert_null(strrchr(s, 'z'));
	assert_ptr_equal(strchr(s, 'h' + 256), s); /* c is taken as a char */
	assert_ptr_equal(memchr(s, 'w', sizeof(s)), s + 7);
	assert_null(memchr(s, 'w', 7));
	assert_null(memchr(s, 'h', 0));
	assert_ptr_equal(memchr(high, 0xff, 2), high + 1);
	assert_ptr_equal(memchr(high, -1, 2), high + 1); /* (unsigned char)c */
	assert_ptr_equal(strstr(s, "world"), s + 7);
	assert_ptr_equal(strstr(s, ""), s);
	assert_non_null(strstr("", ""));
	assert_null(strstr(s, "worlds"));
	assert_null(strstr("", "a"));
	assert_string_equal(strstr("aaab", "aab"), "aab");
	assert_int_equal(strspn("  \tx", " \t"), 3);
	assert_int_equal(strspn("abc", ""), 0);
	assert_int_equal(strspn("", "abc"), 0);
	assert_int_equal(strcspn("abc,def", ",;"), 3);
	assert_int_equal(strcspn("abc", ""), 3);
	assert_int_equal(strcspn("abc", "xyz"), 3);
}

static void test_copy(void **state)
{
	char buf[16];

	(void)state;
	assert_ptr_equal(strcpy(buf, "abc"), buf);
	assert_string_equal(buf, "abc");
	assert_ptr_equal(strcat(buf, "def"), buf);
	assert_string_equal(buf, "abcdef");
	assert_ptr_equal(strncat(buf, "ghijkl", 3), buf);
	assert_string_equal(buf, "abcdefghi");
	strncat(buf, "", 5);
	assert_string_equal(buf, "abcdefghi");

	memset(buf, 'x', sizeof(buf));
	assert_ptr_equal(strncpy(buf, "ab", 5), buf);
	assert_memory_equal(buf, "ab\0\0\0xxx", 8); /* padded to n */
	strncpy(buf, "abcdefgh", 4);
	assert_memory_equal(buf, "abcd\0xxx", 8); /* not terminated */

	memset(buf, 'x', sizeof(buf));
	assert_int_equal(strlcpy(buf, "hello", sizeof(buf)), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(strlcpy(buf, "a long string here", 8), 18);
	assert_string_equal(buf, "a long ");
	assert_int_equal(strlcpy(buf, "abc", 1), 3);
	assert_string_equal(buf, "");
	buf[0] = 'q';
	assert_int_equal(strlcpy(buf, "abc", 0), 3);
	assert_int_equal(buf[0], 'q'); /* size 0: nothing written */
}

static void test_dup(void **state)
{
	char *a, *b, *c;

	(void)state;
	a = strdup("duplicate me");
	assert_non_null(a);
	b = strndup("duplicate me", 9);
	c = strndup("ab", 10);
	assert_string_equal(a, "duplicate me");
	assert_string_equal(b, "duplicate");
	assert_string_equal(c, "ab");
	free(a);
	free(b);
	free(c);
	a = NULL;
	/* No memory: NULL and ENOMEM. The heap may keep an arena with room:
	 * use it up first, in blocks that list themselves. */
	env_page_budget = 0;
	while ((c = malloc(1)) != NULL) {
		*(char **)c = a;
		a = c;
	}
	errno = 0;
	assert_null(strdup("x"));
	assert_int_equal(errno, ENOMEM);
	errno = 0;
	assert_null(strndup("xyz", 2));
	assert_int_equal(errno, ENOMEM);
	while (a) {
		c = *(char **)a;
		free(a);
		a = c;
	}
}

static void test_strtok_r(void **state)
{
	char s[] = ",,a,bc;;d,", *save = NULL, *t;
	char empty[] = ";;;";

	(void)state;
	t = strtok_r(s, ",;", &save);
	assert_string_equal(t, "a");
	t = strtok_r(NULL, ",;", &save);
	assert_string_equal(t, "bc");
	t = strtok_r(NULL, ",;", &save);
	assert_string_equal(t, "d");
	assert_null(strtok_r(NULL, ",;", &save));
	assert_null(strtok_r(NULL, ",;", &save)); /* and stays so */
	assert_null(strtok_r(empty, ";", &save));
}

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(strerror(ENOMEM), "not enough memory");
	assert_string_equal(strerror(ERANGE), "result out of range");
	assert_string_equal(strerror(0), "no error");
	assert_string_equal(strerror(-1), "unknown error");
	assert_string_equal(strerror(3), "unknown error");
	assert_string_equal(strerror(100000), "unknown error");
}

/* ---- numbers ----------------------------------------------------------- */

struct strtol_case {
	const char *s;
	int base;
	long value;
	int consumed; /* bytes *end moves past */
	int err;      /* errno afterwards (0: untouched) */
};

static void test_strtol(void **state)
{
	static const struct strtol_case cases[] = {
		{"0", 10, 0, 1, 0},
		{"  42xyz", 10, 42, 4, 0},
		{"\t\n -17", 10, -17, 6, 0},
		{"+8", 10, 8, 2, 0},
		{"0x1F", 0, 31, 4, 0},
		{"0X1f", 16, 31, 4, 0},
		{"1f", 16, 31, 2, 0},
		{"0x", 0, 0, 1, 0},   /* "0", then an 'x' that is not part */
		{"0xg", 16, 0, 1, 0}, /* the same */
		{"017", 0, 15, 3, 0},
		{"019", 0, 1, 2, 0}, /* octal stops at 9 */
		{"101", 2, 5, 3, 0},
		{"zz", 36, 35 * 36 + 35, 2, 0},
		{"Zz", 36, 35 * 36 + 35, 2, 0},
		{"", 10, 0, 0, 0},
		{"   ", 10, 0, 0, 0},
		{"-", 10, 0, 0, 0},
		{"+x", 10, 0, 0, 0},
		{"9223372036854775807", 10, LONG_MAX, 19, 0},
		{"-9223372036854775808", 10, LONG_MIN, 20, 0},
		{"9223372036854775808", 10, LONG_MAX, 19, ERANGE},
		{"-9223372036854775809", 10, LONG_MIN, 20, ERANGE},
		{"99999999999999999999999999", 10, LONG_MAX, 26, ERANGE},
		{"-0x8000000000000000", 0, LONG_MIN, 19, 0},
		{"12", 1, 0, 0, EINVAL},
		{"12", 37, 0, 0, EINVAL},
		{"12", -1, 0, 0, EINVAL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct strtol_case *c = &cases[i];
		char *end = NULL;
		long v;

		errno = 0;
		v = strtol(c->s, &end, c->base);
		if (v != c->value || end != c->s + c->consumed ||
		    errno != c->err)
			fail_msg("strtol(\"%s\", %d): %ld, %td bytes, errno "
				 "%d; expected %ld, %d, %d",
				 c->s, c->base, v, end - c->s, errno, c->value,
				 c->consumed, c->err);
	}
	assert_int_equal(strtol("77", NULL, 8), 63); /* end may be NULL */
}

static void test_strtoul(void **state)
{
	char *end;

	(void)state;
	errno = 0;
	assert_true(strtoul("18446744073709551615", &end, 10) == ULONG_MAX);
	assert_int_equal(errno, 0);
	assert_true(strtoul("18446744073709551616", &end, 10) == ULONG_MAX);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(*end, '\0');
	errno = 0;
	assert_true(strtoul("-1", &end, 10) == ULONG_MAX); /* negated */
	assert_true(strtoul("-2", NULL, 10) == ULONG_MAX - 1);
	assert_true(strtoull("0xffffffffffffffff", &end, 0) == ULLONG_MAX);
	assert_true(strtoull("0x10000000000000000", &end, 0) == ULLONG_MAX);
	assert_int_equal(errno, ERANGE);
	errno = 0;
	assert_true(strtoull("1234567890123", &end, 10) == 1234567890123ull);
	assert_int_equal(errno, 0);
	assert_true(strtoll("-9223372036854775808", &end, 10) == LLONG_MIN);
	assert_true(strtoll("9223372036854775808", &end, 10) == LLONG_MAX);
	assert_int_equal(errno, ERANGE);
	errno = 0;
	assert_int_equal(atoi("  -123abc"), -123);
	assert_int_equal(atoi("2147483647"), INT_MAX);
	assert_int_equal(atoi("2147483648"), INT_MAX);
	assert_int_equal(atoi("-2147483649"), INT_MIN);
	assert_int_equal(atoi("junk"), 0);
	assert_int_equal(atol("-5000000000"), -5000000000L);
	assert_int_equal(abs(-5), 5);
	assert_int_equal(abs(5), 5);
	assert_int_equal(abs(INT_MIN), INT_MIN);
	assert_true(labs(-5000000000L) == 5000000000L);
	assert_true(llabs(LLONG_MIN) == LLONG_MIN);
}

/* ---- sorting ----------------------------------------------------------- */

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

struct rec {
	char name[13]; /* an odd size: qsort swaps byte by byte */
};

static int cmp_rec(const void *a, const void *b)
{
	return strcmp(((const struct rec *)a)->name,
		      ((const struct rec *)b)->name);
}

static void test_qsort(void **state)
{
	static int v[2000];
	uint32_t x = 12345;
	struct rec r[] = {{"pear"}, {"apple"}, {"fig"}, {"kiwi"}, {"banana"}};
	int one = 7;

	(void)state;
	for (size_t n = 0; n <= 2000; n = n ? n * 3 : 1) {
		long sum = 0, check = 0;

		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			v[i] = (int)(x >> 8) % 1000 - 500; /* duplicates too */
			sum += v[i];
		}
		qsort(v, n, sizeof(v[0]), cmp_int);
		for (size_t i = 0; i < n; i++) {
			check += v[i];
			if (i)
				assert_true(v[i - 1] <= v[i]);
		}
		assert_int_equal(sum, check); /* a permutation */
	}
	for (int i = 0; i < 100; i++)
		v[i] = 100 - i; /* reversed */
	qsort(v, 100, sizeof(v[0]), cmp_int);
	for (int i = 0; i < 100; i++)
		assert_int_equal(v[i], i + 1);
	qsort(r, 5, sizeof(r[0]), cmp_rec);
	assert_string_equal(r[0].name, "apple");
	assert_string_equal(r[1].name, "banana");
	assert_string_equal(r[4].name, "pear");
	qsort(&one, 1, sizeof(one), cmp_int);
	qsort(NULL, 0, sizeof(one), cmp_int);
	assert_int_equal(one, 7);

	for (int i = 0; i < 100; i++)
		v[i] = 2 * i;
	for (int i = -1; i < 201; i++) {
		int *found = bsearch(&i, v, 100, sizeof(v[0]), cmp_int);

		if (i >= 0 && i % 2 == 0 && i < 200)
			assert_ptr_equal(found, &v[i / 2]);
		else
			assert_null(found);
	}
	assert_null(bsearch(&one, v, 0, sizeof(v[0]), cmp_int));
}

/* ---- characters -------------------------------------------------------- */

static void test_ctype(void **state)
{
	(void)state;
	for (int c = -1; c < 300; c++) {
		bool upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
		bool digit = c >= '0' && c <= '9';
		bool print = c >= 32 && c <= 126;

		assert_int_equal(!!isupper(c), upper);
		assert_int_equal(!!islower(c), lower);
		assert_int_equal(!!isalpha(c), upper || lower);
		assert_int_equal(!!isdigit(c), digit);
		assert_int_equal(!!isalnum(c), upper || lower || digit);
		assert_int_equal(!!isxdigit(c),
				 digit || (c >= 'a' && c <= 'f') ||
					 (c >= 'A' && c <= 'F'));
		assert_int_equal(!!isprint(c), print);
		assert_int_equal(!!isgraph(c), print && c != ' ');
		assert_int_equal(!!ispunct(c),
				 print && c != ' ' &&
					 !(upper || lower || digit));
		assert_int_equal(!!iscntrl(c), (c >= 0 && c < 32) || c == 127);
		assert_int_equal(!!isspace(c), c == ' ' || (c >= 9 && c <= 13));
		assert_int_equal(!!isblank(c), c == ' ' || c == '\t');
		assert_int_equal(toupper(c), lower ? c - 32 : c);
		assert_int_equal(tolower(c), upper ? c + 32 : c);
	}
}

/* ---- output ------------------------------------------------------------ */

static char captured[8192];
static size_t captured_len, captured_writes;
static bool capture_fails;

static enum pith_error capture(const char *s, size_t len)
{
	if (capture_fails)
		return PITH_E_INVALID_CAPABILITY;
	assert_true(len <= sizeof(captured) - 1 - captured_len);
	memcpy(captured + captured_len, s, len);
	captured_len += len;
	captured[captured_len] = '\0';
	captured_writes++;
	return PITH_OK;
}

static void capture_reset(void)
{
	captured_len = captured_writes = 0;
	captured[0] = '\0';
	capture_fails = false;
}

static void test_stdout_default(void **state)
{
	(void)state;
	env_console_reset();
	assert_int_equal(printf("n=%d %s\n", 42, "ok"), 8);
	assert_int_equal(puts("line"), 0);
	assert_int_equal(putchar('x'), 'x');
	assert_int_equal(fputs("err", stderr), 0);
	assert_string_equal(env_console, "n=42 ok\nline\nxerr");
	/* Without a Debug capability the console fails: so does printf. */
	env_console_fails = true;
	errno = 0;
	assert_int_equal(printf("lost"), EOF);
	assert_int_equal(errno, EIO);
	assert_int_equal(putchar('y'), EOF);
	assert_int_equal(puts("lost"), EOF);
	env_console_reset();
}

static void test_stdout_hook(void **state)
{
	char big[1000];

	(void)state;
	capture_reset();
	env_console_reset();
	pith_set_stdout(capture);
	assert_int_equal(printf("%s=%u;", "a", 1u), 4);
	assert_int_equal(fprintf(stdout, "[%5d|%-4s|%03x]", -7, "ab", 10), 16);
	assert_int_equal(pith_stdout_write("raw", 3), PITH_OK);
	assert_int_equal(fputc('\n', stdout), '\n');
	assert_string_equal(captured, "a=1;[   -7|ab  |00a]raw\n");
	assert_int_equal(captured_writes, 4); /* one write per call */
	assert_int_equal(env_console_len, 0);

	/* Longer output goes out in 256-byte pieces, all of it. */
	capture_reset();
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(printf("%s!", big), 1000);
	assert_int_equal(captured_len, 1000);
	assert_int_equal(captured_writes, 4);
	assert_int_equal(captured[999], '!');
	assert_int_equal(puts(big), 0);
	assert_int_equal(captured_len, 2000);

	/* Only stdout and stderr are streams. */
	errno = 0;
	assert_int_equal(fputs("x", (FILE *)big), EOF);
	assert_int_equal(errno, EBADF);
	assert_int_equal(fprintf((FILE *)big, "x"), EOF);
	assert_int_equal(fputc('x', NULL), EOF);
	assert_int_equal(fflush(NULL), 0);
	assert_int_equal(fflush(stdout), 0);
	assert_int_equal(fflush((FILE *)big), EOF);

	capture_fails = true;
	assert_int_equal(fprintf(stderr, "x"), EOF);
	assert_int_equal(fputs("x", stdout), EOF);

	/* NULL: back to the console. */
	pith_set_stdout(NULL);
	env_console_reset();
	printf("back");
	assert_string_equal(env_console, "back");
	capture_reset();
}

static void test_snprintf(void **state)
{
	char buf[8];

	(void)state;
	assert_int_equal(snprintf(buf, sizeof(buf), "%d-%s", 12, "abcdef"), 9);
	assert_string_equal(buf, "12-abcd");
	assert_int_equal(snprintf(NULL, 0, "%x", 255u), 2);
	assert_int_equal(snprintf(buf, 1, "abc"), 3);
	assert_string_equal(buf, "");
}

/* ---- malloc ------------------------------------------------------------ */

static void test_heap_functions(void **state)
{
	char *p, *q;
	int *z;

	(void)state;
	p = malloc(100);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % 16, 0);
	memset(p, 1, 100);
	p = realloc(p, 5000);
	assert_non_null(p);
	for (int i = 0; i < 100; i++)
		assert_int_equal(p[i], 1);
	z = calloc(1000, sizeof(*z));
	assert_non_null(z);
	for (int i = 0; i < 1000; i++) /* zeroed, though the pages were not */
		assert_int_equal(z[i], 0);
	free(z);
	q = aligned_alloc(4096, 10);
	assert_non_null(q);
	assert_int_equal((uintptr_t)q % 4096, 0);
	free(q);
	free(p);
	free(NULL);

	errno = 0;
	assert_null(aligned_alloc(24, 10));
	assert_int_equal(errno, EINVAL);
	assert_null(aligned_alloc(0, 10));
	errno = 0;
	assert_null(calloc(SIZE_MAX / 2, 4));
	assert_int_equal(errno, ENOMEM);
	errno = 0;
	assert_null(malloc(SIZE_MAX));
	assert_int_equal(errno, ENOMEM);
	p = malloc(10);
	errno = 0;
	assert_null(realloc(p, SIZE_MAX));
	assert_int_equal(errno, ENOMEM);
	free(p); /* still p's */

	/* Large blocks get regions of their own, kept when freed for the
	 * next. */
	{
		size_t before = env_regions;

		p = malloc(1 << 20);
		assert_non_null(p);
		assert_int_equal(env_regions, before + 1);
		free(p);
		p = malloc(1 << 20);
		assert_non_null(p);
		assert_int_equal(env_regions, before + 1);
		free(p);
	}
}

static void do_free(void *p)
{
	free(p);
}

static void do_realloc(void *p)
{
	realloc(p, 100);
}

/* A bad free ends the program with a message, as abort() does. */
static void test_malloc_checks(void **state)
{
	char *p = malloc(32);
	char local[32];

	(void)state;
	capture_reset();
	pith_set_stdout(capture);
	free(p);
	assert_int_equal(exit_status(do_free, p), 134);
	assert_non_null(strstr(captured, "free(0x"));
	assert_non_null(strstr(captured, "): double free\n"));
	capture_reset();
	assert_int_equal(exit_status(do_free, local + 16), 134);
	assert_non_null(strstr(captured, "not a block in use from this heap"));
	capture_reset();
	assert_int_equal(exit_status(do_realloc, p), 134);
	assert_non_null(strstr(captured, "realloc(0x"));
	pith_set_stdout(NULL);
	capture_reset();
}

/* ---- the end ----------------------------------------------------------- */

static void do_exit(void *status)
{
	exit(*(int *)status);
}

static void do_abort(void *unused)
{
	(void)unused;
	abort();
}

static void do_assert(void *x)
{
	assert(*(int *)x == 3);
}

static void do_assert_false(void *x)
{
	assert(*(int *)x + 1 == 3);
}

static void test_exit_abort_assert(void **state)
{
	int zero = 0, seven = 7, three = 3;

	(void)state;
	assert_int_equal(exit_status(do_exit, &zero), 0);
	assert_int_equal(exit_status(do_exit, &seven), 7);
	assert_int_equal(exit_status(do_abort, NULL), 134);

	capture_reset();
	pith_set_stdout(capture);
	assert_int_equal(exit_status(do_assert, &three), -1); /* holds */
	assert_int_equal(captured_len, 0);
	assert_int_equal(exit_status(do_assert_false, &three), 134);
	assert_non_null(
		strstr(captured, "assertion failed: *(int *)x + 1 == 3 ("));
	assert_non_null(strstr(captured, "test_libc.c:"));
	assert_int_equal(captured[captured_len - 1], '\n');
	pith_set_stdout(NULL);
	capture_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_search, reset),
		cmocka_unit_test_setup(test_copy, reset),
		cmocka_unit_test_setup(test_dup, reset),
		cmocka_unit_test_setup(test_strtok_r, reset),
		cmocka_unit_test_setup(test_strerror, reset),
		cmocka_unit_test_setup(test_strtol, reset),
		cmocka_unit_test_setup(test_strtoul, reset),
		cmocka_unit_test_setup(test_qsort, reset),
		cmocka_unit_test_setup(test_ctype, reset),
		cmocka_unit_test_setup(test_stdout_default, reset),
		cmocka_unit_test_setup(test_stdout_hook, reset),
		cmocka_unit_test_setup(test_snprintf, reset),
		cmocka_unit_test_setup(test_heap_functions, reset),
		cmocka_unit_test_setup(test_malloc_checks, reset),
		cmocka_unit_test_setup(test_exit_abort_assert, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
