/*
 * How the kernel stops the machine, and the status it reports.
 *
 * With "debug_exit" on the command line (test images), the kernel writes
 * the status to QEMU's isa-debug-exit device (I/O port 0xf4), and QEMU exits
 * with (status << 1) | 1. Without it, the kernel halts.
 */
#ifndef KERNEL_SHUTDOWN_H
#define KERNEL_SHUTDOWN_H

#include "kernel/compiler.h"

enum shutdown_status {
	SHUTDOWN_PASS = 0x10,	    /* QEMU exit 33: root task exited with 0 */
	SHUTDOWN_FAIL = 0x11,	    /* QEMU exit 35: root task exited non-0 */
	SHUTDOWN_PANIC = 0x12,	    /* QEMU exit 37: kernel panic */
	SHUTDOWN_USER_FAULT = 0x13, /* QEMU exit 39: root task faulted */
};

void shutdown_init(const char *cmdline);
bool shutdown_via_debug_exit(void);
_Noreturn void shutdown(enum shutdown_status status);

#endif
