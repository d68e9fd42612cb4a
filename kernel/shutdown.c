/*
 * Stopping the machine (see include/kernel/shutdown.h).
 */
#include "kernel/shutdown.h"

#include "caps/tcb.h"
#include "kernel/arch.h"
#include "kernel/log.h"
#include "lib/cmdline.h"

static bool debug_exit;
static const struct tcb *root;

void shutdown_init(const char *cmdline)
{
	debug_exit = cmdline_flag(cmdline, "debug_exit");
}

void shutdown_watch(const struct tcb *t)
{
	root = t;
}

enum shutdown_status shutdown_idle_status(void)
{
	return root && root->faulted ? SHUTDOWN_USER_FAULT : SHUTDOWN_FAIL;
}

bool shutdown_via_debug_exit(void)
{
	return debug_exit;
}

void shutdown_machine(enum shutdown_status status)
{
	if (debug_exit) {
		kprintf("pith: exiting QEMU with status 0x%x\n", status);
		arch_debug_exit(status);
	}
	kprintf("pith: halted\n");
	arch_halt();
}
