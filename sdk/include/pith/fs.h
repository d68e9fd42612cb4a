/*
 * What the file protocols share (sdk/idl/proto/vfs.pidl, fs.pidl;
 * docs/vfs.md): limits, node types, open flags, and the layout of a
 * directory entry in a shared buffer.
 *
 * A client's buffer with the VFS, and the VFS's buffer with each file
 * system, is up to PITH_FS_BUFFER_PAGES pages attached one by one, seen
 * as one array of bytes: page i holds bytes i * 4096 ... Arguments that
 * are bytes (paths, names, data, directory entries) are placed there;
 * messages carry their offsets and lengths only.
 */
#ifndef PITH_FS_H
#define PITH_FS_H

#include <stdint.h>

#define PITH_FS_PATH_MAX     1024 /* bytes of a path, without a NUL */
#define PITH_FS_NAME_MAX     255  /* bytes of one name */
#define PITH_FS_BUFFER_PAGES 64	  /* a shared buffer: at most 256 KiB */

/* Node types (stat, open, readdir) */
#define PITH_FS_FILE 1
#define PITH_FS_DIR  2

/* vfs.open flags */
#define PITH_FS_O_READ	    0x01
#define PITH_FS_O_WRITE	    0x02
#define PITH_FS_O_CREATE    0x04 /* make the file if it is missing */
#define PITH_FS_O_EXCL	    0x08 /* with CREATE: PITH_E_EXISTS if it is there */
#define PITH_FS_O_TRUNCATE  0x10 /* empty it (needs WRITE) */
#define PITH_FS_O_APPEND    0x20 /* every write at the end */
#define PITH_FS_O_DIRECTORY 0x40 /* PITH_E_NOT_DIRECTORY unless a directory */

/* fs.info flags */
#define PITH_FS_READ_ONLY 0x01

/* A directory entry in a buffer: the header, then name_len bytes of
 * name (no NUL), padded so that the next entry starts at a multiple of
 * 8 bytes (PITH_FS_DIRENT_SIZE). */
struct pith_fs_dirent {
	uint64_t size;	   /* bytes, for a file */
	uint32_t type;	   /* PITH_FS_FILE or PITH_FS_DIR */
	uint16_t name_len; /* 1 to PITH_FS_NAME_MAX */
	uint16_t reserved; /* 0 */
	char name[];
};

#define PITH_FS_DIRENT_SIZE(name_len)                                          \
	((sizeof(struct pith_fs_dirent) + (name_len) + 7) & ~(uint64_t)7)

#endif
