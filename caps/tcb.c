/*
 * Threads (see include/caps/tcb.h): the TCB object and its invocations.
 */
#include "caps/tcb.h"

#include "caps/asid.h"
#include "caps/cdt.h"
#include "caps/cnode.h"
#include "caps/object.h"
#include "ipc/ipc.h"
#include "ipc/notification.h"
#include "kernel/invocation.h"
#include "kernel/log.h"
#include "kernel/mem.h"
#include "kernel/sched.h"
#include "kernel/uaccess.h"
#include "lib/format.h"
#include "lib/string.h"
#include "pith/ipc_buffer.h"

void tcb_init(struct tcb *t, const char *name)
{
	memset(t, 0, sizeof(*t));
	arch_tcb_init(t);
	t->state = TCB_INACTIVE;
	/* Unnamed threads are named after their TCB's address, for logs. */
	if (!name[0])
		fmt_snprintf(t->name, sizeof(t->name), "tcb@%llx",
			     (unsigned long long)virt_to_phys(t));
	for (size_t i = 0; i < sizeof(t->name) - 1 && name[i]; i++)
		t->name[i] = name[i];
	/* The master of the reply capabilities its calls hand out. */
	cdt_insert(NULL, &t->slots[TCB_SLOT_REPLY],
		   (struct cap){.type = PITH_CAP_REPLY,
				.flags = CAP_F_MASTER,
				.reply.tcb = t},
		   MDB_REVOCABLE);
}

void tcb_set_ipc_buffer(struct tcb *t, uint64_t vaddr)
{
	const struct cap *f = &t->slots[TCB_SLOT_IPC_BUFFER].cap;
	uint64_t off;

	t->ipc_buffer = vaddr;
	t->ipc_kbuf = NULL;
	if (vaddr && f->type == PITH_CAP_FRAME) {
		off = vaddr & ((1ULL << f->size_bits) - 1);
		t->ipc_kbuf = phys_to_virt(f->page.paddr + off);
		t->ipc_kbuf->self = vaddr;
	}
	arch_tcb_set_ipc_buffer(t, vaddr);
}

void tcb_block(struct tcb *t, enum tcb_state state, void *on)
{
	sched_remove(t);
	t->state = state;
	t->blocked_on = on;
}

void tcb_wake(struct tcb *t, bool first)
{
	t->state = TCB_RUNNABLE;
	sched_add(t, first);
}

void tcb_suspend(struct tcb *t)
{
	ipc_cancel(t, PITH_E_ABORTED);
	sched_remove(t);
	t->state = TCB_INACTIVE;
	t->fault_kind = 0;
}

void tcb_destroy(struct tcb *t)
{
	tcb_suspend(t);
	if (t->bound) {
		t->bound->bound = NULL;
		t->bound = NULL;
	}
	arch_tcb_forget(t);
}

void tcb_resume(struct tcb *t)
{
	if (t->state != TCB_INACTIVE)
		return; /* running, or in an IPC: leave it */
	t->faulted = false;
	tcb_wake(t, false);
}

void tcb_fault(struct tcb *t, const struct fault_info *f)
{
	t->fault_kind = f->kind;
	t->fault_words[0] = f->ip;
	t->fault_words[1] = f->address;
	t->fault_words[2] = f->error;
	t->fault_words[3] = f->vector;
	if (ipc_send_fault(t))
		return; /* the handler decides */
	t->fault_kind = 0;
	pr_info("thread '%s': %llu interrupts taken in user mode", t->name,
		(unsigned long long)t->interrupts);
	if (f->kind == PITH_FAULT_PAGE)
		pr_err("fault: thread '%s' stopped: %s at address 0x%llx "
		       "(ip 0x%llx, vector %u, error 0x%llx)",
		       t->name, f->what, (unsigned long long)f->address,
		       (unsigned long long)f->ip, f->vector,
		       (unsigned long long)f->error);
	else
		pr_err("fault: thread '%s' stopped: %s (ip 0x%llx, vector %u, "
		       "error 0x%llx)",
		       t->name, f->what, (unsigned long long)f->ip, f->vector,
		       (unsigned long long)f->error);
	tcb_suspend(t);
	t->faulted = true;
}

/* ---- invocations ------------------------------------------------------- */

/*
 * Replace the capability in one of the thread's own slots with a copy of
 * `src` (which has been checked). Deleting the old capability may destroy
 * a CNode, even one holding `src`, so the source is checked again after.
 * It may destroy the thread itself, if that CNode held the last capability
 * to it: as in seL4, the invocation goes on only while the capability it
 * was made through still names the thread. False if not (nothing more may
 * be written into the thread).
 */
static bool set_slot(const struct invocation *inv, enum tcb_slot which,
		     struct cte *src, const struct cap *c)
{
	struct tcb *t = inv->slot->cap.tcb.tcb;

	cte_delete(&t->slots[which]);
	if (inv->slot->cap.type != PITH_CAP_TCB || inv->slot->cap.tcb.tcb != t)
		return false;
	if (src && cap_same_object(&src->cap, c))
		cdt_insert(src, &t->slots[which], *c,
			   cdt_derived_flags(c, &src->cap));
	return true;
}

/* args: fault_ep, cspace_data, ipc_buffer; caps: cspace, vspace, frame */
enum pith_error decode_tcb_configure(struct invocation *inv)
{
	struct tcb *t = inv->slot->cap.tcb.tcb;
	struct cte *cs = inv->caps[0], *vs = inv->caps[1], *buf = inv->caps[2];
	uint64_t ipc = inv->args[2];
	struct cap cs_cap, vs_cap, buf_cap;
	enum pith_error err;

	if (cs->cap.type != PITH_CAP_CNODE || cap_derive(cs, &cs_cap))
		return inv_error(inv, PITH_E_INVALID_CAPABILITY, 1, 0);
	err = cap_set_data(&cs_cap, inv->args[1]);
	if (err != PITH_OK)
		return inv_error(inv, PITH_E_INVALID_ARGUMENT, 1, 0);
	if (vs->cap.type != PITH_CAP_VSPACE || !vs->cap.page.asid ||
	    asid_lookup(vs->cap.page.asid) != vs->cap.page.paddr ||
	    cap_derive(vs, &vs_cap))
		return inv_error(inv, PITH_E_INVALID_CAPABILITY, 2, 0);
	if (ipc) {
		if (ipc % PITH_IPC_BUFFER_SIZE)
			return inv_error(inv, PITH_E_ALIGNMENT, 2, 0);
		if (ipc >= USER_ADDR_LIMIT)
			return inv_error(inv, PITH_E_INVALID_ARGUMENT, 2, 0);
		/* The buffer must be RAM the kernel reaches through its
		 * direct map: no device frames. */
		if (buf->cap.type != PITH_CAP_FRAME ||
		    (buf->cap.flags & CAP_F_DEVICE) ||
		    cap_derive(buf, &buf_cap))
			return inv_error(inv, PITH_E_INVALID_CAPABILITY, 3, 0);
		/* The kernel writes received messages there: a read-only
		 * frame (the boot-info page, the initrd) must not become
		 * writable through it. */
		if (~buf->cap.rights & (PITH_RIGHT_READ | PITH_RIGHT_WRITE))
			return inv_error(inv, PITH_E_MISSING_RIGHTS,
					 ~buf->cap.rights & (PITH_RIGHT_READ |
							     PITH_RIGHT_WRITE),
					 0);
	}
	/* The thread gone on the way: nothing left to configure. */
	if (!set_slot(inv, TCB_SLOT_CSPACE, cs, &cs_cap) ||
	    !set_slot(inv, TCB_SLOT_VSPACE, vs, &vs_cap) ||
	    !set_slot(inv, TCB_SLOT_IPC_BUFFER, ipc ? buf : NULL, &buf_cap))
		return PITH_OK;
	t->fault_ep = inv->args[0];
	tcb_set_ipc_buffer(t, ipc);
	return PITH_OK;
}

/* args: count */
enum pith_error decode_tcb_read_registers(struct invocation *inv)
{
	struct tcb *t = inv->slot->cap.tcb.tcb;
	uint64_t count = inv->args[0], regs[ARCH_REGISTERS];

	if (count == 0 || count > ARCH_REGISTERS)
		return inv_error(inv, PITH_E_RANGE, 0, 0);
	if (t == inv->caller)
		return PITH_E_ILLEGAL_OPERATION;
	arch_tcb_get_registers(t, regs, ARCH_REGISTERS);
	for (unsigned i = 0; i < count; i++)
		inv_return(inv, i, regs[i]);
	return PITH_OK;
}

/* args: resume, count, registers... */
enum pith_error decode_tcb_write_registers(struct invocation *inv)
{
	struct tcb *t = inv->slot->cap.tcb.tcb;
	uint64_t count = inv->args[1];

	if (count == 0 || count > ARCH_REGISTERS || inv->nargs < 2 + count)
		return inv_error(inv, PITH_E_RANGE, 1, 0);
	if (t == inv->caller)
		return PITH_E_ILLEGAL_OPERATION;
	if (!arch_tcb_set_registers(t, &inv->args[2], (unsigned)count))
		return inv_error(inv, PITH_E_INVALID_ARGUMENT, 2, 0);
	if (inv->args[0] && tcb_vspace_root(t) &&
	    t->slots[TCB_SLOT_CSPACE].cap.type == PITH_CAP_CNODE)
		tcb_resume(t);
	return PITH_OK;
}

/* The authority thread (caps[0]) bounds a new priority or MCP. */
static enum pith_error check_priority(struct invocation *inv, uint64_t prio)
{
	const struct cap *auth = &inv->caps[0]->cap;

	if (auth->type != PITH_CAP_TCB)
		return inv_error(inv, PITH_E_INVALID_CAPABILITY, 1, 0);
	if (prio > SCHED_PRIORITY_MAX || prio > auth->tcb.tcb->mcp)
		return inv_error(inv, PITH_E_RANGE, 0, 0);
	return PITH_OK;
}

/* args: priority; caps: authority */
enum pith_error decode_tcb_set_priority(struct invocation *inv)
{
	enum pith_error err = check_priority(inv, inv->args[0]);

	if (err == PITH_OK)
		sched_set_priority(inv->slot->cap.tcb.tcb,
				   (unsigned)inv->args[0]);
	return err;
}

/* args: name0, name1: up to 15 printable characters, NUL-padded */
enum pith_error decode_tcb_set_name(struct invocation *inv)
{
	char name[16];
	size_t len = 0;

	for (size_t i = 0; i < sizeof(name); i++)
		name[i] = (char)(inv->args[i / 8] >> (8 * (i % 8)));
	while (len < sizeof(name) - 1 && name[len])
		len++;
	for (size_t i = 0; i < sizeof(name); i++) {
		bool printable = name[i] >= 0x20 && name[i] < 0x7f;

		if (i < len ? !printable : name[i] != 0)
			return inv_error(inv, PITH_E_INVALID_ARGUMENT, i / 8,
					 0);
	}
	if (len == 0)
		return inv_error(inv, PITH_E_INVALID_ARGUMENT, 0, 0);
	memcpy(inv->slot->cap.tcb.tcb->name, name, sizeof(name));
	return PITH_OK;
}

/* args: mcp; caps: authority */
enum pith_error decode_tcb_set_mc_priority(struct invocation *inv)
{
	enum pith_error err = check_priority(inv, inv->args[0]);

	if (err == PITH_OK)
		inv->slot->cap.tcb.tcb->mcp = (uint8_t)inv->args[0];
	return err;
}

enum pith_error decode_tcb_resume(struct invocation *inv)
{
	struct tcb *t = inv->slot->cap.tcb.tcb;

	if (!tcb_vspace_root(t) ||
	    t->slots[TCB_SLOT_CSPACE].cap.type != PITH_CAP_CNODE)
		return PITH_E_ILLEGAL_OPERATION;
	tcb_resume(t);
	return PITH_OK;
}

enum pith_error decode_tcb_suspend(struct invocation *inv)
{
	tcb_suspend(inv->slot->cap.tcb.tcb);
	return PITH_OK;
}
