/*
 * The kernel command line (\pith\boot.cfg): words separated by blanks or
 * newlines, each either a flag ("debug_exit") or key=value ("init=init").
 * Lines starting with '#' are comments. The last occurrence of a key wins.
 */
#ifndef LIB_CMDLINE_H
#define LIB_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Copy the value of `key` into val (size bytes, NUL-terminated). Returns
 * false if the key is absent, has no '=value', or the value does not fit.
 */
bool cmdline_get(const char *cmdline, const char *key, char *val, size_t size);

/*
 * Normalise a configuration text (boot.cfg) into a command line: comments
 * dropped, words separated by single spaces. Returns false, with dst
 * holding what fit, if the result needs more than `size` bytes (NUL
 * included).
 */
bool cmdline_normalize(char *dst, size_t size, const char *src);

/* Is `key` present at all, as a flag or with a value? */
bool cmdline_has(const char *cmdline, const char *key);

/* Is `flag` present, either bare or as flag=1/yes/on/true? */
bool cmdline_flag(const char *cmdline, const char *flag);

#endif
