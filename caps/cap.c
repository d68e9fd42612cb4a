/*
 * Relations between capabilities (see include/caps/cap.h).
 */
#include "caps/cap.h"

#include "caps/object.h"
#include "kernel/mem.h"

bool cap_region(const struct cap *c, uint64_t *base, uint64_t *size)
{
	switch (c->type) {
	case PITH_CAP_UNTYPED:
		*base = c->untyped.paddr;
		*size = 1ULL << c->size_bits;
		return true;
	case PITH_CAP_FRAME:
	case PITH_CAP_PAGE_TABLE:
	case PITH_CAP_PAGE_DIRECTORY:
	case PITH_CAP_PDPT:
	case PITH_CAP_VSPACE:
		*base = c->page.paddr;
		*size = 1ULL << c->size_bits;
		return true;
	case PITH_CAP_CNODE:
		*base = virt_to_phys(c->cnode.slots);
		*size = 1ULL << (c->size_bits + CTE_SIZE_BITS);
		return true;
	case PITH_CAP_TCB:
		*base = virt_to_phys(c->tcb.tcb);
		*size = 1ULL << TCB_SIZE_BITS;
		return true;
	case PITH_CAP_ENDPOINT:
		*base = virt_to_phys(c->endpoint.ep);
		*size = 1ULL << ENDPOINT_SIZE_BITS;
		return true;
	case PITH_CAP_NOTIFICATION:
		*base = virt_to_phys(c->notification.ntfn);
		*size = 1ULL << NOTIFICATION_SIZE_BITS;
		return true;
	case PITH_CAP_ASID_POOL:
		*base = virt_to_phys(c->asid_pool.pool);
		*size = PAGE_SIZE;
		return true;
	default:
		return false;
	}
}

/* Does [base, base + size) of `b` lie in the untyped `a`? */
static bool untyped_covers(const struct cap *a, const struct cap *b)
{
	uint64_t base, size, end = a->untyped.paddr + (1ULL << a->size_bits);

	if (!cap_region(b, &base, &size))
		return false;
	return base >= a->untyped.paddr && base + size <= end;
}

bool cap_same_region(const struct cap *a, const struct cap *b)
{
	switch (a->type) {
	case PITH_CAP_UNTYPED:
		return untyped_covers(a, b);
	case PITH_CAP_IRQ_CONTROL:
		return b->type == PITH_CAP_IRQ_CONTROL ||
		       b->type == PITH_CAP_IRQ_HANDLER;
	case PITH_CAP_IOPORT_CONTROL:
		return b->type == PITH_CAP_IOPORT_CONTROL ||
		       b->type == PITH_CAP_IOPORT;
	case PITH_CAP_ASID_CONTROL:
		return b->type == PITH_CAP_ASID_CONTROL ||
		       b->type == PITH_CAP_ASID_POOL;
	default:
		return cap_same_object(a, b);
	}
}

bool cap_same_object(const struct cap *a, const struct cap *b)
{
	uint64_t ab, as, bb, bs;

	if (a->type != b->type)
		return false;
	switch (a->type) {
	case PITH_CAP_NULL:
	case CAP_ZOMBIE:
		return false;
	case PITH_CAP_IRQ_HANDLER:
		return a->irq.vector == b->irq.vector;
	case PITH_CAP_REPLY:
		return a->reply.tcb == b->reply.tcb;
	case PITH_CAP_IOPORT:
		return a->ioport.first == b->ioport.first &&
		       a->ioport.last == b->ioport.last;
	case PITH_CAP_IRQ_CONTROL:
	case PITH_CAP_IOPORT_CONTROL:
	case PITH_CAP_ASID_CONTROL:
	case PITH_CAP_DEBUG:
		return true; /* there is one of each */
	default:
		if (!cap_region(a, &ab, &as) || !cap_region(b, &bb, &bs))
			return false;
		return ab == bb && as == bs;
	}
}

bool cap_needs_finalise(const struct cap *c)
{
	switch (c->type) {
	case PITH_CAP_TCB:
	case PITH_CAP_CNODE:
	case PITH_CAP_ENDPOINT:
	case PITH_CAP_NOTIFICATION:
	case PITH_CAP_PAGE_TABLE:
	case PITH_CAP_PAGE_DIRECTORY:
	case PITH_CAP_PDPT:
	case PITH_CAP_VSPACE:
	case PITH_CAP_ASID_POOL:
	case PITH_CAP_IRQ_HANDLER:
	case PITH_CAP_IOPORT:
	case PITH_CAP_REPLY:
		return true;
	default:
		return false;
	}
}

uint64_t cap_badge(const struct cap *c)
{
	switch (c->type) {
	case PITH_CAP_ENDPOINT:
		return c->endpoint.badge;
	case PITH_CAP_NOTIFICATION:
		return c->notification.badge;
	case PITH_CAP_CNODE:
		return c->u32 | c->cnode.guard << 6;
	default:
		return 0;
	}
}
