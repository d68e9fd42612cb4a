/*
 * Moving a message from one thread to another: the label and words (the
 * first four in registers, the rest through the IPC buffers), up to three
 * capabilities, and the badge. See docs/ipc.md.
 */
#include "ipc/transfer.h"

#include "caps/cdt.h"
#include "caps/cnode.h"
#include "caps/cspace.h"
#include "caps/tcb.h"
#include "kernel/arch.h"
#include "lib/string.h"
#include "pith/ipc_buffer.h"

/* Where the receiver takes the i-th capability: slot receive_index + i of
 * the CNode at receive_cnode (receive_depth bits, 0 meaning 64); NULL if
 * that is not an empty slot. */
static struct cte *receive_slot(const struct tcb *r,
				const struct pith_ipc_buffer *ipc, unsigned i)
{
	const struct cap *root = &r->slots[TCB_SLOT_CSPACE].cap;
	struct cte *cnode;
	uint64_t index = ipc->receive_index + i;
	uint64_t depth = ipc->receive_depth ? ipc->receive_depth : 64;

	if (!ipc->receive_cnode || depth > 64 ||
	    cspace_lookup_slot(root, ipc->receive_cnode, (unsigned)depth,
			       &cnode) != LOOKUP_OK ||
	    cnode->cap.type != PITH_CAP_CNODE ||
	    index >= (1ULL << cnode->cap.size_bits) ||
	    !cap_is_null(&cnode->cap.cnode.slots[index].cap))
		return NULL;
	return &cnode->cap.cnode.slots[index];
}

/* Copy up to n capabilities named in the sender's IPC buffer; how many. */
static unsigned transfer_caps(const struct tcb *s, struct tcb *r,
			      const struct pith_ipc_buffer *sipc,
			      struct pith_ipc_buffer *ripc, unsigned n)
{
	const struct cap *root = &s->slots[TCB_SLOT_CSPACE].cap;
	unsigned done = 0;

	for (; done < n; done++) {
		struct cte *src, *dest;
		struct cap c;

		if (cspace_lookup_cap(root, sipc->caps[done], &src) !=
			    LOOKUP_OK ||
		    cap_derive(src, &c) != PITH_OK)
			break;
		dest = receive_slot(r, ripc, done);
		if (!dest)
			break;
		cdt_insert(src, dest, c, cdt_derived_flags(&c, &src->cap));
		ripc->badges[done] = cap_badge(&c);
	}
	return done;
}

void ipc_transfer(struct tcb *s, struct tcb *r, uint64_t badge, bool grant)
{
	struct pith_ipc_buffer *sipc, *ripc = tcb_ipc_buffer(r);
	uint64_t info, label, flags = 0;
	unsigned words, caps = 0, sent_caps;

	if (s->fault_kind) { /* a fault message: made by the kernel */
		label = s->fault_kind;
		words = PITH_FAULT_WORDS;
		for (unsigned i = 0; i < words; i++)
			arch_set_message_register(&r->ctx, i,
						  s->fault_words[i]);
		sent_caps = 0;
		goto done;
	}
	info = arch_syscall_arg(&s->ctx, 1);
	label = PITH_MSGINFO_LABEL(info);
	words = PITH_MSGINFO_WORDS(info);
	sent_caps = PITH_MSGINFO_CAPS(info);
	if (words > PITH_MSG_MAX_WORDS)
		words = PITH_MSG_MAX_WORDS;
	if (sent_caps > PITH_MSG_MAX_CAPS)
		sent_caps = PITH_MSG_MAX_CAPS;
	sipc = tcb_ipc_buffer(s);
	/* Words past the registers need a buffer at both ends. */
	if (words > PITH_MSG_REGISTER_WORDS && (!sipc || !ripc))
		words = PITH_MSG_REGISTER_WORDS;
	for (unsigned i = 0; i < words && i < PITH_MSG_REGISTER_WORDS; i++)
		arch_set_message_register(&r->ctx, i,
					  arch_message_register(&s->ctx, i));
	if (words > PITH_MSG_REGISTER_WORDS)
		memcpy(&ripc->mr[PITH_MSG_REGISTER_WORDS],
		       &sipc->mr[PITH_MSG_REGISTER_WORDS],
		       (words - PITH_MSG_REGISTER_WORDS) * sizeof(uint64_t));
	if (sent_caps && grant && sipc && ripc)
		caps = transfer_caps(s, r, sipc, ripc, sent_caps);
done:
	if (caps < sent_caps)
		flags |= PITH_MSGINFO_CAPS_DROPPED;
	arch_set_syscall_result(&r->ctx, PITH_OK,
				PITH_MSGINFO(label, words, caps) | flags);
	arch_set_syscall_badge(&r->ctx, badge);
}

void ipc_transfer_registers(struct tcb *s, struct tcb *r)
{
	uint64_t regs[ARCH_REGISTERS];
	unsigned n = PITH_MSGINFO_WORDS(arch_syscall_arg(&s->ctx, 1));
	const struct pith_ipc_buffer *sipc = tcb_ipc_buffer(s);

	if (n > ARCH_REGISTERS)
		n = ARCH_REGISTERS;
	if (n > PITH_MSG_REGISTER_WORDS && !sipc)
		n = PITH_MSG_REGISTER_WORDS;
	for (unsigned i = 0; i < n; i++)
		regs[i] = i < PITH_MSG_REGISTER_WORDS
				  ? arch_message_register(&s->ctx, i)
				  : sipc->mr[i];
	/* Values a thread may not hold (a kernel rip) are not applied: it
	 * resumes as it was. */
	if (n)
		arch_tcb_set_registers(r, regs, n);
}
