/*
 * The program's own address space: a region of it that the SDK manages,
 * for memory, thread stacks and IPC buffers, temporary views of frames
 * and the initrd. The rest (the image, the first stack, the IPC buffer and
 * info page) is as the program was started with.
 *
 * The region is one PML4 entry (512 GiB) no program image or stack uses.
 * Mappings are placed first fit; paging structures (PDPT, page
 * directories, page tables) are made from the object allocator
 * (pith/alloc.h) where a mapping first needs them, and stay for the
 * program's life. Frames are 4 KiB.
 *
 * A frame capability maps its frame once: to map a frame that is mapped
 * already (or that the caller wants to keep unmapped, to give away),
 * pith_vm_map_frame() maps a copy of the capability; pith_vm_map_frames()
 * maps the capabilities themselves.
 *
 * Not thread-safe: one thread of a program maps at a time.
 */
#ifndef PITH_VM_H
#define PITH_VM_H

#include <stdint.h>

#include "pith/invoke.h"

#define PITH_PAGE_SIZE	     4096ULL
#define PITH_VM_BASE	     0x0000500000000000ULL /* PML4 entry 160 */
#define PITH_VM_SIZE	     (1ULL << 39)	   /* 512 GiB */
#define PITH_VM_MAPPINGS_MAX 256 /* mappings in the region at once */

/* Rights of a mapping: PITH_RIGHT_READ, optionally with _WRITE or
 * _EXECUTE (never both). */

/* `pages` new zeroed frames mapped one after another with `rights`: *va
 * the first page. PITH_E_NOT_ENOUGH_MEMORY, PITH_E_EXHAUSTED (no slots
 * for the frames: they take `pages` consecutive slots; or no room in the
 * region, or PITH_VM_MAPPINGS_MAX mappings), or the error of the map
 * (PITH_E_INVALID_ARGUMENT for bad rights); nothing stays allocated on an
 * error. */
enum pith_error pith_vm_map_new(uint64_t pages, uint64_t rights, uint64_t *va);

/* A stack: `pages` new zeroed frames, read-write, with an unmapped guard
 * page below them, so that an overflow faults instead of writing over
 * the neighbour. *top is the address just above the stack. */
enum pith_error pith_vm_map_stack(uint64_t pages, uint64_t *top);

/* Map a copy of the 4 KiB frame capability `frame` (the frame itself
 * may be mapped elsewhere, by this program or another): *va its address.
 * The copy takes a slot, and is deleted by pith_vm_unmap(). */
enum pith_error pith_vm_map_frame(pith_cptr_t frame, uint64_t rights,
				  uint64_t *va);

/* Map the `count` frame capabilities in slots [first, first + count)
 * themselves, which must not be mapped, one page after another: *va the
 * first. pith_vm_unmap() unmaps them and leaves the capabilities to the
 * caller. (The cheap way to see frames the program holds, like the
 * initrd's.) */
enum pith_error pith_vm_map_frames(pith_cptr_t first, uint64_t count,
				   uint64_t rights, uint64_t *va);

/* Remove the mapping that contains `va`: its frames are unmapped, and
 * those it made (pith_vm_map_new, _stack, _frame) are deleted and their
 * slots freed. PITH_E_NOT_MAPPED if no mapping contains va. */
enum pith_error pith_vm_unmap(uint64_t va);

/* The frame capability mapping the page at `va` in the region (for
 * TCB.Configure, or to give the frame away); 0 if none. */
pith_cptr_t pith_vm_frame(uint64_t va);

/* ---- any address space ------------------------------------------------- */

/* The paging structures pith_vm_map_at() made: slots of the allocator. */
struct pith_vm_tables {
	pith_cptr_t slot[3];
	unsigned count;
};

/* Map the 4 KiB frame `frame` at `va` in the address space `vspace`
 * (this program's, PITH_SLOT_VSPACE, or another with an ASID), making
 * from the object allocator each paging structure missing on the way.
 * Those it made and mapped are listed in *made (if not NULL), even on an
 * error, so that whoever owns the address space can keep or delete them;
 * a structure that could not be mapped is freed here. Errors are those of
 * Frame.Map and of the allocator. */
enum pith_error pith_vm_map_at(pith_cptr_t vspace, pith_cptr_t frame,
			       uint64_t va, uint64_t rights,
			       struct pith_vm_tables *made);

#endif
