/*
 * The Pith user API for programs and servers: the generated invocation
 * stubs, boot information, and conveniences built on them.
 */
#ifndef PITH_PITH_H
#define PITH_PITH_H

#include <stdarg.h>
#include <stddef.h>

#include "pith/abi.h"
#include "pith/bootinfo.h"
#include "pith/invocations.h"
#include "pith/ipc.h"

/* The boot-info page, for the root task (NULL in other programs). */
extern const struct pith_bootinfo *pith_bootinfo;

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

/* End the program. For now the root task is the only program and its end
 * is the system's: this stops the machine (Debug.Shutdown with `status`). */
_Noreturn void pith_exit(int status);

/* The name of an error code, e.g. "PITH_E_FAULT". */
const char *pith_error_name(enum pith_error err);

#endif
