/*
 * The IPC buffer: one per thread, 512 bytes, 512-byte aligned, in a frame
 * the thread's TCB names (TCB.Configure). It holds the message registers
 * that do not fit in CPU registers and the addresses of the capabilities a
 * message carries. While a thread runs, its user %gs base is the buffer's
 * address, so pith_ipc_buffer() needs no global state.
 *
 * An ABI header: the kernel includes it.
 */
#ifndef PITH_IPC_BUFFER_H
#define PITH_IPC_BUFFER_H

#include <stdint.h>

#include "pith/abi.h"

#define PITH_IPC_BUFFER_SIZE 512

struct pith_ipc_buffer {
	uint64_t reserved;		    /* not used */
	uint64_t mr[PITH_MSG_MAX_WORDS];    /* message registers (0-3 unused) */
	uint64_t self;			    /* this buffer's user address */
	uint64_t caps[PITH_MSG_MAX_CAPS];   /* capability addresses to send */
	uint64_t badges[PITH_MSG_MAX_CAPS]; /* badges of received caps */
	/* Where capabilities a message carries arrive: slots receive_index,
	 * receive_index + 1, ... of the CNode at address receive_cnode,
	 * resolved with receive_depth bits (0 means 64). */
	uint64_t receive_cnode;
	uint64_t receive_index;
	uint64_t receive_depth;
	uint64_t user; /* free for the program's own use */
};

_Static_assert(sizeof(struct pith_ipc_buffer) <= PITH_IPC_BUFFER_SIZE,
	       "IPC buffer layout");
_Static_assert(__builtin_offsetof(struct pith_ipc_buffer, self) == 264,
	       "IPC buffer layout");

#endif
