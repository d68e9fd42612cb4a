/*
 * The kernel log (see include/kernel/log.h). Output is unbuffered: a line
 * is on the wire before the next statement runs, so the last words before
 * a hang are never lost.
 */
#include "kernel/log.h"

#include "kernel/arch.h"
#include "lib/format.h"
#include "lib/string.h"

static enum log_level threshold = LOG_INFO;

static const char *const level_names[] = {"error", "warn", "info", "debug"};
static const char *const level_tags[] = {"[E] ", "[W] ", "[I] ", "[D] "};

void log_set_level(enum log_level level)
{
	threshold = level;
}

bool log_parse_level(const char *name, enum log_level *out)
{
	for (unsigned i = 0; i < ARRAY_SIZE(level_names); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return true;
		}
	}
	return false;
}

/* Characters are gathered into short runs to keep port writes cheap. */
struct sink {
	char buf[64];
	size_t n;
};

static void sink_flush(struct sink *s)
{
	arch_console_write(s->buf, s->n);
	s->n = 0;
}

static void sink_put(char c, void *ctx)
{
	struct sink *s = ctx;

	if (s->n == sizeof(s->buf))
		sink_flush(s);
	s->buf[s->n++] = c;
}

void kvprintf(const char *fmt, va_list ap)
{
	struct sink s = {.n = 0};

	fmt_vformat(sink_put, &s, fmt, ap);
	sink_flush(&s);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

void kputs_raw(const char *s, size_t len)
{
	arch_console_write(s, len);
}

void kvlog(enum log_level level, const char *fmt, va_list ap)
{
	if (level > threshold)
		return;
	kputs_raw(level_tags[level], 4);
	kvprintf(fmt, ap);
	kputs_raw("\n", 1);
}

void klog(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvlog(level, fmt, ap);
	va_end(ap);
}
