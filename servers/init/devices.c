/*
 * The `devices` protocol (sdk/idl/proto/devices.pidl): device memory and
 * MSI vectors for a server whose manifest line has the `devices` option
 * (the PCI bus server).
 *
 * Memory: init splits its device untyped in halves down to exactly the
 * block asked for (power.c keeps the splits) and retypes it whole into a
 * child untyped in the caller's CNode. What a block is doing needs no
 * table of ours: a block given away has a watermark (its child), which
 * the kernel resets once the child and all made from it are gone (the
 * server died), so the same block can then be given again; a block
 * that was split further (the ACPI pages power.c reads, smaller blocks
 * given before) is refused, and so is a block inside one given whole.
 * The framebuffer's frames are made by the kernel outside the device
 * untyped, so they are checked by address.
 *
 * MSI: IRQControl.GetMSI with the caller's CNode as the destination.
 *
 * I/O ports: IOPortControl.Issue into the caller's CNode. The kernel
 * refuses a port some capability holds already, and lets it go when
 * that capability is deleted (with the server that held it).
 */
#include "devices.h"

#include "init.h"
#include "pith/proto/devices.h"

#define BITS_MIN 12
#define BITS_MAX 32

/* The server a client's badge names, if its line has `devices`. */
static const struct server *granted(const struct pith_request *rq)
{
	uint64_t index = rq->badge & BADGE_INDEX;

	if (!(rq->badge & BADGE_CLIENT) || index >= nservers ||
	    !servers[index].m->devices ||
	    servers[index].state != SERVER_RUNNING)
		return NULL;
	return &servers[index];
}

static bool overlaps_framebuffer(uint64_t paddr, uint64_t size)
{
	const struct pith_bootinfo_framebuffer *fb =
		&pith_bootinfo->framebuffer;

	return fb->paddr && paddr < fb->paddr + fb->size &&
	       fb->paddr < paddr + size;
}

static enum pith_error do_memory(struct pith_request *rq, uint64_t paddr,
				 uint32_t size_bits, uint64_t slot)
{
	const struct server *s = granted(rq);
	uint64_t base, bits, watermark, device;
	pith_cptr_t block;
	bool split;
	enum pith_error err;

	if (!s)
		return PITH_E_MISSING_RIGHTS;
	if (size_bits < BITS_MIN || size_bits > BITS_MAX)
		return PITH_E_RANGE;
	if (paddr & ((1ULL << size_bits) - 1))
		return PITH_E_ALIGNMENT;
	if (slot >> s->proc.cnode_bits)
		return PITH_E_RANGE;
	if (overlaps_framebuffer(paddr, 1ULL << size_bits))
		return PITH_E_IN_USE;
	err = device_block(paddr, size_bits, &block, &split);
	if (err != PITH_OK)
		return err;
	err = pith_untyped_describe(block, &base, &bits, &watermark, &device);
	if (err != PITH_OK)
		return err;
	if (split || watermark != 0)
		return PITH_E_IN_USE;
	return pith_untyped_retype(block, PITH_SLOT_CNODE, PITH_OBJ_UNTYPED,
				   size_bits, s->proc.cnode, PITH_SLOT_DEPTH,
				   slot, 1);
}

static enum pith_error do_msi(struct pith_request *rq, uint64_t slot,
			      uint64_t *address, uint32_t *data)
{
	const struct server *s = granted(rq);
	uint64_t d = 0;
	enum pith_error err;

	if (!s)
		return PITH_E_MISSING_RIGHTS;
	if (slot >> s->proc.cnode_bits)
		return PITH_E_RANGE;
	err = pith_irq_control_get_msi(PITH_SLOT_IRQ_CONTROL, s->proc.cnode,
				       slot, s->proc.cnode_bits, address, &d);
	*data = err == PITH_OK ? (uint32_t)d : 0;
	return err;
}

static enum pith_error do_ioport(struct pith_request *rq, uint16_t first,
				 uint16_t count, uint64_t slot)
{
	const struct server *s = granted(rq);

	if (!s)
		return PITH_E_MISSING_RIGHTS;
	if (!count || (uint32_t)first + count > 0x10000 ||
	    slot >> s->proc.cnode_bits)
		return PITH_E_RANGE;
	return pith_ioport_control_issue(
		PITH_SLOT_IOPORT_CONTROL, s->proc.cnode, first,
		(uint32_t)first + count - 1, slot, s->proc.cnode_bits);
}

const struct devices_server devices_ops = {
	.memory = do_memory,
	.msi = do_msi,
	.ioport = do_ioport,
};
