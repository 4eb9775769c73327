"""The independent Python re-implementation of `splitmix64-ctr-v2`
(reference_v2.py, written from docs/algorithm-v2.md only) against the golden
vectors and against the library.

If these pass, docs/algorithm-v2.md is sufficient to reproduce the library's
default stream bit for bit: both output classes, the three distributions,
range fills at any offset (odd ones split a word or a Box-Muller pair; ones
near 2^40 show that nothing depends on the elements before), explicit fan
axes, the output rules of §7 (subnormal and zero binary32 factors, the "wide"
rule when the binary32 factor overflows), slices of a rank-3 tensor, whole
multi-threaded fills, and every SIMD kernel the CPU has."""

from __future__ import annotations

import json
import math
import os
import random
import struct
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

import reference as R1
import reference_v2 as R2
import vslib
from golden import DATA, KINDS, parse_golden

GOLDEN_V2 = DATA / "golden_vectors_v2.txt"
GOLDEN_CASES = parse_golden(GOLDEN_V2)
WIDTH = {"f64": 16, "f32": 8, "f16": 4, "bf16": 4}
DISTS = (R2.TRUNCATED_NORMAL, R2.UNTRUNCATED_NORMAL, R2.UNIFORM)
DIST_IDS = ("truncated", "untruncated", "uniform")


def _compare(got: list[int], want: list[int], what: str, where=None):
    """got: library (or golden), want: reference."""
    assert len(got) == len(want), f"{what}: {len(got)} values, reference {len(want)}"
    bad = [i for i, (a, b) in enumerate(zip(got, want)) if a != b]
    if bad:
        w = WIDTH.get(what.split()[-1], 16)
        pos = where(bad[0]) if where else bad[0]
        raise AssertionError(f"{what}: element {pos}: library/golden {got[bad[0]]:0{w}x}, reference "
                             f"{want[bad[0]]:0{w}x} ({len(bad)} of {len(want)} differ)")


def _f32_bits(v: float) -> int:
    return struct.unpack("<I", struct.pack("<f", v))[0]


def _to_bits(kind: str, values) -> list[int]:
    if kind == "f64":
        return [R2.f64_to_bits(v) for v in values]
    if kind == "f32":
        return [_f32_bits(v) for v in values]
    return list(values)


# --------------------------------------------------------------- golden vectors

def test_golden_v2_file_is_nontrivial():
    assert len(GOLDEN_CASES) >= 10
    assert {c["dist"] for c in GOLDEN_CASES} == {0, 1, 2}
    assert {c["mode"] for c in GOLDEN_CASES} == {0, 1, 2}
    assert any(c["axes"] for c in GOLDEN_CASES)
    assert any(c["offset"] % 2 for c in GOLDEN_CASES)
    assert any(c["offset"] > 2**40 for c in GOLDEN_CASES)
    # the wide rule of §7: a binary32 factor that overflows
    assert any(math.isinf(R2.to_f32(R1.factor(c["scale"], c["mode"], c["dist"], c["shape"], c["axes"])))
               for c in GOLDEN_CASES)


@pytest.mark.parametrize("case", GOLDEN_CASES, ids=[c["name"] for c in GOLDEN_CASES])
def test_golden_vectors_v2(case):
    got = R2.fill_range_all(case["seed"], case["scale"], case["mode"], case["dist"], case["shape"],
                            case["axes"], case["offset"], case["count"])
    for kind in KINDS:
        _compare(case[kind], got[kind], f"{case['name']} {kind}", lambda i: case["offset"] + i)


def test_golden_v1_and_v2_differ():
    """The two golden files pin different streams (same format, same parser)."""
    v1 = {c["name"]: c for c in parse_golden(DATA / "golden_vectors.txt")}
    common = [c for c in GOLDEN_CASES if c["name"] in v1]
    assert common
    for c in common:
        assert c["f64"] != v1[c["name"]]["f64"]


# ------------------------------------------------ the reference's own tools

def _round_exact(q: Fraction, prec: int, emin: int) -> Fraction:
    """Round-to-nearest-even of an exact rational to a binary format with
    `prec` significand bits and minimum normal exponent `emin` (subnormals
    kept; no overflow handling: the tests stay in range)."""
    if q == 0:
        return Fraction(0)
    sign = -1 if q < 0 else 1
    a = abs(q)
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if Fraction(2) ** e > a:
        e -= 1
    assert Fraction(2) ** e <= a < Fraction(2) ** (e + 1)
    qe = max(e, emin) - (prec - 1)
    scaled = a / Fraction(2) ** qe
    n = scaled.numerator // scaled.denominator
    rem = scaled - n
    if rem > Fraction(1, 2) or (rem == Fraction(1, 2) and n % 2 == 1):
        n += 1
    return sign * n * Fraction(2) ** qe


def _exact_fma(a, b, c, prec, emin) -> float:
    q = Fraction(a) * Fraction(b) + Fraction(c)
    return float(_round_exact(q, prec, emin))


def _same(x: float, y: float) -> bool:
    return x == y and math.copysign(1.0, x) == math.copysign(1.0, y)


def _rand_f32(rng, lo=-20, hi=20):
    m = rng.getrandbits(23) | (1 << 23)
    return (-1) ** rng.getrandbits(1) * math.ldexp(m, rng.randint(lo, hi) - 23)


def test_fma32_is_one_rounding():
    """fma32 against exact rational arithmetic: random operands, near-total
    cancellation, exact ties, ties that a plain binary64 sum would create by
    double rounding, subnormal binary32 results and signed zeros."""
    rng = random.Random(32)
    cases = []
    for _ in range(6000):
        a, b, c = _rand_f32(rng), _rand_f32(rng), _rand_f32(rng)
        cases.append((a, b, c))
        # c = -a*b rounded (or one binary32 ulp off): massive cancellation
        c = -R2.r32(a * b)
        cases.append((a, b, c))
        cases.append((a, b, R2.r32(math.nextafter(c, math.inf) if rng.getrandbits(1) else c * (1 + 2.0 ** -23))))
    for _ in range(4000):  # integers: a*b + c has about 25 bits, half of them exact ties
        a = float(rng.randrange(1 << 12, 1 << 13))
        b = float(rng.randrange(1 << 11, 1 << 12))
        c = float(rng.randrange(-(1 << 23), 1 << 23))
        cases.append((a, b, c))
    one = 1.0 + 2.0 ** -12
    cases += [
        (one, one, 2.0 ** -80), (one, one, -(2.0 ** -80)),  # 1 + 2^-11 + 2^-24 +- tiny: no false tie
        (-one, one, 2.0 ** -80), (one, -one, -(2.0 ** -80)),
        (2.0 ** -75, 2.0 ** -70, 2.0 ** -149), (2.0 ** -75, 2.0 ** -75, 0.0),  # subnormal results
        (1.5 * 2.0 ** -75, 2.0 ** -74, -(2.0 ** -149)),
        (0.0, 5.0, -0.0), (-0.0, 5.0, -0.0), (-0.0, 5.0, 0.0), (0.0, -5.0, -0.0),
        (3.0, 5.0, -15.0), (-3.0, 5.0, 15.0), (-0.0, 1.0, 1.0),
    ]
    for a, b, c in cases:
        assert R2.r32(a) == a and R2.r32(b) == b and R2.r32(c) == c
        got = R2.fma32(a, b, c)
        if a * b + c == 0.0 and Fraction(a) * Fraction(b) + Fraction(c) == 0:
            want = (a * b) + c  # exact zero: Python's binary64 addition has IEEE's sign rules
        else:
            want = _exact_fma(a, b, c, 24, -126)
        assert _same(got, want), (a, b, c, got, want)


def _rand_f64(rng, lo=-60, hi=60):
    m = rng.getrandbits(52) | (1 << 52)
    return (-1) ** rng.getrandbits(1) * math.ldexp(m, rng.randint(lo, hi) - 52)


def test_fma64_is_one_rounding():
    rng = random.Random(64)
    cases = []
    for _ in range(6000):
        a, b, c = _rand_f64(rng), _rand_f64(rng), _rand_f64(rng)
        cases.append((a, b, c))
        cases.append((a, b, -(a * b)))  # the exact product's low part
    for _ in range(3000):  # exact ties: odd integers of 54 bits
        a = float(rng.randrange(1 << 26, 1 << 27) | 1)
        b = float(rng.randrange(1 << 26, 1 << 27) | 1)
        c = float(rng.randrange(-(1 << 52), 1 << 52))
        cases.append((a, b, c))
    one = 1.0 + 2.0 ** -26
    cases += [
        (one, one, 2.0 ** -200), (one, one, -(2.0 ** -200)),
        (2.0 ** -540, 2.0 ** -530, 2.0 ** -1074), (2.0 ** -540, 2.0 ** -540, 0.0),  # subnormal results
        (1.5 * 2.0 ** -540, 2.0 ** -534, -(2.0 ** -1074)),
        (0.0, 5.0, -0.0), (-0.0, 5.0, -0.0), (-0.0, 5.0, 0.0), (0.0, -5.0, -0.0),
        (3.0, 5.0, -15.0), (-3.0, 5.0, 15.0), (-0.0, 1.0, 1.0),
    ]
    for a, b, c in cases:
        got = R2.fma64(a, b, c)
        if Fraction(a) * Fraction(b) + Fraction(c) == 0:
            want = (a * b) + c  # exact zeros (the product is exact in these cases)
        else:
            want = _exact_fma(a, b, c, 53, -1022)
        assert _same(got, want), (a, b, c, got, want)


def test_coefficients_parsed_from_the_page():
    """All of §8, read from docs/algorithm-v2.md at import time."""
    assert set(R2.CONSTANTS) == {"ERF_SQRT2_32", "ERF_SQRT2_64", "LN2_32", "LN2_HI", "LN2_LO"}
    degrees = {name: p.degree for name, p in R2.POLYS.items()}
    assert degrees == {"LOG32_R": 7, "T32": 6, "SIN32": 3, "COS32": 4, "LOG64_Q": 6, "T64": 16,
                       "SIN64": 6, "COS64": 7}
    for p in R2.POLYS.values():
        assert len(p.coeffs) == p.degree + 1
        if p.fmt == "binary32":
            assert all(R2.r32(c) == c for c in p.coeffs)
    assert R2.T32_CENTRE == R2.r32(1.2101) and R2.T64_CENTRE == 1.2101
    # sanity of the values (the accuracy tests check them against mpmath)
    assert abs(R2.SIN64[0] - math.pi / 4) < 1e-16 and R2.COS64[0] == 1.0
    assert R2.LN2_HI == math.log(2)


def test_splitmix_counter_mode():
    """§3: W(key, k) is the (k+1)-th output of SplitMix64 started at key."""
    assert R2.word(0, 0) == 0xE220A8397B1DCDAF  # SplitMix64(0)'s first output
    state = 12345
    for k in range(5):
        state = (state + R2.GAMMA) & R2.MASK64
        assert R2.word(12345, k) == R1.mix64(state)


# --------------------------------------------------------- the library itself

def test_algorithm_names(lib):
    assert lib.algorithm() == "splitmix64-ctr-v2" == R2.NAME
    assert lib.algorithm_name(1) == "pcg64-block-v1"
    assert lib.algorithm_name(2) == "splitmix64-ctr-v2"
    assert lib.algorithm_name(3) is None
    assert lib.algorithm_name(0) is None
    assert lib.isa() in ("portable", "avx2", "avx512")


def test_default_algorithm_and_with_algorithm(lib):
    with lib.initializer(1.0, R2.FAN_IN, R2.TRUNCATED_NORMAL, 9) as init:
        assert init.get_algorithm() == 2
        before = init.fill_range("f64", [100], 0, 100)
        with init.with_algorithm(1) as h1:
            assert h1.get_algorithm() == 1
            v1 = h1.fill_range("f64", [100], 0, 100)
            with h1.with_algorithm(2) as h2:
                assert h2.get_algorithm() == 2
                assert h2.fill_range("f64", [100], 0, 100) == before
        assert init.get_algorithm() == 2
        assert init.fill_range("f64", [100], 0, 100) == before  # init unchanged
        assert v1 != before
        assert _to_bits("f64", v1) == [R1.f64_bits(v) for v in
                                       R1.fill_range(9, 1.0, R2.FAN_IN, R2.TRUNCATED_NORMAL, [100], None, 0, 100)]
        assert _to_bits("f64", before) == R2.fill_range(9, 1.0, R2.FAN_IN, R2.TRUNCATED_NORMAL, [100], None,
                                                        0, 100, "f64")
        for bad in (0, 3, 2**32 - 1):
            with pytest.raises(vslib.VsError, match="status 10"):
                init.with_algorithm(bad)


def _library_bits(init, shape, offset, count, kinds=KINDS) -> dict[str, list[int]]:
    return {k: _to_bits(k, init.fill_range(k, shape, offset, count)) for k in kinds}


def check_against_library(lib, seed, scale, mode, dist, shape, axes, offset, count, kinds=KINDS):
    ref = R2.fill_range_all(seed, scale, mode, dist, shape, axes, offset, count, kinds)
    with lib.initializer(scale, mode, dist, seed, axes) as init:
        assert init.get_algorithm() == 2
        got = _library_bits(init, shape, offset, count, kinds)
    for kind in kinds:
        _compare(got[kind], ref[kind], f"seed {seed} scale {scale} dist {dist} {kind}", lambda i: offset + i)
    return ref


SEEDS = (0, 1, 42, 2**63 + 12345, 2**64 - 1)
NEAR_2_40 = 2**40 - 1501  # odd; the runs cross 2^40
LONG_SHAPE = [2**21, 2**20 + 7]  # 2^41 + 7 * 2^21 elements: room for offsets beyond 2^40
RUNS = {0: 5000, 1001: 3000, NEAR_2_40: 4000}


@pytest.mark.parametrize("offset", tuple(RUNS), ids=("offset0", "odd_offset", "near_2^40"))
@pytest.mark.parametrize("dist", DISTS, ids=DIST_IDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_runs_against_library(lib, seed, dist, offset):
    """Thousands of consecutive values, all four types."""
    mode = seed % 3
    shape = LONG_SHAPE if offset == NEAR_2_40 else ([96, 64] if seed % 2 else [8, 8, 16, 8])
    check_against_library(lib, seed, 1.0 + (seed % 5), mode, dist, shape, None, offset, RUNS[offset])


@pytest.mark.parametrize("axes,shape", [
    (([1, 2, 3], [0, 2, 3]), [64, 32, 3, 3]),        # PyTorch conv layout
    (([-3, -2, -1], [0, -2, -1]), [64, 32, 3, 3]),   # the same with negative axes
    (([], []), [50, 40]),                            # empty lists: fan 1
    (([0], [-1]), [30, 20, 10]),
    (([1, 1], [0]), [60, 50]),                       # repeated axis: its dim counted twice
])
@pytest.mark.parametrize("mode", (R2.FAN_IN, R2.FAN_OUT, R2.FAN_AVG))
def test_explicit_axes_against_library(lib, axes, shape, mode):
    for dist in DISTS:
        check_against_library(lib, 5, 1.0, mode, dist, shape, axes, 999, 64)


@pytest.mark.parametrize("axes,shape", [(([2], [0]), [6, 5]), (([0], [-3]), [6, 5]), (([0], []), [])])
def test_out_of_range_axes_are_errors(lib, axes, shape):
    with pytest.raises(ValueError):
        R2.fill_range(5, 1.0, R2.FAN_IN, R2.UNIFORM, shape, axes, 0, 1, "f64")
    with lib.initializer(1.0, R2.FAN_IN, R2.UNIFORM, 5, axes) as init:
        with pytest.raises(vslib.VsError, match="status 6"):
            init.fill_range("f64", shape, 0, 1)


@pytest.mark.parametrize("dist", DISTS, ids=DIST_IDS)
def test_subnormal_and_zero_f32_factor(lib, dist):
    """scale 1e-80 with fan 1: the binary32 factor (about 1e-40) is subnormal,
    so are the f32 values (f16 and bf16 are 0 or tiny); scale 1e-100: the
    factor rounds to binary32 zero, every f32 value is a signed zero."""
    ref = check_against_library(lib, 77, 1e-80, R2.FAN_IN, dist, [1, 4096], None, 1, 1500)
    sub = [b for b in ref["f32"] if b & 0x7F800000 == 0 and b & 0x7FFFFF]
    assert len(sub) > 1400
    ref = check_against_library(lib, 78, 1e-100, R2.FAN_IN, dist, [1, 4096], None, 0, 500)
    assert all(b & 0x7FFFFFFF == 0 for b in ref["f32"])
    assert {b >> 31 for b in ref["f32"]} == {0, 1}
    assert all(b != 0 for b in ref["f64"])


@pytest.mark.parametrize("dist", DISTS, ids=DIST_IDS)
def test_wide_rule_when_f32_factor_overflows(lib, dist):
    """§7: scale 1e78 (fan 1) makes the factor about 1e39 > FLT_MAX; the f32
    values are then f32(z * factor) in binary64, so those with small |z| stay
    finite (a plain z * inf would make every one infinite)."""
    fac = R1.factor(1e78, R2.FAN_IN, dist, [1, 4096])
    assert math.isinf(R2.to_f32(fac))
    ref = check_against_library(lib, 81, 1e78, R2.FAN_IN, dist, [1, 4096], None, 3, 1500)
    inf = sum(1 for b in ref["f32"] if b & 0x7FFFFFFF == 0x7F800000)
    assert 100 < inf < 1400, inf
    # just above FLT_MAX but still rounding to it: F finite, the normal rule
    flt_max = R2.f32_from_bits(0x7F7FFFFF)
    scale = math.nextafter(flt_max, math.inf) ** 2
    assert not math.isinf(R2.to_f32(R1.factor(scale, R2.FAN_IN, R2.UNTRUNCATED_NORMAL, [1, 1000])))
    check_against_library(lib, 82, scale, R2.FAN_IN, R2.UNTRUNCATED_NORMAL, [1, 1000], None, 0, 1000)


def test_value_ranges_of_section_7(lib):
    """§7: uniform values in [-F, F), truncated normals strictly inside
    (-2F, 2F) (binary32; binary64 with the factor). True for a normal F; for a
    subnormal F the binary32 product z * F rounds on the coarse subnormal grid
    and does reach F and 2F (the page does not say so; the library agrees with
    the reference there too)."""
    for dist, bound in ((R2.UNIFORM, 1.0), (R2.TRUNCATED_NORMAL, 2.0)):
        ref = check_against_library(lib, 8, 1.0, R2.FAN_IN, dist, [1, 4096], None, 0, 2000, ("f64", "f32"))
        fac = R1.factor(1.0, R2.FAN_IN, dist, [1, 4096])
        F = R2.to_f32(fac)
        v32 = [R2.f32_from_bits(b) for b in ref["f32"]]
        v64 = [R2.f64_from_bits(b) for b in ref["f64"]]
        if dist == R2.UNIFORM:
            assert all(-F <= v < F for v in v32) and all(-fac <= v < fac for v in v64)
        else:
            assert all(-2 * F < v < 2 * F for v in v32) and all(-2 * fac < v < 2 * fac for v in v64)
    q = 2.0 ** -149  # the smallest binary32 subnormal
    axes = ([], [])
    for dist, scale, F, limit in ((R2.UNIFORM, (3 * q) ** 2 / 3, 3 * q, 3 * q),
                                  (R2.TRUNCATED_NORMAL, (2 * q * R2.TRUNCATED_STDDEV) ** 2, 2 * q, 4 * q)):
        assert R2.to_f32(R1.factor(scale, R2.FAN_IN, dist, [4096], axes)) == F
        ref = check_against_library(lib, 3, scale, R2.FAN_IN, dist, [4096], axes, 0, 4096, ("f32",))
        top = max(abs(R2.f32_from_bits(b)) for b in ref["f32"])
        assert top == limit  # |value| reaches F (uniform) or 2F (truncated)


def test_box_muller_radius_zero(lib):
    """§5.3 with v = 1 (a >> 1 >= 2^31 - 64, one pair in 2^25): -k is -0.0 in
    neg_ln32, so w = -0, the radius sqrt(-0) = -0 and both values are zeros
    whose signs are the opposite of cos and sin. Words found by scanning."""
    for seed, j, signs in ((0, 11075690, (0, 0)), (0, 28017530, (1, 1)), (1, 49509769, (1, 0))):
        w = R2.word(R2.key(seed, R2.UNTRUNCATED_NORMAL, R2.CLASS32), j)
        assert R2.bm32_v(w & R2.MASK32) == 1.0
        ref = check_against_library(lib, seed, 1.0, R2.FAN_IN, R2.UNTRUNCATED_NORMAL, [2**27], None,
                                    2 * j - 1, 4)
        assert (ref["f32"][1] >> 31, ref["f32"][2] >> 31) == signs
        assert ref["f32"][1] & 0x7FFFFFFF == 0 and ref["f32"][2] & 0x7FFFFFFF == 0


def test_extreme_inputs_of_the_standard_values():
    """The per-word functions at the ends of their grids give the extremes
    the page states (§5.1-§6.3)."""
    assert R2.uniform32(0) == -1.0 and R2.uniform32(R2.MASK32) == 1.0 - 2.0 ** -23
    assert R2.uniform64(0) == -1.0 and R2.uniform64(R2.MASK64) == 1.0 - 2.0 ** -51
    # §5.2 says the largest truncated binary32 value is 1.99999940 (2 - 5 ulp,
    # 0x3ffffffb); the top input gives 0x3ffffffa (2 - 6 ulp), the largest of
    # the top 2^16 inputs, and the library agrees (test below).
    top32 = R2.trunc32(0x7FFFFFFF)
    assert R2.f32_to_bits(top32) == 0x3FFFFFFA
    assert R2.trunc32(0xFFFFFFFF) == -top32
    # §6.2 says 2 - 6.7e-16 (2 - 3 ulp); the top input gives 2 - 4 ulp.
    top64 = R2.trunc64(R2.MASK64 >> 1)
    assert top64 == 2.0 - 4 * 2.0 ** -52
    assert R2.bm32_radius(0) == R2.r32(math.sqrt(64 * math.log(2)))
    assert abs(R2.bm64_radius(0) - math.sqrt(106 * math.log(2))) < 1e-15
    assert R2.f32_to_bits(R2.bm32_radius(R2.MASK32)) == 0x80000000  # v = 1: -0, see above


def test_truncated32_top_input_against_library(lib):
    """Elements whose 23 bits are all ones (found by scanning the words): the
    largest truncated binary32 value, 0x3ffffffa, with factor exactly 1."""
    scale, axes = R2.TRUNCATED_STDDEV ** 2, ([], [])
    assert R1.factor(scale, R2.FAN_IN, R2.TRUNCATED_NORMAL, [1 << 27], axes) == 1.0
    for seed, i, bits in ((0, 8031375, 0x3FFFFFFA), (0, 7330999, 0xBFFFFFFA), (0, 3173893, 0x3FFFFFF0)):
        ref = check_against_library(lib, seed, scale, R2.FAN_IN, R2.TRUNCATED_NORMAL, [1 << 27], axes, i, 1)
        assert ref["f32"] == [bits]


# ---------------------------------------------------------------- slices

SLICE_SHAPE = [7, 9, 11]
SLICES = [
    ([0, 0, 0], [7, 9, 11]),   # the whole tensor
    ([1, 2, 3], [3, 4, 5]),    # odd starts and extents: pairs and words split at every row
    ([6, 8, 10], [1, 1, 1]),   # the last element
    ([0, 3, 1], [7, 1, 9]),
    ([2, 0, 0], [0, 9, 11]),   # empty
    ([3, 5, 0], [2, 2, 11]),
]


@pytest.mark.parametrize("dist", DISTS, ids=DIST_IDS)
def test_slices_against_reference(lib, dist):
    with lib.initializer(2.0, R2.FAN_AVG, dist, 31337) as init:
        whole = {k: _to_bits(k, init.fill(k, SLICE_SHAPE)) for k in KINDS}
        for start, extent in SLICES:
            idx = R2.slice_indices(SLICE_SHAPE, start, extent)
            ref = R2.fill_indices_all(31337, 2.0, R2.FAN_AVG, dist, SLICE_SHAPE, None, idx)
            for kind in KINDS:
                got = _to_bits(kind, init.fill_slice(kind, SLICE_SHAPE, start, extent))
                _compare(got, ref[kind], f"slice {start}+{extent} {kind}")
                _compare([whole[kind][i] for i in idx], ref[kind], f"whole fill at {start}+{extent} {kind}")


def test_far_slice_against_reference(lib):
    """A box deep inside a tensor of 2^42 elements: only the box is computed."""
    shape = [2**21, 2**20, 4]
    start, extent = [2**20 + 3, 12345, 1], [3, 5, 3]
    idx = R2.slice_indices(shape, start, extent)
    for dist in DISTS:
        ref = R2.fill_indices_all(4, 1.0, R2.FAN_IN, dist, shape, None, idx)
        with lib.initializer(1.0, R2.FAN_IN, dist, 4) as init:
            for kind in KINDS:
                _compare(_to_bits(kind, init.fill_slice(kind, shape, start, extent)), ref[kind],
                         f"far slice dist {dist} {kind}")


def test_slice_errors(lib):
    with lib.initializer(1.0, R2.FAN_IN, R2.UNIFORM, 1) as init:
        with pytest.raises(vslib.VsError, match="status 6"):
            init.fill_slice("f32", SLICE_SHAPE, [5, 0, 0], [3, 1, 1])
        with pytest.raises(vslib.VsError, match="status 6"):
            init.fill_slice("f32", SLICE_SHAPE, [-1, 0, 0], [1, 1, 1])


# ----------------------------------------- whole (threaded, non-temporal) fills

@pytest.mark.parametrize("dist", DISTS, ids=DIST_IDS)
def test_large_whole_fill_sampled(lib, dist):
    """vs_fill_* of 2^21 + 3 elements (split over threads, non-temporal
    stores): a random sample of elements and the ends, against the reference."""
    n = 2**21 + 3
    shape = [n]
    rng = random.Random(dist)
    idx = sorted(set([0, 1, 2, n - 3, n - 2, n - 1, n // 2, n // 2 + 1] + [rng.randrange(n) for _ in range(600)]))
    ref = R2.fill_indices_all(606, 1.0, R2.FAN_OUT, dist, shape, None, idx)
    with lib.initializer(1.0, R2.FAN_OUT, dist, 606) as init:
        for kind in KINDS:
            buf = init.fill(kind, shape)
            got = [buf[i] for i in idx]
            _compare(_to_bits(kind, got), ref[kind], f"whole fill {kind}", lambda i: idx[i])


# ------------------------------------------------------------ every SIMD kernel

_ISA_SCRIPT = r"""
import json, struct, sys
sys.path.insert(0, sys.argv[1])
import vslib
lib = vslib.load()
out = {"isa": lib.isa(), "runs": []}
for seed, dist, offset, count in json.loads(sys.argv[2]):
    with lib.initializer(1.0, 0, dist, seed) as init:
        run = {}
        for kind in ("f64", "f32", "f16", "bf16"):
            v = init.fill_range(kind, [1 << 40], offset, count)
            if kind == "f64":
                v = [struct.unpack("<Q", struct.pack("<d", x))[0] for x in v]
            elif kind == "f32":
                v = [struct.unpack("<I", struct.pack("<f", x))[0] for x in v]
            run[kind] = v
        out["runs"].append(run)
print(json.dumps(out))
"""

ISA_RUNS = [(seed, dist, offset, count) for seed, offset, count in ((3, 0, 203), (2**64 - 2, 12347, 133))
            for dist in DISTS]
_ISA_REF = {}


@pytest.mark.parametrize("isa", ("portable", "avx2", "avx512"))
def test_every_kernel_against_reference(lib, isa):
    """VS_MAX_ISA caps the kernel (chosen once per process, so each level runs
    in its own process); odd lengths and offsets leave partial SIMD vectors."""
    env = dict(os.environ, VS_MAX_ISA=isa, VS_LIB=str(vslib.library_path()))
    res = subprocess.run([sys.executable, "-c", _ISA_SCRIPT, str(Path(__file__).parent), json.dumps(ISA_RUNS)],
                         env=env, capture_output=True, text=True, check=True)
    out = json.loads(res.stdout)
    if out["isa"] != isa:
        pytest.skip(f"the CPU does not run {isa} (got {out['isa']})")
    for (seed, dist, offset, count), run in zip(ISA_RUNS, out["runs"]):
        key = (seed, dist, offset, count)
        if key not in _ISA_REF:
            _ISA_REF[key] = R2.fill_range_all(seed, 1.0, 0, dist, [1 << 40], None, offset, count)
        for kind in KINDS:
            _compare(run[kind], _ISA_REF[key][kind], f"{isa} seed {seed} dist {dist} {kind}",
                     lambda i: offset + i)
