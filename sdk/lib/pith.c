/*
 * The SDK's runtime: start-up state, debug output, errors.
 */
#include "pith/pith.h"

#include "lib/format.h"
#include "lib/string.h"

#define PRINTF_MAX 512

const struct pith_bootinfo *pith_bootinfo;
pith_cptr_t pith_debug_cap = PITH_SLOT_DEBUG;

int main(void);
_Noreturn void pith_start(const struct pith_bootinfo *bi);

/* Called by _start with what the kernel passed in %rdi. */
void pith_start(const struct pith_bootinfo *bi)
{
	if (bi && bi->magic == PITH_BOOTINFO_MAGIC)
		pith_bootinfo = bi;
	pith_exit(main());
}

enum pith_error pith_console_write(const char *s, size_t len)
{
	return pith_debug_write(pith_debug_cap, (uint64_t)(uintptr_t)s, len);
}

enum pith_error pith_console_puts(const char *s)
{
	return pith_console_write(s, strlen(s));
}

int pith_printf(const char *fmt, ...)
{
	char buf[PRINTF_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pith_console_write(buf,
			   n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}

void pith_exit(int status)
{
	pith_debug_shutdown(pith_debug_cap, (uint64_t)(unsigned)status);
	for (;;) /* not the root task: nothing else to do yet */
		pith_yield();
}

const char *pith_error_name(enum pith_error err)
{
	static const char *const names[] = PITH_ERROR_NAMES;

	if ((unsigned)err >= PITH_E_COUNT)
		return "PITH_E_UNKNOWN";
	return names[err];
}
