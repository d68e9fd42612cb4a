#!/usr/bin/env python3
"""pidl: the Pith interface definition language's generator.

A .pidl file declares one protocol: its number and its methods, each with
typed arguments and results. From it this writes a C header and a C
source with client stubs, a server dispatch skeleton and deferred-reply
functions that check every size and type, so no program decodes messages
by hand. The language and the wire format are in docs/sdk.md.

    protocol chardev = 0x10;

    /// Write bytes to the device; count says how many it took.
    method write(bytes<240> data) -> (u32 count);

Standard library only.
"""

import argparse
import os
import re
import sys

MAX_WORDS = 32  # PITH_MSG_MAX_WORDS
MAX_CAPS = 3  # PITH_MSG_MAX_CAPS
MAX_METHODS = 0xFFFF
MAX_PROTOCOL = (1 << 36) - 1  # label bits above the method's 16

SCALARS = {
    "u8": ("uint8_t", 8, False),
    "u16": ("uint16_t", 16, False),
    "u32": ("uint32_t", 32, False),
    "u64": ("uint64_t", 64, False),
    "i8": ("int8_t", 8, True),
    "i16": ("int16_t", 16, True),
    "i32": ("int32_t", 32, True),
    "i64": ("int64_t", 64, True),
    "bool": ("bool", 1, False),
}

CAP_TYPES = [
    "untyped", "tcb", "endpoint", "notification", "cnode", "frame",
    "page_table", "page_directory", "pdpt", "vspace", "asid_control",
    "asid_pool", "irq_control", "irq_handler", "ioport_control", "ioport",
    "debug", "reply",
]

C_KEYWORDS = {
    "auto", "break", "case", "char", "const", "continue", "default", "do",
    "double", "else", "enum", "extern", "float", "for", "goto", "if",
    "inline", "int", "long", "register", "restrict", "return", "short",
    "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
    "unsigned", "void", "volatile", "while", "bool", "true", "false",
}

# Names the generated code uses for its own variables: not for parameters.
INTERNAL = {"ep", "rq", "s", "m", "msg", "err", "pos", "reply", "error"}


class PidlError(Exception):
    def __init__(self, path, line, msg):
        super().__init__(f"{path}:{line}: error: {msg}")


class Param:
    def __init__(self, kind, name, line, *, ctype=None, bits=0, signed=False,
                 size=0, cap_type=None):
        self.kind = kind  # scalar, bytes, string, cap
        self.name = name
        self.line = line
        self.ctype = ctype
        self.bits = bits
        self.signed = signed
        self.size = size  # bytes<N>, string<N>: N
        self.cap_type = cap_type  # cap<T>: T, or None for any

    @property
    def buffer(self):
        return self.kind in ("bytes", "string")

    def max_words(self):
        if self.kind == "scalar":
            return 1
        if self.buffer:
            return 1 + (self.size + 7) // 8
        return 0


class Method:
    def __init__(self, name, number, line, doc):
        self.name = name
        self.number = number
        self.line = line
        self.doc = doc
        self.args = []
        self.rets = []


class Protocol:
    def __init__(self):
        self.name = None
        self.number = None
        self.doc = []
        self.methods = []


TOKEN = re.compile(r"""
    (?P<space>[ \t\r]+) |
    (?P<newline>\n) |
    (?P<doc>///[^\n]*) |
    (?P<comment>//[^\n]*) |
    (?P<block>/\*.*?\*/) |
    (?P<number>0[xX][0-9a-fA-F]+|[0-9]+) |
    (?P<ident>[A-Za-z_][A-Za-z0-9_]*) |
    (?P<arrow>->) |
    (?P<punct>[=;(),<>])
""", re.VERBOSE | re.DOTALL)


def tokenize(path, text):
    tokens, pos, line = [], 0, 1
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise PidlError(path, line, f"unexpected character {text[pos]!r}")
        kind, value = m.lastgroup, m.group()
        if kind == "doc":
            tokens.append(("doc", value[3:].strip(), line))
        elif kind not in ("space", "newline", "comment", "block"):
            tokens.append((kind, value, line))
        line += value.count("\n")
        pos = m.end()
    tokens.append(("eof", "", line))
    return tokens


class Parser:
    def __init__(self, path, text):
        self.path = path
        self.tokens = tokenize(path, text)
        self.i = 0

    def error(self, msg, line=None):
        return PidlError(self.path, line or self.peek()[2], msg)

    def peek(self):
        return self.tokens[self.i]

    def take(self, kind=None, value=None):
        tok = self.tokens[self.i]
        if (kind and tok[0] != kind) or (value and tok[1] != value):
            want = repr(value) if value else kind
            got = repr(tok[1]) if tok[0] != "eof" else "end of file"
            raise self.error(f"expected {want}, found {got}")
        self.i += 1
        return tok

    def docs(self):
        lines = []
        while self.peek()[0] == "doc":
            lines.append(self.take()[1])
        return lines

    def name(self, what):
        tok = self.peek()
        if tok[0] != "ident":
            raise self.error(f"expected {what}")
        self.i += 1
        if tok[1] in C_KEYWORDS or tok[1] in SCALARS or tok[1] in (
                "bytes", "string", "cap", "protocol", "method") or (
                what == "parameter name" and tok[1] in INTERNAL):
            raise self.error(f"'{tok[1]}' cannot be a {what}", tok[2])
        return tok[1], tok[2]

    def number(self, what):
        tok = self.take("number")
        return int(tok[1], 0), tok[2]

    def parse(self):
        proto = Protocol()
        proto.doc = self.docs()
        self.take("ident", "protocol")
        proto.name, _ = self.name("protocol name")
        self.take("punct", "=")
        proto.number, line = self.number("protocol number")
        if not 1 <= proto.number <= MAX_PROTOCOL:
            raise self.error(f"protocol number must be 1 to {MAX_PROTOCOL:#x}",
                             line)
        self.take("punct", ";")
        seen = set()
        while True:
            doc = self.docs()
            if self.peek()[0] == "eof":
                break
            self.take("ident", "method")
            name, line = self.name("method name")
            if name in seen:
                raise self.error(f"method '{name}' declared twice", line)
            if name in ("dispatch", "service", "server"):
                raise self.error(f"'{name}' would clash with the generated "
                                 f"{proto.name}_{name}", line)
            seen.add(name)
            method = Method(name, len(proto.methods) + 1, line, doc)
            method.args = self.params()
            if self.peek()[0] == "arrow":
                self.take()
                method.rets = self.params()
            self.take("punct", ";")
            self.check(method)
            proto.methods.append(method)
        if not proto.methods:
            raise self.error("a protocol needs at least one method")
        if len(proto.methods) > MAX_METHODS:
            raise self.error("too many methods")
        return proto

    def params(self):
        self.take("punct", "(")
        params = []
        if self.peek()[1] == ")":
            self.take()
            return params
        while True:
            params.append(self.param())
            if self.peek()[1] == ")":
                self.take()
                return params
            self.take("punct", ",")

    def param(self):
        tok = self.take("ident")
        kind, line = tok[1], tok[2]
        if kind in SCALARS:
            ctype, bits, signed = SCALARS[kind]
            name, _ = self.name("parameter name")
            return Param("scalar", name, line, ctype=ctype, bits=bits,
                         signed=signed)
        if kind in ("bytes", "string"):
            self.take("punct", "<")
            size, sline = self.number("size")
            self.take("punct", ">")
            if size < 1:
                raise self.error(f"{kind}<N> needs N of at least 1", sline)
            name, _ = self.name("parameter name")
            return Param(kind, name, line, size=size)
        if kind == "cap":
            cap_type = None
            if self.peek()[1] == "<":
                self.take()
                ctok = self.take("ident")
                if ctok[1] not in CAP_TYPES:
                    raise self.error(f"unknown capability type '{ctok[1]}' "
                                     f"(one of {', '.join(CAP_TYPES)})",
                                     ctok[2])
                cap_type = ctok[1]
                self.take("punct", ">")
            name, _ = self.name("parameter name")
            return Param("cap", name, line, cap_type=cap_type)
        raise self.error(f"unknown type '{kind}'", line)

    def check(self, method):
        names = set()
        for p in method.args + method.rets:
            if p.name in names:
                raise self.error(f"'{p.name}' named twice in '{method.name}'",
                                 p.line)
            names.add(p.name)
            if p.buffer and p.name + "_len" in names:
                raise self.error(f"'{p.name}_len' clashes with the length of "
                                 f"'{p.name}'", p.line)
            names.add(p.name + "_len")
        for what, params in (("arguments", method.args),
                             ("results", method.rets)):
            words = sum(p.max_words() for p in params)
            caps = sum(1 for p in params if p.kind == "cap")
            if words > MAX_WORDS:
                raise self.error(
                    f"the {what} of '{method.name}' take up to {words} words; "
                    f"a message holds {MAX_WORDS} (shorten a bytes<N> or "
                    f"string<N>)", method.line)
            if caps > MAX_CAPS:
                raise self.error(
                    f"'{method.name}' sends {caps} capabilities in its "
                    f"{what}; a message carries {MAX_CAPS}", method.line)


# ---- C output ---------------------------------------------------------------

def upper(s):
    return s.upper()


def comment(lines, indent=""):
    if not lines:
        return []
    if len(lines) == 1 and len(lines[0]) < 70:
        return [f"{indent}/* {lines[0]} */"]
    out = [f"{indent}/*"]
    out += [f"{indent} * {line}".rstrip() for line in lines]
    out.append(f"{indent} */")
    return out


# The C parameters of one protocol parameter, by kind, in each place it
# appears: {name} is the parameter's name, {ctype} its C type (scalars).
C_PARAMS = {
    # a client stub's arguments, and a deferred reply's results
    "in": {"scalar": ["{ctype} {name}"],
           "bytes": ["const void *{name}", "size_t {name}_len"],
           "string": ["const char *{name}"],
           "cap": ["pith_cptr_t {name}"]},
    # a client stub's results
    "out": {"scalar": ["{ctype} *{name}"],
            "bytes": ["void *{name}", "size_t *{name}_len"],
            "string": ["char *{name}"],
            "cap": ["pith_cptr_t *{name}"]},
    # a handler's arguments (buffers as the message holds them)
    "handler_in": {"scalar": ["{ctype} {name}"],
                   "bytes": ["const uint8_t *{name}", "size_t {name}_len"],
                   "string": ["const char *{name}"],
                   "cap": ["pith_cptr_t {name}"]},
    # a handler's results
    "handler_out": {"scalar": ["{ctype} *{name}"],
                    "bytes": ["uint8_t *{name}", "size_t *{name}_len"],
                    "string": ["char *{name}"],
                    "cap": ["pith_cptr_t *{name}"]},
}


def c_params(params, place):
    """The C parameters of `params` in `place` (a key of C_PARAMS)."""
    forms = C_PARAMS[place]
    return [form.format(name=p.name, ctype=p.ctype)
            for p in params
            for form in forms[p.kind]]


def client_params(params, direction):
    """C parameters of a client stub for the arguments (in) or results."""
    return c_params(params, direction)


def handler_params(method):
    return ["struct pith_request *rq"] + \
        c_params(method.args, "handler_in") + \
        c_params(method.rets, "handler_out")


def reply_params(method):
    """Parameters of a deferred reply: the results, as a client sends
    arguments (values in)."""
    return ["pith_cptr_t reply", "enum pith_error error"] + \
        client_params(method.rets, "in")


def encode(params, msg, lines, ind):
    """Statements that put `params`, C values of their names (and _len for
    buffers), into struct pith_idl_msg `msg`."""
    fixed = [p for p in params if p.kind != "cap"]
    for i, p in enumerate(fixed):
        if p.kind == "scalar":
            cast = "(uint64_t)(int64_t)" if p.signed else "(uint64_t)"
            lines.append(f"{ind}{msg}->w[{i}] = {cast}{p.name};")
        elif p.kind == "bytes":
            lines.append(f"{ind}{msg}->w[{i}] = {p.name}_len;")
        else:
            lines.append(f"{ind}{msg}->w[{i}] = {p.name}_len;")
    lines.append(f"{ind}pos = {len(fixed)};")
    for p in fixed:
        if p.kind in ("bytes", "string"):
            lines.append(f"{ind}pith_idl_put_bytes({msg}, &pos, {p.name}, "
                         f"{p.name}_len);")
    lines.append(f"{ind}{msg}->nwords = pos;")
    caps = [p for p in params if p.kind == "cap"]
    for i, p in enumerate(caps):
        lines.append(f"{ind}{msg}->caps[{i}] = {p.name};")
    lines.append(f"{ind}{msg}->ncaps = {len(caps)};")


def decode_checks(params, msg, prefix):
    """The condition under which the message `msg` is well formed for
    `params`, as C lines, and the length names to declare."""
    fixed = [p for p in params if p.kind != "cap"]
    conds = []
    words = [str(len(fixed))]
    for i, p in enumerate(fixed):
        if p.kind == "scalar":
            if p.ctype == "bool":
                conds.append(f"{msg}->w[{i}] <= 1")
            elif p.bits < 64:
                fn = "pith_idl_fits_signed" if p.signed else \
                    "pith_idl_fits_unsigned"
                conds.append(f"{fn}({msg}->w[{i}], {p.bits})")
        else:
            conds.append(f"{msg}->w[{i}] <= {p.size}")
            words.append(f"pith_idl_words({msg}->w[{i}])")
    conds.insert(0, f"{msg}->nwords == {' + '.join(words)}")
    ncaps = sum(1 for p in params if p.kind == "cap")
    conds.insert(1, f"{msg}->ncaps == {ncaps}")
    return conds


class Writer:
    def __init__(self, proto, header_name):
        self.p = proto
        self.header_name = header_name
        self.P = upper(proto.name)

    def label(self, m):
        return f"{self.P}_{upper(m.name)}"

    # -- header --
    def header(self, source_name):
        p, P = self.p, self.P
        guard = f"PITH_IDL_{P}_H"
        out = [f"/* Generated by sdk/idl/pidl.py from {source_name} — do not "
               f"edit. */"]
        out += comment(p.doc)
        out += [f"#ifndef {guard}", f"#define {guard}", "",
                "#include <stdbool.h>", "#include <stddef.h>",
                "#include <stdint.h>", "", '#include "pith/idl.h"',
                '#include "pith/server.h"', "",
                f"#define {P}_PROTOCOL {p.number:#x}ULL", ""]
        for m in p.methods:
            out.append(f"#define {self.label(m)} "
                       f"PITH_IDL_LABEL({P}_PROTOCOL, {m.number})")
        out.append("")
        for m in p.methods:
            for x in m.args + m.rets:
                if x.buffer:
                    out.append(f"#define {P}_{upper(m.name)}_"
                               f"{upper(x.name)}_MAX {x.size}")
        out += ["", "/* ---- client ---- */", ""]
        for m in p.methods:
            out += self.client_doc(m)
            params = ["pith_cptr_t ep"] + client_params(m.args, "in") + \
                client_params(m.rets, "out")
            out.append(f"enum pith_error {p.name}_{m.name}"
                       f"({', '.join(params)});")
            out.append("")
        out += ["/* ---- server ---- */", "",
                f"/* What a {p.name} server implements: one handler per "
                "method (NULL: the",
                " * method is refused with PITH_E_ILLEGAL_OPERATION). A "
                "handler returns",
                " * PITH_OK with its results set, or an error for the "
                "client; or it calls",
                " * pith_request_defer() and answers later with the "
                "method's _reply(). */",
                f"struct {p.name}_server {{"]
        for m in p.methods:
            out.append(f"\tenum pith_error (*{m.name})"
                       f"({', '.join(handler_params(m))});")
        out += ["};", "",
                f"/* Decode rq's message as a {p.name} request and run its "
                "handler:",
                " * PITH_DISPATCH_NOT_MINE if the label is another "
                "protocol's. */",
                f"enum pith_dispatch {p.name}_dispatch(const struct "
                f"{p.name}_server *s,",
                "\t\t\t\t\tstruct pith_request *rq);", "",
                f"/* For struct pith_service: {p.name}_dispatch with an "
                "untyped impl. */",
                f"enum pith_dispatch {p.name}_service(const void *impl, "
                "struct pith_request *rq);", ""]
        for m in p.methods:
            out.append(f"/* Answer a deferred {m.name} (the reply capability "
                       "is used up and its slot");
            out.append(" * freed). */")
            out.append(f"enum pith_error {p.name}_{m.name}_reply"
                       f"({', '.join(reply_params(m))});")
            out.append("")
        out += [f"#endif /* {guard} */", ""]
        return "\n".join(out)

    def client_doc(self, m):
        lines = list(m.doc)
        for x in m.args + m.rets:
            if x.kind == "bytes":
                if x in m.args:
                    lines.append(f"{x.name}: at most {x.size} bytes.")
                else:
                    lines.append(f"{x.name}: room for {x.size} bytes; "
                                 f"*{x.name}_len gets the length.")
            elif x.kind == "string":
                if x in m.args:
                    lines.append(f"{x.name}: at most {x.size} characters.")
                else:
                    lines.append(f"{x.name}: room for {x.size + 1} bytes "
                                 "(NUL-terminated).")
            elif x.kind == "cap" and x in m.rets:
                lines.append(f"{x.name}: arrives in a new slot.")
        return comment(lines)

    # -- source --
    def source(self, source_name):
        p = self.p
        out = [f"/* Generated by sdk/idl/pidl.py from {source_name} — do not "
               f"edit. */",
               f'#include "{self.header_name}"', ""]
        for m in p.methods:
            out += self.client(m)
        for m in p.methods:
            out += self.dispatch_one(m)
        out += self.dispatch()
        for m in p.methods:
            out += self.reply(m)
        return "\n".join(out)

    def client(self, m):
        p = self.p
        params = ["pith_cptr_t ep"] + client_params(m.args, "in") + \
            client_params(m.rets, "out")
        out = [f"enum pith_error {p.name}_{m.name}({', '.join(params)})", "{"]
        body = ["\tstruct pith_idl_msg msg, *m = &msg;",
                "\tenum pith_error err;", "\tunsigned pos;"]
        lens = []
        for x in m.args:
            if x.kind == "string":
                body.append(f"\tsize_t {x.name}_len;")
        for x in m.args:
            if x.kind == "string":
                lens.append(f"\t{x.name}_len = pith_idl_strlen({x.name}, "
                            f"{x.size});")
        body += lens
        conds = []
        for x in m.args:
            if x.kind == "string":
                conds.append(f"{x.name}_len > {x.size}")
            elif x.kind == "bytes":
                conds.append(f"{x.name}_len > {x.size}")
        if conds:
            body.append(f"\tif ({' || '.join(conds)})")
            body.append("\t\treturn PITH_E_RANGE;")
        body.append(f"\tm->label = {self.label(m)};")
        encode(m.args, "m", body, "\t")
        rcaps = sum(1 for x in m.rets if x.kind == "cap")
        body.append(f"\terr = pith_idl_call(ep, m, {rcaps});")
        body.append("\tif (err != PITH_OK)")
        body.append("\t\treturn err;")
        conds = decode_checks(m.rets, "m", "")
        body.append(f"\tif (!({' &&'.join(conds)})) {{")
        body.append("\t\tpith_idl_discard(m);")
        body.append("\t\treturn PITH_E_INVALID_ARGUMENT;")
        body.append("\t}")
        body += self.unpack_results(m)
        body.append("\treturn PITH_OK;")
        # make the && chain readable
        out += [line.replace(" &&", " &&\n\t      ") if "if (!(" in line
                else line for line in body]
        out += ["}", ""]
        return out

    def unpack_results(self, m):
        lines = []
        fixed = [x for x in m.rets if x.kind != "cap"]
        if any(x.buffer for x in fixed):
            lines.append(f"\tpos = {len(fixed)};")
        for i, x in enumerate(fixed):
            if x.kind == "scalar":
                cast = f"({x.ctype})"
                if x.ctype == "bool":
                    lines.append(f"\tif ({x.name})")
                    lines.append(f"\t\t*{x.name} = m->w[{i}] != 0;")
                else:
                    lines.append(f"\tif ({x.name})")
                    lines.append(f"\t\t*{x.name} = {cast}m->w[{i}];")
            elif x.kind == "bytes":
                lines.append(f"\tpith_idl_get_bytes(m, &pos, {x.name}, "
                             f"m->w[{i}]);")
                lines.append(f"\tif ({x.name}_len)")
                lines.append(f"\t\t*{x.name}_len = m->w[{i}];")
            else:
                lines.append(f"\tif (!pith_idl_get_string(m, &pos, {x.name}, "
                             f"m->w[{i}]))")
                lines.append("\t\treturn PITH_E_INVALID_ARGUMENT;")
        caps = [x for x in m.rets if x.kind == "cap"]
        for i, x in enumerate(caps):
            lines.append(f"\t*{x.name} = m->caps[{i}];")
        return lines

    def dispatch_one(self, m):
        p = self.p
        out = [f"static enum pith_dispatch dispatch_{m.name}("
               f"const struct {p.name}_server *s,",
               "\t\t\t\t\t   struct pith_request *rq)", "{"]
        body = ["\tstruct pith_idl_msg *m = &rq->msg;",
                "\tenum pith_error err;", "\tunsigned pos;"]
        for x in m.args:
            if x.kind == "scalar":
                body.append(f"\t{x.ctype} {x.name};")
            elif x.kind == "bytes":
                body.append(f"\tconst uint8_t *{x.name};")
                body.append(f"\tsize_t {x.name}_len;")
            elif x.kind == "string":
                body.append(f"\tchar {x.name}[{x.size + 1}];")
            else:
                body.append(f"\tpith_cptr_t {x.name};")
        for x in m.rets:
            if x.kind == "scalar":
                body.append(f"\t{x.ctype} {x.name} = 0;")
            elif x.kind == "bytes":
                body.append(f"\tuint8_t {x.name}[{x.size}];")
                body.append(f"\tsize_t {x.name}_len = 0;")
            elif x.kind == "string":
                body.append(f"\tchar {x.name}[{x.size + 1}];")
                body.append(f"\tsize_t {x.name}_len;")
            else:
                body.append(f"\tpith_cptr_t {x.name} = 0;")
        body.append("")
        body.append(f"\tif (!s->{m.name})")
        body.append("\t\treturn pith_request_fail(rq, "
                    "PITH_E_ILLEGAL_OPERATION);")
        conds = decode_checks(m.args, "m", "")
        typed = [(i, x) for i, x in enumerate(
            [x for x in m.args if x.kind == "cap"]) if x.cap_type]
        for i, x in typed:
            conds.append(f"pith_idl_cap_is(m->caps[{i}], "
                         f"PITH_CAP_{upper(x.cap_type)})")
        body.append(f"\tif (!({' &&'.join(conds)}))")
        body.append("\t\treturn pith_request_fail(rq, "
                    "PITH_E_INVALID_ARGUMENT);")
        fixed = [x for x in m.args if x.kind != "cap"]
        if any(x.buffer for x in fixed):
            body.append(f"\tpos = {len(fixed)};")
        for i, x in enumerate(fixed):
            if x.kind == "scalar":
                if x.ctype == "bool":
                    body.append(f"\t{x.name} = m->w[{i}] != 0;")
                else:
                    body.append(f"\t{x.name} = ({x.ctype})m->w[{i}];")
            elif x.kind == "bytes":
                body.append(f"\t{x.name}_len = m->w[{i}];")
                body.append(f"\t{x.name} = pith_idl_bytes_at(m, &pos, "
                            f"{x.name}_len);")
            else:
                body.append(f"\tif (!pith_idl_get_string(m, &pos, {x.name}, "
                            f"m->w[{i}]))")
                body.append("\t\treturn pith_request_fail(rq, "
                            "PITH_E_INVALID_ARGUMENT);")
        caps = [x for x in m.args if x.kind == "cap"]
        for i, x in enumerate(caps):
            body.append(f"\t{x.name} = m->caps[{i}];")
        args = ["rq"]
        for x in m.args:
            args.append(x.name)
            if x.kind == "bytes":
                args.append(f"{x.name}_len")
        for x in m.rets:
            args.append(f"&{x.name}" if x.kind in ("scalar", "cap") else
                        x.name)
            if x.kind == "bytes":
                args.append(f"&{x.name}_len")
        body.append(f"\terr = s->{m.name}({', '.join(args)});")
        body.append("\tif (rq->deferred)")
        body.append("\t\treturn PITH_DISPATCH_DEFERRED;")
        body.append("\tif (err != PITH_OK)")
        body.append("\t\treturn pith_request_fail(rq, err);")
        checks = []
        for x in m.rets:
            if x.kind == "bytes":
                checks.append(f"{x.name}_len > {x.size}")
            elif x.kind == "string":
                body.append(f"\t{x.name}_len = pith_idl_strlen({x.name}, "
                            f"{x.size});")
                checks.append(f"{x.name}_len > {x.size}")
        if checks:
            body.append(f"\tif ({' || '.join(checks)})")
            body.append("\t\treturn pith_request_fail(rq, PITH_E_RANGE);")
        body.append("\tm->label = PITH_OK;")
        encode(m.rets, "m", body, "\t")
        body.append("\treturn PITH_DISPATCH_REPLY;")
        out += [line.replace(" &&", " &&\n\t      ") if "if (!(" in line
                else line for line in body]
        out += ["}", ""]
        return out

    def dispatch(self):
        p = self.p
        out = [f"enum pith_dispatch {p.name}_dispatch(const struct "
               f"{p.name}_server *s,",
               "\t\t\t\t\tstruct pith_request *rq)", "{",
               f"\tif (PITH_IDL_PROTOCOL(rq->msg.label) != "
               f"{self.P}_PROTOCOL)",
               "\t\treturn PITH_DISPATCH_NOT_MINE;",
               "\tswitch (PITH_IDL_METHOD(rq->msg.label)) {"]
        for m in p.methods:
            out.append(f"\tcase {m.number}:")
            out.append(f"\t\treturn dispatch_{m.name}(s, rq);")
        out += ["\tdefault:",
                "\t\treturn pith_request_fail(rq, PITH_E_ILLEGAL_OPERATION);",
                "\t}", "}", "",
                f"enum pith_dispatch {p.name}_service(const void *impl, "
                "struct pith_request *rq)",
                "{", f"\treturn {p.name}_dispatch(impl, rq);", "}", ""]
        return out

    def reply(self, m):
        p = self.p
        out = [f"enum pith_error {p.name}_{m.name}_reply"
               f"({', '.join(reply_params(m))})", "{"]
        body = ["\tstruct pith_idl_msg msg, *m = &msg;", "\tunsigned pos;"]
        for x in m.rets:
            if x.kind == "string":
                body.append(f"\tsize_t {x.name}_len;")
        body.append("")
        body.append("\tif (error != PITH_OK) {")
        body.append("\t\tm->label = error;")
        body.append("\t\tm->nwords = 0;")
        body.append("\t\tm->ncaps = 0;")
        body.append("\t\treturn pith_idl_reply_to(reply, m);")
        body.append("\t}")
        conds = []
        for x in m.rets:
            if x.kind == "string":
                body.append(f"\t{x.name}_len = pith_idl_strlen({x.name}, "
                            f"{x.size});")
                conds.append(f"{x.name}_len > {x.size}")
            elif x.kind == "bytes":
                conds.append(f"{x.name}_len > {x.size}")
        if conds:
            body.append(f"\tif ({' || '.join(conds)}) {{")
            body.append("\t\tm->label = PITH_E_RANGE;")
            body.append("\t\tm->nwords = 0;")
            body.append("\t\tm->ncaps = 0;")
            body.append("\t\tpith_idl_reply_to(reply, m);")
            body.append("\t\treturn PITH_E_RANGE;")
            body.append("\t}")
        body.append("\tm->label = PITH_OK;")
        encode(m.rets, "m", body, "\t")
        body.append("\treturn pith_idl_reply_to(reply, m);")
        out += body + ["}", ""]
        return out


def generate(path, out_dir, header_dir=None, include_prefix=""):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    proto = Parser(path, text).parse()
    base = os.path.splitext(os.path.basename(path))[0]
    if base != proto.name:
        raise PidlError(path, 1, f"the file of protocol '{proto.name}' must "
                        f"be named {proto.name}.pidl")
    header_dir = header_dir or out_dir
    os.makedirs(out_dir, exist_ok=True)
    os.makedirs(header_dir, exist_ok=True)
    w = Writer(proto, f"{include_prefix}{proto.name}.h")
    write_if_changed(os.path.join(header_dir, f"{proto.name}.h"),
                     w.header(os.path.basename(path)))
    write_if_changed(os.path.join(out_dir, f"{proto.name}.c"),
                     w.source(os.path.basename(path)))
    return proto


def write_if_changed(path, text):
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+", help=".pidl files")
    ap.add_argument("--out-dir", required=True,
                    help="where <protocol>.c (and .h) go")
    ap.add_argument("--header-dir",
                    help="where <protocol>.h goes (default: --out-dir)")
    ap.add_argument("--include-prefix", default="",
                    help="how the source includes the header: "
                         "#include \"<prefix><protocol>.h\"")
    args = ap.parse_args()
    try:
        for path in args.files:
            generate(path, args.out_dir, args.header_dir,
                     args.include_prefix)
    except PidlError as e:
        print(e, file=sys.stderr)
        return 1
    except OSError as e:
        print(f"pidl: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
