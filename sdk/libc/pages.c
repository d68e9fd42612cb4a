/*
 * The heap's pages in a user program: new frames mapped in the SDK's
 * region of the address space (pith_vm_map_new(), pith/vm.h), from the
 * program's own untyped memory; when that runs out, from memory borrowed
 * from init, if the program asked for it (pith_heap_borrow(),
 * heap_borrow.c). Each arena and each large block is one mapping, so it
 * takes one of the region's PITH_VM_MAPPINGS_MAX entries and a slot per
 * page.
 */
#include <stdint.h>

#include "heap.h"
#include "libc.h"
#include "pith/vm.h"

const struct libc_lender *libc_lender;

void *libc_pages_map(void *ctx, size_t bytes)
{
	uint64_t va;

	(void)ctx;
	if (pith_vm_map_new(bytes / HEAP_PAGE,
			    PITH_RIGHT_READ | PITH_RIGHT_WRITE, &va) == PITH_OK)
		return (void *)(uintptr_t)va;
	return libc_lender ? libc_lender->map(bytes) : NULL;
}

void libc_pages_unmap(void *ctx, void *p, size_t bytes)
{
	(void)ctx;
	(void)bytes;
	if (libc_lender && libc_lender->unmap(p))
		return;
	/* p starts a mapping pith_vm_map_new() made: unmapping it only
	 * deletes what that made, which cannot fail. */
	pith_vm_unmap((uint64_t)(uintptr_t)p);
}

/* The program's own pages are kept: unmapped, their memory would not go
 * back to its untyped block while anything else made from it lives.
 * Borrowed ones go back to init whole. */
bool libc_pages_keep(void *ctx, void *p, size_t bytes)
{
	(void)ctx;
	(void)bytes;
	return !libc_lender || !libc_lender->owns(p);
}
