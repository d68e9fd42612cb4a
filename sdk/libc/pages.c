/*
 * The heap's pages in a user program: new frames mapped in the SDK's
 * region of the address space (pith_vm_map_new(), pith/vm.h). Each arena
 * and each large block is one mapping, so it takes one of the region's
 * PITH_VM_MAPPINGS_MAX entries and a slot per page.
 */
#include <stdint.h>

#include "heap.h"
#include "libc.h"
#include "pith/vm.h"

void *libc_pages_map(void *ctx, size_t bytes)
{
	uint64_t va;

	(void)ctx;
	if (pith_vm_map_new(bytes / HEAP_PAGE,
			    PITH_RIGHT_READ | PITH_RIGHT_WRITE, &va) != PITH_OK)
		return NULL;
	return (void *)(uintptr_t)va;
}

void libc_pages_unmap(void *ctx, void *p, size_t bytes)
{
	(void)ctx;
	(void)bytes;
	/* p starts a mapping pith_vm_map_new() made: unmapping it only
	 * deletes what that made, which cannot fail. */
	pith_vm_unmap((uint64_t)(uintptr_t)p);
}
