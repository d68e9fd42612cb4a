/*
 * The console's terminal: a grid of character cells, a cursor, and the
 * escape sequences a line editor emits. Pure logic: no system calls and
 * no pixels, so it compiles and is tested on the host. render.h draws it.
 *
 * Bytes (term_write):
 *   printable ASCII    drawn at the cursor, which moves right; writing the
 *                      last column leaves the cursor there with a wrap
 *                      pending, and the next printable byte starts the
 *                      next line first
 *   \n (and \v, \f)    to the start of the next line (the display does the
 *                      carriage return itself), scrolling at the bottom
 *   \r                 to the start of the line
 *   \b                 one column left (nothing erased), not past column 0
 *   \t                 to the next multiple of 8, at most the last column
 *   other C0 bytes     ignored (BEL included)
 *   UTF-8              one replacement glyph per encoded character
 *   other bytes 0x80+  one replacement glyph each
 *   ESC [ ... final    CSI, below; ESC 7 / ESC 8 save and restore the
 *                      cursor, ESC c resets, ESC ] ... BEL or ESC \ (an
 *                      operating-system command) is skipped
 * CSI (parameters are decimal, ';'-separated; missing or 0 means 1 for
 * moves and positions):
 *   n A / n B / n C / n D   cursor up / down / right / left, stopping at
 *                           the edge
 *   n G                     to column n
 *   row;col H (or f)        to row, column (from 1)
 *   J, 1J, 2J (3J)          erase to the end of the screen, from its start
 *                           to the cursor, all of it (the cursor stays)
 *   K, 1K, 2K               the same within the cursor's line
 *   ... m                   SGR: 0 reset, 1 bold (bright foreground),
 *                           22 not bold, 7 / 27 reverse on / off,
 *                           30-37 / 90-97 foreground, 39 default,
 *                           40-47 / 100-107 background, 49 default;
 *                           38;5;n and 38;2;r;g;b (48 too) are skipped
 *   s / u                   save / restore the cursor
 *   ?25l / ?25h             hide / show the cursor
 * Anything else is consumed and ignored: no byte stream can move the
 * cursor off the grid or write outside it.
 *
 * Scrolling never keeps a copy of the screen's pixels: only the cell grid.
 * What a renderer must redraw is tracked per row as a span of dirty cells,
 * in one of two ways (enum term_scroll).
 */
#ifndef FBCON_TERM_H
#define FBCON_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TERM_COLS_MAX	2048 /* cells a row at most */
#define TERM_ROWS_MAX	1024 /* rows at most */
#define TERM_PARAMS_MAX 16   /* CSI parameters kept; more are ignored */
#define TERM_PARAM_MAX	9999 /* a larger parameter counts as this */
#define TERM_OSC_MAX	512  /* an OSC longer than this is abandoned */
#define TERM_TAB	8

/* Colours: indexes into the renderer's 16-colour palette. */
enum term_colour {
	TERM_BLACK,
	TERM_RED,
	TERM_GREEN,
	TERM_YELLOW,
	TERM_BLUE,
	TERM_MAGENTA,
	TERM_CYAN,
	TERM_WHITE,
	TERM_BRIGHT = 8, /* added to one of the above */
};
#define TERM_DEFAULT_FG TERM_WHITE
#define TERM_DEFAULT_BG TERM_BLACK

enum term_error {
	TERM_OK = 0,
	TERM_E_GEOMETRY, /* no whole cell fits, or more than the maxima */
	TERM_E_MEMORY,	 /* the memory given is too small */
	TERM_E_FORMAT,	 /* a pixel format or layout the renderer can't draw */
};

const char *term_strerror(enum term_error e);

struct term_cell {
	uint8_t ch;   /* the byte; render.c draws the non-printable as the
		       * replacement glyph */
	uint8_t attr; /* foreground colour in bits 0-3, background in 4-7 */
};

#define TERM_ATTR(fg, bg) ((uint8_t)((fg) | (bg) << 4))
#define TERM_FG(attr)	  ((attr)&0xf)
#define TERM_BG(attr)	  ((attr) >> 4)

/* Cells [lo, hi) of a row differ from what the renderer last drew;
 * lo >= hi: none. */
struct term_dirty {
	uint16_t lo, hi;
};

/*
 * How a scroll is shown. Either way the invariant is the same: a cell
 * not marked dirty shows on screen, once the renderer has moved the
 * pixels up by `scrolled` lines, what the grid holds. So the two can be
 * mixed from one scroll to the next.
 *  TERM_SCROLL_MOVE    the renderer moves the framebuffer's pixel rows up
 *                      (t->scrolled lines, at its next flush) and draws
 *                      the new bottom lines: a copy of the whole screen's
 *                      pixels, whatever they show;
 *  TERM_SCROLL_REDRAW  nothing is moved: every cell whose character or
 *                      colours differ from the cell that was above it is
 *                      redrawn, which costs little when the screen is
 *                      mostly blank;
 *  TERM_SCROLL_AUTO    per scroll, whichever costs less: a move if one is
 *                      pending already (another line is then free) or if
 *                      more than move_threshold cells would be redrawn,
 *                      else a redraw.
 */
enum term_scroll {
	TERM_SCROLL_MOVE,
	TERM_SCROLL_REDRAW,
	TERM_SCROLL_AUTO,
};

/* TERM_SCROLL_AUTO's default threshold, in cells per 1000 of the screen:
 * moving the pixels costs about as much as redrawing 40% of the cells
 * (docs/fbcon.md, measured under QEMU). */
#define TERM_MOVE_THRESHOLD_PERMILLE 400

enum term_state {
	TERM_GROUND,
	TERM_ESC,	 /* after ESC */
	TERM_ESC_INTER,	 /* ESC and intermediate bytes: until a final */
	TERM_CSI,	 /* ESC [, reading parameters */
	TERM_CSI_IGNORE, /* a CSI we won't act on: until its final byte */
	TERM_OSC,	 /* ESC ]: until BEL or ESC \ */
	TERM_OSC_ESC,	 /* ESC inside an OSC */
};

struct term_cursor {
	unsigned row, col;
	uint8_t fg, bg;
	bool bold, reverse;
};

struct term {
	struct term_cell *cells;  /* rows * cols, row after row */
	struct term_dirty *dirty; /* one per row */
	unsigned cols, rows;
	/* The cursor and the colours new characters get. Always
	 * row < rows and col < cols. */
	struct term_cursor cur;
	struct term_cursor saved; /* ESC 7, CSI s */
	bool wrap_pending;	  /* the last column was written */
	bool cursor_visible;
	enum term_scroll scroll_mode; /* may change at any time */
	/* TERM_SCROLL_AUTO moves when more cells than this would be
	 * redrawn. */
	unsigned move_threshold;
	/* Lines scrolled since the renderer's last flush, which it must
	 * move the pixels up by (TERM_SCROLL_MOVE only); < rows. */
	unsigned scrolled;
	/* The escape-sequence parser. */
	enum term_state state;
	bool csi_private; /* a '<' '=' '>' '?' came first */
	uint8_t nparams;  /* parameters started; <= TERM_PARAMS_MAX */
	uint16_t params[TERM_PARAMS_MAX];
	uint16_t osc_len;
	uint8_t utf8_left; /* continuation bytes still expected */
};

/* The bytes term_init() needs for a grid of cols x rows. */
size_t term_memory_size(unsigned cols, unsigned rows);

/* A blank grid of cols x rows in `mem` (at least term_memory_size()
 * bytes, 2-byte aligned), every cell dirty, the cursor at the top left,
 * move_threshold at TERM_MOVE_THRESHOLD_PERMILLE of the cells.
 * TERM_E_GEOMETRY, TERM_E_MEMORY. */
enum term_error term_init(struct term *t, unsigned cols, unsigned rows,
			  void *mem, size_t size, enum term_scroll mode);

/* Act on `len` bytes: draw them into the grid, move the cursor, scroll. */
void term_write(struct term *t, const uint8_t *data, size_t len);

/* Back to the state term_init() left (ESC c): colours, cursor, parser;
 * the grid is cleared. */
void term_reset(struct term *t);

/* The cell at row, col (both in range). */
static inline struct term_cell *term_cell(const struct term *t, unsigned row,
					  unsigned col)
{
	return &t->cells[(size_t)row * t->cols + col];
}

/* Mark cells [lo, hi) of `row` for drawing (hi <= cols). */
void term_touch(struct term *t, unsigned row, unsigned lo, unsigned hi);

/* Mark everything for drawing, and forget any pending move. */
void term_touch_all(struct term *t);

#endif
