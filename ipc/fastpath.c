/*
 * The system call entry and the IPC fastpath (docs/ipc.md).
 *
 * Call and reply-receive are what a client and a server do on every
 * request, so they get a short path for the common case: the message fits
 * in the four register words and carries no capabilities, the partner is
 * already waiting, and it may run at once, because its priority is at
 * least the caller's and the caller runs by priority (not by the
 * starvation bound). Then the kernel moves four registers, makes or uses
 * up the reply capability, and switches threads: no ready queue is
 * touched (the running thread is in none, kernel/sched.c), and nothing is
 * copied through memory.
 *
 * Whatever the fastpath does, the slow path (ipc/endpoint.c) would do the
 * same in the same case; every check that fails sends the system call
 * there, before anything has changed. ktest's IPC suite runs its cases
 * through both.
 */
#include "arch/enter_user.h"
#include "caps/cdt.h"
#include "caps/cspace.h"
#include "ipc/endpoint.h"
#include "ipc/notification.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "pith/ipc_buffer.h"

/* Message info that takes the fastpath: no capabilities and no flags
 * (bits 7-11 clear) and at most PITH_MSG_MAX_WORDS words (bits 0-6), in
 * one comparison. */
static __always_inline bool fast_info(uint64_t info)
{
	return (info & 0xfff) <= PITH_MSG_MAX_WORDS;
}

/* Words past the registers travel between the IPC buffers: both threads
 * need one (else the slow path truncates the message). */
static __always_inline bool buffers_for(uint64_t info, const struct tcb *s,
					const struct tcb *r)
{
	return PITH_MSGINFO_WORDS(info) <= PITH_MSG_REGISTER_WORDS ||
	       (tcb_ipc_buffer(s) && tcb_ipc_buffer(r));
}

/* The capability at `cptr` when the CSpace is one CNode whose guard and
 * radix cover all 64 bits (as the SDK builds them), else a null one. */
static __always_inline const struct cap *lookup(const struct tcb *t,
						uint64_t cptr)
{
	static struct cte none; /* PITH_CAP_NULL, never written */

	return &cspace_lookup_flat(&t->slots[TCB_SLOT_CSPACE].cap, cptr, &none)
			->cap;
}

/* n words, inline: a call to memcpy would make the fastpath keep values
 * in callee-saved registers, which cost a save on every system call. */
static __always_inline void copy_words(uint64_t *dest, const uint64_t *src,
				       uint64_t n)
{
	__asm__ volatile("rep movsq"
			 : "+D"(dest), "+S"(src), "+c"(n)
			 :
			 : "memory");
}

/* Exactly the words sent, the info and the badge. */
static __always_inline void move_message(const struct tcb *s, struct tcb *r,
					 uint64_t info, uint64_t badge)
{
	const struct arch_context *from = &s->ctx;
	struct arch_context *to = &r->ctx;
	unsigned words = PITH_MSGINFO_WORDS(info);

	if (words > 0)
		to->rdx = from->rdx;
	if (words > 1)
		to->r10 = from->r10;
	if (words > 2)
		to->r8 = from->r8;
	if (words > 3)
		to->r9 = from->r9;
	if (words > PITH_MSG_REGISTER_WORDS)
		copy_words(&tcb_ipc_buffer(r)->mr[PITH_MSG_REGISTER_WORDS],
			   &tcb_ipc_buffer(s)->mr[PITH_MSG_REGISTER_WORDS],
			   words - PITH_MSG_REGISTER_WORDS);
	to->rax = PITH_OK;
	to->rsi = info;
	to->rdi = badge;
}

/* Leave the kernel in `next`, which becomes the running thread. */
static __always_inline _Noreturn void switch_to(struct tcb *next, uint64_t root)
{
	sched_current = next;
	arch_enter_user(next, root);
}

/* Anything the fastpath does not do. Each fastpath function either
 * finishes the system call or, before it has changed anything, calls
 * this. Kept out of line: then no value of the fastpath lives across a
 * call, and it needs no callee-saved registers to save. */
static __attribute__((noinline)) _Noreturn void slowpath(struct tcb *t)
{
	syscall_handle(t);
	sched_exit_to_user();
}

static __attribute__((noinline)) _Noreturn void fastpath_call(struct tcb *t)
{
	uint64_t info = t->ctx.rsi, root;
	const struct cap *c;
	struct endpoint *ep;
	struct tcb *r;

	if (!fast_info(info) || sched_boosted)
		slowpath(t);
	c = lookup(t, t->ctx.rdi);
	if (c->type != PITH_CAP_ENDPOINT || !(c->rights & PITH_RIGHT_WRITE))
		slowpath(t);
	ep = c->endpoint.ep;
	if (ep->state != EP_RECV)
		slowpath(t);
	r = ep->queue.head;
	if (r->priority < t->priority ||
	    r->slots[TCB_SLOT_CALLER].cap.type != PITH_CAP_NULL ||
	    !buffers_for(info, t, r))
		slowpath(t);
	root = tcb_vspace_root(r);
	if (!root)
		slowpath(t);

	/* Committed: r takes the message and the reply capability; t waits
	 * for the reply, and r runs. */
	endpoint_pop(ep); /* r */
	r->blocked_on = NULL;
	move_message(t, r, info, c->endpoint.badge);
	cdt_insert(&t->slots[TCB_SLOT_REPLY], &r->slots[TCB_SLOT_CALLER],
		   (struct cap){.type = PITH_CAP_REPLY,
				.rights = c->rights & PITH_RIGHT_GRANT_REPLY
						  ? PITH_RIGHT_GRANT
						  : 0,
				.reply.tcb = t},
		   0);
	t->state = TCB_BLOCKED_REPLY;
	r->state = TCB_RUNNABLE;
	switch_to(r, root);
}

static __attribute__((noinline)) _Noreturn void
fastpath_reply_recv(struct tcb *t)
{
	uint64_t info = t->ctx.rsi, root;
	struct cte *reply = &t->slots[TCB_SLOT_CALLER];
	const struct cap *c;
	struct endpoint *ep;
	struct tcb *caller;

	if (!fast_info(info) || sched_boosted ||
	    reply->cap.type != PITH_CAP_REPLY)
		slowpath(t);
	caller = reply->cap.reply.tcb;
	/* A reply to a fault sets registers; a pending signal is received
	 * first: both the slow way. */
	if (caller->fault_kind || caller->priority < t->priority ||
	    (t->bound && t->bound->word) || !buffers_for(info, t, caller))
		slowpath(t);
	c = lookup(t, t->ctx.rdi);
	if (c->type != PITH_CAP_ENDPOINT || !(c->rights & PITH_RIGHT_READ))
		slowpath(t);
	ep = c->endpoint.ep;
	if (ep->state == EP_SEND)
		slowpath(t);
	root = tcb_vspace_root(caller);
	if (!root)
		slowpath(t);

	/* Committed: the caller takes the reply and runs; t waits on the
	 * endpoint. */
	cdt_unlink(reply);
	reply->cap = cap_null();
	move_message(t, caller, info, 0);
	t->state = TCB_BLOCKED_RECV;
	t->blocked_on = ep;
	ipcq_append(&ep->queue, t);
	ep->state = EP_RECV;
	caller->state = TCB_RUNNABLE;
	switch_to(caller, root);
}

void syscall_dispatch(struct tcb *t)
{
	uint64_t nr = arch_syscall_number(&t->ctx);

	KASSERT(t == sched_current);
	if (nr == PITH_SYS_CALL)
		fastpath_call(t);
	if (nr == PITH_SYS_REPLY_RECV)
		fastpath_reply_recv(t);
	if (nr == PITH_SYS_YIELD)
		sched_yield_syscall(t);
	slowpath(t);
}
