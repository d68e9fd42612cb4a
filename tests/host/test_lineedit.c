/*
 * Host tests for the shell's line editor (servers/shell/lineedit.c): every
 * key and its escape sequences, the history, lines longer than the row,
 * input split anywhere, and random byte streams.
 *
 * The editor's output goes into a small model of a terminal row (what a
 * VT100 does with the bytes the editor may send, and a failure for any
 * other byte), so each test checks what the user would see: the row's
 * text and the cursor's column, as well as the line itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../servers/shell/lineedit.h"

/* ---- a terminal row ---------------------------------------------------- */

struct term {
	size_t cols;
	char row[LINEEDIT_COLS_MAX + 1];
	size_t col;
	char last[LINEEDIT_COLS_MAX + 1]; /* the row a newline ended */
	unsigned newlines, bells, clears, writes;
	char raw[65536]; /* every byte written since term_reset_raw() */
	size_t raw_len;
	/* escape sequence being read */
	int esc; /* 0 none, 1 after ESC, 2 in CSI */
	unsigned param;
};

static void row_clear(struct term *t, size_t from)
{
	for (size_t i = from; i < t->cols; i++)
		t->row[i] = ' ';
	t->row[t->cols] = '\0';
}

static void term_init(struct term *t, size_t cols)
{
	memset(t, 0, sizeof(*t));
	t->cols = cols;
	row_clear(t, 0);
}

static void term_csi(struct term *t, char final)
{
	switch (final) {
	case 'K':
		assert_int_equal(t->param, 0);
		row_clear(t, t->col);
		break;
	case 'C':
		assert_true(t->param >= 1);
		t->col += t->param;
		/* the editor never moves past the last column */
		assert_true(t->col <= t->cols - 1);
		break;
	case 'H':
		assert_int_equal(t->param, 0);
		t->col = 0;
		break;
	case 'J':
		assert_int_equal(t->param, 2);
		row_clear(t, 0);
		t->clears++;
		break;
	default:
		fail_msg("unexpected CSI final byte 0x%02x", final);
	}
}

static void term_byte(struct term *t, char c)
{
	if (t->raw_len < sizeof(t->raw))
		t->raw[t->raw_len++] = c;
	if (t->esc == 1) {
		assert_int_equal(c, '[');
		t->esc = 2;
		t->param = 0;
		return;
	}
	if (t->esc == 2) {
		if (c >= '0' && c <= '9') {
			t->param = t->param * 10 + (unsigned)(c - '0');
			return;
		}
		t->esc = 0;
		term_csi(t, c);
		return;
	}
	if (c == 0x1b) {
		t->esc = 1;
	} else if (c == '\r') {
		t->col = 0;
	} else if (c == '\n') {
		memcpy(t->last, t->row, sizeof(t->row));
		row_clear(t, 0);
		t->newlines++;
	} else if (c == '\a') {
		t->bells++;
	} else {
		assert_true(c >= ' ' && c < 0x7f);
		/* never in the last column: a terminal would wrap */
		assert_true(t->col < t->cols - 1);
		t->row[t->col++] = c;
	}
}

static void term_write(void *ctx, const char *s, size_t len)
{
	struct term *t = ctx;

	assert_true(len > 0 && len <= LINEEDIT_OUT_SIZE);
	t->writes++;
	for (size_t i = 0; i < len; i++)
		term_byte(t, s[i]);
}

/* The row without its trailing spaces. */
static const char *shown(const struct term *t)
{
	static char s[LINEEDIT_COLS_MAX + 1];
	size_t n = t->cols;

	memcpy(s, t->row, t->cols);
	while (n && s[n - 1] == ' ')
		n--;
	s[n] = '\0';
	return s;
}

static void trim_into(char *dst, const char *src)
{
	size_t n = strlen(src);

	memcpy(dst, src, n + 1);
	while (n && dst[n - 1] == ' ')
		dst[--n] = '\0';
}

/* ---- fixture ----------------------------------------------------------- */

static struct lineedit le;
static struct term term;

#define PROMPT "pith> "

static void setup_cols(size_t cols)
{
	term_init(&term, cols);
	lineedit_init(&le, PROMPT, cols, term_write, &term);
	lineedit_start(&le);
}

static int setup(void **state)
{
	(void)state;
	setup_cols(80);
	return 0;
}

/* Feed s (n bytes) in one piece; the event of the last byte taken. */
static enum lineedit_event feedn(const char *s, size_t n)
{
	enum lineedit_event ev = LINEEDIT_MORE;
	size_t took = lineedit_feed(&le, s, n, &ev);

	if (ev == LINEEDIT_MORE)
		assert_int_equal(took, n);
	return ev;
}

static enum lineedit_event feed(const char *s)
{
	return feedn(s, strlen(s));
}

/* The row must show the prompt and the part of the line around the
 * cursor that fits, with the cursor where it is in the line. */
static void check_display(void)
{
	size_t room = term.cols - strlen(PROMPT) - 1, start = 0, n;
	char want[LINEEDIT_COLS_MAX + 1], got[LINEEDIT_COLS_MAX + 1];

	assert_true(le.pos <= le.len && le.len <= LINEEDIT_MAX);
	assert_int_equal(strlen(le.buf), le.len);
	if (le.pos > room)
		start = le.pos - room;
	n = le.len - start < room ? le.len - start : room;
	snprintf(want, sizeof(want), "%s%.*s", PROMPT, (int)n, le.buf + start);
	trim_into(got, shown(&term));
	trim_into(want, want);
	assert_string_equal(got, want);
	assert_int_equal(term.col, strlen(PROMPT) + le.pos - start);
}

/* The line and the cursor's place in it. */
static void expect(const char *line, size_t pos)
{
	assert_string_equal(le.buf, line);
	assert_int_equal(le.pos, pos);
	check_display();
}

/* Enter, then the line must be `line`; a new line is started. */
static void enter_expect(const char *line)
{
	assert_int_equal(feed("\r"), LINEEDIT_LINE);
	assert_string_equal(lineedit_line(&le), line);
	lineedit_start(&le);
}

#define LEFT  "\x1b[D"
#define RIGHT "\x1b[C"
#define UP    "\x1b[A"
#define DOWN  "\x1b[B"
#define HOME  "\x1b[H"
#define END   "\x1b[F"
#define DELK  "\x1b[3~"

/* ---- typing and Enter -------------------------------------------------- */

static void test_prompt_and_typing(void **state)
{
	(void)state;
	assert_string_equal(shown(&term), "pith>");
	assert_int_equal(term.col, strlen(PROMPT));
	term.raw_len = 0;
	assert_int_equal(feed("echo hi"), LINEEDIT_MORE);
	/* typed at the end of a line that fits: the bytes alone echo */
	assert_int_equal(term.raw_len, 7);
	assert_memory_equal(term.raw, "echo hi", 7);
	expect("echo hi", 7);
	/* one write per feed, not one per key */
	assert_int_equal(term.writes, 2);
}

static void test_enter_variants(void **state)
{
	enum lineedit_event ev;
	size_t took;

	(void)state;
	feed("a");
	enter_expect("a");
	assert_int_equal(term.newlines, 1);
	trim_into(term.last, term.last);
	assert_string_equal(term.last, "pith> a");
	/* CR LF is one Enter, even split over two feeds */
	feed("b");
	assert_int_equal(feed("\r"), LINEEDIT_LINE);
	assert_string_equal(lineedit_line(&le), "b");
	lineedit_start(&le);
	assert_int_equal(feed("\n"), LINEEDIT_MORE);
	expect("", 0);
	/* LF alone ends a line */
	feed("c");
	assert_int_equal(feed("\n"), LINEEDIT_LINE);
	assert_string_equal(lineedit_line(&le), "c");
	lineedit_start(&le);
	/* LF CR is two: the second line is empty */
	took = lineedit_feed(&le, "\n\r", 2, &ev);
	assert_int_equal(took, 1);
	assert_int_equal(ev, LINEEDIT_LINE);
	assert_string_equal(lineedit_line(&le), "");
	lineedit_start(&le);
	took = lineedit_feed(&le, "\r", 1, &ev);
	assert_int_equal(ev, LINEEDIT_LINE);
	assert_int_equal(took, 1);
}

static void test_typeahead(void **state)
{
	const char *in = "ps\rmem\r\nx";
	enum lineedit_event ev;
	size_t took;

	(void)state;
	took = lineedit_feed(&le, in, strlen(in), &ev);
	assert_int_equal(ev, LINEEDIT_LINE);
	assert_int_equal(took, 3);
	assert_string_equal(lineedit_line(&le), "ps");
	lineedit_start(&le);
	in += took;
	took = lineedit_feed(&le, in, strlen(in), &ev);
	assert_int_equal(ev, LINEEDIT_LINE);
	assert_int_equal(took, 4);
	assert_string_equal(lineedit_line(&le), "mem");
	lineedit_start(&le);
	in += took;
	took = lineedit_feed(&le, in, strlen(in), &ev);
	assert_int_equal(ev, LINEEDIT_MORE);
	assert_int_equal(took, 2); /* the LF of CR LF, and x */
	expect("x", 1);
}

static void test_done_line_takes_nothing(void **state)
{
	enum lineedit_event ev;

	(void)state;
	feed("a\r");
	assert_int_equal(lineedit_feed(&le, "bc", 2, &ev), 0);
	assert_int_equal(ev, LINEEDIT_MORE);
	assert_string_equal(lineedit_line(&le), "a");
}

static void test_ignored_bytes(void **state)
{
	(void)state;
	/* other control bytes, Tab, bytes above 0x7e */
	feed("a\x07\t\x0f\x11\x12\x13\x14\x16\x18\x19\x1a\x1c\x1d\x1e"
	     "\x1f");
	expect("a", 1);
	feed("b\x80\xff\xc3\xa9"
	     "c");
	expect("abc", 3);
	feedn("\x00x", 2);
	expect("abcx", 4);
}

/* ---- cursor movement --------------------------------------------------- */

static void test_left_right(void **state)
{
	(void)state;
	feed("abc");
	feed(LEFT);
	expect("abc", 2);
	feed("\x1bOD"); /* SS3 form */
	expect("abc", 1);
	feed("\x02"); /* ^B */
	expect("abc", 0);
	feed(LEFT "\x02\x1bOD"); /* at the start: nothing */
	expect("abc", 0);
	feed(RIGHT);
	expect("abc", 1);
	feed("\x1bOC");
	expect("abc", 2);
	feed("\x06"); /* ^F */
	expect("abc", 3);
	feed(RIGHT "\x06\x1bOC");
	expect("abc", 3);
	/* modifiers (Ctrl-Right) are read as the plain key */
	feed("\x1b[1;5D");
	expect("abc", 2);
}

static void test_home_end(void **state)
{
	static const char *const home[] = {HOME, "\x1bOH", "\x1b[1~", "\x1b[7~",
					   "\x01"};
	static const char *const end[] = {END, "\x1bOF", "\x1b[4~", "\x1b[8~",
					  "\x05"};

	(void)state;
	feed("hello world");
	for (size_t i = 0; i < sizeof(home) / sizeof(home[0]); i++) {
		feed(home[i]);
		expect("hello world", 0);
		feed(end[i]);
		expect("hello world", 11);
	}
}

/* ---- insert and delete ------------------------------------------------- */

static void test_insert_in_the_middle(void **state)
{
	(void)state;
	feed("ecoh");
	feed(LEFT LEFT);
	expect("ecoh", 2);
	feed("h");
	expect("echoh", 3);
	feed(END "\x7f");
	expect("echo", 4);
	feed(HOME "x");
	expect("xecho", 1);
}

static void test_backspace(void **state)
{
	(void)state;
	feed("abcd");
	feed("\x7f");
	expect("abc", 3);
	feed("\x08"); /* ^H */
	expect("ab", 2);
	feed(LEFT "\x7f");
	expect("b", 0);
	feed("\x7f\x08"); /* at the start: nothing */
	expect("b", 0);
}

static void test_delete(void **state)
{
	(void)state;
	feed("abcd" HOME);
	feed(DELK);
	expect("bcd", 0);
	feed(RIGHT "\x04"); /* ^D */
	expect("bd", 1);
	feed(END DELK "\x04"); /* at the end: nothing */
	expect("bd", 2);
	/* an unknown ~ sequence does nothing */
	feed(HOME "\x1b[2~\x1b[5~\x1b[6~\x1b[99~");
	expect("bd", 0);
}

static void test_kill_keys(void **state)
{
	(void)state;
	feed("one two three");
	feed(LEFT LEFT LEFT LEFT LEFT);
	feed("\x0b"); /* ^K */
	expect("one two ", 8);
	feed("\x0b");
	expect("one two ", 8);
	feed("\x17"); /* ^W: "two " */
	expect("one ", 4);
	feed("\x17");
	expect("", 0);
	feed("\x17");
	expect("", 0);
	feed("alpha   beta" LEFT LEFT);
	feed("\x15"); /* ^U */
	expect("ta", 0);
	feed("\x15");
	expect("ta", 0);
	feed("\x0b");
	expect("", 0);
	feed("x  y  z" END "\x17");
	expect("x  y  ", 6);
	feed("\x17");
	expect("x  ", 3);
}

static void test_ctrl_c(void **state)
{
	(void)state;
	feed("half a line" LEFT);
	term.raw_len = 0;
	assert_int_equal(feed("\x03"), LINEEDIT_CANCEL);
	assert_int_equal(term.raw_len, 4);
	assert_memory_equal(term.raw, "^C\r\n", 4);
	assert_string_equal(lineedit_line(&le), "");
	lineedit_start(&le);
	expect("", 0);
	/* an abandoned line is not remembered */
	feed(UP);
	expect("", 0);
}

static void test_ctrl_l(void **state)
{
	(void)state;
	feed("ps" LEFT);
	feed("\x0c");
	assert_int_equal(term.clears, 1);
	expect("ps", 1);
}

/* ---- escape sequences -------------------------------------------------- */

static void test_split_sequences(void **state)
{
	(void)state;
	feed("abc");
	feed("\x1b");
	feed("[");
	feed("D");
	expect("abc", 2);
	feed("\x1b");
	feed("O");
	feed("H");
	expect("abc", 0);
	feed("\x1b[");
	feed("3");
	feed("~");
	expect("bc", 0);
}

static void test_odd_sequences(void **state)
{
	(void)state;
	feed("abc");
	/* unknown finals, private markers, Alt-x, a long parameter */
	feed("\x1b[Z\x1b[?25h\x1bx\x1b[>0c");
	expect("abc", 3);
	/* a long parameter: still Left */
	feed("\x1b[99999999999999999999999D");
	expect("abc", 2);
	/* ESC inside a sequence starts a new one */
	feed("\x1b[1\x1b[D");
	expect("abc", 1);
	/* a control byte cuts a sequence short and counts as a key */
	feed("\x1b[\x7f");
	expect("bc", 0);
	feed("\x1b[1\r");
	assert_string_equal(lineedit_line(&le), "bc");
	lineedit_start(&le);
	/* ESC O with an unknown final */
	feed("q\x1bOZ\x1bOx");
	expect("q", 1);
}

/* ---- history ----------------------------------------------------------- */

static void test_history_browse(void **state)
{
	(void)state;
	feed("first");
	enter_expect("first");
	feed("second");
	enter_expect("second");
	feed("new");
	feed(UP);
	expect("second", 6);
	feed(UP);
	expect("first", 5);
	feed(UP); /* the oldest: stays */
	expect("first", 5);
	feed(DOWN);
	expect("second", 6);
	feed(DOWN); /* back to what was being typed */
	expect("new", 3);
	feed(DOWN);
	expect("new", 3);
	/* ^P and ^N, and the SS3 forms */
	feed("\x10");
	expect("second", 6);
	feed("\x1bOA");
	expect("first", 5);
	feed("\x0e");
	expect("second", 6);
	feed("\x1bOB");
	expect("new", 3);
}

static void test_history_edit_recalled(void **state)
{
	(void)state;
	feed("echo hello");
	enter_expect("echo hello");
	/* recall, move left, insert, delete: the history keeps the original */
	feed(UP LEFT LEFT LEFT LEFT LEFT "X");
	expect("echo Xhello", 6);
	feed("\x7f\x7f");
	expect("echohello", 4);
	enter_expect("echohello");
	assert_string_equal(lineedit_history(&le, 1), "echohello");
	assert_string_equal(lineedit_history(&le, 2), "echo hello");
	assert_null(lineedit_history(&le, 3));
	assert_null(lineedit_history(&le, 0));
}

static void test_history_skips_empty_and_repeats(void **state)
{
	(void)state;
	enter_expect("");
	feed("ps");
	enter_expect("ps");
	feed("ps");
	enter_expect("ps");
	enter_expect("");
	feed("mem");
	enter_expect("mem");
	feed("ps");
	enter_expect("ps");
	assert_string_equal(lineedit_history(&le, 1), "ps");
	assert_string_equal(lineedit_history(&le, 2), "mem");
	assert_string_equal(lineedit_history(&le, 3), "ps");
	assert_null(lineedit_history(&le, 4));
}

static void test_history_keeps_32(void **state)
{
	char line[16];

	(void)state;
	for (int i = 0; i < 40; i++) {
		snprintf(line, sizeof(line), "cmd %d", i);
		feed(line);
		enter_expect(line);
	}
	for (int i = 39; i >= 40 - LINEEDIT_HISTORY; i--) {
		snprintf(line, sizeof(line), "cmd %d", i);
		feed(UP);
		expect(line, strlen(line));
		assert_string_equal(lineedit_history(&le, (unsigned)(40 - i)),
				    line);
	}
	feed(UP); /* cmd 8 is the oldest kept */
	expect("cmd 8", 5);
	assert_null(lineedit_history(&le, LINEEDIT_HISTORY + 1));
	for (int i = 0; i < LINEEDIT_HISTORY; i++)
		feed(DOWN);
	expect("", 0);
}

/* ---- long lines -------------------------------------------------------- */

static void test_long_line(void **state)
{
	char line[LINEEDIT_MAX + 1];

	(void)state;
	for (int i = 0; i < LINEEDIT_MAX; i++) {
		line[i] = (char)('a' + i % 26);
		feedn(&line[i], 1);
		check_display();
	}
	line[LINEEDIT_MAX] = '\0';
	expect(line, LINEEDIT_MAX);
	/* full: a bell, and nothing more */
	assert_int_equal(term.bells, 0);
	feed("Z");
	assert_int_equal(term.bells, 1);
	expect(line, LINEEDIT_MAX);
	/* the start comes back into view with Home, and back out */
	feed(HOME);
	expect(line, 0);
	for (int i = 0; i < LINEEDIT_MAX; i++) {
		feed(RIGHT);
		check_display();
	}
	feed(HOME "\x7f" DELK);
	expect(line + 1, 0);
	feed(END);
	expect(line + 1, LINEEDIT_MAX - 1);
	enter_expect(line + 1);
	/* recalled, a long line shows its end */
	feed(UP);
	expect(line + 1, LINEEDIT_MAX - 1);
}

static void test_narrow_rows(void **state)
{
	(void)state;
	for (size_t cols = 1; cols < 30; cols++) {
		lineedit_init(&le, PROMPT, cols, term_write, &term);
		/* the width is at least LINEEDIT_COLS_MIN */
		assert_true(le.cols >= LINEEDIT_COLS_MIN);
		assert_true(le.cols == cols || cols < LINEEDIT_COLS_MIN);
		term_init(&term, le.cols);
		lineedit_start(&le);
		feed("abcdefghijklmnopqrstuvwxyz");
		check_display();
		feed(LEFT LEFT HOME RIGHT "\x7f");
		check_display();
	}
	/* a long prompt is cut; the row still has room for the cursor */
	term_init(&term, LINEEDIT_COLS_MIN);
	lineedit_init(&le, "a very long prompt that is cut short here",
		      LINEEDIT_COLS_MIN, term_write, &term);
	assert_int_equal(le.prompt_len, LINEEDIT_PROMPT_MAX);
	assert_true(le.cols >= le.prompt_len + 2);
}

/* ---- random input ------------------------------------------------------ */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Bytes that mean something to the editor, more often than at random. */
static char interesting(void)
{
	static const char keys[] = "\x1b[O~0123456789;ABCDFH\r\n\x7f\x08\x01"
				   "\x02\x03\x04\x05\x06\x0b\x0c\x0e\x10\x15"
				   "\x17 aZ";

	if (next_random() % 3)
		return keys[next_random() % (sizeof(keys) - 1)];
	return (char)next_random();
}

static void test_random_streams(void **state)
{
	static char buf[4096];
	unsigned lines = 0;

	(void)state;
	for (int round = 0; round < 400; round++) {
		size_t n = next_random() % sizeof(buf), at = 0;

		for (size_t i = 0; i < n; i++)
			buf[i] = interesting();
		while (at < n) {
			enum lineedit_event ev;
			size_t chunk = 1 + next_random() % 64;

			chunk = chunk > n - at ? n - at : chunk;
			at += lineedit_feed(&le, buf + at, chunk, &ev);
			if (ev != LINEEDIT_MORE) {
				lines++;
				assert_true(strlen(lineedit_line(&le)) <=
					    LINEEDIT_MAX);
				lineedit_start(&le);
			}
			if (le.state == LINEEDIT_NORMAL)
				check_display();
		}
	}
	assert_true(lines > 100);
	for (unsigned i = 1; i <= LINEEDIT_HISTORY + 1; i++) {
		const char *h = lineedit_history(&le, i);

		if (h)
			assert_true(strlen(h) > 0 && strlen(h) <= LINEEDIT_MAX);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_prompt_and_typing, setup),
		cmocka_unit_test_setup(test_enter_variants, setup),
		cmocka_unit_test_setup(test_typeahead, setup),
		cmocka_unit_test_setup(test_done_line_takes_nothing, setup),
		cmocka_unit_test_setup(test_ignored_bytes, setup),
		cmocka_unit_test_setup(test_left_right, setup),
		cmocka_unit_test_setup(test_home_end, setup),
		cmocka_unit_test_setup(test_insert_in_the_middle, setup),
		cmocka_unit_test_setup(test_backspace, setup),
		cmocka_unit_test_setup(test_delete, setup),
		cmocka_unit_test_setup(test_kill_keys, setup),
		cmocka_unit_test_setup(test_ctrl_c, setup),
		cmocka_unit_test_setup(test_ctrl_l, setup),
		cmocka_unit_test_setup(test_split_sequences, setup),
		cmocka_unit_test_setup(test_odd_sequences, setup),
		cmocka_unit_test_setup(test_history_browse, setup),
		cmocka_unit_test_setup(test_history_edit_recalled, setup),
		cmocka_unit_test_setup(test_history_skips_empty_and_repeats,
				       setup),
		cmocka_unit_test_setup(test_history_keeps_32, setup),
		cmocka_unit_test_setup(test_long_line, setup),
		cmocka_unit_test_setup(test_narrow_rows, setup),
		cmocka_unit_test_setup(test_random_streams, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
