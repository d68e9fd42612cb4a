/*
 * fbcon_ppm: the console's terminal and renderer, on the host, drawing
 * standard input into a framebuffer in memory, written out as a PPM (P6)
 * image like a QEMU screendump. tests/host/fbcon/test_screentext.py
 * reads it back with tools/screentext.py.
 *
 *   fbcon_ppm WIDTH HEIGHT PITCH FORMAT SCROLL CURSOR OUT.ppm < bytes
 *     FORMAT  rgbx, bgrx, mask10 (10 bits a colour), mask565
 *     SCROLL  move, redraw, auto
 *     CURSOR  block, underline, hidden
 *
 * The input is drawn a line at a time, flushing after each, so scrolls
 * go through the renderer as on a live console.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "term.h"

struct format_name {
	const char *name;
	uint32_t format, masks[3];
};

static const struct format_name formats[] = {
	{"rgbx", RENDER_RGBX, {0, 0, 0}},
	{"bgrx", RENDER_BGRX, {0, 0, 0}},
	{"mask10", RENDER_MASK, {0x3ff00000, 0x000ffc00, 0x000003ff}},
	{"mask565", RENDER_MASK, {0xf800, 0x07e0, 0x001f}},
};

static int usage(const char *why)
{
	fprintf(stderr,
		"fbcon_ppm: %s\nusage: fbcon_ppm WIDTH HEIGHT PITCH "
		"rgbx|bgrx|mask10|mask565 move|redraw|auto "
		"block|underline|hidden "
		"OUT.ppm < bytes\n",
		why);
	return 2;
}

static int number(const char *s, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v > 65536)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* An 8-bit component from the field `mask` of pixel v. */
static uint8_t field(uint32_t v, uint32_t mask)
{
	unsigned shift = 0;
	uint64_t max, value;

	while (!(mask >> shift & 1))
		shift++;
	max = (uint64_t)mask >> shift;
	value = ((uint64_t)v & mask) >> shift;
	return (uint8_t)((value * 255 + max / 2) / max);
}

static void to_rgb(const struct render_fb *fb, uint32_t v, uint8_t rgb[3])
{
	if (fb->format == RENDER_RGBX) {
		rgb[0] = (uint8_t)v;
		rgb[1] = (uint8_t)(v >> 8);
		rgb[2] = (uint8_t)(v >> 16);
	} else if (fb->format == RENDER_BGRX) {
		rgb[0] = (uint8_t)(v >> 16);
		rgb[1] = (uint8_t)(v >> 8);
		rgb[2] = (uint8_t)v;
	} else {
		rgb[0] = field(v, fb->red_mask);
		rgb[1] = field(v, fb->green_mask);
		rgb[2] = field(v, fb->blue_mask);
	}
}

static int write_ppm(const struct render_fb *fb, const char *path)
{
	FILE *f = fopen(path, "wb");

	if (!f) {
		perror(path);
		return 1;
	}
	fprintf(f, "P6\n# fbcon_ppm\n%u %u\n255\n", fb->width, fb->height);
	for (unsigned y = 0; y < fb->height; y++)
		for (unsigned x = 0; x < fb->width; x++) {
			uint32_t v;
			uint8_t rgb[3];

			memcpy(&v,
			       fb->base + (size_t)y * fb->pitch + (size_t)x * 4,
			       4);
			to_rgb(fb, v, rgb);
			fwrite(rgb, 1, 3, f);
		}
	return fclose(f) ? 1 : 0;
}

/* Draw standard input, a line at a time. */
static void draw_input(struct render *r, struct term *t)
{
	uint8_t buf[4096];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
		size_t start = 0;

		for (size_t i = 0; i < n; i++)
			if (buf[i] == '\n' || i + 1 == n) {
				term_write(t, buf + start, i + 1 - start);
				render_flush(r, t);
				start = i + 1;
			}
	}
}

static int run(struct render_fb *fb, enum term_scroll scroll,
	       const char *cursor, const char *out)
{
	struct render r;
	struct term t;
	void *grid;
	size_t size;
	enum term_error e = render_init(&r, fb);
	int status;

	if (e != TERM_OK)
		return usage(term_strerror(e));
	size = term_memory_size(r.cols, r.rows);
	grid = malloc(size);
	if (!grid)
		return usage("out of memory");
	term_init(&t, r.cols, r.rows, grid, size, scroll);
	r.cursor_style = strcmp(cursor, "underline") == 0
				 ? RENDER_CURSOR_UNDERLINE
				 : RENDER_CURSOR_BLOCK;
	t.cursor_visible = strcmp(cursor, "hidden") != 0;
	render_clear(&r);
	draw_input(&r, &t);
	render_flush(&r, &t);
	status = write_ppm(fb, out);
	free(grid);
	return status;
}

int main(int argc, char **argv)
{
	struct render_fb fb = {0};
	const struct format_name *fmt = NULL;
	enum term_scroll scroll;
	int status;

	if (argc != 8)
		return usage("wrong number of arguments");
	if (number(argv[1], &fb.width) || number(argv[2], &fb.height) ||
	    number(argv[3], &fb.pitch))
		return usage("WIDTH, HEIGHT and PITCH are numbers");
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(argv[4], formats[i].name) == 0)
			fmt = &formats[i];
	if (!fmt)
		return usage("unknown format");
	if (strcmp(argv[5], "move") == 0)
		scroll = TERM_SCROLL_MOVE;
	else if (strcmp(argv[5], "redraw") == 0)
		scroll = TERM_SCROLL_REDRAW;
	else if (strcmp(argv[5], "auto") == 0)
		scroll = TERM_SCROLL_AUTO;
	else
		return usage("SCROLL is move, redraw or auto");
	if (strcmp(argv[6], "block") != 0 &&
	    strcmp(argv[6], "underline") != 0 && strcmp(argv[6], "hidden") != 0)
		return usage("CURSOR is block, underline or hidden");
	fb.format = fmt->format;
	fb.red_mask = fmt->masks[0];
	fb.green_mask = fmt->masks[1];
	fb.blue_mask = fmt->masks[2];
	fb.size = (uint64_t)fb.pitch * fb.height;
	fb.base = calloc(1, fb.size ? fb.size : 1);
	if (!fb.base)
		return usage("out of memory");
	status = run(&fb, scroll, argv[6], argv[7]);
	free(fb.base);
	return status;
}
