"""The golden-vector files of tests/data (golden_vectors.txt for v1,
golden_vectors_v2.txt for v2), read once for every Python test that
checks them: tests/python/test_reference*.py and the Python package's
bindings/python/tests.

Format (also in each file's header comment): a line
``case NAME SEED SCALE MODE DIST NDIM DIMS... HASAXES [NIN AXES... NOUT
AXES...] OFFSET COUNT``, then one line per output type, ``f64``, ``f32``,
``f16``, ``bf16``, of COUNT hexadecimal bit patterns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "data"
KINDS = ("f64", "f32", "f16", "bf16")


def parse_golden(path: Path) -> list[dict[str, Any]]:
    """The cases of a golden-vector file, each a dict with ``name``,
    ``seed``, ``scale``, ``mode`` and ``dist`` (the C enum numbers),
    ``shape``, ``axes`` (None or ``(input_axes, output_axes)``),
    ``offset``, ``count`` and, per output type of KINDS, its bit patterns
    as ints. A malformed file fails an assertion naming the case."""
    lines = [ln.split() for ln in path.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    cases = []
    i = 0
    while i < len(lines):
        t = lines[i]
        assert t[0] == "case", f"{path.name}: expected a case line, got {t[:2]}"
        ndim = int(t[6])
        p = 7
        shape = [int(v) for v in t[p:p + ndim]]
        p += ndim
        axes = None
        if int(t[p]):
            nin = int(t[p + 1])
            ia = [int(v) for v in t[p + 2:p + 2 + nin]]
            p += 2 + nin
            nout = int(t[p])
            oa = [int(v) for v in t[p + 1:p + 1 + nout]]
            p += 1 + nout
            axes = (ia, oa)
        else:
            p += 1
        assert len(t) == p + 2, f"{path.name}: case {t[1]}: trailing fields"
        case: dict[str, Any] = dict(name=t[1], seed=int(t[2]), scale=float(t[3]), mode=int(t[4]),
                                    dist=int(t[5]), shape=shape, axes=axes,
                                    offset=int(t[p]), count=int(t[p + 1]))
        for k, kind in enumerate(KINDS):
            row = lines[i + 1 + k]
            assert row[0] == kind, f"{path.name}: case {case['name']}: expected a {kind} line"
            assert len(row) - 1 == case["count"], (
                f"{path.name}: case {case['name']}: {kind} has {len(row) - 1} values, not {case['count']}")
            case[kind] = [int(h, 16) for h in row[1:]]
        cases.append(case)
        i += 1 + len(KINDS)
    return cases
