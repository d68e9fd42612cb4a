/*
 * Paths as the VFS reads them (docs/vfs.md): split into names, with `.`
 * and empty names (repeated slashes) skipped and `..` taking back the
 * name before it, or nothing at the start: resolution never climbs above
 * the directory it starts from. Pure, host-tested
 * (tests/host/test_vfs_path.c).
 */
#ifndef VFS_PATH_H
#define VFS_PATH_H

#include <stddef.h>
#include <stdint.h>

#define VFS_PATH_MAX  1024 /* PITH_FS_PATH_MAX */
#define VFS_NAME_MAX  255  /* PITH_FS_NAME_MAX */
#define VFS_NAMES_MAX (VFS_PATH_MAX / 2 + 1)

enum vfs_path_error {
	VFS_PATH_OK,
	VFS_PATH_TOO_LONG, /* the path or one name */
	VFS_PATH_BAD,	   /* a NUL byte in it */
};

/* The names of a path, in order: name i is len[i] bytes at off[i] of the
 * text it was parsed from. */
struct vfs_path {
	unsigned n;
	uint16_t off[VFS_NAMES_MAX];
	uint16_t len[VFS_NAMES_MAX];
};

/* Split `len` bytes of `p` into names. A leading `/` means the start
 * directory, as no `/` does. */
enum vfs_path_error vfs_path_parse(const char *p, size_t len,
				   struct vfs_path *out);

/* Write "/a/b" (or "/" for no names) for path `v` of text `p` into out
 * (room for max bytes with the NUL); false if it does not fit. */
int vfs_path_format(const char *p, const struct vfs_path *v, char *out,
		    size_t max);

#endif
