/*
 * A file-system server's guard against a VFS that knew an earlier
 * instance of it (docs/vfs.md, "Restarts"). Put it before the fs
 * protocol's own service:
 *
 *	static bool mounted;
 *	static const struct pith_service services[] = {
 *		{pith_fs_gate, &mounted},
 *		{fs_service, &ops},
 *	};
 *
 * Until the VFS's `info` (the last call of a mount) every fs call that
 * names a node or uses the buffer is refused with PITH_E_BAD_HANDLE: a
 * server that was restarted has neither the VFS's buffer nor the node
 * numbers it gave before, so a call meant for the dead instance must
 * fail, never name another node. The VFS takes PITH_E_BAD_HANDLE from a
 * file system as the sign to mount it again. `sync` and `statfs` name
 * neither and are served (init syncs every file system at power-off).
 */
#ifndef PITH_FSGATE_H
#define PITH_FSGATE_H

#include <stdbool.h>
#include <stdint.h>

#include "pith/proto/fs.h"
#include "pith/server.h"

/* impl: the server's bool, false at start, true once `info` came. */
static inline enum pith_dispatch pith_fs_gate(const void *impl,
					      struct pith_request *rq)
{
	bool *mounted = (bool *)(uintptr_t)impl;
	uint64_t label = rq->msg.label;

	if (PITH_IDL_PROTOCOL(label) != FS_PROTOCOL || label == FS_ATTACH ||
	    label == FS_SYNC || label == FS_STATFS)
		return PITH_DISPATCH_NOT_MINE;
	if (label == FS_INFO) {
		*mounted = true;
		return PITH_DISPATCH_NOT_MINE; /* the server answers it */
	}
	if (*mounted)
		return PITH_DISPATCH_NOT_MINE;
	return pith_request_fail(rq, PITH_E_BAD_HANDLE);
}

#endif
