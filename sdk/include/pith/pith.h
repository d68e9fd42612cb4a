/*
 * The Pith user API for programs and servers: the generated invocation
 * stubs, boot and start information, and conveniences built on them:
 * slot and object allocators (pith/alloc.h), the program's own address
 * space (pith/vm.h), threads (pith/thread.h), the initrd (pith/initrd.h),
 * new programs in address spaces of their own (pith/process.h) and
 * pseudo-random numbers (pith/random.h).
 * docs/sdk.md shows how they fit together.
 */
#ifndef PITH_PITH_H
#define PITH_PITH_H

#include <stdarg.h>
#include <stddef.h>

#include "pith/abi.h"
#include "pith/alloc.h"
#include "pith/bootinfo.h"
#include "pith/initrd.h"
#include "pith/invocations.h"
#include "pith/ipc.h"
#include "pith/process.h"
#include "pith/random.h"
#include "pith/startinfo.h"
#include "pith/thread.h"
#include "pith/vm.h"

/* The boot-info page, for the root task (NULL in other programs). */
extern const struct pith_bootinfo *pith_bootinfo;

/* The startinfo page, for a program another one spawned (NULL in the root
 * task). pith_start() tells the two apart by the page's magic. */
extern const struct pith_startinfo *pith_startinfo;

/*
 * Every program's main: pith_start() calls it once the start-up page is
 * known, and passes its return value to pith_exit(). argv[0] is the
 * program's name (the root task's: "init", or the kernel command line's
 * init=NAME), then the arguments its parent gave (pith_spawn_args.argv);
 * argv[argc] is NULL. The strings are the program's own, writable.
 */
int main(int argc, char **argv);

/* The first slot of the capability range named `name` in the startinfo
 * page (pith_spawn_cap.name), with *count (if not NULL) its number of
 * slots. 0 (and *count 0) if there is no such range, and in the root
 * task, which has no names. */
pith_cptr_t pith_cap_range(const char *name, unsigned *count);
/* The same, the first slot alone: pith_cap("service"). */
pith_cptr_t pith_cap(const char *name);

/* The Debug capability used for console output (the root task's
 * PITH_SLOT_DEBUG unless changed). */
extern pith_cptr_t pith_debug_cap;

/* Write len bytes, or a string, to the kernel's debug console (through
 * pith_debug_cap). */
enum pith_error pith_console_write(const char *s, size_t len);
enum pith_error pith_console_puts(const char *s);
/* printf to the debug console (lib/format.h conversions); returns the
 * length of the formatted text. */
int pith_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* End the program (main's return value comes here too).
 *  - The root task's end is the system's: this stops the machine
 *    (Debug.Shutdown with `status`).
 *  - A spawned program sends the exit message (pith/startinfo.h) with
 *    `status` on its exit endpoint, if its parent gave it one, and then
 *    suspends its thread (PITH_SLOT_TCB) for good: its parent destroys it.
 *    Call it from that, the program's first thread; other threads go on
 *    until the parent destroys the program. */
_Noreturn void pith_exit(int status);

/* The name of an error code, e.g. "PITH_E_FAULT". */
const char *pith_error_name(enum pith_error err);

#endif
