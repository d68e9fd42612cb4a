/*
 * What a program started by another (pith_process_spawn, pith/process.h)
 * gets: the startinfo page, mapped read-only in its address space, whose
 * address arrives in %rdi at _start (pith_startinfo once main runs), and
 * its initial CSpace layout.
 *
 * Its CNode has 2^cnode_size_bits slots and a guard that covers the
 * remaining bits, so a slot number is also its capability address at
 * depth 64, as in the root task. The low slots mean what they mean for the
 * root task (enum pith_root_slot), when the parent gives them:
 *  PITH_SLOT_TCB, PITH_SLOT_CNODE, PITH_SLOT_VSPACE   always;
 *  PITH_SLOT_DEBUG                                    if the parent gave it;
 *  PITH_SLOT_BOOTINFO_FRAME    the frame of the startinfo page (mapped);
 *  PITH_SLOT_IPC_BUFFER_FRAME  the frame of its IPC buffer (mapped);
 *  PITH_SLOT_EXIT_EP, PITH_SLOT_FAULT_EP (below)      if the parent gave them.
 * Then, from PITH_SLOT_FIRST_DYNAMIC, the ranges this page lists: the
 * capabilities its parent passed, its untyped memory, what its image is
 * made of (frames and paging structures: leave them alone), and the
 * empty slots.
 *
 * The parent may name ranges of the capabilities it passed (named[]):
 * pith_cap("service") finds one by name (pith/pith.h). The program's
 * arguments are packed strings here; pith_start() hands them to main()
 * as argc and argv (argv[0] its name). Where its stack, IPC buffer and
 * this page lie is up to the parent (pith/process.h places them at
 * random when it is given random bytes): the page says where.
 */
#ifndef PITH_STARTINFO_H
#define PITH_STARTINFO_H

#include <stdint.h>

#include "pith/bootinfo.h"

#define PITH_STARTINFO_MAGIC	    0x464e495452415453ULL /* "STARTINF" */
#define PITH_STARTINFO_VERSION	    2
#define PITH_STARTINFO_NAME_MAX	    64 /* bytes of the name, with its NUL */
#define PITH_STARTINFO_ARGS	    4  /* argument words */
#define PITH_STARTINFO_MAX_UNTYPED  32 /* untyped capabilities a child gets */
/* Named capability ranges, and the bytes of a name with its NUL. */
#define PITH_STARTINFO_CAPS_MAX	    32
#define PITH_STARTINFO_CAP_NAME_MAX 16
/* Arguments (argv[0] included), and the bytes of them with their NULs. */
#define PITH_STARTINFO_ARGC_MAX	    64
#define PITH_STARTINFO_ARGV_SIZE    1024

/* Fixed slots of a spawned program, besides those of enum pith_root_slot
 * (which has nothing there). */
enum pith_child_slot {
	PITH_SLOT_EXIT_EP = 11,	 /* where pith_exit() reports */
	PITH_SLOT_FAULT_EP = 12, /* the thread's fault endpoint */
};

/*
 * The exit message: pith_exit(status) in a spawned program sends it on
 * the exit endpoint (startinfo exit_ep), then suspends the program's
 * thread for good; the parent then destroys it (pith_process_destroy).
 * Label PITH_EXIT_LABEL, one word: the status, sign-extended. The
 * receiver tells its children apart by the badge of the endpoint
 * capability each was given.
 */
#define PITH_EXIT_LABEL 0x45584954ULL /* "EXIT" */
enum pith_exit_word {
	PITH_EXIT_STATUS = 0,
	PITH_EXIT_WORDS,
};

/* A named range of capabilities: slots [slot, slot + count) of the
 * program's CNode, inside the `caps` range. */
struct pith_startinfo_cap {
	char name[PITH_STARTINFO_CAP_NAME_MAX]; /* NUL-terminated, not empty */
	uint32_t slot;
	uint32_t count;
};

_Static_assert(sizeof(struct pith_startinfo_cap) == 24, "ABI layout");

struct pith_startinfo {
	uint64_t magic;			    /* PITH_STARTINFO_MAGIC */
	uint32_t version;		    /* PITH_STARTINFO_VERSION */
	uint32_t size;			    /* bytes of this page in use */
	char name[PITH_STARTINFO_NAME_MAX]; /* the program's name */
	uint64_t args[PITH_STARTINFO_ARGS]; /* from the parent */
	uint64_t ipc_buffer;		    /* its IPC buffer (user address) */
	uint64_t stack_top;		    /* the top of its stack */
	uint32_t cnode_size_bits;	    /* its CNode has 2^bits slots */
	uint32_t untyped_count;		    /* entries of untyped_size_bits */
	struct pith_slot_range empty;	    /* free slots */
	struct pith_slot_range untyped;	    /* its untyped memory */
	struct pith_slot_range caps;	    /* the capabilities passed */
	struct pith_slot_range image;	    /* frames, paging structures */
	uint64_t exit_ep;		    /* PITH_SLOT_EXIT_EP, or 0: none */
	uint64_t fault_ep;		    /* PITH_SLOT_FAULT_EP, or 0 */
	uint8_t untyped_size_bits[PITH_STARTINFO_MAX_UNTYPED]; /* 2^n bytes */
	/* ---- version 2 ---- */
	uint64_t load_bias;  /* added to its image's link-time addresses
			      * (0: position-dependent, as linked) */
	uint64_t stack_size; /* bytes of its stack, below stack_top */
	uint32_t ncaps;	     /* entries of named[] */
	uint32_t argc;	     /* strings in argv (at least 1) */
	struct pith_startinfo_cap named[PITH_STARTINFO_CAPS_MAX];
	/* Given by the parent when it has them, else zero: */
	struct pith_bootinfo_framebuffer framebuffer; /* paddr 0: none */
	uint64_t initrd_size; /* bytes of the initrd (0: not given) */
	uint64_t tsc_khz;     /* the TSC's frequency (0: unknown) */
	uint64_t random[4];   /* 32 random bytes, for its PRNG */
	/* argc NUL-terminated strings, one after another; argv[0] is the
	 * program's name. */
	char argv[PITH_STARTINFO_ARGV_SIZE];
};

_Static_assert(sizeof(struct pith_startinfo) <= 4096, "one page");

#endif
