/*
 * init's memory (docs/system.md, "Memory"): what it keeps for itself, and
 * the rest, which it lends on demand to the servers whose manifest line
 * says `borrow=`.
 *
 * At start every RAM untyped block that nothing is made from yet becomes
 * a root of a buddy pool (pith/pool.h). init takes one block of the pool
 * for its own small objects (its endpoints; the servers' pages, paging
 * structures, threads and address spaces) and allocates from it one
 * object after another; when that runs out it takes another block. A
 * server's CNode and its untyped memory (memory=) have power-of-two
 * sizes: each is made from a block of the pool of exactly its size, so
 * that nothing is lost to alignment, and goes back to the pool when the
 * server is stopped. Everything else stays in the pool, free.
 *
 * A loan is a block of the pool: never a piece cut from one of init's
 * own blocks, whose memory the kernel would not free while anything
 * else made from that block lives (an untyped's watermark goes back to
 * 0 only when nothing derived from it is left). init retypes the block
 * it took into one untyped of the same size straight into the
 * borrower's CNode: an untyped capability is never copied, so it cannot
 * travel in a message. init keeps the block itself; revoking it takes
 * back the borrower's untyped and everything made from it, wherever the
 * borrower keeps them, and the block is whole and free again. That is
 * how a loan ends: given back, or its borrower gone.
 */
#include "init.h"

#include "pith/pool.h"

#define OWN_FIRST_BITS 21 /* 2 MiB: init's objects and the servers */
#define OWN_GROW_BITS  20 /* 1 MiB more when that is full */
#define OWN_MIN_BITS   16 /* smaller blocks are not worth a try */
#define OWN_MAX	       64
#define LOANS_MAX      128

struct loan {
	bool used;
	unsigned server;   /* the borrower's index */
	uint64_t slot;	   /* in the borrower's CNode */
	pith_cptr_t block; /* init's block of the pool */
	unsigned bits;
};

static struct pith_pool pool;
static pith_cptr_t own[OWN_MAX]; /* untyped blocks init allocates from */
static unsigned nown;
static uint64_t servers_bytes; /* in blocks taken for servers' objects */
static struct loan loans[LOANS_MAX];

/* ---- init's own memory ------------------------------------------------- */

/* Take a block of at most 2^bits bytes from the pool for init's own
 * objects; false if there is none of at least 2^OWN_MIN_BITS. */
static bool take_own(unsigned bits)
{
	uint64_t block;

	if (nown == OWN_MAX)
		return false;
	for (; bits >= OWN_MIN_BITS; bits--) {
		if (pith_pool_take(&pool, bits, &block) != PITH_POOL_OK)
			continue;
		own[nown++] = block;
		return pith_alloc_use_untyped(own, nown) == PITH_OK;
	}
	return false;
}

bool memory_setup(void)
{
	const struct pith_bootinfo *bi = pith_bootinfo;

	pith_pool_init(&pool, &pith_pool_kernel_ops, NULL);
	for (uint32_t i = 0;
	     i < bi->untyped_count && bi->untyped.start + i < bi->untyped.end;
	     i++) {
		pith_cptr_t ut = bi->untyped.start + i;
		uint64_t paddr, bits, watermark = 1, device;

		if (bi->untyped_list[i].device)
			continue;
		pith_untyped_describe(ut, &paddr, &bits, &watermark, &device);
		if (watermark == 0 &&
		    pith_pool_add(&pool, ut, bi->untyped_list[i].size_bits) ==
			    PITH_POOL_OK)
			continue;
		/* A block something is made from already (or one the pool
		 * has no room for) stays init's own. */
		if (nown < OWN_MAX)
			own[nown++] = ut;
	}
	return take_own(OWN_FIRST_BITS);
}

bool memory_grow(void)
{
	return take_own(OWN_GROW_BITS);
}

/* ---- servers' blocks --------------------------------------------------- */

pith_cptr_t memory_take(unsigned bits)
{
	uint64_t block;

	if (pith_pool_take(&pool, bits, &block) != PITH_POOL_OK)
		return 0;
	servers_bytes += 1ULL << bits;
	return block;
}

void memory_give(pith_cptr_t block)
{
	uint64_t paddr, bits = 0, watermark, device;

	if (!block)
		return;
	pith_untyped_describe(block, &paddr, &bits, &watermark, &device);
	pith_cnode_revoke(PITH_SLOT_CNODE, block, PITH_SLOT_DEPTH);
	if (pith_pool_give(&pool, block))
		servers_bytes -= 1ULL << bits;
}

/* ---- loans ------------------------------------------------------------- */

uint64_t memory_held(unsigned server)
{
	uint64_t bytes = 0;

	for (unsigned i = 0; i < LOANS_MAX; i++)
		if (loans[i].used && loans[i].server == server)
			bytes += 1ULL << loans[i].bits;
	return bytes;
}

enum pith_error memory_lend(const struct server *s, unsigned bits,
			    uint64_t slot)
{
	struct loan *l = NULL;
	uint64_t block;
	enum pith_error err;

	if (!s->m->borrow)
		return PITH_E_MISSING_RIGHTS;
	if (bits < PITH_POOL_MIN_BITS || bits > PITH_POOL_MAX_BITS)
		return PITH_E_RANGE;
	if (s->state != SERVER_RUNNING)
		return PITH_E_ILLEGAL_OPERATION;
	if ((1ULL << bits) > s->m->borrow ||
	    memory_held(s->index) > s->m->borrow - (1ULL << bits))
		return PITH_E_NOT_ENOUGH_MEMORY; /* over its limit */
	for (unsigned i = 0; i < LOANS_MAX && !l; i++)
		if (!loans[i].used)
			l = &loans[i];
	if (!l)
		return PITH_E_EXHAUSTED;
	if (pith_pool_take(&pool, bits, &block) != PITH_POOL_OK)
		return PITH_E_NOT_ENOUGH_MEMORY;
	/* The borrower's untyped, a child of the block, in its CNode. */
	err = pith_untyped_retype(block, PITH_SLOT_CNODE, PITH_OBJ_UNTYPED,
				  bits, s->proc.cnode, PITH_SLOT_DEPTH, slot,
				  1);
	if (err != PITH_OK) {
		pith_pool_give(&pool, block);
		return err;
	}
	*l = (struct loan){.used = true,
			   .server = s->index,
			   .slot = slot,
			   .block = block,
			   .bits = bits};
	return PITH_OK;
}

/* End a loan: whatever was made from the block goes, and the block goes
 * back to the pool. */
static void end_loan(struct loan *l)
{
	pith_cnode_revoke(PITH_SLOT_CNODE, l->block, PITH_SLOT_DEPTH);
	pith_pool_give(&pool, l->block);
	*l = (struct loan){0};
}

enum pith_error memory_give_back(const struct server *s, uint64_t slot)
{
	if (!s->m->borrow)
		return PITH_E_MISSING_RIGHTS;
	for (unsigned i = 0; i < LOANS_MAX; i++) {
		if (loans[i].used && loans[i].server == s->index &&
		    loans[i].slot == slot) {
			end_loan(&loans[i]);
			return PITH_OK;
		}
	}
	return PITH_E_INVALID_ARGUMENT; /* nothing lent to it there */
}

void memory_reclaim(const struct server *s)
{
	for (unsigned i = 0; i < LOANS_MAX; i++)
		if (loans[i].used && loans[i].server == s->index)
			end_loan(&loans[i]);
}

/* ---- the figures ------------------------------------------------------- */

void memory_figures(uint64_t *total, uint64_t *kernel, uint64_t *used,
		    uint64_t *available)
{
	const struct pith_bootinfo *bi = pith_bootinfo;
	uint64_t ram = 0, use = 0;

	for (uint32_t i = 0; i < bi->untyped_count; i++)
		if (!bi->untyped_list[i].device)
			ram += 1ULL << bi->untyped_list[i].size_bits;
	/* init's own blocks: up to their watermarks (the kernel frees
	 * nothing below one while anything made from the block lives) */
	for (unsigned i = 0; i < nown; i++) {
		uint64_t paddr, bits, watermark = 0, device;

		pith_untyped_describe(own[i], &paddr, &bits, &watermark,
				      &device);
		use += watermark;
	}
	/* blocks of servers' objects and blocks lent, whole; the rest of
	 * the pool is free */
	use += servers_bytes;
	for (unsigned i = 0; i < LOANS_MAX; i++)
		if (loans[i].used)
			use += 1ULL << loans[i].bits;
	/* The initrd's frames are RAM the kernel did not make untyped. */
	*kernel = bi->kernel_bytes;
	*used = use + ((bi->initrd_size + 4095) & ~4095ULL);
	*available = ram - use;
	*total = *kernel + *used + *available;
}
