/*
 * child: the program ktest spawns from the initrd (ktest/sdk.c). What it
 * does depends on its first argument word; ktest checks the result in
 * the exit message (pith/startinfo.h), or in the fault message.
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
};

/* Below every image: never mapped. */
#define CHILD_FAULT_ADDRESS 0x1000ULL

/* Exit statuses of CHILD_SDK, and of a start-up that went wrong. */
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
};

#endif
