/*
 * Threads. For now a thread is a user register context in an address space;
 * capabilities turn it into the TCB kernel object.
 */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include "kernel/arch.h"

enum thread_state {
	THREAD_INACTIVE = 0, /* created, never run */
	THREAD_RUNNABLE,
	THREAD_STOPPED, /* faulted with no one to handle it */
	THREAD_EXITED,
};

struct thread {
	/* First member: TSS.rsp0 points at its end while this thread runs,
	 * so user entries save registers straight into it. */
	struct arch_context ctx;
	uint64_t vspace; /* physical address of the address space root */
	enum thread_state state;
	int exit_status;     /* valid when THREAD_EXITED */
	uint64_t interrupts; /* taken while it ran in user mode */
	char name[16];
};

void thread_init(struct thread *t, const char *name, uint64_t vspace,
		 uint64_t entry, uint64_t stack_top);

/* Why a user thread trapped, in arch-neutral terms. */
enum fault_kind {
	FAULT_PAGE,	  /* page fault: address is the faulting address */
	FAULT_PROTECTION, /* general protection */
	FAULT_INVALID_OP, /* invalid or privileged instruction */
	FAULT_DIVIDE,	  /* divide error */
	FAULT_BREAKPOINT, /* int3 / debug trap */
	FAULT_OTHER,	  /* any other exception */
};

struct fault_info {
	enum fault_kind kind;
	unsigned vector;  /* architecture exception number */
	uint64_t address; /* faulting data address (FAULT_PAGE) */
	uint64_t ip;	  /* instruction pointer */
	uint64_t error;	  /* architecture error code */
	const char *what; /* human-readable cause */
};

/* A user thread faulted (called from the arch trap handler). Never
 * returns: the next thing to run is chosen by the scheduler. */
_Noreturn void thread_fault(struct thread *t, const struct fault_info *f);

/* The calling thread exits (PITH_SYS_EXIT). */
_Noreturn void thread_exit(struct thread *t, int status);

#endif
