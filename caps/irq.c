/*
 * Interrupts as capabilities (see include/caps/irq.h).
 */
#include "caps/irq.h"

#include "caps/cdt.h"
#include "caps/cspace.h"
#include "ipc/notification.h"
#include "kernel/arch.h"
#include "kernel/invocation.h"
#include "kernel/log.h"

struct irq_line {
	bool issued;		   /* an IRQHandler capability exists */
	bool ioapic;		   /* an I/O APIC input (else an MSI vector) */
	bool masked;		   /* waiting for Ack */
	uint32_t gsi;		   /* ioapic: the input */
	struct notification *ntfn; /* signalled on arrival */
	uint64_t badge;		   /* of the notification capability */
};

static struct irq_line lines[256];

bool irq_vector_is_device(unsigned vector)
{
	return vector >= IRQ_VECTOR_GSI_BASE && vector < IRQ_VECTOR_MSI_END;
}

void irq_handle(unsigned vector)
{
	struct irq_line *l = &lines[vector];

	if (!l->issued) {
		pr_warn("irq: vector 0x%x arrived with no handler", vector);
		return;
	}
	/* An I/O APIC line stays masked until the handler acknowledges:
	 * a level-triggered device would otherwise interrupt forever. */
	if (l->ioapic) {
		arch_ioapic_mask(l->gsi, true);
		l->masked = true;
	}
	if (l->ntfn)
		notification_signal(l->ntfn, l->badge);
}

void irq_notification_gone(struct notification *n)
{
	for (unsigned v = 0; v < 256; v++) {
		if (lines[v].ntfn == n)
			lines[v].ntfn = NULL;
	}
}

void irq_handler_destroy(unsigned vector)
{
	struct irq_line *l = &lines[vector];

	if (l->ioapic)
		arch_ioapic_mask(l->gsi, true);
	*l = (struct irq_line){0};
}

/* Put an IRQHandler capability for `vector` into the destination slot
 * (args at index `arg`, `arg` + 1; caps[0] the root CNode). */
static enum pith_error issue(struct invocation *inv, unsigned arg,
			     unsigned vector, struct cte **dest)
{
	enum pith_error err;
	struct cap c = {.type = PITH_CAP_IRQ_HANDLER,
			.rights = PITH_RIGHTS_ALL,
			.irq.vector = vector};

	if (inv->caps[0]->cap.type != PITH_CAP_CNODE)
		return inv_error(inv, PITH_E_INVALID_CAPABILITY, 1, 0);
	err = inv_lookup_slot(inv, &inv->caps[0]->cap, arg, LOOKUP_WHICH_DEST,
			      dest);
	if (err != PITH_OK)
		return err;
	if (!cap_is_null(&(*dest)->cap))
		return PITH_E_DELETE_FIRST;
	if (lines[vector].issued)
		return PITH_E_IN_USE;
	cdt_insert(inv->slot, *dest, c, MDB_REVOCABLE);
	lines[vector].issued = true;
	return PITH_OK;
}

static enum pith_error get_ioapic(struct invocation *inv, unsigned gsi,
				  bool level, bool low, unsigned arg)
{
	unsigned vector = IRQ_VECTOR_GSI_BASE + gsi;
	struct cte *dest;
	enum pith_error err;

	if (gsi >= IRQ_GSI_COUNT || !arch_ioapic_has_gsi(gsi))
		return inv_error(inv, PITH_E_RANGE, 0, 0);
	err = issue(inv, arg, vector, &dest);
	if (err != PITH_OK)
		return err;
	lines[vector].ioapic = true;
	lines[vector].gsi = gsi;
	lines[vector].masked = false;
	arch_ioapic_route(gsi, vector, level, low);
	arch_ioapic_mask(gsi, false);
	return PITH_OK;
}

/* args: irq, node_index, node_depth; caps: root */
enum pith_error decode_irq_control_get_isa(struct invocation *inv)
{
	unsigned gsi;
	bool level, low;

	if (inv->args[0] > 15)
		return inv_error(inv, PITH_E_RANGE, 0, 0);
	arch_isa_irq((unsigned)inv->args[0], &gsi, &level, &low);
	return get_ioapic(inv, gsi, level, low, 1);
}

/* args: gsi, level, active_low, node_index, node_depth; caps: root */
enum pith_error decode_irq_control_get_ioapic(struct invocation *inv)
{
	if (inv->args[0] >= IRQ_GSI_COUNT) /* before it is narrowed */
		return inv_error(inv, PITH_E_RANGE, 0, 0);
	if (inv->args[1] > 1 || inv->args[2] > 1)
		return inv_error(inv, PITH_E_RANGE, inv->args[1] > 1 ? 1 : 2,
				 0);
	return get_ioapic(inv, (unsigned)inv->args[0], inv->args[1],
			  inv->args[2], 3);
}

/* args: node_index, node_depth; caps: root */
enum pith_error decode_irq_control_get_msi(struct invocation *inv)
{
	uint64_t address, data;
	struct cte *dest;
	enum pith_error err;
	unsigned v = IRQ_VECTOR_MSI_BASE;

	while (v < IRQ_VECTOR_MSI_END && lines[v].issued)
		v++;
	if (v == IRQ_VECTOR_MSI_END)
		return PITH_E_EXHAUSTED;
	err = issue(inv, 0, v, &dest);
	if (err != PITH_OK)
		return err;
	arch_msi_message(v, &address, &data);
	inv_return(inv, 0, address);
	inv_return(inv, 1, data);
	return PITH_OK;
}

/* caps: notification */
enum pith_error decode_irq_handler_set_notification(struct invocation *inv)
{
	struct irq_line *l = &lines[inv->slot->cap.irq.vector];
	const struct cap *n = &inv->caps[0]->cap;

	if (n->type != PITH_CAP_NOTIFICATION)
		return inv_error(inv, PITH_E_INVALID_CAPABILITY, 1, 0);
	if (!(n->rights & PITH_RIGHT_WRITE))
		return inv_error(inv, PITH_E_MISSING_RIGHTS, PITH_RIGHT_WRITE,
				 0);
	l->ntfn = n->notification.ntfn;
	l->badge = n->notification.badge;
	return PITH_OK;
}

enum pith_error decode_irq_handler_ack(struct invocation *inv)
{
	struct irq_line *l = &lines[inv->slot->cap.irq.vector];

	if (l->ioapic && l->masked) {
		l->masked = false;
		arch_ioapic_mask(l->gsi, false);
	}
	return PITH_OK;
}

enum pith_error decode_irq_handler_clear(struct invocation *inv)
{
	lines[inv->slot->cap.irq.vector].ntfn = NULL;
	return PITH_OK;
}
