/*
 * initrdfs (docs/vfs.md): the initrd's cpio archive as a read-only file
 * system, served with the fs protocol. The tree (tree.c) is built once at
 * start from the archive, mapped read-only; every change is refused with
 * PITH_E_READ_ONLY. Nodes live as long as the archive: lookup and release
 * count nothing.
 *
 * Capabilities: `service`, where the VFS calls it; `initrd`, the
 * initrd's frames, with its size in the startinfo.
 */
#include <stdio.h>
#include <string.h>

#include "pith/alloc.h"
#include "pith/fsbuf.h"
#include "pith/fsgate.h"
#include "pith/pith.h"
#include "pith/proto/fs.h"
#include "pith/server.h"
#include "tree.h"

static struct irfs_tree tree;
static struct pith_fsbuf buf;
static bool vfs_mounted; /* the VFS's info came: pith/fsgate.h */

static const struct irfs_node *node_of(uint64_t node)
{
	return node < tree.n ? &tree.nodes[node] : NULL;
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
	strlcpy(fstype, "initrdfs", FS_INFO_FSTYPE_MAX + 1);
	*root = 0;
	*flags = PITH_FS_READ_ONLY;
	return PITH_OK;
}

static enum pith_error do_lookup(struct pith_request *rq, uint64_t dir,
				 uint32_t name_len, uint64_t *node,
				 uint32_t *type, uint64_t *size)
{
	char name[PITH_FS_NAME_MAX];
	const struct irfs_node *d = node_of(dir);
	enum pith_error err;
	long c;

	(void)rq;
	if (name_len > PITH_FS_NAME_MAX)
		return PITH_E_NAME_TOO_LONG;
	if (!d)
		return PITH_E_NOT_FOUND;
	if (d->type != PITH_FS_DIR)
		return PITH_E_NOT_DIRECTORY;
	err = pith_fsbuf_check(&buf, 0, name_len);
	if (err != PITH_OK)
		return err;
	pith_fsbuf_copy(&buf, 0, name, name_len, true);
	c = irfs_lookup(&tree, (uint32_t)dir, name, name_len);
	if (c < 0)
		return PITH_E_NOT_FOUND;
	*node = (uint64_t)c;
	*type = tree.nodes[c].type;
	*size = tree.nodes[c].size;
	return PITH_OK;
}

static enum pith_error do_release(struct pith_request *rq, uint64_t node)
{
	(void)rq;
	return node_of(node) ? PITH_OK : PITH_E_NOT_FOUND;
}

static enum pith_error do_read(struct pith_request *rq, uint64_t node,
			       uint64_t at, uint32_t len, uint32_t offset,
			       uint32_t *done)
{
	const struct irfs_node *n = node_of(node);
	enum pith_error err;

	(void)rq;
	*done = 0;
	if (!n)
		return PITH_E_NOT_FOUND;
	if (n->type != PITH_FS_FILE)
		return PITH_E_IS_DIRECTORY;
	err = pith_fsbuf_check(&buf, offset, len);
	if (err != PITH_OK || at >= n->size)
		return err;
	if (len > n->size - at)
		len = (uint32_t)(n->size - at);
	pith_fsbuf_copy(&buf, offset, (void *)(n->data + at), len, false);
	*done = len;
	return PITH_OK;
}

static enum pith_error do_write(struct pith_request *rq, uint64_t node,
				uint64_t at, uint32_t len, uint32_t offset,
				uint32_t *done)
{
	(void)rq, (void)node, (void)at, (void)len, (void)offset;
	*done = 0;
	return PITH_E_READ_ONLY;
}

static enum pith_error do_stat(struct pith_request *rq, uint64_t node,
			       uint32_t *type, uint64_t *size, uint64_t *mtime)
{
	const struct irfs_node *n = node_of(node);

	(void)rq;
	if (!n)
		return PITH_E_NOT_FOUND;
	*type = n->type;
	*size = n->size;
	*mtime = 0; /* the archive keeps none that Pith writes */
	return PITH_OK;
}

static enum pith_error do_create(struct pith_request *rq, uint64_t dir,
				 uint32_t name_len, uint32_t type,
				 uint64_t *node)
{
	(void)rq, (void)dir, (void)name_len, (void)type, (void)node;
	return PITH_E_READ_ONLY;
}

static enum pith_error do_unlink(struct pith_request *rq, uint64_t dir,
				 uint32_t name_len)
{
	(void)rq, (void)dir, (void)name_len;
	return PITH_E_READ_ONLY;
}

static enum pith_error do_rename(struct pith_request *rq, uint64_t from_dir,
				 uint32_t from_len, uint64_t to_dir,
				 uint32_t to_len)
{
	(void)rq, (void)from_dir, (void)from_len, (void)to_dir, (void)to_len;
	return PITH_E_READ_ONLY;
}

static enum pith_error do_truncate(struct pith_request *rq, uint64_t node,
				   uint64_t size)
{
	(void)rq, (void)node, (void)size;
	return PITH_E_READ_ONLY;
}

static enum pith_error do_readdir(struct pith_request *rq, uint64_t dir,
				  uint64_t cookie, uint32_t max, uint64_t *next,
				  uint32_t *count, uint32_t *used)
{
	const struct irfs_node *d = node_of(dir);
	enum pith_error err;
	uint32_t c;
	uint64_t i = 0;

	(void)rq;
	*next = 0;
	*count = *used = 0;
	if (!d)
		return PITH_E_NOT_FOUND;
	if (d->type != PITH_FS_DIR)
		return PITH_E_NOT_DIRECTORY;
	err = pith_fsbuf_check(&buf, 0, max);
	if (err != PITH_OK)
		return err;
	for (c = d->first; c && i < cookie; c = tree.nodes[c].next)
		i++;
	for (; c; c = tree.nodes[c].next, i++) {
		const struct irfs_node *n = &tree.nodes[c];
		uint64_t sz = PITH_FS_DIRENT_SIZE(n->len);
		uint8_t ent[PITH_FS_DIRENT_SIZE(PITH_FS_NAME_MAX)] = {0};
		struct pith_fs_dirent h = {
			.size = n->size, .type = n->type, .name_len = n->len};

		if (*used + sz > max) {
			if (*count == 0)
				return PITH_E_RANGE;
			*next = i;
			return PITH_OK;
		}
		memcpy(ent, &h, sizeof(h));
		memcpy(ent + sizeof(h), n->name, n->len);
		pith_fsbuf_copy(&buf, *used, ent, sz, false);
		*used += (uint32_t)sz;
		(*count)++;
	}
	return PITH_OK;
}

static enum pith_error do_sync(struct pith_request *rq)
{
	(void)rq;
	return PITH_OK;
}

static enum pith_error do_statfs(struct pith_request *rq, uint64_t *block_size,
				 uint64_t *blocks, uint64_t *free_blocks)
{
	(void)rq;
	*block_size = 4096;
	*blocks = (pith_startinfo->initrd_size + 4095) / 4096;
	*free_blocks = 0;
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

int main(int argc, char **argv)
{
	static const struct pith_service services[] = {
		{pith_fs_gate, &vfs_mounted},
		{fs_service, &ops},
	};
	struct pith_server srv = {.services = services, .nservices = 2};
	uint64_t size = pith_startinfo->initrd_size, va;
	unsigned frames;
	pith_cptr_t first = pith_cap_range("initrd", &frames);
	enum cpio_error err;

	(void)argc;
	srv.ep = pith_cap("service");
	if (!srv.ep || !first || !size || size > frames * 4096ULL ||
	    pith_vm_map_frames(first, frames, PITH_RIGHT_READ, &va) !=
		    PITH_OK) {
		printf("%s: no initrd to serve\n", argv[0]);
		return 1;
	}
	err = irfs_build(&tree, (const void *)va, size);
	if (err != CPIO_OK) {
		printf("%s: the initrd: %s\n", argv[0],
		       err == CPIO_E_COUNT ? "out of memory"
					   : cpio_strerror(err));
		return 1;
	}
	pith_server_run(&srv);
}
