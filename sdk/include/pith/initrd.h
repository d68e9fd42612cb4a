/*
 * The initrd, for the root task: the cpio archive the loader brought
 * along, which holds the programs the root task starts. The kernel gives
 * the root task its frames (bootinfo->initrd_frames: read-only, 4 KiB,
 * the first holding the archive's start at initrd_paddr); the first use
 * here maps those capabilities themselves (no copies: no slots needed)
 * into the SDK's region (pith/vm.h), until pith_initrd_unmap().
 *
 * Errors come in two levels, as the kernel's do: an enum pith_error, and
 * for a bad archive or a missing file a detail, the enum cpio_error of
 * lib/cpio.h.
 */
#ifndef PITH_INITRD_H
#define PITH_INITRD_H

#include <stddef.h>

#include "lib/cpio.h"
#include "pith/abi.h"

/* The whole archive, mapped read-only: *archive and *size. Errors:
 * PITH_E_ILLEGAL_OPERATION if this is not the root task (no boot info);
 * PITH_E_INVALID_ARGUMENT if the boot info's frames cannot hold
 * initrd_size bytes from initrd_paddr; the mapping's errors. */
enum pith_error pith_initrd_map(const void **archive, size_t *size);

/* Unmap the initrd, when the program is done with it or wants its
 * frames unmapped (to give them away): pointers into it are then
 * invalid. The next pith_initrd_map() or pith_initrd_find() maps it
 * again. PITH_E_NOT_MAPPED if it is not mapped. */
enum pith_error pith_initrd_unmap(void);

/* Find the regular file `name` in the initrd ("ktest", "./ktest" and
 * "/ktest" are the same): *file its name, data (read-only, inside the
 * mapping) and size. Errors: those of pith_initrd_map(), and
 * PITH_E_INVALID_ARGUMENT with *why (if not NULL) saying what was wrong:
 * CPIO_E_NOT_FOUND for a missing file, another CPIO_E_* for a corrupt
 * archive. *why is CPIO_OK otherwise. */
enum pith_error pith_initrd_find(const char *name, struct cpio_entry *file,
				 enum cpio_error *why);

/* The same in any archive in memory (another archive, a copy). */
enum pith_error pith_archive_find(const void *archive, size_t size,
				  const char *name, struct cpio_entry *file,
				  enum cpio_error *why);

#endif
