/*
 * The kernel log, on the serial console. Every line carries its level:
 * "[E] ", "[W] ", "[I] " or "[D] ". The command line's loglevel= (error,
 * warn, info, debug) sets the threshold; panics always print.
 */
#ifndef KERNEL_LOG_H
#define KERNEL_LOG_H

#include <stdarg.h>

#include "kernel/compiler.h"

enum log_level {
	LOG_ERROR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

void log_set_level(enum log_level level);
/* Parse "error", "warn", "info" or "debug"; false if none of them. */
bool log_parse_level(const char *name, enum log_level *out);

void klog(enum log_level level, const char *fmt, ...) __printf(2, 3);
void kvlog(enum log_level level, const char *fmt, va_list ap);

/* Unconditional output, no prefix (panic dumps, user debug output). */
void kprintf(const char *fmt, ...) __printf(1, 2);
void kvprintf(const char *fmt, va_list ap);
void kputs_raw(const char *s, size_t len);

#define pr_err(...)   klog(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...)  klog(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  klog(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) klog(LOG_DEBUG, __VA_ARGS__)

#endif
