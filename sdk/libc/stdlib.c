/*
 * Number parsing, sorting and the program's end (stdlib.h); the heap is
 * malloc.c's.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

#include "libc.h"
#include "pith/pith.h"

/* The value of digit character c, or 36 (no base has it). */
static unsigned digit(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'z')
		return (unsigned)(c - 'a') + 10;
	if (c >= 'A' && c <= 'Z')
		return (unsigned)(c - 'A') + 10;
	return 36;
}

/* What the strto* functions share: parse the number at s as strtoull
 * does, without its range check. Returns the magnitude; *neg says whether
 * a '-' came first, *overflow whether the digits exceed ULLONG_MAX. */
static unsigned long long parse(const char *s, char **end, int base, bool *neg,
				bool *overflow)
{
	const char *p = s;
	unsigned long long v = 0;
	bool any = false;

	*neg = *overflow = false;
	if (end)
		*end = (char *)s;
	if (base != 0 && (base < 2 || base > 36)) {
		errno = EINVAL;
		return 0;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' &&
	    (p[1] == 'x' || p[1] == 'X') && digit(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = *p == '0' ? 8 : 10;
	}
	for (unsigned d; (d = digit(*p)) < (unsigned)base; p++) {
		any = true;
		if (v > (ULLONG_MAX - d) / (unsigned)base)
			*overflow = true;
		else
			v = v * (unsigned)base + d;
	}
	if (any && end)
		*end = (char *)p;
	return any ? v : 0;
}

/* A signed result in [min, max] (min = -max - 1) from a magnitude. */
static long long to_signed(unsigned long long v, bool neg, bool overflow,
			   long long max)
{
	if (overflow || v > (unsigned long long)max + neg) {
		errno = ERANGE;
		return neg ? -max - 1 : max;
	}
	if (!neg || v == 0)
		return (long long)v;
	return -(long long)(v - 1) - 1;
}

/* An unsigned result up to max, negated if a '-' came first. */
static unsigned long long to_unsigned(unsigned long long v, bool neg,
				      bool overflow, unsigned long long max)
{
	if (overflow || v > max) {
		errno = ERANGE;
		return max;
	}
	return neg ? (0 - v) & max : v;
}

long strtol(const char *restrict s, char **restrict end, int base)
{
	bool neg, overflow;
	unsigned long long v = parse(s, end, base, &neg, &overflow);

	return (long)to_signed(v, neg, overflow, LONG_MAX);
}

long long strtoll(const char *restrict s, char **restrict end, int base)
{
	bool neg, overflow;
	unsigned long long v = parse(s, end, base, &neg, &overflow);

	return to_signed(v, neg, overflow, LLONG_MAX);
}

unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
	bool neg, overflow;
	unsigned long long v = parse(s, end, base, &neg, &overflow);

	return (unsigned long)to_unsigned(v, neg, overflow, ULONG_MAX);
}

unsigned long long strtoull(const char *restrict s, char **restrict end,
			    int base)
{
	bool neg, overflow;
	unsigned long long v = parse(s, end, base, &neg, &overflow);

	return to_unsigned(v, neg, overflow, ULLONG_MAX);
}

int atoi(const char *s)
{
	bool neg, overflow;
	unsigned long long v = parse(s, NULL, 10, &neg, &overflow);

	return (int)to_signed(v, neg, overflow, INT_MAX);
}

long atol(const char *s)
{
	return strtol(s, NULL, 10);
}

int abs(int v)
{
	return v < 0 && v != INT_MIN ? -v : v;
}

long labs(long v)
{
	return v < 0 && v != LONG_MIN ? -v : v;
}

long long llabs(long long v)
{
	return v < 0 && v != LLONG_MIN ? -v : v;
}

/* ---- sorting ----------------------------------------------------------- */

static void swap(char *a, char *b, size_t size)
{
	for (; size; size--, a++, b++) {
		char t = *a;

		*a = *b;
		*b = t;
	}
}

/* Restore the max-heap below `root` in the first n elements. */
static void sift_down(char *base, size_t root, size_t n, size_t size,
		      int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n &&
		    cmp(base + child * size, base + (child + 1) * size) < 0)
			child++;
		if (cmp(base + root * size, base + child * size) >= 0)
			return;
		swap(base + root * size, base + child * size, size);
		root = child;
	}
}

void qsort(void *base, size_t n, size_t size,
	   int (*cmp)(const void *, const void *))
{
	char *b = base;

	if (n < 2 || size == 0)
		return;
	for (size_t i = n / 2; i-- > 0;)
		sift_down(b, i, n, size, cmp);
	for (size_t last = n - 1; last > 0; last--) {
		swap(b, b + last * size, size);
		sift_down(b, 0, last, size, cmp);
	}
}

void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *))
{
	const char *b = base;

	while (n) {
		const char *mid = b + (n / 2) * size;
		int c = cmp(key, mid);

		if (c == 0)
			return (void *)mid;
		if (c > 0) {
			b = mid + size;
			n -= n / 2 + 1;
		} else {
			n /= 2;
		}
	}
	return NULL;
}

/* ---- the end ----------------------------------------------------------- */

void exit(int status)
{
	pith_exit(status);
}

void abort(void)
{
	pith_exit(LIBC_ABORT_STATUS);
}
