/*
 * Where a program's standard output goes: printf, puts, putchar and the
 * other output functions of stdio.h write through one hook.
 *
 * By default the hook is pith_console_write() (pith/pith.h), the kernel's
 * debug console through the Debug capability. A program that has a
 * better place for its output (a console server's client, say) installs
 * its own writer with pith_set_stdout(). The hook is one global: a
 * program's threads share it, and installing it is not synchronised with
 * their output.
 */
#ifndef PITH_STDOUT_H
#define PITH_STDOUT_H

#include <stddef.h>

#include "pith/abi.h"

/* Write len bytes to standard output through the current hook. */
enum pith_error pith_stdout_write(const char *s, size_t len);

/* Send standard output to `write` from now on; NULL restores the default,
 * pith_console_write(). The writer writes `len` bytes at `s`, all of
 * them, and returns PITH_OK, or an error if they could not be written. */
void pith_set_stdout(enum pith_error (*write)(const char *s, size_t len));

#endif
