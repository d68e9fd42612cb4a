/*
 * Drawing a terminal (term.h) into a linear framebuffer: 32-bit pixels,
 * any width, height and pitch, in the formats the loader reports
 * (struct pith_bootinfo_framebuffer): 1 RGBX, 2 BGRX, 3 bit masks.
 *
 * Cell (row, col) covers pixels x = 8 col .. 8 col + 7, y = 16 row ..
 * 16 row + 15; the strip to the right of the last column and below the
 * last row is left in the background colour. Only cells the terminal
 * marked dirty are drawn, and the cursor: no copy of the screen is kept.
 * Pure logic, as term.c: compiled and tested on the host.
 */
#ifndef FBCON_RENDER_H
#define FBCON_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "term.h"

#define RENDER_WIDTH_MAX  (TERM_COLS_MAX * 8)  /* pixels */
#define RENDER_HEIGHT_MAX (TERM_ROWS_MAX * 16) /* pixels */

enum render_format {
	RENDER_RGBX = 1, /* bytes R, G, B, reserved */
	RENDER_BGRX = 2, /* bytes B, G, R, reserved */
	RENDER_MASK = 3, /* each colour where its mask says */
};

struct render_fb {
	uint8_t *base;		       /* the first pixel, mapped writable */
	uint64_t size;		       /* bytes mapped from base */
	uint32_t width, height, pitch; /* pixels, pixels, bytes per line */
	uint32_t format;	       /* enum render_format */
	uint32_t red_mask, green_mask, blue_mask; /* RENDER_MASK only */
};

enum render_cursor {
	RENDER_CURSOR_BLOCK,	 /* the cell in reverse colours */
	RENDER_CURSOR_UNDERLINE, /* its two bottom pixel rows in the
				  * foreground colour */
};

struct render {
	struct render_fb fb;
	uint32_t palette[16]; /* enum term_colour as pixels */
	unsigned cols, rows;  /* whole cells that fit */
	enum render_cursor cursor_style;
	/* Where the cursor was last drawn (before any pending move of the
	 * pixels), so that the next flush can draw that cell plain. */
	bool cursor_drawn;
	unsigned cursor_row, cursor_col;
};

/* Check the framebuffer and set up the palette (block cursor).
 * TERM_E_FORMAT: an unknown format, masks that are empty, not
 * contiguous or overlapping, a pitch below width * 4 or not a multiple
 * of 4, or a size below what height lines need; TERM_E_GEOMETRY: less
 * than one cell, or more than RENDER_WIDTH_MAX x RENDER_HEIGHT_MAX. */
enum term_error render_init(struct render *r, const struct render_fb *fb);

/* The pixel value of a colour (8 bits a component) in r's format. */
uint32_t render_pixel(const struct render *r, uint8_t red, uint8_t green,
		      uint8_t blue);

/* Fill the whole framebuffer with the background colour. */
void render_clear(struct render *r);

/* Bring the screen up to date with t: move pixels for pending scrolls,
 * draw every dirty cell and the cursor, and leave t with nothing dirty.
 * TERM_E_GEOMETRY (and nothing drawn) unless t's grid is r->cols x
 * r->rows. */
enum term_error render_flush(struct render *r, struct term *t);

#endif
