/*
 * Host tests for tools/mkinitrd.c: run the built tool on files in a scratch
 * directory and read the archive back with lib/cpio.c.
 *
 *   test_mkinitrd MKINITRD SCRATCH_DIR
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, fork, lstat, opendir */

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/cpio.h"

#define PATH_LEN 4096
#define MAX_ARGS 16

static const char *tool;
static const char *scratch;
static char dir[PATH_LEN]; /* this run's directory, under scratch */
static char errors[4096];  /* the tool's stderr, after run() */

static const char hello[] = "hello, world\n";

/* A path in this run's directory. The result lives in one of 32 rotating
 * buffers: plenty for the paths one test holds at a time. */
static const char *in_dir(const char *name)
{
	static char buf[32][PATH_LEN];
	static unsigned next;
	char *p = buf[next++ % 32];

	snprintf(p, PATH_LEN, "%s/%s", dir, name);
	return p;
}

static void write_file(const char *name, const void *data, size_t size)
{
	FILE *f = fopen(in_dir(name), "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, size, f), size);
	assert_int_equal(fclose(f), 0);
}

/* Buffers read_file() returned in this test; the teardown frees them, so
 * a failed assertion does not leak them. */
static uint8_t *owned[4];
static size_t nowned;

static const uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long len;

	assert_true(nowned < sizeof(owned) / sizeof(owned[0]));
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len >= 0);
	rewind(f);
	buf = malloc(len ? (size_t)len : 1);
	assert_non_null(buf);
	owned[nowned++] = buf;
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*size = (size_t)len;
	return buf;
}

/* Run the tool with `args` (NULL-terminated); its exit status, stderr in
 * `errors`. */
static int run(const char *const *args)
{
	const char *argv[MAX_ARGS + 2] = {tool};
	char errpath[PATH_LEN];
	int status, i;
	pid_t pid;
	FILE *f;
	size_t n;

	snprintf(errpath, sizeof(errpath), "%s/stderr.txt", dir);
	for (i = 0; args[i]; i++) {
		assert_true(i < MAX_ARGS);
		argv[i + 1] = args[i];
	}
	argv[i + 1] = NULL;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (!freopen(errpath, "w", stderr))
			_exit(126);
		execv(tool, (char *const *)argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	f = fopen(errpath, "r");
	assert_non_null(f);
	n = fread(errors, 1, sizeof(errors) - 1, f);
	errors[n] = '\0';
	fclose(f);
	return WEXITSTATUS(status);
}

static void assert_contains(const char *haystack, const char *needle)
{
	if (!strstr(haystack, needle))
		fail_msg("\"%s\" does not contain \"%s\"", haystack, needle);
}

static void remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	d = opendir(path);
	if (d) {
		while ((e = readdir(d)) != NULL) {
			char sub[PATH_LEN];

			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			remove_tree(sub);
		}
		closedir(d);
	}
	rmdir(path);
}

/* Each test gets a fresh directory with three input files. */
static int setup(void **state)
{
	uint8_t blob[256];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/mkinitrd-XXXXXX", scratch);
	if (!mkdtemp(dir))
		return -1;
	for (int i = 0; i < 256; i++)
		blob[i] = (uint8_t)i;
	write_file("hello.txt", hello, strlen(hello));
	write_file("blob", blob, sizeof(blob));
	write_file("empty", "", 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	while (nowned > 0)
		free(owned[--nowned]);
	remove_tree(dir);
	return 0;
}

static void expect_member(const uint8_t *ar, size_t size, const char *name,
			  const void *data, size_t len)
{
	struct cpio_entry e;

	assert_int_equal(cpio_find(ar, size, name, &e), CPIO_OK);
	assert_int_equal(e.size, len);
	assert_memory_equal(e.data, data, len);
	assert_int_equal(e.mode, 0100755u);
}

/* ---- archives ---------------------------------------------------------- */

static void test_round_trip(void **state)
{
	const char *args[] = {"-o",
			      in_dir("out.cpio"),
			      in_dir("hello.txt"),
			      in_dir("blob=bin/blob"),
			      in_dir("empty"),
			      NULL};
	static const char *const names[] = {"hello.txt", "bin/blob", "empty"};
	struct cpio_iter it;
	struct cpio_entry e;
	const uint8_t *ar, *blob;
	size_t size, blob_size, n;

	(void)state;
	assert_int_equal(run(args), 0);
	assert_string_equal(errors, "");
	ar = read_file(in_dir("out.cpio"), &size);
	assert_int_equal(size % 4, 0);
	assert_int_equal(cpio_check(ar, size, &n), CPIO_OK);
	assert_int_equal(n, 3);

	cpio_iter_init(&it, ar, size);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(cpio_next(&it, &e), CPIO_OK);
		assert_string_equal(e.name, names[i]);
	}
	assert_int_equal(cpio_next(&it, &e), CPIO_END);

	blob = read_file(in_dir("blob"), &blob_size);
	assert_int_equal(blob_size, 256);
	expect_member(ar, size, "hello.txt", hello, strlen(hello));
	expect_member(ar, size, "/bin/blob", blob, blob_size);
	expect_member(ar, size, "empty", "", 0);
	assert_int_equal(cpio_find(ar, size, "blob", &e), CPIO_E_NOT_FOUND);
}

/* Owners and timestamps are fixed at zero, so builds are reproducible. */
static void test_owner_and_time_are_zero(void **state)
{
	const char *args[] = {"-o", in_dir("out.cpio"), in_dir("hello.txt"),
			      NULL};
	const uint8_t *ar;
	size_t size;

	(void)state;
	assert_int_equal(run(args), 0);
	ar = read_file(in_dir("out.cpio"), &size);
	assert_true(size > 110);
	/* Fields after the magic: ino, mode, uid, gid, nlink, mtime... */
	assert_memory_equal(ar + 6 + (size_t)8 * 2, "00000000", 8); /* uid */
	assert_memory_equal(ar + 6 + (size_t)8 * 3, "00000000", 8); /* gid */
	assert_memory_equal(ar + 6 + (size_t)8 * 5, "00000000", 8); /* mtime */
}

static void test_no_inputs_gives_trailer_only(void **state)
{
	const char *args[] = {"-o", in_dir("out.cpio"), NULL};
	const uint8_t *ar;
	size_t size, n = 99;

	(void)state;
	assert_int_equal(run(args), 0);
	ar = read_file(in_dir("out.cpio"), &size);
	assert_int_equal(size, 124); /* 110 + "TRAILER!!!" + NUL, padded */
	assert_memory_equal(ar, "070701", 6);
	assert_int_equal(cpio_check(ar, size, &n), CPIO_OK);
	assert_int_equal(n, 0);
}

static void test_output_is_deterministic(void **state)
{
	const char *args[] = {"-o", in_dir("a.cpio"), in_dir("hello.txt"),
			      in_dir("blob"), NULL};
	const uint8_t *a, *b;
	size_t asize, bsize;

	(void)state;
	assert_int_equal(run(args), 0);
	args[1] = in_dir("b.cpio");
	sleep(1); /* a timestamp would now differ */
	assert_int_equal(run(args), 0);
	a = read_file(in_dir("a.cpio"), &asize);
	b = read_file(in_dir("b.cpio"), &bsize);
	assert_int_equal(asize, bsize);
	assert_memory_equal(a, b, asize);
}

static void test_name_defaults_to_last_component(void **state)
{
	const char *args[] = {"-o", in_dir("out.cpio"), in_dir("sub/deep.bin"),
			      NULL};
	const uint8_t *ar;
	size_t size;

	(void)state;
	assert_int_equal(mkdir(in_dir("sub"), 0755), 0);
	write_file("sub/deep.bin", "deep", 4);
	assert_int_equal(run(args), 0);
	ar = read_file(in_dir("out.cpio"), &size);
	expect_member(ar, size, "deep.bin", "deep", 4);
}

static void test_longest_name_accepted(void **state)
{
	char arg[PATH_LEN], name[CPIO_NAME_MAX];
	const char *args[] = {"-o", in_dir("out.cpio"), arg, NULL};
	const uint8_t *ar;
	size_t size;

	(void)state;
	memset(name, 'n', sizeof(name) - 1); /* 255 bytes + NUL */
	name[sizeof(name) - 1] = '\0';
	snprintf(arg, sizeof(arg), "%s=%s", in_dir("hello.txt"), name);
	assert_int_equal(run(args), 0);
	ar = read_file(in_dir("out.cpio"), &size);
	expect_member(ar, size, name, hello, strlen(hello));
}

/* ---- refusals ---------------------------------------------------------- */

static void test_rejects_long_name(void **state)
{
	char arg[PATH_LEN], name[CPIO_NAME_MAX + 1];
	const char *args[] = {"-o", in_dir("out.cpio"), arg, NULL};

	(void)state;
	memset(name, 'n', sizeof(name) - 1); /* 256 bytes + NUL */
	name[sizeof(name) - 1] = '\0';
	snprintf(arg, sizeof(arg), "%s=%s", in_dir("hello.txt"), name);
	assert_int_equal(run(args), 1);
	assert_contains(errors, "bad member name");
}

static void test_rejects_empty_name(void **state)
{
	const char *args[] = {"-o", in_dir("out.cpio"), in_dir("hello.txt="),
			      NULL};

	(void)state;
	assert_int_equal(run(args), 1);
	assert_contains(errors, "bad member name");
	args[2] = in_dir(""); /* "DIR/": nothing after the last slash */
	assert_int_equal(run(args), 1);
	assert_contains(errors, "bad member name");
}

static void test_rejects_trailer_name(void **state)
{
	const char *args[] = {"-o", in_dir("out.cpio"),
			      in_dir("hello.txt=TRAILER!!!"), NULL};

	(void)state;
	assert_int_equal(run(args), 1);
	assert_contains(errors, "TRAILER!!!: bad member name");
}

static void test_rejects_missing_input(void **state)
{
	const char *args[] = {"-o", in_dir("out.cpio"), in_dir("hello.txt"),
			      in_dir("no-such-file"), NULL};

	(void)state;
	assert_int_equal(run(args), 1);
	assert_contains(errors, "no-such-file");
	/* The first member was written before the error: no half archive
	 * may be left behind. */
	assert_int_equal(access(in_dir("out.cpio"), F_OK), -1);
}

static void test_rejects_directory_input(void **state)
{
	const char *args[] = {"-o", in_dir("out.cpio"), in_dir("sub=sub"),
			      NULL};

	(void)state;
	assert_int_equal(mkdir(in_dir("sub"), 0755), 0);
	assert_int_equal(run(args), 1);
	assert_contains(errors, "not a regular file");
}

static void test_rejects_unwritable_output(void **state)
{
	const char *args[] = {"-o", in_dir("no-such-dir/out.cpio"),
			      in_dir("hello.txt"), NULL};

	(void)state;
	assert_int_equal(run(args), 1);
	assert_contains(errors, "no-such-dir/out.cpio");
}

static void test_usage_without_output(void **state)
{
	const char *none[] = {NULL};
	const char *no_o[] = {in_dir("hello.txt"), in_dir("blob"), NULL};

	(void)state;
	assert_int_equal(run(none), 2);
	assert_contains(errors, "usage:");
	assert_int_equal(run(no_o), 2);
	assert_contains(errors, "usage:");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		T(test_round_trip),
		T(test_owner_and_time_are_zero),
		T(test_no_inputs_gives_trailer_only),
		T(test_output_is_deterministic),
		T(test_name_defaults_to_last_component),
		T(test_longest_name_accepted),
		T(test_rejects_long_name),
		T(test_rejects_empty_name),
		T(test_rejects_trailer_name),
		T(test_rejects_missing_input),
		T(test_rejects_directory_input),
		T(test_rejects_unwritable_output),
		T(test_usage_without_output),
	};

	if (argc != 3) {
		fprintf(stderr, "usage: %s MKINITRD SCRATCH_DIR\n", argv[0]);
		return 2;
	}
	tool = argv[1];
	scratch = argv[2];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
