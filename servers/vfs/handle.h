/*
 * The VFS's handle table, as badges (docs/vfs.md): a handle's badge is
 * VFS_HANDLE_TAG | generation << 16 | index. The tag keeps the badges
 * init gives its clients (small numbers) apart; the generation, which
 * moves on when an entry is freed, makes a stale badge fail. Pure,
 * host-tested (tests/host/test_vfs_handle.c).
 */
#ifndef VFS_HANDLE_H
#define VFS_HANDLE_H

#include <stdbool.h>
#include <stdint.h>

#define VFS_HANDLE_TAG	(1ULL << 63)
#define VFS_HANDLES_MAX 256

struct vfs_handle_table {
	bool used[VFS_HANDLES_MAX];
	uint16_t gen[VFS_HANDLES_MAX];
};

static inline uint64_t vfs_handle_badge(unsigned index, uint16_t gen)
{
	return VFS_HANDLE_TAG | (uint64_t)gen << 16 | index;
}

/* A free entry, now used: its index, and its badge in *badge; -1 if the
 * table is full. */
int vfs_handle_alloc(struct vfs_handle_table *t, uint64_t *badge);

/* The entry a badge names, if it is in use with that generation; else
 * -1 (no tag, bits outside the layout, a free entry, an old generation). */
int vfs_handle_find(const struct vfs_handle_table *t, uint64_t badge);

/* Free the entry: its badge stops naming it. */
void vfs_handle_free(struct vfs_handle_table *t, unsigned index);

#endif
