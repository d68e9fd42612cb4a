/*
 * init's part in the namespace (docs/vfs.md, docs/system.md): it holds
 * the VFS's unbadged capability (the VFS server's service endpoint, whose
 * original init keeps), the only one that may mount. With it, init
 * mounts each file-system server whose line says `mount=PATH`, making
 * the directory first if it is missing, and opens the directory of each
 * `dir[:NAME]=PATH` for the server whose line says so. Paths go through
 * a one-page buffer init attaches to the VFS on first use.
 *
 * Restarts (docs/vfs.md, "Restarts"): when the VFS is restarted init
 * revokes every handle the dead one minted, mounts the file systems
 * again and gives the running servers new directory handles in the
 * slots of the old ones. A server restarted gets copies of the same
 * handles, which init keeps; the VFS reclaims what a dead one left
 * open by itself, so init calls the VFS only at boot and when the VFS
 * was restarted: then a file system must not wait for init while it
 * serves the VFS.
 */
#include "init.h"

#include "lib/string.h"
#include "pith/fs.h"
#include "pith/proto/fs.h"
#include "pith/proto/vfs.h"
#include "pith/vm.h"

static char *page;    /* init's buffer with the VFS */
static bool attached; /* to the VFS running now */

/* The server named `vfs`, if the manifest has one. */
static struct server *vfs_server(void)
{
	const struct manifest_server *m =
		nservers ? manifest_find(servers[0].m, nservers, "vfs") : NULL;

	return m ? &servers[m - servers[0].m] : NULL;
}

/* Is the VFS running? */
static bool vfs_running(void)
{
	const struct server *v = vfs_server();

	return v && v->state == SERVER_RUNNING && v->service;
}

/* The VFS's endpoint with a buffer attached; 0 (and a line) if there is
 * no running server named `vfs` or the buffer cannot be attached. */
static pith_cptr_t vfs_ready(const char *who)
{
	const struct server *v = vfs_server();
	enum pith_error err = PITH_OK;
	uint64_t va = (uint64_t)page;

	if (!vfs_running()) {
		pith_printf("init: %s: no vfs server running\n", who);
		return 0;
	}
	if (attached)
		return v->service;
	if (!page)
		err = pith_vm_map_new(1, PITH_RIGHT_READ | PITH_RIGHT_WRITE,
				      &va);
	if (err == PITH_OK)
		err = vfs_attach(v->service, 0, pith_vm_frame(va));
	if (err != PITH_OK) {
		pith_printf("init: %s: cannot share a buffer with vfs: %s\n",
			    who, pith_error_name(err));
		return 0;
	}
	page = (char *)va;
	attached = true;
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

void namespace_ended(struct server *s)
{
	const struct manifest_server *m;

	if (s != vfs_server())
		return;
	/* Every handle the dead VFS minted (and every capability init gave
	 * to it) goes: the new one knows none of them. */
	pith_cnode_revoke(PITH_SLOT_CNODE, s->service, PITH_SLOT_DEPTH);
	attached = false;
	for (unsigned i = 0; i < nservers; i++) {
		m = servers[i].m;
		for (unsigned j = 0; j < m->ncaps; j++) {
			if (m->caps[j].kind != MCAP_DIR || !servers[i].held[j])
				continue;
			pith_slot_free(servers[i].held[j]); /* empty now */
			servers[i].held[j] = 0;
		}
	}
}

/* After a VFS restart: running server t's `dir=` handles opened anew and
 * its `endpoint=vfs` capabilities minted again, each in the slot of its
 * CNode where the revoked one was, so pith_cap() finds it. */
static void give_again(struct server *t)
{
	const struct manifest_server *m = t->m;
	const struct server *v = vfs_server();
	enum pith_error err;

	namespace_dirs(t);
	for (unsigned i = 0; i < m->ncaps; i++) {
		const struct manifest_cap *c = &m->caps[i];
		bool dir = c->kind == MCAP_DIR;
		uint64_t slot = t->proc.caps.start + t->at[i];
		pith_cptr_t from = dir ? t->held[i] : v->service;

		if (!dir &&
		    (c->kind != MCAP_ENDPOINT || strcmp(c->target, "vfs") != 0))
			continue;
		if (!from)
			continue;
		pith_cnode_delete(t->proc.cnode, slot, t->proc.cnode_bits);
		err = pith_cnode_mint(t->proc.cnode, PITH_SLOT_CNODE, slot,
				      t->proc.cnode_bits, from, PITH_SLOT_DEPTH,
				      dir ? PITH_RIGHTS_ALL
					  : PITH_RIGHT_WRITE |
						      PITH_RIGHT_GRANT |
						      PITH_RIGHT_GRANT_REPLY,
				      dir ? 0 : t->index + 1);
		if (err != PITH_OK)
			pith_printf("init: %s: %s again: %s\n", m->name,
				    c->name, pith_error_name(err));
	}
}

void namespace_restarted(struct server *s)
{
	if (s != vfs_server())
		return;
	for (unsigned i = 0; i < nservers; i++)
		if (servers[i].state == SERVER_RUNNING)
			namespace_mount(&servers[i]);
	for (unsigned i = 0; i < nservers; i++)
		if (servers[i].state == SERVER_RUNNING && &servers[i] != s)
			give_again(&servers[i]);
}
