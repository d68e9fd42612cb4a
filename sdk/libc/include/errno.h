/*
 * errno of the SDK's C library (sdk/libc): one global int, set by the
 * functions that document it (never cleared by them).
 *
 * There is one errno per program, not per thread: the threads of a
 * program (pith/thread.h) share it, so a thread that reads it after a
 * call must not run alongside another thread's calls that set it.
 */
#ifndef PITH_LIBC_ERRNO_H
#define PITH_LIBC_ERRNO_H

extern int errno;

#define EPERM  1  /* operation not permitted */
#define ENOENT 2  /* no such entry */
#define EIO    5  /* input/output error */
#define EBADF  9  /* bad stream */
#define ENOMEM 12 /* not enough memory */
#define EBUSY  16 /* resource busy */
#define EINVAL 22 /* invalid argument */
#define ENOSPC 28 /* no space left */
#define EDOM   33 /* argument out of domain */
#define ERANGE 34 /* result out of range */
#define ENOSYS 38 /* not implemented */
#define EILSEQ 84 /* illegal byte sequence */

#endif
