/*
 * The heap's memory beyond the program's own (docs/sdk.md, "The C
 * library"): malloc() takes pages from the program's untyped memory (the
 * manifest's memory=), and, once pith_heap_borrow() has been called,
 * from blocks borrowed from init when that runs out (the manifest's
 * borrow=, and init's capability, its `init` option). A borrowed arena
 * or large block that becomes wholly free is unmapped at once and its
 * block goes back to init.
 */
#ifndef PITH_HEAP_H
#define PITH_HEAP_H

#include <stdint.h>

#include "pith/invoke.h"

/* From now on, let the heap borrow from init through the capability
 * `init` (init's protocol). PITH_E_INVALID_ARGUMENT if init is 0 (the
 * program was not given one: it goes on with its own memory alone).
 * What init refuses (no borrow=, its limit reached, no free memory)
 * makes malloc() return NULL with errno ENOMEM, as before. */
enum pith_error pith_heap_borrow(pith_cptr_t init);

/* Bytes the heap holds from init now: its loans, free parts included,
 * and the blocks it keeps for the paging structures of borrowed pages. */
uint64_t pith_heap_borrowed(void);

#endif
