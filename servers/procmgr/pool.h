/*
 * procmgr's memory for programs: a buddy allocator of untyped blocks.
 *
 * The kernel frees an untyped block's memory only once nothing made from
 * it is left (its watermark goes back to 0), so memory handed out piece
 * by piece from one block would not come back while any piece lives.
 * Instead every program gets blocks of its own: a free block twice the
 * size wanted is split into two halves (one retype of two untyped
 * objects), and two free halves are joined again by deleting them, which
 * frees their parent. A program's objects all come from its blocks, so
 * when it is destroyed its blocks are empty and go back whole.
 *
 * Pure logic over two operations the caller supplies (the kernel's in
 * procmgr, a fake in tests/host/test_procmgr_pool.c), so it is tested on
 * the host.
 */
#ifndef PROCMGR_POOL_H
#define PROCMGR_POOL_H

#include <stdbool.h>
#include <stdint.h>

#define POOL_BLOCKS_MAX 256 /* blocks known at once: roots and halves */
#define POOL_MIN_BITS	12  /* 4 KiB: the smallest block */
#define POOL_MAX_BITS	47  /* the largest untyped the kernel makes */

enum pool_error {
	POOL_OK,
	POOL_E_NO_MEMORY, /* no free block large enough */
	POOL_E_TABLE,	  /* POOL_BLOCKS_MAX blocks in use */
	POOL_E_SPLIT,	  /* the split operation failed */
	POOL_E_RANGE,	  /* a size out of range */
};

struct pool_ops {
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

enum pool_block_state {
	POOL_UNUSED, /* the table entry is free */
	POOL_FREE,
	POOL_TAKEN,
	POOL_SPLIT, /* its halves are other entries */
};

struct pool_block {
	uint64_t cap;
	uint8_t bits;
	uint8_t state;	/* enum pool_block_state */
	int16_t parent; /* entry of the block it is a half of; -1: a root */
};

struct pool {
	const struct pool_ops *ops;
	void *ctx;
	struct pool_block b[POOL_BLOCKS_MAX];
	uint64_t total; /* bytes of the roots */
	uint64_t free;	/* bytes in free blocks */
};

void pool_init(struct pool *p, const struct pool_ops *ops, void *ctx);

/* Give the pool an untyped block of 2^bits bytes with nothing made from
 * it. */
enum pool_error pool_add(struct pool *p, uint64_t cap, unsigned bits);

/* A block of 2^bits bytes (at least POOL_MIN_BITS) for the caller alone:
 * the smallest free block that is large enough, split down to size. */
enum pool_error pool_take(struct pool *p, unsigned bits, uint64_t *cap);

/* Give back a block from pool_take() (the caller has deleted everything
 * made from it); it joins its free twin, and so on up. false if `cap`
 * is not a block taken from the pool. */
bool pool_give(struct pool *p, uint64_t cap);

/* The largest block pool_take() could give now (0: none). */
unsigned pool_largest(const struct pool *p);

#endif
