/*
 * I/O ports as capabilities (see include/caps/ioport.h).
 */
#include "caps/ioport.h"

#include "caps/cdt.h"
#include "kernel/arch.h"
#include "kernel/invocation.h"

#define PORTS 65536

static uint64_t issued[PORTS / 64]; /* one bit per port held by a cap */

/* The bits of issued[w] that ports first..last cover. */
static uint64_t word_mask(uint64_t w, uint64_t first, uint64_t last)
{
	uint64_t lo = w * 64, mask = ~0ULL;

	if (first > lo)
		mask &= ~0ULL << (first - lo);
	if (last < lo + 63)
		mask &= ~0ULL >> (lo + 63 - last);
	return mask;
}

/* A word at a time: a range of all 65,536 ports is 1,024 words. */
static bool any_issued(uint64_t first, uint64_t last)
{
	for (uint64_t w = first / 64; w <= last / 64; w++) {
		if (issued[w] & word_mask(w, first, last))
			return true;
	}
	return false;
}

static void set_issued(uint64_t first, uint64_t last, bool on)
{
	for (uint64_t w = first / 64; w <= last / 64; w++) {
		if (on)
			issued[w] |= word_mask(w, first, last);
		else
			issued[w] &= ~word_mask(w, first, last);
	}
}

void ioport_release(uint64_t first, uint64_t last)
{
	set_issued(first, last, false);
}

/* args: first, last, node_index, node_depth; caps: root */
enum pith_error decode_ioport_control_issue(struct invocation *inv)
{
	uint64_t first = inv->args[0], last = inv->args[1];
	struct cte *dest;
	struct cap c;
	enum pith_error err;

	if (last >= PORTS || first > last)
		return inv_error(inv, PITH_E_RANGE, last >= PORTS ? 1 : 0, 0);
	if (inv->caps[0]->cap.type != PITH_CAP_CNODE)
		return inv_error(inv, PITH_E_INVALID_CAPABILITY, 1, 0);
	err = inv_lookup_slot(inv, &inv->caps[0]->cap, 2, LOOKUP_WHICH_DEST,
			      &dest);
	if (err != PITH_OK)
		return err;
	if (!cap_is_null(&dest->cap))
		return PITH_E_DELETE_FIRST;
	if (any_issued(first, last))
		return PITH_E_IN_USE;
	c = (struct cap){.type = PITH_CAP_IOPORT,
			 .rights = PITH_RIGHTS_ALL,
			 .ioport = {.first = first, .last = last}};
	cdt_insert(inv->slot, dest, c, MDB_REVOCABLE);
	set_issued(first, last, true);
	return PITH_OK;
}

/* Is [port, port + width) inside the capability's range? */
static bool in_range(const struct invocation *inv, uint64_t port,
		     unsigned width)
{
	const struct cap *c = &inv->slot->cap;

	return port >= c->ioport.first && port <= c->ioport.last &&
	       width - 1 <= c->ioport.last - port;
}

static enum pith_error port_in(struct invocation *inv, unsigned width)
{
	uint64_t port = inv->args[0];

	if (!in_range(inv, port, width))
		return inv_error(inv, PITH_E_RANGE, 0, 0);
	inv_return(inv, 0, arch_port_in((uint16_t)port, width));
	return PITH_OK;
}

static enum pith_error port_out(struct invocation *inv, unsigned width)
{
	uint64_t port = inv->args[0];

	if (!in_range(inv, port, width))
		return inv_error(inv, PITH_E_RANGE, 0, 0);
	arch_port_out((uint16_t)port, width, (uint32_t)inv->args[1]);
	return PITH_OK;
}

enum pith_error decode_ioport_in8(struct invocation *inv)
{
	return port_in(inv, 1);
}

enum pith_error decode_ioport_in16(struct invocation *inv)
{
	return port_in(inv, 2);
}

enum pith_error decode_ioport_in32(struct invocation *inv)
{
	return port_in(inv, 4);
}

enum pith_error decode_ioport_out8(struct invocation *inv)
{
	return port_out(inv, 1);
}

enum pith_error decode_ioport_out16(struct invocation *inv)
{
	return port_out(inv, 2);
}

enum pith_error decode_ioport_out32(struct invocation *inv)
{
	return port_out(inv, 4);
}
