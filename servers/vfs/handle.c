/*
 * The handle table's badges (handle.h).
 */
#include "handle.h"

int vfs_handle_alloc(struct vfs_handle_table *t, uint64_t *badge)
{
	for (unsigned i = 0; i < VFS_HANDLES_MAX; i++) {
		if (t->used[i])
			continue;
		t->used[i] = true;
		*badge = vfs_handle_badge(i, t->gen[i]);
		return (int)i;
	}
	return -1;
}

int vfs_handle_find(const struct vfs_handle_table *t, uint64_t badge)
{
	uint64_t index = badge & 0xffff;
	uint64_t gen = (badge >> 16) & 0xffff;

	if ((badge & ~(VFS_HANDLE_TAG | 0xffffffffULL)) ||
	    !(badge & VFS_HANDLE_TAG) || index >= VFS_HANDLES_MAX ||
	    !t->used[index] || t->gen[index] != gen)
		return -1;
	return (int)index;
}

void vfs_handle_free(struct vfs_handle_table *t, unsigned index)
{
	if (index >= VFS_HANDLES_MAX)
		return;
	t->used[index] = false;
	t->gen[index]++;
}
