/*
 * A watchdog thread for the in-QEMU test programs that must never block
 * for good (ktest's IPC suites, the fuzzing task). It runs at the lowest
 * priority, so only when every other thread is blocked (or starved); it
 * counts the time it runs itself from each arming and, once that reaches
 * `limit` cycles, signals `cap` (a badged copy of a notification bound to
 * the waiting thread), which ends the wait. It never blocks. Arm it by
 * setting `restart` and resuming its thread; suspend it to disarm.
 */
#ifndef TESTS_USER_WATCHDOG_H
#define TESTS_USER_WATCHDOG_H

#include "pith/pith.h"

struct watchdog {
	pith_cptr_t cap;	 /* signalled when it fires */
	volatile uint64_t limit; /* TSC cycles of running alone */
	uint64_t gap;		 /* a pause this long is other threads' time */
	volatile uint64_t restart; /* set to count from 0 again */
};

/* Thread body; `wd` is a struct watchdog *. */
void watchdog_run(uint64_t wd);

#endif
