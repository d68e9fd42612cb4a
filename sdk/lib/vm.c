/*
 * The program's own address space (pith/vm.h).
 *
 * The region's mappings are one array sorted by address; it is also the
 * record of which virtual addresses are free (the gaps) and of which
 * frame capabilities map each page, so that unmapping needs only an
 * address. Each mapping's frames sit in consecutive slots.
 *
 * Paging structures are found missing rather than tracked: Frame.Map
 * reports the level that is missing (PITH_E_NOT_MAPPED, detail 1-3), and
 * pith_vm_map_at() makes that level and tries again.
 */
#include "pith/vm.h"

#include <stdbool.h>

#include "lib/string.h"
#include "pith/alloc.h"
#include "pith/pith.h"

#define LEVELS 3 /* paging structures below the VSpace */

struct mapping {
	uint64_t start;	    /* first address reserved: the guard, if any */
	uint64_t va;	    /* first mapped page */
	uint64_t pages;	    /* mapped pages, from va */
	pith_cptr_t frames; /* the first of `pages` consecutive slots */
	bool owned;	    /* the frames were made here: delete on unmap */
};

static struct mapping maps[PITH_VM_MAPPINGS_MAX];
static unsigned nmaps;

static uint64_t map_end(const struct mapping *m)
{
	return m->va + m->pages * PITH_PAGE_SIZE;
}

/* The index of the mapping containing va, or -1. */
static int find(uint64_t va)
{
	for (unsigned i = 0; i < nmaps; i++) {
		if (va >= maps[i].start && va < map_end(&maps[i]))
			return (int)i;
	}
	return -1;
}

/* Reserve room for `guard` unmapped pages and `pages` pages after them:
 * the first gap that fits. */
static enum pith_error reserve(uint64_t pages, uint64_t guard, int *at)
{
	const uint64_t limit = PITH_VM_SIZE / PITH_PAGE_SIZE;
	uint64_t start = PITH_VM_BASE, need;
	unsigned i = 0;

	if (pages == 0 || pages > limit || guard > limit - pages)
		return PITH_E_INVALID_ARGUMENT;
	if (nmaps == PITH_VM_MAPPINGS_MAX)
		return PITH_E_EXHAUSTED;
	need = (pages + guard) * PITH_PAGE_SIZE;
	for (; i < nmaps && maps[i].start - start < need; i++)
		start = map_end(&maps[i]);
	if (PITH_VM_BASE + PITH_VM_SIZE - start < need)
		return PITH_E_EXHAUSTED;
	memmove(&maps[i + 1], &maps[i], (nmaps - i) * sizeof(maps[0]));
	nmaps++;
	maps[i] = (struct mapping){
		.start = start,
		.va = start + guard * PITH_PAGE_SIZE,
		.pages = pages,
	};
	*at = (int)i;
	return PITH_OK;
}

static void forget(int i)
{
	memmove(&maps[i], &maps[i + 1],
		(nmaps - (unsigned)i - 1) * sizeof(maps[0]));
	nmaps--;
}

static void unmap_frames(pith_cptr_t first, uint64_t n)
{
	for (uint64_t k = 0; k < n; k++)
		pith_frame_unmap(first + k);
}

/* Map `pages` frames from slot `first` at a new place of the region,
 * after `guard` unmapped pages. On an error nothing stays mapped (the
 * frames are the caller's to free). */
static enum pith_error place(pith_cptr_t first, uint64_t pages, uint64_t guard,
			     uint64_t rights, bool owned, uint64_t *va)
{
	int i;
	enum pith_error err = reserve(pages, guard, &i);

	*va = 0;
	if (err != PITH_OK)
		return err;
	maps[i].frames = first;
	maps[i].owned = owned;
	for (uint64_t k = 0; k < pages; k++) {
		err = pith_vm_map_at(PITH_SLOT_VSPACE, first + k,
				     maps[i].va + k * PITH_PAGE_SIZE, rights,
				     NULL); /* the tables stay: the region's */
		if (err != PITH_OK) {
			unmap_frames(first, k);
			forget(i);
			return err;
		}
	}
	*va = maps[i].va;
	return PITH_OK;
}

/* New frames in consecutive slots, mapped after `guard` pages. */
static enum pith_error map_new(uint64_t pages, uint64_t guard, uint64_t rights,
			       uint64_t *va)
{
	pith_cptr_t first;
	enum pith_error err;

	*va = 0;
	if (pages == 0)
		return PITH_E_INVALID_ARGUMENT;
	err = pith_slots_alloc(pages, &first);
	for (uint64_t k = 0; err == PITH_OK && k < pages; k++)
		err = pith_alloc_object_into(PITH_OBJ_FRAME_4K, 0,
					     PITH_SLOT_CNODE, first + k);
	if (err == PITH_OK)
		err = place(first, pages, guard, rights, true, va);
	if (err != PITH_OK)
		pith_slots_free(first, pages);
	return err;
}

enum pith_error pith_vm_map_new(uint64_t pages, uint64_t rights, uint64_t *va)
{
	return map_new(pages, 0, rights, va);
}

enum pith_error pith_vm_map_stack(uint64_t pages, uint64_t *top)
{
	uint64_t va;
	enum pith_error err =
		map_new(pages, 1, PITH_RIGHT_READ | PITH_RIGHT_WRITE, &va);

	*top = err == PITH_OK ? va + pages * PITH_PAGE_SIZE : 0;
	return err;
}

enum pith_error pith_vm_map_frame(pith_cptr_t frame, uint64_t rights,
				  uint64_t *va)
{
	pith_cptr_t copy;
	enum pith_error err = pith_cap_copy(frame, PITH_RIGHTS_ALL, &copy);

	*va = 0;
	if (err == PITH_OK)
		err = place(copy, 1, 0, rights, true, va);
	if (err != PITH_OK)
		pith_slot_free(copy);
	return err;
}

enum pith_error pith_vm_map_frames(pith_cptr_t first, uint64_t count,
				   uint64_t rights, uint64_t *va)
{
	return place(first, count, 0, rights, false, va);
}

enum pith_error pith_vm_unmap(uint64_t va)
{
	int i = find(va);

	if (i < 0)
		return PITH_E_NOT_MAPPED;
	unmap_frames(maps[i].frames, maps[i].pages);
	if (maps[i].owned)
		pith_slots_free(maps[i].frames, maps[i].pages);
	forget(i);
	return PITH_OK;
}

pith_cptr_t pith_vm_frame(uint64_t va)
{
	int i = find(va);

	if (i < 0 || va < maps[i].va)
		return 0; /* not in the region, or a guard page */
	return maps[i].frames + (va - maps[i].va) / PITH_PAGE_SIZE;
}

/* ---- any address space ------------------------------------------------- */

/* Frame.Map, keeping the error's detail (the missing level). */
static enum pith_error frame_map(pith_cptr_t frame, pith_cptr_t vspace,
				 uint64_t va, uint64_t rights, uint64_t *detail)
{
	uint64_t mr[PITH_MSG_REGISTER_WORDS] = {va, rights, 0, 0};
	enum pith_error err =
		pith_invoke(frame, PITH_INV_FRAME_MAP, mr, 3, &vspace, 1, 0);

	*detail = mr[0];
	return err;
}

static enum pith_error table_map(uint64_t level, pith_cptr_t table,
				 pith_cptr_t vspace, uint64_t va)
{
	switch (level) {
	case 1:
		return pith_page_table_map(table, vspace, va);
	case 2:
		return pith_page_directory_map(table, vspace, va);
	default:
		return pith_pdpt_map(table, vspace, va);
	}
}

/* Make the paging structure of `level` (1 page table, 2 page directory,
 * 3 PDPT) that covers va, and map it. */
static enum pith_error add_table(pith_cptr_t vspace, uint64_t va,
				 uint64_t level, struct pith_vm_tables *made)
{
	static const uint64_t type[LEVELS + 1] = {
		0, PITH_OBJ_PAGE_TABLE, PITH_OBJ_PAGE_DIRECTORY, PITH_OBJ_PDPT};
	pith_cptr_t t;
	enum pith_error err;

	if (level < 1 || level > LEVELS)
		return PITH_E_NOT_MAPPED; /* not a level: pass it on */
	err = pith_alloc_object(type[level], 0, &t);
	if (err == PITH_OK)
		err = table_map(level, t, vspace, va);
	if (err != PITH_OK) {
		pith_slot_free(t);
		return err;
	}
	if (made && made->count < LEVELS)
		made->slot[made->count++] = t;
	return PITH_OK;
}

enum pith_error pith_vm_map_at(pith_cptr_t vspace, pith_cptr_t frame,
			       uint64_t va, uint64_t rights,
			       struct pith_vm_tables *made)
{
	enum pith_error err;
	uint64_t level;

	if (made)
		made->count = 0;
	/* Each try can find one more level missing, at most all three. */
	for (unsigned tries = 0;; tries++) {
		err = frame_map(frame, vspace, va, rights, &level);
		if (err != PITH_E_NOT_MAPPED || tries == LEVELS)
			return err;
		err = add_table(vspace, va, level, made);
		if (err != PITH_OK)
			return err;
	}
}
