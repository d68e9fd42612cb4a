/*
 * ramfs's data pages beyond its own memory (docs/vfs.md, "ramfs"): with
 * init's capability and a manifest's `borrow=`, ramfs's heap borrows
 * from init when its own memory runs out (pith_heap_borrow(),
 * pith/heap.h), and ramfs takes data pages from the heap as files grow,
 * RUN_PAGES at a time. A run whose pages no file uses any more goes back
 * to the heap (grow_trim(), after whatever frees pages), and the heap
 * gives a borrowed run's memory back to init at once: ramfs holds what
 * its files need, not what they once needed.
 */
#include "grow.h"

#include <stdbool.h>
#include <stdlib.h>

#include "pith/alloc.h"
#include "pith/heap.h"
#include "pith/pith.h"

/* With the heap's headers, a run is one mapping of 256 KiB: one block
 * of memory borrowed from init, and 64 slots. */
#define RUN_PAGES  63
#define RUN_SLOTS  64
#define RUNS_MAX   256
#define SLOTS_KEPT 64 /* for the heap's own arenas and paging structures */

static void *runs[RUNS_MAX];
static unsigned nruns;
static bool borrowing;

void grow_setup(void)
{
	borrowing = pith_heap_borrow(pith_cap("init")) == PITH_OK;
}

void grow_reserve(struct ramfs_store *s, uint64_t pages)
{
	while (borrowing && s->pages_max - s->pages < pages &&
	       nruns < RUNS_MAX) {
		void *run = malloc((size_t)RUN_PAGES * RAMFS_PAGE);

		if (!run)
			return; /* the write gets PITH_E_NO_SPACE */
		runs[nruns++] = run;
		ramfs_add_pages(s, run, RUN_PAGES);
	}
}

void grow_trim(struct ramfs_store *s)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < nruns; i++) {
		if (ramfs_take_pages(s, runs[i], RUN_PAGES))
			free(runs[i]);
		else
			runs[kept++] = runs[i];
	}
	nruns = kept;
}

uint64_t grow_capacity(const struct ramfs_store *s)
{
	uint64_t slots = pith_slots_available(), more;

	if (!borrowing)
		return s->pages_max;
	more = slots > SLOTS_KEPT ? (slots - SLOTS_KEPT) / RUN_SLOTS : 0;
	if (more > RUNS_MAX - nruns)
		more = RUNS_MAX - nruns;
	return s->pages_max + more * RUN_PAGES;
}
