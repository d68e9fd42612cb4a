/*
 * The line editor (lineedit.h).
 *
 * Every change to the line is shown by redrawing the row (refresh()):
 * CR, the prompt, the visible part of the line, erase to the end of the
 * row, CR and a move right to the cursor. Nothing is written in the
 * row's last column, so no terminal wraps. That is a few dozen bytes a
 * key, and needs nothing from the terminal but those sequences. Typing
 * at the end of a line that fits is the common case: it is echoed as
 * the character alone.
 */
#include "lineedit.h"

#define CTRL(c) ((c)&0x1f)
#define ESC	0x1b
#define DEL	0x7f

/* ---- output ------------------------------------------------------------ */

static void flush(struct lineedit *le)
{
	if (le->out_len)
		le->write(le->ctx, le->out, le->out_len);
	le->out_len = 0;
}

static void put(struct lineedit *le, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (le->out_len == sizeof(le->out))
			flush(le);
		le->out[le->out_len++] = s[i];
	}
}

static void puts_(struct lineedit *le, const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	put(le, s, n);
}

static void put_uint(struct lineedit *le, size_t v)
{
	char digits[24];
	size_t n = 0;

	do {
		digits[sizeof(digits) - ++n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(le, digits + sizeof(digits) - n, n);
}

/* Redraw the row: the prompt, then as much of the line as fits with the
 * cursor inside the row (the line scrolls left past it). */
static void refresh(struct lineedit *le)
{
	/* Columns for the line: the last column of the row is never
	 * written (a terminal would wrap, or erase it with ESC [ K), but
	 * the cursor may stand there. At least 1. */
	size_t room = le->cols - le->prompt_len - 1;
	size_t start = 0, pos = le->pos, shown;

	if (pos > room) {
		start = pos - room;
		pos = room;
	}
	shown = le->len - start < room ? le->len - start : room;
	put(le, "\r", 1);
	put(le, le->prompt, le->prompt_len);
	put(le, le->buf + start, shown);
	puts_(le, "\x1b[K\r");
	if (le->prompt_len + pos) {
		puts_(le, "\x1b[");
		put_uint(le, le->prompt_len + pos);
		put(le, "C", 1);
	}
}

/* ---- editing ----------------------------------------------------------- */

static void copy_line(char *dst, const char *src, size_t *len)
{
	size_t n = 0;

	while (n < LINEEDIT_MAX && src[n]) {
		dst[n] = src[n];
		n++;
	}
	dst[n] = '\0';
	if (len)
		*len = n;
}

static void set_line(struct lineedit *le, const char *s)
{
	copy_line(le->buf, s, &le->len);
	le->pos = le->len;
	refresh(le);
}

static void insert(struct lineedit *le, char c)
{
	if (le->len == LINEEDIT_MAX) {
		put(le, "\a", 1);
		return;
	}
	for (size_t i = le->len; i > le->pos; i--)
		le->buf[i] = le->buf[i - 1];
	le->buf[le->pos++] = c;
	le->buf[++le->len] = '\0';
	if (le->pos == le->len && le->prompt_len + le->len < le->cols)
		put(le, &c, 1); /* at the end, and it fits: just echo it */
	else
		refresh(le);
}

/* Delete the n characters from `at`. */
static void erase(struct lineedit *le, size_t at, size_t n)
{
	if (!n)
		return;
	for (size_t i = at; i + n <= le->len; i++)
		le->buf[i] = le->buf[i + n];
	le->len -= n;
	if (le->pos > at)
		le->pos = le->pos - at > n ? le->pos - n : at;
	refresh(le);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* ^W: the spaces before the cursor, then the word before them. */
static void erase_word(struct lineedit *le)
{
	size_t at = le->pos;

	while (at && is_space(le->buf[at - 1]))
		at--;
	while (at && !is_space(le->buf[at - 1]))
		at--;
	erase(le, at, le->pos - at);
}

static void move_to(struct lineedit *le, size_t pos)
{
	if (pos == le->pos)
		return;
	le->pos = pos;
	refresh(le);
}

/* ---- history ----------------------------------------------------------- */

static char *hist_entry(struct lineedit *le, unsigned n)
{
	unsigned i = (le->hist_first + le->hist_count - n) % LINEEDIT_HISTORY;

	return le->hist[i];
}

const char *lineedit_history(const struct lineedit *le, unsigned n)
{
	if (n < 1 || n > le->hist_count)
		return NULL;
	return le->hist[(le->hist_first + le->hist_count - n) %
			LINEEDIT_HISTORY];
}

static bool same(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* Remember a line entered: not an empty one, nor the newest again. */
static void remember(struct lineedit *le)
{
	char *slot;

	if (!le->len || (le->hist_count && same(hist_entry(le, 1), le->buf)))
		return;
	if (le->hist_count == LINEEDIT_HISTORY) {
		slot = le->hist[le->hist_first];
		le->hist_first = (le->hist_first + 1) % LINEEDIT_HISTORY;
	} else {
		slot = le->hist[(le->hist_first + le->hist_count++) %
				LINEEDIT_HISTORY];
	}
	copy_line(slot, le->buf, NULL);
}

/* Up (older, +1) or down (newer, -1) through the history; the line being
 * typed is kept while browsing and comes back below the newest. */
static void browse(struct lineedit *le, int dir)
{
	if (dir > 0 && le->hist_at < le->hist_count) {
		if (le->hist_at == 0)
			copy_line(le->saved, le->buf, NULL);
		le->hist_at++;
		set_line(le, hist_entry(le, le->hist_at));
	} else if (dir < 0 && le->hist_at > 0) {
		le->hist_at--;
		set_line(le,
			 le->hist_at ? hist_entry(le, le->hist_at) : le->saved);
	}
}

/* ---- keys -------------------------------------------------------------- */

enum key {
	KEY_UP = 0x100,
	KEY_DOWN,
	KEY_RIGHT,
	KEY_LEFT,
	KEY_HOME,
	KEY_END,
	KEY_DELETE,
};

/* One key: a byte, or one of enum key. */
static enum lineedit_event key(struct lineedit *le, int k)
{
	switch (k) {
	case '\r':
	case '\n':
		put(le, "\r\n", 2);
		remember(le);
		le->done = true;
		return LINEEDIT_LINE;
	case CTRL('C'):
		puts_(le, "^C\r\n");
		le->len = le->pos = 0;
		le->buf[0] = '\0';
		le->done = true;
		return LINEEDIT_CANCEL;
	case DEL:
	case CTRL('H'):
		if (le->pos)
			erase(le, le->pos - 1, 1);
		break;
	case KEY_DELETE:
	case CTRL('D'):
		if (le->pos < le->len)
			erase(le, le->pos, 1);
		break;
	case KEY_LEFT:
	case CTRL('B'):
		if (le->pos)
			move_to(le, le->pos - 1);
		break;
	case KEY_RIGHT:
	case CTRL('F'):
		if (le->pos < le->len)
			move_to(le, le->pos + 1);
		break;
	case KEY_HOME:
	case CTRL('A'):
		move_to(le, 0);
		break;
	case KEY_END:
	case CTRL('E'):
		move_to(le, le->len);
		break;
	case KEY_UP:
	case CTRL('P'):
		browse(le, 1);
		break;
	case KEY_DOWN:
	case CTRL('N'):
		browse(le, -1);
		break;
	case CTRL('U'):
		erase(le, 0, le->pos);
		break;
	case CTRL('K'):
		erase(le, le->pos, le->len - le->pos);
		break;
	case CTRL('W'):
		erase_word(le);
		break;
	case CTRL('L'):
		puts_(le, "\x1b[H\x1b[2J");
		refresh(le);
		break;
	default:
		if (k >= ' ' && k < DEL)
			insert(le, (char)k);
		break; /* other control bytes and bytes above 0x7e: ignored */
	}
	return LINEEDIT_MORE;
}

/* The key a CSI sequence ends in (0: none we know). */
static int csi_key(unsigned char final, unsigned param)
{
	switch (final) {
	case 'A':
		return KEY_UP;
	case 'B':
		return KEY_DOWN;
	case 'C':
		return KEY_RIGHT;
	case 'D':
		return KEY_LEFT;
	case 'H':
		return KEY_HOME;
	case 'F':
		return KEY_END;
	case '~':
		if (param == 1 || param == 7)
			return KEY_HOME;
		if (param == 4 || param == 8)
			return KEY_END;
		if (param == 3)
			return KEY_DELETE;
		return 0;
	default:
		return 0;
	}
}

/* A byte inside ESC [ ...: parameters, intermediates, then the final
 * byte. *k is the key it completes (0: none yet, or an unknown one);
 * false if the byte does not belong to a sequence (it is a key itself). */
static bool csi_byte(struct lineedit *le, unsigned char c, int *k)
{
	*k = 0;
	if (c >= '0' && c <= '9') {
		if (le->first_param && le->param <= LINEEDIT_PARAM_MAX)
			le->param = le->param * 10 + (c - '0');
	} else if (c == ';') {
		le->first_param = false;
	} else if (c >= 0x20 && c <= 0x3f) {
		/* intermediates and private markers: not ours */
	} else if (c >= 0x40 && c <= 0x7e) {
		*k = csi_key(c, le->param);
		le->state = LINEEDIT_NORMAL;
	} else {
		le->state = LINEEDIT_NORMAL; /* a control byte: sequence cut */
		return false;
	}
	return true;
}

/* One byte of input: through the escape-sequence state to a key. */
static enum lineedit_event byte(struct lineedit *le, unsigned char c)
{
	bool pair = le->after_cr && c == '\n';
	int k = 0;

	le->after_cr = c == '\r';
	if (c == ESC) {
		le->state = LINEEDIT_ESC; /* a new sequence, even inside one */
		return LINEEDIT_MORE;
	}
	switch (le->state) {
	case LINEEDIT_ESC:
		le->state = c == '['   ? LINEEDIT_CSI
			    : c == 'O' ? LINEEDIT_SS3
				       : LINEEDIT_NORMAL;
		le->param = 0;
		le->first_param = true;
		return LINEEDIT_MORE; /* ESC x (Alt-x): ignored */
	case LINEEDIT_SS3:
		le->state = LINEEDIT_NORMAL;
		k = csi_key(c, 0);
		break;
	case LINEEDIT_CSI:
		if (!csi_byte(le, c, &k))
			k = c;
		break;
	case LINEEDIT_NORMAL:
		if (pair)
			return LINEEDIT_MORE; /* CR LF is one Enter */
		k = c;
		break;
	}
	return k ? key(le, k) : LINEEDIT_MORE;
}

/* ---- the interface ----------------------------------------------------- */

void lineedit_init(struct lineedit *le, const char *prompt, size_t cols,
		   lineedit_write_fn write, void *ctx)
{
	size_t n = 0;

	*le = (struct lineedit){.write = write, .ctx = ctx, .done = true};
	while (prompt && n < LINEEDIT_PROMPT_MAX && prompt[n]) {
		le->prompt[n] = prompt[n];
		n++;
	}
	le->prompt_len = n;
	cols = cols ? cols : LINEEDIT_COLS;
	cols = cols < LINEEDIT_COLS_MIN ? LINEEDIT_COLS_MIN : cols;
	cols = cols > LINEEDIT_COLS_MAX ? LINEEDIT_COLS_MAX : cols;
	if (cols < n + 2)
		cols = n + 2; /* room for a character and the cursor */
	le->cols = cols;
}

void lineedit_start(struct lineedit *le)
{
	le->len = le->pos = 0;
	le->buf[0] = '\0';
	le->hist_at = 0;
	le->done = false;
	put(le, le->prompt, le->prompt_len);
	flush(le);
}

size_t lineedit_feed(struct lineedit *le, const char *in, size_t n,
		     enum lineedit_event *ev)
{
	size_t i = 0;

	*ev = LINEEDIT_MORE;
	while (i < n && *ev == LINEEDIT_MORE && !le->done)
		*ev = byte(le, (unsigned char)in[i++]);
	flush(le);
	return i;
}

const char *lineedit_line(const struct lineedit *le)
{
	return le->buf;
}
