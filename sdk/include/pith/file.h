/*
 * Files through the VFS with plain C buffers (docs/vfs.md, docs/sdk.md).
 * A struct pith_fs is a directory handle (a capability to the VFS) and
 * the buffer it shares with the VFS: PITH_FILE_BUFFER_PAGES pages of the
 * program's memory, made and attached on first use. Files opened through
 * it share that buffer; these functions copy into and out of it, and
 * loop over reads and writes larger than it.
 *
 *	struct pith_fs root;
 *	struct pith_file f;
 *	char text[64];
 *	size_t n;
 *
 *	pith_fs_init(&root, pith_cap("dir"));
 *	if (pith_fs_open(&root, "notes/today", PITH_FS_O_READ, &f) == PITH_OK) {
 *		pith_file_read(&f, text, sizeof(text), &n);
 *		pith_file_close(&f);
 *	}
 *
 * Errors are the VFS's and the file system's (PITH_E_NOT_FOUND,
 * PITH_E_NAME_TOO_LONG, PITH_E_READ_ONLY, ...), the allocator's for the
 * buffer, and PITH_E_ABORTED if the VFS went away. After a restart of
 * the VFS the directory's slot holds a new handle (docs/vfs.md,
 * "Restarts"): calls on paths attach the buffer to it again. Not thread-safe:
 *one thread uses a struct pith_fs (and its files) at a time.
 */
#ifndef PITH_FILE_H
#define PITH_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pith/fs.h"
#include "pith/invoke.h"

#define PITH_FILE_BUFFER_PAGES 16 /* 64 KiB */

struct pith_fs {
	pith_cptr_t dir; /* the directory handle */
	uint8_t *buf;	 /* the shared buffer; NULL until first use */
	uint32_t size;	 /* its bytes */
};

struct pith_file {
	struct pith_fs *fs; /* whose buffer it uses */
	pith_cptr_t cap;    /* the handle */
	uint32_t type;	    /* PITH_FS_FILE or PITH_FS_DIR */
};

struct pith_stat {
	uint32_t type; /* PITH_FS_FILE or PITH_FS_DIR */
	uint64_t size;
	uint64_t mtime;
	uint32_t mount; /* the VFS's index of its mount */
};

struct pith_statfs {
	char fstype[16];
	uint64_t block_size, blocks, free;
};

/* Use the directory handle `dir` (the buffer is set up on first use). */
void pith_fs_init(struct pith_fs *fs, pith_cptr_t dir);

/* Make and attach the buffer now if it is not yet (the other functions
 * do it themselves). */
enum pith_error pith_fs_buffer(struct pith_fs *fs);

/* Open `path` (relative to the directory; a leading / is the directory
 * itself) with PITH_FS_O_* flags. */
enum pith_error pith_fs_open(struct pith_fs *fs, const char *path,
			     uint32_t flags, struct pith_file *f);
enum pith_error pith_fs_stat(struct pith_fs *fs, const char *path,
			     struct pith_stat *st);
enum pith_error pith_fs_mkdir(struct pith_fs *fs, const char *path);
enum pith_error pith_fs_unlink(struct pith_fs *fs, const char *path);
enum pith_error pith_fs_rename(struct pith_fs *fs, const char *from,
			       const char *to);
/* The file system the directory is on. */
enum pith_error pith_fs_statfs(struct pith_fs *fs, struct pith_statfs *out);
/* Mount `index` of the namespace: its path (room for 201 bytes) and
 * type (room for 16); PITH_E_RANGE past the last. */
enum pith_error pith_fs_mounts(struct pith_fs *fs, uint32_t index, char *path,
			       char *fstype);

/* Read up to len bytes at the position: fewer only at the end of the
 * file (*done 0: at the end). */
enum pith_error pith_file_read(struct pith_file *f, void *dst, size_t len,
			       size_t *done);
/* Write len bytes at the position (*done fewer: the file system is
 * full, or an error after some were written). */
enum pith_error pith_file_write(struct pith_file *f, const void *src,
				size_t len, size_t *done);
/* whence 0: from the start, 1: from the position, 2: from the end. */
enum pith_error pith_file_seek(struct pith_file *f, int64_t offset,
			       uint32_t whence, uint64_t *position);
enum pith_error pith_file_stat(struct pith_file *f, struct pith_stat *st);
enum pith_error pith_file_truncate(struct pith_file *f, uint64_t size);
enum pith_error pith_file_sync(struct pith_file *f);
/* A directory's next entries as struct pith_fs_dirent (pith/fs.h), into
 * buf (max bytes): *count 0 at the end. */
enum pith_error pith_file_readdir(struct pith_file *f, void *buf, size_t max,
				  uint32_t *count, size_t *used);
/* Close the handle and free its slot. */
enum pith_error pith_file_close(struct pith_file *f);

/* A struct pith_fs on the directory f (which must stay open while it is
 * used), sharing its buffer. */
void pith_file_as_fs(struct pith_file *f, struct pith_fs *fs);

#endif
