"""docs/python.md's quick start runs and prints the C quick start's line
(README.md, examples/quick_start.c)."""

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
