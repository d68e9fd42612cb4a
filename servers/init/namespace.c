/*
 * init's part in the namespace (docs/vfs.md, docs/system.md): it holds
 * the VFS's unbadged capability (the VFS server's service endpoint, whose
 * original init keeps), the only one that may mount. With it, init
 * mounts each file-system server whose line says `mount=PATH`, making
 * the directory first if it is missing, and opens the directory of each
 * `dir[:NAME]=PATH` for the server whose line says so. Paths go through
 * a one-page buffer init attaches to the VFS on first use.
 */
#include "init.h"

#include "lib/string.h"
#include "pith/fs.h"
#include "pith/proto/fs.h"
#include "pith/proto/vfs.h"
#include "pith/vm.h"

static char *page; /* init's buffer with the VFS */

/* The VFS's endpoint with a buffer attached; 0 (and a line) if there is
 * no running server named `vfs` or the buffer cannot be attached. */
static pith_cptr_t vfs_ready(const char *who)
{
	const struct manifest_server *m;
	const struct server *v;
	enum pith_error err;
	uint64_t va;

	m = manifest_find(servers[0].m, nservers, "vfs");
	v = m ? &servers[m - servers[0].m] : NULL;
	if (!v || v->state != SERVER_RUNNING || !v->service) {
		pith_printf("init: %s: no vfs server running\n", who);
		return 0;
	}
	if (page)
		return v->service;
	err = pith_vm_map_new(1, PITH_RIGHT_READ | PITH_RIGHT_WRITE, &va);
	if (err == PITH_OK) {
		err = vfs_attach(v->service, 0, pith_vm_frame(va));
		if (err != PITH_OK)
			pith_vm_unmap(va);
	}
	if (err != PITH_OK) {
		pith_printf("init: %s: cannot share a buffer with vfs: %s\n",
			    who, pith_error_name(err));
		return 0;
	}
	page = (char *)va;
	return v->service;
}

/* The first n bytes of path in the buffer: n. */
static uint32_t put(const char *path, size_t n)
{
	memcpy(page, path, n);
	return (uint32_t)n;
}

bool namespace_dirs(struct server *s)
{
	const struct manifest_server *m = s->m;
	pith_cptr_t vfs = 0;
	enum pith_error err;
	uint32_t type;

	for (unsigned i = 0; i < m->ncaps; i++) {
		const struct manifest_cap *c = &m->caps[i];

		if (c->kind != MCAP_DIR || s->held[i])
			continue; /* a restart: the handle is held still */
		if (!vfs && !(vfs = vfs_ready(m->name)))
			return false;
		err = vfs_open(vfs, put(c->path, strlen(c->path)),
			       PITH_FS_O_DIRECTORY, &s->held[i], &type);
		if (err != PITH_OK) {
			s->held[i] = 0;
			pith_printf("init: %s: dir %s: %s\n", m->name, c->path,
				    pith_error_name(err));
			return false;
		}
	}
	return true;
}

/* Make each directory on the way to path (all but "/"), as mkdir -p. */
static enum pith_error make_dirs(pith_cptr_t vfs, const char *path)
{
	size_t n = strlen(path);
	enum pith_error err;

	for (size_t i = 1; i <= n; i++) {
		if (i < n && path[i] != '/')
			continue;
		if (path[i - 1] == '/')
			continue;
		err = vfs_mkdir(vfs, put(path, i));
		if (err != PITH_OK && err != PITH_E_EXISTS)
			return err;
	}
	return PITH_OK;
}

void namespace_mount(const struct server *s)
{
	const char *path = s->m->mount;
	pith_cptr_t vfs;
	enum pith_error err;

	if (!path[0])
		return;
	vfs = vfs_ready(s->m->name);
	if (!vfs)
		return;
	err = make_dirs(vfs, path);
	if (err == PITH_OK)
		err = vfs_mount(vfs, put(path, strlen(path)), s->service);
	if (err != PITH_OK)
		pith_printf("init: %s: mount on %s: %s\n", s->m->name, path,
			    pith_error_name(err));
	else
		pith_printf("init: %s mounted on %s\n", s->m->name, path);
}

void namespace_sync(void)
{
	for (unsigned i = 0; i < nservers; i++) {
		const struct server *s = &servers[i];
		enum pith_error err;

		if (!s->m->mount[0] || s->state != SERVER_RUNNING)
			continue;
		err = fs_sync(s->service);
		if (err != PITH_OK)
			pith_printf("init: %s: sync: %s\n", s->m->name,
				    pith_error_name(err));
	}
}
