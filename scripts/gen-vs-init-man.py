#!/usr/bin/env python3
"""Writes the man page vs-init(1) from `vs-init --help` and a template.

    gen-vs-init-man.py --exe VS_INIT | --help-file FILE --version-text TEXT
                       --template docs/vs-init.1.in
                       --changelog packaging/debian/changelog
                       --out FILE [--gzip GZIP]

What the tool does is documented once, in its --help text (USAGE in
tools/vs-init/src/main.rs), and the page takes it from there: SYNOPSIS's
first line is the "usage:" line, OPTIONS is the "options:" block (each
option, its argument and its description, with the defaults and the values
of --format, --dtype and --shard as --help writes them), EXIT STATUS the
"exit status:" block, and the .TH version the version `vs-init --version`
prints. So an option added to --help is on the page at the next build, and
the page cannot say what the tool does not. The prose that only the page
has (NAME, DESCRIPTION, the mpirun synopsis, EXAMPLES, SEE ALSO) is the
template, with the placeholders @DATE@, @VERSION@ (in .TH), and @SYNOPSIS@,
@OPTIONS@, @EXIT_STATUS@ (each on a line of its own). A --long-option that
the template names but --help does not list is an error, as is a line of
the two blocks that is neither an entry nor its continuation.

The date is the newest packaging/debian/changelog entry's (as gen-man.py
does), never the build time. With --gzip the page is written compressed by
`GZIP -9 -n` (no name, no timestamp) to FILE.gz instead of FILE. --exe runs
VS_INIT --help and VS_INIT --version; --help-file and --version-text give
their outputs instead (to try a changed --help without a build). Only the
Python standard library is used.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field


class GenError(Exception):
    pass


@dataclass
class Entry:
    head: str  # "-o, --output PATH" or "3"
    text: list[str] = field(default_factory=list)

    @property
    def desc(self) -> str:
        return " ".join(self.text)


@dataclass
class Option:
    short: str | None
    long: str
    arg: str | None
    desc: str


@dataclass
class Help:
    usage: list[str]
    options: list[Option]
    exits: list[tuple[str, str]]


OPTION_RE = re.compile(r"^  (?:(-[A-Za-z]), )?(--[a-z][a-z0-9-]*)(?: ([A-Z][A-Z0-9_]*))?(?: {2,}(\S.*))?$")
EXIT_RE = re.compile(r"^  (\d+) {2,}(\S.*)$")


def block(lines: list[str], title: str, head_re: re.Pattern[str], what: str) -> list[tuple[re.Match[str], list[str]]]:
    """The entries of the block that starts with the line `title`: lines
    matching head_re, each with the more deeply indented lines after it."""
    try:
        start = lines.index(title)
    except ValueError:
        raise GenError(f"vs-init --help has no {title!r} line") from None
    out: list[tuple[re.Match[str], list[str]]] = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        m = head_re.match(line)
        if m:
            out.append((m, []))
        elif out and re.match(r"^ {4,}\S", line):
            out[-1][1].append(line.strip())
        else:
            raise GenError(f"vs-init --help: this line of the {title!r} block is not {what} nor its continuation: {line!r}")
    if not out:
        raise GenError(f"vs-init --help: the {title!r} block is empty")
    return out


def parse_help(text: str) -> Help:
    lines = text.splitlines()
    if not lines or not lines[0].startswith("usage: vs-init "):
        raise GenError(f"vs-init --help does not start with 'usage: vs-init ': {lines[:1]!r}")
    usage = lines[0].split()[1:]
    options = []
    for m, more in block(lines, "options:", OPTION_RE, "an option"):
        desc = " ".join(([m.group(4)] if m.group(4) else []) + more)
        if not desc:
            raise GenError(f"vs-init --help: option {m.group(2)} has no description")
        options.append(Option(m.group(1), m.group(2), m.group(3), desc))
    exits = [(m.group(1), " ".join([m.group(2)] + more)) for m, more in block(lines, "exit status:", EXIT_RE, "a status")]
    longs = [o.long for o in options]
    if len(set(longs)) != len(longs):
        raise GenError(f"vs-init --help lists an option twice: {longs}")
    if "0" not in [c for c, _ in exits]:
        raise GenError("vs-init --help: the 'exit status:' block has no status 0")
    return Help(usage, options, exits)


# --- roff ----------------------------------------------------------------------


def esc(s: str) -> str:
    return s.replace("\\", "\\e")


def dash(s: str) -> str:
    return s.replace("-", "\\-")


def values(desc: str) -> list[str]:
    """The literal values an option's description enumerates: all of
    "safetensors (default), npy, gguf", or the "word (...)" items of a list
    after a colon ("...: rows (...), columns (...), layers (...)")."""
    if re.fullmatch(r"[a-z0-9]+( \(default\))?(, [a-z0-9]+( \(default\))?)+", desc):
        return re.findall(r"[a-z0-9]+(?= \(default\)|,|$)", desc)
    found = re.findall(r"(?:: |, )([a-z0-9]+) \(", desc)
    return found if len(found) >= 2 else []


def sentence(desc: str, literal: list[str], metavars: list[str], values_of: dict[str, list[str]]) -> str:
    """desc as a roff text line: options (with a value of theirs after them:
    "--format npy") and literal values bold, metavars italic, the first
    letter a capital (unless the text starts with one of those), a full
    stop at the end."""
    words = "|".join(re.escape(w) for w in literal)
    metas = "|".join(re.escape(w) for w in metavars)
    with_value = "|".join(
        rf"{re.escape(o)} (?:{'|'.join(re.escape(v) for v in vs)})(?![\w-])" for o, vs in values_of.items() if vs
    )
    pat = r"(?P<opt>(?<![\w-])(?:" + (with_value + "|" if with_value else "") + r"--?[A-Za-z][A-Za-z0-9-]*))"
    if words:
        pat += rf"|(?P<val>(?<![\w-])(?:{words})(?![\w-]))"
    if metas:
        pat += rf"|(?P<meta>(?<![\w-])(?:{metas})(?![\w-]))"
    text = desc if desc.endswith(".") else desc + "."
    out, pos, first_plain = [], 0, None
    for m in re.finditer(pat, text):
        out.append(esc(text[pos : m.start()]))
        kind = m.lastgroup
        if first_plain is None:
            first_plain = m.start() > 0
        font = "\\fI" if kind == "meta" else "\\fB"
        out.append(f"{font}\\%{dash(esc(m.group()))}\\fR")  # \% : not hyphenated
        pos = m.end()
    out.append(esc(text[pos:]))
    line = "".join(out)
    if first_plain is not False and line[:1].islower():
        line = line[0].upper() + line[1:]
    return "\\&" + line if line[:1] in (".", "'") else line


def synopsis(usage: list[str]) -> list[str]:
    out = [f".B {usage[0]}"]
    for w in usage[1:]:
        if w.startswith("-"):
            out.append(f".B {dash(w)}")
        elif re.fullmatch(r"[A-Z][A-Z0-9_]*", w):
            out.append(f".I {w}")
        elif re.fullmatch(r"\[[a-z]+\]", w):
            out.append(f".RI [ {w[1:-1]} ]")
        else:
            raise GenError(f"vs-init --help: cannot set the usage word {w!r} in roff")
    return out


def options_roff(h: Help) -> list[str]:
    metavars = sorted({o.arg for o in h.options if o.arg}, key=len, reverse=True)
    values_of = {o.long: values(o.desc) for o in h.options}
    out: list[str] = []
    for o in h.options:
        out.append(".TP")
        if o.short:
            head = f".BR {dash(o.short)} \", \" {dash(o.long)}"
            out.append(head + (f' " \\fI{o.arg}\\fR"' if o.arg else ""))
        elif o.arg:
            out.append(f'.BI {dash(o.long)} " {o.arg}"')
        else:
            out.append(f".B {dash(o.long)}")
        out.append(sentence(o.desc, values_of[o.long], metavars, values_of))
    return out


def exit_roff(h: Help) -> list[str]:
    out: list[str] = []
    for code, desc in h.exits:
        out += [".TP", f".B {code}", sentence(desc, [], [], {})]
    return out


def render(template: str, h: Help, date: str, version: str) -> str:
    known = {o.long for o in h.options}
    prose = "\n".join(line for line in template.splitlines() if not line.startswith('.\\"'))
    for name in sorted(set(re.findall(r"\\-\\-([a-z][a-z0-9-]*)", prose))):
        if f"--{name}" not in known:
            raise GenError(f"the template names the option --{name}, which vs-init --help does not list")
    blocks = {"@SYNOPSIS@": synopsis(h.usage), "@OPTIONS@": options_roff(h), "@EXIT_STATUS@": exit_roff(h)}
    inline = {"@DATE@": date, "@VERSION@": version}
    out: list[str] = []
    seen: dict[str, int] = {}
    for line in template.splitlines():
        for ph in re.findall(r"@[A-Z_]+@", line):
            if ph not in blocks and ph not in inline:
                raise GenError(f"the template has an unknown placeholder {ph}")
            seen[ph] = seen.get(ph, 0) + 1
        if line.strip() in blocks:
            out += blocks[line.strip()]
            continue
        if any(ph in line for ph in blocks):
            raise GenError(f"the template's line {line!r}: a block placeholder must be alone on its line")
        for ph, v in inline.items():
            line = line.replace(ph, v)
        out.append(line)
    for ph in list(blocks) + list(inline):
        if seen.get(ph) != 1:
            raise GenError(f"the template has the placeholder {ph} {seen.get(ph, 0)} times, not once")
    return "\n".join(out) + "\n"


def changelog_date(path: str) -> str:
    """The newest packaging/debian/changelog entry's date, as the section 3
    pages take it (scripts/gen-man.py, loaded from beside this file)."""
    spec = importlib.util.spec_from_file_location(
        "gen_man", os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen-man.py"))
    if spec is None or spec.loader is None:
        raise GenError("cannot load gen-man.py from beside gen-vs-init-man.py")
    gen_man = importlib.util.module_from_spec(spec)
    sys.modules["gen_man"] = gen_man  # its dataclasses look their module up
    spec.loader.exec_module(gen_man)
    try:
        date: str = gen_man.changelog_date(path)
    except gen_man.HeaderError as e:
        raise GenError(str(e)) from e
    return date


def run(exe: str, flag: str) -> str:
    env = dict(os.environ, LC_ALL="C")
    try:
        r = subprocess.run([exe, flag], capture_output=True, text=True, env=env, check=False)
    except OSError as e:
        raise GenError(f"cannot run --exe {exe}: {e.strerror}") from e
    if r.returncode != 0:
        raise GenError(f"{exe} {flag} exited with status {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--exe", help="the built vs-init, run with --help and --version")
    src.add_argument("--help-file", help="the output of vs-init --help (with --version-text)")
    ap.add_argument("--version-text", help="the output of vs-init --version (with --help-file)")
    ap.add_argument("--template", required=True, help="docs/vs-init.1.in")
    ap.add_argument("--changelog", required=True, help="packaging/debian/changelog: the page's date")
    ap.add_argument("--out", required=True)
    ap.add_argument("--gzip", help="compress the page with this gzip, -9 -n, to OUT.gz")
    a = ap.parse_args()
    if a.help_file and not a.version_text:
        ap.error("--help-file needs --version-text")
    try:
        if a.exe:
            help_text, version_text = run(a.exe, "--help"), run(a.exe, "--version")
        else:
            with open(a.help_file, encoding="utf-8") as fh:
                help_text, version_text = fh.read(), a.version_text
        m = re.match(r"vs-init (\S+)", version_text)
        if not m:
            raise GenError(f"vs-init --version printed {version_text.strip()!r}, not 'vs-init VERSION ...'")
        with open(a.template, encoding="utf-8") as fh:
            page = render(fh.read(), parse_help(help_text), changelog_date(a.changelog), m.group(1))
    except (GenError, OSError, ValueError) as e:
        print(f"gen-vs-init-man.py: {e}", file=sys.stderr)
        return 1
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(page)
    if a.gzip:
        with open(a.out + ".gz", "wb") as gz:
            subprocess.run([a.gzip, "-9", "-n", "-c", a.out], stdout=gz, check=True)
        os.remove(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
