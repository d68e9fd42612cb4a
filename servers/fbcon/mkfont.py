#!/usr/bin/env python3
"""mkfont: the console font (servers/fbcon/font.txt) as a C array.

    mkfont.py FONT.txt OUT.c     write the array (build step)
    mkfont.py --check FONT.txt   only check the font

The font file is the single source of the glyphs: this script writes the
C array the console draws from, and tools/screentext.py imports parse()
from here to read text back from a screen dump. Python standard library
only.

The array, font_glyphs[FONT_GLYPHS][FONT_HEIGHT] (servers/fbcon/font.h):
entry c - 0x20 for each printable character c, then the replacement
glyph; one byte a row, bit 7 the leftmost pixel.

A font is refused, with the line at fault, if a glyph is malformed, a
printable character is missing or given twice, two glyphs are the same
(text read back would be ambiguous), or a glyph is the inverse of another
(a screen reader that accepts any two colours could not tell them apart).
"""
import os
import re
import sys

WIDTH, HEIGHT = 8, 16
FIRST, LAST = 0x20, 0x7E
REPLACEMENT = "replacement"
HEADER = re.compile(r"^(0x[0-9a-fA-F]{2}|replacement)(?:\s.*)?$")


class FontError(Exception):
    """A malformed font file; the message names the file and line."""


def _rows_to_bits(rows):
    return tuple(int(r.replace("#", "1").replace(".", "0"), 2) for r in rows)


def _read_glyph(lines, i, path, name):
    """The 16 rows after the header at lines[i]: a tuple of row bytes."""
    rows = []
    for k in range(1, HEIGHT + 1):
        where = f"{path}:{i + k + 1}"
        if i + k >= len(lines):
            raise FontError(f"{where}: glyph {name} ends after "
                            f"{len(rows)} rows, not {HEIGHT}")
        row = lines[i + k].rstrip("\n")
        if len(row) != WIDTH or set(row) - {"#", "."}:
            raise FontError(f"{where}: glyph {name}: row {k - 1} must be "
                            f"{WIDTH} of '#' and '.', not {row!r}")
        rows.append(row)
    return _rows_to_bits(rows)


def parse(path):
    """The font at `path`: {code: rows} for 0x20-0x7e, and "replacement":
    rows; rows is a tuple of 16 ints, bit 7 the leftmost pixel."""
    with open(path, encoding="ascii") as f:
        lines = f.readlines()
    glyphs, where = {}, {}
    i = 0
    while i < len(lines):
        line = lines[i].rstrip("\n")
        if not line.strip() or line.startswith("# ") or line == "#":
            i += 1
            continue
        m = HEADER.match(line)
        if not m:
            raise FontError(f"{path}:{i + 1}: expected a glyph header "
                            f"(0xNN or replacement), not {line!r}")
        key = m.group(1)
        key = REPLACEMENT if key == REPLACEMENT else int(key, 16)
        name = key if key == REPLACEMENT else f"0x{key:02x}"
        if key != REPLACEMENT and not FIRST <= key <= LAST:
            raise FontError(f"{path}:{i + 1}: {name} is not printable "
                            f"ASCII (0x20-0x7e)")
        if key in glyphs:
            raise FontError(f"{path}:{i + 1}: glyph {name} given twice "
                            f"(first at line {where[key]})")
        glyphs[key] = _read_glyph(lines, i, path, name)
        where[key] = i + 1
        i += HEIGHT + 1
    _check(path, glyphs, where)
    return glyphs


def _check(path, glyphs, where):
    missing = [f"0x{c:02x}" for c in range(FIRST, LAST + 1)
               if c not in glyphs]
    if REPLACEMENT not in glyphs:
        missing.append(REPLACEMENT)
    if missing:
        raise FontError(f"{path}: missing glyphs: {', '.join(missing)}")
    seen = {}
    for key, rows in glyphs.items():
        if rows in seen:
            raise FontError(f"{path}:{where[key]}: glyph is the same as "
                            f"the one at line {where[seen[rows]]}")
        seen[rows] = key
    full = (1 << WIDTH) - 1
    for key, rows in glyphs.items():
        inverse = tuple(full ^ r for r in rows)
        if inverse in seen:
            raise FontError(f"{path}:{where[key]}: glyph is the inverse "
                            f"of the one at line {where[seen[inverse]]}")
    if not any(glyphs[REPLACEMENT]):
        raise FontError(f"{path}:{where[REPLACEMENT]}: the replacement "
                        "glyph is blank")


def ordered(glyphs):
    """The glyphs in array order: 0x20-0x7e, then the replacement."""
    return [glyphs[c] for c in range(FIRST, LAST + 1)] + \
        [glyphs[REPLACEMENT]]


def c_source(glyphs, source_name):
    out = [f"/* generated from {source_name} by servers/fbcon/mkfont.py "
           "-- do not edit */",
           '#include "font.h"',
           "",
           "const uint8_t font_glyphs[FONT_GLYPHS][FONT_HEIGHT] = {"]
    for index, rows in enumerate(ordered(glyphs)):
        code = FIRST + index
        label = (f"0x{code:02x} {chr(code)!r}" if code <= LAST
                 else REPLACEMENT)
        out.append(f"\t/* {label} */")
        out.append("\t{" + ", ".join(f"0x{r:02x}" for r in rows) + "},")
    out += ["};", ""]
    return "\n".join(out)


def main(argv):
    if len(argv) == 3 and argv[1] == "--check":
        try:
            parse(argv[2])
        except (FontError, OSError) as e:
            print(f"mkfont: {e}", file=sys.stderr)
            return 1
        return 0
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2:4], file=sys.stderr)
        return 2
    try:
        glyphs = parse(argv[1])
    except (FontError, OSError) as e:
        print(f"mkfont: {e}", file=sys.stderr)
        return 1
    text = c_source(glyphs, os.path.basename(argv[1]))
    tmp = argv[2] + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(text)
    os.replace(tmp, argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
