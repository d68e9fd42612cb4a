/*
 * The VFS server (docs/vfs.md): its mounts, handles and buffers.
 */
#ifndef VFS_VFS_H
#define VFS_VFS_H

#include <stdbool.h>
#include <stdint.h>

#include "handle.h"
#include "path.h"
#include "pith/fs.h"
#include "pith/fsbuf.h"
#include "pith/pith.h"

#define VFS_MOUNTS_MAX	16
#define VFS_FSBUF_PAGES 16 /* the VFS's buffer with each file system */
#define VFS_FSBUF_SIZE	(VFS_FSBUF_PAGES * 4096u)

/* A client's buffer: the pages it attached, mapped here. Shared by the
 * handles opened through the one it was attached to (refs of them). */
struct vfs_buffer {
	unsigned refs;
	struct pith_fsbuf pages;
};

/* A mounted file system. Mount 0 is `/`; another sits on directory
 * `under` (referenced) of mount `parent`. */
struct vfs_mount {
	bool used;
	char path[201];
	char fstype[16];
	pith_cptr_t ep;	 /* the fs protocol */
	uint64_t root;	 /* its root node, referenced for ever */
	uint32_t flags;	 /* PITH_FS_READ_ONLY */
	unsigned parent; /* index of the mount below */
	uint64_t under;
	uint8_t *buf; /* VFS_FSBUF_SIZE bytes shared with it */
};

/* A node of a mount, as resolution finds it. held: the VFS holds a
 * reference from lookup or create, to release. */
struct vfs_place {
	uint64_t node;
	uint64_t size;
	unsigned mount;
	uint32_t type;
	bool held;
};

/* A handle: a directory or an open file. The root (init's unbadged
 * capability) is one too, outside the table. */
struct vfs_handle {
	struct vfs_buffer *buf;
	struct vfs_place at;
	uint64_t pos;	 /* a file's position; a directory's cookie */
	pith_cptr_t cap; /* the minted original (0: the root) */
	uint32_t flags;	 /* PITH_FS_O_* it was opened with */
	bool eof;	 /* a directory read to its end */
};

#endif
