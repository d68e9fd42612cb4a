/*
 * The initrd (pith/initrd.h): mapped once, searched with lib/cpio.c,
 * which checks every header against the archive's bounds.
 */
#include "pith/initrd.h"

#include "pith/pith.h"
#include "pith/vm.h"

static const void *initrd;
static size_t initrd_size;

/* Map every initrd frame, read-only, one page after another. */
static enum pith_error map_initrd(const struct pith_bootinfo *bi)
{
	struct pith_slot_range f = bi->initrd_frames;
	uint64_t offset = bi->initrd_paddr % PITH_PAGE_SIZE, va;
	enum pith_error err;

	/* The frames must hold the whole archive: never read past them. */
	if (f.end <= f.start || !bi->initrd_size ||
	    bi->initrd_size > (f.end - f.start) * PITH_PAGE_SIZE - offset)
		return PITH_E_INVALID_ARGUMENT;
	err = pith_vm_map_frames(f.start, f.end - f.start, PITH_RIGHT_READ,
				 &va);
	if (err != PITH_OK)
		return err;
	initrd = (const void *)(uintptr_t)(va + offset);
	initrd_size = bi->initrd_size;
	return PITH_OK;
}

enum pith_error pith_initrd_map(const void **archive, size_t *size)
{
	enum pith_error err = PITH_OK;

	*archive = NULL;
	*size = 0;
	if (!pith_bootinfo)
		return PITH_E_ILLEGAL_OPERATION;
	if (!initrd)
		err = map_initrd(pith_bootinfo);
	if (err != PITH_OK)
		return err;
	*archive = initrd;
	*size = initrd_size;
	return PITH_OK;
}

enum pith_error pith_initrd_unmap(void)
{
	enum pith_error err;

	if (!initrd)
		return PITH_E_NOT_MAPPED;
	err = pith_vm_unmap((uint64_t)(uintptr_t)initrd);
	initrd = NULL;
	initrd_size = 0;
	return err;
}

enum pith_error pith_archive_find(const void *archive, size_t size,
				  const char *name, struct cpio_entry *file,
				  enum cpio_error *why)
{
	enum cpio_error cerr = cpio_find(archive, size, name, file);

	if (why)
		*why = cerr;
	return cerr == CPIO_OK ? PITH_OK : PITH_E_INVALID_ARGUMENT;
}

enum pith_error pith_initrd_find(const char *name, struct cpio_entry *file,
				 enum cpio_error *why)
{
	const void *archive;
	size_t size;
	enum pith_error err = pith_initrd_map(&archive, &size);

	if (why)
		*why = CPIO_OK;
	if (err != PITH_OK)
		return err;
	return pith_archive_find(archive, size, name, file, why);
}
