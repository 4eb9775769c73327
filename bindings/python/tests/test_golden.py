"""The package gives the golden vectors of the C, Rust and Go tests
(tests/data/golden_vectors*.txt) bit for bit, in every dtype, for both
algorithms."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import variance_scaling as vs
from conftest import DATA, DTYPES, KINDS, parse_golden

V1 = parse_golden(DATA / "golden_vectors.txt")
V2 = parse_golden(DATA / "golden_vectors_v2.txt")
UINT = {"f64": np.uint64, "f32": np.uint32, "f16": np.uint16, "bf16": np.uint16}


def make(case: dict[str, Any]) -> vs.VarianceScaling:
    ia, oa = case["axes"] if case["axes"] else (None, None)
    return vs.VarianceScaling(case["scale"], case["mode"], case["dist"], case["seed"], ia, oa)


def bits(a: np.ndarray, kind: str) -> list[int]:
    return a.view(UINT[kind]).ravel().tolist()


def test_files_are_nontrivial() -> None:
    assert len(V1) >= 10 and len(V2) >= 10
    assert {c["dist"] for c in V2} == {"truncated_normal", "untruncated_normal", "uniform"}
    assert any(c["axes"] for c in V2)
    assert any(c["offset"] > 2**40 for c in V2)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", V2, ids=[c["name"] for c in V2])
def test_golden_v2(case: dict[str, Any], kind: str) -> None:
    init = make(case)
    assert init.algorithm == "splitmix64-ctr-v2" == vs.DEFAULT_ALGORITHM
    got = init.fill_range(case["shape"], case["offset"], case["count"], DTYPES[kind])
    assert got.dtype == np.dtype(DTYPES[kind])
    assert bits(got, kind) == case[kind]
    n = math.prod(case["shape"])
    if n <= 1 << 16:  # the whole tensor too: __call__, fill(out)
        whole = init(case["shape"], DTYPES[kind])
        assert whole.shape == tuple(case["shape"])
        assert bits(whole, kind)[case["offset"]:case["offset"] + case["count"]] == case[kind]
        out = np.zeros(case["shape"], dtype=whole.dtype)
        init.fill(out)
        assert bits(out, kind) == bits(whole, kind)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", V1, ids=[c["name"] for c in V1])
def test_golden_v1(case: dict[str, Any], kind: str) -> None:
    by_name = make(case).with_algorithm("pcg64-block-v1")
    by_number = make(case).with_algorithm(1)
    assert by_name.algorithm == by_number.algorithm == "pcg64-block-v1"
    for init in (by_name, by_number):
        got = init.fill_range(case["shape"], case["offset"], case["count"], DTYPES[kind])
        assert bits(got, kind) == case[kind]


def test_v1_must_be_selected() -> None:
    c = V1[0]
    got = make(c).fill_range(c["shape"], c["offset"], c["count"], "float64")
    assert bits(got, "f64") != c["f64"]
    back = make(c).with_algorithm(1).with_algorithm("splitmix64-ctr-v2")
    assert back.algorithm == vs.DEFAULT_ALGORITHM


def test_derived_seeds_file() -> None:
    """derive_seed / derive_seed_name against tests/data/derived_seeds.txt."""
    n = 0
    for line in (DATA / "derived_seeds.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, base, arg, seed = line.split()
        if kind == "index":
            assert vs.derive_seed(int(base), int(arg)) == int(seed, 16)
        else:
            name = b"" if arg == "-" else bytes.fromhex(arg)
            assert vs.derive_seed_name(int(base), name) == int(seed, 16)
        n += 1
    assert n >= 10
    assert vs.derive_seed_name(5, "kernel") == vs.derive_seed_name(5, b"kernel")
