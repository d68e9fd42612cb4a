/*
 * vfstest: the vfs protocol, method by method and error by error
 * (docs/vfs.md), as a client sees it. init starts it from vfs.manifest
 * with a directory handle on the namespace's root (`root`), and an
 * endpoint to the VFS with one of init's own badges (`stranger`).
 *
 *	vfstest DIR[:DIR...] [RO-MOUNT] [wait=NAME...] [full=DIR...]
 *
 * The file-system cases run in DIR (made if missing), so the same suite
 * checks any file system mounted there; they leave DIR empty. Several
 * directories, joined by ':', are tested one after the other. With
 * RO-MOUNT, a read-only mount of the initrd (initrdfs), the read-only
 * cases run there too, reading the file `vfs.manifest` it holds. One
 * line per case, `TEST <name> PASS|FAIL`, then `vfstest: N failures`,
 * and the machine stops with that status; first, for each `wait=NAME`,
 * it waits until init lists the server NAME as ended (given up after
 * its exit: restart=0), so that another test program sharing the boot
 * finishes (that needs the `init` capability). Then, for each
 * `full=DIR`, the full cases (test_full) fill DIR's file system: after
 * the wait, since they need it to themselves, and only where filling
 * it is harmless (a file system of its own for the test). They check
 * that no server restarted, with `init`.
 */
#include <stdio.h>
#include <string.h>

#include "pith/alloc.h"
#include "pith/fs.h"
#include "pith/invocations.h"
#include "pith/pith.h"
#include "pith/proto/init.h"
#include "pith/proto/vfs.h"
#include "pith/vm.h"

#include "../lib/tsc.h"

#define PAGES 32      /* 128 KiB: one read or write crosses the VFS's chunks */
#define BUF   131072u /* bytes: PAGES pages */

#define FULL_NAMES 8192 /* files made on a full file system, at most */

_Static_assert(BUF == PAGES * 4096, "BUF is PAGES pages");

static uint8_t *buf;
static unsigned failures;
static char why[160];

static void result(const char *name, bool ok)
{
	if (ok) {
		printf("TEST vfs_%s PASS\n", name);
		return;
	}
	printf("TEST vfs_%s FAIL %s\n", name, why);
	failures++;
}

/* err is want: else `why` says what came. */
static bool is(enum pith_error err, enum pith_error want)
{
	if (err == want)
		return true;
	snprintf(why, sizeof(why), "%s, not %s", pith_error_name(err),
		 pith_error_name(want));
	return false;
}

static bool fact(bool ok, const char *what)
{
	if (!ok)
		snprintf(why, sizeof(why), "%s", what);
	return ok;
}

/* Put the path at the buffer's start: its length. */
static uint32_t put(const char *path)
{
	size_t n = strlen(path);

	memcpy(buf, path, n + 1);
	return (uint32_t)n;
}

static enum pith_error op_open(pith_cptr_t dir, const char *path,
			       uint32_t flags, pith_cptr_t *h)
{
	uint32_t type;

	*h = 0;
	return vfs_open(dir, put(path), flags, h, &type);
}

static void op_close(pith_cptr_t h)
{
	vfs_close(h);
	pith_slot_free(h);
}

static enum pith_error op_stat(pith_cptr_t dir, const char *path,
			       uint32_t *type, uint64_t *size)
{
	uint64_t mtime;
	uint32_t mount, t;
	uint64_t s;

	return vfs_stat(dir, put(path), type ? type : &t, size ? size : &s,
			&mtime, &mount);
}

/* A file `path` in dir holding `text`. */
static enum pith_error make_file(pith_cptr_t dir, const char *path,
				 const char *text)
{
	pith_cptr_t h;
	uint32_t done;
	enum pith_error err = op_open(
		dir, path,
		PITH_FS_O_WRITE | PITH_FS_O_CREATE | PITH_FS_O_TRUNCATE, &h);

	if (err != PITH_OK)
		return err;
	memcpy(buf, text, strlen(text) + 1);
	err = vfs_write(h, 0, (uint32_t)strlen(text), &done);
	op_close(h);
	return err;
}

/* Does file `path` hold exactly `text`? */
static bool holds(pith_cptr_t dir, const char *path, const char *text)
{
	pith_cptr_t h;
	uint32_t done = 0;
	enum pith_error err = op_open(dir, path, PITH_FS_O_READ, &h);

	if (err != PITH_OK)
		return is(err, PITH_OK);
	err = vfs_read(h, 0, 4096, &done);
	op_close(h);
	return is(err, PITH_OK) &&
	       fact(done == strlen(text) && !memcmp(buf, text, done),
		    "the wrong bytes");
}

/* ---- the cases ---------------------------------------------------------- */

static void test_attach(pith_cptr_t root)
{
	pith_cptr_t f = pith_vm_frame((uint64_t)buf);

	result("attach_range",
	       is(vfs_attach(root, PITH_FS_BUFFER_PAGES, f), PITH_E_RANGE));
	result("attach_in_use", is(vfs_attach(root, 0, f), PITH_E_IN_USE));
}

static void test_open(pith_cptr_t d)
{
	pith_cptr_t h;
	uint32_t type;

	result("mkdir", is(vfs_mkdir(d, put("sub")), PITH_OK));
	result("mkdir_exists", is(vfs_mkdir(d, put("sub")), PITH_E_EXISTS));
	result("open_create",
	       is(vfs_open(d, put("sub/f"),
			   PITH_FS_O_READ | PITH_FS_O_WRITE | PITH_FS_O_CREATE,
			   &h, &type),
		  PITH_OK) &&
		       fact(type == PITH_FS_FILE, "not a file"));
	op_close(h);
	result("open_excl",
	       is(op_open(d, "sub/f",
			  PITH_FS_O_WRITE | PITH_FS_O_CREATE | PITH_FS_O_EXCL,
			  &h),
		  PITH_E_EXISTS));
	result("open_missing",
	       is(op_open(d, "nope", PITH_FS_O_READ, &h), PITH_E_NOT_FOUND));
	result("open_through_file",
	       is(op_open(d, "sub/f/x", PITH_FS_O_READ, &h),
		  PITH_E_NOT_DIRECTORY));
	result("open_dir_write",
	       is(op_open(d, "sub", PITH_FS_O_WRITE, &h), PITH_E_IS_DIRECTORY));
	result("open_file_as_dir",
	       is(op_open(d, "sub/f", PITH_FS_O_DIRECTORY, &h),
		  PITH_E_NOT_DIRECTORY));
	result("open_bad_flags",
	       is(op_open(d, "sub/f", 0x80, &h), PITH_E_INVALID_ARGUMENT));
	result("open_truncate_readonly",
	       is(op_open(d, "sub/f", PITH_FS_O_READ | PITH_FS_O_TRUNCATE, &h),
		  PITH_E_INVALID_ARGUMENT));
	result("open_dir",
	       is(vfs_open(d, put("./sub/"), PITH_FS_O_DIRECTORY, &h, &type),
		  PITH_OK) &&
		       fact(type == PITH_FS_DIR, "not a directory"));
	result("read_dir", is(vfs_read(h, 0, 10, &type), PITH_E_IS_DIRECTORY));
	op_close(h);
}

static void test_read_write(pith_cptr_t d)
{
	pith_cptr_t h, ro;
	uint32_t done = 0;
	uint64_t pos = 0, size = 0;
	uint32_t type = 0;

	op_open(d, "sub/f", PITH_FS_O_READ | PITH_FS_O_WRITE, &h);
	memcpy(buf + 100, "hello world", 12);
	result("write", is(vfs_write(h, 100, 11, &done), PITH_OK) &&
				fact(done == 11, "not 11 bytes written"));
	result("seek_start", is(vfs_seek(h, 0, 0, &pos), PITH_OK) &&
				     fact(pos == 0, "not at 0"));
	memset(buf, 0, 64);
	result("read",
	       is(vfs_read(h, 0, 64, &done), PITH_OK) &&
		       fact(done == 11 && !memcmp(buf, "hello world", 11),
			    "not what was written"));
	result("read_past_end", is(vfs_read(h, 0, 64, &done), PITH_OK) &&
					fact(done == 0, "bytes past the end"));
	result("seek_end", is(vfs_seek(h, -5, 2, &pos), PITH_OK) &&
				   fact(pos == 6, "not at 6"));
	result("seek_here", is(vfs_seek(h, 2, 1, &pos), PITH_OK) &&
				    fact(pos == 8, "not at 8"));
	result("seek_negative", is(vfs_seek(h, -9, 1, &pos), PITH_E_RANGE));
	result("seek_whence",
	       is(vfs_seek(h, 0, 3, &pos), PITH_E_INVALID_ARGUMENT));
	result("read_outside_buffer",
	       is(vfs_read(h, BUF - 4, 8, &done), PITH_E_NOT_MAPPED));
	result("read_past_buffers",
	       is(vfs_read(h, PITH_FS_BUFFER_PAGES * 4096, 1, &done),
		  PITH_E_RANGE));
	result("stat_handle",
	       is(vfs_stat(h, 0, &type, &size, &pos, &done), PITH_OK) &&
		       fact(type == PITH_FS_FILE && size == 11,
			    "not a file of 11 bytes"));
	result("truncate_shrink",
	       is(vfs_truncate(h, 5), PITH_OK) &&
		       is(op_stat(d, "sub/f", NULL, &size), PITH_OK) &&
		       fact(size == 5, "not 5 bytes"));
	vfs_truncate(h, 10);
	vfs_seek(h, 0, 0, &pos);
	result("truncate_grow_zeros",
	       is(vfs_read(h, 0, 64, &done), PITH_OK) &&
		       fact(done == 10 && !memcmp(buf, "hello\0\0\0\0\0", 10),
			    "not hello and five zeros"));
	op_close(h);
	op_open(d, "sub/f", PITH_FS_O_READ, &ro);
	result("write_readonly_handle",
	       is(vfs_write(ro, 0, 1, &done), PITH_E_MISSING_RIGHTS));
	result("truncate_readonly_handle",
	       is(vfs_truncate(ro, 0), PITH_E_MISSING_RIGHTS));
	op_close(ro);
	op_open(d, "sub/f", PITH_FS_O_WRITE | PITH_FS_O_APPEND, &h);
	memcpy(buf, "!", 2);
	vfs_write(h, 0, 1, &done);
	op_close(h);
	result("append", is(op_stat(d, "sub/f", NULL, &size), PITH_OK) &&
				 fact(size == 11, "not 11 bytes"));
}

/* 300000 bytes: more than one request (the buffer), and requests more
 * than the VFS's buffer with the file system. */
static void test_big(pith_cptr_t d)
{
	const uint32_t total = 300000;
	pith_cptr_t h;
	uint32_t done, at = 0;
	uint64_t pos;
	bool ok = true;

	op_open(d, "big", PITH_FS_O_READ | PITH_FS_O_WRITE | PITH_FS_O_CREATE,
		&h);
	while (ok && at < total) {
		uint32_t n = total - at < BUF ? total - at : BUF;

		for (uint32_t i = 0; i < n; i++)
			buf[i] = (uint8_t)((at + i) * 13 / 7);
		ok = is(vfs_write(h, 0, n, &done), PITH_OK) &&
		     fact(done == n, "a short write");
		at += n;
	}
	result("big_write", ok);
	vfs_seek(h, 0, 0, &pos);
	for (at = 0; ok && at < total; at += done) {
		ok = is(vfs_read(h, 0, BUF, &done), PITH_OK) &&
		     fact(done == (total - at < BUF ? total - at : BUF),
			  "a short read");
		for (uint32_t i = 0; ok && i < done; i++)
			ok = fact(buf[i] == (uint8_t)((at + i) * 13 / 7),
				  "the wrong bytes");
	}
	result("big_read", ok);
	op_close(h);
	result("big_unlink", is(vfs_unlink(d, put("big")), PITH_OK));
}

static void test_readdir(pith_cptr_t d)
{
	char name[16];
	pith_cptr_t h;
	uint32_t count, used, seen = 0, mask = 0;
	uint64_t pos;
	bool ok = true;

	vfs_mkdir(d, put("many"));
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "many/e%02d", i);
		make_file(d, name, "");
	}
	op_open(d, "many", PITH_FS_O_READ, &h);
	result("readdir_too_small",
	       is(vfs_readdir(h, 8, &count, &used), PITH_E_RANGE));
	for (;;) {
		ok = is(vfs_readdir(h, 64, &count, &used), PITH_OK) &&
		     fact(used <= 64, "more than asked");
		if (!ok || !count)
			break;
		for (uint32_t off = 0, k = 0; ok && k < count; k++) {
			struct pith_fs_dirent *e =
				(struct pith_fs_dirent *)(buf + off);
			int n = (e->name[1] - '0') * 10 + (e->name[2] - '0');

			ok = fact(e->name_len == 3 && e->name[0] == 'e' &&
					  n >= 0 && n < 20 &&
					  !(mask & (1u << n)) &&
					  e->type == PITH_FS_FILE,
				  "a wrong or repeated entry");
			mask |= 1u << (n & 31);
			off += (uint32_t)PITH_FS_DIRENT_SIZE(e->name_len);
			seen++;
		}
	}
	result("readdir", ok && fact(seen == 20, "not 20 entries"));
	result("readdir_end",
	       is(vfs_readdir(h, 4096, &count, &used), PITH_OK) &&
		       fact(count == 0, "entries after the end"));
	vfs_seek(h, 0, 0, &pos);
	result("readdir_rewind",
	       is(vfs_readdir(h, 4096, &count, &used), PITH_OK) &&
		       fact(count == 20, "not 20 entries again"));
	op_close(h);
	result("unlink_not_empty",
	       is(vfs_unlink(d, put("many")), PITH_E_NOT_EMPTY));
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "many/e%02d", i);
		ok = vfs_unlink(d, put(name)) == PITH_OK && ok;
	}
	result("unlink_files", ok);
	result("unlink_dir", is(vfs_unlink(d, put("many")), PITH_OK));
	result("unlink_missing",
	       is(vfs_unlink(d, put("many")), PITH_E_NOT_FOUND));
}

static void test_unlink_open(pith_cptr_t d)
{
	pith_cptr_t h;
	uint32_t done = 0;
	uint64_t pos;

	make_file(d, "gone", "still here");
	op_open(d, "gone", PITH_FS_O_READ, &h);
	result("unlink_open",
	       is(vfs_unlink(d, put("gone")), PITH_OK) &&
		       is(op_stat(d, "gone", NULL, NULL), PITH_E_NOT_FOUND));
	vfs_seek(h, 0, 0, &pos);
	result("unlinked_still_readable",
	       is(vfs_read(h, 0, 64, &done), PITH_OK) &&
		       fact(done == 10 && !memcmp(buf, "still here", 10),
			    "not its data"));
	op_close(h);
}

static void test_rename(pith_cptr_t d)
{
	make_file(d, "a", "AAA");
	make_file(d, "b", "B");
	memcpy(buf, "ab", 3);
	result("rename_over_file",
	       is(vfs_rename(d, 1, 1), PITH_OK) && holds(d, "b", "AAA") &&
		       is(op_stat(d, "a", NULL, NULL), PITH_E_NOT_FOUND));
	memcpy(buf, "ab", 3);
	result("rename_missing", is(vfs_rename(d, 1, 1), PITH_E_NOT_FOUND));
	memcpy(buf, "bsub/c", 7);
	result("rename_into_dir",
	       is(vfs_rename(d, 1, 5), PITH_OK) && holds(d, "sub/c", "AAA"));
	memcpy(buf, "subsub/x", 9);
	result("rename_into_itself",
	       is(vfs_rename(d, 3, 5), PITH_E_INVALID_ARGUMENT));
	vfs_unlink(d, put("sub/c"));
}

static void test_names(pith_cptr_t d)
{
	static char p[PITH_FS_PATH_MAX + 2];
	pith_cptr_t h;
	uint32_t type;

	memset(p, 'n', PITH_FS_NAME_MAX + 1);
	p[PITH_FS_NAME_MAX + 1] = '\0';
	result("name_too_long",
	       is(op_open(d, p, PITH_FS_O_WRITE | PITH_FS_O_CREATE, &h),
		  PITH_E_NAME_TOO_LONG));
	p[PITH_FS_NAME_MAX] = '\0';
	result("name_longest", is(make_file(d, p, "x"), PITH_OK) &&
				       is(vfs_unlink(d, put(p)), PITH_OK));
	for (int i = 0; i <= PITH_FS_PATH_MAX; i++)
		p[i] = i % 2 ? '/' : 'q';
	p[PITH_FS_PATH_MAX + 1] = '\0';
	result("path_too_long",
	       is(op_stat(d, p, NULL, NULL), PITH_E_NAME_TOO_LONG));
	result("path_nul", is(vfs_stat(d, (memcpy(buf, "a\0b", 4), 3), &type,
				       (uint64_t *)p, (uint64_t *)p, &type),
			      PITH_E_INVALID_ARGUMENT));
	result("path_dots",
	       is(op_stat(d, "./sub//.//f", &type, NULL), PITH_OK) &&
		       fact(type == PITH_FS_FILE, "not a file"));
}

/* `..` never leaves a directory handle. */
static void test_confined(pith_cptr_t d)
{
	pith_cptr_t box, copy;
	uint32_t type = 0;

	vfs_mkdir(d, put("box"));
	vfs_mkdir(d, put("secret"));
	make_file(d, "secret/s", "s");
	op_open(d, "box", PITH_FS_O_DIRECTORY, &box);
	result("dotdot_stays", is(op_stat(box, "..", &type, NULL), PITH_OK) &&
				       is(op_stat(box, "../box", NULL, NULL),
					  PITH_E_NOT_FOUND));
	result("dotdot_secret",
	       is(op_stat(box, "../secret/s", NULL, NULL), PITH_E_NOT_FOUND) &&
		       is(op_stat(box, "/../../secret", NULL, NULL),
			  PITH_E_NOT_FOUND) &&
		       is(op_open(box, "../../secret/s", PITH_FS_O_READ, &copy),
			  PITH_E_NOT_FOUND));
	result("slash_is_handle", is(make_file(box, "/in", "x"), PITH_OK) &&
					  holds(d, "box/in", "x"));
	vfs_unlink(box, put("in"));
	pith_cap_copy(box, PITH_RIGHTS_ALL, &copy);
	result("mount_not_root",
	       is(vfs_mount(box, put("x"), box), PITH_E_MISSING_RIGHTS));
	op_close(box);
	result("closed_handle",
	       fact(vfs_stat(copy, 0, &type, (uint64_t *)&box, (uint64_t *)&box,
			     &type) != PITH_OK,
		    "a copy works after close"));
	pith_slot_free(copy);
	vfs_unlink(d, put("secret/s"));
	vfs_unlink(d, put("secret"));
	vfs_unlink(d, put("box"));
}

static void test_fs(pith_cptr_t d)
{
	char fstype[16];
	uint64_t bs = 0, blocks = 0, avail = 0;
	pith_cptr_t h;

	result("statfs",
	       is(vfs_statfs(d, fstype, &bs, &blocks, &avail), PITH_OK) &&
		       fact(fstype[0] && bs && blocks >= avail,
			    "no type, or nonsense sizes"));
	result("sync", is(vfs_sync(d), PITH_OK));
	result("close_dir",
	       is(op_open(d, "sub", PITH_FS_O_DIRECTORY, &h), PITH_OK) &&
		       is(vfs_close(h), PITH_OK));
	pith_slot_free(h);
	vfs_unlink(d, put("sub/f"));
	result("cleanup", is(vfs_unlink(d, put("sub")), PITH_OK));
}

/* The read-only mount at `ro`, seen from the root. */
static void test_read_only(pith_cptr_t root, const char *ro)
{
	char path[PITH_FS_PATH_MAX], mp[201], fstype[16];
	pith_cptr_t h;
	uint32_t done = 0, type = 0;
	bool found = false;

	snprintf(path, sizeof(path), "%s/vfs.manifest", ro);
	result("ro_read",
	       is(op_open(root, path, PITH_FS_O_READ, &h), PITH_OK) &&
		       is(vfs_read(h, 0, 64, &done), PITH_OK) &&
		       fact(done > 10 && buf[0] == '#',
			    "not the manifest's first bytes"));
	op_close(h);
	result("ro_write",
	       is(op_open(root, path, PITH_FS_O_WRITE, &h), PITH_E_READ_ONLY));
	snprintf(path, sizeof(path), "%s/new", ro);
	result("ro_create", is(make_file(root, path, "x"), PITH_E_READ_ONLY));
	snprintf(path, sizeof(path), "%s/dir", ro);
	result("ro_mkdir", is(vfs_mkdir(root, put(path)), PITH_E_READ_ONLY));
	snprintf(path, sizeof(path), "%s/vfs.manifest", ro);
	result("ro_unlink", is(vfs_unlink(root, put(path)), PITH_E_READ_ONLY));
	result("mount_point_busy",
	       is(vfs_unlink(root, put(ro)), PITH_E_IN_USE));
	snprintf(path, sizeof(path), "%s/..", ro);
	result("dotdot_leaves_mount",
	       is(vfs_stat(root, put(path), &type, (uint64_t *)mp,
			   (uint64_t *)mp, &done),
		  PITH_OK) &&
		       fact(type == PITH_FS_DIR && done == 0,
			    "not the root's mount"));
	{
		size_t a = strlen(ro) + 13, b = strlen("moved");

		snprintf((char *)buf, BUF, "%s/vfs.manifestmoved", ro);
		result("rename_across_mounts",
		       is(vfs_rename(root, (uint32_t)a, (uint32_t)b),
			  PITH_E_INVALID_ARGUMENT));
	}
	for (uint32_t i = 0; vfs_mounts(root, i, mp, fstype) == PITH_OK; i++)
		found = found ||
			(!strcmp(mp, ro) && !strcmp(fstype, "initrdfs"));
	result("mounts", fact(found, "the read-only mount is not listed"));
	result("mounts_range",
	       is(vfs_mounts(root, 99, mp, fstype), PITH_E_RANGE));
}

/* ---- a full file system ------------------------------------------------ */

/* The fill's contents: word w (bytes 8w to 8w + 7) of the file. */
static uint64_t full_word(uint64_t w)
{
	return (w + 1) * 0x9e3779b97f4a7c15ull ^ (w >> 7);
}

/* The fill's bytes [at, at + n) into the buffer; at and n are multiples
 * of 8. */
static void full_fill(uint64_t at, uint32_t n)
{
	uint64_t *w = (uint64_t *)buf;

	for (uint32_t i = 0; i < n / 8; i++)
		w[i] = full_word(at / 8 + i);
}

/* Does the buffer hold the fill's bytes [at, at + n) (at a multiple
 * of 8)? */
static bool full_holds(uint64_t at, uint32_t n)
{
	const uint64_t *w = (const uint64_t *)buf;
	uint32_t i;

	for (i = 0; i < n / 8; i++)
		if (w[i] != full_word(at / 8 + i))
			return false;
	for (i *= 8; i < n; i++)
		if (buf[i] != (uint8_t)(full_word((at + i) / 8) >> (i % 8 * 8)))
			return false;
	return true;
}

/* Restarts of every server init lists (0 without `init`). */
static uint64_t restarts_now(pith_cptr_t init)
{
	char n[16];
	uint32_t pid, state, restarts;
	uint64_t mem, sum = 0;

	for (uint32_t i = 0; init && init_list(init, i, n, &pid, &state,
					       &restarts, &mem) == PITH_OK;
	     i++)
		sum += restarts;
	return sum;
}

static uint64_t ms_since(uint64_t t0)
{
	uint64_t khz = pith_startinfo ? pith_startinfo->tsc_khz : 0;

	return khz ? (rdtsc() - t0) / khz : 0;
}

/* Free blocks of the file system dir is on, or ~0 if statfs fails. */
static uint64_t free_blocks(pith_cptr_t dir, char *fstype, uint64_t *bs)
{
	uint64_t blocks, avail;

	if (vfs_statfs(dir, fstype, bs, &blocks, &avail) != PITH_OK)
		return ~0ull;
	return avail;
}

/* Write the fill to h in BUF calls until the file system is full, at
 * most `bound` bytes: the last error (PITH_E_NO_SPACE expected), the
 * bytes the writes said they wrote in *total. */
static enum pith_error full_write(pith_cptr_t h, uint64_t bound,
				  uint64_t *total)
{
	enum pith_error err = PITH_OK;
	uint32_t done;

	*total = 0;
	while (*total <= bound) {
		full_fill(*total, BUF);
		done = 0;
		err = vfs_write(h, 0, BUF, &done);
		if (err != PITH_OK)
			break;
		if (done > BUF || done % 8 || (done < BUF && *total % BUF))
			return PITH_E_IO; /* nonsense, or short twice */
		*total += done;
	}
	return err;
}

/* What must hold of a full file system: h is the file `fill` of size
 * total in d, nothing is free. Writes, truncate, create and mkdir. */
static void full_refusals(pith_cptr_t d, pith_cptr_t h, uint64_t total,
			  const char *fstype)
{
	char t[16];
	pith_cptr_t f;
	uint64_t size = 0, pos, bs;
	uint32_t done = 1;
	enum pith_error err;

	buf[0] = 0;
	result("full_write_more",
	       is(vfs_write(h, 0, 1, &done), PITH_E_NO_SPACE) &&
		       is(op_stat(d, "fill", NULL, &size), PITH_OK) &&
		       fact(size == total, "the size moved"));
	vfs_seek(h, 0, 0, &pos);
	full_fill(0, BUF);
	result("full_overwrite",
	       is(vfs_write(h, 0, total < BUF ? (uint32_t)total : BUF, &done),
		  PITH_OK) &&
		       fact(done == (total < BUF ? total : BUF),
			    "a short write over bytes the file holds"));
	err = vfs_truncate(h, total + 8ull * BUF);
	result("full_truncate_grow",
	       fact(err == PITH_OK || err == PITH_E_NO_SPACE,
		    pith_error_name(err)) &&
		       is(op_stat(d, "fill", NULL, &size), PITH_OK) &&
		       fact(size == (err ? total : total + 8ull * BUF),
			    "the wrong size") &&
		       is(vfs_truncate(h, total), PITH_OK) &&
		       fact(free_blocks(d, t, &bs) == 0, "blocks free"));
	err = op_open(d, "more", PITH_FS_O_WRITE | PITH_FS_O_CREATE, &f);
	if (err == PITH_OK) {
		err = vfs_write(f, 0, 1, &done) == PITH_E_NO_SPACE
			      ? vfs_unlink(d, put("more"))
			      : PITH_E_IO;
		op_close(f);
	}
	result("full_create",
	       fact(err == PITH_OK || err == PITH_E_NO_SPACE,
		    "neither a file that cannot be written nor NO_SPACE") &&
		       fact(free_blocks(d, t, &bs) == 0, "blocks free"));
	/* a FAT directory takes a cluster at once */
	err = vfs_mkdir(d, put("moredir"));
	if (err == PITH_OK)
		vfs_unlink(d, put("moredir"));
	result("full_mkdir",
	       (strcmp(fstype, "fat")
			? fact(err == PITH_OK || err == PITH_E_NO_SPACE,
			       pith_error_name(err))
			: is(err, PITH_E_NO_SPACE)) &&
		       fact(free_blocks(d, t, &bs) == 0, "blocks free"));
}

/* In a directory that may be full: renamed to the longest name (on FAT
 * 21 entries, where the old one has 3), the file `from` is either under
 * the new name, which is then unlinked and `from` made again, or still
 * under its own (PITH_E_NO_SPACE). */
static bool full_rename(pith_cptr_t dir, const char *from)
{
	char to[PITH_FS_NAME_MAX + 1];
	size_t a = strlen(from);
	enum pith_error err;

	memset(to, 'r', PITH_FS_NAME_MAX);
	to[PITH_FS_NAME_MAX] = '\0';
	snprintf((char *)buf, BUF, "%s%s", from, to);
	err = vfs_rename(dir, (uint32_t)a, PITH_FS_NAME_MAX);
	printf("vfstest: renamed to the longest name: %s\n",
	       pith_error_name(err));
	if (err == PITH_E_NO_SPACE)
		return is(op_stat(dir, from, NULL, NULL), PITH_OK) &&
		       is(op_stat(dir, to, NULL, NULL), PITH_E_NOT_FOUND);
	return is(err, PITH_OK) &&
	       is(op_stat(dir, from, NULL, NULL), PITH_E_NOT_FOUND) &&
	       is(op_stat(dir, to, NULL, NULL), PITH_OK) &&
	       is(vfs_unlink(dir, put(to)), PITH_OK) &&
	       is(make_file(dir, from, ""), PITH_OK);
}

/* On a full file system: files made in a directory of their own until
 * the file system refuses with PITH_E_NO_SPACE (its directory cannot
 * grow, its memory for names is gone), at most FULL_NAMES; a rename
 * there (full_rename); then every one goes, and nothing is free
 * still. */
static bool full_names(pith_cptr_t d)
{
	char name[32], t[16];
	enum pith_error err = vfs_mkdir(d, put("names"));
	pith_cptr_t h;
	uint64_t bs;
	uint32_t type;
	unsigned n = 0;
	bool ok;

	if (err == PITH_E_NO_SPACE) /* a FAT directory needs a cluster */
		err = vfs_open(d, 0, PITH_FS_O_DIRECTORY, &h, &type);
	else if (err == PITH_OK)
		err = op_open(d, "names", PITH_FS_O_DIRECTORY, &h);
	if (err != PITH_OK)
		return is(err, PITH_OK);
	for (; n < FULL_NAMES; n++) {
		snprintf(name, sizeof(name), "a file called %u", n);
		err = make_file(h, name, "");
		if (err != PITH_OK)
			break;
	}
	printf("vfstest: %u files made on the full file system: %s\n", n,
	       pith_error_name(err));
	ok = fact(err == PITH_OK || err == PITH_E_NO_SPACE,
		  pith_error_name(err)) &&
	     (!n || full_rename(h, "a file called 0"));
	while (n-- > 0) {
		snprintf(name, sizeof(name), "a file called %u", n);
		ok = is(vfs_unlink(h, put(name)), PITH_OK) && ok;
	}
	if (vfs_close(h) == PITH_OK)
		pith_slot_free(h);
	if (op_stat(d, "names", NULL, NULL) == PITH_OK)
		ok = is(vfs_unlink(d, put("names")), PITH_OK) && ok;
	return ok && fact(free_blocks(d, t, &bs) == 0, "blocks free");
}

/* Read the whole fill back. */
static bool full_read_back(pith_cptr_t h, uint64_t total)
{
	uint64_t at, pos;
	uint32_t done = 0;
	bool ok = is(vfs_seek(h, 0, 0, &pos), PITH_OK);

	for (at = 0; ok && at < total; at += done) {
		uint32_t want = total - at < BUF ? (uint32_t)(total - at) : BUF;

		ok = is(vfs_read(h, 0, BUF, &done), PITH_OK) &&
		     fact(done == want, "a short read") &&
		     fact(full_holds(at, done), "the wrong bytes");
	}
	return ok && is(vfs_read(h, 0, BUF, &done), PITH_OK) &&
	       fact(done == 0, "bytes past the end");
}

/* After the fill: a new file of half what was free (2 MiB at most) is
 * written and read back, and goes. */
static bool full_reuse(pith_cptr_t d, uint64_t free0, uint64_t bs)
{
	char t[16];
	pith_cptr_t h;
	uint64_t want = free0 * bs / 2 & ~7ull, total = 0;
	uint32_t n, done = 0;
	bool ok = is(op_open(d, "again",
			     PITH_FS_O_READ | PITH_FS_O_WRITE |
				     PITH_FS_O_CREATE | PITH_FS_O_EXCL,
			     &h),
		     PITH_OK);

	if (want > 16ull * BUF)
		want = 16ull * BUF;
	for (; ok && total < want; total += n) {
		n = want - total < BUF ? (uint32_t)(want - total) : BUF;
		full_fill(total, n);
		ok = is(vfs_write(h, 0, n, &done), PITH_OK) &&
		     fact(done == n, "a short write");
	}
	if (ok)
		ok = full_read_back(h, total);
	if (h)
		op_close(h);
	return ok && is(vfs_unlink(d, put("again")), PITH_OK) &&
	       fact(free_blocks(d, t, &bs) == free0,
		    "not as free as before the fill");
}

/*
 * Fill the file system under `path` (made if missing) with one file,
 * `fill`, until it is full: the writes end in PITH_E_NO_SPACE, having
 * written exactly what statfs said was free, no server restarted; the
 * refusals of a full file system (full_refusals); the data read back;
 * and once the file is gone, statfs as before and room again.
 */
static void test_full(pith_cptr_t root, pith_cptr_t init, const char *path)
{
	char fstype[16] = "";
	pith_cptr_t d, h = 0;
	uint64_t bs = 0, free0, total = 0, size = 0, pos = 0, t0;
	uint64_t restarts = restarts_now(init);
	enum pith_error err;
	bool ok;

	printf("vfstest: filling %s\n", path);
	vfs_mkdir(root, put(path));
	ok = is(op_open(root, path, PITH_FS_O_DIRECTORY, &d), PITH_OK) &&
	     is(op_open(d, "fill",
			PITH_FS_O_READ | PITH_FS_O_WRITE | PITH_FS_O_CREATE |
				PITH_FS_O_TRUNCATE,
			&h),
		PITH_OK);
	free0 = ok ? free_blocks(d, fstype, &bs) : 0;
	result("full_statfs",
	       ok && fact(free0 && free0 != ~0ull && bs, "no blocks free"));
	if (!ok || !free0 || free0 == ~0ull)
		return;
	t0 = rdtsc();
	err = full_write(h, free0 * bs + 2ull * BUF, &total);
	printf("vfstest: %s full after %llu bytes (%llu blocks of %llu "
	       "free), %llu ms\n",
	       path, (unsigned long long)total, (unsigned long long)free0,
	       (unsigned long long)bs, (unsigned long long)ms_since(t0));
	result("full_no_space", is(err, PITH_E_NO_SPACE));
	result("full_all_free_written",
	       fact(total == free0 * bs, "not what statfs said was free"));
	result("full_size",
	       is(op_stat(d, "fill", NULL, &size), PITH_OK) &&
		       fact(size == total, "not the bytes the writes wrote") &&
		       is(vfs_seek(h, 0, 1, &pos), PITH_OK) &&
		       fact(pos == total, "not at the bytes written"));
	result("full_statfs_none",
	       fact(free_blocks(d, fstype, &bs) == 0, "blocks free"));
	full_refusals(d, h, total, fstype);
	result("full_names", full_names(d));
	t0 = rdtsc();
	result("full_read", full_read_back(h, total));
	printf("vfstest: %s read back in %llu ms\n", path,
	       (unsigned long long)ms_since(t0));
	op_close(h);
	result("full_unlink", is(vfs_unlink(d, put("fill")), PITH_OK) &&
				      fact(free_blocks(d, fstype, &bs) == free0,
					   "not as free as before the fill"));
	result("full_reuse", full_reuse(d, free0, bs));
	result("full_sync", is(vfs_sync(d), PITH_OK));
	result("full_no_restart", fact(init, "no 'init' capability") &&
					  fact(restarts_now(init) == restarts,
					       "a server restarted"));
	op_close(d);
}

static pith_cptr_t need(const char *name)
{
	pith_cptr_t c = pith_cap(name);

	if (!c)
		printf("vfstest: no '%s' capability\n", name);
	return c;
}

/* Has init's server `name` ended (or is it not there at all)? */
static bool ended(pith_cptr_t init, const char *name)
{
	char n[16];
	uint32_t pid, state, restarts;
	uint64_t mem;

	for (uint32_t i = 0;
	     init_list(init, i, n, &pid, &state, &restarts, &mem) == PITH_OK;
	     i++)
		if (strcmp(n, name) == 0)
			return state != 0 && state != 1;
	return true;
}

/* Wait for each `wait=NAME` argument's server to end, bounded. */
static void wait_for_others(int argc, char **argv)
{
	pith_cptr_t init = 0;

	for (int i = 1; i < argc; i++) {
		const char *name = argv[i] + 5;
		unsigned spins = 0;

		if (strncmp(argv[i], "wait=", 5) != 0)
			continue;
		if (!init && !(init = need("init")))
			return;
		while (!ended(init, name) && spins++ < 50000000)
			pith_yield();
		result("waited", fact(ended(init, name), name));
	}
}

/* The suite on one directory. */
static void test_dir(pith_cptr_t root, const char *path)
{
	pith_cptr_t d;

	printf("vfstest: testing %s\n", path);
	vfs_mkdir(root, put(path));
	result("open_dir_handle",
	       is(op_open(root, path, PITH_FS_O_DIRECTORY, &d), PITH_OK));
	test_open(d);
	test_read_write(d);
	test_big(d);
	test_readdir(d);
	test_unlink_open(d);
	test_rename(d);
	test_names(d);
	test_confined(d);
	test_fs(d);
	op_close(d);
}

int main(int argc, char **argv)
{
	pith_cptr_t root = need("root"), stranger = need("stranger");
	const char *pos[2] = {NULL, NULL};
	char dirs[PITH_FS_PATH_MAX + 1];
	uint64_t va;
	uint32_t type;
	int npos = 0;
	bool ok = root && stranger;

	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "wait=", 5) != 0 &&
		    strncmp(argv[i], "full=", 5) != 0 && npos < 2)
			pos[npos++] = argv[i];
	ok = ok && pos[0] && strlen(pos[0]) < sizeof(dirs);
	if (ok && pith_vm_map_new(PAGES, PITH_RIGHT_READ | PITH_RIGHT_WRITE,
				  &va) == PITH_OK) {
		buf = (uint8_t *)va;
		for (unsigned i = 0; i < PAGES && ok; i++)
			ok = vfs_attach(
				     root, i,
				     pith_vm_frame(va + (uint64_t)i * 4096)) ==
			     PITH_OK;
	}
	if (!ok || !buf) {
		printf("vfstest: usage: vfstest DIR[:DIR...] [RO-MOUNT] "
		       "[wait=NAME...] [full=DIR...], with 'root' and "
		       "'stranger'\n");
		pith_debug_shutdown(PITH_SLOT_DEBUG, 1);
		return 1;
	}
	result("stranger_bad_handle",
	       is(vfs_stat(stranger, 0, &type, (uint64_t *)&va, (uint64_t *)&va,
			   &type),
		  PITH_E_BAD_HANDLE));
	test_attach(root);
	strlcpy(dirs, pos[0], sizeof(dirs));
	for (char *p = dirs, *next; p; p = next) {
		next = strchr(p, ':');
		if (next)
			*next++ = '\0';
		test_dir(root, p);
	}
	if (pos[1])
		test_read_only(root, pos[1]);
	wait_for_others(argc, argv);
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "full=", 5) == 0)
			test_full(root, pith_cap("init"), argv[i] + 5);
	printf("vfstest: %u failures\n", failures);
	pith_debug_shutdown(PITH_SLOT_DEBUG, failures ? 1 : 0);
	return failures ? 1 : 0;
}
