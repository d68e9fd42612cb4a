/*
 * Inside the SDK's C library: what its files share and the heap's page
 * provider, which user programs get from pages.c and the host's unit
 * tests from the test (tests/host/libc).
 */
#ifndef PITH_LIBC_LIBC_H
#define PITH_LIBC_LIBC_H

#include <stdbool.h>
#include <stddef.h>

/* The status abort() and a failed assert() end the program with. */
#define LIBC_ABORT_STATUS 134

/* The heap's pages (struct heap_pages, heap.h): `bytes` (a multiple of
 * HEAP_PAGE) of new read-write memory, or NULL; and back; and whether a
 * region the heap no longer uses is kept as a spare (false: its memory
 * goes back whole when it is unmapped). */
void *libc_pages_map(void *ctx, size_t bytes);
void libc_pages_unmap(void *ctx, void *p, size_t bytes);
bool libc_pages_keep(void *ctx, void *p, size_t bytes);

/* A second source of the heap's pages, for when the program's own memory
 * runs out: memory borrowed from init (heap_borrow.c, pith/heap.h). */
struct libc_lender {
	void *(*map)(size_t bytes); /* NULL: none */
	bool (*unmap)(void *p);	    /* false: p is not a region of map()'s */
	bool (*owns)(const void *p);
};

/* NULL until pith_heap_borrow() sets it, so that a program that never
 * borrows does not link the lender (pages.c). */
extern const struct libc_lender *libc_lender;

#endif
