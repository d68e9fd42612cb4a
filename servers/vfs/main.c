/*
 * The VFS (docs/vfs.md): one namespace of file systems, each a server of
 * the fs protocol, reached only through handles it mints. It keeps the
 * mount table, the handle table and the clients' buffers, resolves paths
 * and copies between the clients' buffers and its own buffer with each
 * file system. It keeps no file data.
 *
 * Capabilities: `service`, where it serves. Single-threaded: a call to a
 * file system blocks the VFS until it answers.
 */
#include <stdlib.h>
#include <string.h>

#include "pith/alloc.h"
#include "pith/invocations.h"
#include "pith/proto/fs.h"
#include "pith/proto/vfs.h"
#include "pith/server.h"
#include "pith/vm.h"
#include "vfs.h"

#define PAGE 4096u

static struct vfs_mount mounts[VFS_MOUNTS_MAX];
static unsigned nmounts; /* mounts[0] is / once there is one */
static struct vfs_handle_table table;
static struct vfs_handle handles[VFS_HANDLES_MAX];
static struct vfs_buffer root_buf = {.refs = 1};
static struct vfs_handle root = {.buf = &root_buf};
static pith_cptr_t service;
static char pathtext[2][VFS_PATH_MAX]; /* the paths of one request */

/* ---- handles and buffers ------------------------------------------------ */

static struct vfs_handle *handle_of(struct pith_request *rq)
{
	int i;

	if (rq->badge == 0)
		return &root;
	i = vfs_handle_find(&table, rq->badge);
	return i < 0 ? NULL : &handles[i];
}

static void buf_put(struct vfs_buffer *b)
{
	if (--b->refs)
		return;
	for (unsigned i = 0; i < PITH_FS_BUFFER_PAGES; i++)
		if (b->pages.va[i])
			pith_vm_unmap(b->pages.va[i]);
	free(b);
}

/* A path argument: `len` bytes at `off` of the handle's buffer. */
static enum pith_error get_path(struct vfs_handle *h, uint64_t off,
				uint32_t len, unsigned which,
				struct vfs_path *out)
{
	enum pith_error err;

	if (len > PITH_FS_PATH_MAX)
		return PITH_E_NAME_TOO_LONG;
	err = pith_fsbuf_check(&h->buf->pages, off, len);
	if (err != PITH_OK)
		return err;
	pith_fsbuf_copy(&h->buf->pages, off, pathtext[which], len, true);
	switch (vfs_path_parse(pathtext[which], len, out)) {
	case VFS_PATH_OK:
		return PITH_OK;
	case VFS_PATH_TOO_LONG:
		return PITH_E_NAME_TOO_LONG;
	default:
		return PITH_E_INVALID_ARGUMENT;
	}
}

/* ---- resolution --------------------------------------------------------- */

static void drop(struct vfs_place *p)
{
	if (p->held)
		fs_release(mounts[p->mount].ep, p->node);
	p->held = false;
}

/* The mount whose root covers (mount, node), if any. */
static int mounted_on(unsigned mount, uint64_t node)
{
	for (unsigned i = 1; i < nmounts; i++)
		if (mounts[i].used && mounts[i].parent == mount &&
		    mounts[i].under == node)
			return (int)i;
	return -1;
}

static void put_name(const struct vfs_mount *m, const char *name, unsigned len,
		     unsigned at)
{
	memcpy(m->buf + at, name, len);
}

/* Step from directory *p to its entry `name`; *p becomes the entry (a
 * mount's root if one covers it). */
static enum pith_error step(struct vfs_place *p, const char *name, unsigned len)
{
	struct vfs_mount *m = &mounts[p->mount];
	struct vfs_place next = {.mount = p->mount, .held = true};
	enum pith_error err;
	int over;

	if (p->type != PITH_FS_DIR)
		return PITH_E_NOT_DIRECTORY;
	put_name(m, name, len, 0);
	err = fs_lookup(m->ep, p->node, len, &next.node, &next.type,
			&next.size);
	if (err != PITH_OK)
		return err;
	drop(p);
	*p = next;
	over = mounted_on(p->mount, p->node);
	if (over >= 0) {
		drop(p);
		*p = (struct vfs_place){.mount = (unsigned)over,
					.node = mounts[over].root,
					.type = PITH_FS_DIR};
	}
	return PITH_OK;
}

/* Walk the first `n` names of path `v` (text `t`) from handle h's
 * directory. */
static enum pith_error walk(const struct vfs_handle *h, const char *t,
			    const struct vfs_path *v, unsigned n,
			    struct vfs_place *out)
{
	enum pith_error err;

	if (h == &root) {
		if (!nmounts)
			return PITH_E_NOT_FOUND;
		*out = (struct vfs_place){.node = mounts[0].root,
					  .type = PITH_FS_DIR};
	} else {
		*out = h->at;
		out->held = false;
	}
	if (out->type != PITH_FS_DIR)
		return PITH_E_NOT_DIRECTORY;
	for (unsigned i = 0; i < n; i++) {
		err = step(out, t + v->off[i], v->len[i]);
		if (err != PITH_OK) {
			drop(out);
			return err;
		}
	}
	return PITH_OK;
}

/* The handle h for a request; PITH_E_BAD_HANDLE if unknown. */
#define HANDLE(h, rq)                                                          \
	struct vfs_handle *h = handle_of(rq);                                  \
	if (!(h))                                                              \
	return PITH_E_BAD_HANDLE

/* ---- the vfs protocol --------------------------------------------------- */

static enum pith_error do_attach(struct pith_request *rq, uint32_t index,
				 pith_cptr_t page)
{
	HANDLE(h, rq);
	return pith_fsbuf_attach(&h->buf->pages, index, page);
}

static enum pith_error new_handle(struct vfs_handle *from,
				  const struct vfs_place *at, uint32_t flags,
				  pith_cptr_t *cap)
{
	uint64_t badge;
	int i = vfs_handle_alloc(&table, &badge);
	struct vfs_handle *h;
	enum pith_error err;

	if (i < 0)
		return PITH_E_EXHAUSTED;
	h = &handles[i];
	err = pith_cap_mint(service,
			    PITH_RIGHT_WRITE | PITH_RIGHT_GRANT |
				    PITH_RIGHT_GRANT_REPLY,
			    badge, &h->cap);
	if (err == PITH_OK && from == &root) {
		h->buf = calloc(1, sizeof(*h->buf));
		if (!h->buf) {
			pith_slot_free(h->cap);
			err = PITH_E_NOT_ENOUGH_MEMORY;
		}
	} else if (err == PITH_OK) {
		h->buf = from->buf;
	}
	if (err != PITH_OK) {
		vfs_handle_free(&table, (unsigned)i);
		return err;
	}
	h->buf->refs++;
	h->at = *at;
	h->flags = flags;
	h->pos = 0;
	h->eof = false;
	*cap = h->cap;
	return PITH_OK;
}

/* The node a path names for open, made if missing with O_CREATE. */
static enum pith_error open_place(struct vfs_handle *h, uint32_t path_len,
				  uint32_t flags, struct vfs_place *p)
{
	struct vfs_path v;
	const char *t = pathtext[0];
	enum pith_error err = get_path(h, 0, path_len, 0, &v);
	const char *name;
	unsigned len;

	if (err != PITH_OK)
		return err;
	if (!(flags & PITH_FS_O_CREATE) || v.n == 0)
		return walk(h, t, &v, v.n, p);
	err = walk(h, t, &v, v.n - 1, p);
	if (err != PITH_OK)
		return err;
	name = t + v.off[v.n - 1];
	len = v.len[v.n - 1];
	{
		struct vfs_place dir = *p;
		struct vfs_mount *m = &mounts[p->mount];

		dir.held = false;
		err = step(p, name, len);
		if (err == PITH_OK) {
			if (flags & PITH_FS_O_EXCL) {
				drop(p);
				return PITH_E_EXISTS;
			}
			return PITH_OK;
		}
		if (err != PITH_E_NOT_FOUND)
			return err; /* step dropped nothing on failure */
		if (m->flags & PITH_FS_READ_ONLY)
			err = PITH_E_READ_ONLY;
		else {
			put_name(m, name, len, 0);
			err = fs_create(m->ep, dir.node, len, PITH_FS_FILE,
					&dir.node);
		}
		drop(p);
		if (err != PITH_OK)
			return err;
		*p = (struct vfs_place){.mount = dir.mount,
					.node = dir.node,
					.type = PITH_FS_FILE,
					.held = true};
		return PITH_OK;
	}
}

static enum pith_error do_open(struct pith_request *rq, uint32_t path_len,
			       uint32_t flags, pith_cptr_t *cap, uint32_t *type)
{
	struct vfs_place p;
	enum pith_error err;
	bool writes = flags & (PITH_FS_O_WRITE | PITH_FS_O_CREATE |
			       PITH_FS_O_TRUNCATE | PITH_FS_O_APPEND);

	HANDLE(h, rq);
	if (flags & ~0x7fu)
		return PITH_E_INVALID_ARGUMENT;
	if ((flags & PITH_FS_O_TRUNCATE) && !(flags & PITH_FS_O_WRITE))
		return PITH_E_INVALID_ARGUMENT;
	err = open_place(h, path_len, flags, &p);
	if (err != PITH_OK)
		return err;
	if ((flags & PITH_FS_O_DIRECTORY) && p.type != PITH_FS_DIR)
		err = PITH_E_NOT_DIRECTORY;
	else if (p.type == PITH_FS_DIR && writes)
		err = PITH_E_IS_DIRECTORY;
	else if (writes && (mounts[p.mount].flags & PITH_FS_READ_ONLY))
		err = PITH_E_READ_ONLY;
	else if (flags & PITH_FS_O_TRUNCATE)
		err = fs_truncate(mounts[p.mount].ep, p.node, 0);
	if (err == PITH_OK)
		err = new_handle(h, &p, flags, cap);
	if (err != PITH_OK) {
		drop(&p);
		return err;
	}
	*type = p.type;
	return PITH_OK;
}

static enum pith_error do_close(struct pith_request *rq)
{
	unsigned i;

	HANDLE(h, rq);
	if (h == &root)
		return PITH_E_ILLEGAL_OPERATION;
	i = (unsigned)(h - handles);
	drop(&h->at);
	buf_put(h->buf);
	h->buf = NULL;
	pith_cnode_revoke(PITH_SLOT_CNODE, h->cap, PITH_SLOT_DEPTH);
	pith_slot_free(h->cap);
	h->cap = 0;
	vfs_handle_free(&table, i);
	return PITH_OK;
}

/* A file handle opened with `need` (PITH_FS_O_READ or _WRITE). */
static enum pith_error file_check(const struct vfs_handle *h, uint32_t need)
{
	if (h == &root || h->at.type == PITH_FS_DIR)
		return PITH_E_IS_DIRECTORY;
	if (!(h->flags & need))
		return PITH_E_MISSING_RIGHTS;
	return PITH_OK;
}

static enum pith_error do_read(struct pith_request *rq, uint32_t offset,
			       uint32_t len, uint32_t *done)
{
	struct vfs_mount *m;
	enum pith_error err;

	HANDLE(h, rq);
	err = file_check(h, PITH_FS_O_READ);
	if (err == PITH_OK)
		err = pith_fsbuf_check(&h->buf->pages, offset, len);
	if (err != PITH_OK)
		return err;
	m = &mounts[h->at.mount];
	*done = 0;
	while (*done < len) {
		uint32_t chunk = len - *done, got = 0;

		if (chunk > VFS_FSBUF_SIZE)
			chunk = VFS_FSBUF_SIZE;
		err = fs_read(m->ep, h->at.node, h->pos, chunk, 0, &got);
		if (err != PITH_OK)
			return *done ? PITH_OK : err;
		if (got > chunk)
			return PITH_E_IO;
		pith_fsbuf_copy(&h->buf->pages, offset + *done, m->buf, got,
				false);
		*done += got;
		h->pos += got;
		if (got < chunk)
			break;
	}
	return PITH_OK;
}

static enum pith_error do_write(struct pith_request *rq, uint32_t offset,
				uint32_t len, uint32_t *done)
{
	struct vfs_mount *m;
	enum pith_error err;
	uint32_t type;
	uint64_t size, mtime;

	HANDLE(h, rq);
	err = file_check(h, PITH_FS_O_WRITE);
	if (err == PITH_OK)
		err = pith_fsbuf_check(&h->buf->pages, offset, len);
	if (err != PITH_OK)
		return err;
	m = &mounts[h->at.mount];
	if (h->flags & PITH_FS_O_APPEND) {
		err = fs_stat(m->ep, h->at.node, &type, &size, &mtime);
		if (err != PITH_OK)
			return err;
		h->pos = size;
	}
	*done = 0;
	while (*done < len) {
		uint32_t chunk = len - *done, put = 0;

		if (chunk > VFS_FSBUF_SIZE)
			chunk = VFS_FSBUF_SIZE;
		pith_fsbuf_copy(&h->buf->pages, offset + *done, m->buf, chunk,
				true);
		err = fs_write(m->ep, h->at.node, h->pos, chunk, 0, &put);
		if (err != PITH_OK)
			return *done ? PITH_OK : err;
		if (put > chunk)
			return PITH_E_IO;
		*done += put;
		h->pos += put;
		if (put < chunk)
			break;
	}
	return PITH_OK;
}

static enum pith_error do_seek(struct pith_request *rq, int64_t offset,
			       uint32_t whence, uint64_t *position)
{
	uint64_t base = 0, mtime;
	uint32_t type;
	enum pith_error err;

	HANDLE(h, rq);
	if (whence > 2)
		return PITH_E_INVALID_ARGUMENT;
	if (h == &root || h->at.type == PITH_FS_DIR) {
		if (offset != 0 || whence != 0)
			return PITH_E_IS_DIRECTORY;
		h->pos = 0; /* rewind a directory */
		h->eof = false;
		*position = 0;
		return PITH_OK;
	}
	if (whence == 1)
		base = h->pos;
	if (whence == 2) {
		err = fs_stat(mounts[h->at.mount].ep, h->at.node, &type, &base,
			      &mtime);
		if (err != PITH_OK)
			return err;
	}
	if ((offset < 0 && (uint64_t)-offset > base) ||
	    (offset > 0 && base + (uint64_t)offset < base))
		return PITH_E_RANGE;
	h->pos = base + (uint64_t)offset;
	*position = h->pos;
	return PITH_OK;
}

/* The directory a handle is, as a place (the root: mount 0's root). */
static enum pith_error handle_dir(const struct vfs_handle *h,
				  struct vfs_place *p)
{
	struct vfs_path none = {0};

	return walk(h, "", &none, 0, p);
}

static enum pith_error do_readdir(struct pith_request *rq, uint32_t max,
				  uint32_t *count, uint32_t *used)
{
	struct vfs_place d;
	struct vfs_mount *m;
	uint64_t next = 0;
	enum pith_error err;

	HANDLE(h, rq);
	err = handle_dir(h, &d);
	if (err != PITH_OK)
		return err;
	if (max > VFS_FSBUF_SIZE)
		max = VFS_FSBUF_SIZE;
	err = pith_fsbuf_check(&h->buf->pages, 0, max);
	if (err != PITH_OK)
		return err;
	*count = *used = 0;
	if (h->eof)
		return PITH_OK;
	m = &mounts[d.mount];
	err = fs_readdir(m->ep, d.node, h->pos, max, &next, count, used);
	if (err != PITH_OK)
		return err;
	if (*used > max)
		return PITH_E_IO;
	pith_fsbuf_copy(&h->buf->pages, 0, m->buf, *used, false);
	h->pos = next;
	h->eof = next == 0;
	return PITH_OK;
}

static enum pith_error do_stat(struct pith_request *rq, uint32_t path_len,
			       uint32_t *type, uint64_t *size, uint64_t *mtime,
			       uint32_t *mount)
{
	struct vfs_path v;
	struct vfs_place p;
	enum pith_error err;

	HANDLE(h, rq);
	if (path_len == 0 && h != &root) {
		p = h->at;
		p.held = false;
	} else {
		err = get_path(h, 0, path_len, 0, &v);
		if (err == PITH_OK)
			err = walk(h, pathtext[0], &v, v.n, &p);
		if (err != PITH_OK)
			return err;
	}
	err = fs_stat(mounts[p.mount].ep, p.node, type, size, mtime);
	*mount = p.mount;
	drop(&p);
	return err;
}

/* The directory holding a path's last name, and that name. */
static enum pith_error parent_of(struct vfs_handle *h, uint64_t off,
				 uint32_t len, unsigned which,
				 struct vfs_place *dir, const char **name,
				 unsigned *name_len)
{
	struct vfs_path v;
	enum pith_error err = get_path(h, off, len, which, &v);

	if (err != PITH_OK)
		return err;
	if (v.n == 0)
		return PITH_E_INVALID_ARGUMENT; /* the start directory itself */
	err = walk(h, pathtext[which], &v, v.n - 1, dir);
	if (err != PITH_OK)
		return err;
	if (dir->type != PITH_FS_DIR) {
		drop(dir);
		return PITH_E_NOT_DIRECTORY;
	}
	*name = pathtext[which] + v.off[v.n - 1];
	*name_len = v.len[v.n - 1];
	return PITH_OK;
}

/* Is entry `name` of dir a mount point (which may not go)? */
static bool covered(const struct vfs_place *dir, const char *name, unsigned len)
{
	struct vfs_place p = *dir;
	bool over;

	p.held = false;
	if (step(&p, name, len) != PITH_OK)
		return false;
	over = p.mount != dir->mount;
	drop(&p);
	return over;
}

static enum pith_error do_mkdir(struct pith_request *rq, uint32_t path_len)
{
	struct vfs_place d;
	const char *name;
	unsigned len;
	uint64_t node;
	enum pith_error err;
	struct vfs_mount *m;

	HANDLE(h, rq);
	err = parent_of(h, 0, path_len, 0, &d, &name, &len);
	if (err == PITH_E_INVALID_ARGUMENT && path_len <= PITH_FS_PATH_MAX)
		return PITH_E_EXISTS; /* "/" */
	if (err != PITH_OK)
		return err;
	m = &mounts[d.mount];
	if (covered(&d, name, len))
		err = PITH_E_EXISTS;
	else if (m->flags & PITH_FS_READ_ONLY)
		err = PITH_E_READ_ONLY;
	else {
		put_name(m, name, len, 0);
		err = fs_create(m->ep, d.node, len, PITH_FS_DIR, &node);
		if (err == PITH_OK)
			fs_release(m->ep, node);
	}
	drop(&d);
	return err;
}

static enum pith_error do_unlink(struct pith_request *rq, uint32_t path_len)
{
	struct vfs_place d;
	const char *name;
	unsigned len;
	enum pith_error err;
	struct vfs_mount *m;

	HANDLE(h, rq);
	err = parent_of(h, 0, path_len, 0, &d, &name, &len);
	if (err != PITH_OK)
		return err == PITH_E_INVALID_ARGUMENT ? PITH_E_IN_USE : err;
	m = &mounts[d.mount];
	if (covered(&d, name, len))
		err = PITH_E_IN_USE;
	else if (m->flags & PITH_FS_READ_ONLY)
		err = PITH_E_READ_ONLY;
	else {
		put_name(m, name, len, 0);
		err = fs_unlink(m->ep, d.node, len);
	}
	drop(&d);
	return err;
}

static enum pith_error do_rename(struct pith_request *rq, uint32_t old_len,
				 uint32_t new_len)
{
	struct vfs_place from, to;
	const char *a, *b;
	unsigned alen, blen;
	enum pith_error err;
	struct vfs_mount *m;

	HANDLE(h, rq);
	err = parent_of(h, 0, old_len, 0, &from, &a, &alen);
	if (err != PITH_OK)
		return err == PITH_E_INVALID_ARGUMENT ? PITH_E_IN_USE : err;
	err = parent_of(h, old_len, new_len, 1, &to, &b, &blen);
	if (err != PITH_OK) {
		drop(&from);
		return err == PITH_E_INVALID_ARGUMENT ? PITH_E_IN_USE : err;
	}
	m = &mounts[from.mount];
	if (from.mount != to.mount)
		err = PITH_E_INVALID_ARGUMENT; /* across file systems */
	else if (covered(&from, a, alen) || covered(&to, b, blen))
		err = PITH_E_IN_USE;
	else if (m->flags & PITH_FS_READ_ONLY)
		err = PITH_E_READ_ONLY;
	else {
		put_name(m, a, alen, 0);
		put_name(m, b, blen, alen);
		err = fs_rename(m->ep, from.node, alen, to.node, blen);
	}
	drop(&from);
	drop(&to);
	return err;
}

static enum pith_error do_truncate(struct pith_request *rq, uint64_t size)
{
	enum pith_error err;

	HANDLE(h, rq);
	err = file_check(h, PITH_FS_O_WRITE);
	if (err != PITH_OK)
		return err;
	return fs_truncate(mounts[h->at.mount].ep, h->at.node, size);
}

static enum pith_error do_sync(struct pith_request *rq)
{
	struct vfs_place p;
	enum pith_error err;

	HANDLE(h, rq);
	if (h->at.type == PITH_FS_FILE)
		return fs_sync(mounts[h->at.mount].ep);
	err = handle_dir(h, &p);
	if (err != PITH_OK)
		return err;
	return fs_sync(mounts[p.mount].ep);
}

static enum pith_error do_statfs(struct pith_request *rq, char *fstype,
				 uint64_t *block_size, uint64_t *blocks,
				 uint64_t *free_blocks)
{
	struct vfs_place p = {0};
	enum pith_error err = PITH_OK;

	HANDLE(h, rq);
	if (h->at.type == PITH_FS_FILE)
		p = h->at;
	else
		err = handle_dir(h, &p);
	if (err != PITH_OK)
		return err;
	strlcpy(fstype, mounts[p.mount].fstype, VFS_STATFS_FSTYPE_MAX + 1);
	return fs_statfs(mounts[p.mount].ep, block_size, blocks, free_blocks);
}

/* Share a new buffer with the file system at m->ep; its type and root. */
static enum pith_error mount_setup(struct vfs_mount *m)
{
	uint64_t va;
	enum pith_error err;

	err = pith_vm_map_new(VFS_FSBUF_PAGES,
			      PITH_RIGHT_READ | PITH_RIGHT_WRITE, &va);
	if (err != PITH_OK)
		return err;
	m->buf = (uint8_t *)va;
	for (unsigned i = 0; i < VFS_FSBUF_PAGES && err == PITH_OK; i++)
		err = fs_attach(m->ep, i,
				pith_vm_frame(va + (uint64_t)i * PAGE));
	if (err == PITH_OK)
		err = fs_info(m->ep, m->fstype, &m->root, &m->flags);
	if (err != PITH_OK) {
		pith_vm_unmap(va);
		m->buf = NULL;
	}
	return err;
}

static enum pith_error do_mount(struct pith_request *rq, uint32_t path_len,
				pith_cptr_t fs)
{
	struct vfs_path v;
	struct vfs_place p = {0};
	struct vfs_mount *m;
	enum pith_error err;

	HANDLE(h, rq);
	if (h != &root)
		return PITH_E_MISSING_RIGHTS;
	if (nmounts == VFS_MOUNTS_MAX)
		return PITH_E_EXHAUSTED;
	err = get_path(h, 0, path_len, 0, &v);
	if (err != PITH_OK)
		return err;
	if (nmounts == 0 && v.n != 0)
		return PITH_E_NOT_FOUND; /* / first */
	if (nmounts) {
		err = walk(h, pathtext[0], &v, v.n, &p);
		if (err != PITH_OK)
			return err;
		if (p.type != PITH_FS_DIR || !p.held) {
			err = p.type != PITH_FS_DIR ? PITH_E_NOT_DIRECTORY
						    : PITH_E_IN_USE;
			drop(&p);
			return err;
		}
	}
	m = &mounts[nmounts];
	*m = (struct vfs_mount){.ep = fs, .parent = p.mount, .under = p.node};
	if (!vfs_path_format(pathtext[0], &v, m->path, sizeof(m->path)))
		err = PITH_E_NAME_TOO_LONG;
	else
		err = mount_setup(m);
	if (err != PITH_OK) {
		drop(&p);
		return err;
	}
	m->used = true;
	nmounts++;
	return PITH_OK;
}

static enum pith_error do_mounts(struct pith_request *rq, uint32_t index,
				 char *path, char *fstype)
{
	HANDLE(h, rq);
	(void)h;
	if (index >= nmounts)
		return PITH_E_RANGE;
	strlcpy(path, mounts[index].path, VFS_MOUNTS_PATH_MAX + 1);
	strlcpy(fstype, mounts[index].fstype, VFS_MOUNTS_FSTYPE_MAX + 1);
	return PITH_OK;
}

static const struct vfs_server ops = {
	.attach = do_attach,
	.open = do_open,
	.close = do_close,
	.read = do_read,
	.write = do_write,
	.seek = do_seek,
	.readdir = do_readdir,
	.stat = do_stat,
	.mkdir = do_mkdir,
	.unlink = do_unlink,
	.rename = do_rename,
	.truncate = do_truncate,
	.sync = do_sync,
	.statfs = do_statfs,
	.mount = do_mount,
	.mounts = do_mounts,
};

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	static const struct pith_service services[] = {{vfs_service, &ops}};
	struct pith_server srv = {
		.services = services,
		.nservices = 1,
	};

	service = pith_cap("service");
	if (!service)
		return 1;
	srv.ep = service;
	pith_server_run(&srv);
}
