/*
 * I/O ports as capabilities. IOPortControl issues IOPort capabilities for
 * ranges of ports no other capability holds; the kernel performs the
 * accesses an IOPort capability's holder asks for, within its range.
 */
#ifndef CAPS_IOPORT_H
#define CAPS_IOPORT_H

#include "kernel/compiler.h"

/* The last capability to [first, last] is gone: the ports are free. */
void ioport_release(uint64_t first, uint64_t last);

#endif
