/*
 * The terminal: bytes in, cells and a cursor out (term.h). Every path
 * keeps cur.row < rows and cur.col < cols, and writes cells only through
 * term_cell() with coordinates in range.
 */
#include "term.h"

#include "lib/string.h"

#define ESC 0x1b
#define CAN 0x18 /* cancels a sequence */
#define SUB 0x1a /* likewise */
#define DEL 0x7f

const char *term_strerror(enum term_error e)
{
	switch (e) {
	case TERM_OK:
		return "no error";
	case TERM_E_GEOMETRY:
		return "the screen is too small for one cell or too large";
	case TERM_E_MEMORY:
		return "not enough memory for the cell grid";
	case TERM_E_FORMAT:
		return "unsupported framebuffer pixel format or layout";
	}
	return "unknown error";
}

size_t term_memory_size(unsigned cols, unsigned rows)
{
	return (size_t)cols * rows * sizeof(struct term_cell) +
	       (size_t)rows * sizeof(struct term_dirty);
}

void term_touch(struct term *t, unsigned row, unsigned lo, unsigned hi)
{
	struct term_dirty *d = &t->dirty[row];

	if (lo >= hi)
		return;
	if (d->lo >= d->hi) {
		d->lo = (uint16_t)lo;
		d->hi = (uint16_t)hi;
		return;
	}
	if (lo < d->lo)
		d->lo = (uint16_t)lo;
	if (hi > d->hi)
		d->hi = (uint16_t)hi;
}

void term_touch_all(struct term *t)
{
	for (unsigned r = 0; r < t->rows; r++) {
		t->dirty[r].lo = 0;
		t->dirty[r].hi = (uint16_t)t->cols;
	}
	t->scrolled = 0; /* everything is redrawn: no need to move */
}

/* The attribute erased cells get: the default foreground on the current
 * background. */
static uint8_t erase_attr(const struct term *t)
{
	return TERM_ATTR(TERM_DEFAULT_FG, t->cur.bg);
}

/* The attribute a character written now gets. */
static uint8_t write_attr(const struct term *t)
{
	uint8_t fg = t->cur.fg, bg = t->cur.bg;

	if (t->cur.bold && fg < TERM_BRIGHT)
		fg += TERM_BRIGHT;
	if (t->cur.reverse)
		return TERM_ATTR(bg, fg);
	return TERM_ATTR(fg, bg);
}

/* Blank cells [lo, hi) of `row`. */
static void erase(struct term *t, unsigned row, unsigned lo, unsigned hi)
{
	struct term_cell blank = {' ', erase_attr(t)};

	for (unsigned c = lo; c < hi; c++)
		*term_cell(t, row, c) = blank;
	term_touch(t, row, lo, hi);
}

static void set_colours_default(struct term_cursor *c)
{
	c->fg = TERM_DEFAULT_FG;
	c->bg = TERM_DEFAULT_BG;
	c->bold = false;
	c->reverse = false;
}

void term_reset(struct term *t)
{
	t->cur.row = t->cur.col = 0;
	set_colours_default(&t->cur);
	t->saved = t->cur;
	t->wrap_pending = false;
	t->cursor_visible = true;
	t->state = TERM_GROUND;
	t->utf8_left = 0;
	for (unsigned r = 0; r < t->rows; r++)
		erase(t, r, 0, t->cols);
	term_touch_all(t);
}

enum term_error term_init(struct term *t, unsigned cols, unsigned rows,
			  void *mem, size_t size, enum term_scroll mode)
{
	memset(t, 0, sizeof(*t));
	if (cols == 0 || rows == 0 || cols > TERM_COLS_MAX ||
	    rows > TERM_ROWS_MAX)
		return TERM_E_GEOMETRY;
	if (!mem || size < term_memory_size(cols, rows) ||
	    (uintptr_t)mem % sizeof(uint16_t))
		return TERM_E_MEMORY;
	t->cols = cols;
	t->rows = rows;
	t->cells = mem;
	t->dirty = (struct term_dirty *)(t->cells + (size_t)cols * rows);
	t->scroll_mode = mode;
	t->move_threshold = (unsigned)((size_t)cols * rows *
				       TERM_MOVE_THRESHOLD_PERMILLE / 1000);
	term_reset(t);
	return TERM_OK;
}

/* ---- scrolling ------------------------------------------------------- */

static bool same_cell(const struct term_cell *a, const struct term_cell *b)
{
	return a->ch == b->ch && a->attr == b->attr;
}

/* Four cells at once (the grid is 2-byte aligned). */
typedef uint64_t cell_quad __attribute__((aligned(2), may_alias));

static bool same_quad(const struct term_cell *a, const struct term_cell *b)
{
	return *(const cell_quad *)a == *(const cell_quad *)b;
}

/* The span [*lo, *hi) of `row` where it differs from the row below
 * (*lo == *hi: nowhere). Compared four cells at a time where they match,
 * which is most of a screen of short lines. */
static void row_difference(const struct term *t, unsigned row, unsigned *lo,
			   unsigned *hi)
{
	const struct term_cell *a = term_cell(t, row, 0), *b = a + t->cols;
	unsigned l = 0, h = t->cols;

	while (l + 4 <= h && same_quad(&a[l], &b[l]))
		l += 4;
	while (l < h && same_cell(&a[l], &b[l]))
		l++;
	while (h >= l + 4 && same_quad(&a[h - 4], &b[h - 4]))
		h -= 4;
	while (h > l && same_cell(&a[h - 1], &b[h - 1]))
		h--;
	*lo = l;
	*hi = h;
}

/* TERM_SCROLL_REDRAW: what is on screen at row r is (where r is clean)
 * the old row r; it must become the old row r + 1. Redraw what the old
 * row r + 1 had dirty, and where the two rows differ. */
static void touch_for_redraw(struct term *t)
{
	for (unsigned r = 0; r + 1 < t->rows; r++) {
		struct term_dirty below = t->dirty[r + 1];
		unsigned lo, hi;

		row_difference(t, r, &lo, &hi);
		term_touch(t, r, lo, hi);
		term_touch(t, r, below.lo, below.hi);
	}
}

/* How many cells a redraw would draw: the spans where rows differ from
 * the row below; counting stops past `limit`. */
static size_t cells_changing(const struct term *t, size_t limit)
{
	size_t n = 0;

	for (unsigned r = 0; r + 1 < t->rows && n <= limit; r++) {
		unsigned lo, hi;

		row_difference(t, r, &lo, &hi);
		n += hi - lo;
	}
	return n;
}

static bool scroll_moves(const struct term *t)
{
	if (t->scroll_mode == TERM_SCROLL_MOVE)
		return true;
	if (t->scroll_mode == TERM_SCROLL_REDRAW)
		return false;
	return t->scrolled > 0 ||
	       cells_changing(t, t->move_threshold) > t->move_threshold;
}

/* Everything moves up a line; the bottom line is blank. */
static void scroll_up(struct term *t)
{
	size_t row_cells = t->cols, moved = (size_t)(t->rows - 1) * row_cells;

	if (!scroll_moves(t)) {
		touch_for_redraw(t);
	} else {
		/* The pixels move with the cells: so does what is dirty. */
		memmove(t->dirty, t->dirty + 1,
			(t->rows - 1) * sizeof(*t->dirty));
		t->dirty[t->rows - 1].lo = t->dirty[t->rows - 1].hi = 0;
		if (++t->scrolled >= t->rows)
			term_touch_all(t); /* a move would move nothing */
	}
	memmove(t->cells, t->cells + row_cells, moved * sizeof(*t->cells));
	erase(t, t->rows - 1, 0, t->cols);
}

static void line_feed(struct term *t)
{
	t->wrap_pending = false;
	if (t->cur.row + 1 < t->rows)
		t->cur.row++;
	else
		scroll_up(t);
}

/* ---- characters and controls ----------------------------------------- */

static void put_char(struct term *t, uint8_t ch)
{
	struct term_cell *c;

	if (t->wrap_pending) {
		t->cur.col = 0;
		line_feed(t);
	}
	c = term_cell(t, t->cur.row, t->cur.col);
	c->ch = ch;
	c->attr = write_attr(t);
	term_touch(t, t->cur.row, t->cur.col, t->cur.col + 1);
	if (t->cur.col + 1 < t->cols)
		t->cur.col++;
	else
		t->wrap_pending = true;
}

/* A C0 control byte (below 0x20, and DEL). ESC, CAN and SUB are the
 * parser's. */
static void control(struct term *t, uint8_t b)
{
	switch (b) {
	case '\n':
	case '\v':
	case '\f':
		t->cur.col = 0;
		line_feed(t);
		break;
	case '\r':
		t->cur.col = 0;
		t->wrap_pending = false;
		break;
	case '\b':
		/* With a wrap pending the cursor is still on the last
		 * column: it moves left from there. */
		if (t->cur.col > 0)
			t->cur.col--;
		t->wrap_pending = false;
		break;
	case '\t':
		t->cur.col = (t->cur.col / TERM_TAB + 1) * TERM_TAB;
		if (t->cur.col >= t->cols)
			t->cur.col = t->cols - 1;
		t->wrap_pending = false;
		break;
	default:
		break; /* BEL and the rest: nothing to show */
	}
}

/* ---- CSI ------------------------------------------------------------- */

/* Parameter i, or `dflt` if absent or 0. */
static unsigned param(const struct term *t, unsigned i, unsigned dflt)
{
	if (i >= t->nparams || t->params[i] == 0)
		return dflt;
	return t->params[i];
}

static unsigned clamp(unsigned v, unsigned max)
{
	return v > max ? max : v;
}

static void move_cursor(struct term *t, uint8_t final)
{
	unsigned n = param(t, 0, 1);

	switch (final) {
	case 'A':
		t->cur.row -= n > t->cur.row ? t->cur.row : n;
		break;
	case 'B':
		t->cur.row = clamp(t->cur.row + n, t->rows - 1);
		break;
	case 'C':
		t->cur.col = clamp(t->cur.col + n, t->cols - 1);
		break;
	case 'D':
		t->cur.col -= n > t->cur.col ? t->cur.col : n;
		break;
	case 'G':
		t->cur.col = clamp(n - 1, t->cols - 1);
		break;
	default: /* 'H', 'f' */
		t->cur.row = clamp(n - 1, t->rows - 1);
		t->cur.col = clamp(param(t, 1, 1) - 1, t->cols - 1);
		break;
	}
	t->wrap_pending = false;
}

static void erase_display(struct term *t, unsigned how)
{
	unsigned row = t->cur.row, col = t->cur.col;

	switch (how) {
	case 0:
		erase(t, row, col, t->cols);
		for (unsigned r = row + 1; r < t->rows; r++)
			erase(t, r, 0, t->cols);
		break;
	case 1:
		for (unsigned r = 0; r < row; r++)
			erase(t, r, 0, t->cols);
		erase(t, row, 0, col + 1);
		break;
	case 2:
	case 3:
		for (unsigned r = 0; r < t->rows; r++)
			erase(t, r, 0, t->cols);
		t->scrolled = 0; /* all of it is redrawn */
		break;
	default:
		break;
	}
}

static void erase_line(struct term *t, unsigned how)
{
	unsigned row = t->cur.row, col = t->cur.col;

	if (how == 0)
		erase(t, row, col, t->cols);
	else if (how == 1)
		erase(t, row, 0, col + 1);
	else if (how == 2)
		erase(t, row, 0, t->cols);
}

/* One SGR parameter at *i; 38 and 48 consume their arguments. */
static void sgr_one(struct term *t, unsigned *i)
{
	unsigned p = *i < t->nparams ? t->params[*i] : 0;

	if (p == 0) {
		set_colours_default(&t->cur);
	} else if (p == 1) {
		t->cur.bold = true;
	} else if (p == 22) {
		t->cur.bold = false;
	} else if (p == 7) {
		t->cur.reverse = true;
	} else if (p == 27) {
		t->cur.reverse = false;
	} else if (p >= 30 && p <= 37) {
		t->cur.fg = (uint8_t)(p - 30);
	} else if (p == 39) {
		t->cur.fg = TERM_DEFAULT_FG;
	} else if (p >= 40 && p <= 47) {
		t->cur.bg = (uint8_t)(p - 40);
	} else if (p == 49) {
		t->cur.bg = TERM_DEFAULT_BG;
	} else if (p >= 90 && p <= 97) {
		t->cur.fg = (uint8_t)(p - 90 + TERM_BRIGHT);
	} else if (p >= 100 && p <= 107) {
		t->cur.bg = (uint8_t)(p - 100 + TERM_BRIGHT);
	} else if (p == 38 || p == 48) {
		/* 5;n (a palette index) or 2;r;g;b: not shown, skipped. */
		unsigned kind = *i + 1 < t->nparams ? t->params[*i + 1] : 0;

		*i += kind == 5 ? 2 : kind == 2 ? 4 : 1;
	}
}

static void sgr(struct term *t)
{
	if (t->nparams == 0) {
		set_colours_default(&t->cur);
		return;
	}
	for (unsigned i = 0; i < t->nparams; i++)
		sgr_one(t, &i);
}

static void csi_dispatch(struct term *t, uint8_t final)
{
	if (t->csi_private) {
		/* ?25h / ?25l: the cursor shown or hidden. */
		if ((final == 'h' || final == 'l') && param(t, 0, 0) == 25)
			t->cursor_visible = final == 'h';
		return;
	}
	switch (final) {
	case 'A':
	case 'B':
	case 'C':
	case 'D':
	case 'G':
	case 'H':
	case 'f':
		move_cursor(t, final);
		break;
	case 'J':
		erase_display(t, param(t, 0, 0));
		break;
	case 'K':
		erase_line(t, param(t, 0, 0));
		break;
	case 'm':
		sgr(t);
		break;
	case 's':
		t->saved = t->cur;
		break;
	case 'u':
		t->cur = t->saved;
		t->wrap_pending = false;
		break;
	default:
		break; /* not ours: ignored */
	}
}

/* A byte of a CSI sequence, after ESC [. */
static void csi_byte(struct term *t, uint8_t b)
{
	if (b >= '0' && b <= '9') {
		uint16_t *p;

		if (t->nparams == 0)
			t->nparams = 1;
		if (t->nparams > TERM_PARAMS_MAX)
			return; /* parameters past the maximum: dropped */
		p = &t->params[t->nparams - 1];
		*p = (uint16_t)clamp(*p * 10u + (b - '0'), TERM_PARAM_MAX);
	} else if (b == ';') {
		if (t->nparams == 0)
			t->nparams = 1; /* ";5H": an empty first parameter */
		if (t->nparams <= TERM_PARAMS_MAX)
			t->nparams++;
		if (t->nparams <= TERM_PARAMS_MAX)
			t->params[t->nparams - 1] = 0;
	} else if (b >= '<' && b <= '?' && t->nparams == 0 && !t->csi_private) {
		t->csi_private = true;
	} else if (b >= 0x40 && b <= 0x7e) {
		if (t->nparams > TERM_PARAMS_MAX)
			t->nparams = TERM_PARAMS_MAX;
		csi_dispatch(t, b);
		t->state = TERM_GROUND;
	} else {
		/* Intermediates, ':' sub-parameters, a late private marker:
		 * nothing we act on. Skip to the final byte. */
		t->state = TERM_CSI_IGNORE;
	}
}

/* ---- the parser ------------------------------------------------------ */

static void esc_byte(struct term *t, uint8_t b)
{
	t->state = TERM_GROUND;
	switch (b) {
	case '[':
		t->state = TERM_CSI;
		t->nparams = 0;
		t->csi_private = false;
		memset(t->params, 0, sizeof(t->params));
		break;
	case ']':
		t->state = TERM_OSC;
		t->osc_len = 0;
		break;
	case '7':
		t->saved = t->cur;
		break;
	case '8':
		t->cur = t->saved;
		t->wrap_pending = false;
		break;
	case 'c':
		term_reset(t);
		break;
	default:
		if (b >= 0x20 && b <= 0x2f)
			t->state = TERM_ESC_INTER; /* e.g. ESC ( B */
		break;				   /* other finals: ignored */
	}
}

/* A byte inside an OSC: skipped until BEL or ESC \, or too long. */
static void osc_byte(struct term *t, uint8_t b)
{
	if (t->state == TERM_OSC_ESC) {
		t->state = TERM_GROUND; /* ESC \ ends it; ESC x ends it too */
		if (b != '\\')
			esc_byte(t, b);
		return;
	}
	if (b == 0x07 || ++t->osc_len > TERM_OSC_MAX)
		t->state = TERM_GROUND;
	else if (b == ESC)
		t->state = TERM_OSC_ESC;
}

/* A byte 0x80 or above, in the ground state: UTF-8 shows one replacement
 * glyph per character; anything else one per byte. */
static void high_byte(struct term *t, uint8_t b)
{
	if (t->utf8_left && b >= 0x80 && b <= 0xbf) {
		t->utf8_left--;
		return;
	}
	t->utf8_left = 0;
	if (b >= 0xc2 && b <= 0xdf)
		t->utf8_left = 1;
	else if (b >= 0xe0 && b <= 0xef)
		t->utf8_left = 2;
	else if (b >= 0xf0 && b <= 0xf4)
		t->utf8_left = 3;
	put_char(t, b);
}

static void ground_byte(struct term *t, uint8_t b)
{
	if (b >= 0x80) {
		high_byte(t, b);
		return;
	}
	t->utf8_left = 0;
	if (b >= 0x20 && b < DEL)
		put_char(t, b);
	else if (b == ESC)
		t->state = TERM_ESC;
	else
		control(t, b);
}

/* A byte inside ESC or CSI, past the checks for controls. */
static void sequence_byte(struct term *t, uint8_t b)
{
	switch (t->state) {
	case TERM_ESC:
		esc_byte(t, b);
		break;
	case TERM_CSI:
		csi_byte(t, b);
		break;
	case TERM_ESC_INTER:
		if (b < 0x20 || b > 0x2f)
			t->state = TERM_GROUND; /* its final byte, or junk */
		break;
	default: /* TERM_CSI_IGNORE: until a final byte */
		if (b >= 0x40 && b <= 0x7e)
			t->state = TERM_GROUND;
		break;
	}
}

static void term_byte(struct term *t, uint8_t b)
{
	if (t->state == TERM_OSC || t->state == TERM_OSC_ESC) {
		osc_byte(t, b);
		return;
	}
	if (t->state == TERM_GROUND) {
		ground_byte(t, b);
		return;
	}
	/* Inside ESC or CSI: CAN and SUB abandon the sequence, ESC starts
	 * another, other C0 controls act as they would outside. */
	if (b == CAN || b == SUB)
		t->state = TERM_GROUND;
	else if (b == ESC)
		t->state = TERM_ESC;
	else if (b < 0x20)
		control(t, b);
	else
		sequence_byte(t, b);
}

void term_write(struct term *t, const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		term_byte(t, data[i]);
}
