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
static pith_cptr_t scratch;	       /* an empty slot, for probe() */
static char pathtext[2][VFS_PATH_MAX]; /* the paths of one request */
/* A file system refused a call of this request because its server was
 * restarted (or died during a call that changes nothing): the call may
 * be made again, once, on the mount set up again. Cleared per request. */
static bool refused;

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

/* After a call to mount i's file system. PITH_E_BAD_HANDLE (from a
 * new instance of its server, not mounted yet: it did nothing, see
 * pith/fsgate.h) and PITH_E_ABORTED (the server died during the call)
 * mean the server was restarted: the mount is set up again before its
 * next use, and the caller sees PITH_E_IO unless it calls again. `pure`:
 * the call changes nothing, so even an aborted one may be made again. */
static enum pith_error fs_done(unsigned i, enum pith_error err, bool pure)
{
	if (err != PITH_E_BAD_HANDLE && err != PITH_E_ABORTED)
		return err;
	mounts[i].stale = true;
	if (err == PITH_E_BAD_HANDLE || pure)
		refused = true;
	return PITH_E_IO;
}

/* May a call that failed be made again? Once per request (*tries), if a
 * file system refused it for a restart. */
static bool retry(unsigned *tries)
{
	bool again = refused && (*tries)++ == 0;

	refused = false;
	return again;
}

static void drop(struct vfs_place *p)
{
	struct vfs_mount *m = &mounts[p->mount];

	/* A node of a dead instance has no reference left to drop. */
	if (p->held && p->epoch == m->epoch && !m->stale)
		fs_done(p->mount, fs_release(m->ep, p->node), false);
	p->held = false;
}

/* The mount whose root covers (mount, node), if any. */
static int mounted_on(unsigned mount, uint64_t node)
{
	for (unsigned i = 1; i < nmounts; i++)
		if (mounts[i].used && !mounts[i].lost &&
		    mounts[i].parent == mount && mounts[i].under == node)
			return (int)i;
	return -1;
}

static void put_name(const struct vfs_mount *m, const char *name, unsigned len,
		     unsigned at)
{
	memcpy(m->buf + at, name, len);
}

/* ---- restarted file systems (docs/vfs.md, "Restarts") ----------------- */

static enum pith_error mount_share(struct vfs_mount *m);

/* Find mount c's mount point again in its parent i, just mounted again:
 * each directory of its path below i's, made if it is missing and i can
 * be written (as init made it). Else c is lost: unreachable by paths
 * until i is mounted again, though handles inside c still work. */
static void find_under(unsigned i, unsigned c)
{
	static struct vfs_path pv, cv;
	struct vfs_mount *m = &mounts[i], *k = &mounts[c];
	uint64_t dir = m->root, node = 0, size;
	uint32_t type = PITH_FS_DIR;
	enum pith_error err = PITH_OK;

	k->lost = true;
	if (vfs_path_parse(m->path, strlen(m->path), &pv) != VFS_PATH_OK ||
	    vfs_path_parse(k->path, strlen(k->path), &cv) != VFS_PATH_OK ||
	    cv.n <= pv.n)
		return;
	for (unsigned j = pv.n; j < cv.n && err == PITH_OK; j++) {
		unsigned len = cv.len[j];

		put_name(m, k->path + cv.off[j], len, 0);
		err = fs_lookup(m->ep, dir, len, &node, &type, &size);
		if (err == PITH_E_NOT_FOUND && !(m->flags & PITH_FS_READ_ONLY))
			err = fs_create(m->ep, dir, len, PITH_FS_DIR, &node);
		if (err == PITH_OK && type != PITH_FS_DIR) {
			fs_release(m->ep, node);
			err = PITH_E_NOT_DIRECTORY;
		}
		if (dir != m->root)
			fs_release(m->ep, dir);
		if (err == PITH_OK)
			dir = node;
	}
	if (err == PITH_OK) {
		k->under = dir; /* referenced for ever, as at mount */
		k->lost = false;
	}
	fs_done(i, err, false);
}

/* Mount i again on its restarted server: the epoch moves on (its old
 * nodes are refused from now on), the buffer is shared again, the root
 * asked for again, and the mounts on it find their mount points. */
static enum pith_error mount_again(unsigned i)
{
	struct vfs_mount *m = &mounts[i];
	enum pith_error err;

	m->epoch++;
	err = mount_share(m);
	if (err != PITH_OK) {
		fs_done(i, err, false);
		return PITH_E_IO;
	}
	m->stale = false;
	for (unsigned c = 1; c < nmounts; c++)
		if (c != i && mounts[c].used && mounts[c].parent == i)
			find_under(i, c);
	return PITH_OK;
}

/* Make place p usable: its mount mounted again if its server was
 * restarted, and p moved to the new root if it was the old one.
 * PITH_E_BAD_HANDLE: p was another node of a dead instance. */
static enum pith_error live(struct vfs_place *p)
{
	struct vfs_mount *m = &mounts[p->mount];
	enum pith_error err;

	if (m->stale) {
		err = mount_again(p->mount);
		if (err != PITH_OK)
			return err;
	}
	if (p->epoch == m->epoch)
		return PITH_OK;
	if (!p->root)
		return PITH_E_BAD_HANDLE;
	p->node = m->root;
	p->epoch = m->epoch;
	p->held = false;
	return PITH_OK;
}

/* Make `call`, an fs call on place *p (an expression, evaluated after
 * live(p) each time), again if a restarted file system refused it:
 * the second time on the mount set up again, where p is the new root or
 * refused. The call must put its names in the buffer itself: setting a
 * mount up again uses the buffer. */
#define ON_PLACE(err, p, pure, call)                                           \
	do {                                                                   \
		unsigned tries_ = 0;                                           \
		do {                                                           \
			(err) = live(p);                                       \
			if ((err) == PITH_OK)                                  \
				(err) = fs_done((p)->mount, (call), (pure));   \
		} while ((err) != PITH_OK && retry(&tries_));                  \
	} while (0)

/* Step from directory *p to its entry `name`; *p becomes the entry (a
 * mount's root if one covers it). */
static enum pith_error step(struct vfs_place *p, const char *name, unsigned len)
{
	struct vfs_mount *m = &mounts[p->mount];
	struct vfs_place next = {.mount = p->mount, .held = true};
	enum pith_error err = live(p);
	int over;

	if (err != PITH_OK)
		return err;
	if (p->type != PITH_FS_DIR)
		return PITH_E_NOT_DIRECTORY;
	put_name(m, name, len, 0);
	err = fs_lookup(m->ep, p->node, len, &next.node, &next.type,
			&next.size);
	err = fs_done(p->mount, err, true);
	if (err != PITH_OK)
		return err;
	next.epoch = m->epoch;
	drop(p);
	*p = next;
	over = mounted_on(p->mount, p->node);
	if (over >= 0) {
		drop(p);
		*p = (struct vfs_place){.mount = (unsigned)over,
					.node = mounts[over].root,
					.type = PITH_FS_DIR,
					.epoch = mounts[over].epoch,
					.root = true};
	}
	return PITH_OK;
}

static enum pith_error walk_once(struct vfs_handle *h, const char *t,
				 const struct vfs_path *v, unsigned n,
				 struct vfs_place *out)
{
	enum pith_error err;

	if (h == &root) {
		if (!nmounts)
			return PITH_E_NOT_FOUND;
		*out = (struct vfs_place){.node = mounts[0].root,
					  .type = PITH_FS_DIR,
					  .epoch = mounts[0].epoch,
					  .root = true};
		err = live(out);
	} else {
		err = live(&h->at);
		*out = h->at;
		out->held = false;
	}
	if (err != PITH_OK)
		return err;
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

/* Walk the first `n` names of path `v` (text `t`) from handle h's
 * directory; again from the start if a restarted file system refused a
 * step. */
static enum pith_error walk(struct vfs_handle *h, const char *t,
			    const struct vfs_path *v, unsigned n,
			    struct vfs_place *out)
{
	unsigned tries = 0;
	enum pith_error err;

	do
		err = walk_once(h, t, v, n, out);
	while (err != PITH_OK && retry(&tries));
	return err;
}

/* The handle h for a request; PITH_E_BAD_HANDLE if unknown. */
#define HANDLE(h, rq)                                                          \
	struct vfs_handle *h = handle_of(rq);                                  \
	if (!(h))                                                              \
	return PITH_E_BAD_HANDLE

/* ---- the vfs protocol --------------------------------------------------- */

/* Forget handle i: its node's reference, its share of the buffer, its
 * capability (revoked, so copies stop working too). */
static void forget(unsigned i)
{
	struct vfs_handle *h = &handles[i];

	drop(&h->at);
	buf_put(h->buf);
	h->buf = NULL;
	pith_cnode_revoke(PITH_SLOT_CNODE, h->cap, PITH_SLOT_DEPTH);
	pith_slot_free(h->cap);
	h->cap = 0;
	vfs_handle_free(&table, i);
}

/* What is in our `slot`, without changing it: a Mutate that gives a
 * badge, to the empty slot `scratch`, is refused before anything moves,
 * and by the first check that fails (caps/cnode.c): an empty source is
 * PITH_E_FAILED_LOOKUP; an endpoint capability that has children (copies
 * others hold) may not get a new badge, PITH_E_REVOKE_FIRST; one without
 * children has its badge already, PITH_E_ILLEGAL_OPERATION; any other
 * capability (a frame) takes no badge, PITH_E_INVALID_ARGUMENT. */
static enum pith_error probe(pith_cptr_t slot)
{
	return pith_cnode_mutate(PITH_SLOT_CNODE, PITH_SLOT_CNODE, scratch,
				 PITH_SLOT_DEPTH, slot, PITH_SLOT_DEPTH, 1);
}

/* Forget every handle no one holds any more: its client died or
 * deleted its copies without closing it (the VFS cannot see a client
 * die, but the kernel deleted what it held). The handle a request came
 * through is held by its caller, and init holds the `dir=` handles it
 * opened, so neither goes. How many went. */
static unsigned sweep(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < VFS_HANDLES_MAX; i++)
		if (table.used[i] &&
		    probe(handles[i].cap) == PITH_E_ILLEGAL_OPERATION) {
			forget(i);
			n++;
		}
	return n;
}

/* Pages of buffer b whose frames are gone (their owner died, and its
 * memory with them) are not attached any more. */
static void drop_dead_pages(struct vfs_buffer *b)
{
	for (unsigned i = 0; i < PITH_FS_BUFFER_PAGES; i++) {
		uint64_t va = b->pages.va[i];

		if (va && probe(pith_vm_frame(va)) == PITH_E_FAILED_LOOKUP) {
			pith_vm_unmap(va);
			b->pages.va[i] = 0;
		}
	}
}

/* May one more handle share from's buffer? */
static bool room(const struct vfs_handle *from)
{
	return from == &root || from->buf->refs < VFS_FAMILY_MAX;
}

/* A page attached already is refused, unless its frame is gone: then
 * its owner died and this is its restarted instance, which holds a copy
 * of the same directory handle (docs/vfs.md, "Restarts"). */
static enum pith_error do_attach(struct pith_request *rq, uint32_t index,
				 pith_cptr_t page)
{
	HANDLE(h, rq);
	if (index < PITH_FS_BUFFER_PAGES && h->buf->pages.va[index])
		drop_dead_pages(h->buf);
	return pith_fsbuf_attach(&h->buf->pages, index, page);
}

static enum pith_error new_handle(struct vfs_handle *from,
				  const struct vfs_place *at, uint32_t flags,
				  pith_cptr_t *cap)
{
	uint64_t badge;
	struct vfs_handle *h;
	enum pith_error err;
	int i;

	if (!room(from))
		sweep();
	if (!room(from))
		return PITH_E_EXHAUSTED;
	i = vfs_handle_alloc(&table, &badge);
	if (i < 0 && sweep())
		i = vfs_handle_alloc(&table, &badge);
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
			err = fs_done(dir.mount, err, false);
		}
		drop(p);
		if (err != PITH_OK)
			return err;
		*p = (struct vfs_place){.mount = dir.mount,
					.node = dir.node,
					.type = PITH_FS_FILE,
					.epoch = m->epoch,
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
		err = fs_done(p.mount,
			      fs_truncate(mounts[p.mount].ep, p.node, 0),
			      false);
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
	HANDLE(h, rq);
	if (h == &root)
		return PITH_E_ILLEGAL_OPERATION;
	forget((unsigned)(h - handles));
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
		ON_PLACE(err, &h->at, true,
			 fs_read(m->ep, h->at.node, h->pos, chunk, 0, &got));
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
		ON_PLACE(err, &h->at, true,
			 fs_stat(m->ep, h->at.node, &type, &size, &mtime));
		if (err != PITH_OK)
			return err;
		h->pos = size;
	}
	*done = 0;
	while (*done < len) {
		uint32_t chunk = len - *done, put = 0;

		if (chunk > VFS_FSBUF_SIZE)
			chunk = VFS_FSBUF_SIZE;
		ON_PLACE(err, &h->at, false,
			 (pith_fsbuf_copy(&h->buf->pages, offset + *done,
					  m->buf, chunk, true),
			  fs_write(m->ep, h->at.node, h->pos, chunk, 0, &put)));
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
		ON_PLACE(err, &h->at, true,
			 fs_stat(mounts[h->at.mount].ep, h->at.node, &type,
				 &base, &mtime));
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
static enum pith_error handle_dir(struct vfs_handle *h, struct vfs_place *p)
{
	struct vfs_path none = {0};

	return walk(h, "", &none, 0, p);
}

/* fs readdir of d from h's cookie. A cookie of a dead instance of d's
 * file system is not sent to the new one: PITH_E_IO, and the listing
 * starts again. */
static enum pith_error readdir_at(struct vfs_handle *h,
				  const struct vfs_place *d, uint32_t max,
				  uint64_t *next, uint32_t *count,
				  uint32_t *used)
{
	if (h->pos && h->pos_epoch != d->epoch) {
		h->pos = 0;
		return PITH_E_IO;
	}
	return fs_readdir(mounts[d->mount].ep, d->node, h->pos, max, next,
			  count, used);
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
	ON_PLACE(err, &d, true, readdir_at(h, &d, max, &next, count, used));
	if (err != PITH_OK)
		return err;
	h->pos_epoch = d.epoch;
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
	ON_PLACE(err, &p, true,
		 fs_stat(mounts[p.mount].ep, p.node, type, size, mtime));
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
		ON_PLACE(err, &d, false,
			 (put_name(m, name, len, 0),
			  fs_create(m->ep, d.node, len, PITH_FS_DIR, &node)));
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
		ON_PLACE(err, &d, false,
			 (put_name(m, name, len, 0),
			  fs_unlink(m->ep, d.node, len)));
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
		unsigned tries = 0;

		do { /* as ON_PLACE, with two places */
			err = live(&from);
			if (err == PITH_OK)
				err = live(&to);
			if (err != PITH_OK)
				break;
			put_name(m, a, alen, 0);
			put_name(m, b, blen, alen);
			err = fs_rename(m->ep, from.node, alen, to.node, blen);
			err = fs_done(from.mount, err, false);
		} while (err != PITH_OK && retry(&tries));
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
	if (err == PITH_OK)
		ON_PLACE(err, &h->at, false,
			 fs_truncate(mounts[h->at.mount].ep, h->at.node, size));
	return err;
}

/* Where handle h is, for its mount: its file, or its directory. */
static enum pith_error handle_place(struct vfs_handle *h, struct vfs_place *p)
{
	if (h == &root || h->at.type != PITH_FS_FILE)
		return handle_dir(h, p);
	*p = h->at;
	p->held = false;
	return PITH_OK;
}

static enum pith_error do_sync(struct pith_request *rq)
{
	struct vfs_place p;
	enum pith_error err;

	HANDLE(h, rq);
	err = handle_place(h, &p);
	if (err == PITH_OK)
		ON_PLACE(err, &p, true, fs_sync(mounts[p.mount].ep));
	return err;
}

static enum pith_error do_statfs(struct pith_request *rq, char *fstype,
				 uint64_t *block_size, uint64_t *blocks,
				 uint64_t *free_blocks)
{
	struct vfs_place p;
	enum pith_error err;

	HANDLE(h, rq);
	err = handle_place(h, &p);
	if (err != PITH_OK)
		return err;
	ON_PLACE(
		err, &p, true,
		fs_statfs(mounts[p.mount].ep, block_size, blocks, free_blocks));
	strlcpy(fstype, mounts[p.mount].fstype, VFS_STATFS_FSTYPE_MAX + 1);
	return err;
}

/* Share m->buf with the file system at m->ep; its type and root. */
static enum pith_error mount_share(struct vfs_mount *m)
{
	uint64_t va = (uint64_t)m->buf;
	enum pith_error err = PITH_OK;

	for (unsigned i = 0; i < VFS_FSBUF_PAGES && err == PITH_OK; i++)
		err = fs_attach(m->ep, i,
				pith_vm_frame(va + (uint64_t)i * PAGE));
	if (err == PITH_OK)
		err = fs_info(m->ep, m->fstype, &m->root, &m->flags);
	return err;
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
	err = mount_share(m);
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

/* The vfs protocol, with a fresh start for each request. */
static enum pith_dispatch serve(const void *impl, struct pith_request *rq)
{
	refused = false;
	return vfs_service(impl, rq);
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
	static const struct pith_service services[] = {{serve, &ops}};
	struct pith_server srv = {
		.services = services,
		.nservices = 1,
	};

	service = pith_cap("service");
	if (!service || pith_slot_alloc(&scratch) != PITH_OK)
		return 1;
	srv.ep = service;
	pith_server_run(&srv);
}
