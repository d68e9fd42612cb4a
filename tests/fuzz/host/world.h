/*
 * The simulated machine the host syscall fuzzer runs the kernel's generic
 * core on (world.c): the host model of tests/host/caps/machine.c, with a
 * root CSpace, untyped memory, two address spaces, endpoints,
 * notifications and four threads at different priorities, all made
 * through the kernel's own invocations; and the checks of the kernel's
 * invariants the fuzzer runs after every step.
 */
#ifndef FUZZ_WORLD_H
#define FUZZ_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include "caps/cap.h"

#define W_ROOT_BITS 8 /* root CNode: 256 slots, cptr n is slot n */
#define W_THREADS   4

/* The root CNode's slots as the world starts. */
enum w_slot {
	W_TCB = 1,	   /* the root thread */
	W_CNODE = 2,	   /* the root CNode (every thread's CSpace) */
	W_UNTYPED = 3,	   /* 1 MiB of RAM */
	W_DEVICE = 4,	   /* 64 KiB of device memory */
	W_IRQ_CONTROL = 5, /* the control capabilities */
	W_IOPORT_CONTROL = 6,
	W_ASID_CONTROL = 7,
	W_DEBUG = 8,
	W_IPC_FRAME = 9, /* the root thread's IPC buffer */
	W_POOL_UT = 10,	 /* the untyped the ASID pool was made from */
	W_POOL = 11,	 /* an ASID pool */
	W_VS_A = 12,	 /* address space A: root, T1, T3 */
	W_VS_B = 13,	 /* address space B: T2 */
	W_EP1 = 14,	 /* endpoints */
	W_EP2 = 15,
	W_NTFN1 = 16, /* notifications */
	W_NTFN2 = 17,
	W_T1 = 18,	     /* threads T1, T2, T3 */
	W_FRAME1 = 21,	     /* their IPC buffers */
	W_EP1_BADGED = 24,   /* EP1 minted with badge 0x11 */
	W_NTFN1_BADGED = 25, /* NTFN1 minted with badge 0x100 */
	W_EP1_READ = 26,     /* EP1 with the read right only */
	W_FREE = 32,	     /* the first free slot */
};

#define W_BOOT_BYTES   (512u << 10)
#define W_UNTYPED_BITS 20
#define W_DEVICE_BITS  16
#define W_IPC_VADDR    0x10000000ULL /* + 0x1000 per thread */

extern struct cte *w_root;		/* the root CNode's slots */
extern struct tcb *w_thread[W_THREADS]; /* root, T1, T2, T3 */

/* Build the world afresh (the machine reset, every object made through
 * invocations) and leave the kernel into its first thread. */
void world_build(void);
/* Destroy it all (revoke the untyped and control capabilities, empty
 * every slot) and check that the kernel forgot every object: no thread
 * scheduled, every ASID, interrupt and I/O port free. */
void world_destroy(void);

/* Check every invariant; a broken one aborts with a message. `step`
 * names what ran last. */
void world_check(const char *step);

/* Abort with a message: an invariant is broken. */
_Noreturn void world_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#endif
