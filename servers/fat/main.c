/*
 * fat (docs/vfs.md, docs/fat.md): a FAT32 file system on a disk of a
 * block driver, served with the fs protocol over the engine (fat.c).
 *
 *	fat [part=esp|part=N|part=whole] [disk=N]
 *
 * It opens disk N (default 0) of the driver it was given as `disk`,
 * finds its volume (the GPT's EFI System Partition by default, GPT
 * partition N, or the whole disk) and mounts it read-write (read-only
 * if the driver says the disk is). It does so at the first call that
 * needs the volume: the VFS's `info` when it mounts the server, so a
 * volume it cannot use is a mount that fails (init's namespace thread
 * mounts, and init serves the disk driver's needs meanwhile; not at
 * start, before the VFS asks). A volume it cannot mount is logged once;
 * the server stays up and answers every call after that with the error
 * (PITH_E_CORRUPT for a damaged volume), so nothing restarts in a loop.
 *
 * Node numbers: the root is 0; others are generation << 32 | the
 * engine's node handle, the generation (1 or more) moving on whenever a
 * handle's last reference goes, so a stale number is refused with
 * PITH_E_NOT_FOUND.
 *
 * Capabilities: `service`, where the VFS calls it; `disk`, a block
 * driver's endpoint; `debug`, for its log lines.
 */
#include <stdlib.h>
#include <string.h>

#include "disk.h"
#include "fat.h"
#include "pith/fsbuf.h"
#include "pith/fsgate.h"
#include "pith/pith.h"
#include "pith/proto/fs.h"
#include "pith/server.h"

#define BOUNCE_BYTES (64u * 1024) /* the VFS's chunk; larger calls loop */

#define ROOT_ID 0

static struct fat fs;
static struct fat_disk disk;
static struct pith_fsbuf buf;
static bool vfs_mounted;      /* the VFS's info came: pith/fsgate.h */
static bool tried;	      /* the mount was attempted; state says how */
static enum pith_error state; /* PITH_OK: mounted */
static uint32_t root;
static const char *me; /* argv[0] */
static uint32_t which; /* the driver's disk */
static struct disk_choice choice;
static uint32_t gen[FAT_NODES_MAX];
static char name_a[PITH_FS_NAME_MAX], name_b[PITH_FS_NAME_MAX];
static uint8_t bounce[BOUNCE_BYTES];
static struct fat_dirent ent;

static enum pith_error start(void);

/* The volume, mounted at the first call that needs it. */
static enum pith_error mounted(void)
{
	if (!tried) {
		tried = true;
		state = start();
	}
	return state;
}

static uint64_t node_id(uint32_t h)
{
	return h == root ? ROOT_ID : (uint64_t)gen[h] << 32 | h;
}

/* The engine's handle for a node number: the root, or a node that is
 * referenced and of the current generation. */
static enum pith_error handle_of(uint64_t id, uint32_t *h)
{
	uint32_t i = (uint32_t)id;

	if (mounted() != PITH_OK)
		return state;
	if (id == ROOT_ID) {
		*h = root;
		return PITH_OK;
	}
	if (i >= FAT_NODES_MAX || i == root || fs.nodes[i].refs == 0 ||
	    (uint32_t)(id >> 32) != gen[i])
		return PITH_E_NOT_FOUND;
	*h = i;
	return PITH_OK;
}

/* Name `len` bytes at `off` of the buffer, copied into out. */
static enum pith_error get_name(uint64_t off, uint32_t len, char *out)
{
	enum pith_error err;

	if (mounted() != PITH_OK)
		return state;
	if (len > PITH_FS_NAME_MAX)
		return PITH_E_NAME_TOO_LONG;
	err = pith_fsbuf_check(&buf, off, len);
	if (err == PITH_OK)
		pith_fsbuf_copy(&buf, off, out, len, true);
	return err;
}

/* Drop a reference; a handle whose last one goes gets a new generation. */
static void put_node(uint32_t h)
{
	fat_release(&fs, h);
	if (fs.nodes[h].refs == 0 && ++gen[h] == 0)
		gen[h] = 1; /* generation 0 would make handle 0 the root */
}

static enum pith_error do_attach(struct pith_request *rq, uint32_t index,
				 pith_cptr_t page)
{
	(void)rq;
	return pith_fsbuf_replace(&buf, index, page); /* a new VFS's */
}

static enum pith_error do_info(struct pith_request *rq, char *fstype,
			       uint64_t *root_id, uint32_t *flags)
{
	(void)rq;
	if (mounted() != PITH_OK)
		return state;
	strlcpy(fstype, "fat", FS_INFO_FSTYPE_MAX + 1);
	*root_id = ROOT_ID;
	*flags = 0; /* a read-only disk refuses writes when they come */
	return PITH_OK;
}

static void type_size(uint32_t h, uint32_t *type, uint64_t *size)
{
	struct fat_stat st;

	if (fat_stat(&fs, h, &st) != PITH_OK)
		st = (struct fat_stat){.is_dir = fs.nodes[h].is_dir};
	*type = st.is_dir ? PITH_FS_DIR : PITH_FS_FILE;
	*size = st.is_dir ? 0 : st.size;
}

static enum pith_error do_lookup(struct pith_request *rq, uint64_t dir,
				 uint32_t name_len, uint64_t *node,
				 uint32_t *type, uint64_t *size)
{
	enum pith_error err = get_name(0, name_len, name_a);
	uint32_t d, h;

	(void)rq;
	if (err == PITH_OK)
		err = handle_of(dir, &d);
	if (err == PITH_OK)
		err = fat_lookup(&fs, d, name_a, name_len, &h);
	if (err != PITH_OK)
		return err;
	*node = node_id(h);
	type_size(h, type, size);
	return PITH_OK;
}

static enum pith_error do_release(struct pith_request *rq, uint64_t node)
{
	uint32_t h;
	enum pith_error err = handle_of(node, &h);

	(void)rq;
	if (err != PITH_OK)
		return err;
	if (h == root && fs.nodes[h].refs == 1)
		return PITH_OK; /* the root's own reference, kept for ever */
	put_node(h);
	return PITH_OK;
}

static enum pith_error do_read(struct pith_request *rq, uint64_t node,
			       uint64_t at, uint32_t len, uint32_t offset,
			       uint32_t *done)
{
	enum pith_error err = pith_fsbuf_check(&buf, offset, len);
	uint32_t h;

	(void)rq;
	*done = 0;
	if (err == PITH_OK)
		err = handle_of(node, &h);
	while (err == PITH_OK && *done < len) {
		uint32_t n =
			len - *done < BOUNCE_BYTES ? len - *done : BOUNCE_BYTES;
		size_t got = 0;

		err = fat_read(&fs, h, at + *done, bounce, n, &got);
		if (err != PITH_OK)
			break;
		pith_fsbuf_copy(&buf, offset + *done, bounce, got, false);
		*done += (uint32_t)got;
		if (got < n)
			break;
	}
	return *done ? PITH_OK : err;
}

static enum pith_error do_write(struct pith_request *rq, uint64_t node,
				uint64_t at, uint32_t len, uint32_t offset,
				uint32_t *done)
{
	enum pith_error err = pith_fsbuf_check(&buf, offset, len);
	uint32_t h;

	(void)rq;
	*done = 0;
	if (err == PITH_OK)
		err = handle_of(node, &h);
	while (err == PITH_OK && *done < len) {
		uint32_t n =
			len - *done < BOUNCE_BYTES ? len - *done : BOUNCE_BYTES;
		size_t put = 0;

		pith_fsbuf_copy(&buf, offset + *done, bounce, n, true);
		err = fat_write(&fs, h, at + *done, bounce, n, &put);
		*done += (uint32_t)put;
		if (put < n)
			break;
	}
	return *done ? PITH_OK : err;
}

static enum pith_error do_stat(struct pith_request *rq, uint64_t node,
			       uint32_t *type, uint64_t *size, uint64_t *mtime)
{
	struct fat_stat st;
	uint32_t h;
	enum pith_error err = handle_of(node, &h);

	(void)rq;
	if (err == PITH_OK)
		err = fat_stat(&fs, h, &st);
	if (err != PITH_OK)
		return err;
	*type = st.is_dir ? PITH_FS_DIR : PITH_FS_FILE;
	*size = st.is_dir ? 0 : st.size;
	*mtime = st.mtime > 0 ? (uint64_t)st.mtime * 1000000000u : 0;
	return PITH_OK;
}

static enum pith_error do_create(struct pith_request *rq, uint64_t dir,
				 uint32_t name_len, uint32_t type,
				 uint64_t *node)
{
	enum pith_error err = get_name(0, name_len, name_a);
	uint32_t d, h;

	(void)rq;
	if (err == PITH_OK)
		err = handle_of(dir, &d);
	if (err == PITH_OK && type != PITH_FS_FILE && type != PITH_FS_DIR)
		err = PITH_E_INVALID_ARGUMENT;
	if (err == PITH_OK)
		err = fat_create(&fs, d, name_a, name_len, type == PITH_FS_DIR,
				 &h);
	if (err == PITH_OK)
		*node = node_id(h);
	return err;
}

static enum pith_error do_unlink(struct pith_request *rq, uint64_t dir,
				 uint32_t name_len)
{
	enum pith_error err = get_name(0, name_len, name_a);
	uint32_t d;

	(void)rq;
	if (err == PITH_OK)
		err = handle_of(dir, &d);
	if (err == PITH_OK)
		err = fat_unlink(&fs, d, name_a, name_len);
	return err;
}

static enum pith_error do_rename(struct pith_request *rq, uint64_t from_dir,
				 uint32_t from_len, uint64_t to_dir,
				 uint32_t to_len)
{
	enum pith_error err = get_name(0, from_len, name_a);
	uint32_t a, b;

	(void)rq;
	if (err == PITH_OK)
		err = get_name(from_len, to_len, name_b);
	if (err == PITH_OK)
		err = handle_of(from_dir, &a);
	if (err == PITH_OK)
		err = handle_of(to_dir, &b);
	if (err == PITH_OK)
		err = fat_rename(&fs, a, name_a, from_len, b, name_b, to_len);
	return err;
}

static enum pith_error do_truncate(struct pith_request *rq, uint64_t node,
				   uint64_t size)
{
	uint32_t h;
	enum pith_error err = handle_of(node, &h);

	(void)rq;
	return err == PITH_OK ? fat_truncate(&fs, h, size) : err;
}

/* Put the entry at `out` in the window, with the name the fs protocol can
 * carry (the 8.3 alias for a long name over 255 bytes, which lookup
 * finds too). */
static uint32_t put_dirent(uint8_t *out, const struct fat_dirent *e)
{
	const char *name = e->name;
	size_t len = e->name_len;
	struct pith_fs_dirent hdr = {
		.size = e->is_dir ? 0 : e->size,
		.type = e->is_dir ? PITH_FS_DIR : PITH_FS_FILE,
	};
	uint64_t sz;

	if (len > PITH_FS_NAME_MAX) {
		name = e->short_name;
		len = strlen(e->short_name);
	}
	hdr.name_len = (uint16_t)len;
	sz = PITH_FS_DIRENT_SIZE(len);
	memset(out, 0, sz);
	memcpy(out, &hdr, sizeof(hdr));
	memcpy(out + sizeof(hdr), name, len);
	return (uint32_t)sz;
}

static uint64_t dirent_size(const struct fat_dirent *e)
{
	return PITH_FS_DIRENT_SIZE(e->name_len > PITH_FS_NAME_MAX
					   ? strlen(e->short_name)
					   : e->name_len);
}

static enum pith_error do_readdir(struct pith_request *rq, uint64_t dir,
				  uint64_t cookie, uint32_t max, uint64_t *next,
				  uint32_t *count, uint32_t *used)
{
	uint32_t d;
	uint64_t after;
	enum pith_error err = handle_of(dir, &d);

	(void)rq;
	*next = 0;
	*count = *used = 0;
	if (max > BOUNCE_BYTES)
		max = BOUNCE_BYTES;
	if (err == PITH_OK)
		err = pith_fsbuf_check(&buf, 0, max);
	while (err == PITH_OK) {
		err = fat_readdir(&fs, d, cookie, &ent, &after);
		if (err == PITH_E_NOT_FOUND) { /* the end: next stays 0 */
			err = PITH_OK;
			break;
		}
		if (err == PITH_OK && *used + dirent_size(&ent) > max)
			err = PITH_E_RANGE;
		if (err != PITH_OK) {
			/* what was found goes; the error comes next time */
			if (*count)
				err = PITH_OK;
			*next = cookie;
			break;
		}
		*used += put_dirent(bounce + *used, &ent);
		(*count)++;
		cookie = after;
	}
	if (err == PITH_OK)
		pith_fsbuf_copy(&buf, 0, bounce, *used, false);
	return err;
}

static enum pith_error do_sync(struct pith_request *rq)
{
	(void)rq;
	return mounted() == PITH_OK ? fat_sync(&fs) : state;
}

static enum pith_error do_statfs(struct pith_request *rq, uint64_t *block_size,
				 uint64_t *blocks, uint64_t *free_blocks)
{
	uint32_t cb, total, avail;
	enum pith_error err = mounted() == PITH_OK
				      ? fat_statfs(&fs, &cb, &total, &avail)
				      : state;

	(void)rq;
	if (err != PITH_OK)
		return err;
	*block_size = cb;
	*blocks = total;
	*free_blocks = avail;
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

/* The arguments: which disk, which partition. */
static bool parse_args(int argc, char **argv, uint32_t *disk_index,
		       struct disk_choice *c)
{
	*disk_index = 0;
	*c = (struct disk_choice){0};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		char *end;

		if (strcmp(a, "part=esp") == 0) {
			c->whole = false;
			c->index = 0;
		} else if (strcmp(a, "part=whole") == 0) {
			c->whole = true;
		} else if (strncmp(a, "part=", 5) == 0) {
			unsigned long n = strtoul(a + 5, &end, 10);

			if (*end || end == a + 5 || n == 0 || n > 1024)
				return false;
			c->whole = false;
			c->index = (unsigned)n;
		} else if (strncmp(a, "disk=", 5) == 0) {
			unsigned long n = strtoul(a + 5, &end, 10);

			if (*end || end == a + 5 || n > 255)
				return false;
			*disk_index = (uint32_t)n;
		} else {
			return false;
		}
	}
	return true;
}

/* Open the disk and mount the volume: PITH_OK, or the error every call
 * will get, logged. */
static enum pith_error start(void)
{
	pith_cptr_t blk = pith_cap("disk");
	const char *why = "no 'disk' capability", *name = me;
	struct fat_dev dev;
	enum pith_error err = blk ? disk_open(&disk, blk, which, choice, &why)
				  : PITH_E_NOT_FOUND;

	if (err != PITH_OK) {
		pith_printf("%s: disk %u: %s: %s\n", name, which, why,
			    pith_error_name(err));
		return err;
	}
	disk_fat_dev(&disk, &dev);
	err = fat_mount(&fs, &dev, disk.read_only);
	if (err != PITH_OK) {
		pith_printf("%s: disk %u partition %u: not mounted: %s: %s\n",
			    name, which, disk.part,
			    fs.why ? fs.why : "the device failed",
			    pith_error_name(err));
		return err;
	}
	err = fat_root(&fs, &root);
	if (err != PITH_OK)
		return err;
	pith_printf("%s: disk %u partition %u: FAT32, %llu MiB%s\n", name,
		    which, disk.part,
		    (unsigned long long)(disk.count * disk.sector_size >> 20),
		    disk.read_only ? ", read-only" : "");
	return PITH_OK;
}

int main(int argc, char **argv)
{
	static const struct pith_service services[] = {
		{pith_fs_gate, &vfs_mounted},
		{fs_service, &ops},
	};
	struct pith_server srv = {.services = services, .nservices = 2};

	srv.ep = pith_cap("service");
	if (!srv.ep)
		return 1;
	for (uint32_t i = 0; i < FAT_NODES_MAX; i++)
		gen[i] = 1;
	me = argv[0];
	if (!parse_args(argc, argv, &which, &choice)) {
		pith_printf("%s: usage: %s [part=esp|part=N|part=whole] "
			    "[disk=N]\n",
			    me, me);
		tried = true;
		state = PITH_E_INVALID_ARGUMENT;
	}
	pith_server_run(&srv);
}
