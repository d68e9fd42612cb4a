/*
 * What a failed assert() does (assert.h).
 */
#include <assert.h>
#include <stdio.h>

#include "libc.h"
#include "pith/pith.h"

void pith_assert_fail(const char *expr, const char *file, int line)
{
	printf("assertion failed: %s (%s:%d)\n", expr, file, line);
	pith_exit(LIBC_ABORT_STATUS);
}
