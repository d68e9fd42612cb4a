/*
 * initrdfs's view of a cpio newc archive (docs/vfs.md): a tree of
 * directories and files built once from the members' paths. Directories
 * are implied by the paths ("a/b/c" makes a and a/b) as well as given
 * by directory members; a leading "./" or "/" is dropped; members that
 * are neither files nor directories, and a second member of one path,
 * are left out. Node numbers are indices, 0 the root. Pure, host-tested
 * (tests/host/test_initrdfs_tree.c).
 */
#ifndef INITRDFS_TREE_H
#define INITRDFS_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/cpio.h"

struct irfs_node {
	const char *name; /* inside the archive; not terminated */
	uint16_t len;
	uint32_t type; /* PITH_FS_FILE, PITH_FS_DIR */
	uint32_t parent;
	uint32_t first, next; /* first child, next sibling; 0: none */
	const uint8_t *data;
	uint64_t size;
};

struct irfs_tree {
	struct irfs_node *nodes;
	uint32_t n, cap;
};

/* Build the tree of the archive; CPIO_OK, a cpio error for a corrupt
 * archive, or CPIO_E_COUNT when memory ran out. */
enum cpio_error irfs_build(struct irfs_tree *t, const void *archive,
			   size_t size);

/* Entry `name` (len bytes) of directory dir: its node, or -1 (none, or
 * dir is not a directory). */
long irfs_lookup(const struct irfs_tree *t, uint32_t dir, const char *name,
		 size_t len);

#endif
