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
	pith_cptr_t root;    /* a directory handle of the VFS */
};

extern struct shell_caps sh;

/* Output on the console (main.c). */
void sh_write(const char *s, size_t len);
void sh_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The file commands (files.c). */
void sh_cmd_ls(const struct args *a);
void sh_cmd_cat(const struct args *a);
void sh_cmd_write(const struct args *a);
void sh_cmd_cp(const struct args *a);
void sh_cmd_mv(const struct args *a);
void sh_cmd_rm(const struct args *a);
void sh_cmd_mkdir(const struct args *a);
void sh_cmd_df(const struct args *a);
void sh_cmd_mount(const struct args *a);
void sh_cmd_cd(const struct args *a);
void sh_cmd_pwd(const struct args *a);

/* Run one command line, split into words (commands.c). */
void sh_run(const struct args *a);

#endif
