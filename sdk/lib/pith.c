/*
 * The SDK's system call wrappers and debug output.
 */
#include "pith/pith.h"

#include "lib/format.h"
#include "lib/string.h"
#include "pith/syscall.h"

#define PRINTF_MAX 512

enum pith_error pith_debug_write(const char *s, size_t len)
{
	return (enum pith_error)pith_syscall2(PITH_SYS_DEBUG_PUTS,
					      (uint64_t)(uintptr_t)s, len);
}

enum pith_error pith_debug_puts(const char *s)
{
	return pith_debug_write(s, strlen(s));
}

int pith_printf(const char *fmt, ...)
{
	char buf[PRINTF_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pith_debug_write(buf,
			 n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}

void pith_exit(int status)
{
	pith_syscall2(PITH_SYS_EXIT, (uint64_t)(unsigned)status, 0);
	__builtin_unreachable();
}

const char *pith_error_name(enum pith_error err)
{
	static const char *const names[] = PITH_ERROR_NAMES;

	if ((unsigned)err >= PITH_E_COUNT)
		return "PITH_E_UNKNOWN";
	return names[err];
}
