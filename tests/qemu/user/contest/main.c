/*
 * contest: the console's test client (tests/qemu/run.py, case
 * "drivers"; docs/drivers.md), started by init from drivers.manifest.
 *
 * It reads lines from the console (a line ends at '\r' or '\n') and
 * writes each back through the console as
 *	contest: got '<line>'
 * with every byte outside printable ASCII (and \ and ') as \xNN, so
 * escape sequences are visible. Some lines are commands:
 *	kill NAME   init kills server NAME (and restarts it)
 *	quit        stop the machine (Debug.Shutdown, status 0)
 * A read or write that fails says so on the debug console and counts as
 * a failure; a read cut short (PITH_E_ABORTED: the console restarted) is
 * made again.
 *
 * First it checks the protocol's errors, each a TEST line: the keyboard
 * refuses writes, and a second reader while the console reads from it
 * (PITH_E_IN_USE); the console refuses a read of 0 bytes, and a second
 * reader while contest's own read waits; a serial driver given the
 * ports of a UART that is not there (`serial2`, COM2) refuses reads and
 * writes at once instead of hanging.
 *
 * A thread at priority 1 yields for ever: booted with debug_exit, the
 * kernel ends the machine once no thread has been runnable for a few
 * timer ticks, and this test spends most of its time waiting for input.
 * It also makes the second-reader check on the console, once the main
 * thread waits in its first read.
 */
#include <stdatomic.h>

#include "lib/format.h"
#include "lib/string.h"
#include "pith/pith.h"
#include "pith/proto/chardev.h"
#include "pith/proto/init.h"

#define LINE_MAX 200

static pith_cptr_t console, init;
static atomic_uint failures;
static atomic_bool reading; /* the main thread's first read is made */

static void check(const char *name, enum pith_error got, enum pith_error want)
{
	if (got == want) {
		pith_printf("TEST %s PASS\n", name);
		return;
	}
	pith_printf("TEST %s FAIL %s, not %s\n", name, pith_error_name(got),
		    pith_error_name(want));
	failures++;
}

/* Write a whole text to the console; a write cut short by a restart is
 * made again. */
static void put(const char *s, size_t len)
{
	enum pith_error err = PITH_OK;
	uint32_t n = 0;

	while (len && err == PITH_OK) {
		size_t part = len < CHARDEV_WRITE_DATA_MAX
				      ? len
				      : CHARDEV_WRITE_DATA_MAX;

		err = chardev_write(console, s, part, &n);
		if (err == PITH_E_ABORTED)
			err = PITH_OK, n = 0;
		s += n;
		len -= n;
	}
	if (err != PITH_OK) {
		pith_printf("contest: write: %s\n", pith_error_name(err));
		failures++;
	}
}

/* The line as printable text: `out` has room for 4 * len + 1. */
static void escape(const uint8_t *line, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		uint8_t c = line[i];

		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
			out[o++] = (char)c;
			continue;
		}
		out[o++] = '\\';
		out[o++] = 'x';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 15];
	}
	out[o] = '\0';
}

/* One line from the console into line (at most LINE_MAX bytes; a longer
 * one is cut there); false if reading fails for good. */
static bool get_line(uint8_t *line, size_t *len)
{
	static uint8_t buf[CHARDEV_READ_DATA_MAX];
	static size_t have, at;
	enum pith_error err;

	*len = 0;
	for (;;) {
		while (at < have) {
			uint8_t c = buf[at++];

			if (c == '\r' || c == '\n')
				return true;
			if (*len < LINE_MAX)
				line[(*len)++] = c;
		}
		atomic_store(&reading, true);
		err = chardev_read(console, sizeof(buf), buf, &have);
		at = 0;
		if (err == PITH_E_ABORTED) {
			have = 0; /* the console restarted: read again */
			continue;
		}
		if (err != PITH_OK) {
			have = 0;
			pith_printf("contest: read: %s\n",
				    pith_error_name(err));
			return false;
		}
	}
}

static void command(const char *line)
{
	char msg[64];
	enum pith_error err;
	int n;

	if (strncmp(line, "kill ", 5) == 0) {
		err = init_kill(init, line + 5);
		n = fmt_snprintf(msg, sizeof(msg), "contest: kill %s: %s\n",
				 line + 5, pith_error_name(err));
		put(msg, (size_t)n);
		if (err != PITH_OK)
			failures++;
	} else if (strcmp(line, "quit") == 0) {
		n = fmt_snprintf(msg, sizeof(msg), "contest: %u failures\n",
				 atomic_load(&failures));
		put(msg, (size_t)n);
		pith_debug_shutdown(PITH_SLOT_DEBUG,
				    atomic_load(&failures) ? 1 : 0);
	}
}

/* At priority 1 this runs only while the main thread waits: first in
 * its read, when a second reader must be refused. */
static void keep_busy(uint64_t arg)
{
	uint8_t buf[16];
	size_t n;

	(void)arg;
	while (!atomic_load(&reading))
		pith_yield();
	check("console_second_reader_in_use",
	      chardev_read(console, sizeof(buf), buf, &n), PITH_E_IN_USE);
	for (;;)
		pith_yield();
}

/* The errors of the devices, before any input. The console's reader
 * thread (higher priority) already waits on the keyboard. */
static void check_errors(void)
{
	pith_cptr_t kbd = pith_cap("kbd"), missing = pith_cap("serial2");
	uint8_t buf[16];
	uint32_t count;
	size_t n;

	check("kbd_write_refused", chardev_write(kbd, "x", 1, &count),
	      PITH_E_ILLEGAL_OPERATION);
	check("kbd_second_reader_in_use",
	      chardev_read(kbd, sizeof(buf), buf, &n), PITH_E_IN_USE);
	check("console_read_of_0_refused", chardev_read(console, 0, buf, &n),
	      PITH_E_INVALID_ARGUMENT);
	check("serial_missing_uart_write_refused",
	      chardev_write(missing, "x\n", 2, &count),
	      PITH_E_ILLEGAL_OPERATION);
	check("serial_missing_uart_read_refused",
	      chardev_read(missing, sizeof(buf), buf, &n),
	      PITH_E_ILLEGAL_OPERATION);
}

int main(int argc, char **argv)
{
	static struct pith_thread busy;
	static uint8_t line[LINE_MAX + 1];
	static char text[4 * LINE_MAX + 1];
	static char reply[4 * LINE_MAX + 32];
	size_t len;
	int n;

	(void)argc;
	(void)argv;
	console = pith_cap("console");
	init = pith_cap("init");
	if (!console || !init) {
		pith_printf("contest: needs the capabilities console and "
			    "init (and kbd and serial2 for its checks)\n");
		return 1;
	}
	check_errors();
	if (pith_thread_create(&busy, 1, 1) != PITH_OK ||
	    pith_thread_start(&busy, keep_busy, 0) != PITH_OK) {
		pith_printf("contest: no memory for a thread\n");
		return 1;
	}
	put("contest: ready\n", 15);
	while (get_line(line, &len)) {
		escape(line, len, text);
		n = fmt_snprintf(reply, sizeof(reply), "contest: got '%s'\n",
				 text);
		put(reply, (size_t)n);
		line[len] = '\0';
		command((const char *)line);
	}
	return 1;
}
