#!/usr/bin/env python3
"""Writes the section 3 man pages of libvariance_scaling from the C header.

    gen-man.py --header include/variance_scaling.h
               --changelog packaging/debian/changelog
               --outdir DIR [--gzip GZIP] [--list]

The one source is include/variance_scaling.h (which cbindgen writes from the
Rust doc comments): its prototypes, doc comments, enums, structs and macros.
Nothing about a function is written here, so a change of the header changes
the pages, and a new function gets a page without an edit of this script.
The date of the pages is the date of the newest packaging/debian/changelog
entry (the release), never the build time, so two builds give the same bytes.

Pages written to DIR (a directory of its own: stale *.3 / *.3.gz files in it
are deleted first):

    libvariance_scaling.3   the overview: conventions, every function,
                            types, constants, status codes
    variance_scaling.3      `.so man3/libvariance_scaling.3`
    vs_NAME.3               one page per function, or per family: the
                            functions vs_NAME_f32, _f64, _f16 and _bf16
                            share the page vs_NAME.3, and each of them gets
                            a link page vs_NAME_T.3 holding
                            `.so man3/vs_NAME.3`, as Debian's C libraries do

With --gzip, each page is then compressed with `GZIP -9 -n` (no name, no
timestamp) to NAME.3.gz. With --list, the page names are printed, one a
line. Only the Python standard library is used.
"""

from __future__ import annotations

import argparse
import email.utils
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field

LIB = "libvariance_scaling"
MANUAL = "libvariance_scaling Manual"
FAMILY_SUFFIXES = ("f32", "f64", "f16", "bf16")


class HeaderError(Exception):
    pass


# --- parsing the header -------------------------------------------------------


@dataclass
class Function:
    name: str
    ret: str
    prototype: str  # verbatim from the header, without the doc comment
    params: list[str]
    doc: str  # the doc comment, markdown-like text


@dataclass
class Member:
    name: str
    value: str  # an enum constant's value, or a struct member's declaration
    doc: str


@dataclass
class Enum:
    name: str
    doc: str
    members: list[Member] = field(default_factory=list)


@dataclass
class Struct:
    name: str
    doc: str
    members: list[Member] = field(default_factory=list)
    opaque: bool = False


@dataclass
class Macro:
    name: str
    value: str
    doc: str


@dataclass
class Header:
    intro: str
    functions: list[Function]
    enums: dict[str, Enum]
    structs: dict[str, Struct]
    macros: list[Macro]
    version: str


def comment_text(raw: str) -> str:
    """The text of a /* */ or /** */ comment, without the stars."""
    body = re.sub(r"^/\*\*?", "", raw.strip())
    body = re.sub(r"\*/$", "", body)
    lines = []
    for line in body.split("\n"):
        line = re.sub(r"^\s*\* ?", "", line, count=1) if line.strip().startswith("*") else line.strip()
        lines.append(line.rstrip())
    return "\n".join(lines).strip("\n")


def param_names(prototype: str) -> list[str]:
    inside = prototype[prototype.index("(") + 1 : prototype.rindex(")")]
    names = []
    for p in inside.split(","):
        p = p.strip()
        if p in ("", "void"):
            continue
        m = re.search(r"([A-Za-z_][A-Za-z0-9_]*)\s*$", p)
        if not m:
            raise HeaderError(f"cannot read the parameter name in `{p}`")
        names.append(m.group(1))
    return names


def parse_header(text: str) -> Header:
    m = re.match(r"\s*(/\*(?!\*).*?\*/)", text, re.S)
    if not m:
        raise HeaderError("the header does not start with its /* ... */ comment")
    intro = comment_text(m.group(1))
    pos = m.end()
    functions: list[Function] = []
    enums: dict[str, Enum] = {}
    structs: dict[str, Struct] = {}
    macros: list[Macro] = []
    doc = ""
    token = re.compile(
        r"(?P<doc>/\*\*.*?\*/)"
        r"|(?P<comment>/\*.*?\*/|//[^\n]*)"
        r"|(?P<define>\#define[ \t]+(?P<mname>\w+)[ \t]+(?P<mvalue>[^\n]*))"
        r"|(?P<pp>\#[^\n]*)"
        r"|(?P<enum>enum[ \t]+(?P<ename>vs_\w+)\b[^{;]*\{(?P<ebody>.*?)\};)"
        r"|(?P<struct>typedef[ \t]+struct[ \t]+(?P<sname>vs_\w+)[ \t]*\{(?P<sbody>.*?)\}[ \t]*(?P=sname);)"
        r"|(?P<opaque>typedef[ \t]+struct[ \t]+(?P<oname>vs_\w+)[ \t]+(?P=oname);)"
        r"|(?P<func>(?P<ret>(?:const[ \t]+)?\w+[ \t]*\**)[ \t]*(?P<fname>vs_\w+)\((?P<args>[^;]*?)\);)"
        r"|(?P<other>[^\s]+)",
        re.S,
    )
    while True:
        ws = re.compile(r"\s*").match(text, pos)
        pos = ws.end()
        if pos >= len(text):
            break
        t = token.match(text, pos)
        assert t is not None
        pos = t.end()
        kind = t.lastgroup
        if t.group("doc"):
            doc = comment_text(t.group("doc"))
            continue
        if t.group("comment") or t.group("pp"):
            if t.group("pp"):
                doc = ""
            continue
        if t.group("define"):
            if t.group("mname") != "VARIANCE_SCALING_H":
                macros.append(Macro(t.group("mname"), t.group("mvalue").strip(), doc))
        elif t.group("enum"):
            e = Enum(t.group("ename"), doc)
            for mm in re.finditer(r"(?:(/\*\*.*?\*/)\s*)?(\w+)\s*=\s*(-?\w+),", t.group("ebody"), re.S):
                e.members.append(Member(mm.group(2), mm.group(3), comment_text(mm.group(1) or "")))
            if not e.members:
                raise HeaderError(f"enum {e.name} has no members")
            enums[e.name] = e
        elif t.group("struct"):
            s = Struct(t.group("sname"), doc)
            for mm in re.finditer(r"(?:(/\*\*.*?\*/)\s*)?([^;/]*?(\w+));", t.group("sbody"), re.S):
                s.members.append(Member(mm.group(3), " ".join(mm.group(2).split()), comment_text(mm.group(1) or "")))
            structs[s.name] = s
        elif t.group("opaque"):
            structs[t.group("oname")] = Struct(t.group("oname"), doc, opaque=True)
        elif t.group("func"):
            proto = t.group("func")
            if not doc:
                raise HeaderError(f"{t.group('fname')} has no doc comment")
            functions.append(Function(t.group("fname"), " ".join(t.group("ret").split()), proto, param_names(proto), doc))
        elif kind == "other":
            pass  # typedefs of the enums, extern "C" braces, ...
        doc = ""
    if not functions:
        raise HeaderError("no vs_* function found")
    names = [f.name for f in functions]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise HeaderError(f"functions declared twice: {', '.join(sorted(dup))}")
    if "vs_status" not in enums:
        raise HeaderError("enum vs_status not found")
    version = next((m.value.strip('"') for m in macros if m.name == "VS_VERSION_STRING"), None)
    if not version:
        raise HeaderError("VS_VERSION_STRING not found")
    return Header(intro, functions, enums, structs, macros, version)


# --- markdown-like doc text to roff -----------------------------------------------


def esc(s: str) -> str:
    return s.replace("\\", "\\e")


def minus(s: str) -> str:
    return s.replace("-", "\\-")


def nohy(word: str) -> str:
    """A word with an identifier in it is never hyphenated (`\\%` before
    it; `.nh` does not last through the man macros)."""
    return "\\%" + word if "_" in word and not word.startswith("\\%") else word


def tag(*lines: str) -> list[str]:
    """A .TP entry's tag (and .TQ for each further tag)."""
    out = []
    for i, ln in enumerate(lines):
        out += [".TP" if i == 0 else ".TQ", " ".join(nohy(w) for w in ln.split(" "))]
    return out


def split_code(s: str) -> list[tuple[bool, str]]:
    """Splits text into (is_code, text) runs at backticks."""
    parts = s.split("`")
    if len(parts) % 2 == 0:
        raise HeaderError(f"unbalanced backticks in: {s!r}")
    return [(i % 2 == 1, p) for i, p in enumerate(parts)]


class Ctx:
    """What inline text needs to know: the page's own functions and
    arguments, and every function's page."""

    def __init__(self, page_of: dict[str, str], own: set[str], args: set[str]):
        self.page_of = page_of
        self.own = own
        self.args = args


def inline(s: str, ctx: Ctx) -> str:
    out = []
    for code, part in split_code(s):
        if not code:
            out.append(esc(part))
            continue
        m = re.fullmatch(r"(vs_\w+)(\(\))?", part)
        if m and m.group(1) in ctx.page_of:
            fn = m.group(1)
            out.append(f"\\fB{fn}\\fP()" if fn in ctx.own else f"\\fB{fn}\\fP(3)")
        elif part in ctx.args:
            out.append(f"\\fI{part}\\fP")
        else:
            code_text = minus(esc(part))
            if len(part) > 30:
                # a break point after each comma, or a long JSON text
                # could not be broken to the line length
                code_text = code_text.replace(",", ",\\:")
            out.append("\\fB" + code_text + "\\fP")
    text = "".join(out)
    # bare function names with () in prose: vs_version()
    text = re.sub(
        r"(?<![\w\\])(vs_\w+)\(\)",
        lambda mm: (f"\\fB{mm.group(1)}\\fP()" if mm.group(1) in ctx.own else f"\\fB{mm.group(1)}\\fP(3)")
        if mm.group(1) in ctx.page_of
        else mm.group(0),
        text,
    )
    return text


def wrap(text: str, width: int = 72) -> list[str]:
    """Roff source lines of one filled paragraph: words never start a line
    with a control character."""
    lines, cur = [], ""
    for word in text.split():
        word = nohy(word)
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
    if cur:
        lines.append(cur)
    return ["\\&" + ln if ln[:1] in (".", "'") else ln for ln in lines]


@dataclass
class Block:
    kind: str  # "para", "item", "heading", "table"
    text: str
    rows: list[list[str]] = field(default_factory=list)


def blocks(doc: str) -> list[Block]:
    """Paragraphs, list items (`* ` or `- `), `# ` headings and tables."""
    out: list[Block] = []
    cur: Block | None = None
    for line in doc.split("\n"):
        s = line.strip()
        if not s:
            cur = None
            continue
        if s.startswith("|"):
            cells = [c.strip() for c in s.strip("|").split("|")]
            if cur is None or cur.kind != "table":
                cur = Block("table", "")
                out.append(cur)
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                cur.rows.append(cells)
            continue
        if s.startswith("# "):
            out.append(Block("heading", s[2:]))
            cur = None
            continue
        if re.match(r"[*-] ", s):
            cur = Block("item", s[2:])
            out.append(cur)
            continue
        if cur is None or cur.kind in ("table", "heading"):
            cur = Block("para", s)
            out.append(cur)
        else:
            cur.text += " " + s
    return out


def render_blocks(bs: list[Block], ctx: Ctx) -> list[str]:
    out: list[str] = []
    for b in bs:
        if b.kind == "para":
            out.append(".PP")
            out += wrap(inline(b.text, ctx))
        elif b.kind == "item":
            out.append(".IP \\(bu 2")
            out += wrap(inline(b.text, ctx))
        elif b.kind == "heading":
            out.append(f".SS {b.text}")
        elif b.kind == "table":
            head, rows = b.rows[0], b.rows[1:]
            for r in rows:
                out.append(".IP \\(bu 2")
                cells = [inline(r[0], ctx)] + [
                    f"{inline(h, ctx)} {inline(c, ctx)}" for h, c in zip(head[1:], r[1:])
                ]
                out += wrap(cells[0] + ": " + ", ".join(cells[1:]))
    return out


# --- facts drawn from the doc text ------------------------------------------------


def first_sentence(doc: str) -> str:
    text = " ".join(doc.split("\n\n")[0].split())
    depth, code = 0, False
    for i, ch in enumerate(text):
        if ch == "`":
            code = not code
        elif not code and ch == "(":
            depth += 1
        elif not code and ch == ")":
            depth = max(0, depth - 1)
        elif not code and depth == 0 and ch == "." and (i + 1 == len(text) or text[i + 1] == " "):
            return text[: i + 1]
    return text


def summary(doc: str, family: bool = False) -> str:
    """A whatis line: the first sentence without code marks, without the
    parentheses of its prose (code inside them included) and without what
    follows a colon or semicolon of its prose; a family's page drops the
    f32 function's "as IEEE-754 binary32"."""
    out = []
    depth, code = 0, False
    for ch in first_sentence(doc):
        if ch == "`":
            code = not code
            continue
        if not code:
            if ch == "(":
                depth += 1
                continue
            if ch == ")" and depth:
                depth -= 1
                continue
            if depth == 0 and ch in ":;":
                break
        if depth == 0:
            out.append(ch)
    s = re.sub(r" ([,.])", r"\1", " ".join("".join(out).split()))
    s = s.rstrip(".,")
    if family:
        s = re.sub(r",? as IEEE-754 binary32( values)?", "", s)
    first = s.split(" ", 1)[0]
    if first == "A" or (len(first) > 1 and first[1].islower()):
        s = s[0].lower() + s[1:]
    return s


def doc_sections(doc: str) -> tuple[list[Block], list[Block], list[Block]]:
    """(description, return value, safety) blocks of a function's doc: the
    paragraphs starting with "Returns" are its return value, what follows
    `# Safety` its safety requirements."""
    desc: list[Block] = []
    ret: list[Block] = []
    safety: list[Block] = []
    in_safety = False
    for b in blocks(doc):
        if b.kind == "heading" and b.text == "Safety":
            in_safety = True
        elif in_safety:
            safety.append(b)
        elif b.kind == "para" and re.match(r"(Always )?[Rr]eturns\b", b.text):
            ret.append(b)
        else:
            desc.append(b)
    return desc, ret, safety


STATUS_RE = re.compile(r"\bVS_(?:OK|ERR_\w+)\b")


def statuses(fn: Function, by_name: dict[str, Function], seen: set[str] | None = None) -> set[str]:
    """The status names a function's doc gives, with those of the functions
    it refers to for its statuses ("the statuses of `vs_describe_fans`",
    "statuses ... as in `vs_create`")."""
    seen = (seen or set()) | {fn.name}
    found = set(STATUS_RE.findall(fn.doc))
    for b in blocks(fn.doc):
        if "statuses" in b.text:
            for ref in re.findall(r"`(vs_\w+)`", b.text):
                if ref in by_name and ref not in seen:
                    found |= statuses(by_name[ref], by_name, seen)
    return found


# --- pages -------------------------------------------------------------------------


# Left-aligned text: a line with a long JSON text in it could not be
# stretched to the line length (groff would warn). Given after the first
# .SH, since the man macros set the adjustment when they start the page.
NO_ADJUST = [".ad l"]


def th(name: str, date: str, version: str) -> list[str]:
    title = minus(name.upper())
    return [
        ".\\\" Generated by scripts/gen-man.py from include/variance_scaling.h; do not edit.",
        f'.TH {title} 3 "{date}" "{LIB} {version}" "{MANUAL}"',
    ]


def prototype_roff(fn: Function) -> list[str]:
    """The prototype as the header writes it (line breaks and alignment
    kept), the function name bold and the parameter names italic."""
    out = []
    args = set(fn.params)
    for line in fn.prototype.split("\n"):
        s = esc(line).replace("-", "\\-")
        s = re.sub(rf"\b{fn.name}\(", rf"\\fB{fn.name}\\fP(", s, count=1)
        s = re.sub(
            r"(\b[A-Za-z_]\w*)(?=(,|\);)\s*$)",
            lambda m: f"\\fI{m.group(1)}\\fP" if m.group(1) in args else m.group(1),
            s,
        )
        out.append("\\&" + s if s[:1] in (".", "'") else s)
    return out


def type_sections(hdr: Header, ctx: Ctx, mentioned: str) -> list[str]:
    """Subsections for the structs and enums a page uses."""
    out: list[str] = []
    for s in hdr.structs.values():
        if s.opaque or not re.search(rf"\b{s.name}\b", mentioned):
            continue
        out.append(f".SS The {s.name} structure")
        out += [".PP", ".EX", f"typedef struct {s.name} {{"]
        out += [f"    {esc(m.value)};" for m in s.members]
        out += [f"}} {s.name};", ".EE"]
        out += render_blocks(blocks(s.doc), ctx)
        for m in s.members:
            out += tag(f"\\fI{m.name}\\fP")
            out += wrap(inline(" ".join(m.doc.split()), ctx))
    for e in hdr.enums.values():
        if e.name == "vs_status" or not re.search(rf"\b{e.name}\b", mentioned):
            continue
        out.append(f".SS {e.name} values")
        out += render_blocks(blocks(e.doc), ctx)
        for m in e.members:
            out += tag(f"\\fB{m.name}\\fP ({m.value})")
            out += wrap(inline(" ".join(m.doc.split()), ctx))
    return out


def status_list(names: list[str], hdr: Header, ctx: Ctx) -> list[str]:
    out: list[str] = []
    for m in hdr.enums["vs_status"].members:
        if m.name in names:
            out += tag(f"\\fB{m.name}\\fP ({m.value})")
            out += wrap(inline(" ".join(m.doc.split()), ctx))
    return out


def library_section() -> list[str]:
    return [".SH LIBRARY", f"{LIB} (\\fI{LIB}\\fP, \\fI\\-lvariance_scaling\\fP)"]


def function_page(page: str, fns: list[Function], hdr: Header, date: str, page_of: dict[str, str]) -> str:
    by_name = {f.name: f for f in hdr.functions}
    primary = fns[0]
    ctx = Ctx(page_of, {f.name for f in fns}, {a for f in fns for a in f.params})
    out = th(page, date, hdr.version)
    out += [".SH NAME", *NO_ADJUST, f"{', '.join(f.name for f in fns)} \\- {esc(summary(primary.doc, len(fns) > 1))}"]
    out += library_section()
    out += [".SH SYNOPSIS", ".nf", ".B #include <variance_scaling.h>"]
    for f in fns:
        out.append(".PP")
        out += prototype_roff(f)
    out += [".fi", ".SH DESCRIPTION"]
    rets: list[Block] = []
    safety: list[tuple[Function, list[Block]]] = []
    for i, f in enumerate(fns):
        desc, ret, saf = doc_sections(f.doc)
        rets += ret
        if saf and not (i > 0 and re.fullmatch(rf"As `{primary.name}`\.", " ".join(b.text for b in saf))):
            safety.append((f, saf))
        if i == 0:
            out += render_blocks(desc, ctx)
        else:
            out += tag(f"\\fB{f.name}\\fP()")
            body = render_blocks(desc, ctx)
            # the variant's first paragraph is the tag's text
            if body and body[0] == ".PP":
                body = body[1:]
            out += [".IP" if ln == ".PP" else ln for ln in body]
    mentioned = "\n".join(f.prototype + "\n" + f.doc for f in fns)
    out += type_sections(hdr, ctx, mentioned)
    if safety:
        out.append(".SS Safety")
        for f, saf in safety:
            if len(fns) > 1:
                out += [".PP", f"\\fB{f.name}\\fP():"]
            out += render_blocks(saf, ctx)
    out.append(".SH RETURN VALUE")
    errs: set[str] = set()
    if primary.ret == "vs_status":
        for f in fns:
            errs |= statuses(f, by_name)
        errs.discard("VS_OK")
        if errs:
            out += [
                ".PP",
                f"{'These functions return' if len(fns) > 1 else 'This function returns'} a \\fBvs_status\\fP:",
                "\\fBVS_OK\\fP (0) on success, else an error status (see ERRORS), and",
                "\\fBvs_last_error_message\\fP(3) then tells on this thread what was",
                "wrong, naming the argument and the value received.",
            ]
        else:
            out += [".PP", "Always \\fBVS_OK\\fP (0)."]
        out += render_blocks(rets, ctx)
    elif primary.ret == "void":
        out += [".PP", "None."]
    else:
        out += [".PP"] + wrap(inline(first_sentence(primary.doc), ctx))
        out += render_blocks(rets, ctx)
    if errs:
        out += [".SH ERRORS", "The statuses named above, and what each one means:"]
        out += status_list(sorted(errs), hdr, ctx)
    refs = set()
    for f in fns:
        for r in re.findall(r"\b(vs_\w+)", f.doc):
            if r in page_of and page_of[r] != page:
                refs.add(page_of[r])
    see = [LIB] + sorted(refs)
    out.append(".SH SEE ALSO")
    out += wrap(", ".join(f"\\fB{p}\\fP(3)" for p in see))
    return "\n".join(out) + "\n"


def overview_page(hdr: Header, date: str, pages: dict[str, list[Function]], page_of: dict[str, str]) -> str:
    ctx = Ctx(page_of, set(), set())
    paras = hdr.intro.split("\n\n")
    head = " ".join(paras[0].split())
    what = head.split(": ", 1)[1] if ": " in head else head
    out = th(LIB, date, hdr.version)
    out += [".SH NAME", *NO_ADJUST, f"{LIB}, variance_scaling.h \\- {esc(what.rstrip('.'))}"]
    out += library_section()
    out += [
        ".SH SYNOPSIS",
        ".nf",
        ".B #include <variance_scaling.h>",
        ".PP",
        ".B cc prog.c $(pkg\\-config \\-\\-cflags \\-\\-libs variance_scaling)",
        ".fi",
        ".PP",
        "C++17 programs may include \\fB<variance_scaling.hpp>\\fP instead: a",
        "header-only layer over these functions with RAII handles",
        "(\\fBvs::Initializer\\fP) and exceptions (\\fBvs::Error\\fP).",
        "CMake projects use \\fBfind_package(VarianceScaling)\\fP.",
        ".SH DESCRIPTION",
    ]
    # the header's own words, but for the cbindgen and licence lines
    rest = [
        p
        for p in paras[1:]
        if not re.match(r"(Generated by|SPDX-)", p.strip())
        and not all(re.match(r"(Generated by|SPDX-)", ln.strip()) for ln in p.split("\n"))
    ]
    text = "\n\n".join(
        "\n".join(ln for ln in p.split("\n") if not re.match(r"(Generated by|SPDX-)", ln.strip())) for p in rest
    )
    out += render_blocks(blocks(text), ctx)
    out.append(".SS Functions")
    for page, fns in pages.items():
        out += tag(f"\\fB{page}\\fP(3)")
        if len(fns) > 1:
            out += wrap(", ".join(f"\\fB{f.name}\\fP()" for f in fns) + ":")
        out += wrap(esc(summary(fns[0].doc, len(fns) > 1)) + ".")
    out.append(".SS Types")
    for s in hdr.structs.values():
        if s.opaque:
            out += tag(f"\\fB{s.name}\\fP")
            out += wrap(inline(" ".join(s.doc.split()), ctx))
    out += type_sections(hdr, ctx, " ".join(hdr.structs) + " " + " ".join(hdr.enums))
    out.append(".SS Constants")
    # a documented macro and the undocumented ones after it share an entry
    groups: list[list[Macro]] = []
    for m in hdr.macros:
        if groups and not m.doc and groups[-1][0].doc:
            groups[-1].append(m)
        else:
            groups.append([m])
    for g in groups:
        out += tag(*(f"\\fB{m.name}\\fP {esc(m.value)}" for m in g))
        if g[0].doc:
            out += wrap(inline(" ".join(g[0].doc.split()), ctx))
    out.append(".SH ERRORS")
    out += render_blocks(blocks(hdr.enums["vs_status"].doc), ctx)
    out += status_list([m.name for m in hdr.enums["vs_status"].members], hdr, ctx)
    see = ["\\fBvs\\-init\\fP(1)", "\\fBpkg\\-config\\fP(1)"] + [f"\\fB{p}\\fP(3)" for p in pages]
    out.append(".SH SEE ALSO")
    out += wrap(", ".join(see))
    out += [
        ".PP",
        "The library's documentation (docs/*.md in its sources) is installed",
        "beside its README.",
    ]
    return "\n".join(out) + "\n"


def group(functions: list[Function]) -> dict[str, list[Function]]:
    """Page name -> the functions on it, in header order (a family's f32
    function first)."""
    names = {f.name for f in functions}
    pages: dict[str, list[Function]] = {}
    for f in functions:
        m = re.fullmatch(rf"(vs_\w+?)_({'|'.join(FAMILY_SUFFIXES)})", f.name)
        base = m.group(1) if m else None
        if base and base not in names and sum(f"{base}_{s}" in names for s in FAMILY_SUFFIXES) > 1:
            pages.setdefault(base, []).append(f)
        else:
            pages[f.name] = [f]
    for fns in pages.values():
        fns.sort(key=lambda f: next((i for i, s in enumerate(FAMILY_SUFFIXES) if f.name.endswith("_" + s)), 0))
    return pages


def changelog_date(path: str) -> str:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith(" -- "):
                stamp = line.split("  ", 1)[1].strip() if "  " in line else ""
                return email.utils.parsedate_to_datetime(stamp).strftime("%Y-%m-%d")
    raise HeaderError(f"{path}: no ' -- name <mail>  date' line")


def generate(header_text: str, date: str) -> dict[str, str]:
    hdr = parse_header(header_text)
    pages = group(hdr.functions)
    page_of = {f.name: p for p, fns in pages.items() for f in fns}
    files: dict[str, str] = {}
    files[f"{LIB}.3"] = overview_page(hdr, date, pages, page_of)
    files["variance_scaling.3"] = f".so man3/{LIB}.3\n"
    for page, fns in pages.items():
        try:
            files[f"{page}.3"] = function_page(page, fns, hdr, date, page_of)
        except HeaderError as e:
            raise HeaderError(f"{', '.join(f.name for f in fns)}: {e}") from e
        if len(fns) > 1:
            for f in fns:
                files[f"{f.name}.3"] = f".so man3/{page}.3\n"
    return files


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--header", required=True)
    ap.add_argument("--changelog", required=True, help="packaging/debian/changelog: the pages' date")
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--gzip", help="compress each page with this gzip, -9 -n")
    ap.add_argument("--list", action="store_true", help="print the page names")
    a = ap.parse_args()
    try:
        with open(a.header, encoding="utf-8") as fh:
            files = generate(fh.read(), changelog_date(a.changelog))
    except (HeaderError, OSError, ValueError) as e:
        print(f"gen-man.py: {e}", file=sys.stderr)
        return 1
    os.makedirs(a.outdir, exist_ok=True)
    for old in os.listdir(a.outdir):
        if old.endswith((".3", ".3.gz")):
            os.remove(os.path.join(a.outdir, old))
    for name, text in sorted(files.items()):
        path = os.path.join(a.outdir, name)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        if a.gzip:
            with open(path + ".gz", "wb") as gz:
                subprocess.run([a.gzip, "-9", "-n", "-c", path], stdout=gz, check=True)
            os.remove(path)
        if a.list:
            print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
