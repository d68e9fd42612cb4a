/*
 * The shell's file commands (docs/shell.md): ls, cat, write, cp, mv, rm,
 * mkdir, df, mount, cd, pwd. They go through the directory handle the
 * manifest gives the shell (`dir:root=/`) with the SDK's file API
 * (pith/file.h). The shell keeps a working directory as a string; a
 * path not starting with `/` is taken from it, and the VFS resolves the
 * result from the root handle, so nothing reaches above that handle.
 */
#include "shell.h"

#include "../vfs/path.h"
#include "lib/string.h"
#include "pith/file.h"

#define CHUNK 4096

static struct pith_fs root;
static bool root_ready;
static char cwd[VFS_PATH_MAX + 1] = "/";
static char joined[2][VFS_PATH_MAX + 2];
static char base[VFS_NAME_MAX + 1];
static uint8_t chunk[CHUNK];

/* The root handle; false (and a line) if the shell has none. */
static bool have_root(const char *cmd)
{
	if (!sh.root) {
		sh_printf("%s: the shell has no 'root' capability\n", cmd);
		return false;
	}
	if (!root_ready) {
		pith_fs_init(&root, sh.root);
		root_ready = true;
	}
	return true;
}

static void fail_path(const char *cmd, const char *path, enum pith_error err)
{
	sh_printf("%s: %s: %s\n", cmd, path, pith_error_name(err));
}

/* `path` from the working directory, into joined[which]; NULL if too
 * long. */
static const char *full(const char *path, unsigned which)
{
	size_t c = strlen(cwd), p = strlen(path);
	char *out = joined[which];

	if (path[0] == '/') {
		if (p > VFS_PATH_MAX)
			return path; /* the VFS says it is too long */
		memcpy(out, path, p + 1);
		return out;
	}
	if (c + 1 + p > VFS_PATH_MAX + 1)
		return path[0] ? path : "."; /* too long for the VFS too */
	memcpy(out, cwd, c + 1);
	out[c] = '/';
	memcpy(out + c + 1, path, p + 1);
	return out;
}

/* The last name of a path ("" for none). */
static const char *base_name(const char *path)
{
	const char *end = path + strlen(path), *s;

	while (end > path && end[-1] == '/')
		end--;
	for (s = end; s > path && s[-1] != '/'; s--)
		;
	if (end - s >= (long)sizeof(base))
		return "";
	memcpy(base, s, (size_t)(end - s));
	base[end - s] = '\0';
	return base;
}

/* ---- ls, cat ----------------------------------------------------------- */

static void list_dir(const char *shown, struct pith_file *d)
{
	uint32_t count;
	size_t used;
	enum pith_error err;

	for (;;) {
		err = pith_file_readdir(d, chunk, sizeof(chunk), &count, &used);
		if (err != PITH_OK) {
			fail_path("ls", shown, err);
			return;
		}
		if (!count)
			return;
		for (size_t off = 0; count--;) {
			struct pith_fs_dirent *e =
				(struct pith_fs_dirent *)(chunk + off);

			if (e->type == PITH_FS_DIR)
				sh_printf("%10s  %.*s/\n", "", e->name_len,
					  e->name);
			else
				sh_printf("%10llu  %.*s\n",
					  (unsigned long long)e->size,
					  e->name_len, e->name);
			off += PITH_FS_DIRENT_SIZE(e->name_len);
		}
	}
}

void sh_cmd_ls(const struct args *a)
{
	const char *shown = a->argc > 1 ? a->argv[1] : ".";
	struct pith_file d;
	struct pith_stat st;
	enum pith_error err;

	if (!have_root("ls"))
		return;
	err = pith_fs_open(&root, full(shown, 0), PITH_FS_O_READ, &d);
	if (err != PITH_OK) {
		fail_path("ls", shown, err);
		return;
	}
	if (d.type == PITH_FS_DIR) {
		list_dir(shown, &d);
	} else if (pith_file_stat(&d, &st) == PITH_OK) {
		sh_printf("%10llu  %s\n", (unsigned long long)st.size, shown);
	}
	pith_file_close(&d);
}

void sh_cmd_cat(const struct args *a)
{
	struct pith_file f;
	enum pith_error err;
	size_t n;

	if (!have_root("cat"))
		return;
	for (unsigned i = 1; i < a->argc; i++) {
		err = pith_fs_open(&root, full(a->argv[i], 0), PITH_FS_O_READ,
				   &f);
		if (err == PITH_OK && f.type == PITH_FS_DIR) {
			pith_file_close(&f);
			err = PITH_E_IS_DIRECTORY;
		}
		if (err != PITH_OK) {
			fail_path("cat", a->argv[i], err);
			continue;
		}
		while ((err = pith_file_read(&f, chunk, sizeof(chunk), &n)) ==
			       PITH_OK &&
		       n)
			sh_write((const char *)chunk, n);
		if (err != PITH_OK)
			fail_path("cat", a->argv[i], err);
		pith_file_close(&f);
	}
}

/* ---- write, cp, mv, rm, mkdir ------------------------------------------ */

#define NEW_FILE (PITH_FS_O_WRITE | PITH_FS_O_CREATE | PITH_FS_O_TRUNCATE)

void sh_cmd_write(const struct args *a)
{
	struct pith_file f;
	enum pith_error err;
	size_t n, len = 0;

	if (!have_root("write"))
		return;
	for (unsigned i = 2; i < a->argc; i++) {
		size_t w = strlen(a->argv[i]);

		if (len + w + 1 > sizeof(chunk))
			break;
		if (i > 2)
			chunk[len++] = ' ';
		memcpy(chunk + len, a->argv[i], w);
		len += w;
	}
	chunk[len++] = '\n';
	err = pith_fs_open(&root, full(a->argv[1], 0), NEW_FILE, &f);
	if (err != PITH_OK) {
		fail_path("write", a->argv[1], err);
		return;
	}
	err = pith_file_write(&f, chunk, len, &n);
	if (err != PITH_OK)
		fail_path("write", a->argv[1], err);
	pith_file_close(&f);
}

/* DST, or DST/<last name of SRC> if DST is a directory, in joined[1]. */
static const char *target(const char *src, const char *dst)
{
	struct pith_stat st;
	const char *t = full(dst, 1);
	size_t n;

	if (pith_fs_stat(&root, t, &st) != PITH_OK || st.type != PITH_FS_DIR)
		return t;
	src = base_name(src);
	n = strlen(t);
	if (n + 1 + strlen(src) > VFS_PATH_MAX)
		return t;
	if (t != joined[1])
		memcpy(joined[1], t, n + 1);
	joined[1][n] = '/';
	memcpy(joined[1] + n + 1, src, strlen(src) + 1);
	return joined[1];
}

void sh_cmd_cp(const struct args *a)
{
	struct pith_file in, out;
	enum pith_error err;
	size_t n, put;

	if (!have_root("cp"))
		return;
	err = pith_fs_open(&root, full(a->argv[1], 0), PITH_FS_O_READ, &in);
	if (err == PITH_OK && in.type == PITH_FS_DIR) {
		pith_file_close(&in);
		err = PITH_E_IS_DIRECTORY;
	}
	if (err != PITH_OK) {
		fail_path("cp", a->argv[1], err);
		return;
	}
	err = pith_fs_open(&root, target(a->argv[1], a->argv[2]), NEW_FILE,
			   &out);
	if (err != PITH_OK) {
		fail_path("cp", a->argv[2], err);
		pith_file_close(&in);
		return;
	}
	while ((err = pith_file_read(&in, chunk, sizeof(chunk), &n)) ==
		       PITH_OK &&
	       n) {
		err = pith_file_write(&out, chunk, n, &put);
		if (err != PITH_OK) {
			fail_path("cp", a->argv[2], err);
			break;
		}
	}
	if (err != PITH_OK && n == 0)
		fail_path("cp", a->argv[1], err);
	pith_file_close(&out);
	pith_file_close(&in);
}

void sh_cmd_mv(const struct args *a)
{
	enum pith_error err;
	const char *from;

	if (!have_root("mv"))
		return;
	from = full(a->argv[1], 0);
	err = pith_fs_rename(&root, from, target(a->argv[1], a->argv[2]));
	if (err != PITH_OK)
		sh_printf("mv: %s: %s\n", a->argv[1], pith_error_name(err));
}

void sh_cmd_rm(const struct args *a)
{
	enum pith_error err;

	if (!have_root("rm"))
		return;
	for (unsigned i = 1; i < a->argc; i++) {
		err = pith_fs_unlink(&root, full(a->argv[i], 0));
		if (err != PITH_OK)
			fail_path("rm", a->argv[i], err);
	}
}

void sh_cmd_mkdir(const struct args *a)
{
	enum pith_error err;

	if (!have_root("mkdir"))
		return;
	for (unsigned i = 1; i < a->argc; i++) {
		err = pith_fs_mkdir(&root, full(a->argv[i], 0));
		if (err != PITH_OK)
			fail_path("mkdir", a->argv[i], err);
	}
}

/* ---- df, mount, cd, pwd ------------------------------------------------ */

void sh_cmd_mount(const struct args *a)
{
	char path[201], fstype[16];

	(void)a;
	if (!have_root("mount"))
		return;
	for (uint32_t i = 0; pith_fs_mounts(&root, i, path, fstype) == PITH_OK;
	     i++)
		sh_printf("%-10s on %s\n", fstype, path);
}

void sh_cmd_df(const struct args *a)
{
	char path[201], fstype[16];
	struct pith_file d;
	struct pith_statfs s;
	enum pith_error err;

	(void)a;
	if (!have_root("df"))
		return;
	sh_printf("%-10s %10s %10s %10s  %s\n", "TYPE", "KIB", "USED", "FREE",
		  "MOUNTED ON");
	for (uint32_t i = 0; pith_fs_mounts(&root, i, path, fstype) == PITH_OK;
	     i++) {
		err = pith_fs_open(&root, path, PITH_FS_O_DIRECTORY, &d);
		if (err == PITH_OK) {
			struct pith_fs on;

			pith_file_as_fs(&d, &on);
			err = pith_fs_statfs(&on, &s);
			pith_file_close(&d);
		}
		if (err != PITH_OK) {
			fail_path("df", path, err);
			continue;
		}
		sh_printf("%-10s %10llu %10llu %10llu  %s\n", s.fstype,
			  (unsigned long long)(s.blocks * s.block_size >> 10),
			  (unsigned long long)((s.blocks - s.free) *
						       s.block_size >>
					       10),
			  (unsigned long long)(s.free * s.block_size >> 10),
			  path);
	}
}

void sh_cmd_cd(const struct args *a)
{
	static struct vfs_path v;
	const char *to = a->argc > 1 ? a->argv[1] : "/";
	const char *p;
	struct pith_stat st;
	enum pith_error err;
	char next[VFS_PATH_MAX + 1];

	if (!have_root("cd"))
		return;
	p = full(to, 0);
	err = pith_fs_stat(&root, p, &st);
	if (err == PITH_OK && st.type != PITH_FS_DIR)
		err = PITH_E_NOT_DIRECTORY;
	if (err == PITH_OK &&
	    (vfs_path_parse(p, strlen(p), &v) != VFS_PATH_OK ||
	     !vfs_path_format(p, &v, next, sizeof(next))))
		err = PITH_E_NAME_TOO_LONG;
	if (err != PITH_OK) {
		fail_path("cd", to, err);
		return;
	}
	memcpy(cwd, next, strlen(next) + 1);
}

void sh_cmd_pwd(const struct args *a)
{
	(void)a;
	sh_printf("%s\n", cwd);
}
