/*
 * A buddy allocator of untyped blocks, for a program that hands memory
 * on: procmgr to the programs it starts, init to the servers that
 * borrow from it (docs/sdk.md, "Memory to hand on").
 *
 * The kernel frees an untyped block's memory only once nothing made from
 * it is left (its watermark goes back to 0), so memory handed out piece
 * by piece from one block would not come back while any piece lives.
 * Instead every taker gets blocks of its own: a free block twice the
 * size wanted is split into two halves (one retype of two untyped
 * objects), and two free halves are joined again by deleting them, which
 * frees their parent. What a taker makes all comes from its blocks, so
 * once it is gone its blocks are empty and go back whole.
 *
 * Pure logic over two operations the caller supplies (the kernel's in a
 * program, a model in tests/host/test_pool.c), so it is tested on the
 * host. Not thread-safe: one thread uses a pool at a time.
 */
#ifndef PITH_POOL_H
#define PITH_POOL_H

#include <stdbool.h>
#include <stdint.h>

#define PITH_POOL_BLOCKS_MAX 256 /* blocks known at once: roots and halves */
#define PITH_POOL_MIN_BITS   12	 /* 4 KiB: the smallest block */
#define PITH_POOL_MAX_BITS   47	 /* the largest untyped the kernel makes */

enum pith_pool_error {
	PITH_POOL_OK,
	PITH_POOL_E_NO_MEMORY, /* no free block large enough */
	PITH_POOL_E_TABLE,     /* PITH_POOL_BLOCKS_MAX blocks in use */
	PITH_POOL_E_SPLIT,     /* the split operation failed */
	PITH_POOL_E_RANGE,     /* a size out of range */
	PITH_POOL_E_NOT_FOUND, /* no root of the pool is that block */
	PITH_POOL_E_BUSY,      /* the root is not wholly free */
};

struct pith_pool_ops {
	/* Split the untyped block `cap` of 2^bits bytes into two halves,
	 * *lo (its first half) and *hi; false if that failed (nothing is
	 * left made). */
	bool (*split)(void *ctx, uint64_t cap, unsigned bits, uint64_t *lo,
		      uint64_t *hi);
	/* Delete one half of a split block (both halves are deleted, one
	 * after the other, when they are free: their parent is then whole
	 * again). */
	void (*join)(void *ctx, uint64_t cap);
};

enum pith_pool_block_state {
	PITH_POOL_UNUSED, /* the table entry is free */
	PITH_POOL_FREE,
	PITH_POOL_TAKEN,
	PITH_POOL_SPLIT, /* its halves are other entries */
};

struct pith_pool_block {
	uint64_t cap;
	uint8_t bits;
	uint8_t state;	/* enum pith_pool_block_state */
	int16_t parent; /* entry of the block it is a half of; -1: a root */
};

struct pith_pool {
	const struct pith_pool_ops *ops;
	void *ctx;
	struct pith_pool_block b[PITH_POOL_BLOCKS_MAX];
	uint64_t total; /* bytes of the roots */
	uint64_t free;	/* bytes in free blocks */
};

void pith_pool_init(struct pith_pool *p, const struct pith_pool_ops *ops,
		    void *ctx);

/* The operations on real untyped capabilities in the caller's CSpace
 * (sdk/lib/pool_ops.c): a split retypes the block into two halves in two
 * new slots; a join deletes a half and frees its slot. ctx is unused. */
extern const struct pith_pool_ops pith_pool_kernel_ops;

/* Give the pool a root: an untyped block of 2^bits bytes with nothing
 * made from it. */
enum pith_pool_error pith_pool_add(struct pith_pool *p, uint64_t cap,
				   unsigned bits);

/* A block of 2^bits bytes (at least PITH_POOL_MIN_BITS) for the caller
 * alone: the smallest free block that is large enough, split down to
 * size. */
enum pith_pool_error pith_pool_take(struct pith_pool *p, unsigned bits,
				    uint64_t *cap);

/* Give back a block from pith_pool_take() (the caller has deleted
 * everything made from it); it joins its free twin, and so on up. false
 * if `cap` is not a block taken from the pool. */
bool pith_pool_give(struct pith_pool *p, uint64_t cap);

/* Take the root `cap` out of the pool, to hand it back to whoever lent
 * it: only a root that is wholly free (not split, not taken) leaves.
 * PITH_POOL_E_NOT_FOUND if `cap` is no root of the pool (a half is not),
 * PITH_POOL_E_BUSY if the root or a part of it is taken. */
enum pith_pool_error pith_pool_remove(struct pith_pool *p, uint64_t cap);

/* The largest block pith_pool_take() could give now (0: none). */
unsigned pith_pool_largest(const struct pith_pool *p);

#endif
