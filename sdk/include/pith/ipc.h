/*
 * Message passing: the IPC system calls on endpoints, notifications and
 * reply capabilities (docs/ipc.md).
 *
 * A message is a label, up to PITH_MSG_MAX_WORDS words and up to
 * PITH_MSG_MAX_CAPS capabilities. The first PITH_MSG_REGISTER_WORDS words
 * travel in CPU registers (struct pith_msg.mr); the rest, the capability
 * addresses to send, and where received capabilities go are in the
 * thread's IPC buffer (pith_ipc_buffer()).
 *
 * Registers of the system calls: %rax the number (in) and the error (out),
 * %rdi the capability (in) and the badge (out), %rsi the message info,
 * %rdx %r10 %r8 %r9 message words 0-3. Other registers are preserved but
 * %rcx and %r11, which the syscall instruction uses.
 */
#ifndef PITH_IPC_H
#define PITH_IPC_H

#include "pith/invoke.h"

/* The message words that travel in registers, with the message info
 * (label, length, capabilities, flags) and the badge of a received
 * message (or the word of a signal: PITH_MSGINFO_SIGNAL in info). */
struct pith_msg {
	uint64_t info;
	uint64_t badge;
	uint64_t mr[PITH_MSG_REGISTER_WORDS];
};

/* A message with `label`, `words` words and `caps` capabilities. */
static inline struct pith_msg pith_msg(uint64_t label, unsigned words,
				       unsigned caps)
{
	return (struct pith_msg){.info = PITH_MSGINFO(label, words, caps)};
}

/* One IPC system call: `nr` on `cap` with m's registers; the reply, a
 * received message or a signal replaces them. */
static inline enum pith_error pith_ipc_syscall(uint64_t nr, pith_cptr_t cap,
					       struct pith_msg *m)
{
	/* Words 1-3 go in registers that have no constraint letter.
	 * (cppcheck misreads the register variables.) */
	// cppcheck-suppress constStatement
	register uint64_t r10 __asm__("r10") = m->mr[1];
	// cppcheck-suppress constStatement
	register uint64_t r8 __asm__("r8") = m->mr[2];
	// cppcheck-suppress constStatement
	register uint64_t r9 __asm__("r9") = m->mr[3];
	uint64_t rax = nr, rdi = cap, rsi = m->info, rdx = m->mr[0];

	__asm__ volatile("syscall"
			 : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx),
			   "+r"(r10), "+r"(r8), "+r"(r9)
			 :
			 : "rcx", "r11", "memory");
	m->info = rsi;
	m->badge = rdi;
	m->mr[0] = rdx;
	m->mr[1] = r10;
	m->mr[2] = r8;
	m->mr[3] = r9;
	return (enum pith_error)rax;
}

/* Send on an endpoint, waiting for a receiver. */
static inline enum pith_error pith_send(pith_cptr_t ep, struct pith_msg *m)
{
	return pith_ipc_syscall(PITH_SYS_SEND, ep, m);
}

/* Send if a receiver waits; else the message is dropped (PITH_OK). */
static inline enum pith_error pith_nb_send(pith_cptr_t ep, struct pith_msg *m)
{
	return pith_ipc_syscall(PITH_SYS_NB_SEND, ep, m);
}

/* Wait for a message on an endpoint (or a signal of the thread's bound
 * notification). */
static inline enum pith_error pith_recv(pith_cptr_t ep, struct pith_msg *m)
{
	return pith_ipc_syscall(PITH_SYS_RECV, ep, m);
}

/* Receive if a message is there; else PITH_E_WOULD_BLOCK. */
static inline enum pith_error pith_nb_recv(pith_cptr_t ep, struct pith_msg *m)
{
	return pith_ipc_syscall(PITH_SYS_NB_RECV, ep, m);
}

/* Send and wait for the reply, which replaces *m. */
static inline enum pith_error pith_call(pith_cptr_t ep, struct pith_msg *m)
{
	return pith_ipc_syscall(PITH_SYS_CALL, ep, m);
}

/* Reply to the last caller (through the thread's caller slot). */
static inline enum pith_error pith_reply(struct pith_msg *m)
{
	return pith_ipc_syscall(PITH_SYS_REPLY, 0, m);
}

/* Reply to the last caller, if any, then wait on `ep`: a server's loop. */
static inline enum pith_error pith_reply_recv(pith_cptr_t ep,
					      struct pith_msg *m)
{
	return pith_ipc_syscall(PITH_SYS_REPLY_RECV, ep, m);
}

/* Reply through a reply capability saved with CNode.SaveCaller (it is
 * used up). */
static inline enum pith_error pith_reply_to(pith_cptr_t reply,
					    struct pith_msg *m)
{
	return pith_ipc_syscall(PITH_SYS_SEND, reply, m);
}

/* OR the capability's badge into the notification's word. */
static inline enum pith_error pith_signal(pith_cptr_t ntfn)
{
	struct pith_msg m = {0};

	return pith_ipc_syscall(PITH_SYS_SEND, ntfn, &m);
}

/* Wait for a signal; the word (which is then cleared) goes to *word. */
static inline enum pith_error pith_wait(pith_cptr_t ntfn, uint64_t *word)
{
	struct pith_msg m = {0};
	enum pith_error err = pith_ipc_syscall(PITH_SYS_RECV, ntfn, &m);

	*word = m.badge;
	return err;
}

/* Take the word if it is not zero; else PITH_E_WOULD_BLOCK. */
static inline enum pith_error pith_poll(pith_cptr_t ntfn, uint64_t *word)
{
	struct pith_msg m = {0};
	enum pith_error err = pith_ipc_syscall(PITH_SYS_NB_RECV, ntfn, &m);

	*word = m.badge;
	return err;
}

/* Fault messages (label: enum pith_fault): the words. */
enum pith_fault_word {
	PITH_FAULT_IP = 0,	/* instruction pointer */
	PITH_FAULT_ADDRESS = 1, /* faulting address, or syscall number */
	PITH_FAULT_ERROR = 2,	/* architecture error code */
	PITH_FAULT_VECTOR = 3,	/* exception vector */
};

/* Registers in the order of TCB.ReadRegisters and WriteRegisters, and of
 * the words of a reply to a fault message. */
enum pith_reg {
	PITH_REG_RIP,
	PITH_REG_RSP,
	PITH_REG_RFLAGS,
	PITH_REG_RAX,
	PITH_REG_RBX,
	PITH_REG_RCX,
	PITH_REG_RDX,
	PITH_REG_RSI,
	PITH_REG_RDI,
	PITH_REG_RBP,
	PITH_REG_R8,
	PITH_REG_R9,
	PITH_REG_R10,
	PITH_REG_R11,
	PITH_REG_R12,
	PITH_REG_R13,
	PITH_REG_R14,
	PITH_REG_R15,
	PITH_REG_COUNT,
};

#endif
