/*
 * printf-style formatting without a C library, shared by the kernel's log,
 * the loader's console and user programs.
 *
 * Supported: %% %c %s %d %i %u %x %X %o %p, the flags '-' and '0', a field
 * width and precision (numbers or '*'), and the length modifiers hh h l ll z
 * t j. %p prints 0x followed by 16 hex digits. A NULL %s prints "(null)".
 * Widths and precisions are clamped to 4096.
 */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Where formatted characters go. */
typedef void (*fmt_sink)(char c, void *ctx);

/* Format into `sink`; returns the number of characters produced. */
int fmt_vformat(fmt_sink sink, void *ctx, const char *fmt, va_list ap);

/* Like vsnprintf/snprintf: always NUL-terminates when size > 0 and returns
 * the length the full output would have had. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
