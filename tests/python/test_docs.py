"""Checks that keep the documentation honest.

- README.md stays under 250 lines;
- its C quick start is examples/quick_start.c, and its C++ one
  examples/quick_start.cpp, byte for byte;
- every relative link in README.md, CONTRIBUTING.md, SECURITY.md and
  docs/*.md points to an existing file, and an `#anchor` into a Markdown
  file to an existing heading (GitHub's slugs);
- every vs_* function the header declares is named in README.md;
- the enum and status numbers the docs quote are the header's.

Needs nothing but the repository (no library build).
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
HEADER = ROOT / "include" / "variance_scaling.h"
QUICK_START = ROOT / "examples" / "quick_start.c"
QUICK_START_CPP = ROOT / "examples" / "quick_start.cpp"

MAX_README_LINES = 250


def linked_docs():
    """The Markdown files whose links are checked."""
    files = [README, ROOT / "CONTRIBUTING.md", ROOT / "SECURITY.md"]
    files += sorted((ROOT / "docs").glob("*.md"))
    return files


# --- Markdown helpers ---------------------------------------------------------

FENCE = re.compile(r"^\s*(```|~~~)")


def strip_fenced_code(text):
    """The text with fenced code blocks blanked (line count kept)."""
    out, in_fence = [], False
    for line in text.split("\n"):
        if FENCE.match(line):
            in_fence = not in_fence
            out.append("")
        else:
            out.append("" if in_fence else line)
    return "\n".join(out)


def strip_inline_code(text):
    """Inline code spans replaced by a placeholder (a link's text may be code)."""
    return re.sub(r"`[^`\n]*`", "code", text)


def github_slug(heading):
    """The anchor GitHub gives a heading: lower case, punctuation other than
    '-' and '_' dropped, spaces to '-'."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path):
    """Every heading anchor of a Markdown file, duplicates numbered as GitHub
    numbers them (`name`, `name-1`, ...)."""
    seen = {}
    result = set()
    for line in strip_fenced_code(path.read_text(encoding="utf-8")).split("\n"):
        m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not m:
            continue
        slug = github_slug(m.group(1))
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        result.add(slug if n == 0 else f"{slug}-{n}")
    return result


LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def relative_links(path):
    """(line number, target) of every relative link in a Markdown file."""
    text = strip_inline_code(strip_fenced_code(path.read_text(encoding="utf-8")))
    links = []
    for lineno, line in enumerate(text.split("\n"), 1):
        for m in LINK.finditer(line):
            target = m.group(1)
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
                continue  # http:, https:, mailto:
            links.append((lineno, target))
    return links


def broken_links(path):
    """The links of `path` that point nowhere, as readable strings."""
    problems = []
    for lineno, target in relative_links(path):
        file_part, _, anchor = target.partition("#")
        dest = path if file_part == "" else (path.parent / file_part)
        where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{lineno}: {target}"
        if not dest.exists():
            problems.append(f"{where}: no such file")
            continue
        if anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            problems.append(f"{where}: no heading with anchor #{anchor} in {dest.name}")
    return problems


def section_block(readme_text, heading, lang):
    """The first ```lang block under the README's '## heading'."""
    m = re.search(rf"^## {re.escape(heading)}\s*$", readme_text, re.M)
    assert m, f"README.md has no '## {heading}' section"
    rest = readme_text[m.end():]
    nxt = re.search(r"^## ", rest, re.M)
    section = rest[: nxt.start()] if nxt else rest
    block = re.search(rf"^```{re.escape(lang)}\n(.*?)^```\s*$", section, re.M | re.S)
    assert block, f"the '{heading}' section has no ```{lang} block"
    return block.group(1)


def c_quick_start_block(readme_text):
    """The first ```c block under the README's '## C quick start' heading."""
    return section_block(readme_text, "C quick start", "c")


def header_functions():
    """The vs_* functions the header declares (outside comments)."""
    text = HEADER.read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    names = set(re.findall(r"\b(vs_\w+)\s*\(", text))
    return sorted(names)


def header_numbers():
    """Every VS_* enum value and integer/float macro of the header, as text."""
    text = HEADER.read_text(encoding="utf-8")
    numbers = {}
    for name, value in re.findall(r"^\s*(VS_[A-Z0-9_]+)\s*=\s*([0-9]+)\s*,", text, re.M):
        numbers[name] = value
    for name, value in re.findall(r"^#define\s+(VS_[A-Z0-9_]+)\s+([0-9][0-9.]*)\s*$", text, re.M):
        numbers[name] = value
    return numbers


QUOTED_NUMBER = re.compile(r"`(VS_[A-Z0-9_]+)`\s*(?:\(|\|)\s*([0-9][0-9.]*)\b")


def quoted_numbers(path):
    """(line, name, number) for each `VS_NAME` (N) or `VS_NAME` | N in a file."""
    found = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        for m in QUOTED_NUMBER.finditer(line):
            found.append((lineno, m.group(1), m.group(2).rstrip(".")))
    return found


# --- the checks ---------------------------------------------------------------


def test_readme_is_under_250_lines():
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines < MAX_README_LINES, (
        f"README.md has {lines} lines; keep it under {MAX_README_LINES} "
        "and move details to docs/"
    )


def test_readme_quick_start_is_the_example_file():
    block = c_quick_start_block(README.read_text(encoding="utf-8"))
    source = QUICK_START.read_text(encoding="utf-8")
    assert block.rstrip("\n") == source.rstrip("\n"), (
        "the ```c block under '## C quick start' in README.md differs from "
        "examples/quick_start.c; paste the file into the README again"
    )


def test_readme_cpp_quick_start_is_the_example_file():
    block = section_block(README.read_text(encoding="utf-8"), "C++, Python, Go, Rust", "cpp")
    source = QUICK_START_CPP.read_text(encoding="utf-8")
    assert block.rstrip("\n") == source.rstrip("\n"), (
        "the ```cpp block under '## C++, Python, Go, Rust' in README.md differs "
        "from examples/quick_start.cpp; paste the file into the README again"
    )


@pytest.mark.parametrize("path", linked_docs(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(path):
    problems = broken_links(path)
    assert not problems, "broken links:\n" + "\n".join(problems)


def test_every_docs_page_is_linked_from_the_readme():
    targets = {
        (README.parent / t.partition("#")[0]).resolve()
        for _, t in relative_links(README)
        if t.partition("#")[0]
    }
    missing = [
        str(p.relative_to(ROOT))
        for p in sorted((ROOT / "docs").glob("*.md"))
        if p.resolve() not in targets
    ]
    assert not missing, f"docs pages the README does not link to: {missing}"


def test_every_header_function_is_named_in_the_readme():
    functions = header_functions()
    assert len(functions) >= 40, f"found only {functions} in the header"
    readme = README.read_text(encoding="utf-8")
    missing = [f for f in functions if not re.search(rf"(?<!\w){f}(?!\w)", readme)]
    assert not missing, f"header functions not named in README.md: {missing}"


def test_quoted_numbers_are_the_headers():
    numbers = header_numbers()
    assert numbers.get("VS_ERR_INVALID_LAYOUT") == "11"
    checked, wrong = 0, []
    for path in linked_docs():
        for lineno, name, value in quoted_numbers(path):
            if name not in numbers:
                continue
            checked += 1
            if value != numbers[name]:
                wrong.append(
                    f"{path.relative_to(ROOT)}:{lineno}: {name} is {value} here, "
                    f"{numbers[name]} in the header"
                )
    # the docs quote 17 (README.md no longer lists the statuses: the header does)
    assert checked >= 15, f"only {checked} quoted numbers found; is the pattern stale?"
    assert not wrong, "\n".join(wrong)


# --- the helpers themselves, on made-up input ---------------------------------


def test_slugs_follow_github():
    assert github_slug("Threads from the engine's pool") == "threads-from-the-engines-pool"
    assert github_slug("n, stddev and limit") == "n-stddev-and-limit"
    assert github_slug("Seeds per tensor: `DeriveSeed`, `DeriveSeedName`") == (
        "seeds-per-tensor-deriveseed-deriveseedname"
    )
    assert github_slug("4.1 Binary32: `neg_ln32(t)`") == "41-binary32-neg_ln32t"


def test_link_checker_reports_broken_links(tmp_path):
    (tmp_path / "other.md").write_text("# Title\n\n## A section, here\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](other.md) [ok](other.md#a-section-here) [ok](#top)\n"
        "# Top\n"
        "[bad file](missing.md) [bad anchor](other.md#nowhere) [bad local](#none)\n"
        "`[not a link](missing2.md)`\n"
        "```\n[not a link](missing3.md)\n```\n"
        "[web](https://example.org/x.md)\n",
        encoding="utf-8",
    )
    problems = broken_links(page)
    assert len(problems) == 3, problems
    assert "missing.md: no such file" in problems[0]
    assert "#nowhere" in problems[1]
    assert "#none" in problems[2]


def test_number_check_sees_both_forms(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("`VS_ERR_INTERNAL` (9), | `VS_MODE_FAN_OUT` | 1 |\n", encoding="utf-8")
    assert quoted_numbers(page) == [(1, "VS_ERR_INTERNAL", "9"), (1, "VS_MODE_FAN_OUT", "1")]
