/*
 * The SDK's runtime: start-up state, debug output, errors.
 */
#include "pith/pith.h"

#include "lib/format.h"
#include "lib/string.h"

#define PRINTF_MAX 512

const struct pith_bootinfo *pith_bootinfo;
const struct pith_startinfo *pith_startinfo;
pith_cptr_t pith_debug_cap = PITH_SLOT_DEBUG;

int main(void);
_Noreturn void pith_start(const void *info);

/* Called by _start with what %rdi held: the boot-info page for the root
 * task, the startinfo page for a spawned program. Both begin with a magic
 * word and a version. */
void pith_start(const void *info)
{
	const struct pith_startinfo *si = info;
	const struct pith_bootinfo *bi = info;

	if (bi && bi->magic == PITH_BOOTINFO_MAGIC)
		pith_bootinfo = bi;
	else if (si && si->magic == PITH_STARTINFO_MAGIC &&
		 si->version == PITH_STARTINFO_VERSION)
		pith_startinfo = si;
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

/* A spawned program's end: tell the parent, then stop for good. */
static _Noreturn void exit_spawned(const struct pith_startinfo *si, int status)
{
	struct pith_msg m = pith_msg(PITH_EXIT_LABEL, PITH_EXIT_WORDS, 0);

	m.mr[PITH_EXIT_STATUS] = (uint64_t)(int64_t)status;
	if (si->exit_ep)
		pith_send(si->exit_ep, &m);
	for (;;)
		pith_tcb_suspend(PITH_SLOT_TCB);
}

void pith_exit(int status)
{
	if (pith_startinfo)
		exit_spawned(pith_startinfo, status);
	pith_debug_shutdown(pith_debug_cap, (uint64_t)(unsigned)status);
	for (;;) /* no Debug capability to stop the machine with */
		pith_yield();
}

const char *pith_error_name(enum pith_error err)
{
	static const char *const names[] = PITH_ERROR_NAMES;

	if ((unsigned)err >= PITH_E_COUNT)
		return "PITH_E_UNKNOWN";
	return names[err];
}
