"""docs/python.md's quick start prints the C quick start's line
(README.md, examples/quick_start.c), and README.md's Python examples print
what their comments say."""

from __future__ import annotations

import contextlib
import io
import re

from conftest import REPO


def test_quick_start_prints_the_c_line() -> None:
    page = (REPO / "docs" / "python.md").read_text()
    quick = page[page.index("## Quick start"):page.index("## API")]
    code = re.search(r"```python\n(.*?)```", quick, re.S)
    assert code is not None
    printed = re.search(r"It prints `([^`]+)`", quick)
    assert printed is not None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code[1], "docs/python.md", "exec"), {})
    assert out.getvalue().strip() == printed[1]
    # the C quick start's own line, from README.md
    assert f"It prints `{printed[1]}`" in (REPO / "README.md").read_text().replace("\n", " ")


def test_readme_python_blocks_print_their_comments() -> None:
    """Each ```python block of README.md that uses the package runs, and each
    `print(...)  # text` line prints `text`."""
    readme = (REPO / "README.md").read_text()
    blocks = [b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if "variance_scaling" in b]
    assert blocks, "README.md has no ```python block using variance_scaling"
    # how it says to install the package: any pip (a venv's or not) given
    # this checkout's bindings/python
    assert re.search(r"\bpip3? install \S*\./bindings/python\b", readme), "README.md does not say how to install"
    for block in blocks:
        expected = [m[1].strip() for m in re.finditer(r"^\s*print\(.*\)\s*#\s*(.+)$", block, re.M)]
        assert expected, f"a README Python block prints nothing it documents:\n{block}"
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, "README.md", "exec"), {})
        assert out.getvalue().strip().splitlines() == expected


def test_install_is_into_a_venv() -> None:
    """docs/python.md's install command works on a Debian Python, which
    refuses a bare `pip install` (PEP 668): a venv, then its pip."""
    page = (REPO / "docs" / "python.md").read_text()
    install = page[page.index("## Install"):page.index("## Quick start")]
    block = re.search(r"```sh\n(.*?)```", install, re.S)
    assert block is not None
    assert "python3 -m venv .venv && .venv/bin/pip install ./bindings/python" in block[1]
    assert "python3-venv" in install and "externally-managed-environment" in install
