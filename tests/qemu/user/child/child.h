/*
 * child: the program ktest spawns from the initrd (ktest/sdk.c). It is
 * built position-independent (PIE), so that ktest can place it at fixed
 * and at random addresses. What it does depends on its first argument
 * word; ktest checks the result in the exit message (pith/startinfo.h),
 * in the fault message, or in the reports it sends.
 */
#ifndef CHILD_H
#define CHILD_H

#define CHILD_NAME "child"

enum child_mode {
	/* Print a line with args 1-3 and exit with their sum. */
	CHILD_HELLO = 1,
	/* Use the SDK in its own address space: its untyped memory, memory
	 * mappings, a thread (at the priority in args 1, its own), its
	 * fixed slots; signal the notification it was passed (its only extra
	 * capability); exit with 0, or with the enum child_step that failed. */
	CHILD_SDK = 2,
	/* Read CHILD_FAULT_ADDRESS: a page fault for its fault endpoint. */
	CHILD_FAULT = 3,
	/* Check its relocated data, then send the three reports below on
	 * the capability named CHILD_REPORT_CAP, and exit with 0 or the
	 * enum child_step that failed. */
	CHILD_REPORT = 4,
	/* Write to its relocated read-only data (a table of pointers): a
	 * page fault at that address, which it sends first in a
	 * CHILD_REPORT_PLACE report. */
	CHILD_WRITE_RELRO = 5,
};

/* Below every image: never mapped. */
#define CHILD_FAULT_ADDRESS 0x1000ULL

/* The endpoint the reports go to (write right), and a name no range has. */
#define CHILD_REPORT_CAP "report"
#define CHILD_NO_CAP	 "no-such-cap"

/*
 * The reports, each one message (label, then its words):
 *  - CHILD_REPORT_ARGS: argc, then the argv strings, each with its NUL,
 *    packed into the following words (as many as fit);
 *  - CHILD_REPORT_CAPS: the startinfo's ncaps, then for each named range
 *    (as many as fit) CHILD_CAP_WORDS words: its name (16 bytes), its
 *    first slot | count << 32, and the capability type in that slot;
 *  - CHILD_REPORT_PLACE: the words of enum child_place.
 */
#define CHILD_REPORT_ARGS  0xa765ULL
#define CHILD_REPORT_CAPS  0xca95ULL
#define CHILD_REPORT_PLACE 0x91acULL
#define CHILD_CAP_WORDS	   4

enum child_place {
	CHILD_PLACE_MAIN,	/* the address of main */
	CHILD_PLACE_LOCAL,	/* the address of a local variable */
	CHILD_PLACE_STARTINFO,	/* pith_startinfo */
	CHILD_PLACE_IPC,	/* pith_ipc_buffer() */
	CHILD_PLACE_STACK_TOP,	/* the startinfo's stack_top */
	CHILD_PLACE_STACK_SIZE, /* and stack_size */
	CHILD_PLACE_BIAS,	/* and load_bias */
	CHILD_PLACE_RELRO,	/* the address of its relocated table */
	CHILD_PLACE_RANDOM,	/* 4 words: the startinfo's random */
	CHILD_PLACE_FB_PADDR = CHILD_PLACE_RANDOM + 4, /* framebuffer.paddr */
	CHILD_PLACE_FB_WIDTH,			       /* framebuffer.width */
	CHILD_PLACE_INITRD,			       /* initrd_size */
	CHILD_PLACE_TSC,			       /* tsc_khz */
	CHILD_PLACE_WORDS,
};

/* Exit statuses of CHILD_SDK and CHILD_REPORT, and of a start-up that
 * went wrong. */
enum child_step {
	CHILD_OK = 0,
	CHILD_BAD_STARTINFO = 100, /* no startinfo, or not as ktest made it */
	CHILD_BAD_MODE,
	CHILD_STEP_SLOTS,  /* no free slots */
	CHILD_STEP_OBJECT, /* no object from its untyped memory */
	CHILD_STEP_MEMORY, /* pith_vm_map_new, or the memory it gave */
	CHILD_STEP_THREAD, /* a thread that runs and ends */
	CHILD_STEP_LEAK,   /* free slots afterwards differ */
	CHILD_STEP_CAPS,   /* its fixed slots */
	CHILD_STEP_SIGNAL, /* the notification it was passed */
	CHILD_STEP_ARGV,   /* argv: not NULL-terminated, or not writable */
	CHILD_STEP_LOOKUP, /* pith_cap() disagrees with the startinfo */
	CHILD_STEP_RELOC,  /* a relocated pointer is wrong */
	CHILD_STEP_REPORT, /* a report could not be sent */
};

#endif
