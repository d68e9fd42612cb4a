/*
 * shell: the prompt on the console (docs/shell.md). main.c reads lines
 * with the line editor and runs them; commands.c holds the commands.
 */
#ifndef SHELL_SHELL_H
#define SHELL_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "args.h"
#include "pith/pith.h"

/* The capabilities the shell works with (0: not given). */
struct shell_caps {
	pith_cptr_t console; /* chardev: where it reads and writes */
	pith_cptr_t procmgr; /* the process manager */
	pith_cptr_t init;    /* init's protocol */
	pith_cptr_t power;   /* the same, with the power right */
};

extern struct shell_caps sh;

/* Output on the console (main.c). */
void sh_write(const char *s, size_t len);
void sh_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Run one command line, split into words (commands.c). */
void sh_run(const struct args *a);

#endif
