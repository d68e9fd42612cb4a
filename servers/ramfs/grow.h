/*
 * ramfs's data pages beyond its own memory (grow.c).
 */
#ifndef RAMFS_GROW_H
#define RAMFS_GROW_H

#include <stdint.h>

#include "store.h"

/* Borrow from init if the manifest gave its capability (`init`, with
 * `borrow=`); otherwise ramfs keeps to the pages it has. */
void grow_setup(void);

/* Make sure the store has `pages` free data pages, taking more from the
 * heap (which borrows) if it can; a write then fails only where the
 * memory ran out. */
void grow_reserve(struct ramfs_store *s, uint64_t pages);

/* Give the heap back every run of pages that no file uses any more. */
void grow_trim(struct ramfs_store *s);

/* Data pages the store could have at most: what it has, and what it
 * could still take (statfs's blocks). */
uint64_t grow_capacity(const struct ramfs_store *s);

#endif
