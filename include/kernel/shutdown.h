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
	SHUTDOWN_PASS = 0x10,	    /* QEMU exit 33: shut down with status 0 */
	SHUTDOWN_FAIL = 0x11,	    /* QEMU exit 35: with another status, or
				       nothing left to run */
	SHUTDOWN_PANIC = 0x12,	    /* QEMU exit 37: kernel panic */
	SHUTDOWN_USER_FAULT = 0x13, /* QEMU exit 39: root task faulted */
};

struct tcb;

void shutdown_init(const char *cmdline);
/* The root task: if the system goes idle, how it ended is the status. */
void shutdown_watch(const struct tcb *root);
/* The status for a system with nothing left to run. */
enum shutdown_status shutdown_idle_status(void);
bool shutdown_via_debug_exit(void);
_Noreturn void shutdown_machine(enum shutdown_status status);

#endif
