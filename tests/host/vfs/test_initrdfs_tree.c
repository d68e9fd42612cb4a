/*
 * Host tests of initrdfs's tree (servers/initrdfs/tree.c): directories
 * implied by paths and given by members, "./" prefixes, names no path can
 * reach, a second member of one path, and corrupt archives.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../servers/initrdfs/tree.h"
#include "pith/fs.h"

static uint8_t ar[16384];
static size_t len;
static struct irfs_tree t;

static void pad(void)
{
	while (len % 4)
		ar[len++] = 0;
}

/* Append a member of the archive. */
static void member(const char *name, uint32_t mode, const char *data)
{
	size_t n = strlen(name) + 1, size = data ? strlen(data) : 0;

	len += (size_t)sprintf((char *)ar + len,
			       "070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x"
			       "%08x%08zx%08x",
			       1u, mode, 0u, 0u, 1u, 0u, size, 0u, 0u, 0u, 0u,
			       n, 0u);
	memcpy(ar + len, name, n);
	len += n;
	pad();
	memcpy(ar + len, data ? data : "", size);
	len += size;
	pad();
}

static int setup(void **state)
{
	(void)state;
	len = 0;
	memset(&t, 0, sizeof(t));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(t.nodes);
	return 0;
}

/* The node at path a/b/c..., or -1. */
static long at(const char *path)
{
	long node = 0;
	const char *p = path;

	while (*p && node >= 0) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		node = irfs_lookup(&t, (uint32_t)node, p, n);
		p += n + (e ? 1 : 0);
	}
	return node;
}

static void test_implied_dirs(void **state)
{
	long n;

	(void)state;
	member("init", 0100755, "ELF");
	member("./etc/motd", 0100644, "hello\n");
	member("etc/deep/er/file", 0100644, "x");
	member("etc", 0040755, NULL); /* after its files: the same dir */
	member("TRAILER!!!", 0, NULL);
	assert_int_equal(irfs_build(&t, ar, len), CPIO_OK);
	n = at("etc/motd");
	assert_true(n > 0);
	assert_int_equal(t.nodes[n].type, PITH_FS_FILE);
	assert_int_equal(t.nodes[n].size, 6);
	assert_memory_equal(t.nodes[n].data, "hello\n", 6);
	assert_int_equal(t.nodes[at("etc")].type, PITH_FS_DIR);
	assert_int_equal(t.nodes[at("etc/deep/er")].type, PITH_FS_DIR);
	assert_int_equal(t.nodes[at("etc/deep/er/file")].size, 1);
	assert_int_equal(at("etc/nothing"), -1);
	assert_int_equal(at("init/x"), -1); /* a file is no directory */
	/* the root's children, in archive order */
	n = t.nodes[0].first;
	assert_int_equal(t.nodes[n].len, 4);
	assert_memory_equal(t.nodes[n].name, "init", 4);
	n = t.nodes[n].next;
	assert_memory_equal(t.nodes[n].name, "etc", 3);
	assert_int_equal(t.nodes[n].next, 0);
}

static void test_left_out(void **state)
{
	(void)state;
	member("a", 0100644, "first");
	member("a", 0100644, "second"); /* a second member of one path */
	member("../up", 0100644, "x");	/* no path reaches it */
	member("dev", 0020644, NULL);	/* a device: not served */
	member("a/b", 0100644, "x");	/* under a file */
	member(".", 0040755, NULL);
	member("TRAILER!!!", 0, NULL);
	assert_int_equal(irfs_build(&t, ar, len), CPIO_OK);
	assert_memory_equal(t.nodes[at("a")].data, "first", 5);
	assert_int_equal(at("up"), -1);
	assert_int_equal(at("dev"), -1);
	assert_int_equal(t.n, 2); /* the root and a */
}

static void test_corrupt(void **state)
{
	(void)state;
	member("a", 0100644, "data");
	member("TRAILER!!!", 0, NULL);
	/* every truncation is refused, never read past */
	for (size_t cut = 0; cut < len; cut++) {
		assert_int_not_equal(irfs_build(&t, ar, cut), CPIO_OK);
		free(t.nodes);
		t.nodes = NULL;
	}
	ar[0] = 'x';
	assert_int_equal(irfs_build(&t, ar, len), CPIO_E_MAGIC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_implied_dirs, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_left_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
