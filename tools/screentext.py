#!/usr/bin/env python3
"""screentext: the text on a Pith console screen, read from a screen dump.

    tools/screentext.py dump.ppm             print the screen's lines
    tools/screentext.py dump.ppm --find TEXT exit 0 if TEXT is on screen

From a test script:

    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import screentext
    lines = screentext.read_screen("dump.ppm")   # a list of str
    assert screentext.find("dump.ppm", "pith> ")

The dump is a binary PPM (P6), which QEMU's monitor command
`screendump FILE` writes. The screen is cut into 8x16 cells from the top
left, as the console (servers/fbcon) draws them, and each cell is matched
against the console's own font (servers/fbcon/font.txt) exactly: a cell
of one colour is a space; a cell of two colours is the glyph that one of
them draws on the other, whichever colours they are (so reverse video
and a block cursor read as their character); an underline cursor (the
cell's two bottom rows in the foreground colour) is recognised too.
The replacement glyph (a byte that is not printable ASCII) reads as
U+FFFD; a cell that matches nothing (more colours, a firmware logo,
another font) reads as UNKNOWN, U+2592. Python standard library only.
"""
import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FONT = os.path.join(ROOT, "servers", "fbcon", "font.txt")
sys.path.insert(0, os.path.join(ROOT, "servers", "fbcon"))
import mkfont  # noqa: E402  pylint: disable=wrong-import-position

CELL_W, CELL_H = mkfont.WIDTH, mkfont.HEIGHT
REPLACEMENT = "\ufffd"
UNKNOWN = "\u2592"
CURSOR_ROWS = 2  # an underline cursor's rows, at the bottom of the cell


class ScreenError(Exception):
    """A file that is not a PPM this reader understands."""


def _ppm_tokens(data, count):
    """The first `count` header fields of a PPM, and where the pixels
    start (comments skipped)."""
    fields, i = [], 0
    while len(fields) < count:
        while i < len(data) and data[i:i + 1].isspace():
            i += 1
        if data[i:i + 1] == b"#":
            while i < len(data) and data[i:i + 1] not in (b"\n", b"\r"):
                i += 1
            continue
        start = i
        while i < len(data) and not data[i:i + 1].isspace() \
                and data[i:i + 1] != b"#":
            i += 1
        if start == i:
            raise ScreenError("PPM header ends early")
        fields.append(data[start:i])
    return fields, i + 1  # one whitespace byte before the pixels


def read_ppm(path):
    """(width, height, pixels): pixels is bytes of RGB triples, row by
    row."""
    with open(path, "rb") as f:
        data = f.read()
    fields, start = _ppm_tokens(data, 4)
    if fields[0] != b"P6":
        raise ScreenError(f"{path}: not a binary PPM (P6)")
    try:
        width, height, maxval = (int(x) for x in fields[1:])
    except ValueError as e:
        raise ScreenError(f"{path}: bad PPM header") from e
    if maxval != 255:
        raise ScreenError(f"{path}: maxval {maxval}; only 8-bit PPM")
    if width <= 0 or height <= 0:
        raise ScreenError(f"{path}: empty image")
    pixels = data[start:start + width * height * 3]
    if len(pixels) != width * height * 3:
        raise ScreenError(f"{path}: {len(pixels)} bytes of pixels, "
                          f"{width * height * 3} expected")
    return width, height, pixels


class Font:
    """The console font as lookup tables: a cell's bitmap (16 row
    bytes) to its character."""

    def __init__(self, path=FONT):
        glyphs = mkfont.parse(path)
        self.exact = {}
        self.top = {}  # rows above an underline cursor -> first char
        for key in list(range(mkfont.FIRST, mkfont.LAST + 1)) + \
                [mkfont.REPLACEMENT]:
            rows = glyphs[key]
            ch = REPLACEMENT if key == mkfont.REPLACEMENT else chr(key)
            self.exact[rows] = ch
            self.top.setdefault(rows[:CELL_H - CURSOR_ROWS], ch)

    def match(self, bits):
        """The character whose glyph is `bits` (a tuple of 16 row
        bytes, 1 = the colour taken as foreground), or None."""
        ch = self.exact.get(bits)
        if ch is None and all(r == 0xff for r in bits[-CURSOR_ROWS:]):
            ch = self.top.get(bits[:CELL_H - CURSOR_ROWS])
        return ch


_FONT = []


def default_font():
    if not _FONT:
        _FONT.append(Font())
    return _FONT[0]


def _cell_pixels(pixels, width, x0, y0):
    """The 128 RGB triples of the cell at (x0, y0), row by row."""
    out = []
    for y in range(y0, y0 + CELL_H):
        row = pixels[(y * width + x0) * 3:(y * width + x0 + CELL_W) * 3]
        out.append([row[k:k + 3] for k in range(0, CELL_W * 3, 3)])
    return out


def _bits(cell, fg):
    return tuple(sum(0x80 >> x for x, p in enumerate(row) if p == fg)
                 for row in cell)


def read_cell(pixels, width, x0, y0, font=None):
    """The character drawn in the 8x16 cell whose top left pixel is
    (x0, y0)."""
    font = font or default_font()
    cell = _cell_pixels(pixels, width, x0, y0)
    colours = {p for row in cell for p in row}
    if len(colours) == 1:
        return " "
    if len(colours) != 2:
        return UNKNOWN
    for fg in colours:
        ch = font.match(_bits(cell, fg))
        if ch is not None:
            return ch
    return UNKNOWN


def screen_lines(width, height, pixels, font=None):
    """The screen's text, one str per row of whole cells, trailing
    spaces dropped."""
    font = font or default_font()
    lines = []
    for y0 in range(0, height - CELL_H + 1, CELL_H):
        line = "".join(read_cell(pixels, width, x0, y0, font)
                       for x0 in range(0, width - CELL_W + 1, CELL_W))
        lines.append(line.rstrip(" "))
    return lines


def read_screen(path, font=None):
    """The text of the screen dump at `path`: one str per text row."""
    width, height, pixels = read_ppm(path)
    return screen_lines(width, height, pixels, font)


def find(path, text):
    """Whether `text` (no newlines) is on one line of the screen."""
    return any(text in line for line in read_screen(path))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dump", help="a PPM (P6) screen dump")
    p.add_argument("--find", metavar="TEXT",
                   help="exit 0 if TEXT is on screen, 1 if not")
    p.add_argument("--all", action="store_true",
                   help="print trailing blank lines too")
    a = p.parse_args()
    try:
        lines = read_screen(a.dump)
    except (OSError, ScreenError, mkfont.FontError) as e:
        print(f"screentext: {e}", file=sys.stderr)
        return 2
    if a.find is not None:
        return 0 if any(a.find in line for line in lines) else 1
    if not a.all:
        while lines and not lines[-1]:
            lines.pop()
    out = "\n".join(lines) + ("\n" if lines else "")
    sys.stdout.buffer.write(out.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
