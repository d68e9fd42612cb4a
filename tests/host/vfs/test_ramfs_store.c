/*
 * Host tests of ramfs's node store (servers/ramfs/store.c): lookups and
 * references, files across pages and holes, truncation, unlink while
 * referenced, rename over a file, directories that must be empty, the
 * data pages given (the quota, pages freed and taken again as zeros),
 * readdir's cookies, and stale node numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../servers/ramfs/store.h"
#include "pith/fs.h"

static struct ramfs_store s;
static uint64_t root;
static uint8_t *data; /* the store's 64 data pages */

static int setup(void **state)
{
	(void)state;
	assert_int_equal(ramfs_init(&s), PITH_OK);
	data = malloc((size_t)64 * RAMFS_PAGE);
	assert_non_null(data);
	ramfs_add_pages(&s, data, 60);
	ramfs_add_pages(&s, data + (size_t)60 * RAMFS_PAGE, 4);
	assert_int_equal(s.pages_max, 64);
	root = ramfs_root(&s);
	return 0;
}

/* Free everything: unlink every entry of the root, recursively. */
static void empty_dir(uint64_t dir)
{
	struct ramfs_node *d = ramfs_node(&s, dir);

	while (d->size) {
		struct ramfs_entry e = d->ents[0];
		uint64_t id = (uint64_t)s.nodes[e.node].gen << 32 | e.node;
		char name[256];

		memcpy(name, e.name, e.len);
		if (s.nodes[e.node].type == PITH_FS_DIR)
			empty_dir(id);
		assert_int_equal(ramfs_unlink(&s, dir, name, e.len), PITH_OK);
		d = ramfs_node(&s, dir);
	}
}

static int teardown(void **state)
{
	(void)state;
	empty_dir(root);
	for (uint32_t i = 1; i < s.n; i++)
		assert_false(s.nodes[i].used); /* nothing leaked */
	assert_int_equal(s.pages, 0);
	free(s.nodes[0].ents);
	free(s.nodes);
	free(data);
	return 0;
}

static uint64_t make(uint64_t dir, const char *name, uint32_t type)
{
	uint64_t n;

	assert_int_equal(ramfs_create(&s, dir, name, strlen(name), type, &n),
			 PITH_OK);
	return n;
}

static void test_create_lookup(void **state)
{
	uint64_t f, d, got;

	(void)state;
	f = make(root, "file", PITH_FS_FILE);
	d = make(root, "dir", PITH_FS_DIR);
	assert_int_equal(ramfs_create(&s, root, "file", 4, PITH_FS_FILE, &got),
			 PITH_E_EXISTS);
	assert_int_equal(ramfs_lookup(&s, root, "file", 4, &got), PITH_OK);
	assert_true(got == f);
	assert_int_equal(ramfs_lookup(&s, root, "nope", 4, &got),
			 PITH_E_NOT_FOUND);
	assert_int_equal(ramfs_lookup(&s, f, "x", 1, &got),
			 PITH_E_NOT_DIRECTORY);
	assert_int_equal(ramfs_create(&s, root, "..", 2, PITH_FS_DIR, &got),
			 PITH_E_INVALID_ARGUMENT);
	assert_int_equal(ramfs_create(&s, root, "a/b", 3, PITH_FS_DIR, &got),
			 PITH_E_INVALID_ARGUMENT);
	assert_int_equal(ramfs_create(&s, root, "x", 1, 7, &got),
			 PITH_E_INVALID_ARGUMENT);
	/* create and lookup each took a reference */
	assert_int_equal(ramfs_release(&s, f), PITH_OK);
	assert_int_equal(ramfs_release(&s, f), PITH_OK);
	assert_int_equal(ramfs_release(&s, f), PITH_E_INVALID_ARGUMENT);
	assert_int_equal(ramfs_release(&s, d), PITH_OK);
}

static void test_data(void **state)
{
	static uint8_t in[3 * RAMFS_PAGE + 100], out[sizeof(in) + 10];
	uint64_t f = make(root, "f", PITH_FS_FILE);
	uint32_t done;

	(void)state;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(ramfs_write(&s, f, 10, in, sizeof(in), &done),
			 PITH_OK);
	assert_int_equal(done, sizeof(in));
	assert_int_equal(ramfs_node(&s, f)->size, sizeof(in) + 10);
	assert_int_equal(ramfs_read(&s, f, 0, out, sizeof(out), &done),
			 PITH_OK);
	assert_int_equal(done, sizeof(in) + 10);
	for (int i = 0; i < 10; i++)
		assert_int_equal(out[i], 0);
	assert_memory_equal(out + 10, in, sizeof(in));
	/* past the end: nothing */
	assert_int_equal(ramfs_read(&s, f, sizeof(in) + 10, out, 5, &done),
			 PITH_OK);
	assert_int_equal(done, 0);
	/* a hole reads as zeros and takes no page */
	assert_int_equal(
		ramfs_write(&s, f, (uint64_t)40 * RAMFS_PAGE, "z", 1, &done),
		PITH_OK);
	assert_int_equal(s.pages, 5);
	assert_int_equal(
		ramfs_read(&s, f, (uint64_t)20 * RAMFS_PAGE, out, 8, &done),
		PITH_OK);
	assert_int_equal(done, 8);
	for (int i = 0; i < 8; i++)
		assert_int_equal(out[i], 0);
	/* truncation frees pages and zeroes what grows back */
	assert_int_equal(ramfs_truncate(&s, f, 15), PITH_OK);
	assert_int_equal(s.pages, 1);
	assert_int_equal(ramfs_truncate(&s, f, 100), PITH_OK);
	assert_int_equal(ramfs_read(&s, f, 0, out, 100, &done), PITH_OK);
	assert_int_equal(done, 100);
	assert_memory_equal(out + 10, in, 5);
	for (int i = 15; i < 100; i++)
		assert_int_equal(out[i], 0);
	assert_int_equal(ramfs_read(&s, root, 0, out, 1, &done),
			 PITH_E_IS_DIRECTORY);
	ramfs_release(&s, f);
}

static void test_quota(void **state)
{
	static uint8_t page[RAMFS_PAGE];
	uint64_t f = make(root, "big", PITH_FS_FILE);
	uint32_t done;

	(void)state;
	for (uint64_t i = 0; i < 64; i++)
		assert_int_equal(ramfs_write(&s, f, i * RAMFS_PAGE, page,
					     RAMFS_PAGE, &done),
				 PITH_OK);
	assert_int_equal(
		ramfs_write(&s, f, (uint64_t)64 * RAMFS_PAGE, page, 1, &done),
		PITH_E_NO_SPACE);
	assert_int_equal(done, 0);
	/* a write that fills up part way says how much it wrote */
	assert_int_equal(ramfs_truncate(&s, f, (uint64_t)63 * RAMFS_PAGE),
			 PITH_OK);
	assert_int_equal(ramfs_write(&s, f, (uint64_t)63 * RAMFS_PAGE, page,
				     RAMFS_PAGE, &done),
			 PITH_OK);
	assert_int_equal(done, RAMFS_PAGE);
	/* across the last free page: the bytes up to its end */
	assert_int_equal(ramfs_truncate(&s, f, (uint64_t)63 * RAMFS_PAGE),
			 PITH_OK);
	assert_int_equal(ramfs_write(&s, f, (uint64_t)63 * RAMFS_PAGE + 100,
				     page, RAMFS_PAGE, &done),
			 PITH_OK);
	assert_int_equal(done, RAMFS_PAGE - 100);
	assert_int_equal(s.pages, s.pages_max);
	ramfs_release(&s, f);
}

/* Pages freed are taken again, and read as zeros where not written. */
static void test_pages_reused(void **state)
{
	static uint8_t page[RAMFS_PAGE];
	uint64_t f = make(root, "a", PITH_FS_FILE), g;
	uint32_t done;
	uint8_t out[RAMFS_PAGE];

	(void)state;
	memset(page, 0xff, sizeof(page));
	for (uint64_t i = 0; i < 64; i++)
		assert_int_equal(ramfs_write(&s, f, i * RAMFS_PAGE, page,
					     RAMFS_PAGE, &done),
				 PITH_OK);
	assert_int_equal(ramfs_unlink(&s, root, "a", 1), PITH_OK);
	assert_int_equal(s.pages, 64); /* still open */
	ramfs_release(&s, f);
	assert_int_equal(s.pages, 0);
	g = make(root, "b", PITH_FS_FILE);
	for (uint64_t i = 0; i < 64; i++)
		assert_int_equal(
			ramfs_write(&s, g, i * RAMFS_PAGE + 7, "x", 1, &done),
			PITH_OK);
	assert_int_equal(
		ramfs_write(&s, g, (uint64_t)64 * RAMFS_PAGE, "x", 1, &done),
		PITH_E_NO_SPACE);
	for (uint64_t i = 0; i < 64; i++) {
		assert_int_equal(ramfs_read(&s, g, i * RAMFS_PAGE, out,
					    RAMFS_PAGE, &done),
				 PITH_OK);
		for (uint32_t k = 0; k < done; k++)
			assert_int_equal(out[k], k == 7 ? 'x' : 0);
	}
	/* truncating gives pages back, one at a time */
	assert_int_equal(ramfs_truncate(&s, g, 1), PITH_OK);
	assert_int_equal(s.pages, 1);
	ramfs_release(&s, g);
}

static void test_unlink_open(void **state)
{
	uint64_t f = make(root, "f", PITH_FS_FILE), got;
	uint32_t done;
	char out[8];

	(void)state;
	assert_int_equal(ramfs_write(&s, f, 0, "kept", 4, &done), PITH_OK);
	assert_int_equal(ramfs_unlink(&s, root, "f", 1), PITH_OK);
	assert_int_equal(ramfs_lookup(&s, root, "f", 1, &got),
			 PITH_E_NOT_FOUND);
	assert_int_equal(ramfs_read(&s, f, 0, out, 8, &done), PITH_OK);
	assert_int_equal(done, 4);
	assert_memory_equal(out, "kept", 4);
	assert_int_equal(ramfs_release(&s, f), PITH_OK);
	/* the last release freed it: its number is stale */
	assert_null(ramfs_node(&s, f));
	assert_int_equal(ramfs_read(&s, f, 0, out, 8, &done), PITH_E_NOT_FOUND);
	assert_int_equal(s.pages, 0);
}

static void test_dirs(void **state)
{
	uint64_t d = make(root, "d", PITH_FS_DIR);
	uint64_t e = make(d, "e", PITH_FS_DIR);

	(void)state;
	assert_int_equal(ramfs_unlink(&s, root, "d", 1), PITH_E_NOT_EMPTY);
	assert_int_equal(ramfs_rename(&s, root, "d", 1, e, "x", 1),
			 PITH_E_INVALID_ARGUMENT); /* into itself */
	assert_int_equal(ramfs_unlink(&s, d, "e", 1), PITH_OK);
	assert_int_equal(ramfs_unlink(&s, root, "d", 1), PITH_OK);
	ramfs_release(&s, e);
	ramfs_release(&s, d);
}

static void test_rename(void **state)
{
	uint64_t a = make(root, "a", PITH_FS_FILE);
	uint64_t b = make(root, "b", PITH_FS_FILE);
	uint64_t d = make(root, "d", PITH_FS_DIR), got;
	uint32_t done;
	char out[4];

	(void)state;
	ramfs_write(&s, a, 0, "AAA", 3, &done);
	ramfs_write(&s, b, 0, "B", 1, &done);
	ramfs_release(&s, b); /* b is held by its name alone */
	assert_int_equal(ramfs_rename(&s, root, "a", 1, root, "b", 1), PITH_OK);
	assert_null(ramfs_node(&s, b)); /* replaced and freed */
	assert_int_equal(ramfs_lookup(&s, root, "b", 1, &got), PITH_OK);
	assert_true(got == a);
	ramfs_release(&s, got);
	assert_int_equal(ramfs_read(&s, a, 0, out, 4, &done), PITH_OK);
	assert_int_equal(done, 3);
	assert_int_equal(ramfs_rename(&s, root, "b", 1, root, "d", 1),
			 PITH_E_IS_DIRECTORY);
	assert_int_equal(ramfs_rename(&s, root, "d", 1, root, "b", 1),
			 PITH_E_NOT_DIRECTORY);
	assert_int_equal(ramfs_rename(&s, root, "b", 1, d, "in", 2), PITH_OK);
	assert_int_equal(ramfs_lookup(&s, root, "b", 1, &got),
			 PITH_E_NOT_FOUND);
	assert_int_equal(ramfs_rename(&s, root, "zz", 2, d, "in", 2),
			 PITH_E_NOT_FOUND);
	ramfs_release(&s, a);
	ramfs_release(&s, d);
}

static void test_readdir(void **state)
{
	uint8_t buf[4096];
	uint64_t next, cookie = 0, n;
	uint32_t count, used, seen = 0;
	char name[8];

	(void)state;
	for (int i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "f%02d", i);
		n = make(root, name, PITH_FS_FILE);
		ramfs_release(&s, n);
	}
	/* small windows: several calls, each entry once */
	do {
		assert_int_equal(ramfs_readdir(&s, root, cookie, buf, 100,
					       &next, &count, &used),
				 PITH_OK);
		assert_true(used <= 100);
		for (uint32_t off = 0, k = 0; k < count; k++) {
			struct pith_fs_dirent *e =
				(struct pith_fs_dirent *)(buf + off);

			assert_int_equal(e->type, PITH_FS_FILE);
			assert_int_equal(e->name_len, 3);
			assert_int_equal(e->name[0], 'f');
			off += (uint32_t)PITH_FS_DIRENT_SIZE(e->name_len);
		}
		seen += count;
		cookie = next;
	} while (next);
	assert_int_equal(seen, 50);
	assert_int_equal(
		ramfs_readdir(&s, root, 0, buf, 8, &next, &count, &used),
		PITH_E_RANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_lookup, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quota, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pages_reused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unlink_open, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dirs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readdir, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
