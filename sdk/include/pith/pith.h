/*
 * The Pith user API for programs and servers.
 */
#ifndef PITH_PITH_H
#define PITH_PITH_H

#include <stdarg.h>
#include <stddef.h>

#include "pith/error.h"

/* Write len bytes to the kernel's debug console. */
enum pith_error pith_debug_write(const char *s, size_t len);
/* Write a NUL-terminated string to the kernel's debug console. */
enum pith_error pith_debug_puts(const char *s);
/* printf to the debug console (lib/format.h conversions); returns the
 * length of the formatted text. */
int pith_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* End the calling thread with `status`. */
_Noreturn void pith_exit(int status);
/* The name of an error code, e.g. "PITH_E_FAULT". */
const char *pith_error_name(enum pith_error err);

#endif
