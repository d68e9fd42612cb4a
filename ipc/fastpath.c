/*
 * The IPC fastpath (see include/ipc/fastpath.h and docs/ipc.md).
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
#include "ipc/fastpath.h"

#include "caps/cdt.h"
#include "ipc/endpoint.h"
#include "ipc/notification.h"
#include "kernel/sched.h"

/* Info words that take the fastpath: at most four words, no
 * capabilities, no flags. */
#define FAST_INFO_MAX PITH_MSG_REGISTER_WORDS

/* The capability at `cptr` when the CSpace is one CNode whose guard and
 * radix cover all 64 bits (as the SDK builds them), else NULL. */
static inline const struct cap *lookup(const struct tcb *t, uint64_t cptr)
{
	const struct cap *root = &t->slots[TCB_SLOT_CSPACE].cap;
	unsigned radix = root->size_bits;

	if (root->type != PITH_CAP_CNODE || root->u32 + radix != 64 ||
	    cptr >> radix != root->cnode.guard)
		return NULL;
	return &root->cnode.slots[cptr & ((1ULL << radix) - 1)].cap;
}

/* The words of a register-only message, its info and badge. */
static inline void move_message(const struct arch_context *from,
				struct arch_context *to, uint64_t info,
				uint64_t badge)
{
	unsigned words = info & 0xfff; /* exactly the words sent */

	if (words > 0)
		to->rdx = from->rdx;
	if (words > 1)
		to->r10 = from->r10;
	if (words > 2)
		to->r8 = from->r8;
	if (words > 3)
		to->r9 = from->r9;
	to->rax = PITH_OK;
	to->rsi = info;
	to->rdi = badge;
}

/* Leave the kernel in `next`, which becomes the running thread. */
static inline _Noreturn void switch_to(struct tcb *next, uint64_t root)
{
	sched_current = next;
	next->ready_since = arch_timer_ticks();
	arch_return_to_user(next, root);
}

void fastpath_call(struct tcb *t)
{
	uint64_t info = t->ctx.rsi, root;
	const struct cap *c;
	struct endpoint *ep;
	struct tcb *r;

	if ((info & 0xfff) > FAST_INFO_MAX || sched_boosted)
		return;
	c = lookup(t, t->ctx.rdi);
	if (!c || c->type != PITH_CAP_ENDPOINT ||
	    !(c->rights & PITH_RIGHT_WRITE))
		return;
	ep = c->endpoint.ep;
	if (ep->state != EP_RECV)
		return;
	r = ep->queue.head;
	if (r->priority < t->priority ||
	    r->slots[TCB_SLOT_CALLER].cap.type != PITH_CAP_NULL)
		return;
	root = tcb_vspace_root(r);
	if (!root)
		return;

	/* Committed: r takes the message and the reply capability; t waits
	 * for the reply, and r runs. */
	endpoint_dequeue(ep, r);
	r->blocked_on = NULL;
	move_message(&t->ctx, &r->ctx, info, c->endpoint.badge);
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

void fastpath_reply_recv(struct tcb *t)
{
	uint64_t info = t->ctx.rsi, root;
	struct cte *reply = &t->slots[TCB_SLOT_CALLER];
	const struct cap *c;
	struct endpoint *ep;
	struct tcb *caller;

	if ((info & 0xfff) > FAST_INFO_MAX || sched_boosted ||
	    reply->cap.type != PITH_CAP_REPLY)
		return;
	caller = reply->cap.reply.tcb;
	/* A reply to a fault sets registers; a pending signal is received
	 * first: both the slow way. */
	if (caller->fault_kind || caller->priority < t->priority ||
	    (t->bound && t->bound->word))
		return;
	c = lookup(t, t->ctx.rdi);
	if (!c || c->type != PITH_CAP_ENDPOINT ||
	    !(c->rights & PITH_RIGHT_READ))
		return;
	ep = c->endpoint.ep;
	if (ep->state == EP_SEND)
		return;
	root = tcb_vspace_root(caller);
	if (!root)
		return;

	/* Committed: the caller takes the reply and runs; t waits on the
	 * endpoint. */
	cdt_unlink(reply);
	reply->cap = cap_null();
	move_message(&t->ctx, &caller->ctx, info, 0);
	t->state = TCB_BLOCKED_RECV;
	t->blocked_on = ep;
	ipcq_append(&ep->queue, t);
	ep->state = EP_RECV;
	caller->state = TCB_RUNNABLE;
	switch_to(caller, root);
}
