/*
 * The invocation primitive: the `call` system call on a capability. The
 * generated stubs in pith/invocations.h are built on it.
 */
#ifndef PITH_INVOKE_H
#define PITH_INVOKE_H

#include <stddef.h>
#include <stdint.h>

#include "pith/abi.h"
#include "pith/ipc_buffer.h"

/* The address of a capability in a CSpace (resolved with depth 64). */
typedef uint64_t pith_cptr_t;

/* The calling thread's IPC buffer (its user %gs base points at it). */
static inline struct pith_ipc_buffer *pith_ipc_buffer(void)
{
	struct pith_ipc_buffer *b;

	__asm__("movq %%gs:%c1, %0"
		: "=r"(b)
		: "i"(offsetof(struct pith_ipc_buffer, self)));
	return b;
}

/*
 * Invoke `cap` with method `label`, nargs words from mr[] and ncaps
 * capability addresses. On return mr[] holds up to nret result words; on
 * an error, mr[0] and mr[1] hold the error's detail. mr[] must have room for
 * at least PITH_MSG_REGISTER_WORDS words.
 */
static inline enum pith_error pith_invoke(pith_cptr_t cap, uint64_t label,
					  uint64_t *mr, unsigned nargs,
					  const pith_cptr_t *caps,
					  unsigned ncaps, unsigned nret)
{
	uint64_t rax = PITH_SYS_CALL, rdx = mr[0];
	uint64_t info = PITH_MSGINFO(label, nargs, ncaps);
	struct pith_ipc_buffer *ipc = NULL;

	if (nargs > PITH_MSG_REGISTER_WORDS || ncaps > 0 ||
	    nret > PITH_MSG_REGISTER_WORDS) {
		ipc = pith_ipc_buffer();
		for (unsigned i = PITH_MSG_REGISTER_WORDS; i < nargs; i++)
			ipc->mr[i] = mr[i];
		for (unsigned i = 0; i < ncaps; i++)
			ipc->caps[i] = caps[i];
	}
	/* Message words 1-3 travel in %r10, %r8, %r9, which have no
	 * constraint letters: moved by hand. */
	__asm__ volatile("movq %[m1], %%r10\n\t"
			 "movq %[m2], %%r8\n\t"
			 "movq %[m3], %%r9\n\t"
			 "syscall\n\t"
			 "movq %%r10, %[m1]\n\t"
			 "movq %%r8, %[m2]\n\t"
			 "movq %%r9, %[m3]"
			 : "+a"(rax), "+S"(info), "+d"(rdx), [m1] "+m"(mr[1]),
			   [m2] "+m"(mr[2]), [m3] "+m"(mr[3])
			 : "D"(cap)
			 : "rcx", "r11", "r8", "r9", "r10", "memory");
	mr[0] = rdx;
	if (rax == PITH_OK) {
		for (unsigned i = PITH_MSG_REGISTER_WORDS;
		     ipc && i < nret && i < PITH_MSGINFO_WORDS(info); i++)
			mr[i] = ipc->mr[i];
	}
	return (enum pith_error)rax;
}

/* Give up the rest of this timeslice. */
static inline void pith_yield(void)
{
	uint64_t rax = PITH_SYS_YIELD;

	__asm__ volatile("syscall"
			 : "+a"(rax)
			 :
			 : "rcx", "r11", "rdx", "rsi", "r8", "r9", "r10",
			   "memory");
}

#endif
