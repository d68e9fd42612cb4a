/*
 * The heap's core (heap.h has the design).
 *
 * Every region the heap maps starts with a struct heap_region, on one of
 * three lists: arenas, large mappings, spares. An arena:
 *
 *   [struct heap_region][block][block]...[block][sentinel]
 *
 * A block starts with its header: `head` (its size, a multiple of 16,
 * with the flags USED, PREV_USED, LARGE in the low bits) and `check`
 * (its address XOR the magic of its state). A free block also holds its
 * bin links after the header and its size in its last word (the footer),
 * which the block after it reads, when its PREV_USED flag is clear, to
 * find it. The sentinel is a header of size 0 marked in use, so nothing
 * merges past the end. Invariants (heap_check() tests them all): no two
 * free blocks are neighbours; a block's PREV_USED says whether the one
 * before is in use; the bins hold exactly the free blocks.
 *
 * A large mapping:
 *
 *   [struct heap_region] ... [header][the block's bytes up to the end]
 *
 * with the header just before the (aligned) pointer handed out, flagged
 * USED | LARGE, its size reaching the region's end.
 *
 * A spare is a region the heap no longer uses, kept whole for the next
 * arena or large block that fits in it.
 */
#include "heap.h"

#include <string.h>

#define USED	  1u /* the block is in use */
#define PREV_USED 2u /* the block before it is in use (or it is the first) */
#define LARGE	  4u /* the block of a large mapping */
#define FLAGS	  7u

#define MAGIC_USED  0x9e3779b97f4a7c15u
#define MAGIC_FREE  0xc2b2ae3d27d4eb4fu
#define MAGIC_ARENA 0x165667b19e3779f9u
#define MAGIC_LARGE 0x27d4eb2f165667c5u
#define MAGIC_SPARE 0x85ebca77c2b2ae63u

struct heap_block {
	size_t head;	 /* size | flags */
	uintptr_t check; /* the address ^ MAGIC_USED or MAGIC_FREE */
	/* The header ends here; a free block goes on with: */
	struct heap_block *next, *prev; /* its bin */
};

struct heap_region {
	struct heap_region *next, *prev; /* on its list */
	size_t size;			 /* bytes mapped */
	uintptr_t check; /* the address ^ MAGIC_ARENA, _LARGE or _SPARE */
};

#define HDR	       offsetof(struct heap_block, next) /* 16 */
#define MIN_BLOCK      48 /* header, bin links, footer; a multiple of 16 */
#define ARENA_OVERHEAD (sizeof(struct heap_region) + HDR) /* + sentinel */

_Static_assert(HDR == HEAP_ALIGN, "headers keep blocks 16-byte aligned");
_Static_assert(sizeof(struct heap_region) % HEAP_ALIGN == 0, "aligned");
_Static_assert(MIN_BLOCK >= sizeof(struct heap_block) + sizeof(size_t),
	       "a free block holds its links and footer");

static const char *const status_text[] = {
	[HEAP_OK] = "ok",
	[HEAP_E_NO_MEMORY] = "out of memory",
	[HEAP_E_DOUBLE_FREE] = "double free",
	[HEAP_E_FOREIGN] = "not a block in use from this heap",
	[HEAP_E_CORRUPT] = "damaged heap next to it (written out of bounds?)",
};

/* ---- blocks ------------------------------------------------------------ */

static size_t round_up(size_t v, size_t to)
{
	return (v + to - 1) & ~(to - 1);
}

static size_t bsize(const struct heap_block *b)
{
	return b->head & ~(size_t)FLAGS;
}

static struct heap_block *at(void *p, size_t offset)
{
	return (struct heap_block *)((char *)p + offset);
}

static struct heap_block *after(struct heap_block *b)
{
	return at(b, bsize(b));
}

static size_t *footer(struct heap_block *b)
{
	return (size_t *)((char *)after(b) - sizeof(size_t));
}

/* The free block before b (b's PREV_USED is clear). */
static struct heap_block *before(struct heap_block *b)
{
	size_t size = *(size_t *)((char *)b - sizeof(size_t));

	return (struct heap_block *)((char *)b - size);
}

static struct heap_block *header(const void *p)
{
	return (struct heap_block *)((char *)p - HDR);
}

static bool is(const struct heap_block *b, uintptr_t magic)
{
	return b->check == ((uintptr_t)b ^ magic);
}

/* The size class of a block of `size` bytes: class 0 is [48, 64), class
 * i is [2^(i+5), 2^(i+6)), the last one everything bigger. */
static unsigned bin_of(size_t size)
{
	unsigned i = 0;

	for (size >>= 6; size && i < HEAP_BINS - 1; size >>= 1)
		i++;
	return i;
}

static void bin_insert(struct heap *h, struct heap_block *b)
{
	unsigned i = bin_of(bsize(b));

	b->prev = NULL;
	b->next = h->bins[i];
	if (b->next)
		b->next->prev = b;
	h->bins[i] = b;
}

static void bin_remove(struct heap *h, struct heap_block *b)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		h->bins[bin_of(bsize(b))] = b->next;
	if (b->next)
		b->next->prev = b->prev;
}

/* Make b a free block of `size` bytes in its bin. The block before it is
 * in use (its neighbours are merged already); the one after learns that
 * b is free. */
static void mark_free(struct heap *h, struct heap_block *b, size_t size)
{
	b->head = size | PREV_USED;
	b->check = (uintptr_t)b ^ MAGIC_FREE;
	*footer(b) = size;
	after(b)->head &= ~(size_t)PREV_USED;
	bin_insert(h, b);
}

/* Make b a block in use of `size` bytes, keeping its PREV_USED. */
static void mark_used(struct heap_block *b, size_t size)
{
	b->head = size | USED | (b->head & PREV_USED);
	b->check = (uintptr_t)b ^ MAGIC_USED;
	after(b)->head |= PREV_USED;
}

/* b, taken out of its bin or in use, becomes a block in use of `need`
 * bytes; what is left after it, if it can be a block, is freed (and
 * merged with a free block after it). */
static void carve(struct heap *h, struct heap_block *b, size_t need)
{
	size_t size = bsize(b);
	struct heap_block *rest, *next;

	if (size - need < MIN_BLOCK) {
		mark_used(b, size);
		return;
	}
	mark_used(b, need);
	rest = after(b);
	next = at(rest, size - need);
	if (!(next->head & USED)) {
		bin_remove(h, next);
		size += bsize(next);
	}
	mark_free(h, rest, size - need);
}

/* ---- regions ----------------------------------------------------------- */

static void region_push(struct heap_region **list, struct heap_region *r,
			uintptr_t magic)
{
	r->check = (uintptr_t)r ^ magic;
	r->prev = NULL;
	r->next = *list;
	if (r->next)
		r->next->prev = r;
	*list = r;
}

static void region_unlink(struct heap_region **list, struct heap_region *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		*list = r->next;
	if (r->next)
		r->next->prev = r->prev;
}

/* Does region r hold the address v (past its header)? */
static bool region_holds(const struct heap_region *r, uintptr_t v)
{
	return v >= (uintptr_t)r + sizeof(*r) && v < (uintptr_t)r + r->size;
}

/* Give every spare back to the provider. */
static void drop_spares(struct heap *h)
{
	while (h->spares) {
		struct heap_region *r = h->spares;

		region_unlink(&h->spares, r);
		h->pages.unmap(h->pages.ctx, r, r->size);
	}
}

/* The smallest spare of at least `want` bytes, taken off the list; NULL
 * if none is that big. */
static struct heap_region *take_spare(struct heap *h, size_t want)
{
	struct heap_region *best = NULL;

	for (struct heap_region *r = h->spares; r; r = r->next) {
		if (r->size >= want && (!best || r->size < best->size))
			best = r;
	}
	if (best)
		region_unlink(&h->spares, best);
	return best;
}

/* A region of at least `want` bytes (a multiple of HEAP_PAGE), `prefer`
 * if the provider has that much: a spare first, then new pages; when the
 * provider has none, the spares go back to it (they may be what it lacks:
 * slots, mappings) and it is asked once more. r->size is its size. */
static struct heap_region *get_region(struct heap *h, size_t want,
				      size_t prefer)
{
	struct heap_region *r = take_spare(h, want);

	if (!r && prefer > want) {
		r = h->pages.map(h->pages.ctx, prefer);
		if (r)
			r->size = prefer;
	}
	if (!r) {
		r = h->pages.map(h->pages.ctx, want);
		if (!r && h->spares) {
			drop_spares(h);
			r = h->pages.map(h->pages.ctx, want);
		}
		if (r)
			r->size = want;
	}
	return r;
}

/* ---- arenas ------------------------------------------------------------ */

static struct heap_block *first_block(struct heap_region *a)
{
	return at(a, sizeof(*a));
}

static struct heap_block *sentinel(struct heap_region *a)
{
	return at(a, a->size - HDR);
}

/* A new arena with room for a block of `need` bytes, its one free block
 * in the bins; NULL if there is no memory. */
static struct heap_block *grow(struct heap *h, size_t need)
{
	size_t want = round_up(need + ARENA_OVERHEAD, HEAP_PAGE);
	struct heap_region *a = get_region(h, want, h->next_arena);
	struct heap_block *end;

	if (!a)
		return NULL;
	if (h->next_arena < HEAP_ARENA_MAX)
		h->next_arena *= 2;
	region_push(&h->arenas, a, MAGIC_ARENA);
	end = sentinel(a);
	end->head = USED;
	end->check = (uintptr_t)end ^ MAGIC_USED;
	mark_free(h, first_block(a), a->size - ARENA_OVERHEAD);
	return first_block(a);
}

/* A region the heap no longer uses: a spare, unless the provider takes
 * its memory back whole (keep() says no). */
static void retire(struct heap *h, struct heap_region *r)
{
	if (h->pages.keep && !h->pages.keep(h->pages.ctx, r, r->size))
		h->pages.unmap(h->pages.ctx, r, r->size);
	else
		region_push(&h->spares, r, MAGIC_SPARE);
}

/* Retire the arena if its only block, b, is free and it is not the
 * heap's last arena. */
static void shrink(struct heap *h, struct heap_region *a, struct heap_block *b)
{
	if (b != first_block(a) || after(b) != sentinel(a) ||
	    (!a->next && !a->prev))
		return;
	bin_remove(h, b);
	region_unlink(&h->arenas, a);
	retire(h, a);
}

/* Free the block in use b (of arena a, if it may be the arena's last
 * block in use), merging it with its free neighbours. */
static void release(struct heap *h, struct heap_block *b, struct heap_region *a)
{
	size_t size = bsize(b);
	struct heap_block *next = after(b);

	b->check = (uintptr_t)b ^ MAGIC_FREE; /* a second free says so */
	if (!(next->head & USED)) {
		bin_remove(h, next);
		size += bsize(next);
	}
	if (!(b->head & PREV_USED)) {
		b = before(b);
		bin_remove(h, b);
		size += bsize(b);
	}
	mark_free(h, b, size);
	if (a)
		shrink(h, a, b);
}

/* A free block of at least `need` bytes, still in its bin, or NULL: the
 * first that fits in need's own class, else the first of a bigger one. */
static struct heap_block *find_fit(struct heap *h, size_t need)
{
	unsigned i = bin_of(need);

	for (struct heap_block *b = h->bins[i]; b; b = b->next) {
		if (bsize(b) >= need)
			return b;
	}
	for (i++; i < HEAP_BINS; i++) {
		if (h->bins[i])
			return h->bins[i];
	}
	return NULL;
}

/* The bytes of a block for `size` bytes of payload. */
static size_t block_need(size_t size)
{
	size_t need = round_up(size + HDR, HEAP_ALIGN);

	return need < MIN_BLOCK ? MIN_BLOCK : need;
}

static void *alloc_small(struct heap *h, size_t size, size_t align)
{
	size_t need = block_need(size);
	size_t search = align > HEAP_ALIGN ? need + align + MIN_BLOCK : need;
	struct heap_block *b = find_fit(h, search);
	uintptr_t p;

	if (!b)
		b = grow(h, search);
	if (!b)
		return NULL;
	bin_remove(h, b);
	p = round_up((uintptr_t)b + HDR, align);
	if (p != (uintptr_t)b + HDR) {
		/* Free the bytes before the aligned block: at least a block's
		 * worth, so that they can be one. */
		size_t gap = p - HDR - (uintptr_t)b, total = bsize(b);
		struct heap_block *nb;

		if (gap < MIN_BLOCK)
			gap += align;
		nb = at(b, gap);
		nb->head = (total - gap) | USED;
		mark_free(h, b, gap);
		b = nb;
	}
	carve(h, b, need);
	return (char *)b + HDR;
}

/* ---- large mappings ---------------------------------------------------- */

static void *alloc_large(struct heap *h, size_t size, size_t align)
{
	size_t bytes = round_up(sizeof(struct heap_region) + HDR + align + size,
				HEAP_PAGE);
	struct heap_region *l = get_region(h, bytes, bytes);
	struct heap_block *b;
	char *p;

	if (!l)
		return NULL;
	region_push(&h->large, l, MAGIC_LARGE);
	p = (char *)round_up((uintptr_t)l + sizeof(*l) + HDR, align);
	b = header(p);
	b->head = ((uintptr_t)l + l->size - (uintptr_t)b) | USED | LARGE;
	b->check = (uintptr_t)b ^ MAGIC_USED;
	return p;
}

static void free_large(struct heap *h, struct heap_region *l)
{
	region_unlink(&h->large, l);
	retire(h, l);
}

/* ---- checking a pointer ------------------------------------------------ */

/* Where a block in use lives: an arena or a large mapping. */
struct place {
	struct heap_block *b;
	struct heap_region *arena;
	struct heap_region *large;
};

/* Does the block in use b, in arena a, have sane neighbours? */
static bool neighbours_sane(struct heap_region *a, struct heap_block *b)
{
	struct heap_block *next, *prev;

	if (bsize(b) < MIN_BLOCK ||
	    bsize(b) > (uintptr_t)sentinel(a) - (uintptr_t)b)
		return false;
	next = after(b);
	if (!(next->head & PREV_USED) ||
	    !is(next, next->head & USED ? MAGIC_USED : MAGIC_FREE))
		return false;
	if (b->head & PREV_USED)
		return true;
	prev = before(b);
	return (uintptr_t)prev >= (uintptr_t)first_block(a) &&
	       (uintptr_t)prev < (uintptr_t)b && is(prev, MAGIC_FREE) &&
	       after(prev) == b;
}

/* The region of `list` that holds v, or NULL. */
static struct heap_region *region_of(struct heap_region *list, uintptr_t v)
{
	for (struct heap_region *r = list; r; r = r->next) {
		if (region_holds(r, v))
			return r;
	}
	return NULL;
}

/* The large block at p: HEAP_OK if its header is the one alloc_large()
 * wrote, reaching to the end of l. */
static enum heap_status check_large(struct heap_region *l, struct heap_block *b)
{
	if (!(b->head & LARGE) || (uintptr_t)after(b) != (uintptr_t)l + l->size)
		return HEAP_E_FOREIGN;
	return HEAP_OK;
}

/* Find the block in use whose pointer is p: HEAP_OK and *where, or why
 * p is not one. A pointer into a spare (a freed large block, or an arena
 * given up when its last block was freed) is a double free. */
static enum heap_status locate(const struct heap *h, const void *p,
			       struct place *where)
{
	uintptr_t v = (uintptr_t)p;
	struct heap_block *b = header(p);

	*where = (struct place){.b = b};
	if (v % HEAP_ALIGN || v - HDR < HDR)
		return HEAP_E_FOREIGN;
	where->arena = region_of(h->arenas, v - HDR);
	if (where->arena && v >= (uintptr_t)sentinel(where->arena))
		where->arena = NULL; /* the sentinel is no block */
	if (!where->arena)
		where->large = region_of(h->large, v - HDR);
	if (!where->arena && !where->large)
		return region_of(h->spares, v) ? HEAP_E_DOUBLE_FREE
					       : HEAP_E_FOREIGN;
	if (is(b, MAGIC_FREE)) /* possibly merged into the block before */
		return HEAP_E_DOUBLE_FREE;
	if (!is(b, MAGIC_USED) || !(b->head & USED))
		return HEAP_E_FOREIGN;
	if (where->large)
		return check_large(where->large, b);
	if (b->head & LARGE)
		return HEAP_E_FOREIGN;
	return neighbours_sane(where->arena, b) ? HEAP_OK : HEAP_E_CORRUPT;
}

/* ---- the interface ----------------------------------------------------- */

void heap_init(struct heap *h, const struct heap_pages *pages)
{
	*h = (struct heap){.pages = *pages, .next_arena = HEAP_ARENA_MIN};
}

void *heap_alloc(struct heap *h, size_t size, size_t align)
{
	if ((align & (align - 1)) || align > HEAP_SIZE_MAX ||
	    size > HEAP_SIZE_MAX)
		return NULL;
	if (align < HEAP_ALIGN)
		align = HEAP_ALIGN;
	if (size >= HEAP_LARGE ||
	    (align > HEAP_ALIGN && size + align + MIN_BLOCK >= HEAP_LARGE))
		return alloc_large(h, size, align);
	return alloc_small(h, size, align);
}

enum heap_status heap_free(struct heap *h, void *p)
{
	struct place w;
	enum heap_status st;

	if (!p)
		return HEAP_OK;
	st = locate(h, p, &w);
	if (st != HEAP_OK)
		return st;
	if (w.large)
		free_large(h, w.large);
	else
		release(h, w.b, w.arena);
	return HEAP_OK;
}

/* Resize the arena block b in place if it can be: shrink it, or grow it
 * into the free block after it. */
static bool resize_in_place(struct heap *h, struct heap_block *b, size_t size)
{
	size_t need = block_need(size);
	struct heap_block *next = after(b);

	if (size >= HEAP_LARGE)
		return false;
	if (need > bsize(b)) {
		if ((next->head & USED) || bsize(b) + bsize(next) < need)
			return false;
		bin_remove(h, next);
		mark_used(b, bsize(b) + bsize(next));
	}
	carve(h, b, need);
	return true;
}

enum heap_status heap_realloc(struct heap *h, void *p, size_t size, void **out)
{
	struct place w;
	enum heap_status st;
	size_t usable;
	void *q;

	*out = NULL;
	if (!p) {
		*out = heap_alloc(h, size, HEAP_ALIGN);
		return *out ? HEAP_OK : HEAP_E_NO_MEMORY;
	}
	st = locate(h, p, &w);
	if (st != HEAP_OK)
		return st;
	if (size > HEAP_SIZE_MAX)
		return HEAP_E_NO_MEMORY;
	usable = bsize(w.b) - HDR;
	if ((w.large && size <= usable && size >= HEAP_LARGE / 2) ||
	    (w.arena && resize_in_place(h, w.b, size))) {
		*out = p;
		return HEAP_OK;
	}
	q = heap_alloc(h, size, HEAP_ALIGN);
	if (!q)
		return HEAP_E_NO_MEMORY;
	memcpy(q, p, usable < size ? usable : size);
	heap_free(h, p);
	*out = q;
	return HEAP_OK;
}

size_t heap_usable(const struct heap *h, const void *p)
{
	struct place w;

	if (!p || locate(h, p, &w) != HEAP_OK)
		return 0;
	return bsize(w.b) - HDR;
}

const char *heap_status_text(enum heap_status st)
{
	if ((unsigned)st >= sizeof(status_text) / sizeof(status_text[0]))
		return "unknown heap status";
	return status_text[st];
}

/* ---- checks and statistics --------------------------------------------- */

/* Walk arena a's blocks: NULL if they are consistent; counts into *s. */
static const char *check_arena(struct heap_region *a, struct heap_stats *s)
{
	struct heap_block *b = first_block(a), *end = sentinel(a);
	bool prev_used = true;

	if (end->head != (USED | (end->head & PREV_USED)) ||
	    !is(end, MAGIC_USED))
		return "an arena's sentinel is damaged";
	while (b != end) {
		bool used = b->head & USED;

		if (bsize(b) < MIN_BLOCK || bsize(b) % HEAP_ALIGN ||
		    bsize(b) > (uintptr_t)end - (uintptr_t)b)
			return "a block's size is wrong";
		if (!is(b, used ? MAGIC_USED : MAGIC_FREE) || (b->head & LARGE))
			return "a block's check word is wrong";
		if (!!(b->head & PREV_USED) != prev_used)
			return "a block's PREV_USED flag is wrong";
		if (!used && !prev_used)
			return "two free blocks are neighbours";
		if (!used && *footer(b) != bsize(b))
			return "a free block's footer is wrong";
		if (used) {
			s->used_blocks++;
		} else {
			s->free_blocks++;
			s->free_bytes += bsize(b);
		}
		prev_used = used;
		b = after(b);
	}
	if (!!(end->head & PREV_USED) != prev_used)
		return "the sentinel's PREV_USED flag is wrong";
	return NULL;
}

static bool in_arenas(const struct heap *h, const struct heap_block *b)
{
	for (struct heap_region *a = h->arenas; a; a = a->next) {
		if ((uintptr_t)b >= (uintptr_t)first_block(a) &&
		    (uintptr_t)b < (uintptr_t)sentinel(a))
			return true;
	}
	return false;
}

/* The bins: every block free, in its class, linked both ways. */
static const char *check_bins(const struct heap *h, size_t free_blocks)
{
	size_t n = 0;

	for (unsigned i = 0; i < HEAP_BINS; i++) {
		const struct heap_block *prev = NULL;

		for (struct heap_block *b = h->bins[i]; b; b = b->next) {
			if (!in_arenas(h, b) || (b->head & USED) ||
			    !is(b, MAGIC_FREE))
				return "a bin holds a block that is not free";
			if (bin_of(bsize(b)) != i)
				return "a free block is in the wrong bin";
			if (b->prev != prev)
				return "a bin's back link is wrong";
			if (++n > free_blocks)
				return "the bins hold more blocks than are "
				       "free";
			prev = b;
		}
	}
	return n == free_blocks ? NULL : "a free block is in no bin";
}

/* Each region of `list`: its check word; counts into *n and *bytes. */
static bool check_list(const struct heap_region *list, uintptr_t magic,
		       size_t *n, size_t *bytes)
{
	for (const struct heap_region *r = list; r; r = r->next) {
		if (r->check != ((uintptr_t)r ^ magic) || r->size % HEAP_PAGE ||
		    (r->next && r->next->prev != r))
			return false;
		(*n)++;
		*bytes += r->size;
	}
	return true;
}

static const char *walk(const struct heap *h, struct heap_stats *s)
{
	size_t bytes = 0;
	const char *why;

	*s = (struct heap_stats){0};
	if (!check_list(h->arenas, MAGIC_ARENA, &s->arenas, &bytes))
		return "an arena's header is damaged";
	if (!check_list(h->large, MAGIC_LARGE, &s->large, &bytes))
		return "a large mapping's header is damaged";
	if (!check_list(h->spares, MAGIC_SPARE, &s->spares, &s->spare_bytes))
		return "a spare's header is damaged";
	s->mapped = bytes + s->spare_bytes;
	for (struct heap_region *a = h->arenas; a; a = a->next) {
		why = check_arena(a, s);
		if (why)
			return why;
	}
	s->used_blocks += s->large;
	return check_bins(h, s->free_blocks);
}

const char *heap_check(const struct heap *h)
{
	struct heap_stats s;

	return walk(h, &s);
}

void heap_stats(const struct heap *h, struct heap_stats *s)
{
	walk(h, s);
}

void heap_trim(struct heap *h)
{
	drop_spares(h);
}
