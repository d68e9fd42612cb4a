/*
 * Output functions of the SDK's C library (sdk/libc).
 *
 * There are no files: stdout and stderr are the only streams, and both
 * go to the program's standard output (pith/stdout.h: the kernel's debug
 * console unless the program installed another writer). Output is not
 * buffered between calls: each call writes what it produced before it
 * returns, in one piece if it is at most 256 bytes long, so lines from
 * different programs do not interleave mid-line.
 *
 * The conversions are lib/format.h's: %% %c %s %d %i %u %x %X %o %p, the
 * flags '-' and '0', width and precision (numbers or '*') and the length
 * modifiers hh h l ll z t j. There is no floating point.
 */
#ifndef PITH_LIBC_STDIO_H
#define PITH_LIBC_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

/* A stream: only stdout and stderr exist. */
typedef struct pith_file FILE;

extern FILE *const stdout;
extern FILE *const stderr;

/* Format to standard output; the number of characters written, or a
 * negative value (errno EIO) if the writer failed. */
int printf(const char *restrict fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *restrict fmt, va_list ap);

/* The same to a stream; a stream other than stdout or stderr gives a
 * negative value and errno EBADF. */
int fprintf(FILE *restrict f, const char *restrict fmt, ...)
	__attribute__((format(printf, 2, 3)));
int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap);

/* Format into the `size`-byte buffer buf, always terminated when size >
 * 0; returns the length the whole text has (size or more: it was cut). */
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
	      va_list ap);

/* Write s and a newline to standard output: a non-negative value, or EOF
 * (errno EIO) if the writer failed. */
int puts(const char *s);

/* Write s (fputs) or the byte (unsigned char)c (fputc, putc, putchar) to
 * the stream: a non-negative value (c for the byte ones), or EOF (errno
 * EIO, or EBADF for a stream that is not stdout or stderr). */
int fputs(const char *restrict s, FILE *restrict f);
int fputc(int c, FILE *f);
int putc(int c, FILE *f);
int putchar(int c);

/* Nothing is buffered: returns 0 for stdout, stderr and NULL (all
 * streams), EOF (errno EBADF) for anything else. */
int fflush(FILE *f);

#endif
