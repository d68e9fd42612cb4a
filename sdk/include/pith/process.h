/*
 * Programs in address spaces of their own: pith_process_spawn() loads an
 * ELF image into a new address space, gives it a CSpace and a thread, and
 * starts it; pith_process_destroy() takes it all down again.
 *
 * The image is checked as the kernel checks the root task's (lib/elf.h):
 * a static x86-64 executable, or a static position-independent one (a
 * PIE: ET_DYN, no interpreter, only R_X86_64_RELATIVE relocations),
 * every segment inside the allowed range, none both writable and
 * executable, none sharing a page. Each page gets a fresh frame mapped
 * with exactly its segment's rights; file bytes are copied in through a
 * temporary mapping in the parent, where a PIE's relocations are applied
 * too, the rest stays zero. So no page is ever writable and executable,
 * and read-only data (relocated pointers included) stays read-only to
 * the program.
 *
 * Placement. With args->random all zero it is fixed: a position-dependent
 * image at its link addresses, a PIE's first page at PITH_PROCESS_PIE_BASE
 * (or, if it does not fit there, PITH_PROCESS_IMAGE_MIN), the stack's top
 * at PITH_PROCESS_STACK_TOP with an unmapped guard page below the stack,
 * the IPC buffer at PITH_PROCESS_IPC_BUFFER and the startinfo page
 * (pith/startinfo.h) at PITH_PROCESS_STARTINFO. Otherwise each is drawn
 * at random from the random bytes, page-aligned: a PIE anywhere in
 * [PITH_PROCESS_IMAGE_MIN, PITH_PROCESS_IMAGE_MAX), the stack with its
 * guard page, the IPC buffer and the startinfo page each in a window of
 * its own above the SDK's region (PITH_PROCESS_*_WINDOW), so that they
 * cannot collide. The program learns where they are from its startinfo
 * page, whose address it gets in %rdi.
 *
 * Everything the new program is made of comes from the parent's object
 * allocator (pith/alloc.h). The parent keeps only the program's TCB,
 * CNode and VSpace capabilities; frames, paging structures and untyped
 * memory are moved into the program's own CNode (the startinfo says
 * where), so a program takes three of its parent's slots whatever its
 * size, and deleting its CNode frees them.
 */
#ifndef PITH_PROCESS_H
#define PITH_PROCESS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/elf.h"
#include "pith/invoke.h"
#include "pith/startinfo.h"
#include "pith/vm.h"

/* A new program's address space, fixed placement (random all zero): as
 * the root task's. */
#define PITH_PROCESS_IMAGE_MIN	0x10000ULL /* nothing below: NULL faults */
#define PITH_PROCESS_PIE_BASE	0x400000ULL
#define PITH_PROCESS_STACK_TOP	0x00007fff00000000ULL
#define PITH_PROCESS_IPC_BUFFER (PITH_PROCESS_STACK_TOP + 0x1000)
#define PITH_PROCESS_STARTINFO	(PITH_PROCESS_STACK_TOP + 0x2000)
/* Images lie below the SDK's region (pith/vm.h), which stays the
 * program's own. */
#define PITH_PROCESS_IMAGE_MAX	PITH_VM_BASE

/* Random placement: the windows above the SDK's region, one for the
 * stack (with its guard page), one for the IPC buffer and one for the
 * startinfo page, each at least 2^43 bytes (more than 30 bits of
 * page-aligned entropy), up to the end of the user address space. */
#define PITH_PROCESS_STACK_WINDOW_MIN	  (PITH_VM_BASE + PITH_VM_SIZE)
#define PITH_PROCESS_IPC_WINDOW_MIN	  0x0000600000000000ULL
#define PITH_PROCESS_STARTINFO_WINDOW_MIN 0x0000700000000000ULL
#define PITH_PROCESS_ADDR_LIMIT		  0x00007ffffffff000ULL

#define PITH_PROCESS_STACK_PAGES     16	  /* 64 KiB, unless asked */
#define PITH_PROCESS_STACK_PAGES_MAX 4096 /* 16 MiB */
#define PITH_PROCESS_CNODE_BITS	     12	  /* 4096 slots, unless asked */
#define PITH_PROCESS_CNODE_BITS_MIN  6
#define PITH_PROCESS_CNODE_BITS_MAX  20

/* A capability to give the new program: a copy of `cap` (in the parent's
 * CSpace) with at most `rights` (0: all it has) and, if not 0, a badge
 * (endpoints, notifications). cap 0: none (an entry of `caps` then leaves
 * its slot empty). In `caps`, consecutive entries with the same name form
 * one named range of the program's startinfo (pith_cap(name) finds it);
 * a name is 1 to PITH_STARTINFO_CAP_NAME_MAX - 1 characters. */
struct pith_spawn_cap {
	pith_cptr_t cap;
	uint64_t rights;
	uint64_t badge;
	const char *name; /* NULL: unnamed (only in `caps`) */
};

struct pith_spawn_args {
	const char *name;  /* for its startinfo (NULL: none) */
	const void *image; /* the ELF file, in the parent's memory */
	size_t image_size;
	uint64_t args[PITH_STARTINFO_ARGS]; /* for its startinfo */
	unsigned priority;		    /* its priority and MCP: at most the
					     * parent's MCP (PITH_SLOT_TCB) */
	unsigned cnode_bits;		    /* 0: PITH_PROCESS_CNODE_BITS */
	unsigned stack_pages;		    /* 0: PITH_PROCESS_STACK_PAGES */
	pith_cptr_t asid_pool; /* its ASID's pool; 0: PITH_SLOT_ASID_POOL */
	struct pith_spawn_cap debug;	   /* -> PITH_SLOT_DEBUG */
	struct pith_spawn_cap exit_ep;	   /* -> PITH_SLOT_EXIT_EP */
	struct pith_spawn_cap fault_ep;	   /* -> PITH_SLOT_FAULT_EP, and its
					    * thread's fault endpoint */
	const struct pith_spawn_cap *caps; /* more, from
					    * PITH_SLOT_FIRST_DYNAMIC */
	unsigned ncaps;
	const uint8_t *untyped_bits; /* untyped memory to give it: one
				      * block of 2^bits bytes each */
	unsigned nuntyped;	     /* at most PITH_STARTINFO_MAX_UNTYPED */
	/* Untyped blocks of the parent's to make the CNode and each untyped
	 * block from, instead of the object allocator (0, or NULL for all:
	 * the allocator). A block of exactly the object's size with nothing
	 * made from it loses nothing to alignment, and is whole again once
	 * the program is destroyed: what a parent keeping a buddy pool of
	 * blocks (pith/pool.h) gives. */
	pith_cptr_t cnode_from;
	const pith_cptr_t *untyped_from; /* nuntyped entries */
	/* Its arguments: argc strings (argc 0: just argv[0]); argv[0] NULL
	 * or missing: `name` (or ""). At most PITH_STARTINFO_ARGC_MAX of
	 * them, PITH_STARTINFO_ARGV_SIZE bytes with their NULs. */
	const char *const *argv;
	unsigned argc;
	/* For its startinfo, if the parent has them to give (NULL, 0: not
	 * given): the framebuffer's geometry, the initrd's size, the TSC's
	 * frequency. */
	const struct pith_bootinfo_framebuffer *framebuffer;
	uint64_t initrd_size;
	uint64_t tsc_khz;
	/* 32 random bytes (pith_random(), pith/random.h): the program's
	 * startinfo gets them for its PRNG, and they place its image, stack,
	 * IPC buffer and startinfo page at random. All zero: fixed
	 * placement (above). */
	uint64_t random[4];
};

/* A program made by pith_process_spawn(). */
struct pith_process {
	pith_cptr_t tcb;    /* its thread, in the parent's CSpace */
	pith_cptr_t cnode;  /* its CNode (without the guard: slots of it
			     * are (index, cnode_bits) pairs) */
	pith_cptr_t vspace; /* its address space */
	unsigned cnode_bits;
	uint64_t entry;		     /* where it started */
	uint64_t load_bias;	     /* added to its image's addresses */
	uint64_t stack_top;	     /* where its stack, */
	uint64_t ipc_buffer;	     /* IPC buffer */
	uint64_t startinfo;	     /* and startinfo page are */
	struct pith_slot_range caps; /* in its CNode, as in startinfo */
	struct pith_slot_range untyped;
	struct pith_slot_range image;
	uint64_t next_slot; /* its first empty slot */
	/* Why pith_process_spawn() refused the image (PITH_E_INVALID_ARGUMENT
	 * with elf_error not ELF_OK), and the program header at fault (-1:
	 * none). */
	enum elf_error elf_error;
	int bad_phdr;
};

/*
 * Make and start a new program as `args` describes; *p says what was
 * made. Its thread starts at the ELF entry with %rdi the startinfo page,
 * configured with the new CSpace and VSpace, the IPC buffer and, if given,
 * the fault endpoint. Errors, with nothing left allocated:
 *  - PITH_E_INVALID_ARGUMENT: a malformed image (p->elf_error says how),
 *    or no image; an argument (argv[1] on) that is NULL; two named
 *    ranges of one name;
 *  - PITH_E_RANGE: cnode_bits, stack_pages, nuntyped, an untyped size or
 *    the name out of range, a priority above the parent's MCP, more
 *    capabilities, pages and paging structures than the CNode has slots
 *    for; more than PITH_STARTINFO_CAPS_MAX named ranges, a capability's
 *    name empty or too long; arguments that do not fit in the startinfo
 *    page;
 *  - PITH_E_NOT_ENOUGH_MEMORY, PITH_E_EXHAUSTED: the parent's allocator
 *    or ASID pool ran out;
 *  - the kernel's errors for a capability in args that cannot be copied.
 */
enum pith_error pith_process_spawn(const struct pith_spawn_args *args,
				   struct pith_process *p);

/* Stop the program and delete everything it is made of: its thread,
 * whatever it made from the untyped memory it was given, its CNode with
 * the capabilities in it, its address space (and with it its ASID).
 * Safe on a partly made or destroyed program; *p is cleared. Returns the
 * first error of the deletions, which go on regardless. */
enum pith_error pith_process_destroy(struct pith_process *p);

#endif
