/*
 * The SDK's C library as the host's tests see it: its headers with every
 * public name prefixed (names.h), so that strchr() in a test calls the
 * library's pithc_strchr(). Include it after every host header; from
 * here on, the test's own calls of these names are the library's.
 *
 * The headers are included by path: the host's string.h and the
 * library's share a name.
 */
#ifndef PITHC_H
#define PITHC_H

#include "names.h"

#include "../../../sdk/libc/include/assert.h"
#include "../../../sdk/libc/include/ctype.h"
#include "../../../sdk/libc/include/errno.h"
#include "../../../sdk/libc/include/pith/stdout.h"
#include "../../../sdk/libc/include/stdio.h"
#include "../../../sdk/libc/include/stdlib.h"
#include "../../../sdk/libc/include/string.h"

#endif
