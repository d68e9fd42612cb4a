/*
 * The console font: 8x16 glyphs for printable ASCII and a replacement
 * glyph for every other byte. The glyphs are drawn in font.txt, the only
 * source; mkfont.py writes font_glyphs from it at build time.
 */
#ifndef FBCON_FONT_H
#define FBCON_FONT_H

#include <stdint.h>

#define FONT_WIDTH	 8
#define FONT_HEIGHT	 16
#define FONT_FIRST	 0x20 /* the first printable character */
#define FONT_LAST	 0x7e /* the last */
#define FONT_REPLACEMENT (FONT_LAST - FONT_FIRST + 1) /* its index */
#define FONT_GLYPHS	 (FONT_REPLACEMENT + 1)

/* One byte a row, bit 7 the leftmost pixel. */
extern const uint8_t font_glyphs[FONT_GLYPHS][FONT_HEIGHT];

/* The glyph that draws byte `c`: its own if printable, else the
 * replacement. */
static inline const uint8_t *font_glyph(uint8_t c)
{
	if (c < FONT_FIRST || c > FONT_LAST)
		return font_glyphs[FONT_REPLACEMENT];
	return font_glyphs[c - FONT_FIRST];
}

#endif
