/*
 * Standard output (stdio.h, pith/stdout.h): formatting is lib/format.c's;
 * what a call produces is gathered in a buffer on the stack and written
 * through the hook when the buffer is full and when the call ends.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/format.h"
#include "pith/pith.h"
#include "pith/stdout.h"

#define OUT_BUF 256 /* bytes a call writes in one piece */

/* A stream is only a name for standard output. */
struct pith_file {
	char unused;
};

static struct pith_file streams[2];
FILE *const stdout = &streams[0];
FILE *const stderr = &streams[1];

static enum pith_error (*writer)(const char *s,
				 size_t len) = pith_console_write;

enum pith_error pith_stdout_write(const char *s, size_t len)
{
	return writer(s, len);
}

void pith_set_stdout(enum pith_error (*write)(const char *s, size_t len))
{
	writer = write ? write : pith_console_write;
}

/* The output of one call. */
struct out {
	size_t len;  /* bytes in buf */
	bool failed; /* a write failed */
	char buf[OUT_BUF];
};

static void flush(struct out *o)
{
	if (o->len && pith_stdout_write(o->buf, o->len) != PITH_OK)
		o->failed = true;
	o->len = 0;
}

static void sink(char c, void *ctx)
{
	struct out *o = ctx;

	if (o->len == sizeof(o->buf))
		flush(o);
	o->buf[o->len++] = c;
}

static void sink_str(struct out *o, const char *s)
{
	while (*s)
		sink(*s++, o);
}

/* Write what is left; `result` if every write succeeded, else EOF. */
static int finish(struct out *o, int result)
{
	flush(o);
	if (o->failed) {
		errno = EIO;
		return EOF;
	}
	return result;
}

static bool is_stream(const FILE *f)
{
	if (f == stdout || f == stderr)
		return true;
	errno = EBADF;
	return false;
}

int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
	struct out o;
	int n;

	if (!is_stream(f))
		return EOF;
	o.len = 0;
	o.failed = false;
	n = fmt_vformat(sink, &o, fmt, ap);
	return finish(&o, n);
}

int fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *restrict fmt, va_list ap)
{
	return vfprintf(stdout, fmt, ap);
}

int printf(const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
	      va_list ap)
{
	return fmt_vsnprintf(buf, size, fmt, ap);
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int puts(const char *s)
{
	struct out o;

	o.len = 0;
	o.failed = false;
	sink_str(&o, s);
	sink('\n', &o);
	return finish(&o, 0);
}

int fputs(const char *restrict s, FILE *restrict f)
{
	struct out o;

	if (!is_stream(f))
		return EOF;
	o.len = 0;
	o.failed = false;
	sink_str(&o, s);
	return finish(&o, 0);
}

int fputc(int c, FILE *f)
{
	char byte = (char)(unsigned char)c;

	if (!is_stream(f))
		return EOF;
	if (pith_stdout_write(&byte, 1) != PITH_OK) {
		errno = EIO;
		return EOF;
	}
	return (unsigned char)c;
}

int putc(int c, FILE *f)
{
	return fputc(c, f);
}

int putchar(int c)
{
	return fputc(c, stdout);
}

int fflush(FILE *f)
{
	if (f && !is_stream(f))
		return EOF;
	return 0;
}
