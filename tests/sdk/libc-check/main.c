/*
 * libc-check: the SDK's C library on a running system. init starts it
 * from the manifest (tests/sdk/run.py adds the lines):
 *
 *   libc-check                   the checks below, one TEST line each,
 *                                then "libc-check: N cases, M failed"
 *   libc-check double-free       frees a block twice: must not return
 *   libc-check assert            fails an assert: must not return
 *
 * The heap's logic is tested on the host (tests/host/libc); this is the
 * part only a real program has: pages from pith_vm_map_new(), mapped and
 * unmapped, running out, and the program's end through pith_exit().
 */
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pith/pith.h"
#include "pith/stdout.h"

#define BIG   ((size_t)256 * 1024) /* a large block: a region of its own */
#define CHUNK ((size_t)32 * 1024)  /* a small block, as big as they come */

static unsigned cases, failed;

/* One check: a TEST line, PASS or FAIL with why. */
static void check(const char *name, bool ok, const char *why)
{
	cases++;
	if (ok) {
		printf("TEST libc.%s PASS\n", name);
	} else {
		failed++;
		printf("TEST libc.%s FAIL %s\n", name, why);
	}
}

static bool filled(const unsigned char *p, size_t n, unsigned char v)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != v)
			return false;
	}
	return true;
}

/* Many small blocks, more than the first arenas hold: every block keeps
 * its bytes, and all of it can be freed and had again. */
static void check_small(void)
{
	enum { N = 600, SIZE = 700 };
	static unsigned char *p[N];
	bool ok = true;

	for (int round = 0; round < 2 && ok; round++) {
		for (int i = 0; i < N && ok; i++) {
			p[i] = malloc(SIZE);
			ok = p[i] && (uintptr_t)p[i] % 16 == 0;
			if (ok)
				memset(p[i], i & 0xff, SIZE);
		}
		for (int i = 0; i < N && ok; i++)
			ok = filled(p[i], SIZE, i & 0xff);
		for (int i = 0; i < N; i++)
			free(p[i]);
	}
	check("small", ok, "a block lost its bytes or was not had");
}

/* Blocks of 64 KiB and more are mappings of their own, given back by
 * free(): the same big block can be had again and again. */
static void check_large(void)
{
	bool ok = true;

	for (int i = 0; i < 8 && ok; i++) {
		unsigned char *p = malloc(BIG);

		ok = p != NULL;
		if (ok) {
			memset(p, 0x5a, BIG);
			ok = filled(p, BIG, 0x5a);
			free(p);
		}
	}
	check("large", ok, "a 256 KiB block failed the 2nd time or later");
}

/* calloc zeroes; realloc keeps the bytes as a block grows from 16 bytes
 * to a large mapping; aligned_alloc aligns. */
static void check_calloc_realloc(void)
{
	unsigned char *p = calloc(3000, 1), *q;
	size_t size = 16;
	bool ok = p && filled(p, 3000, 0);

	free(p);
	p = malloc(size);
	ok = ok && p;
	if (p)
		memset(p, 1, size);
	for (; ok && size < BIG; size *= 2) {
		q = realloc(p, size * 2);
		ok = q && filled(q, size, 1);
		if (q) {
			p = q;
			memset(p, 1, size * 2);
		}
	}
	free(p);
	p = aligned_alloc(4096, 100);
	ok = ok && p && (uintptr_t)p % 4096 == 0;
	free(p);
	check("calloc_realloc", ok, "calloc, realloc or aligned_alloc");
}

/* When memory runs out, malloc says so (NULL, ENOMEM) and the heap still
 * works once something is freed. */
static void check_exhaustion(void)
{
	void *head = NULL, *p;
	unsigned n = 0;
	bool ok;

	errno = 0;
	while ((p = malloc(CHUNK)) != NULL) {
		*(void **)p = head;
		head = p;
		n++;
	}
	ok = errno == ENOMEM && n > 4;
	while (head) {
		p = *(void **)head;
		free(head);
		head = p;
	}
	p = malloc(CHUNK);
	ok = ok && p != NULL;
	free(p);
	printf("libc-check: %u blocks of 32 KiB before the memory ran out\n",
	       n);
	check("exhaustion", ok, "no ENOMEM, or no memory after the frees");
}

static int by_value(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void check_strings(void)
{
	char buf[32], *end, *copy = strdup("a,b;;c");
	char *save, *t;
	int v[] = {5, 3, 9, 1, 7};
	bool ok = copy != NULL;

	snprintf(buf, sizeof(buf), "%d-%s-%x", -12, "ab", 255u);
	ok = ok && strcmp(buf, "-12-ab-ff") == 0;
	ok = ok && strtol("  -0x1F!", &end, 0) == -31 && *end == '!';
	ok = ok && strtoul("777", NULL, 8) == 511;
	t = strtok_r(copy, ",;", &save);
	ok = ok && t && strcmp(t, "a") == 0;
	t = strtok_r(NULL, ",;", &save);
	ok = ok && t && strcmp(t, "b") == 0;
	t = strtok_r(NULL, ",;", &save);
	ok = ok && t && strcmp(t, "c") == 0;
	free(copy);
	qsort(v, 5, sizeof(v[0]), by_value);
	ok = ok && v[0] == 1 && v[2] == 5 && v[4] == 9;
	check("strings", ok, "snprintf, strtol, strtoul, strtok_r or qsort");
}

static char captured[64];
static size_t captured_len;

static enum pith_error capture(const char *s, size_t len)
{
	if (len > sizeof(captured) - 1 - captured_len)
		return PITH_E_RANGE;
	memcpy(captured + captured_len, s, len);
	captured_len += len;
	captured[captured_len] = '\0';
	return PITH_OK;
}

/* Standard output goes where the hook says, and back. */
static void check_stdout(void)
{
	bool ok;

	pith_set_stdout(capture);
	printf("x=%d", 42);
	puts("!");
	pith_set_stdout(NULL);
	ok = strcmp(captured, "x=42!\n") == 0;
	check("stdout_hook", ok, "the hook did not get the output");
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "double-free") == 0) {
		char *p = malloc(10);

		free(p);
		/* Freed twice on purpose: this ends the program, status 134. */
		/* cppcheck-suppress doubleFree */
		free(p); /* NOLINT(clang-analyzer-unix.Malloc) */
		puts("libc-check: a double free went unnoticed");
		return 1;
	}
	if (argc > 1 && strcmp(argv[1], "assert") == 0) {
		assert(argc == 1);
		puts("libc-check: a failed assert went on");
		return 1;
	}
	check_small();
	check_large();
	check_calloc_realloc();
	check_exhaustion();
	check_strings();
	check_stdout();
	printf("libc-check: %u cases, %u failed\n", cases, failed);
	if (failed)
		puts("libc-check: FAILED");
	return failed != 0;
}
