/*
 * restarttest: the storage stack across restarts (docs/vfs.md,
 * "Restarts"), as a client sees it. init starts it from restart.manifest
 * with two directory handles on the root (`root`, `other`), an endpoint
 * to the VFS with one of init's badges (`stranger`), `init`, whose
 * `kill` it uses, and restart=1:
 *
 *  - ramfs (at /) killed: handles on its nodes answer PITH_E_BAD_HANDLE
 *    and still close; its files are gone (it keeps them in memory); new
 *    ones can be made; /initrd is reachable again, and a handle on the
 *    initrd is untouched;
 *  - initrdfs, then fat (the ESP, at /boot) killed: a handle on the
 *    root of its mount works at once (the first call after the restart
 *    included), one on a file answers PITH_E_BAD_HANDLE, and its paths
 *    work again;
 *  - the VFS killed: the mounts are back, ramfs's files with them; the
 *    `root` slot holds a new handle (the SDK attaches its buffer again);
 *    a handle of the dead VFS is gone from the CSpace;
 *  - one buffer's handles are limited to half the table;
 *  - a client that dies with every handle of the table open: it ends
 *    with the table full (both its handles' families at their limit),
 *    init restarts it, and the second run finds the handles reclaimed.
 *
 * The first run leaves its count of failures in /restart-phase (ramfs);
 * the second finds it there. One line per case, `TEST restart_<name>
 * PASS|FAIL <why>`, then `restarttest: N failures`, and the machine
 * stops with that status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pith/alloc.h"
#include "pith/file.h"
#include "pith/invocations.h"
#include "pith/pith.h"
#include "pith/proto/init.h"
#include "pith/proto/vfs.h"

#include "../lib/verdict.h"

#define FAMILY_MAX 128 /* servers/vfs/vfs.h: VFS_FAMILY_MAX, half the table */
#define PHASE	   "/restart-phase"

static struct pith_fs fs, other;
static pith_cptr_t init;
static char got[64];
static struct pith_file many[2 * FAMILY_MAX];

/* Make `path` hold `text`. */
static enum pith_error write_file(const char *path, const char *text)
{
	struct pith_file f;
	size_t done;
	enum pith_error err = pith_fs_open(
		&fs, path,
		PITH_FS_O_WRITE | PITH_FS_O_CREATE | PITH_FS_O_TRUNCATE, &f);

	if (err != PITH_OK)
		return err;
	err = pith_file_write(&f, text, strlen(text), &done);
	pith_file_close(&f);
	return err;
}

/* Up to sizeof(got) bytes from the start of `path`, into got; *len:
 * how many. */
static enum pith_error read_file(const char *path, size_t *len)
{
	struct pith_file f;
	enum pith_error err = pith_fs_open(&fs, path, PITH_FS_O_READ, &f);

	*len = 0;
	memset(got, 0, sizeof(got));
	if (err == PITH_OK) {
		err = pith_file_read(&f, got, sizeof(got), len);
		pith_file_close(&f);
	}
	return err;
}

/* Does `path` start with the len bytes of `text`? */
static bool holds(const char *path, const char *text, size_t len)
{
	size_t n;

	if (!is(read_file(path, &n), PITH_OK))
		return false;
	return fact(n >= len && memcmp(got, text, len) == 0,
		    "not what was there before");
}

static bool kill_server(const char *name)
{
	bool ok = is(init_kill(init, name), PITH_OK);

	if (!ok)
		printf("restarttest: kill %s: %s\n", name, why);
	return ok;
}

static void test_ramfs(void)
{
	struct pith_file f, d, irf;
	struct pith_stat st;
	char head[64];
	size_t n = 0, done = 0;
	bool ok;

	ok = is(pith_fs_mkdir(&fs, "/rt"), PITH_OK) &&
	     is(write_file("/rt/a", "in memory"), PITH_OK) &&
	     is(pith_fs_open(&fs, "/rt/a", PITH_FS_O_READ, &f), PITH_OK) &&
	     is(pith_fs_open(&fs, "/rt", PITH_FS_O_DIRECTORY, &d), PITH_OK) &&
	     is(pith_fs_open(&fs, "/initrd/restart.manifest", PITH_FS_O_READ,
			     &irf),
		PITH_OK) &&
	     is(pith_file_read(&irf, head, sizeof(head), &n), PITH_OK) &&
	     fact(n == sizeof(head), "restart.manifest is short");
	result("ramfs_setup", ok);
	if (!ok || !kill_server("ramfs"))
		return;
	result("ramfs_stale_file",
	       is(pith_file_read(&f, got, sizeof(got), &done),
		  PITH_E_BAD_HANDLE));
	result("ramfs_stale_dir",
	       is(pith_file_stat(&d, &st), PITH_E_BAD_HANDLE));
	result("ramfs_stale_close", is(pith_file_close(&f), PITH_OK) &&
					    is(pith_file_close(&d), PITH_OK));
	result("ramfs_files_gone",
	       is(pith_fs_stat(&fs, "/rt/a", &st), PITH_E_NOT_FOUND));
	result("ramfs_new_files",
	       is(pith_fs_mkdir(&fs, "/rt2"), PITH_OK) &&
		       is(write_file("/rt2/b", "made again"), PITH_OK) &&
		       holds("/rt2/b", "made again", 10));
	result("ramfs_mount_points",
	       is(pith_fs_stat(&fs, "/initrd/restart.manifest", &st),
		  PITH_OK) &&
		       fact(st.mount != 0, "not on initrdfs's mount") &&
		       holds("/initrd/restart.manifest", head, n) &&
		       is(pith_fs_stat(&fs, "/boot/pith", &st), PITH_OK));
	result("ramfs_other_handles",
	       is(pith_file_seek(&irf, 0, 0, NULL), PITH_OK) &&
		       is(pith_file_read(&irf, got, sizeof(got), &done),
			  PITH_OK) &&
		       fact(memcmp(got, head, n) == 0, "read differs"));
	pith_file_close(&irf);
}

/* Kill the file system mounted at `mount` (server `name`), with a
 * handle open on that mount's root and one on `file` in it. */
static void test_fs(const char *name, const char *mount, const char *file)
{
	struct pith_file dir, f;
	char head[64], test[48];
	uint8_t ents[1024];
	uint32_t count = 0;
	size_t n = 0, used, done;
	bool ok;

	ok = is(pith_fs_open(&fs, mount, PITH_FS_O_DIRECTORY, &dir), PITH_OK) &&
	     is(pith_fs_open(&fs, file, PITH_FS_O_READ, &f), PITH_OK) &&
	     is(read_file(file, &n), PITH_OK) && fact(n > 0, "empty");
	memcpy(head, got, sizeof(head));
	snprintf(test, sizeof(test), "%s_setup", name);
	result(test, ok);
	if (!ok || !kill_server(name))
		return;
	/* The first call after the restart: the VFS mounts the file system
	 * again and makes the call again on the new root. */
	snprintf(test, sizeof(test), "%s_root_handle", name);
	result(test,
	       is(pith_file_readdir(&dir, ents, sizeof(ents), &count, &used),
		  PITH_OK) &&
		       fact(count > 0, "no entries"));
	snprintf(test, sizeof(test), "%s_stale_file", name);
	result(test, is(pith_file_read(&f, got, sizeof(got), &done),
			PITH_E_BAD_HANDLE));
	snprintf(test, sizeof(test), "%s_paths", name);
	result(test, holds(file, head, n));
	pith_file_close(&f);
	pith_file_close(&dir);
}

static void test_vfs(pith_cptr_t stranger)
{
	struct pith_file ir;
	struct pith_stat st;
	char path[201], fstype[16], before[8][201];
	uint32_t type, n = 0;
	uint64_t x;
	bool same = true;

	while (n < 8 && pith_fs_mounts(&fs, n, before[n], fstype) == PITH_OK)
		n++;
	result("vfs_setup",
	       is(pith_fs_open(&fs, "/initrd", PITH_FS_O_DIRECTORY, &ir),
		  PITH_OK) &&
		       fact(n >= 3, "fewer than 3 mounts"));
	if (!kill_server("vfs"))
		return;
	/* Revoked by init: its slot is empty now. */
	result("vfs_old_handle",
	       is(pith_file_stat(&ir, &st), PITH_E_FAILED_LOOKUP));
	pith_file_close(&ir);
	result("vfs_root_again",
	       is(pith_fs_stat(&fs, "/initrd/restart.manifest", &st), PITH_OK));
	for (uint32_t i = 0; i < n && same; i++)
		same = is(pith_fs_mounts(&fs, i, path, fstype), PITH_OK) &&
		       fact(strcmp(path, before[i]) == 0, "another mount");
	result("vfs_mounts",
	       same && is(pith_fs_mounts(&fs, n, path, fstype), PITH_E_RANGE));
	result("vfs_ramfs_kept", holds("/rt2/b", "made again", 10));
	result("vfs_fat_kept",
	       is(pith_fs_stat(&fs, "/boot/pith", &st), PITH_OK) &&
		       fact(st.type == PITH_FS_DIR, "not a directory"));
	result("vfs_stranger", is(vfs_stat(stranger, 0, &type, &x, &x, &type),
				  PITH_E_BAD_HANDLE));
}

/* Open directory handles on / through d until one is refused: their
 * count, from *n on; the refusal in *err. */
static void fill(struct pith_fs *d, unsigned *n, enum pith_error *err)
{
	while (*n < 2 * FAMILY_MAX &&
	       (*err = pith_fs_open(d, "/", PITH_FS_O_DIRECTORY, &many[*n])) ==
		       PITH_OK)
		(*n)++;
}

/* Handles through one buffer (root's, whose head it is) up to the
 * family's limit, then PITH_E_EXHAUSTED; all closed again. */
static void test_quota(void)
{
	enum pith_error err = PITH_OK;
	unsigned n = 0;

	fill(&fs, &n, &err);
	result("family_quota",
	       is(err, PITH_E_EXHAUSTED) &&
		       fact(n == FAMILY_MAX - 1, "not the family's limit"));
	while (n)
		pith_file_close(&many[--n]);
	result("family_closed",
	       is(pith_fs_open(&fs, "/", PITH_FS_O_DIRECTORY, &many[0]),
		  PITH_OK));
	pith_file_close(&many[0]);
}

/* The first run's end: the table filled through both families, and
 * death with all of it open. */
static int die_full(void)
{
	enum pith_error err = PITH_OK;
	unsigned n = 0;
	char text[16];

	fill(&fs, &n, &err);
	fill(&other, &n, &err);
	result("table_full",
	       is(err, PITH_E_EXHAUSTED) &&
		       fact(n == 2 * (FAMILY_MAX - 1), "not the whole table"));
	pith_file_close(&many[0]); /* room for the file that carries on */
	snprintf(text, sizeof(text), "%u", failures);
	if (write_file(PHASE, text) != PITH_OK) {
		printf("restarttest: cannot write %s\n", PHASE);
		return 0; /* no second run: the missing lines fail the case */
	}
	pith_fs_open(&fs, "/", PITH_FS_O_DIRECTORY, &many[0]);
	printf("restarttest: ending with %u handles open\n", n);
	return 1; /* a failure: init restarts it */
}

/* The second run: the dead run's handles are gone. */
static void test_reclaimed(void)
{
	enum pith_error err = PITH_OK;
	unsigned n = 0;
	size_t len;

	if (read_file(PHASE, &len) == PITH_OK)
		failures += (unsigned)strtoul(got, NULL, 10);
	pith_fs_unlink(&fs, PHASE);
	fill(&fs, &n, &err);
	result("reclaimed", is(err, PITH_E_EXHAUSTED) &&
				    fact(n == FAMILY_MAX - 1,
					 "the dead run's handles are kept"));
	while (n)
		pith_file_close(&many[--n]);
}

int main(int argc, char **argv)
{
	pith_cptr_t root = pith_cap("root"), stranger = pith_cap("stranger");
	struct pith_stat st;

	(void)argc;
	(void)argv;
	verdict_prefix = "restart_";
	init = pith_cap("init");
	if (!root || !stranger || !init || !pith_cap("other")) {
		printf("restarttest: needs 'root', 'other', 'stranger' and "
		       "'init'\n");
		pith_debug_shutdown(PITH_SLOT_DEBUG, 1);
		return 1;
	}
	pith_fs_init(&fs, root);
	pith_fs_init(&other, pith_cap("other"));
	if (pith_fs_stat(&fs, PHASE, &st) == PITH_OK) {
		test_reclaimed();
		printf("restarttest: %u failures\n", failures);
		pith_debug_shutdown(PITH_SLOT_DEBUG, failures ? 1 : 0);
		return failures ? 1 : 0;
	}
	test_ramfs();
	test_fs("initrdfs", "/initrd", "/initrd/restart.manifest");
	test_fs("fat", "/boot", "/boot/pith/boot.cfg");
	test_vfs(stranger);
	test_quota();
	return die_full();
}
