/*
 * The slot and object allocators (pith/alloc.h).
 *
 * Free slots are a bitmap over the managed range, searched first fit from
 * the lowest slot that may be free, so freed slots are used again before
 * new ones. Objects are retyped from a list of untyped capabilities, from
 * the one that last had room; a block is never marked full for good,
 * since deleting what was made from it frees it again (the kernel resets
 * an untyped's watermark once nothing made from it is left).
 */
#include "pith/alloc.h"

#include <stdbool.h>

#include "lib/string.h"
#include "pith/pith.h"

#define WORD_BITS 64

static struct {
	bool ready;
	uint64_t base;	/* the first managed slot */
	uint64_t count; /* managed slots, from base */
	uint64_t nfree;
	uint64_t hint; /* no slot below base + hint is free */
	uint64_t used[PITH_ALLOC_SLOTS_MAX / WORD_BITS];
	pith_cptr_t untyped[PITH_ALLOC_UNTYPED_MAX];
	unsigned nuntyped;
	unsigned current; /* the untyped that last had room */
} a;

/* ---- set-up ---------------------------------------------------------- */

static void set_slots(struct pith_slot_range r)
{
	uint64_t n = r.end > r.start ? r.end - r.start : 0;

	a.base = r.start;
	a.count = n < PITH_ALLOC_SLOTS_MAX ? n : PITH_ALLOC_SLOTS_MAX;
	a.nfree = a.count;
	a.hint = 0;
	memset(a.used, 0, sizeof(a.used));
}

static void add_untyped(pith_cptr_t ut)
{
	if (a.nuntyped < PITH_ALLOC_UNTYPED_MAX)
		a.untyped[a.nuntyped++] = ut;
}

/* What the program started with: the root task's boot info or a spawned
 * program's startinfo. A program with neither has nothing to allocate. */
static void setup(void)
{
	const struct pith_bootinfo *bi = pith_bootinfo;
	const struct pith_startinfo *si = pith_startinfo;

	if (a.ready)
		return;
	a.ready = true;
	if (bi) {
		set_slots(bi->empty);
		for (uint32_t i = 0; i < bi->untyped_count &&
				     bi->untyped.start + i < bi->untyped.end;
		     i++) {
			if (!bi->untyped_list[i].device)
				add_untyped(bi->untyped.start + i);
		}
	} else if (si) {
		set_slots(si->empty);
		for (uint64_t s = si->untyped.start; s < si->untyped.end; s++)
			add_untyped(s);
	}
}

/* ---- slots ------------------------------------------------------------- */

static bool is_used(uint64_t i)
{
	return a.used[i / WORD_BITS] >> (i % WORD_BITS) & 1;
}

static void mark(uint64_t i, uint64_t n, bool used)
{
	for (uint64_t k = i; k < i + n; k++) {
		if (used)
			a.used[k / WORD_BITS] |= 1ULL << (k % WORD_BITS);
		else
			a.used[k / WORD_BITS] &= ~(1ULL << (k % WORD_BITS));
	}
	if (used)
		a.nfree -= n;
	else
		a.nfree += n;
}

/* The first run of n free slots (index from base), or false. */
static bool find_run(uint64_t n, uint64_t *at)
{
	uint64_t i = a.hint;

	while (i + n <= a.count) {
		uint64_t k = i;

		while (k < i + n && !is_used(k))
			k++;
		if (k == i + n) {
			*at = i;
			return true;
		}
		i = k + 1; /* no run can include the used slot k */
	}
	return false;
}

enum pith_error pith_slots_alloc(uint64_t n, pith_cptr_t *first)
{
	uint64_t i;

	*first = 0;
	setup();
	if (n == 0)
		return PITH_E_INVALID_ARGUMENT;
	if (n > a.nfree || !find_run(n, &i))
		return PITH_E_EXHAUSTED;
	if (i == a.hint)
		a.hint = i + n;
	mark(i, n, true);
	*first = a.base + i;
	return PITH_OK;
}

enum pith_error pith_slot_alloc(pith_cptr_t *slot)
{
	return pith_slots_alloc(1, slot);
}

static bool managed(pith_cptr_t slot)
{
	return slot >= a.base && slot - a.base < a.count &&
	       is_used(slot - a.base);
}

/* Give back a slot known to be empty (a failed retype or copy). */
static void release(pith_cptr_t slot)
{
	if (!managed(slot))
		return;
	mark(slot - a.base, 1, false);
	if (slot - a.base < a.hint)
		a.hint = slot - a.base;
}

void pith_slot_free(pith_cptr_t slot)
{
	if (!managed(slot))
		return;
	pith_cnode_delete(PITH_SLOT_CNODE, slot, PITH_SLOT_DEPTH);
	release(slot);
}

void pith_slots_free(pith_cptr_t first, uint64_t n)
{
	for (uint64_t i = 0; first && i < n; i++)
		pith_slot_free(first + i);
}

uint64_t pith_slots_available(void)
{
	setup();
	return a.nfree;
}

/* ---- objects ----------------------------------------------------------- */

/* One object from untyped `ut` into slot `offset` of the CNode at
 * (index, depth) from the root CNode (depth 0: the root CNode itself). */
static enum pith_error retype(pith_cptr_t ut, uint64_t type, uint64_t bits,
			      uint64_t index, uint64_t depth, uint64_t offset)
{
	return pith_untyped_retype(ut, PITH_SLOT_CNODE, type, bits, index,
				   depth, offset, 1);
}

/* The same from whichever untyped has room, starting with the one that
 * had room last time. */
static enum pith_error retype_any(uint64_t type, uint64_t bits, uint64_t index,
				  uint64_t depth, uint64_t offset)
{
	setup();
	for (unsigned k = 0; k < a.nuntyped; k++) {
		unsigned i = (a.current + k) % a.nuntyped;
		enum pith_error err =
			retype(a.untyped[i], type, bits, index, depth, offset);

		if (err == PITH_OK)
			a.current = i;
		if (err != PITH_E_NOT_ENOUGH_MEMORY)
			return err;
	}
	return PITH_E_NOT_ENOUGH_MEMORY;
}

/* A slot just taken (0 if none was) holds a new object or copy if `err`
 * is PITH_OK: then it is the caller's, else it goes back. */
static enum pith_error settle(pith_cptr_t s, enum pith_error err,
			      pith_cptr_t *slot)
{
	*slot = err == PITH_OK ? s : 0;
	if (err != PITH_OK)
		release(s);
	return err;
}

/* A new slot with an object from `ut`, or from any untyped if ut is 0. */
static enum pith_error new_object(pith_cptr_t ut, uint64_t type, uint64_t bits,
				  pith_cptr_t *slot)
{
	pith_cptr_t s;
	enum pith_error err = pith_slot_alloc(&s);

	if (err == PITH_OK)
		err = ut ? retype(ut, type, bits, 0, 0, s)
			 : retype_any(type, bits, 0, 0, s);
	return settle(s, err, slot);
}

enum pith_error pith_alloc_object(uint64_t type, uint64_t size_bits,
				  pith_cptr_t *slot)
{
	return new_object(0, type, size_bits, slot);
}

enum pith_error pith_alloc_object_from(pith_cptr_t untyped, uint64_t type,
				       uint64_t size_bits, pith_cptr_t *slot)
{
	*slot = 0;
	if (!untyped)
		return PITH_E_INVALID_ARGUMENT;
	return new_object(untyped, type, size_bits, slot);
}

enum pith_error pith_alloc_object_into(uint64_t type, uint64_t size_bits,
				       pith_cptr_t cnode, uint64_t index)
{
	return retype_any(type, size_bits, cnode, PITH_SLOT_DEPTH, index);
}

enum pith_error pith_alloc_use_untyped(const pith_cptr_t *untyped, unsigned n)
{
	if (n > PITH_ALLOC_UNTYPED_MAX)
		return PITH_E_RANGE;
	setup(); /* the slots still come from the start-up range */
	a.nuntyped = 0;
	a.current = 0;
	for (unsigned i = 0; i < n; i++)
		add_untyped(untyped[i]);
	return PITH_OK;
}

enum pith_error pith_alloc_add_untyped(pith_cptr_t untyped)
{
	setup();
	if (a.nuntyped == PITH_ALLOC_UNTYPED_MAX)
		return PITH_E_RANGE;
	add_untyped(untyped);
	return PITH_OK;
}

unsigned pith_alloc_untyped(pith_cptr_t *untyped, unsigned max)
{
	setup();
	for (unsigned i = 0; i < a.nuntyped && i < max; i++)
		untyped[i] = a.untyped[i];
	return a.nuntyped;
}

/* ---- capabilities ------------------------------------------------------ */

enum pith_error pith_cap_mint(pith_cptr_t src, uint64_t rights, uint64_t badge,
			      pith_cptr_t *slot)
{
	pith_cptr_t s;
	enum pith_error err = pith_slot_alloc(&s);

	if (err == PITH_OK)
		err = pith_cnode_mint(PITH_SLOT_CNODE, PITH_SLOT_CNODE, s,
				      PITH_SLOT_DEPTH, src, PITH_SLOT_DEPTH,
				      rights, badge);
	return settle(s, err, slot);
}

enum pith_error pith_cap_copy(pith_cptr_t src, uint64_t rights,
			      pith_cptr_t *slot)
{
	return pith_cap_mint(src, rights, 0, slot);
}
