/*
 * malloc and friends (stdlib.h): the heap's core (heap.c) on the
 * program's own pages (libc_pages_map(): pages.c), one heap per program.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heap.h"
#include "libc.h"

static struct heap heap = HEAP_INITIALIZER(libc_pages_map, libc_pages_unmap,
					   NULL, libc_pages_keep);

/* free() or realloc() was given something that is not a block in use:
 * say so and end the program, before the heap is damaged further. */
static _Noreturn void bad_pointer(const char *fn, void *p, enum heap_status st)
{
	fprintf(stderr, "%s(%p): %s\n", fn, p, heap_status_text(st));
	abort();
}

static void *or_enomem(void *p)
{
	if (!p)
		errno = ENOMEM;
	return p;
}

void *malloc(size_t size)
{
	return or_enomem(heap_alloc(&heap, size, HEAP_ALIGN));
}

void *calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	p = or_enomem(heap_alloc(&heap, n * size, HEAP_ALIGN));
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *aligned_alloc(size_t alignment, size_t size)
{
	if (alignment == 0 || (alignment & (alignment - 1))) {
		errno = EINVAL;
		return NULL;
	}
	return or_enomem(heap_alloc(&heap, size, alignment));
}

void *realloc(void *p, size_t size)
{
	void *q;
	enum heap_status st = heap_realloc(&heap, p, size, &q);

	if (st == HEAP_E_NO_MEMORY) {
		errno = ENOMEM;
		return NULL;
	}
	if (st != HEAP_OK)
		bad_pointer("realloc", p, st);
	return q;
}

void free(void *p)
{
	enum heap_status st = heap_free(&heap, p);

	if (st != HEAP_OK)
		bad_pointer("free", p, st);
}
