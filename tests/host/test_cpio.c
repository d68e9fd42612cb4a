/*
 * Host tests for lib/cpio.c: the newc reader on archives built by hand,
 * valid and corrupt, and on every truncation of a valid archive.
 *
 * Archives are read from heap buffers of exactly their size, so a read past
 * the end is caught by AddressSanitizer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/cpio.h"

#define HDR_SIZE   110
#define MODE_FILE  (CPIO_MODE_REG | 0644u)
#define MODE_DIR   (CPIO_MODE_DIR | 0755u)
#define FIELD_MODE 1
#define FIELD_SIZE 6
#define FIELD_NAME 11
#define NFIELDS	   13

/* An archive under construction. */
struct ar {
	uint8_t buf[16384];
	size_t len;
};

static void ar_bytes(struct ar *a, const void *p, size_t n)
{
	assert_true(n <= sizeof(a->buf) - a->len);
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void ar_pad(struct ar *a)
{
	while (a->len % 4)
		ar_bytes(a, "", 1);
}

/* A header with the given fields (ino, mode, ..., namesize, check). */
static void ar_header(struct ar *a, const uint32_t field[NFIELDS])
{
	char hdr[HDR_SIZE + 1];
	int n = snprintf(hdr, sizeof(hdr), "070701");

	for (int i = 0; i < NFIELDS; i++)
		n += snprintf(hdr + n, sizeof(hdr) - (size_t)n, "%08X",
			      (unsigned)field[i]);
	assert_int_equal(n, HDR_SIZE);
	ar_bytes(a, hdr, HDR_SIZE);
}

static void ar_fields(uint32_t field[NFIELDS], uint32_t mode, size_t size,
		      size_t namesize)
{
	memset(field, 0, NFIELDS * sizeof(field[0]));
	field[0] = 1; /* ino */
	field[FIELD_MODE] = mode;
	field[4] = 1; /* nlink */
	field[FIELD_SIZE] = (uint32_t)size;
	field[FIELD_NAME] = (uint32_t)namesize;
}

/* A well-formed member: header, name, padding, data, padding. */
static void ar_member(struct ar *a, const char *name, uint32_t mode,
		      const void *data, size_t size)
{
	uint32_t field[NFIELDS];

	ar_fields(field, mode, size, strlen(name) + 1);
	ar_header(a, field);
	ar_bytes(a, name, strlen(name) + 1);
	ar_pad(a);
	ar_bytes(a, data, size);
	ar_pad(a);
}

static void ar_file(struct ar *a, const char *name, const char *text)
{
	ar_member(a, name, MODE_FILE, text, strlen(text));
}

static void ar_trailer(struct ar *a)
{
	ar_member(a, "TRAILER!!!", 0, "", 0);
}

/* The last copy made by ar_copy(): freed by the next one, or at the end,
 * so a failed assertion does not leak it. */
static uint8_t *copy;

static int free_copy(void **state)
{
	(void)state;
	free(copy);
	copy = NULL;
	return 0;
}

/* An exact-size heap copy of the first `len` bytes. */
static const uint8_t *ar_copy(const struct ar *a, size_t len)
{
	assert_true(len <= a->len);
	free(copy);
	copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, a->buf, len);
	return copy;
}

static enum cpio_error check(const struct ar *a, size_t *members)
{
	return cpio_check(ar_copy(a, a->len), a->len, members);
}

/* cpio_find() in a copy; on success, compare the data with `want`. */
static enum cpio_error find(const struct ar *a, const char *name,
			    const char *want)
{
	const uint8_t *p = ar_copy(a, a->len);
	struct cpio_entry e;
	enum cpio_error err = cpio_find(p, a->len, name, &e);

	if (err == CPIO_OK && want) {
		assert_int_equal(e.size, strlen(want));
		assert_memory_equal(e.data, want, e.size);
		assert_int_equal(e.mode & CPIO_MODE_TYPE, CPIO_MODE_REG);
		assert_true((const uint8_t *)e.data >= p &&
			    (const uint8_t *)e.data + e.size <= p + a->len);
	}
	return err;
}

/* ---- well-formed archives ---------------------------------------------- */

static void test_empty_archive(void **state)
{
	struct ar a = {0};
	struct cpio_iter it;
	struct cpio_entry e;
	size_t n = 99;

	(void)state;
	ar_trailer(&a);
	assert_int_equal(a.len, 124);
	assert_int_equal(check(&a, &n), CPIO_OK);
	assert_int_equal(n, 0);
	cpio_iter_init(&it, a.buf, a.len);
	assert_int_equal(cpio_next(&it, &e), CPIO_END);
	assert_int_equal(find(&a, "init", NULL), CPIO_E_NOT_FOUND);
}

static void test_members_in_order(void **state)
{
	static const uint8_t bin[] = {0, 1, 2, 0xff, 0x7f};
	struct ar a = {0};
	struct cpio_iter it;
	struct cpio_entry e;

	(void)state;
	ar_file(&a, "init", "#!init\n");
	ar_member(&a, "etc", MODE_DIR, "", 0);
	ar_member(&a, "etc/bin", MODE_FILE, bin, sizeof(bin));
	ar_trailer(&a);

	cpio_iter_init(&it, a.buf, a.len);
	assert_int_equal(cpio_next(&it, &e), CPIO_OK);
	assert_string_equal(e.name, "init");
	assert_int_equal(e.namelen, 4);
	assert_int_equal(e.size, 7);
	assert_memory_equal(e.data, "#!init\n", 7);
	assert_int_equal(e.mode, MODE_FILE);
	assert_int_equal(cpio_next(&it, &e), CPIO_OK);
	assert_string_equal(e.name, "etc");
	assert_int_equal(e.mode, MODE_DIR);
	assert_int_equal(e.size, 0);
	assert_int_equal(cpio_next(&it, &e), CPIO_OK);
	assert_string_equal(e.name, "etc/bin");
	assert_int_equal(e.namelen, 7);
	assert_int_equal(e.size, sizeof(bin));
	assert_memory_equal(e.data, bin, sizeof(bin));
	assert_int_equal(cpio_next(&it, &e), CPIO_END);
}

static void test_check_counts_members(void **state)
{
	struct ar a = {0};
	size_t n = 0;

	(void)state;
	ar_file(&a, "a", "1");
	ar_file(&a, "b", "22");
	ar_file(&a, "c", "333");
	ar_file(&a, "d", "4444");
	ar_trailer(&a);
	assert_int_equal(check(&a, &n), CPIO_OK);
	assert_int_equal(n, 4);
	assert_int_equal(check(&a, NULL), CPIO_OK);
}

static void test_bytes_after_trailer_ignored(void **state)
{
	struct ar a = {0};
	size_t n = 0;

	(void)state;
	ar_file(&a, "a", "x");
	ar_trailer(&a);
	ar_file(&a, "hidden", "after the end");
	ar_bytes(&a, "\0\0\0\0garbage", 11);
	assert_int_equal(check(&a, &n), CPIO_OK);
	assert_int_equal(n, 1);
	assert_int_equal(find(&a, "hidden", NULL), CPIO_E_NOT_FOUND);
}

/* Only the exact name TRAILER!!! ends the archive. */
static void test_names_like_trailer_are_members(void **state)
{
	struct ar a = {0};
	size_t n = 0;

	(void)state;
	ar_file(&a, "TRAILER", "1");
	ar_file(&a, "TRAILER!!", "2");
	ar_file(&a, "TRAILER!!!!", "3");
	ar_file(&a, "./TRAILER!!!", "4");
	ar_trailer(&a);
	ar_file(&a, "after", "5");
	ar_trailer(&a);
	assert_int_equal(check(&a, &n), CPIO_OK);
	assert_int_equal(n, 4);
	assert_int_equal(find(&a, "TRAILER!!!!", "3"), CPIO_OK);
	assert_int_equal(find(&a, "after", NULL), CPIO_E_NOT_FOUND);
}

static void test_lowercase_hex_accepted(void **state)
{
	struct ar a = {0};
	struct cpio_iter it;
	struct cpio_entry e;
	char hdr[HDR_SIZE + 1];

	(void)state;
	snprintf(hdr, sizeof(hdr),
		 "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		 0xabcdefu, MODE_FILE, 0u, 0u, 1u, 0u, 0xau, 0u, 0u, 0u, 0u, 2u,
		 0u);
	ar_bytes(&a, hdr, HDR_SIZE);
	ar_bytes(&a, "x", 2);
	ar_pad(&a);
	ar_bytes(&a, "0123456789", 10);
	ar_pad(&a);
	ar_trailer(&a);
	cpio_iter_init(&it, a.buf, a.len);
	assert_int_equal(cpio_next(&it, &e), CPIO_OK);
	assert_int_equal(e.size, 10);
	assert_int_equal(e.mode, MODE_FILE);
	assert_int_equal(cpio_next(&it, &e), CPIO_END);
}

static void test_longest_name_accepted(void **state)
{
	struct ar a = {0};
	char name[CPIO_NAME_MAX];

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0'; /* namesize == CPIO_NAME_MAX */
	ar_file(&a, name, "long");
	ar_trailer(&a);
	assert_int_equal(check(&a, NULL), CPIO_OK);
	assert_int_equal(find(&a, name, "long"), CPIO_OK);
}

/* ---- cpio_find --------------------------------------------------------- */

static void test_find_plain_name(void **state)
{
	struct ar a = {0};

	(void)state;
	ar_file(&a, "init", "INIT");
	ar_file(&a, "sbin/init", "SBIN");
	ar_trailer(&a);
	assert_int_equal(find(&a, "init", "INIT"), CPIO_OK);
	assert_int_equal(find(&a, "sbin/init", "SBIN"), CPIO_OK);
}

static void test_find_ignores_dot_slash_and_slash_prefixes(void **state)
{
	static const char *const stored[] = {"init", "./init", "/init",
					     ".//./init"};
	static const char *const asked[] = {"init", "./init", "/init",
					    "/./init", "././init"};

	(void)state;
	for (size_t i = 0; i < sizeof(stored) / sizeof(stored[0]); i++) {
		struct ar a = {0};

		ar_file(&a, "other", "no");
		ar_file(&a, stored[i], "yes");
		ar_trailer(&a);
		for (size_t j = 0; j < sizeof(asked) / sizeof(asked[0]); j++)
			assert_int_equal(find(&a, asked[j], "yes"), CPIO_OK);
	}
}

static void test_find_requires_whole_name(void **state)
{
	struct ar a = {0};

	(void)state;
	ar_file(&a, "initrd", "x");
	ar_file(&a, "sbin/init", "x");
	ar_file(&a, "ini", "x");
	ar_trailer(&a);
	assert_int_equal(find(&a, "init", NULL), CPIO_E_NOT_FOUND);
	assert_int_equal(find(&a, "bin/init", NULL), CPIO_E_NOT_FOUND);
	assert_int_equal(find(&a, "initrd/", NULL), CPIO_E_NOT_FOUND);
}

static void test_find_skips_directories(void **state)
{
	struct ar a = {0};

	(void)state;
	ar_member(&a, "init", MODE_DIR, "", 0);
	ar_trailer(&a);
	assert_int_equal(find(&a, "init", NULL), CPIO_E_NOT_FOUND);

	a.len = 0;
	ar_member(&a, "init", MODE_DIR, "", 0);
	ar_member(&a, "init", 0120777u, "target", 6); /* a symlink */
	ar_file(&a, "init", "the file");
	ar_trailer(&a);
	assert_int_equal(find(&a, "init", "the file"), CPIO_OK);
}

static void test_find_returns_first_match(void **state)
{
	struct ar a = {0};

	(void)state;
	ar_file(&a, "init", "first");
	ar_file(&a, "./init", "second");
	ar_trailer(&a);
	assert_int_equal(find(&a, "init", "first"), CPIO_OK);
}

static void test_find_empty_file(void **state)
{
	struct ar a = {0};

	(void)state;
	ar_file(&a, "empty", "");
	ar_trailer(&a);
	assert_int_equal(find(&a, "empty", ""), CPIO_OK);
}

static void test_find_reports_corruption(void **state)
{
	struct ar a = {0};

	(void)state;
	ar_file(&a, "a", "x");
	ar_bytes(&a, "070701", 6); /* a header cut short */
	assert_int_equal(find(&a, "b", NULL), CPIO_E_TRUNCATED);
	a.len -= 6;
	assert_int_equal(find(&a, "b", NULL), CPIO_E_NO_TRAILER);
	/* A match before the damage is still found. */
	ar_bytes(&a, "garbage", 7);
	assert_int_equal(find(&a, "a", "x"), CPIO_OK);
}

/* ---- errors ------------------------------------------------------------ */

static void test_zero_byte_archive(void **state)
{
	struct ar a = {0};
	size_t n = 99;

	(void)state;
	assert_int_equal(check(&a, &n), CPIO_E_NO_TRAILER);
	assert_int_equal(n, 0);
	assert_int_equal(find(&a, "init", NULL), CPIO_E_NO_TRAILER);
}

static void test_no_trailer(void **state)
{
	struct ar a = {0};
	size_t n = 0;

	(void)state;
	ar_file(&a, "a", "abcd");
	ar_file(&a, "b", "efgh");
	assert_int_equal(check(&a, &n), CPIO_E_NO_TRAILER);
	assert_int_equal(n, 2);
}

static void test_truncated_header(void **state)
{
	struct ar a = {0};

	(void)state;
	ar_trailer(&a);
	a.len = HDR_SIZE - 1;
	assert_int_equal(check(&a, NULL), CPIO_E_TRUNCATED);
	a.len = 6;
	assert_int_equal(check(&a, NULL), CPIO_E_TRUNCATED);

	a.len = 0;
	ar_file(&a, "a", "abcd");
	ar_trailer(&a);
	a.len -= 124 - 50; /* the trailer's header cut after 50 bytes */
	assert_int_equal(check(&a, NULL), CPIO_E_TRUNCATED);
}

static void test_bad_magic(void **state)
{
	static const char *const magics[] = {"070702", "070707", "070700",
					     "170701", "\0\0\0\0\0\0"};

	(void)state;
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		struct ar a = {0};

		ar_trailer(&a);
		memcpy(a.buf, magics[i], 6);
		assert_int_equal(check(&a, NULL), CPIO_E_MAGIC);
	}
}

static void test_non_hex_field(void **state)
{
	static const char bad[] = {'g', 'G', ' ', 'x', '-', '\0', ':', '/'};

	(void)state;
	for (int field = 0; field < NFIELDS; field++) {
		for (size_t b = 0; b < sizeof(bad); b++) {
			struct ar a = {0};

			ar_trailer(&a);
			/* Spoil the last digit of `field`. */
			a.buf[6 + 8 * field + 7] = (uint8_t)bad[b];
			assert_int_equal(check(&a, NULL), CPIO_E_FIELD);
		}
	}
}

static void test_namesize_too_small(void **state)
{
	(void)state;
	for (uint32_t namesize = 0; namesize < 2; namesize++) {
		struct ar a = {0};
		uint32_t field[NFIELDS];

		ar_fields(field, MODE_FILE, 0, namesize);
		ar_header(&a, field);
		ar_bytes(&a, "\0\0\0\0", 4);
		ar_trailer(&a);
		assert_int_equal(check(&a, NULL), CPIO_E_NAME);
	}
}

static void test_namesize_above_max(void **state)
{
	struct ar a = {0};
	uint32_t field[NFIELDS];
	char name[CPIO_NAME_MAX + 1];

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ar_fields(field, MODE_FILE, 0, sizeof(name));
	ar_header(&a, field);
	ar_bytes(&a, name, sizeof(name));
	ar_pad(&a);
	ar_trailer(&a);
	assert_int_equal(check(&a, NULL), CPIO_E_NAME);

	a.len = 0;
	ar_fields(field, MODE_FILE, 0, 0xffffffffu);
	ar_header(&a, field);
	ar_trailer(&a);
	assert_int_equal(check(&a, NULL), CPIO_E_NAME);
}

static void test_name_not_terminated(void **state)
{
	struct ar a = {0};
	uint32_t field[NFIELDS];

	(void)state;
	ar_fields(field, MODE_FILE, 0, 4); /* "init" without its NUL */
	ar_header(&a, field);
	ar_bytes(&a, "initXXXX", 8);
	ar_trailer(&a);
	assert_int_equal(check(&a, NULL), CPIO_E_NAME);
}

static void test_nul_inside_name(void **state)
{
	struct ar a = {0};
	uint32_t field[NFIELDS];

	(void)state;
	ar_fields(field, MODE_FILE, 0, 5);
	ar_header(&a, field);
	ar_bytes(&a, "in\0t", 5);
	ar_pad(&a);
	ar_trailer(&a);
	assert_int_equal(check(&a, NULL), CPIO_E_NAME);
}

static void test_namesize_beyond_archive(void **state)
{
	struct ar a = {0};
	uint32_t field[NFIELDS];

	(void)state;
	ar_fields(field, MODE_FILE, 0, 20);
	ar_header(&a, field);
	ar_bytes(&a, "short", 6); /* 6 of the 20 name bytes */
	assert_int_equal(check(&a, NULL), CPIO_E_NAME);
}

static void test_name_padding_beyond_archive(void **state)
{
	struct ar a = {0};
	uint32_t field[NFIELDS];

	(void)state;
	ar_fields(field, MODE_FILE, 0, 5); /* 110 + 5 = 115: pads to 116 */
	ar_header(&a, field);
	ar_bytes(&a, "name", 5);
	assert_int_equal(check(&a, NULL), CPIO_E_DATA);
}

static void test_data_past_end(void **state)
{
	struct ar a = {0};
	uint32_t field[NFIELDS];

	(void)state;
	ar_fields(field, MODE_FILE, 100, 5);
	ar_header(&a, field);
	ar_bytes(&a, "name", 5);
	ar_pad(&a);
	ar_bytes(&a, "only 20 of 100 bytes", 20);
	assert_int_equal(check(&a, NULL), CPIO_E_DATA);

	a.len = 0;
	ar_fields(field, MODE_FILE, 0xffffffffu, 5);
	ar_header(&a, field);
	ar_bytes(&a, "name", 5);
	ar_pad(&a);
	ar_trailer(&a);
	assert_int_equal(check(&a, NULL), CPIO_E_DATA);
}

static void test_trailer_data_past_end(void **state)
{
	struct ar a = {0};
	uint32_t field[NFIELDS];

	(void)state;
	ar_fields(field, 0, 8, 11);
	ar_header(&a, field);
	ar_bytes(&a, "TRAILER!!!", 11);
	ar_pad(&a);
	assert_int_equal(check(&a, NULL), CPIO_E_DATA);
}

/* The data's padding may be cut off only at the very end (cpio.h). */
static void test_unpadded_data_at_archive_end(void **state)
{
	struct ar a = {0};
	struct cpio_iter it;
	struct cpio_entry e;

	(void)state;
	ar_file(&a, "a", "12345"); /* 5 bytes + 3 of padding */
	a.len -= 3;
	cpio_iter_init(&it, a.buf, a.len);
	assert_int_equal(cpio_next(&it, &e), CPIO_OK);
	assert_int_equal(e.size, 5);
	assert_memory_equal(e.data, "12345", 5);
	assert_int_equal(cpio_next(&it, &e), CPIO_E_NO_TRAILER);
	assert_int_equal(find(&a, "a", "12345"), CPIO_OK);
	assert_int_equal(check(&a, NULL), CPIO_E_NO_TRAILER);
}

static void test_unpadded_data_before_trailer(void **state)
{
	struct ar a = {0};

	(void)state;
	ar_file(&a, "a", "12345");
	a.len -= 3; /* the trailer follows without the data's padding */
	ar_trailer(&a);
	assert_int_equal(check(&a, NULL), CPIO_E_MAGIC);
}

static void test_check_counts_members_before_error(void **state)
{
	struct ar a = {0};
	size_t n = 0;

	(void)state;
	ar_file(&a, "a", "1");
	ar_file(&a, "b", "2");
	ar_bytes(&a, "garbage!", 8);
	assert_int_equal(check(&a, &n), CPIO_E_TRUNCATED);
	assert_int_equal(n, 2);
}

/* Every prefix of a valid archive: no read out of bounds, and an error
 * unless the prefix holds the whole trailer. */
static void test_every_truncation(void **state)
{
	struct ar a = {0};
	size_t trailer_end, c_end;

	(void)state;
	ar_file(&a, "a", "first file");
	ar_member(&a, "dir", MODE_DIR, "", 0);
	ar_file(&a, "./c", "third");
	c_end = a.len - 3; /* without the 3 bytes of padding */
	ar_trailer(&a);
	trailer_end = a.len;
	ar_bytes(&a, "\0\0\0\0\0\0\0\0", 8); /* block padding */

	for (size_t len = 0; len <= a.len; len++) {
		const uint8_t *p = ar_copy(&a, len);
		struct cpio_entry e;
		size_t n = 0;
		enum cpio_error err = cpio_check(p, len, &n);

		if (len < trailer_end) {
			assert_int_not_equal(err, CPIO_OK);
			assert_true(n <= 3);
		} else {
			assert_int_equal(err, CPIO_OK);
			assert_int_equal(n, 3);
		}
		err = cpio_find(p, len, "c", &e);
		if (len < c_end) {
			assert_int_not_equal(err, CPIO_OK);
		} else {
			assert_int_equal(err, CPIO_OK);
			assert_memory_equal(e.data, "third", 5);
		}
	}
}

/* ---- strings ----------------------------------------------------------- */

static void test_strerror_every_code(void **state)
{
	(void)state;
	assert_string_equal(cpio_strerror(CPIO_OK), "ok");
	for (int i = 0; i < CPIO_E_COUNT; i++) {
		const char *s = cpio_strerror((enum cpio_error)i);

		assert_non_null(s);
		assert_true(strlen(s) > 0);
		assert_string_not_equal(s, "unknown cpio error");
		for (int j = 0; j < i; j++)
			assert_string_not_equal(
				s, cpio_strerror((enum cpio_error)j));
	}
	assert_string_equal(cpio_strerror(CPIO_E_COUNT), "unknown cpio error");
	assert_string_equal(cpio_strerror((enum cpio_error) - 1),
			    "unknown cpio error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_archive),
		cmocka_unit_test(test_members_in_order),
		cmocka_unit_test(test_check_counts_members),
		cmocka_unit_test(test_bytes_after_trailer_ignored),
		cmocka_unit_test(test_names_like_trailer_are_members),
		cmocka_unit_test(test_lowercase_hex_accepted),
		cmocka_unit_test(test_longest_name_accepted),
		cmocka_unit_test(test_find_plain_name),
		cmocka_unit_test(
			test_find_ignores_dot_slash_and_slash_prefixes),
		cmocka_unit_test(test_find_requires_whole_name),
		cmocka_unit_test(test_find_skips_directories),
		cmocka_unit_test(test_find_returns_first_match),
		cmocka_unit_test(test_find_empty_file),
		cmocka_unit_test(test_find_reports_corruption),
		cmocka_unit_test(test_zero_byte_archive),
		cmocka_unit_test(test_no_trailer),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_non_hex_field),
		cmocka_unit_test(test_namesize_too_small),
		cmocka_unit_test(test_namesize_above_max),
		cmocka_unit_test(test_name_not_terminated),
		cmocka_unit_test(test_nul_inside_name),
		cmocka_unit_test(test_namesize_beyond_archive),
		cmocka_unit_test(test_name_padding_beyond_archive),
		cmocka_unit_test(test_data_past_end),
		cmocka_unit_test(test_trailer_data_past_end),
		cmocka_unit_test(test_unpadded_data_at_archive_end),
		cmocka_unit_test(test_unpadded_data_before_trailer),
		cmocka_unit_test(test_check_counts_members_before_error),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_strerror_every_code),
	};

	return cmocka_run_group_tests(tests, NULL, free_copy);
}
