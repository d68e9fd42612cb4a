/*
 * Creating objects from untyped memory, and destroying them when their
 * last capability goes (see include/caps/object.h).
 */
#include "caps/object.h"

#include "caps/asid.h"
#include "caps/ioport.h"
#include "caps/irq.h"
#include "caps/tcb.h"
#include "caps/vspace.h"
#include "ipc/endpoint.h"
#include "ipc/ipc.h"
#include "ipc/notification.h"
#include "kernel/mem.h"
#include "kernel/panic.h"
#include "lib/string.h"

int object_size_bits(unsigned type, uint64_t size_bits)
{
	switch (type) {
	case PITH_OBJ_UNTYPED:
		if (size_bits < UNTYPED_MIN_BITS ||
		    size_bits > UNTYPED_MAX_BITS)
			return -1;
		return (int)size_bits;
	case PITH_OBJ_CNODE:
		if (size_bits < CNODE_MIN_BITS || size_bits > CNODE_MAX_BITS)
			return -1;
		return (int)size_bits + CTE_SIZE_BITS;
	case PITH_OBJ_TCB:
		return TCB_SIZE_BITS;
	case PITH_OBJ_ENDPOINT:
		return ENDPOINT_SIZE_BITS;
	case PITH_OBJ_NOTIFICATION:
		return NOTIFICATION_SIZE_BITS;
	case PITH_OBJ_FRAME_2M:
		return LARGE_PAGE_BITS;
	case PITH_OBJ_FRAME_4K:
	case PITH_OBJ_PAGE_TABLE:
	case PITH_OBJ_PAGE_DIRECTORY:
	case PITH_OBJ_PDPT:
	case PITH_OBJ_VSPACE:
		return PAGE_BITS;
	default:
		return -1;
	}
}

bool object_is_frame(unsigned type)
{
	return type == PITH_OBJ_FRAME_4K || type == PITH_OBJ_FRAME_2M;
}

static struct cap paging_cap(unsigned type, uint64_t paddr, unsigned bits)
{
	static const uint8_t cap_types[] = {
		[PITH_OBJ_FRAME_4K] = PITH_CAP_FRAME,
		[PITH_OBJ_FRAME_2M] = PITH_CAP_FRAME,
		[PITH_OBJ_PAGE_TABLE] = PITH_CAP_PAGE_TABLE,
		[PITH_OBJ_PAGE_DIRECTORY] = PITH_CAP_PAGE_DIRECTORY,
		[PITH_OBJ_PDPT] = PITH_CAP_PDPT,
		[PITH_OBJ_VSPACE] = PITH_CAP_VSPACE,
	};

	return (struct cap){.type = cap_types[type],
			    .rights = PITH_RIGHTS_ALL,
			    .size_bits = (uint8_t)bits,
			    .page.paddr = paddr};
}

struct cap object_create(unsigned type, uint64_t paddr, unsigned size_bits,
			 bool device)
{
	void *p = phys_to_virt(paddr);
	struct cap c = {.rights = PITH_RIGHTS_ALL};

	/* Nothing of a previous object may show through: zero it all.
	 * Device memory is not RAM and is left alone. */
	if (!device)
		memset(p, 0, 1ULL << size_bits);
	switch (type) {
	case PITH_OBJ_UNTYPED:
		c.type = PITH_CAP_UNTYPED;
		c.size_bits = (uint8_t)size_bits;
		c.flags = device ? CAP_F_DEVICE : 0;
		c.untyped.paddr = paddr;
		return c;
	case PITH_OBJ_TCB:
		tcb_init(p, "");
		c.type = PITH_CAP_TCB;
		c.tcb.tcb = p;
		return c;
	case PITH_OBJ_ENDPOINT:
		c.type = PITH_CAP_ENDPOINT;
		c.endpoint.ep = p;
		return c;
	case PITH_OBJ_NOTIFICATION:
		c.type = PITH_CAP_NOTIFICATION;
		c.notification.ntfn = p;
		return c;
	case PITH_OBJ_CNODE:
		c.type = PITH_CAP_CNODE;
		c.size_bits = (uint8_t)(size_bits - CTE_SIZE_BITS);
		c.cnode.slots = p;
		return c;
	case PITH_OBJ_VSPACE:
		arch_vspace_init(paddr);
		return paging_cap(type, paddr, size_bits);
	default:
		c = paging_cap(type, paddr, size_bits);
		if (device)
			c.flags |= CAP_F_DEVICE;
		return c;
	}
}

void object_finalise(struct cte *slot, bool final)
{
	struct cap *c = &slot->cap;

	switch (c->type) {
	case PITH_CAP_FRAME:
		/* Each frame capability holds its own mapping. */
		if (c->flags & CAP_F_MAPPED)
			page_unmap(c);
		break;
	case PITH_CAP_PAGE_TABLE:
	case PITH_CAP_PAGE_DIRECTORY:
	case PITH_CAP_PDPT:
		if (final && (c->flags & CAP_F_MAPPED))
			page_unmap(c);
		break;
	case PITH_CAP_VSPACE:
		if (final && c->page.asid)
			asid_release(c->page.asid, c->page.paddr);
		break;
	case PITH_CAP_ENDPOINT:
		if (final)
			endpoint_destroy(c->endpoint.ep);
		break;
	case PITH_CAP_NOTIFICATION:
		if (final)
			notification_destroy(c->notification.ntfn);
		break;
	case PITH_CAP_ASID_POOL:
		if (final)
			asid_pool_destroy(c->asid_pool.pool, c->asid_pool.base);
		break;
	case PITH_CAP_IRQ_HANDLER:
		if (final)
			irq_handler_destroy((unsigned)c->irq.vector);
		break;
	case PITH_CAP_IOPORT:
		if (final)
			ioport_release(c->ioport.first, c->ioport.last);
		break;
	case PITH_CAP_REPLY:
		ipc_reply_cap_gone(c); /* unused: the caller is told */
		break;
	case PITH_CAP_CNODE:
	case PITH_CAP_TCB:
		/* Containers are emptied by cte_delete(); only their last
		 * capability counts, and that never comes here. */
		KASSERT(!final);
		break;
	default:
		break;
	}
}
