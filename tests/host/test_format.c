/*
 * Host tests for lib/format.c: fmt_snprintf() compared with the host C
 * library's snprintf() over a large set of conversions, widths, precisions
 * and flags, plus the places where Pith deliberately differs (%p, NULL %s,
 * unknown conversions) and truncation.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/format.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Format with libc and with fmt_vsnprintf; both must agree exactly. */
static void like_libc(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void like_libc(const char *fmt, ...)
{
	char want[512], got[512];
	va_list ap;
	int wn, gn;

	va_start(ap, fmt);
	wn = vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	gn = fmt_vsnprintf(got, sizeof(got), fmt, ap);
	va_end(ap);
	if (strcmp(want, got) != 0 || wn != gn)
		print_message(
			"format \"%s\": libc \"%s\" (%d), fmt \"%s\" (%d)\n",
			fmt, want, wn, got, gn);
	assert_string_equal(got, want);
	assert_int_equal(gn, wn);
}

/* fmt_vsnprintf with a format the compiler cannot check. */
static int format_raw(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Expect fmt_snprintf(buf, 128, ...) to give `want`. */
#define EXPECT_FMT(want, ...)                                                  \
	do {                                                                   \
		char buf_[128];                                                \
		int n_ = fmt_snprintf(buf_, sizeof(buf_), __VA_ARGS__);        \
                                                                               \
		assert_string_equal(buf_, want);                               \
		assert_int_equal(n_, strlen(want));                            \
	} while (0)

static const int int_values[] = {
	0,	 1,	  -1,	    7,	      -7,      42,	 -42,
	255,	 -255,	  4096,	    12345,    -12345,  99999,	 -99999,
	INT_MAX, INT_MIN, SHRT_MAX, SHRT_MIN, 1000000, -1000000,
};

static const unsigned uint_values[] = {
	0, 1, 7, 8, 15, 16, 255, 256, 4095, 0xdeadbeef, 0x7fffffff, UINT_MAX,
};

static const long long ll_values[] = {
	0,
	1,
	-1,
	LLONG_MAX,
	LLONG_MIN,
	LLONG_MIN + 1,
	0x123456789abcdefLL,
	-0x123456789abcdefLL,
	1LL << 32,
	-(1LL << 32),
};

/* ---- sweeps against libc ----------------------------------------------- */

static void test_plain_text_and_percent(void **state)
{
	(void)state;
	like_libc("");
	like_libc("hello, world");
	like_libc("%%");
	like_libc("100%% sure, %d%%", 5);
	like_libc("%%d %s", "x");
	like_libc("tab\there\nnewline");
}

static void test_signed_sweep(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(int_values); i++) {
		int v = int_values[i];

		like_libc("%d", v);
		like_libc("%i", v);
		like_libc("[%d|%i]", v, v / 2);
		for (int w = -12; w <= 12; w++) {
			for (int p = -2; p <= 12; p++) {
				like_libc("%*.*d", w, p, v);
				like_libc("%-*.*d", w, p, v);
				like_libc("%0*.*d", w, p, v);
				like_libc("%-*.*i", w, p, v);
			}
			like_libc("%*d", w, v);
			like_libc("%0*d", w, v);
			like_libc("%-*i", w, v);
		}
	}
}

static void test_unsigned_sweep(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(uint_values); i++) {
		unsigned v = uint_values[i];

		like_libc("%u %x %X %o", v, v, v, v);
		for (int w = -12; w <= 12; w++) {
			for (int p = -2; p <= 12; p++) {
				like_libc("%*.*u", w, p, v);
				like_libc("%-*.*x", w, p, v);
				like_libc("%0*.*X", w, p, v);
				like_libc("%*.*o", w, p, v);
				like_libc("%0*o|%-*x", w, v, w, v);
			}
		}
	}
}

static void test_64bit_sweep(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(ll_values); i++) {
		long long v = ll_values[i];
		unsigned long long u = (unsigned long long)v;

		like_libc("%lld %lli %llu %llx %llX %llo", v, v, u, u, u, u);
		like_libc("%ld %lu %lx", (long)v, (unsigned long)u,
			  (unsigned long)u);
		like_libc("%jd %ju %jx", (intmax_t)v, (uintmax_t)u,
			  (uintmax_t)u);
		like_libc("%zu %zx %td", (size_t)u, (size_t)u, (ptrdiff_t)v);
		for (int w = 0; w <= 24; w += 3) {
			for (int p = -1; p <= 24; p += 5) {
				like_libc("%*.*lld", w, p, v);
				like_libc("%-*.*llx", w, p, u);
				like_libc("%0*.*llu", w, p, u);
				like_libc("%0*llo", w, u);
				like_libc("%0*lld", w, v);
			}
		}
	}
}

static void test_char_sweep(void **state)
{
	(void)state;
	for (int w = -5; w <= 5; w++) {
		like_libc("%*c|", w, 'A');
		like_libc("%-*c|", w, 'z');
	}
	like_libc("%c%c%c", 'a', ' ', '~');
	like_libc("[%3c][%-3c]", 'x', 'y');
}

static void test_string_sweep(void **state)
{
	static const char *const strs[] = {"", "a", "hello", "a longer one"};

	(void)state;
	for (size_t i = 0; i < NELEM(strs); i++) {
		like_libc("%s", strs[i]);
		for (int w = -14; w <= 14; w++) {
			for (int p = -1; p <= 14; p++) {
				like_libc("%*.*s|", w, p, strs[i]);
				like_libc("%-*.*s|", w, p, strs[i]);
			}
		}
	}
	like_libc("%.0s|%.2s|%10.3s|%-10.3s|", "abc", "abc", "abcdef",
		  "abcdef");
}

static void test_length_modifiers(void **state)
{
	int big = 70000, neg = -70000, b200 = 200, b300 = 300;
	unsigned ub = 0x12345;

	(void)state;
	like_libc("%hd %hi %hu %hx", (short)big, (short)neg,
		  (unsigned short)big, (unsigned short)ub);
	like_libc("%hhd %hhi %hhu %hhx", (signed char)b200, (signed char)-b300,
		  (unsigned char)b300, (unsigned char)0x1ff);
	like_libc("%ld %li %lu %lx %lo", LONG_MIN, LONG_MAX, ULONG_MAX,
		  ULONG_MAX, ULONG_MAX);
	like_libc("%lld %llu", LLONG_MIN, ULLONG_MAX);
	like_libc("%zu %zx", SIZE_MAX, SIZE_MAX);
	like_libc("%td %ti", PTRDIFF_MIN, PTRDIFF_MAX);
	like_libc("%jd %ju %jx", INTMAX_MIN, UINTMAX_MAX, UINTMAX_MAX);
	like_libc("%5hd|%-8hhu|%010lx", (short)-3, (unsigned char)250,
		  0xabcdefUL);
}

/* hh and h narrow what was passed as an int, as C requires. */
static void test_short_modifiers_narrow_int_arguments(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(format_raw(buf, sizeof(buf), "%hhd", 200), 3);
	assert_string_equal(buf, "-56");
	format_raw(buf, sizeof(buf), "%hhu", 300);
	assert_string_equal(buf, "44");
	format_raw(buf, sizeof(buf), "%hhx", 0x1ff);
	assert_string_equal(buf, "ff");
	format_raw(buf, sizeof(buf), "%hd", 70000);
	assert_string_equal(buf, "4464");
	format_raw(buf, sizeof(buf), "%hu", -1);
	assert_string_equal(buf, "65535");
	format_raw(buf, sizeof(buf), "%hx", 0x12345);
	assert_string_equal(buf, "2345");
}

static void test_extremes(void **state)
{
	(void)state;
	like_libc("%lld", (long long)INT64_MIN);
	like_libc("%ld", (long)INT64_MIN);
	like_libc("%jd", (intmax_t)INT64_MIN);
	like_libc("%30lld|%-30lld|%030lld", (long long)INT64_MIN,
		  (long long)INT64_MIN, (long long)INT64_MIN);
	like_libc("%.25lld", (long long)INT64_MIN);
	like_libc("%llu %llx %llo", (unsigned long long)UINT64_MAX,
		  (unsigned long long)UINT64_MAX,
		  (unsigned long long)UINT64_MAX);
	like_libc("%d %d", INT_MIN, INT_MAX);
	like_libc("%u %x %o", UINT_MAX, UINT_MAX, UINT_MAX);
	like_libc("%200d|", 1);
	like_libc("%-200s|", "left");
	like_libc("%.200d|", -1);
}

static void test_zero_with_precision_zero(void **state)
{
	(void)state;
	like_libc("[%.0d]", 0);
	like_libc("[%.0i]", 0);
	like_libc("[%.0u]", 0u);
	like_libc("[%.0x]", 0u);
	like_libc("[%.0o]", 0u);
	like_libc("[%.d]", 0);
	like_libc("[%5.0d]", 0);
	like_libc("[%-5.0d]", 0);
	like_libc("[%05.0d]", 0);
	like_libc("[%.0d]", 1);
	like_libc("[%.0lld]", 0LL);
}

static void test_mixed_arguments(void **state)
{
	(void)state;
	like_libc("%s=%d (%x) %c%c %5.2s|%-4u|%08X", "key", -17, 255u, 'o', 'k',
		  "abcdef", 9u, 0xbeefu);
	like_libc("%lu:%s:%hhd:%lld:%c", 123456789UL, "", (signed char)-5,
		  -9876543210LL, '!');
	like_libc("%*s%*d%-*s|", 6, "ab", -5, 3, 4, "x");
}

/* ---- where Pith differs from glibc or glibc's behaviour is undefined --- */

static void test_null_string(void **state)
{
	(void)state;
	EXPECT_FMT("(null)", "%s", (const char *)NULL);
	EXPECT_FMT("  (null)|", "%8s|", (const char *)NULL);
	EXPECT_FMT("(null)  |", "%-8s|", (const char *)NULL);
	EXPECT_FMT("(nu", "%.3s", (const char *)NULL);
}

static void test_pointer(void **state)
{
	(void)state;
	EXPECT_FMT("0x0000000000001234", "%p", (void *)0x1234);
	EXPECT_FMT("0x0000000000000000", "%p", (void *)NULL);
	EXPECT_FMT("0xffffffff80000000", "%p", (void *)0xffffffff80000000ULL);
	EXPECT_FMT("[  0x00000000deadbeef]", "[%20p]", (void *)0xdeadbeef);
	EXPECT_FMT("[0x00000000deadbeef  ]", "[%-20p]", (void *)0xdeadbeef);
	EXPECT_FMT("0x00007ffe00000000", "%p", (void *)0x7ffe00000000);
}

static void test_unsupported_flags_ignored(void **state)
{
	(void)state;
	EXPECT_FMT("5", "%+d", 5);
	EXPECT_FMT("5", "% d", 5);
	EXPECT_FMT("ff", "%#x", 255u);
	EXPECT_FMT("  -5", "%+4d", -5);
}

static void test_unknown_conversion_printed(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(format_raw(buf, sizeof(buf), "a%yb", 1), 3);
	assert_string_equal(buf, "ayb");
	format_raw(buf, sizeof(buf), "%5%|");
	assert_string_equal(buf, "%|");
}

static void test_trailing_percent(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(format_raw(buf, sizeof(buf), "abc%"), 3);
	assert_string_equal(buf, "abc");
	assert_int_equal(format_raw(buf, sizeof(buf), "abc%-08"), 3);
	assert_string_equal(buf, "abc");
}

/* ---- truncation -------------------------------------------------------- */

static void test_truncation_returns_full_length(void **state)
{
	char buf[16];

	(void)state;
	memset(buf, '@', sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, 6, "%s %d", "hello", 12345), 11);
	assert_string_equal(buf, "hello");
	assert_int_equal(buf[6], '@'); /* nothing past size */

	memset(buf, '@', sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, 1, "%s", "hello"), 5);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], '@');
}

static void test_truncation_at_every_size(void **state)
{
	static const char full[] = "value=-42 name=pith   |";
	char buf[sizeof(full) + 4];

	(void)state;
	for (size_t size = 1; size <= sizeof(buf); size++) {
		size_t len = size - 1 < strlen(full) ? size - 1 : strlen(full);

		memset(buf, '@', sizeof(buf));
		assert_int_equal(fmt_snprintf(buf, size, "value=%d name=%-7s|",
					      -42, "pith"),
				 strlen(full));
		assert_memory_equal(buf, full, len);
		assert_int_equal(buf[len], '\0');
		for (size_t i = len + 1; i < sizeof(buf); i++)
			assert_int_equal(buf[i], '@');
	}
}

static void test_size_zero_writes_nothing(void **state)
{
	char buf[4] = "abc";

	(void)state;
	assert_int_equal(fmt_snprintf(buf, 0, "%d", 123456), 6);
	assert_string_equal(buf, "abc");
	assert_int_equal(fmt_snprintf(NULL, 0, "%s-%x", "long", 0xabcu), 8);
}

/* ---- fmt_vformat ------------------------------------------------------- */

struct capture {
	char text[64];
	size_t len;
};

static void capture_sink(char c, void *ctx)
{
	struct capture *cap = ctx;

	assert_true(cap->len < sizeof(cap->text));
	cap->text[cap->len++] = c;
}

static int capture(struct capture *cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vformat(capture_sink, cap, fmt, ap);
	va_end(ap);
	return n;
}

/* Widths and precisions are clamped to 4096: a '*' of INT_MIN or a width
 * longer than an int can hold must not overflow (UBSan would abort). */
static void test_huge_fields_clamped(void **state)
{
	char buf[8];

	(void)state;
	assert_int_equal(format_raw(buf, sizeof(buf), "%*d", INT_MIN, 5), 4096);
	assert_string_equal(buf, "5      "); /* negative: left-justified */
	assert_int_equal(format_raw(buf, sizeof(buf), "%*d", INT_MAX, 5), 4096);
	assert_int_equal(format_raw(buf, sizeof(buf), "%99999999999d", 5),
			 4096);
	assert_int_equal(format_raw(buf, sizeof(buf), "%.99999999999d", 5),
			 4096);
	assert_int_equal(format_raw(buf, sizeof(buf), "%.*d", INT_MAX, 5),
			 4096);
	/* A negative '*' precision means none. */
	assert_int_equal(format_raw(buf, sizeof(buf), "%.*s", -1, "abc"), 3);
	assert_string_equal(buf, "abc");
	assert_int_equal(format_raw(buf, sizeof(buf), "%.*s", INT_MIN, "abc"),
			 3);
}

static void test_vformat_sink_gets_every_char(void **state)
{
	struct capture cap = {.len = 0};

	(void)state;
	assert_int_equal(capture(&cap, "%s:%04d:%c", "ab", 7, 'z'), 9);
	assert_int_equal(cap.len, 9);
	assert_memory_equal(cap.text, "ab:0007:z", 9); /* no NUL added */

	cap.len = 0;
	assert_int_equal(capture(&cap, ""), 0);
	assert_int_equal(cap.len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text_and_percent),
		cmocka_unit_test(test_signed_sweep),
		cmocka_unit_test(test_unsigned_sweep),
		cmocka_unit_test(test_64bit_sweep),
		cmocka_unit_test(test_char_sweep),
		cmocka_unit_test(test_string_sweep),
		cmocka_unit_test(test_length_modifiers),
		cmocka_unit_test(test_short_modifiers_narrow_int_arguments),
		cmocka_unit_test(test_extremes),
		cmocka_unit_test(test_zero_with_precision_zero),
		cmocka_unit_test(test_mixed_arguments),
		cmocka_unit_test(test_null_string),
		cmocka_unit_test(test_pointer),
		cmocka_unit_test(test_unsupported_flags_ignored),
		cmocka_unit_test(test_unknown_conversion_printed),
		cmocka_unit_test(test_trailing_percent),
		cmocka_unit_test(test_truncation_returns_full_length),
		cmocka_unit_test(test_truncation_at_every_size),
		cmocka_unit_test(test_size_zero_writes_nothing),
		cmocka_unit_test(test_vformat_sink_gets_every_char),
		cmocka_unit_test(test_huge_fields_clamped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
