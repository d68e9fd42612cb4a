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

/* The handles one buffer may serve at once: a client that never closes
 * what it opens fills its own share of the table, not the table. */
#define VFS_FAMILY_MAX (VFS_HANDLES_MAX / 2)

/* A client's buffer: the pages it attached, mapped here. Shared by the
 * handles opened through the one it was attached to (refs of them): a
 * family, whose first is the handle init opened through the root. */
struct vfs_buffer {
	unsigned refs;
	struct pith_fsbuf pages;
};

/* A mounted file system. Mount 0 is `/`; another sits on directory
 * `under` (referenced) of mount `parent`. When its server is restarted
 * (docs/vfs.md, "Restarts") the VFS sees it at its next call (the new
 * instance refuses it with PITH_E_BAD_HANDLE, or the call is aborted),
 * marks it stale and, before its next use, mounts it again: the epoch
 * moves on, so node numbers of the dead instance are never sent to the
 * new one. */
struct vfs_mount {
	pith_cptr_t ep; /* the fs protocol */
	uint64_t root;	/* its root node, referenced for ever */
	uint64_t under;
	uint8_t *buf;	 /* VFS_FSBUF_SIZE bytes shared with it */
	uint32_t epoch;	 /* moves on at each mount again */
	uint32_t flags;	 /* PITH_FS_READ_ONLY */
	unsigned parent; /* index of the mount below */
	bool used;
	bool stale; /* its server was restarted: mount again first */
	bool lost;  /* its mount point was not found again: unreachable */
	char path[201];
	char fstype[16];
};

/* A node of a mount, as resolution finds it. held: the VFS holds a
 * reference from lookup or create, to release. epoch: the mount's when
 * the node was found; a node of an older epoch belonged to a dead
 * instance of the server, unless it is the mount's root (root), which
 * stands for the new instance's root. */
struct vfs_place {
	uint64_t node;
	uint64_t size;
	unsigned mount;
	uint32_t type;
	uint32_t epoch;
	bool held;
	bool root;
};

/* A handle: a directory or an open file. The root (init's unbadged
 * capability) is one too, outside the table. */
struct vfs_handle {
	struct vfs_buffer *buf;
	struct vfs_place at;
	uint64_t pos;	    /* a file's position; a directory's cookie */
	uint32_t pos_epoch; /* the directory's mount's epoch of the cookie */
	pith_cptr_t cap;    /* the minted original (0: the root) */
	uint32_t flags;	    /* PITH_FS_O_* it was opened with */
	bool eof;	    /* a directory read to its end */
};

#endif
