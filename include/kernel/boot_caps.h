/*
 * The root task's initial capabilities (kernel/boot_caps.c).
 */
#ifndef KERNEL_BOOT_CAPS_H
#define KERNEL_BOOT_CAPS_H

#include "boot/boot_info.h"
#include "caps/cap.h"
#include "pith/bootinfo.h"

/* How many untyped capabilities boot_untyped_create() may make, at most. */
size_t boot_untyped_estimate(const struct boot_info *bi);

/* Untyped capabilities for the free RAM (after every boot allocation) and
 * the device space, into slots [first, end), described in `info`. Returns
 * the first slot after them. */
size_t boot_untyped_create(const struct boot_info *bi, struct cte *slots,
			   size_t first, size_t end,
			   struct pith_bootinfo *info);

/* Frame capabilities of 2^bits bytes covering [paddr, paddr + size), as far
 * as whole frames go, into slots from `first`. Returns the next slot. */
size_t boot_frames(struct cte *slots, size_t first, uint64_t paddr,
		   uint64_t size, unsigned bits, unsigned rights, bool device);

#endif
