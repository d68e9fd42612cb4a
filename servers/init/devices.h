/*
 * Device resources for the PCI bus server (docs/system.md, the `devices`
 * option): blocks of device memory and MSI vectors, served as the
 * `devices` protocol (sdk/idl/proto/devices.pidl) on init's endpoint.
 */
#ifndef INIT_DEVICES_H
#define INIT_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

#include "pith/pith.h"
#include "pith/proto/devices.h"

/* The protocol's handlers, for init's list of services (with the
 * generated devices_service). */
extern const struct devices_server devices_ops;

/* (power.c) The untyped of the block of 2^bits bytes at paddr, split out
 * of init's device untyped (each split kept): *split says whether the
 * block itself has been split further. PITH_E_RANGE: no device untyped
 * holds it; PITH_E_IN_USE: a block on the way is used whole. */
enum pith_error device_block(uint64_t paddr, unsigned bits, pith_cptr_t *out,
			     bool *split);

#endif
