/*
 * The heap's core: a memory allocator on pages from a page provider, so
 * that the same code serves malloc() in user programs (pages from
 * pith_vm_map_new(), sdk/libc/pages.c) and the host's unit tests (pages
 * from the host, tests/host/libc).
 *
 * Design:
 *  - Small requests (under HEAP_LARGE bytes) come from arenas: regions
 *    got from the provider, HEAP_ARENA_MIN bytes for the first and twice
 *    the last one's size for each next, up to HEAP_ARENA_MAX (or more, if
 *    one request needs more). An arena is a sequence of blocks with
 *    boundary tags: each block has a 16-byte header (its size, two flags,
 *    and a check word), and a free block also a footer (its size), so
 *    that a freed block merges with both neighbours at once: no two free
 *    blocks are ever next to each other.
 *  - Free blocks sit in HEAP_BINS doubly-linked lists by size class (one
 *    per power of two). An allocation looks in its own class first fit,
 *    then takes the first block of the next non-empty class (which always
 *    fits), and splits off what it does not need.
 *  - Large requests (HEAP_LARGE bytes or more) get a region of their own.
 *  - Regions are kept, not given back: a freed large block's region, and
 *    an arena that becomes wholly free (unless it is the last one),
 *    become spares (unless the provider's keep() says a region's memory
 *    goes back whole when it is unmapped: then it is unmapped at once), and the
 * next arena or large block takes the smallest spare it fits in before it asks
 * the provider for pages. In Pith a frame's memory returns to its untyped block
 * only once everything made from the block is gone, so pages given back would
 * be lost to the program; kept, they are used again. The heap never holds more
 *    than it once used at its peak. When the provider has no more pages,
 *    the spares go back to it (they may hold what it lacks: slots, or
 *    room in the address space) and it is asked once more; heap_trim()
 *    gives them back at once.
 *  - Every block is 16-byte aligned; larger alignments (any power of two)
 *    are carved out of a bigger block.
 *  - free() and realloc() check a pointer before they trust it: it must
 *    lie in one of the heap's arenas or large blocks (a walk of short
 *    lists), be 16-byte aligned, and have a header whose check word is
 *    its address mixed with the "in use" magic. A "free" magic there, or
 *    a pointer into a spare, is a double free; anything else a pointer
 *    the heap never gave.
 *
 * Not thread-safe: one thread uses a heap at a time.
 */
#ifndef PITH_LIBC_HEAP_H
#define PITH_LIBC_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HEAP_PAGE      ((size_t)4096)
#define HEAP_ALIGN     ((size_t)16)	   /* of every block */
#define HEAP_LARGE     ((size_t)64 << 10)  /* and more: a mapping of its own */
#define HEAP_ARENA_MIN ((size_t)16 << 10)  /* the first arena */
#define HEAP_ARENA_MAX ((size_t)256 << 10) /* arenas grow to this */
#define HEAP_BINS      16		   /* size classes of free blocks */
#define HEAP_SIZE_MAX  (1ull << 46)	   /* larger requests fail at once */

/* Where a heap's memory comes from. */
struct heap_pages {
	/* Map `bytes` (a multiple of HEAP_PAGE) of new read-write memory,
	 * page-aligned; NULL if there is none. */
	void *(*map)(void *ctx, size_t bytes);
	/* Give back a whole region that map() returned, with its size. */
	void (*unmap)(void *ctx, void *p, size_t bytes);
	void *ctx;
	/* Should a region the heap no longer uses be kept as a spare?
	 * false: unmap() it at once (its memory goes back whole, so nothing
	 * is lost). NULL: keep every one. */
	bool (*keep)(void *ctx, void *p, size_t bytes);
};

/* What heap_free() and heap_realloc() say about the pointer they get. */
enum heap_status {
	HEAP_OK,
	HEAP_E_NO_MEMORY,   /* realloc: no memory for the new size */
	HEAP_E_DOUBLE_FREE, /* the block is free already */
	HEAP_E_FOREIGN,	    /* not a block in use from this heap */
	HEAP_E_CORRUPT,	    /* the block's neighbours are damaged */
};

struct heap_block;  /* a block's header (heap.c) */
struct heap_region; /* the header of a region: arena, large block, spare */

/* A heap. Its fields are heap.c's; a zeroed struct with `pages` and
 * `next_arena` set (HEAP_INITIALIZER) is a valid empty heap. */
struct heap {
	struct heap_pages pages;
	struct heap_region *arenas;	    /* every arena, newest first */
	struct heap_region *large;	    /* every large block's region */
	struct heap_region *spares;	    /* regions kept for reuse */
	struct heap_block *bins[HEAP_BINS]; /* free blocks by size class */
	size_t next_arena;		    /* the size of the next arena */
};

/* A static initializer for an empty heap on the provider's functions
 * and context (struct heap_pages). */
#define HEAP_INITIALIZER(map_, unmap_, ctx_, keep_)                            \
	{                                                                      \
		.pages = {map_, unmap_, ctx_, keep_},                          \
		.next_arena = HEAP_ARENA_MIN                                   \
	}

/* What a heap holds now (for tests and statistics). */
struct heap_stats {
	size_t arenas;	    /* arenas */
	size_t large;	    /* large blocks, each in a region of its own */
	size_t spares;	    /* regions kept for reuse */
	size_t spare_bytes; /* their bytes */
	size_t mapped;	    /* bytes of every region, spares included */
	size_t used_blocks; /* blocks in use, arena and large */
	size_t free_blocks; /* free blocks in arenas */
	size_t free_bytes;  /* their bytes, headers included */
};

/* Make *h an empty heap on `pages` (the same as HEAP_INITIALIZER). */
void heap_init(struct heap *h, const struct heap_pages *pages);

/* At least `size` bytes aligned to `align` (0 or a power of two; below 16
 * means 16). NULL if align is neither, align or size exceeds
 * HEAP_SIZE_MAX, or the provider has no more memory. A size of 0 gives a
 * unique block. */
void *heap_alloc(struct heap *h, size_t size, size_t align);

/* Give back the block at p (NULL: nothing to do). HEAP_E_DOUBLE_FREE or
 * HEAP_E_FOREIGN if p is not a block in use, HEAP_E_CORRUPT if the
 * headers next to it are damaged; the heap is then left alone. */
enum heap_status heap_free(struct heap *h, void *p);

/* Resize the block at p to `size` bytes, keeping its contents up to the
 * smaller size: *out is its new address (p itself when it could grow or
 * shrink in place). p NULL is heap_alloc(size, 16). HEAP_E_NO_MEMORY
 * leaves p as it was (*out NULL); the other errors are heap_free()'s.
 * Alignment beyond 16 is not kept. */
enum heap_status heap_realloc(struct heap *h, void *p, size_t size, void **out);

/* The usable bytes of the block in use at p (at least what was asked
 * for), or 0 if p is not one. */
size_t heap_usable(const struct heap *h, const void *p);

/* Walk the whole heap and check every invariant: region headers, block
 * sizes and check words, boundary tags and flags, no two free blocks next
 * to each other, the bins hold exactly the free blocks, each in its
 * class. NULL if all hold, else what is wrong. O(size of the heap): for
 * tests. */
const char *heap_check(const struct heap *h);

/* Fill *s with what the heap holds now (walks every arena). */
void heap_stats(const struct heap *h, struct heap_stats *s);

/* Give every spare region back to the provider. */
void heap_trim(struct heap *h);

/* A few words on a status: "double free", ... */
const char *heap_status_text(enum heap_status st);

#endif
