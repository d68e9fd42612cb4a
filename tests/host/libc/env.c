/*
 * The SDK's side of the C library on the host (env.h). Compiled without
 * names.h: the host's malloc here is the host's.
 */
#include "env.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heap.h"
#include "libc.h"
#include "pith/pith.h"

size_t env_page_budget = SIZE_MAX;
size_t env_regions, env_maps, env_unmaps;
char env_console[4096];
size_t env_console_len;
bool env_console_fails;
jmp_buf env_exit_jump;
bool env_exit_armed;
int env_exit_status;

void *libc_pages_map(void *ctx, size_t bytes)
{
	void *p;

	(void)ctx;
	if (bytes % HEAP_PAGE || bytes / HEAP_PAGE > env_page_budget)
		return NULL;
	p = aligned_alloc(HEAP_PAGE, bytes);
	if (!p)
		return NULL;
	memset(p, 0xa5, bytes); /* not zeroed: the heap must not count on it */
	env_page_budget -= bytes / HEAP_PAGE;
	env_regions++;
	env_maps++;
	return p;
}

void libc_pages_unmap(void *ctx, void *p, size_t bytes)
{
	(void)ctx;
	env_page_budget += bytes / HEAP_PAGE;
	env_regions--;
	env_unmaps++;
	free(p);
}

bool libc_pages_keep(void *ctx, void *p, size_t bytes)
{
	(void)ctx;
	(void)p;
	(void)bytes;
	return true; /* as the program's own pages: unmapped, they are lost */
}

void env_console_reset(void)
{
	env_console_len = 0;
	env_console[0] = '\0';
	env_console_fails = false;
}

enum pith_error pith_console_write(const char *s, size_t len)
{
	if (env_console_fails)
		return PITH_E_INVALID_CAPABILITY;
	if (len > sizeof(env_console) - 1 - env_console_len)
		len = sizeof(env_console) - 1 - env_console_len;
	memcpy(env_console + env_console_len, s, len);
	env_console_len += len;
	env_console[env_console_len] = '\0';
	return PITH_OK;
}

void pith_exit(int status)
{
	if (!env_exit_armed) {
		fprintf(stderr, "pith_exit(%d) called unexpectedly\n", status);
		abort();
	}
	env_exit_armed = false;
	env_exit_status = status;
	longjmp(env_exit_jump, 1);
}
