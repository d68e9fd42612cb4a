/*
 * Host tests of the framebuffer console (servers/fbcon): the font, the
 * renderer in each pixel format, the terminal's controls and escape
 * sequences, and a fuzz-style run of random byte streams.
 *
 * Every framebuffer is a heap block of exactly pitch * height bytes
 * (AddressSanitizer catches a write past it), its line padding (the
 * bytes between width * 4 and the pitch) is filled with a sentinel that
 * must survive, and what an incremental flush leaves on screen is
 * compared with a full redraw of the same grid.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "font.h"
#include "render.h"
#include "term.h"

#define PAD 0xa5 /* line padding sentinel */

struct screen {
	uint8_t *fb; /* pitch * height bytes exactly */
	struct render_fb geometry;
	void *grid;
	struct render r;
	struct term t;
};

static const uint32_t no_masks[3] = {0, 0, 0};

static void screen_open_fmt(struct screen *s, unsigned width, unsigned height,
			    unsigned pitch, uint32_t format,
			    const uint32_t masks[3], enum term_scroll mode)
{
	size_t size = (size_t)pitch * height, grid;

	memset(s, 0, sizeof(*s));
	s->fb = malloc(size);
	assert_non_null(s->fb);
	memset(s->fb, PAD, size);
	s->geometry = (struct render_fb){
		.base = s->fb,
		.size = size,
		.width = width,
		.height = height,
		.pitch = pitch,
		.format = format,
		.red_mask = masks[0],
		.green_mask = masks[1],
		.blue_mask = masks[2],
	};
	assert_int_equal(render_init(&s->r, &s->geometry), TERM_OK);
	grid = term_memory_size(s->r.cols, s->r.rows);
	s->grid = malloc(grid);
	assert_non_null(s->grid);
	assert_int_equal(
		term_init(&s->t, s->r.cols, s->r.rows, s->grid, grid, mode),
		TERM_OK);
	render_clear(&s->r);
}

/* A screen of cols x rows cells, BGRX, no padding. */
static void screen_open(struct screen *s, unsigned cols, unsigned rows,
			enum term_scroll mode)
{
	screen_open_fmt(s, cols * 8, rows * 16, cols * 8 * 4, RENDER_BGRX,
			no_masks, mode);
}

static void screen_close(struct screen *s)
{
	free(s->fb);
	free(s->grid);
}

static void put(struct screen *s, const char *text)
{
	term_write(&s->t, (const uint8_t *)text, strlen(text));
}

static void flush(struct screen *s)
{
	assert_int_equal(render_flush(&s->r, &s->t), TERM_OK);
}

static uint32_t pixel(const struct screen *s, unsigned x, unsigned y)
{
	uint32_t v;

	memcpy(&v, s->fb + (size_t)y * s->geometry.pitch + (size_t)x * 4, 4);
	return v;
}

static void assert_cursor(const struct screen *s, unsigned row, unsigned col)
{
	assert_int_equal(s->t.cur.row, row);
	assert_int_equal(s->t.cur.col, col);
}

/* Row `row` of the grid holds `text`, then blanks. */
static void assert_row(const struct screen *s, unsigned row, const char *text)
{
	size_t n = strlen(text);

	assert_true(n <= s->t.cols);
	for (unsigned c = 0; c < s->t.cols; c++) {
		uint8_t want = c < n ? (uint8_t)text[c] : ' ';

		if (term_cell(&s->t, row, c)->ch != want)
			fail_msg("row %u col %u: '%c', expected '%c'", row, c,
				 term_cell(&s->t, row, c)->ch, want);
	}
}

/* The pixels of cell (row, col) show `glyph` in fg on bg. */
static void assert_cell_pixels(const struct screen *s, unsigned row,
			       unsigned col, uint8_t ch, uint32_t fg,
			       uint32_t bg)
{
	const uint8_t *g = font_glyph(ch);

	for (unsigned y = 0; y < 16; y++)
		for (unsigned x = 0; x < 8; x++) {
			uint32_t want = g[y] & (0x80 >> x) ? fg : bg;
			uint32_t got = pixel(s, col * 8 + x, row * 16 + y);

			if (got != want)
				fail_msg("cell %u,%u pixel %u,%u: %08x, "
					 "expected %08x",
					 row, col, x, y, got, want);
		}
}

/* The padding of every line still holds the sentinel. */
static void assert_padding(const struct screen *s)
{
	const struct render_fb *g = &s->geometry;

	for (unsigned y = 0; y < g->height; y++)
		for (size_t b = (size_t)g->width * 4; b < g->pitch; b++)
			if (s->fb[(size_t)y * g->pitch + b] != PAD)
				fail_msg("line %u: padding byte %zu written", y,
					 b);
}

/* What the screen shows equals a full redraw of its grid and cursor,
 * and nothing outside the lines' pixels was touched. */
static void assert_matches_redraw(struct screen *s)
{
	struct screen ref;
	size_t grid = term_memory_size(s->t.cols, s->t.rows);
	const struct render_fb *g = &s->geometry;

	flush(s);
	assert_padding(s);
	memset(&ref, 0, sizeof(ref));
	ref.geometry = *g;
	ref.fb = malloc(g->size);
	ref.grid = malloc(grid);
	assert_non_null(ref.fb);
	assert_non_null(ref.grid);
	memset(ref.fb, PAD, g->size);
	ref.geometry.base = ref.fb;
	assert_int_equal(render_init(&ref.r, &ref.geometry), TERM_OK);
	ref.r.cursor_style = s->r.cursor_style;
	render_clear(&ref.r);
	ref.t = s->t;
	ref.t.cells = ref.grid;
	ref.t.dirty = (struct term_dirty *)(ref.t.cells +
					    (size_t)s->t.cols * s->t.rows);
	memcpy(ref.t.cells, s->t.cells,
	       (size_t)s->t.cols * s->t.rows * sizeof(struct term_cell));
	term_touch_all(&ref.t);
	flush(&ref);
	for (unsigned y = 0; y < g->height; y++) {
		size_t off = (size_t)y * g->pitch;

		if (memcmp(s->fb + off, ref.fb + off, (size_t)g->width * 4) !=
		    0)
			fail_msg("pixel line %u differs from a full redraw", y);
	}
	screen_close(&ref);
}

/* ---- the font ---------------------------------------------------------- */

static void test_font(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(font_glyph(' ')[i], 0);
	assert_ptr_equal(font_glyph(0x7f), font_glyphs[FONT_REPLACEMENT]);
	assert_ptr_equal(font_glyph(0x00), font_glyphs[FONT_REPLACEMENT]);
	assert_ptr_equal(font_glyph(0xff), font_glyphs[FONT_REPLACEMENT]);
	assert_ptr_equal(font_glyph('A'), font_glyphs['A' - FONT_FIRST]);
	for (unsigned a = 0; a < FONT_GLYPHS; a++) {
		unsigned ink = 0;

		for (unsigned y = 0; y < 16; y++) {
			ink |= font_glyphs[a][y];
			/* Column 7 is the gap, except for '_'. */
			if (a != '_' - FONT_FIRST)
				assert_int_equal(font_glyphs[a][y] & 1, 0);
		}
		assert_true(a == 0 || ink); /* only the space is blank */
		for (unsigned b = a + 1; b < FONT_GLYPHS; b++)
			assert_true(memcmp(font_glyphs[a], font_glyphs[b],
					   16) != 0);
	}
	/* Look-alikes are told apart. */
	assert_true(memcmp(font_glyph('0'), font_glyph('O'), 16) != 0);
	assert_true(memcmp(font_glyph('1'), font_glyph('l'), 16) != 0);
	assert_true(memcmp(font_glyph('l'), font_glyph('I'), 16) != 0);
}

/* ---- pixels in each format --------------------------------------------- */

/* 'A' in red on blue at cell (1, 2) of a 5x3 screen whose width is not a
 * multiple of 8 and whose pitch has padding; red and blue as pixels. */
static void check_format(uint32_t format, const uint32_t masks[3], uint32_t red,
			 uint32_t blue)
{
	struct screen s;
	unsigned width = 5 * 8 + 3, height = 3 * 16 + 5;

	screen_open_fmt(&s, width, height, width * 4 + 20, format, masks,
			TERM_SCROLL_MOVE);
	assert_int_equal(s.r.cols, 5);
	assert_int_equal(s.r.rows, 3);
	assert_int_equal(s.r.palette[TERM_RED], red);
	assert_int_equal(s.r.palette[TERM_BLUE], blue);
	put(&s, "\x1b[?25l\x1b[2;3H\x1b[31;44mA\x1b[0m");
	flush(&s);
	assert_cell_pixels(&s, 1, 2, 'A', red, blue);
	for (unsigned row = 0; row < 3; row++)
		for (unsigned col = 0; col < 5; col++)
			if (row != 1 || col != 2)
				assert_cell_pixels(&s, row, col, ' ', 0, 0);
	/* The strips right of and below the cells stay background. */
	for (unsigned y = 0; y < height; y++)
		for (unsigned x = 40; x < width; x++)
			assert_int_equal(pixel(&s, x, y), 0);
	for (unsigned y = 48; y < height; y++)
		for (unsigned x = 0; x < width; x++)
			assert_int_equal(pixel(&s, x, y), 0);
	assert_padding(&s);
	screen_close(&s);
}

static void test_pixels_rgbx(void **state)
{
	(void)state;
	/* Bytes R, G, B, X: red 170 is the low byte. */
	check_format(RENDER_RGBX, no_masks, 0x0000aa, 0xaa0000);
}

static void test_pixels_bgrx(void **state)
{
	(void)state;
	check_format(RENDER_BGRX, no_masks, 0xaa0000, 0x0000aa);
}

static void test_pixels_masks(void **state)
{
	/* 10 bits a component: 170 scales to (170 * 1023 + 127) / 255. */
	static const uint32_t ten[3] = {0x3ff00000, 0x000ffc00, 0x000003ff};
	/* 5-6-5 in the low half: 170 is 21 of 31 in 5 bits. */
	static const uint32_t low[3] = {0xf800, 0x07e0, 0x001f};
	/* Masks that say RGBX. */
	static const uint32_t rgbx[3] = {0xff, 0xff00, 0xff0000};
	uint32_t c10 = (170 * 1023 + 127) / 255, c5 = (170 * 31 + 127) / 255;

	(void)state;
	check_format(RENDER_MASK, ten, c10 << 20, c10);
	check_format(RENDER_MASK, low, c5 << 11, c5);
	check_format(RENDER_MASK, rgbx, 0x0000aa, 0xaa0000);
}

static void test_pixels_white(void **state)
{
	static const uint32_t ten[3] = {0x3ff00000, 0x000ffc00, 0x000003ff};
	struct screen s;

	(void)state;
	screen_open_fmt(&s, 16, 16, 64, RENDER_MASK, ten, TERM_SCROLL_MOVE);
	assert_int_equal(s.r.palette[15], 0x3fffffff);
	assert_int_equal(render_pixel(&s.r, 255, 0, 0), 0x3ff00000);
	screen_close(&s);
}

/* ---- the cursor -------------------------------------------------------- */

static void test_cursor(void **state)
{
	struct screen s;
	uint32_t grey, black = 0;

	(void)state;
	screen_open(&s, 4, 2, TERM_SCROLL_MOVE);
	grey = s.r.palette[TERM_WHITE];
	flush(&s);
	/* A block on a blank cell: all foreground. */
	assert_cell_pixels(&s, 0, 0, ' ', grey, grey);
	put(&s, "x");
	flush(&s);
	assert_cell_pixels(&s, 0, 0, 'x', grey, black);
	assert_cell_pixels(&s, 0, 1, ' ', grey, grey);
	/* On a character: reverse colours. */
	put(&s, "\b");
	flush(&s);
	assert_cell_pixels(&s, 0, 0, 'x', black, grey);
	assert_cell_pixels(&s, 0, 1, ' ', black, black);
	/* Hidden, then an underline. */
	put(&s, "\x1b[?25l");
	flush(&s);
	assert_cell_pixels(&s, 0, 0, 'x', grey, black);
	s.r.cursor_style = RENDER_CURSOR_UNDERLINE;
	put(&s, "\x1b[?25h\x1b[2;2H");
	flush(&s);
	for (unsigned y = 0; y < 16; y++)
		for (unsigned x = 0; x < 8; x++)
			assert_int_equal(pixel(&s, 8 + x, 16 + y),
					 y >= 14 ? grey : black);
	assert_matches_redraw(&s);
	screen_close(&s);
}

/* ---- wrapping and controls --------------------------------------------- */

static void test_wrap(void **state)
{
	struct screen s;

	(void)state;
	screen_open(&s, 4, 2, TERM_SCROLL_MOVE);
	put(&s, "abcd");
	/* The last column written: the cursor stays, a wrap pending. */
	assert_cursor(&s, 0, 3);
	assert_true(s.t.wrap_pending);
	put(&s, "e");
	assert_row(&s, 0, "abcd");
	assert_row(&s, 1, "e");
	assert_cursor(&s, 1, 1);
	/* A newline right after a full line gives no blank line. */
	put(&s, "\rwxyz\n");
	assert_row(&s, 0, "wxyz");
	assert_row(&s, 1, "");
	assert_cursor(&s, 1, 0);
	/* \r cancels the pending wrap. */
	put(&s, "1234\r5");
	assert_row(&s, 1, "5234");
	assert_cursor(&s, 1, 1);
	assert_matches_redraw(&s);
	screen_close(&s);
}

static void test_controls(void **state)
{
	struct screen s;

	(void)state;
	screen_open(&s, 20, 3, TERM_SCROLL_MOVE);
	put(&s, "\b");
	assert_cursor(&s, 0, 0);
	put(&s, "ab\bc");
	assert_row(&s, 0, "ac");
	assert_cursor(&s, 0, 2);
	put(&s, "\t");
	assert_cursor(&s, 0, 8);
	put(&s, "\t\t\t");
	assert_cursor(&s, 0, 19); /* stops at the last column */
	put(&s, "\r\a\x01\x7fx");
	assert_row(&s, 0, "xc");
	put(&s, "\tyz\n");
	assert_cursor(&s, 1, 0); /* \n returns the carriage too */
	assert_row(&s, 0, "xc      yz");
	/* Backspace with a wrap pending moves left from the last column. */
	put(&s, "\x1b[1;20HQ\bR");
	assert_cursor(&s, 0, 19);
	assert_row(&s, 0, "xc      yz        RQ");
	assert_matches_redraw(&s);
	screen_close(&s);
}

/* ---- scrolling --------------------------------------------------------- */

static void check_scroll(enum term_scroll mode)
{
	struct screen s;

	screen_open(&s, 5, 3, mode);
	put(&s, "one\ntwo\nthree");
	flush(&s);
	put(&s, "\nfour");
	assert_row(&s, 0, "two");
	assert_row(&s, 1, "three");
	assert_row(&s, 2, "four");
	assert_cursor(&s, 2, 4);
	if (mode != TERM_SCROLL_AUTO) /* AUTO may do either */
		assert_int_equal(s.t.scrolled, mode == TERM_SCROLL_MOVE);
	flush(&s);
	assert_int_equal(s.t.scrolled, 0);
	assert_cell_pixels(&s, 0, 1, 'w', s.r.palette[7], 0);
	assert_matches_redraw(&s);
	/* The last line comes in blank, in the current background. */
	put(&s, "\x1b[41m\n");
	assert_row(&s, 2, "");
	for (unsigned c = 0; c < 5; c++)
		assert_int_equal(term_cell(&s.t, 2, c)->attr,
				 TERM_ATTR(TERM_WHITE, TERM_RED));
	assert_row(&s, 1, "four");
	assert_matches_redraw(&s);
	/* Several lines between flushes, and more lines than the screen. */
	put(&s, "\x1b[0ma\nb\nc");
	assert_matches_redraw(&s);
	put(&s, "\n1\n2\n3\n4\n5\n6\n7");
	assert_row(&s, 0, "5");
	assert_row(&s, 2, "7");
	assert_matches_redraw(&s);
	/* The cursor's old cell, moved up by a scroll, is drawn plain. */
	put(&s, "\x1b[1;1H");
	flush(&s);
	put(&s, "\x1b[3;1H\n\n");
	assert_matches_redraw(&s);
	screen_close(&s);
}

static void test_scroll_move(void **state)
{
	(void)state;
	check_scroll(TERM_SCROLL_MOVE);
}

static void test_scroll_redraw(void **state)
{
	(void)state;
	check_scroll(TERM_SCROLL_REDRAW);
}

static void test_scroll_auto(void **state)
{
	struct screen s;

	(void)state;
	check_scroll(TERM_SCROLL_AUTO);
	/* 40 cells; a move when more than 16 would be redrawn. */
	screen_open(&s, 10, 4, TERM_SCROLL_AUTO);
	assert_int_equal(s.t.move_threshold, 16);
	/* Short lines: 2 cells change (and the new line), a redraw. */
	put(&s, "ab\nab\nab\nxy");
	flush(&s);
	put(&s, "\n");
	assert_int_equal(s.t.scrolled, 0);
	assert_matches_redraw(&s);
	/* Full lines that all differ: 20 cells, a move. */
	put(&s, "\x1b[H0123456789abcdefghij0123456789\x1b[4;1H");
	flush(&s);
	put(&s, "\n");
	assert_int_equal(s.t.scrolled, 1);
	/* With a move pending, the next line moves too. */
	put(&s, "\n");
	assert_int_equal(s.t.scrolled, 2);
	assert_matches_redraw(&s);
	screen_close(&s);
}

/* REDRAW redraws only the cells that differ from the line above. */
static void test_scroll_redraw_cost(void **state)
{
	struct screen s;
	unsigned dirty = 0;

	(void)state;
	screen_open(&s, 10, 4, TERM_SCROLL_REDRAW);
	put(&s, "\x1b[?25lab\nab\nab\nxy");
	flush(&s);
	put(&s, "\n");
	for (unsigned r = 0; r < 4; r++)
		dirty += s.t.dirty[r].hi > s.t.dirty[r].lo
				 ? s.t.dirty[r].hi - s.t.dirty[r].lo
				 : 0;
	/* Row 2 becomes "xy" (2 cells), row 3 is blanked (10 cells). */
	assert_int_equal(dirty, 12);
	assert_matches_redraw(&s);
	/* One cell differs, in the middle of a group of four. */
	put(&s, "\x1b[2J\x1b[H0123456789\n01234X6789\n\x1b[4;1H");
	flush(&s);
	put(&s, "\n");
	assert_int_equal(s.t.dirty[0].lo, 5);
	assert_int_equal(s.t.dirty[0].hi, 6);
	assert_int_equal(s.t.dirty[1].lo, 0);
	assert_int_equal(s.t.dirty[1].hi, 10);
	assert_true(s.t.dirty[2].lo >= s.t.dirty[2].hi);
	assert_int_equal(s.t.dirty[3].hi - s.t.dirty[3].lo, 10);
	assert_matches_redraw(&s);
	screen_close(&s);
}

/* ---- escape sequences -------------------------------------------------- */

static void test_csi_moves(void **state)
{
	struct screen s;

	(void)state;
	screen_open(&s, 10, 6, TERM_SCROLL_MOVE);
	put(&s, "\x1b[5;5H");
	assert_cursor(&s, 4, 4);
	put(&s, "\x1b[2A");
	assert_cursor(&s, 2, 4);
	put(&s, "\x1b[A");
	assert_cursor(&s, 1, 4);
	put(&s, "\x1b[0A");
	assert_cursor(&s, 0, 4);
	put(&s, "\x1b[99A");
	assert_cursor(&s, 0, 4);
	put(&s, "\x1b[3B");
	assert_cursor(&s, 3, 4);
	put(&s, "\x1b[99B");
	assert_cursor(&s, 5, 4);
	put(&s, "\x1b[2C");
	assert_cursor(&s, 5, 6);
	put(&s, "\x1b[99C");
	assert_cursor(&s, 5, 9);
	put(&s, "\x1b[4D");
	assert_cursor(&s, 5, 5);
	put(&s, "\x1b[D");
	assert_cursor(&s, 5, 4);
	put(&s, "\x1b[99D");
	assert_cursor(&s, 5, 0);
	put(&s, "\x1b[H");
	assert_cursor(&s, 0, 0);
	put(&s, "\x1b[;7H");
	assert_cursor(&s, 0, 6);
	put(&s, "\x1b[3;H");
	assert_cursor(&s, 2, 0);
	put(&s, "\x1b[99;99H");
	assert_cursor(&s, 5, 9);
	put(&s, "\x1b[2;3f");
	assert_cursor(&s, 1, 2);
	put(&s, "\x1b[8G");
	assert_cursor(&s, 1, 7);
	put(&s, "\x1b[99999999999999999999;0H");
	assert_cursor(&s, 5, 0);
	/* A move cancels a pending wrap. */
	put(&s, "\x1b[1;10HX\x1b[CY");
	assert_cursor(&s, 0, 9);
	assert_row(&s, 0, "         Y");
	assert_matches_redraw(&s);
	screen_close(&s);
}

static void test_erase_line(void **state)
{
	struct screen s;

	(void)state;
	screen_open(&s, 10, 2, TERM_SCROLL_MOVE);
	put(&s, "abcdefghij\x1b[1;5H\x1b[K");
	assert_row(&s, 0, "abcd");
	assert_cursor(&s, 0, 4);
	put(&s, "\rabcdefghij\x1b[1;5H\x1b[0K");
	assert_row(&s, 0, "abcd");
	put(&s, "\rabcdefghij\x1b[1;5H\x1b[1K");
	assert_row(&s, 0, "     fghij");
	put(&s, "\x1b[2K");
	assert_row(&s, 0, "");
	assert_cursor(&s, 0, 4);
	put(&s, "\x1b[9K"); /* not a mode: nothing */
	/* Erasing fills with the current background. */
	put(&s, "\x1b[44m\x1b[K\x1b[m");
	assert_int_equal(term_cell(&s.t, 0, 4)->attr,
			 TERM_ATTR(TERM_WHITE, TERM_BLUE));
	assert_int_equal(term_cell(&s.t, 0, 3)->attr,
			 TERM_ATTR(TERM_WHITE, TERM_BLACK));
	assert_matches_redraw(&s);
	screen_close(&s);
}

static void fill3(struct screen *s)
{
	put(s, "\x1b[H11111\x1b[2;1H22222\x1b[3;1H33333\x1b[2;3H");
}

static void test_erase_display(void **state)
{
	struct screen s;

	(void)state;
	screen_open(&s, 5, 3, TERM_SCROLL_MOVE);
	fill3(&s);
	put(&s, "\x1b[J");
	assert_row(&s, 0, "11111");
	assert_row(&s, 1, "22");
	assert_row(&s, 2, "");
	fill3(&s);
	put(&s, "\x1b[1J");
	assert_row(&s, 0, "");
	assert_row(&s, 1, "   22");
	assert_row(&s, 2, "33333");
	fill3(&s);
	put(&s, "\x1b[2J");
	for (unsigned r = 0; r < 3; r++)
		assert_row(&s, r, "");
	assert_cursor(&s, 1, 2); /* 2J leaves the cursor */
	fill3(&s);
	put(&s, "\x1b[3J\x1b[7J");
	for (unsigned r = 0; r < 3; r++)
		assert_row(&s, r, "");
	assert_matches_redraw(&s);
	/* A clear right after scrolling: nothing left to move. */
	put(&s, "\n\n\n\n\x1b[2J");
	assert_int_equal(s.t.scrolled, 0);
	assert_matches_redraw(&s);
	screen_close(&s);
}

static uint8_t attr_at(const struct screen *s, unsigned col)
{
	return term_cell(&s->t, 0, col)->attr;
}

static void test_sgr(void **state)
{
	struct screen s;

	(void)state;
	screen_open(&s, 16, 1, TERM_SCROLL_MOVE);
	put(&s, "\x1b[31mA\x1b[1;32mB\x1b[22mC\x1b[0mD\x1b[44;93mE\x1b[mF"
		"\x1b[7mG\x1b[27;39;49mH\x1b[38;5;196;31mI\x1b[48;2;1;2;3;42mJ"
		"\x1b[105;1mK\x1b[0;97mL\x1b[1;7;34mM\x1b[;36mN\x1b[2;5;4mO");
	assert_row(&s, 0, "ABCDEFGHIJKLMNO");
	assert_int_equal(attr_at(&s, 0), TERM_ATTR(TERM_RED, TERM_BLACK));
	assert_int_equal(attr_at(&s, 1), TERM_ATTR(TERM_GREEN + 8, 0));
	assert_int_equal(attr_at(&s, 2), TERM_ATTR(TERM_GREEN, 0));
	assert_int_equal(attr_at(&s, 3), TERM_ATTR(TERM_WHITE, 0));
	assert_int_equal(attr_at(&s, 4), TERM_ATTR(TERM_YELLOW + 8, TERM_BLUE));
	assert_int_equal(attr_at(&s, 5), TERM_ATTR(TERM_WHITE, 0));
	assert_int_equal(attr_at(&s, 6), TERM_ATTR(TERM_BLACK, TERM_WHITE));
	assert_int_equal(attr_at(&s, 7), TERM_ATTR(TERM_WHITE, TERM_BLACK));
	assert_int_equal(attr_at(&s, 8), TERM_ATTR(TERM_RED, TERM_BLACK));
	assert_int_equal(attr_at(&s, 9), TERM_ATTR(TERM_RED, TERM_GREEN));
	assert_int_equal(attr_at(&s, 10), TERM_ATTR(TERM_RED + 8, 13));
	assert_int_equal(attr_at(&s, 11), TERM_ATTR(15, 0));
	/* Bold brightens before reverse swaps. */
	assert_int_equal(attr_at(&s, 12), TERM_ATTR(0, TERM_BLUE + 8));
	/* An empty parameter is 0, a reset; unknown ones are ignored. */
	assert_int_equal(attr_at(&s, 13), TERM_ATTR(TERM_CYAN, 0));
	assert_int_equal(attr_at(&s, 14), TERM_ATTR(TERM_CYAN, 0));
	put(&s, "\x1b[?25l\x1b[1;1H");
	flush(&s);
	assert_cell_pixels(&s, 0, 1, 'B', s.r.palette[10], s.r.palette[0]);
	assert_matches_redraw(&s);
	screen_close(&s);
}

static void test_ignored_sequences(void **state)
{
	static const char *const junk[] = {
		"\x1b[5X",
		"\x1b[?1049h",
		"\x1b[?7l",
		"\x1b]0;a window title\x07",
		"\x1b]2;title\x1b\\",
		"\x1b(B",
		"\x1b#8",
		"\x1bZ",
		"\x1b[1:2m",
		"\x1b[>c",
		"\x1b[1 q",
		"\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20r",
		"\x1b[3\x18",
		"\x1b[3\x1a",
		"\x1b\x1b[",
		"\x1b[1;2",
	};
	struct screen s;

	(void)state;
	screen_open(&s, 12, 2, TERM_SCROLL_MOVE);
	put(&s, "\x1b[2;4H");
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		put(&s, junk[i]);
		if (i + 2 < sizeof(junk) / sizeof(junk[0])) {
			assert_cursor(&s, 1, 3);
			assert_int_equal(s.t.state, TERM_GROUND);
		}
	}
	/* The last two leave a sequence open: "H" ends it as CUP. */
	put(&s, "Hok");
	assert_cursor(&s, 0, 3);
	assert_row(&s, 0, " ok");
	assert_row(&s, 1, "");
	/* An OSC that never ends gives up after TERM_OSC_MAX bytes. */
	put(&s, "\x1b]");
	for (unsigned i = 0; i <= TERM_OSC_MAX; i++)
		put(&s, "z");
	put(&s, "\rAB");
	assert_row(&s, 0, "ABk");
	/* Lots of parameters: the first ones count. */
	put(&s, "\x1b[2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20H");
	assert_cursor(&s, 1, 2);
	/* CSI with an intermediate is not the same command. */
	put(&s, "\x1b[1 H");
	assert_cursor(&s, 1, 2);
	assert_matches_redraw(&s);
	screen_close(&s);
}

static void test_high_bytes(void **state)
{
	struct screen s;

	(void)state;
	screen_open(&s, 12, 1, TERM_SCROLL_MOVE);
	/* e-acute (2 bytes), the euro (3), a 4-byte one, a stray
	 * continuation, 0xff, a lead byte cut short by 'a'. */
	put(&s, "\xc3\xa9|\xe2\x82\xac|\xf0\x9f\x98\x80|\x80|\xff|\xc3"
		"a");
	assert_cursor(&s, 0, 11);
	for (unsigned c = 0; c < 12; c++)
		assert_int_equal(term_cell(&s.t, 0, c)->ch >= 0x80,
				 c % 2 == 0 && c < 11);
	assert_int_equal(term_cell(&s.t, 0, 9)->ch, '|');
	assert_int_equal(term_cell(&s.t, 0, 11)->ch, 'a');
	put(&s, "\x1b[?25l");
	flush(&s);
	assert_cell_pixels(&s, 0, 0, 0x80, s.r.palette[7], 0);
	assert_true(memcmp(font_glyph(0x80), font_glyph('?'), 16) != 0);
	screen_close(&s);
}

static void test_save_restore_reset(void **state)
{
	struct screen s;

	(void)state;
	screen_open(&s, 10, 3, TERM_SCROLL_MOVE);
	put(&s, "\x1b[2;3H\x1b[31m\x1b"
		"7\x1b[H\x1b[0mx\x1b"
		"8y");
	assert_cursor(&s, 1, 3);
	assert_int_equal(term_cell(&s.t, 1, 2)->attr, TERM_ATTR(TERM_RED, 0));
	put(&s, "\x1b[3;5H\x1b[s\x1b[H\x1b[uz");
	assert_row(&s, 2, "    z");
	put(&s, "\x1b[?25l");
	assert_false(s.t.cursor_visible);
	put(&s, "\x1b[?25h");
	assert_true(s.t.cursor_visible);
	put(&s, "\x1b[44m\x1b"
		"c");
	for (unsigned r = 0; r < 3; r++)
		assert_row(&s, r, "");
	assert_cursor(&s, 0, 0);
	put(&s, "q");
	assert_int_equal(term_cell(&s.t, 0, 0)->attr,
			 TERM_ATTR(TERM_WHITE, TERM_BLACK));
	assert_matches_redraw(&s);
	screen_close(&s);
}

/* ---- bad input ------------------------------------------------------- */

static enum term_error try_fb(unsigned width, unsigned height, unsigned pitch,
			      uint64_t size, uint32_t format, uint32_t r,
			      uint32_t g, uint32_t b)
{
	static uint8_t dummy[64];
	struct render_fb fb = {dummy,  size, width, height, pitch,
			       format, r,    g,	    b};
	struct render rr;

	return render_init(&rr, &fb);
}

static void test_bad_geometry(void **state)
{
	struct render_fb none = {0};
	struct render rr;
	struct term t;
	struct screen s;
	uint16_t mem[64];

	(void)state;
	assert_int_equal(render_init(&rr, &none), TERM_E_FORMAT);
	assert_int_equal(try_fb(8, 16, 32, 512, 0, 0, 0, 0), TERM_E_FORMAT);
	assert_int_equal(try_fb(8, 16, 32, 512, 4, 0, 0, 0), TERM_E_FORMAT);
	assert_int_equal(try_fb(8, 16, 32, 512, 3, 0xff, 0xff00, 0),
			 TERM_E_FORMAT); /* an empty mask */
	assert_int_equal(try_fb(8, 16, 32, 512, 3, 0xff, 0x1ff, 0xff0000),
			 TERM_E_FORMAT); /* overlapping */
	assert_int_equal(try_fb(8, 16, 32, 512, 3, 0xf0f, 0xf000, 0xff0000),
			 TERM_E_FORMAT); /* not contiguous */
	assert_int_equal(try_fb(8, 16, 28, 512, 1, 0, 0, 0), TERM_E_FORMAT);
	assert_int_equal(try_fb(8, 16, 34, 1024, 1, 0, 0, 0), TERM_E_FORMAT);
	assert_int_equal(try_fb(8, 16, 32, 511, 1, 0, 0, 0), TERM_E_FORMAT);
	assert_int_equal(try_fb(7, 16, 32, 512, 1, 0, 0, 0), TERM_E_GEOMETRY);
	assert_int_equal(try_fb(8, 15, 32, 512, 1, 0, 0, 0), TERM_E_GEOMETRY);
	assert_int_equal(try_fb(RENDER_WIDTH_MAX + 8, 16,
				(RENDER_WIDTH_MAX + 8) * 4, UINT64_MAX, 2, 0, 0,
				0),
			 TERM_E_GEOMETRY);
	assert_int_equal(
		try_fb(8, RENDER_HEIGHT_MAX + 16, 32, UINT64_MAX, 2, 0, 0, 0),
		TERM_E_GEOMETRY);
	/* A pitch times height that would overflow 32 bits is still
	 * measured right. */
	assert_int_equal(
		try_fb(8, 16384, 0x40000, 0x40000ULL * 16383, 2, 0, 0, 0),
		TERM_E_FORMAT);
	assert_int_equal(try_fb(8, 16, 32, 512, 1, 0, 0, 0), TERM_OK);

	assert_int_equal(term_init(&t, 0, 1, mem, sizeof(mem), 0),
			 TERM_E_GEOMETRY);
	assert_int_equal(term_init(&t, 1, 0, mem, sizeof(mem), 0),
			 TERM_E_GEOMETRY);
	assert_int_equal(
		term_init(&t, TERM_COLS_MAX + 1, 1, mem, sizeof(mem), 0),
		TERM_E_GEOMETRY);
	assert_int_equal(
		term_init(&t, 1, TERM_ROWS_MAX + 1, mem, sizeof(mem), 0),
		TERM_E_GEOMETRY);
	assert_int_equal(term_init(&t, 8, 8, mem, sizeof(mem), 0),
			 TERM_E_MEMORY);
	assert_int_equal(term_init(&t, 4, 4, NULL, sizeof(mem), 0),
			 TERM_E_MEMORY);
	assert_int_equal(term_init(&t, 4, 4, (uint8_t *)mem + 1, 100, 0),
			 TERM_E_MEMORY);
	assert_int_equal(term_init(&t, 4, 4, mem, sizeof(mem), 0), TERM_OK);
	assert_string_equal(term_strerror(TERM_E_FORMAT),
			    "unsupported framebuffer pixel format or layout");
	assert_string_equal(term_strerror((enum term_error)99),
			    "unknown error");

	/* A grid of another size is refused, not drawn. */
	screen_open(&s, 4, 4, TERM_SCROLL_MOVE);
	assert_int_equal(render_flush(&s.r, &t), TERM_OK);
	t.cols = 5;
	assert_int_equal(render_flush(&s.r, &t), TERM_E_GEOMETRY);
	/* A pending move of the whole screen or more is a redraw. */
	put(&s, "abc\n");
	s.t.scrolled = 4;
	assert_matches_redraw(&s);
	s.t.scrolled = 1000;
	assert_matches_redraw(&s);
	screen_close(&s);
}

/* ---- random byte streams ----------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A byte biased towards what makes escape sequences. */
static uint8_t random_byte(void)
{
	static const char finals[] = "ABCDGHJKfmsuhlX@r";
	static const char controls[] = "\n\r\b\t\a\x18\x1a\v\f\x7f";
	static const char other[] = "]\\(#78cZ ";
	unsigned k = rng() % 100;

	if (k < 30)
		return (uint8_t)(0x20 + rng() % 95);
	if (k < 40)
		return 0x1b;
	if (k < 48)
		return '[';
	if (k < 62)
		return (uint8_t)('0' + rng() % 10);
	if (k < 70)
		return ';';
	if (k < 74)
		return '?';
	if (k < 82)
		return (uint8_t)finals[rng() % (sizeof(finals) - 1)];
	if (k < 90)
		return (uint8_t)controls[rng() % (sizeof(controls) - 1)];
	if (k < 95)
		return (uint8_t)(0x80 + rng() % 128);
	return (uint8_t)other[rng() % (sizeof(other) - 1)];
}

struct fuzz_geometry {
	unsigned width, height, pitch;
	uint32_t format;
};

static void fuzz_one(const struct fuzz_geometry *g, enum term_scroll mode,
		     unsigned sequences)
{
	static const uint32_t masks[3] = {0x3ff00000, 0x000ffc00, 0x3ff};
	struct screen s;
	uint8_t buf[512];

	screen_open_fmt(&s, g->width, g->height, g->pitch, g->format, masks,
			mode);
	for (unsigned i = 0; i < sequences; i++) {
		size_t len = rng() % sizeof(buf);

		for (size_t k = 0; k < len; k++)
			buf[k] = random_byte();
		term_write(&s.t, buf, len);
		if (s.t.cur.row >= s.t.rows || s.t.cur.col >= s.t.cols ||
		    s.t.scrolled >= s.t.rows)
			fail_msg("sequence %u: cursor %u,%u scrolled %u on a "
				 "%ux%u grid",
				 i, s.t.cur.row, s.t.cur.col, s.t.scrolled,
				 s.t.cols, s.t.rows);
		if (rng() % 3 == 0)
			s.r.cursor_style = (enum render_cursor)(rng() % 2);
		if (mode == TERM_SCROLL_AUTO && rng() % 4 == 0)
			s.t.move_threshold =
				(unsigned)(rng() % (s.t.cols * s.t.rows + 1));
		if (rng() % 2)
			flush(&s);
		if (i % 64 == 63)
			assert_matches_redraw(&s);
	}
	assert_matches_redraw(&s);
	screen_close(&s);
}

static void test_fuzz(void **state)
{
	static const struct fuzz_geometry geometries[] = {
		{8, 16, 32, RENDER_BGRX},	       /* one cell */
		{8, 40, 36, RENDER_RGBX},	       /* one column */
		{100, 16, 404, RENDER_MASK},	       /* one row */
		{43, 53, 192, RENDER_BGRX},	       /* margins, padding */
		{200, 120, 800, RENDER_RGBX},	       /* 25 x 7 */
		{640, 200, 640 * 4 + 64, RENDER_MASK}, /* 80 x 12 */
	};
	unsigned total = 0;

	(void)state;
	rng_state = 0x9e3779b97f4a7c15ULL;
	for (size_t i = 0; i < sizeof(geometries) / sizeof(geometries[0]);
	     i++) {
		for (int mode = 0; mode < 3; mode++) {
			unsigned n = i < 5 ? 400 : 200;

			fuzz_one(&geometries[i], (enum term_scroll)mode, n);
			total += n;
		}
	}
	assert_true(total >= 5000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_font),
		cmocka_unit_test(test_pixels_rgbx),
		cmocka_unit_test(test_pixels_bgrx),
		cmocka_unit_test(test_pixels_masks),
		cmocka_unit_test(test_pixels_white),
		cmocka_unit_test(test_cursor),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_scroll_move),
		cmocka_unit_test(test_scroll_redraw),
		cmocka_unit_test(test_scroll_auto),
		cmocka_unit_test(test_scroll_redraw_cost),
		cmocka_unit_test(test_csi_moves),
		cmocka_unit_test(test_erase_line),
		cmocka_unit_test(test_erase_display),
		cmocka_unit_test(test_sgr),
		cmocka_unit_test(test_ignored_sequences),
		cmocka_unit_test(test_high_bytes),
		cmocka_unit_test(test_save_restore_reset),
		cmocka_unit_test(test_bad_geometry),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
