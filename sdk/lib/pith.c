/*
 * The SDK's runtime: start-up state, debug output, errors.
 */
#include "pith/pith.h"

#include "lib/cmdline.h"
#include "lib/format.h"
#include "lib/string.h"
#include "pith/proto/chardev.h"
#include "pith/stdout.h"

#define PRINTF_MAX    512
#define ROOT_NAME     "init" /* the kernel's root task unless init=NAME */
#define ROOT_NAME_MAX 64

const struct pith_bootinfo *pith_bootinfo;
const struct pith_startinfo *pith_startinfo;
pith_cptr_t pith_debug_cap = PITH_SLOT_DEBUG;

_Noreturn void pith_start(const void *info);

/* main's arguments: copies of the strings, since C lets main write to
 * them and the startinfo page is read-only. */
static char arg_strings[PITH_STARTINFO_ARGV_SIZE];
static char *arg_list[PITH_STARTINFO_ARGC_MAX + 1];

/* A spawned program's arguments, from its startinfo page: at most
 * argc strings, each ending inside the area (the parent's page is
 * trusted no further than that). Returns argc. */
static int startinfo_args(const struct pith_startinfo *si)
{
	unsigned argc = si->argc < PITH_STARTINFO_ARGC_MAX
				? si->argc
				: PITH_STARTINFO_ARGC_MAX;
	size_t at = 0, n = 0;

	memcpy(arg_strings, si->argv, sizeof(arg_strings));
	for (; n < argc && at < sizeof(arg_strings); n++) {
		size_t len =
			strnlen(arg_strings + at, sizeof(arg_strings) - at);

		if (at + len == sizeof(arg_strings))
			break; /* no NUL: not a string */
		arg_list[n] = arg_strings + at;
		at += len + 1;
	}
	arg_list[n] = NULL;
	return (int)n;
}

/* The root task's: its name, from the kernel command line's init=NAME. */
static int root_args(const struct pith_bootinfo *bi)
{
	char name[ROOT_NAME_MAX];

	if (!cmdline_get(bi->cmdline, "init", name, sizeof(name)) || !*name)
		memcpy(name, ROOT_NAME, sizeof(ROOT_NAME));
	memcpy(arg_strings, name, strlen(name) + 1);
	arg_list[0] = arg_strings;
	arg_list[1] = NULL;
	return 1;
}

/* Standard output for a program given a `console` (docs/system.md):
 * chardev writes of at most what a message holds. */
static pith_cptr_t console_cap;

static enum pith_error console_stdout(const char *s, size_t len)
{
	while (len) {
		size_t n = len < CHARDEV_WRITE_DATA_MAX
				   ? len
				   : CHARDEV_WRITE_DATA_MAX;
		uint32_t took = 0;
		enum pith_error err = chardev_write(console_cap, s, n, &took);

		if (err != PITH_OK)
			return err;
		if (took == 0 || took > n)
			return PITH_E_INVALID_ARGUMENT;
		s += took;
		len -= took;
	}
	return PITH_OK;
}

/* Called by _start with what %rdi held: the boot-info page for the root
 * task, the startinfo page for a spawned program. Both begin with a magic
 * word and a version. Then main(argc, argv), argv[argc] NULL. */
void pith_start(const void *info)
{
	const struct pith_startinfo *si = info;
	const struct pith_bootinfo *bi = info;
	int argc = 0;

	if (bi && bi->magic == PITH_BOOTINFO_MAGIC) {
		pith_bootinfo = bi;
		argc = root_args(bi);
	} else if (si && si->magic == PITH_STARTINFO_MAGIC &&
		   si->version == PITH_STARTINFO_VERSION) {
		pith_startinfo = si;
		argc = startinfo_args(si);
		console_cap = pith_cap("console");
		if (console_cap)
			pith_set_stdout(console_stdout);
	}
	pith_exit(main(argc, arg_list));
}

pith_cptr_t pith_cap_range(const char *name, unsigned *count)
{
	const struct pith_startinfo *si = pith_startinfo;
	unsigned n = si && si->ncaps < PITH_STARTINFO_CAPS_MAX
			     ? si->ncaps
			     : PITH_STARTINFO_CAPS_MAX;

	for (unsigned i = 0; si && name && i < n; i++) {
		const struct pith_startinfo_cap *c = &si->named[i];

		if (strncmp(c->name, name, sizeof(c->name)) == 0 &&
		    strnlen(name, sizeof(c->name)) < sizeof(c->name)) {
			if (count)
				*count = c->count;
			return c->slot;
		}
	}
	if (count)
		*count = 0;
	return 0;
}

pith_cptr_t pith_cap(const char *name)
{
	return pith_cap_range(name, NULL);
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
