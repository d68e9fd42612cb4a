/*
 * Threads (TCB objects).
 */
#ifndef CAPS_TCB_H
#define CAPS_TCB_H

#include "caps/asid.h"
#include "caps/cap.h"
#include "kernel/arch.h"

/* The capabilities a thread holds, in slots inside the TCB object. */
enum tcb_slot {
	TCB_SLOT_CSPACE = 0,	 /* CNode: the CSpace root */
	TCB_SLOT_VSPACE = 1,	 /* VSpace: the address space */
	TCB_SLOT_IPC_BUFFER = 2, /* frame holding the IPC buffer */
	TCB_SLOT_REPLY = 3,	 /* master reply cap: parent of the one-shot
				    reply cap a call gives its receiver */
	TCB_SLOT_CALLER = 4,	 /* the reply cap of the last call received */
	TCB_SLOTS = 5,
};

enum tcb_state {
	TCB_INACTIVE = 0,   /* new, suspended, or stopped by a fault */
	TCB_RUNNABLE,	    /* in a ready queue (or running) */
	TCB_BLOCKED_SEND,   /* queued on an endpoint to send (or call) */
	TCB_BLOCKED_RECV,   /* queued on an endpoint to receive */
	TCB_BLOCKED_REPLY,  /* called: waits for the reply */
	TCB_BLOCKED_NOTIFY, /* waits on a notification */
};

struct notification;
struct pith_ipc_buffer;

struct tcb {
	/* First: TSS.rsp0 points at its end while this thread runs, so user
	 * entries save registers straight into it. */
	struct arch_context ctx;
	struct arch_fpu fpu; /* SSE/x87 state, saved when switched away */
	struct cte slots[TCB_SLOTS];
	uint64_t ipc_buffer; /* user address of the IPC buffer (0: none) */
	struct pith_ipc_buffer *ipc_kbuf; /* the same in the kernel's view */
	uint64_t fault_ep; /* cptr of the fault endpoint (0: none) */
	struct tcb *sched_next, *sched_prev; /* ready queue links */
	enum tcb_state state;
	uint8_t priority;
	uint8_t mcp;	      /* maximum controlled priority */
	bool faulted;	      /* stopped by a fault with no one to handle it */
	uint32_t timeslice;   /* timer ticks left */
	uint64_t ready_since; /* tick it last became ready (starvation) */
	uint64_t interrupts;  /* taken while it ran in user mode */

	/* IPC. While blocked on an endpoint or notification: */
	void *blocked_on;		 /* which one */
	struct tcb *ipc_next, *ipc_prev; /* its queue */
	uint64_t ipc_badge;		 /* a blocked sender's badge */
	uint8_t ipc_call;		 /* a blocked sender called */
	uint8_t ipc_grant;		 /* ... may transfer capabilities */
	uint8_t ipc_grant_reply;	 /* ... its reply may too */
	/* A pending fault message (kind 0: none): sent as a call to the
	 * fault endpoint; the reply to it writes registers. */
	uint64_t fault_kind;
	uint64_t fault_words[PITH_FAULT_WORDS];
	struct notification *bound; /* bound notification */
	char name[16];
};

_Static_assert(sizeof(struct tcb) <= (1u << 11), "TCB object size");
_Static_assert(__builtin_offsetof(struct tcb, ctx) == 0,
	       "the entry code passes the context as the thread");

/* Make a new, inactive thread in zeroed memory. */
void tcb_init(struct tcb *t, const char *name);

/* Stop the thread: out of the ready queue and of any IPC (which ends
 * with PITH_E_ABORTED), inactive. */
void tcb_suspend(struct tcb *t);
/* The thread's last capability is gone: stop it for good. (Its slots are
 * emptied by the caller, caps/cnode.c.) */
void tcb_destroy(struct tcb *t);
/* Make the thread runnable (it must have a CSpace and a VSpace). */
void tcb_resume(struct tcb *t);

/* The physical address of the thread's address space root, or 0. Only
 * through a live ASID: if its pool went, the space is dead. */
static __always_inline uint64_t tcb_vspace_root(const struct tcb *t)
{
	const struct cap *vs = &t->slots[TCB_SLOT_VSPACE].cap;

	if (vs->type != PITH_CAP_VSPACE ||
	    asid_lookup(vs->page.asid) != vs->page.paddr)
		return 0;
	return vs->page.paddr;
}
/* The thread's IPC buffer in the kernel's view, or NULL: the kernel
 * address tcb_set_ipc_buffer() worked out, while the frame capability it
 * is in stays in the thread (deleting the frame removes it). */
static __always_inline struct pith_ipc_buffer *
tcb_ipc_buffer(const struct tcb *t)
{
	return t->slots[TCB_SLOT_IPC_BUFFER].cap.type == PITH_CAP_FRAME
		       ? t->ipc_kbuf
		       : NULL;
}

/* The IPC buffer is at user address `vaddr` (0: none), in the frame of
 * the thread's IPC buffer slot. */
void tcb_set_ipc_buffer(struct tcb *t, uint64_t vaddr);

struct fault_info {
	enum pith_fault kind; /* PITH_FAULT_*: the fault message's label */
	unsigned vector;      /* architecture exception number */
	uint64_t address;     /* faulting data address (FAULT_PAGE) */
	uint64_t ip;	      /* instruction pointer */
	uint64_t error;	      /* architecture error code */
	const char *what;     /* human-readable cause */
};

/* A user thread faulted (called from the arch trap handler): send the
 * fault to its handler, or report it and stop the thread. The caller then
 * picks what runs next. */
void tcb_fault(struct tcb *t, const struct fault_info *f);

/* Make a blocked (or new) thread runnable; `first`: ahead of its peers
 * (an IPC partner, for a direct switch). */
void tcb_wake(struct tcb *t, bool first);
/* Take the runnable thread out of the ready queue into `state`. */
void tcb_block(struct tcb *t, enum tcb_state state, void *on);

#endif
