/*
 * Files through the VFS (pith/file.h).
 */
#include "pith/file.h"

#include "lib/string.h"
#include "pith/alloc.h"
#include "pith/proto/vfs.h"
#include "pith/vm.h"

void pith_fs_init(struct pith_fs *fs, pith_cptr_t dir)
{
	*fs = (struct pith_fs){.dir = dir};
}

enum pith_error pith_fs_buffer(struct pith_fs *fs)
{
	uint64_t va;
	enum pith_error err;

	if (fs->buf)
		return PITH_OK;
	if (!fs->dir)
		return PITH_E_INVALID_CAPABILITY;
	err = pith_vm_map_new(PITH_FILE_BUFFER_PAGES,
			      PITH_RIGHT_READ | PITH_RIGHT_WRITE, &va);
	if (err != PITH_OK)
		return err;
	for (unsigned i = 0; i < PITH_FILE_BUFFER_PAGES && err == PITH_OK; i++)
		err = vfs_attach(fs->dir, i, pith_vm_frame(va + i * 4096ULL));
	if (err != PITH_OK) {
		pith_vm_unmap(va);
		return err;
	}
	fs->buf = (uint8_t *)va;
	fs->size = PITH_FILE_BUFFER_PAGES * 4096;
	return PITH_OK;
}

/* A call through the directory found no buffer (PITH_E_NOT_MAPPED)
 * though there is one: the VFS was restarted and init put a new handle
 * in the directory's slot (docs/vfs.md, "Restarts"), which shares
 * nothing yet. Attach the buffer to it; true if the call may be made
 * again. */
static bool attach_again(struct pith_fs *fs, enum pith_error err)
{
	if (err != PITH_E_NOT_MAPPED || !fs->buf)
		return false;
	for (unsigned i = 0; i < PITH_FILE_BUFFER_PAGES; i++)
		if (vfs_attach(fs->dir, i,
			       pith_vm_frame((uint64_t)fs->buf +
					     i * 4096ULL)) != PITH_OK)
			return false;
	return true;
}

/* Put path at `at` of the buffer: its length in *len. */
static enum pith_error put_path(struct pith_fs *fs, const char *path,
				uint32_t at, uint32_t *len)
{
	size_t n = strlen(path);
	enum pith_error err = pith_fs_buffer(fs);

	if (err != PITH_OK)
		return err;
	if (n > PITH_FS_PATH_MAX)
		return PITH_E_NAME_TOO_LONG;
	memcpy(fs->buf + at, path, n);
	*len = (uint32_t)n;
	return PITH_OK;
}

enum pith_error pith_fs_open(struct pith_fs *fs, const char *path,
			     uint32_t flags, struct pith_file *f)
{
	uint32_t len;
	enum pith_error err = put_path(fs, path, 0, &len);

	if (err != PITH_OK)
		return err;
	*f = (struct pith_file){.fs = fs};
	err = vfs_open(fs->dir, len, flags, &f->cap, &f->type);
	if (attach_again(fs, err))
		err = vfs_open(fs->dir, len, flags, &f->cap, &f->type);
	return err;
}

enum pith_error pith_fs_stat(struct pith_fs *fs, const char *path,
			     struct pith_stat *st)
{
	uint32_t len;
	enum pith_error err = put_path(fs, path, 0, &len);

	if (err != PITH_OK)
		return err;
	err = vfs_stat(fs->dir, len, &st->type, &st->size, &st->mtime,
		       &st->mount);
	if (attach_again(fs, err))
		err = vfs_stat(fs->dir, len, &st->type, &st->size, &st->mtime,
			       &st->mount);
	return err;
}

enum pith_error pith_fs_mkdir(struct pith_fs *fs, const char *path)
{
	uint32_t len;
	enum pith_error err = put_path(fs, path, 0, &len);

	if (err == PITH_OK) {
		err = vfs_mkdir(fs->dir, len);
		if (attach_again(fs, err))
			err = vfs_mkdir(fs->dir, len);
	}
	return err;
}

enum pith_error pith_fs_unlink(struct pith_fs *fs, const char *path)
{
	uint32_t len;
	enum pith_error err = put_path(fs, path, 0, &len);

	if (err == PITH_OK) {
		err = vfs_unlink(fs->dir, len);
		if (attach_again(fs, err))
			err = vfs_unlink(fs->dir, len);
	}
	return err;
}

enum pith_error pith_fs_rename(struct pith_fs *fs, const char *from,
			       const char *to)
{
	uint32_t a, b;
	enum pith_error err = put_path(fs, from, 0, &a);

	if (err == PITH_OK)
		err = put_path(fs, to, a, &b);
	if (err == PITH_OK) {
		err = vfs_rename(fs->dir, a, b);
		if (attach_again(fs, err))
			err = vfs_rename(fs->dir, a, b);
	}
	return err;
}

enum pith_error pith_fs_statfs(struct pith_fs *fs, struct pith_statfs *out)
{
	return vfs_statfs(fs->dir, out->fstype, &out->block_size, &out->blocks,
			  &out->free);
}

enum pith_error pith_fs_mounts(struct pith_fs *fs, uint32_t index, char *path,
			       char *fstype)
{
	return vfs_mounts(fs->dir, index, path, fstype);
}

enum pith_error pith_file_read(struct pith_file *f, void *dst, size_t len,
			       size_t *done)
{
	struct pith_fs *fs = f->fs;
	enum pith_error err = pith_fs_buffer(fs);
	uint8_t *out = dst;

	*done = 0;
	while (err == PITH_OK && *done < len) {
		uint32_t chunk = len - *done > fs->size
					 ? fs->size
					 : (uint32_t)(len - *done);
		uint32_t got = 0;

		err = vfs_read(f->cap, 0, chunk, &got);
		if (err != PITH_OK || got > chunk)
			break;
		memcpy(out + *done, fs->buf, got);
		*done += got;
		if (got < chunk)
			break;
	}
	return *done ? PITH_OK : err;
}

enum pith_error pith_file_write(struct pith_file *f, const void *src,
				size_t len, size_t *done)
{
	struct pith_fs *fs = f->fs;
	enum pith_error err = pith_fs_buffer(fs);
	const uint8_t *in = src;

	*done = 0;
	while (err == PITH_OK && *done < len) {
		uint32_t chunk = len - *done > fs->size
					 ? fs->size
					 : (uint32_t)(len - *done);
		uint32_t put = 0;

		memcpy(fs->buf, in + *done, chunk);
		err = vfs_write(f->cap, 0, chunk, &put);
		if (err != PITH_OK || put > chunk)
			break;
		*done += put;
		if (put < chunk)
			return PITH_E_NO_SPACE;
	}
	return err;
}

enum pith_error pith_file_seek(struct pith_file *f, int64_t offset,
			       uint32_t whence, uint64_t *position)
{
	uint64_t pos;

	return vfs_seek(f->cap, offset, whence, position ? position : &pos);
}

enum pith_error pith_file_stat(struct pith_file *f, struct pith_stat *st)
{
	return vfs_stat(f->cap, 0, &st->type, &st->size, &st->mtime,
			&st->mount);
}

enum pith_error pith_file_truncate(struct pith_file *f, uint64_t size)
{
	return vfs_truncate(f->cap, size);
}

enum pith_error pith_file_sync(struct pith_file *f)
{
	return vfs_sync(f->cap);
}

enum pith_error pith_file_readdir(struct pith_file *f, void *buf, size_t max,
				  uint32_t *count, size_t *used)
{
	struct pith_fs *fs = f->fs;
	enum pith_error err = pith_fs_buffer(fs);
	uint32_t u = 0;

	*count = 0;
	*used = 0;
	if (err != PITH_OK)
		return err;
	if (max > fs->size)
		max = fs->size;
	err = vfs_readdir(f->cap, (uint32_t)max, count, &u);
	if (err != PITH_OK)
		return err;
	if (u > max)
		return PITH_E_INVALID_ARGUMENT;
	memcpy(buf, fs->buf, u);
	*used = u;
	return PITH_OK;
}

enum pith_error pith_file_close(struct pith_file *f)
{
	enum pith_error err = vfs_close(f->cap);

	pith_slot_free(f->cap);
	f->cap = 0;
	return err;
}

void pith_file_as_fs(struct pith_file *f, struct pith_fs *fs)
{
	*fs = *f->fs;
	fs->dir = f->cap;
}
