/*
 * Address spaces: frames and paging structures as capabilities.
 *
 * A VSpace (PML4) needs an ASID before anything is mapped into it. User
 * space maps the levels itself: a PDPT into the VSpace, page directories
 * into PDPTs, page tables into page directories, frames into page tables
 * (4 KiB) or page directories (2 MiB). Each capability records where it is
 * mapped (ASID and address); when the capability goes, so does the mapping.
 */
#ifndef CAPS_VSPACE_H
#define CAPS_VSPACE_H

#include "caps/cap.h"

/* Remove the mapping a frame or paging-structure capability records, if
 * it still stands. */
void page_unmap(struct cap *c);

#endif
