"""Shared helpers of the Python package's tests (bindings/python/tests).

The tests run against the installed package (`pip install ./bindings/python`,
scripts/test-python-package.sh) and read the repository's data files: the
golden vectors shared with the C, Rust and Go tests, and the C header."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]
DATA = REPO / "tests" / "data"
HEADER = REPO / "include" / "variance_scaling.h"
KINDS = ("f64", "f32", "f16", "bf16")
DTYPES = {"f64": "float64", "f32": "float32", "f16": "float16", "bf16": "bfloat16"}
MODES = ("fan_in", "fan_out", "fan_avg")
DISTS = ("truncated_normal", "untruncated_normal", "uniform")


def parse_golden(path: Path) -> list[dict[str, Any]]:
    """The cases of a golden-vector file (format in its header comment):
    ``case NAME SEED SCALE MODE DIST NDIM DIMS... HASAXES [NIN AXES... NOUT
    AXES...] OFFSET COUNT`` and then one line of COUNT hex bit patterns for
    each of f64, f32, f16, bf16."""
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
        assert len(t) == p + 2, f"case {t[1]}: trailing fields"
        case: dict[str, Any] = dict(name=t[1], seed=int(t[2]), scale=float(t[3]), mode=MODES[int(t[4])],
                                    dist=DISTS[int(t[5])], shape=shape, axes=axes,
                                    offset=int(t[p]), count=int(t[p + 1]))
        for k, kind in enumerate(KINDS):
            row = lines[i + 1 + k]
            assert row[0] == kind, f"case {case['name']}: expected a {kind} line"
            case[kind] = [int(h, 16) for h in row[1:]]
            assert len(case[kind]) == case["count"], f"case {case['name']} {kind}: count"
        cases.append(case)
        i += 5
    return cases


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO
