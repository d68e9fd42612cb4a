#!/usr/bin/env python3
"""Host tests of the IDL generator (sdk/idl/pidl.py): the language's
errors, each with its line, and what it generates for each type."""
import os
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
sys.path.insert(0, os.path.join(ROOT, "sdk", "idl"))
import pidl  # noqa: E402  pylint: disable=wrong-import-position


def generate(text, name="p"):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, f"{name}.pidl")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        pidl.generate(path, tmp)
        with open(os.path.join(tmp, f"{name}.h"), encoding="utf-8") as f:
            header = f.read()
        with open(os.path.join(tmp, f"{name}.c"), encoding="utf-8") as f:
            source = f.read()
    return header, source


class Errors(unittest.TestCase):
    def fails(self, text, line, want, name="p"):
        with self.assertRaises(pidl.PidlError) as cm:
            generate(text, name)
        msg = str(cm.exception)
        self.assertIn(f"p.pidl:{line}: error:", msg)
        self.assertIn(want, msg)

    def test_protocol_header(self):
        self.fails("method a();", 1, "expected 'protocol'")
        self.fails("protocol p = 0;\nmethod a();", 1, "protocol number")
        self.fails("protocol p = 0x1000000000;\nmethod a();", 1,
                   "protocol number")
        self.fails("protocol p = 1\nmethod a();", 2, "expected ';'")
        self.fails("protocol p = 1;", 1, "at least one method")

    def test_file_name(self):
        with self.assertRaises(pidl.PidlError) as cm:
            generate("protocol q = 1;\nmethod a();", "p")
        self.assertIn("must be named q.pidl", str(cm.exception))

    def test_methods(self):
        self.fails("protocol p = 1;\nmethod a();\nmethod a();", 3,
                   "declared twice")
        self.fails("protocol p = 1;\nmethod service();", 2, "would clash")
        self.fails("protocol p = 1;\nmethod int();", 2, "cannot be a")
        self.fails("protocol p = 1;\nmethod a(u32 rq);", 2,
                   "cannot be a parameter name")
        self.fails("protocol p = 1;\nmethod a(u32 x, u32 x);", 2,
                   "named twice")
        self.fails("protocol p = 1;\nmethod a(bytes<4> b, u32 b_len);", 2,
                   "named twice")
        self.fails("protocol p = 1;\nmethod a(float x);", 2,
                   "unknown type 'float'")
        self.fails("protocol p = 1;\nmethod a(cap<socket> c);", 2,
                   "unknown capability type 'socket'")
        self.fails("protocol p = 1;\nmethod a(bytes<0> b);", 2,
                   "at least 1")
        self.fails("protocol p = 1;\n\nmethod a(u32 x) -> u32 y;", 3,
                   "expected '('")
        self.fails("protocol p = 1;\nmethod a(u32 $);", 2,
                   "unexpected character")

    def test_limits(self):
        # 1 length word + 31 data words = 32: fits; 249 bytes does not.
        generate("protocol p = 1;\nmethod a(bytes<248> b);")
        self.fails("protocol p = 1;\nmethod a(bytes<249> b);", 2,
                   "up to 33 words")
        self.fails("protocol p = 1;\nmethod a() -> (string<200> x, "
                   "string<100> t);", 2, "results of 'a'")
        self.fails("protocol p = 1;\nmethod a(cap a, cap b, cap c, cap d);",
                   2, "4 capabilities")


class Output(unittest.TestCase):
    def test_types(self):
        header, source = generate(
            "/// Doc of p.\nprotocol p = 0x42;\n"
            "/// Doc of m.\n"
            "method m(u8 a, i32 b, bool c, bytes<16> d, string<8> e, "
            "cap<endpoint> f) -> (u64 g, string<4> h, cap i);\n")
        self.assertIn("#define P_PROTOCOL 0x42ULL", header)
        self.assertIn("#define P_M PITH_IDL_LABEL(P_PROTOCOL, 1)", header)
        self.assertIn("enum pith_error p_m(pith_cptr_t ep, uint8_t a, "
                      "int32_t b, bool c, const void *d, size_t d_len, "
                      "const char *e, pith_cptr_t f, uint64_t *g, char *h, "
                      "pith_cptr_t *i);", header)
        self.assertIn("Doc of m.", header)
        self.assertIn("do not edit", header.splitlines()[0])
        # Ranges checked on receipt: u8, i32, bool; lengths bounded; the
        # capability's type checked.
        self.assertIn("pith_idl_fits_unsigned(m->w[0], 8)", source)
        self.assertIn("pith_idl_fits_signed(m->w[1], 32)", source)
        self.assertIn("m->w[2] <= 1", source)
        self.assertIn("m->w[3] <= 16", source)
        self.assertIn("m->w[4] <= 8", source)
        self.assertIn("pith_idl_cap_is(m->caps[0], PITH_CAP_ENDPOINT)",
                      source)
        self.assertIn("m->ncaps == 1", source)
        # The exact length: 5 fixed words and the two buffers.
        self.assertIn("m->nwords == 5 + pith_idl_words(m->w[3]) + "
                      "pith_idl_words(m->w[4])", source)
        # One reply capability asked for.
        self.assertIn("pith_idl_call(ep, m, 1)", source)

    def test_deterministic(self):
        text = "protocol p = 1;\nmethod a(u32 x) -> (u32 y);\n"
        self.assertEqual(generate(text), generate(text))


if __name__ == "__main__":
    unittest.main()
