/*
 * ramfs (docs/vfs.md): a read-write file system in the server's own
 * memory, served with the fs protocol. At start it maps its data pages
 * and gives them to the store (store.c): three quarters of its
 * manifest's `memory=` (the rest is for the nodes, names and page
 * tables, in its heap), but no more than its free slots less
 * SLOTS_KEPT, since every page's frame takes a slot. Those pages are
 * its quota: a write past them fails with PITH_E_NO_SPACE, and statfs
 * counts 4 KiB blocks: those pages, and those free, all of which a
 * write can fill. Given init's capability and a `borrow=`, it takes more
 * pages as files grow, from a heap that borrows from init, and gives
 * them back as files shrink (grow.c); statfs then counts the pages its
 * free slots could still hold, which init may not all lend.
 *
 * Capabilities: `service`, where the VFS calls it; `init`, to borrow.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "pith/alloc.h"
#include "pith/fsbuf.h"
#include "pith/fsgate.h"
#include "pith/pith.h"
#include "pith/proto/fs.h"
#include "pith/server.h"
#include "pith/vm.h"
#include "store.h"

#define SLOTS_KEPT 64 /* for the VFS's buffer, the heap and its tables */
#define RUN_MAX	   64 /* data pages in one mapping */

static struct ramfs_store store;
static struct pith_fsbuf buf;
static bool vfs_mounted; /* the VFS's info came: pith/fsgate.h */
static char name_a[PITH_FS_NAME_MAX], name_b[PITH_FS_NAME_MAX];

static uint64_t clock_ns(void)
{
	uint64_t khz = pith_startinfo ? pith_startinfo->tsc_khz : 0;
	uint32_t lo, hi;

	if (!khz)
		return 0;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32 | lo) / khz * 1000000;
}

/* Name `len` bytes at `off` of the buffer, copied into out. */
static enum pith_error get_name(uint64_t off, uint32_t len, char *out)
{
	enum pith_error err;

	if (len > PITH_FS_NAME_MAX)
		return PITH_E_NAME_TOO_LONG;
	err = pith_fsbuf_check(&buf, off, len);
	if (err == PITH_OK)
		pith_fsbuf_copy(&buf, off, out, len, true);
	return err;
}

static enum pith_error do_attach(struct pith_request *rq, uint32_t index,
				 pith_cptr_t page)
{
	(void)rq;
	return pith_fsbuf_replace(&buf, index, page); /* a new VFS's */
}

static enum pith_error do_info(struct pith_request *rq, char *fstype,
			       uint64_t *root, uint32_t *flags)
{
	(void)rq;
	strlcpy(fstype, "ramfs", FS_INFO_FSTYPE_MAX + 1);
	*root = ramfs_root(&store);
	*flags = 0;
	return PITH_OK;
}

static enum pith_error do_lookup(struct pith_request *rq, uint64_t dir,
				 uint32_t name_len, uint64_t *node,
				 uint32_t *type, uint64_t *size)
{
	enum pith_error err = get_name(0, name_len, name_a);
	struct ramfs_node *n;

	(void)rq;
	if (err == PITH_OK)
		err = ramfs_lookup(&store, dir, name_a, name_len, node);
	if (err != PITH_OK)
		return err;
	n = ramfs_node(&store, *node);
	*type = n->type;
	*size = n->type == PITH_FS_FILE ? n->size : 0;
	return PITH_OK;
}

static enum pith_error do_release(struct pith_request *rq, uint64_t node)
{
	enum pith_error err;

	(void)rq;
	if (node == ramfs_root(&store))
		return PITH_OK; /* referenced for ever */
	err = ramfs_release(&store, node);
	grow_trim(&store); /* an unlinked file's last reference */
	return err;
}

static enum pith_error do_read(struct pith_request *rq, uint64_t node,
			       uint64_t at, uint32_t len, uint32_t offset,
			       uint32_t *done)
{
	enum pith_error err = pith_fsbuf_check(&buf, offset, len);
	uint32_t got = 0;
	uint64_t n;

	(void)rq;
	*done = 0;
	while (err == PITH_OK && *done < len) {
		uint8_t *p =
			pith_fsbuf_at(&buf, offset + *done, len - *done, &n);

		err = ramfs_read(&store, node, at + *done, p, (uint32_t)n,
				 &got);
		*done += got;
		if (got < n)
			break;
	}
	return err;
}

static enum pith_error do_write(struct pith_request *rq, uint64_t node,
				uint64_t at, uint32_t len, uint32_t offset,
				uint32_t *done)
{
	enum pith_error err = pith_fsbuf_check(&buf, offset, len);
	uint32_t put = 0;
	uint64_t n;

	(void)rq;
	*done = 0;
	if (err == PITH_OK) /* pages it may need: partial ones at both ends */
		grow_reserve(&store, len / RAMFS_PAGE + 2);
	while (err == PITH_OK && *done < len) {
		uint8_t *p =
			pith_fsbuf_at(&buf, offset + *done, len - *done, &n);

		err = ramfs_write(&store, node, at + *done, p, (uint32_t)n,
				  &put);
		*done += put;
		if (put < n)
			break;
	}
	return *done ? PITH_OK : err;
}

static enum pith_error do_stat(struct pith_request *rq, uint64_t node,
			       uint32_t *type, uint64_t *size, uint64_t *mtime)
{
	struct ramfs_node *n = ramfs_node(&store, node);

	(void)rq;
	if (!n)
		return PITH_E_NOT_FOUND;
	*type = n->type;
	*size = n->type == PITH_FS_FILE ? n->size : 0;
	*mtime = n->mtime;
	return PITH_OK;
}

static enum pith_error do_create(struct pith_request *rq, uint64_t dir,
				 uint32_t name_len, uint32_t type,
				 uint64_t *node)
{
	enum pith_error err = get_name(0, name_len, name_a);

	(void)rq;
	if (err == PITH_OK)
		err = ramfs_create(&store, dir, name_a, name_len, type, node);
	return err;
}

static enum pith_error do_unlink(struct pith_request *rq, uint64_t dir,
				 uint32_t name_len)
{
	enum pith_error err = get_name(0, name_len, name_a);

	(void)rq;
	if (err == PITH_OK)
		err = ramfs_unlink(&store, dir, name_a, name_len);
	grow_trim(&store);
	return err;
}

static enum pith_error do_rename(struct pith_request *rq, uint64_t from_dir,
				 uint32_t from_len, uint64_t to_dir,
				 uint32_t to_len)
{
	enum pith_error err = get_name(0, from_len, name_a);

	(void)rq;
	if (err == PITH_OK)
		err = get_name(from_len, to_len, name_b);
	if (err == PITH_OK)
		err = ramfs_rename(&store, from_dir, name_a, from_len, to_dir,
				   name_b, to_len);
	grow_trim(&store); /* a file it replaced */
	return err;
}

static enum pith_error do_truncate(struct pith_request *rq, uint64_t node,
				   uint64_t size)
{
	enum pith_error err = ramfs_truncate(&store, node, size);

	(void)rq;
	grow_trim(&store);
	return err;
}

static enum pith_error do_readdir(struct pith_request *rq, uint64_t dir,
				  uint64_t cookie, uint32_t max, uint64_t *next,
				  uint32_t *count, uint32_t *used)
{
	enum pith_error err;
	uint8_t *tmp = NULL; /* from the heap: no 64 KiB kept for it */

	(void)rq;
	if (max > PITH_FS_BUFFER_PAGES * 4096 / 4)
		max = PITH_FS_BUFFER_PAGES * 4096 / 4;
	err = pith_fsbuf_check(&buf, 0, max);
	if (err == PITH_OK && !(tmp = malloc(max)))
		err = PITH_E_NOT_ENOUGH_MEMORY;
	if (err == PITH_OK)
		err = ramfs_readdir(&store, dir, cookie, tmp, max, next, count,
				    used);
	if (err == PITH_OK)
		pith_fsbuf_copy(&buf, 0, tmp, *used, false);
	free(tmp);
	return err;
}

static enum pith_error do_sync(struct pith_request *rq)
{
	(void)rq;
	return PITH_OK; /* nothing is kept anywhere else */
}

static enum pith_error do_statfs(struct pith_request *rq, uint64_t *block_size,
				 uint64_t *blocks, uint64_t *free_blocks)
{
	(void)rq;
	*block_size = RAMFS_PAGE;
	*blocks = grow_capacity(&store);
	*free_blocks = *blocks - store.pages;
	return PITH_OK;
}

static const struct fs_server ops = {
	.attach = do_attach,
	.info = do_info,
	.lookup = do_lookup,
	.release = do_release,
	.read = do_read,
	.write = do_write,
	.stat = do_stat,
	.create = do_create,
	.unlink = do_unlink,
	.rename = do_rename,
	.truncate = do_truncate,
	.readdir = do_readdir,
	.sync = do_sync,
	.statfs = do_statfs,
};

/* Bytes of untyped memory the program was given. */
static uint64_t quota(void)
{
	uint64_t bytes = 0;

	for (uint32_t i = 0; i < pith_startinfo->untyped_count; i++)
		bytes += 1ULL << pith_startinfo->untyped_size_bits[i];
	return bytes;
}

/* Map the data pages and give them to the store: three quarters of the
 * memory, or the free slots but SLOTS_KEPT, whichever is fewer; fewer
 * still if a mapping fails (a run that fails is tried in halves). */
static void add_pages(void)
{
	uint64_t want = quota() / RAMFS_PAGE * 3 / 4;
	uint64_t slots = pith_slots_available(), run = RUN_MAX, va;

	slots = slots > SLOTS_KEPT ? slots - SLOTS_KEPT : 0;
	if (want > slots)
		want = slots;
	while (want && run) {
		uint64_t n = want < run ? want : run;

		if (pith_vm_map_new(n, PITH_RIGHT_READ | PITH_RIGHT_WRITE,
				    &va) != PITH_OK) {
			run /= 2;
			continue;
		}
		ramfs_add_pages(&store, (void *)(uintptr_t)va, n);
		want -= n;
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	static const struct pith_service services[] = {
		{pith_fs_gate, &vfs_mounted},
		{fs_service, &ops},
	};
	struct pith_server srv = {.services = services, .nservices = 2};

	srv.ep = pith_cap("service");
	if (!srv.ep || ramfs_init(&store) != PITH_OK)
		return 1;
	store.clock = clock_ns;
	grow_setup();
	add_pages();
	pith_server_run(&srv);
}
