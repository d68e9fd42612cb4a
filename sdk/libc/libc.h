/*
 * Inside the SDK's C library: what its files share and the heap's page
 * provider, which user programs get from pages.c and the host's unit
 * tests from the test (tests/host/libc).
 */
#ifndef PITH_LIBC_LIBC_H
#define PITH_LIBC_LIBC_H

#include <stddef.h>

/* The status abort() and a failed assert() end the program with. */
#define LIBC_ABORT_STATUS 134

/* The heap's pages (struct heap_pages, heap.h): `bytes` (a multiple of
 * HEAP_PAGE) of new read-write memory, or NULL; and back. */
void *libc_pages_map(void *ctx, size_t bytes);
void libc_pages_unmap(void *ctx, void *p, size_t bytes);

#endif
