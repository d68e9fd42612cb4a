/*
 * assert() of the SDK's C library (sdk/libc).
 *
 * assert(e) does nothing if e is true; if it is false, it prints
 *   assertion failed: <e> (<file>:<line>)
 * on stdout (pith/stdout.h) and ends the program with status 134
 * (pith_exit()). With NDEBUG defined where this header is included,
 * assert(e) does not evaluate e at all. Like the C library's, this header
 * may be included again after NDEBUG changes.
 */
#undef assert

#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e) ((e) ? (void)0 : pith_assert_fail(#e, __FILE__, __LINE__))
#endif

#ifndef PITH_LIBC_ASSERT_H
#define PITH_LIBC_ASSERT_H

#define static_assert _Static_assert

/* What a failed assert() calls: print the message above and end the
 * program. */
_Noreturn void pith_assert_fail(const char *expr, const char *file, int line);

#endif
