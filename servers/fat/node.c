/*
 * The FAT32 engine's open nodes and file contents: the node table,
 * cluster chains as seen from a file, read, write, truncate and stat
 * (docs/fat.md).
 *
 * A node's chain is walked in full, bounded by the volume's cluster
 * count, when the node is opened: a loop, a cluster out of range, a free
 * or bad cluster, or a chain shorter than the file size makes the open
 * fail with PITH_E_CORRUPT, so the reads and writes after it never run
 * off a broken chain. The chain then changes only through this code.
 */
#include "fat_impl.h"

#include <string.h>

/* ---- the node table ---------------------------------------------------- */

struct fat_node *fat_node(struct fat *fs, uint32_t h)
{
	if (h >= FAT_NODES_MAX || fs->nodes[h].refs == 0)
		return NULL;
	return &fs->nodes[h];
}

static int slot_alloc(const struct fat *fs)
{
	for (int i = 0; i < FAT_NODES_MAX; i++)
		if (fs->nodes[i].refs == 0)
			return i;
	return -1;
}

bool fat_node_slot_free(const struct fat *fs)
{
	return slot_alloc(fs) >= 0;
}

struct fat_node *fat_node_find_file(struct fat *fs, uint32_t dir, uint32_t ent)
{
	for (int i = 0; i < FAT_NODES_MAX; i++) {
		struct fat_node *n = &fs->nodes[i];

		if (n->refs && !n->is_dir && !n->unlinked && n->dir == dir &&
		    n->ent == ent)
			return n;
	}
	return NULL;
}

struct fat_node *fat_node_find_dir(struct fat *fs, uint32_t c)
{
	for (int i = 0; i < FAT_NODES_MAX; i++) {
		struct fat_node *n = &fs->nodes[i];

		if (n->refs && n->is_dir && !n->unlinked && n->first == c)
			return n;
	}
	return NULL;
}

static uint32_t handle_of(const struct fat *fs, const struct fat_node *n)
{
	return (uint32_t)(n - fs->nodes);
}

/* A directory's times, from its "." entry (the root has none). */
static enum pith_error dir_times(struct fat *fs, struct fat_node *n)
{
	static const uint8_t dot[11] = ".          ";
	struct fat_buf *b;
	enum pith_error err;

	if (n->first == fs->root)
		return PITH_OK;
	err = fat_cache_get(fs, fat_cluster_lba(fs, n->first), true, &b);
	if (err)
		return err;
	if (memcmp(b->data, dot, 11) == 0) {
		n->ctime_dos[0] = fat_get16(b->data + FAT_DE_CTIME);
		n->ctime_dos[1] = fat_get16(b->data + FAT_DE_CDATE);
		n->mtime_dos[0] = fat_get16(b->data + FAT_DE_MTIME);
		n->mtime_dos[1] = fat_get16(b->data + FAT_DE_MDATE);
	}
	return PITH_OK;
}

enum pith_error fat_node_open_dir(struct fat *fs, uint32_t c, uint32_t *h)
{
	struct fat_node *n = fat_node_find_dir(fs, c);
	uint32_t len, last;
	enum pith_error err;
	int i;

	if (n) {
		n->refs++;
		*h = handle_of(fs, n);
		return PITH_OK;
	}
	i = slot_alloc(fs);
	if (i < 0)
		return PITH_E_EXHAUSTED;
	err = fat_chain_check(fs, c, &len, &last);
	if (err)
		return err;
	n = &fs->nodes[i];
	memset(n, 0, sizeof *n);
	n->is_dir = true;
	n->attr = FAT_ATTR_DIR;
	n->first = c;
	n->nclus = len;
	n->last = last;
	err = dir_times(fs, n);
	if (err)
		return err;
	n->refs = 1;
	*h = (uint32_t)i;
	return PITH_OK;
}

static void set_entry_info(struct fat_node *n, uint32_t dir, uint32_t ent,
			   uint64_t lba, uint32_t byte, const uint8_t *e)
{
	n->dir = dir;
	n->ent = ent;
	n->ent_lba = lba;
	n->ent_byte = byte;
	n->attr = e[FAT_DE_ATTR];
	n->ctime_dos[0] = fat_get16(e + FAT_DE_CTIME);
	n->ctime_dos[1] = fat_get16(e + FAT_DE_CDATE);
	n->mtime_dos[0] = fat_get16(e + FAT_DE_MTIME);
	n->mtime_dos[1] = fat_get16(e + FAT_DE_MDATE);
}

enum pith_error fat_node_open(struct fat *fs, uint32_t dir, uint32_t ent,
			      uint64_t lba, uint32_t byte, const uint8_t *e,
			      uint32_t *h)
{
	uint32_t c = fat_de_cluster(e), size = fat_get32(e + FAT_DE_SIZE);
	struct fat_node *n;
	enum pith_error err;
	int i;

	if (e[FAT_DE_ATTR] & FAT_ATTR_DIR) {
		if (c == 0)
			return PITH_E_CORRUPT; /* a directory without clusters
						*/
		err = fat_node_open_dir(fs, c, h);
		if (!err)
			set_entry_info(&fs->nodes[*h], dir, ent, lba, byte, e);
		return err;
	}
	n = fat_node_find_file(fs, dir, ent);
	if (n) {
		n->refs++;
		*h = handle_of(fs, n);
		return PITH_OK;
	}
	i = slot_alloc(fs);
	if (i < 0)
		return PITH_E_EXHAUSTED;
	n = &fs->nodes[i];
	memset(n, 0, sizeof *n);
	if (c != 0) {
		err = fat_chain_check(fs, c, &n->nclus, &n->last);
		if (err)
			return err;
	}
	/* the chain must hold the whole file */
	if (n->nclus < fat_clusters_for(fs, size))
		return PITH_E_CORRUPT;
	n->first = c;
	n->size = size;
	set_entry_info(n, dir, ent, lba, byte, e);
	n->refs = 1;
	*h = (uint32_t)i;
	return PITH_OK;
}

enum pith_error fat_root(struct fat *fs, uint32_t *node)
{
	return fat_node_open_dir(fs, fs->root, node);
}

enum pith_error fat_release(struct fat *fs, uint32_t node)
{
	struct fat_node *n = fat_node(fs, node);
	enum pith_error err = PITH_OK;

	if (!n)
		return PITH_E_BAD_HANDLE;
	if (--n->refs > 0)
		return PITH_OK;
	if (n->unlinked && n->first != 0 && !fs->read_only)
		err = fat_free_chain(fs, n->first);
	memset(n, 0, sizeof *n);
	return err;
}

enum pith_error fat_stat(struct fat *fs, uint32_t node, struct fat_stat *st)
{
	struct fat_node *n = fat_node(fs, node);

	if (!n)
		return PITH_E_BAD_HANDLE;
	memset(st, 0, sizeof *st);
	st->is_dir = n->is_dir;
	st->attr = n->attr;
	st->size = n->is_dir ? 0 : n->size;
	st->mtime = fat_dos_to_unix(n->mtime_dos[0], n->mtime_dos[1]);
	st->ctime = fat_dos_to_unix(n->ctime_dos[0], n->ctime_dos[1]);
	st->links = n->unlinked ? 0 : 1;
	return PITH_OK;
}

/* ---- a node's chain ---------------------------------------------------- */

/* Cluster number idx of the node's chain, through its cursor. */
static enum pith_error node_seek(struct fat *fs, struct fat_node *n,
				 uint32_t idx, uint32_t *c)
{
	uint32_t next;
	enum pith_error err;

	if (idx >= n->nclus)
		return PITH_E_CORRUPT;
	if (idx == n->nclus - 1) {
		*c = n->last;
		return PITH_OK;
	}
	if (n->cur_clus == 0 || idx < n->cur_idx) {
		n->cur_idx = 0;
		n->cur_clus = n->first;
	}
	while (n->cur_idx < idx) {
		err = fat_next(fs, n->cur_clus, &next);
		if (err)
			return err;
		if (next == 0)
			return PITH_E_CORRUPT;
		n->cur_clus = next;
		n->cur_idx++;
	}
	*c = n->cur_clus;
	return PITH_OK;
}

/* Add clusters until the chain has `want`. On an error the clusters
 * added so far stay (the caller shrinks back). */
static enum pith_error grow(struct fat *fs, struct fat_node *n, uint32_t want)
{
	uint32_t c;
	enum pith_error err;

	while (n->nclus < want) {
		err = fat_alloc(fs, &c);
		if (err)
			return err;
		if (n->last) {
			err = fat_set(fs, n->last, c);
			if (err) {
				fat_set(fs, c, 0);
				return err;
			}
		} else {
			n->first = c;
		}
		n->last = c;
		n->nclus++;
	}
	return PITH_OK;
}

/* Cut the chain to `want` clusters, freeing the rest. */
static enum pith_error shrink(struct fat *fs, struct fat_node *n, uint32_t want)
{
	uint32_t c, next;
	enum pith_error err;

	if (want >= n->nclus)
		return PITH_OK;
	n->cur_clus = 0;
	if (want == 0) {
		err = fat_free_chain(fs, n->first);
		n->first = 0;
		n->last = 0;
		n->nclus = 0;
		return err;
	}
	err = node_seek(fs, n, want - 1, &c);
	if (!err)
		err = fat_next(fs, c, &next);
	if (!err)
		err = fat_set(fs, c, FAT_EOC);
	if (err)
		return err;
	n->last = c;
	n->nclus = want;
	return fat_free_chain(fs, next);
}

/* ---- contents ---------------------------------------------------------- */

/* Move len bytes between the buffers and the volume from byte soff of
 * sector lba on: partial sectors through the cache, whole ones straight.
 * For a write, wbuf NULL writes zeros. */
static enum pith_error sectors_xfer(struct fat *fs, uint64_t lba, uint32_t soff,
				    uint32_t len, uint8_t *rbuf,
				    const uint8_t *wbuf, bool write)
{
	enum pith_error err;

	while (len > 0) {
		uint32_t k;

		if (soff != 0 || len < fs->ss) {
			struct fat_buf *b;

			k = fs->ss - soff < len ? fs->ss - soff : len;
			err = fat_cache_get(fs, lba, true, &b);
			if (err)
				return err;
			if (!write) {
				memcpy(rbuf, b->data + soff, k);
			} else {
				if (wbuf)
					memcpy(b->data + soff, wbuf, k);
				else
					memset(b->data + soff, 0, k);
				fat_cache_dirty(fs, b);
			}
			lba++;
			soff = 0;
		} else {
			uint32_t count = len / fs->ss;

			k = count * fs->ss;
			err = write ? fat_dev_write(fs, lba, count, wbuf)
				    : fat_dev_read(fs, lba, count, rbuf);
			if (err)
				return err;
			lba += count;
		}
		len -= k;
		if (rbuf)
			rbuf += k;
		if (wbuf)
			wbuf += k;
	}
	return PITH_OK;
}

/* Move the file's bytes [off, off + len), which its chain holds, in runs
 * of clusters that follow each other on the volume. */
static enum pith_error file_xfer(struct fat *fs, struct fat_node *n,
				 uint32_t off, uint32_t len, uint8_t *rbuf,
				 const uint8_t *wbuf, bool write)
{
	uint32_t cb = fat_cluster_bytes(fs);
	enum pith_error err;

	while (len > 0) {
		uint32_t idx = off >> fs->cb_shift, within = off & (cb - 1);
		uint32_t c0, c, run, next, chunk;

		err = node_seek(fs, n, idx, &c0);
		if (err)
			return err;
		c = c0;
		run = cb - within;
		/* extend over the clusters right after c0 on the volume */
		while (run < len && idx + 1 < n->nclus) {
			err = node_seek(fs, n, idx + 1, &next);
			if (err)
				return err;
			if (next != c + 1)
				break;
			c = next;
			idx++;
			run += cb;
		}
		chunk = run < len ? run : len;
		err = sectors_xfer(fs,
				   fat_cluster_lba(fs, c0) + within / fs->ss,
				   within % fs->ss, chunk, rbuf, wbuf, write);
		if (err)
			return err;
		off += chunk;
		len -= chunk;
		if (rbuf)
			rbuf += chunk;
		if (wbuf)
			wbuf += chunk;
	}
	return PITH_OK;
}

/* Rewrite the node's directory entry: size, first cluster, times. */
static enum pith_error put_entry(struct fat *fs, struct fat_node *n)
{
	struct fat_buf *b;
	uint8_t *e;
	enum pith_error err;

	if (n->is_dir || n->unlinked || n->ent_lba == 0)
		return PITH_OK;
	err = fat_cache_get(fs, n->ent_lba, true, &b);
	if (err)
		return err;
	e = b->data + n->ent_byte;
	e[FAT_DE_ATTR] |= FAT_ATTR_ARCH;
	fat_de_set_cluster(e, n->first);
	fat_put32(e + FAT_DE_SIZE, n->size);
	fat_put16(e + FAT_DE_MTIME, n->mtime_dos[0]);
	fat_put16(e + FAT_DE_MDATE, n->mtime_dos[1]);
	fat_put16(e + FAT_DE_ADATE, n->mtime_dos[1]);
	fat_cache_dirty(fs, b);
	return PITH_OK;
}

/* The file behind a handle, to be changed. */
static enum pith_error file_for_write(struct fat *fs, uint32_t node,
				      struct fat_node **out)
{
	struct fat_node *n = fat_node(fs, node);

	if (!n)
		return PITH_E_BAD_HANDLE;
	if (n->is_dir)
		return PITH_E_IS_DIRECTORY;
	if (fs->read_only || (n->attr & FAT_ATTR_RO))
		return PITH_E_READ_ONLY;
	*out = n;
	return PITH_OK;
}

enum pith_error fat_read(struct fat *fs, uint32_t node, uint64_t off, void *buf,
			 size_t len, size_t *done)
{
	struct fat_node *n = fat_node(fs, node);
	uint64_t count;
	enum pith_error err;

	*done = 0;
	if (!n)
		return PITH_E_BAD_HANDLE;
	if (n->is_dir)
		return PITH_E_IS_DIRECTORY;
	if (off >= n->size || len == 0)
		return PITH_OK;
	count = n->size - off < len ? n->size - off : len;
	err = file_xfer(fs, n, (uint32_t)off, (uint32_t)count, buf, NULL,
			false);
	if (err)
		return err;
	*done = (size_t)count;
	return PITH_OK;
}

/* Make the file `size` bytes long when that is more than now: clusters
 * added, the new bytes zeros. On an error the file is as it was. */
static enum pith_error extend(struct fat *fs, struct fat_node *n, uint32_t size)
{
	uint32_t had = n->nclus;
	enum pith_error err;

	err = grow(fs, n, fat_clusters_for(fs, size));
	if (!err)
		err = file_xfer(fs, n, n->size, size - n->size, NULL, NULL,
				true);
	if (err) {
		shrink(fs, n, had);
		return err;
	}
	n->size = size;
	return PITH_OK;
}

enum pith_error fat_write(struct fat *fs, uint32_t node, uint64_t off,
			  const void *buf, size_t len, size_t *done)
{
	struct fat_node *n;
	uint32_t had, end, room;
	enum pith_error err;

	*done = 0;
	err = file_for_write(fs, node, &n);
	if (err || len == 0)
		return err;
	if (off > FAT_FILE_MAX || len > FAT_FILE_MAX - off)
		return PITH_E_RANGE;
	had = n->nclus;
	end = (uint32_t)(off + len);
	err = grow(fs, n, fat_clusters_for(fs, end));
	/* Out of space part-way: write what fits, if anything does. */
	room = n->nclus >= (1u << (32 - fs->cb_shift))
		       ? FAT_FILE_MAX
		       : n->nclus << fs->cb_shift;
	if (err && (err != PITH_E_NO_SPACE || room <= off)) {
		shrink(fs, n, had);
		return err;
	}
	if (end > room)
		end = room;
	if (off > n->size) {
		err = file_xfer(fs, n, n->size, (uint32_t)off - n->size, NULL,
				NULL, true);
		if (err) {
			shrink(fs, n, had);
			return err;
		}
		n->size = (uint32_t)off;
	}
	err = file_xfer(fs, n, (uint32_t)off, end - (uint32_t)off, NULL, buf,
			true);
	if (err) {
		/* the chain may have grown: the entry must say so */
		put_entry(fs, n);
		return err;
	}
	if (end > n->size)
		n->size = end;
	fat_now(fs, &n->mtime_dos[0], &n->mtime_dos[1]);
	*done = end - (uint32_t)off;
	return put_entry(fs, n);
}

enum pith_error fat_truncate(struct fat *fs, uint32_t node, uint64_t size)
{
	struct fat_node *n;
	enum pith_error err;

	err = file_for_write(fs, node, &n);
	if (err)
		return err;
	if (size > FAT_FILE_MAX)
		return PITH_E_RANGE;
	if (size == n->size)
		return PITH_OK;
	if (size > n->size) {
		err = extend(fs, n, (uint32_t)size);
	} else {
		err = shrink(fs, n, fat_clusters_for(fs, size));
		n->size = (uint32_t)size;
	}
	if (err)
		return err;
	fat_now(fs, &n->mtime_dos[0], &n->mtime_dos[1]);
	return put_entry(fs, n);
}
