/*
 * What the SDK's C library needs from the SDK and the system, for the
 * host's tests (env.c): the heap's pages from the host, with a budget;
 * the debug console, captured; pith_exit(), which returns to the test.
 */
#ifndef TEST_LIBC_ENV_H
#define TEST_LIBC_ENV_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>

/* Pages the library may still map (libc_pages_map fails beyond). */
extern size_t env_page_budget;
/* Regions mapped now, and calls of map and unmap so far. */
extern size_t env_regions, env_maps, env_unmaps;

/* What pith_console_write() got since the last env_console_reset(). */
extern char env_console[4096];
extern size_t env_console_len;
/* Make pith_console_write() fail (as without a Debug capability). */
extern bool env_console_fails;
void env_console_reset(void);

/* pith_exit(status) sets env_exit_status and longjmps here with 1 when
 * env_exit_armed is true (and disarms it); otherwise it ends the test
 * binary with a message. */
extern jmp_buf env_exit_jump;
extern bool env_exit_armed;
extern int env_exit_status;

#endif
