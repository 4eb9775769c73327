"""Shared helpers of the Python package's tests (bindings/python/tests).

The tests run against the installed package (`pip install ./bindings/python`,
scripts/test-python-package.sh) and read the repository's data files: the
golden vectors shared with the C, Rust and Go tests, and the C header."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]
# the golden-vector reader of tests/python, shared with the other Python tests
sys.path.insert(0, str(REPO / "tests" / "python"))
import golden as _golden  # noqa: E402
DATA = REPO / "tests" / "data"
HEADER = REPO / "include" / "variance_scaling.h"
KINDS = _golden.KINDS
DTYPES = {"f64": "float64", "f32": "float32", "f16": "float16", "bf16": "bfloat16"}
MODES = ("fan_in", "fan_out", "fan_avg")
DISTS = ("truncated_normal", "untruncated_normal", "uniform")


def parse_golden(path: Path) -> list[dict[str, Any]]:
    """The cases of a golden-vector file, as tests/python/golden.py reads
    them (the reader every Python test shares), with ``mode`` and ``dist``
    as the package's names."""
    cases = _golden.parse_golden(path)
    for case in cases:
        case["mode"] = MODES[case["mode"]]
        case["dist"] = DISTS[case["dist"]]
    return cases


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO
