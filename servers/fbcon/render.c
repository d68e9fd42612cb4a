/*
 * The renderer (render.h). Every pixel written is inside cell (row, col)
 * with row < r->rows and col < r->cols, and render_init() checked that
 * all those cells lie inside fb.size bytes.
 */
#include "render.h"

#include "font.h"
#include "lib/string.h"

#define BYTES_PER_PIXEL	   4
#define CURSOR_UNDERLINE_Y (FONT_HEIGHT - 2) /* its first pixel row */

/* The 16 colours, 8 bits a component. */
static const uint8_t palette_rgb[16][3] = {
	{0, 0, 0},     {170, 0, 0},    {0, 170, 0},    {170, 85, 0},
	{0, 0, 170},   {170, 0, 170},  {0, 170, 170},  {170, 170, 170},
	{85, 85, 85},  {255, 85, 85},  {85, 255, 85},  {255, 255, 85},
	{85, 85, 255}, {255, 85, 255}, {85, 255, 255}, {255, 255, 255},
};

static unsigned lowest_bit(uint32_t mask)
{
	unsigned n = 0;

	while (!(mask & 1)) {
		mask >>= 1;
		n++;
	}
	return n;
}

/* A nonzero mask of one run of bits. */
static bool contiguous(uint32_t mask)
{
	if (mask == 0)
		return false;
	mask >>= lowest_bit(mask);
	return (mask & (mask + 1)) == 0;
}

/* An 8-bit component scaled to the field `mask`. */
static uint32_t component(uint8_t v, uint32_t mask)
{
	unsigned shift = lowest_bit(mask);
	uint64_t max = (uint64_t)mask >> shift;

	return (uint32_t)(((v * max + 127) / 255) << shift);
}

uint32_t render_pixel(const struct render *r, uint8_t red, uint8_t green,
		      uint8_t blue)
{
	switch (r->fb.format) {
	case RENDER_RGBX:
		return red | (uint32_t)green << 8 | (uint32_t)blue << 16;
	case RENDER_BGRX:
		return blue | (uint32_t)green << 8 | (uint32_t)red << 16;
	default:
		return component(red, r->fb.red_mask) |
		       component(green, r->fb.green_mask) |
		       component(blue, r->fb.blue_mask);
	}
}

static bool format_ok(const struct render_fb *fb)
{
	uint32_t r = fb->red_mask, g = fb->green_mask, b = fb->blue_mask;

	if (fb->format == RENDER_RGBX || fb->format == RENDER_BGRX)
		return true;
	if (fb->format != RENDER_MASK)
		return false;
	return contiguous(r) && contiguous(g) && contiguous(b) && !(r & g) &&
	       !(r & b) && !(g & b);
}

enum term_error render_init(struct render *r, const struct render_fb *fb)
{
	memset(r, 0, sizeof(*r));
	if (!fb->base || !format_ok(fb))
		return TERM_E_FORMAT;
	if (fb->width < FONT_WIDTH || fb->height < FONT_HEIGHT ||
	    fb->width > RENDER_WIDTH_MAX || fb->height > RENDER_HEIGHT_MAX)
		return TERM_E_GEOMETRY;
	if (fb->pitch % BYTES_PER_PIXEL ||
	    fb->pitch / BYTES_PER_PIXEL < fb->width ||
	    fb->size < (uint64_t)fb->pitch * fb->height)
		return TERM_E_FORMAT;
	r->fb = *fb;
	r->cols = fb->width / FONT_WIDTH;
	r->rows = fb->height / FONT_HEIGHT;
	r->cursor_style = RENDER_CURSOR_BLOCK;
	for (unsigned i = 0; i < 16; i++)
		r->palette[i] =
			render_pixel(r, palette_rgb[i][0], palette_rgb[i][1],
				     palette_rgb[i][2]);
	return TERM_OK;
}

/* The first byte of pixel (x, y). */
static uint8_t *pixel_at(const struct render *r, unsigned x, unsigned y)
{
	return r->fb.base + (size_t)y * r->fb.pitch + (size_t)x * 4;
}

void render_clear(struct render *r)
{
	uint32_t bg = r->palette[TERM_DEFAULT_BG];

	for (unsigned y = 0; y < r->fb.height; y++) {
		uint32_t *px = (uint32_t *)pixel_at(r, 0, y);

		for (unsigned x = 0; x < r->fb.width; x++)
			px[x] = bg;
	}
}

/* Two pixels, stored at once; a line may be only 4-byte aligned (the
 * pitch is a multiple of 4). */
typedef uint64_t pixel_pair __attribute__((aligned(4), may_alias));

static void draw_cell(struct render *r, const struct term *t, unsigned row,
		      unsigned col, bool cursor)
{
	const struct term_cell *c = term_cell(t, row, col);
	const uint8_t *glyph = font_glyph(c->ch);
	uint64_t fg = r->palette[TERM_FG(c->attr)];
	uint64_t bg = r->palette[TERM_BG(c->attr)];
	uint8_t *line = pixel_at(r, col * FONT_WIDTH, row * FONT_HEIGHT);
	uint64_t pair[4]; /* two pixels from two bits, the left one high */

	if (cursor && r->cursor_style == RENDER_CURSOR_BLOCK) {
		uint64_t swap = fg;

		fg = bg;
		bg = swap;
	}
	pair[0] = bg | bg << 32;
	pair[1] = bg | fg << 32;
	pair[2] = fg | bg << 32;
	pair[3] = fg | fg << 32;
	for (unsigned y = 0; y < FONT_HEIGHT; y++, line += r->fb.pitch) {
		pixel_pair *px = (pixel_pair *)line;
		unsigned bits = glyph[y];

		if (cursor && r->cursor_style == RENDER_CURSOR_UNDERLINE &&
		    y >= CURSOR_UNDERLINE_Y)
			bits = 0xff;
		px[0] = pair[bits >> 6];
		px[1] = pair[bits >> 4 & 3];
		px[2] = pair[bits >> 2 & 3];
		px[3] = pair[bits & 3];
	}
}

/* Move the cells' pixels up by `lines` text lines (< rows): each pixel
 * row comes from one 16 * lines rows below, which never overlaps it. */
static void move_up(struct render *r, unsigned lines)
{
	unsigned dy = lines * FONT_HEIGHT;
	unsigned height = (r->rows - lines) * FONT_HEIGHT;
	size_t bytes = (size_t)r->cols * FONT_WIDTH * BYTES_PER_PIXEL;

	for (unsigned y = 0; y < height; y++)
		memcpy(pixel_at(r, 0, y), pixel_at(r, 0, y + dy), bytes);
}

enum term_error render_flush(struct render *r, struct term *t)
{
	bool cursor = t->cursor_visible;

	if (t->cols != r->cols || t->rows != r->rows)
		return TERM_E_GEOMETRY;
	if (t->scrolled >= t->rows)
		term_touch_all(t); /* term.c never asks that: nothing to move */

	/* The cell the cursor was drawn on (where its pixels are after the
	 * move) is drawn again, plain. */
	if (r->cursor_drawn && r->cursor_row >= t->scrolled)
		term_touch(t, r->cursor_row - t->scrolled, r->cursor_col,
			   r->cursor_col + 1);
	r->cursor_drawn = false;
	if (t->scrolled) {
		move_up(r, t->scrolled);
		t->scrolled = 0;
	}
	if (cursor)
		term_touch(t, t->cur.row, t->cur.col, t->cur.col + 1);
	for (unsigned row = 0; row < t->rows; row++) {
		struct term_dirty *d = &t->dirty[row];

		for (unsigned col = d->lo; col < d->hi; col++)
			draw_cell(r, t, row, col,
				  cursor && row == t->cur.row &&
					  col == t->cur.col);
		d->lo = d->hi = 0;
	}
	if (cursor) {
		r->cursor_drawn = true;
		r->cursor_row = t->cur.row;
		r->cursor_col = t->cur.col;
	}
	return TERM_OK;
}
