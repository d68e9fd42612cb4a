#!/usr/bin/env python3
"""host.screentext: tools/screentext.py reads back the text the console's
renderer drew, without QEMU.

    test_screentext.py FBCON_PPM WORKDIR

FBCON_PPM is the fbcon_ppm program (the console's C terminal and renderer
writing a PPM, as QEMU's screendump would); each case draws some bytes in
some framebuffer format and checks the lines screentext reads.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import screentext  # noqa: E402  pylint: disable=wrong-import-position

SCREENTEXT = os.path.join(ROOT, "tools", "screentext.py")
FBCON_PPM, WORKDIR = None, None
FAILED = []


def draw(name, data, *, width=320, height=96, pitch=None, fmt="bgrx",
         scroll="move", cursor="block"):
    """Draw `data` (bytes) with fbcon_ppm; the PPM's path."""
    path = os.path.join(WORKDIR, name + ".ppm")
    cmd = [FBCON_PPM, str(width), str(height), str(pitch or width * 4),
           fmt, scroll, cursor, path]
    subprocess.run(cmd, input=data, check=True)
    return path


def expect(name, got, want):
    if got == want:
        print(f"PASS {name}")
    else:
        print(f"FAIL {name}:\n  got  {got!r}\n  want {want!r}")
        FAILED.append(name)


def lines_of(text, rows):
    lines = text.split("\n")
    return lines + [""] * (rows - len(lines))


def case_plain():
    path = draw("plain", b"hello, world\npith> ls\n")
    expect("plain", screentext.read_screen(path),
           lines_of("hello, world\npith> ls", 6))


def case_every_glyph():
    printable = bytes(range(0x20, 0x7f))
    path = draw("glyphs", printable + b"\n", width=96 * 8, height=32)
    expect("every_glyph", screentext.read_screen(path),
           [printable.decode().rstrip(" "), ""])


def case_colours():
    path = draw("colours", b"\x1b[31;44mred on blue\x1b[0m \x1b[7mreverse"
                b"\x1b[0m \x1b[1;93mbold\x1b[0m\n\x1b[42m   \x1b[0mgreen")
    expect("colours", screentext.read_screen(path)[:2],
           ["red on blue reverse bold", "   green"])


def case_cursors():
    for cursor in ("block", "underline", "hidden"):
        path = draw("cursor_" + cursor, b"abc\x1b[2D", cursor=cursor)
        expect(f"cursor_{cursor}_on_a_letter",
               screentext.read_screen(path)[0], "abc")
        path = draw("cursor_end_" + cursor, b"xyz", cursor=cursor)
        expect(f"cursor_{cursor}_after_text",
               screentext.read_screen(path)[0], "xyz")


def case_formats():
    text = b"Format check: 0O 1lI {[()]} ~!@#$%^&*"
    for fmt in ("rgbx", "bgrx", "mask10", "mask565"):
        # Not a whole number of cells, and padded lines.
        path = draw("format_" + fmt, text, width=333, height=77,
                    pitch=333 * 4 + 28, fmt=fmt)
        expect(f"format_{fmt}", screentext.read_screen(path),
               [text.decode(), "", "", ""])


def case_scrolling():
    data = b"".join(b"line %d of the log\n" % i for i in range(30))
    for scroll in ("move", "redraw", "auto"):
        path = draw("scroll_" + scroll, data, scroll=scroll)
        want = [f"line {i} of the log" for i in range(25, 30)] + [""]
        expect(f"scroll_{scroll}", screentext.read_screen(path), want)


def case_line_editing():
    # What a line editor does: type, move back, erase to the end, retype.
    data = b"pith> echo helo\x1b[1D\x1b[Klo there\r\n\x1b[2K\rpith> "
    path = draw("editing", data)
    expect("line_editing", screentext.read_screen(path)[:2],
           ["pith> echo hello there", "pith>"])


def case_not_ascii():
    path = draw("utf8", "caf\u00e9 \u20ac5".encode())
    expect("not_ascii", screentext.read_screen(path)[0],
           "caf\ufffd \ufffd5")


def write_ppm(path, width, height, pixel):
    with open(path, "wb") as f:
        f.write(b"P6\n# made by hand\n%d %d\n255\n" % (width, height))
        for y in range(height):
            for x in range(width):
                f.write(bytes(pixel(x, y)))


def case_unknown_cells():
    # Cell 0: three colours. Cell 1: two colours, not a glyph (a
    # checkerboard). Cell 2: one colour, a space. Cell 3: the letter H.
    h = screentext.mkfont.parse(screentext.FONT)[ord("H")]

    def pixel(x, y):
        cell, cx = divmod(x, 8)
        if cell == 0:
            return (x * 30 % 256, y, 7)
        if cell == 1:
            return (255, 255, 255) if (cx + y) % 2 else (0, 0, 0)
        if cell == 2:
            return (9, 9, 9)
        return (0, 200, 0) if h[y] & (0x80 >> cx) else (0, 0, 90)

    path = os.path.join(WORKDIR, "unknown.ppm")
    write_ppm(path, 36, 16, pixel)  # 4 cells and a strip
    expect("unknown_cells", screentext.read_screen(path),
           [screentext.UNKNOWN + screentext.UNKNOWN + " H"])


def run_cli(*args):
    r = subprocess.run([sys.executable, SCREENTEXT, *args],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       check=False)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def case_cli():
    path = draw("cli", b"first\n\nthird line\n")
    expect("cli_print", run_cli(path), (0, "first\n\nthird line\n", ""))
    expect("cli_find", run_cli(path, "--find", "ird li")[0], 0)
    expect("cli_find_missing", run_cli(path, "--find", "fourth")[0], 1)
    bad = os.path.join(WORKDIR, "bad.ppm")
    with open(bad, "wb") as f:
        f.write(b"P6\n10 10\n255\nshort")
    code, out, err = run_cli(bad)
    expect("cli_bad_file", (code, out, "300 expected" in err), (2, "", True))
    with open(bad, "wb") as f:
        f.write(b"P3\n1 1\n255\n0 0 0\n")
    expect("cli_not_p6", run_cli(bad)[0], 2)


def main():
    global FBCON_PPM, WORKDIR  # pylint: disable=global-statement
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    FBCON_PPM, WORKDIR = sys.argv[1], sys.argv[2]
    os.makedirs(WORKDIR, exist_ok=True)
    for case in (case_plain, case_every_glyph, case_colours, case_cursors,
                 case_formats, case_scrolling, case_line_editing,
                 case_not_ascii, case_unknown_cells, case_cli):
        case()
    if FAILED:
        print(f"{len(FAILED)} failed: {', '.join(FAILED)}")
        return 1
    print("all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
