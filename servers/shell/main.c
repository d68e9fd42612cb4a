/*
 * shell: a prompt on the console (docs/shell.md).
 *
 * Capabilities (its manifest line): `console`, a chardev it reads keys
 * from and writes to (the console echoes nothing: the line editor
 * does); `procmgr`, to start programs; `init`, to list and stop servers
 * and read memory and time; `power`, init's protocol with the right to
 * turn the machine off.
 *
 * The loop reads what the console has, feeds it to the line editor, and
 * runs each line as it is completed; keys typed while a command runs
 * wait in the console, and are edited after it.
 */
#include "shell.h"

#include "lib/format.h"
#include "lib/string.h"
#include "lineedit.h"
#include "pith/proto/chardev.h"

#define PROMPT	   "pith> "
#define PRINTF_MAX 512

struct shell_caps sh;
static struct lineedit editor;

void sh_write(const char *s, size_t len)
{
	while (len && sh.console) {
		size_t n = len < CHARDEV_WRITE_DATA_MAX
				   ? len
				   : CHARDEV_WRITE_DATA_MAX;
		uint32_t took = 0;

		if (chardev_write(sh.console, s, n, &took) != PITH_OK ||
		    took == 0 || took > n)
			return; /* the console failed: nothing more to do */
		s += took;
		len -= took;
	}
}

void sh_printf(const char *fmt, ...)
{
	char buf[PRINTF_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sh_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static void editor_write(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	sh_write(s, len);
}

/* A line the editor finished: split it and run it. */
static void run_line(const char *text)
{
	static char line[LINEEDIT_MAX + 1];
	struct args a;
	enum args_error err;

	memcpy(line, text, strlen(text) + 1);
	err = args_split(line, &a);
	if (err != ARGS_OK)
		sh_printf("shell: %s\n", args_strerror(err));
	else if (a.argc)
		sh_run(&a);
	else if (a.background)
		sh_printf("shell: '&' needs a command before it\n");
}

/* Wait for input from the console: *n bytes into buf. false if the
 * console cannot give any. */
static bool read_keys(char *buf, size_t size, size_t *n)
{
	bool told = false;
	enum pith_error err;

	for (;;) {
		err = chardev_read(sh.console, (uint32_t)size, buf, n);
		if (err == PITH_OK && *n)
			return true;
		if (err == PITH_E_IN_USE && !told) {
			sh_printf("\nshell: another program reads the "
				  "console; waiting\n");
			told = true;
		} else if (err != PITH_OK && err != PITH_E_IN_USE &&
			   err != PITH_E_ABORTED) {
			sh_printf("\nshell: no input from the console: %s\n",
				  pith_error_name(err));
			return false;
		}
		/* The console restarting (PITH_E_ABORTED: the read was cut
		 * short), or busy with another reader: try again once others
		 * have run. */
		pith_yield();
	}
}

int main(int argc, char **argv)
{
	static char keys[CHARDEV_READ_DATA_MAX];

	(void)argc;
	(void)argv;
	sh.console = pith_cap("console");
	sh.procmgr = pith_cap("procmgr");
	sh.init = pith_cap("init");
	sh.power = pith_cap("power");
	sh.root = pith_cap("root");
	if (!sh.console)
		return 1; /* nowhere to talk */
	sh_printf("Pith shell: 'help' lists the commands.\n");
	lineedit_init(&editor, PROMPT, LINEEDIT_COLS, editor_write, NULL);
	lineedit_start(&editor);
	for (;;) {
		size_t n = 0, at = 0;

		if (!read_keys(keys, sizeof(keys), &n))
			return 1; /* init restarts the shell, or gives up */
		while (at < n) {
			enum lineedit_event ev;

			at += lineedit_feed(&editor, keys + at, n - at, &ev);
			if (ev == LINEEDIT_LINE)
				run_line(lineedit_line(&editor));
			if (ev != LINEEDIT_MORE)
				lineedit_start(&editor);
		}
	}
}
