"""The library's narrowing conversions against numpy, for both algorithms.

Through the C ABI, each tensor is filled four times (f64, f32, f16, bf16).

`pcg64-block-v1` (selected with vs_with_algorithm(h, 1)): every type is
rounded from the binary64 values, so f32 == the f64 array .astype(float32);
f16 == the f32 array .astype(float16) (numpy rounds to nearest-even, keeps
subnormals, overflows to inf; not f64.astype(float16), which differs by
double rounding in some cases); bf16 == round-to-nearest-even of the f32
bits (integer arithmetic; also ml_dtypes.bfloat16 when installed).

`splitmix64-ctr-v2` (the default): f32, f16 and bf16 share one binary32
stream and f64 has its own, so only f16 == f32.astype(float16) and
bf16 == round(f32) (and ml_dtypes) hold; f32 is not f64.astype(float32)
(checked: the streams differ). The f32 values themselves are checked on a
sample against reference_v2.py (§7 of docs/algorithm-v2.md, including the
"wide" rule when the binary32 factor overflows).

Scales are chosen so that f16 values are subnormal (1e-9, 1e-12), straddle
the f16 maximum 65504 and overflow (1e9, 1e12 with fan 1), and f32 values
are subnormal (1e-80) or overflow (1e77, 1e78)."""

from __future__ import annotations

import math

import pytest

np = pytest.importorskip("numpy")

import reference as R  # noqa: E402
import reference_v2 as R2  # noqa: E402

CASES = [
    # name, seed, scale, mode, dist, shape
    ("he_normal", 42, 2.0, R.FAN_IN, R.TRUNCATED_NORMAL, [3, 3, 64, 64]),
    ("glorot_uniform", 0, 1.0, R.FAN_AVG, R.UNIFORM, [784, 100]),
    ("untruncated_unit", 7, 1.0, R.FAN_IN, R.UNTRUNCATED_NORMAL, [1, 65536]),
    ("subnormal_f16_1e-9", 11, 1e-9, R.FAN_IN, R.UNTRUNCATED_NORMAL, [256, 256]),
    ("subnormal_f16_1e-9_fan1", 12, 1e-9, R.FAN_IN, R.TRUNCATED_NORMAL, [1, 65536]),
    ("subnormal_f16_1e-12_fan1", 13, 1e-12, R.FAN_IN, R.UNTRUNCATED_NORMAL, [1, 65536]),
    ("underflow_f16_1e-12", 14, 1e-12, R.FAN_OUT, R.UNIFORM, [65536, 1]),
    ("near_f16_max_1e9_fan1", 15, 1e9, R.FAN_IN, R.UNTRUNCATED_NORMAL, [1, 65536]),
    ("overflow_f16_1e12_fan1", 16, 1e12, R.FAN_IN, R.UNTRUNCATED_NORMAL, [1, 65536]),
    ("overflow_f16_uniform_1e12", 17, 1e12, R.FAN_IN, R.UNIFORM, [1, 65536]),
    ("huge_1e30", 18, 1e30, R.FAN_IN, R.TRUNCATED_NORMAL, [1, 4096]),
    ("f32_overflow_1e77_fan1", 20, 1e77, R.FAN_IN, R.UNTRUNCATED_NORMAL, [1, 65536]),
    ("tiny_1e-30", 19, 1e-30, R.FAN_IN, R.TRUNCATED_NORMAL, [1, 4096]),
    ("f32_subnormal_1e-80_fan1", 21, 1e-80, R.FAN_IN, R.UNIFORM, [1, 65536]),
]

COVERAGE: dict[str, int] = {}


def _fill_all(lib, seed, scale, mode, dist, shape, algorithm=1):
    with lib.initializer(scale, mode, dist, seed, algorithm=algorithm) as init:
        assert init.get_algorithm() == algorithm
        f64 = np.ctypeslib.as_array(init.fill("f64", shape)).copy()
        f32 = np.ctypeslib.as_array(init.fill("f32", shape)).copy()
        f16 = np.ctypeslib.as_array(init.fill("f16", shape)).copy()
        bf16 = np.ctypeslib.as_array(init.fill("bf16", shape)).copy()
    assert f64.dtype == np.float64 and f32.dtype == np.float32
    assert f16.dtype == np.uint16 and bf16.dtype == np.uint16
    return f64, f32, f16, bf16


def _first_mismatch(what, inputs_hex, got, want):
    idx = np.flatnonzero(got != want)
    if idx.size == 0:
        return None
    i = int(idx[0])
    return (f"{what}: {idx.size} of {got.size} differ; first at element {i}: input bits {inputs_hex(i)}, "
            f"library {int(got[i]):x}, numpy {int(want[i]):x}")


def bf16_rne(f32_bits):
    """Round-to-nearest-even of binary32 bits to bfloat16 (NaN kept quiet)."""
    b = f32_bits.astype(np.uint64)
    rounded = ((b + 0x7FFF + ((b >> 16) & 1)) >> 16).astype(np.uint16)
    nan = (f32_bits & 0x7FFFFFFF) > 0x7F800000
    return np.where(nan, ((f32_bits >> 16) | 0x0040).astype(np.uint16), rounded)


@pytest.mark.parametrize("name,seed,scale,mode,dist,shape", CASES, ids=[c[0] for c in CASES])
def test_rounding_matches_numpy(lib, name, seed, scale, mode, dist, shape):
    """pcg64-block-v1: f32 = round(f64), f16 and bf16 = round(f32)."""
    f64, f32, f16, bf16 = _fill_all(lib, seed, scale, mode, dist, shape, algorithm=1)
    f64_bits = f64.view(np.uint64)
    f32_bits = f32.view(np.uint32)

    # f32 from f64
    with np.errstate(over="ignore"):
        want32 = f64.astype(np.float32).view(np.uint32)
    err = _first_mismatch("f32", lambda i: f"f64 {int(f64_bits[i]):016x}", f32_bits, want32)
    assert err is None, err

    # f16 from the f32 value (not from the f64)
    with np.errstate(over="ignore"):
        want16 = f32.astype(np.float16).view(np.uint16)
        direct16 = f64.astype(np.float16).view(np.uint16)
    err = _first_mismatch("f16", lambda i: f"f32 {int(f32_bits[i]):08x} (f64 {int(f64_bits[i]):016x})",
                          f16, want16)
    assert err is None, err

    # bf16 from the f32 value
    wantbf = bf16_rne(f32_bits)
    err = _first_mismatch("bf16", lambda i: f"f32 {int(f32_bits[i]):08x}", bf16, wantbf)
    assert err is None, err

    # The reference's scalar rounding agrees too (on a sample).
    for i in range(0, f64.size, max(1, f64.size // 512)):
        x = float(f64[i])
        assert R.to_f32_bits(x) == int(f32_bits[i])
        assert R.to_f16_bits(x) == int(f16[i])
        assert R.to_bf16_bits(x) == int(bf16[i])

    # What the tensor exercised (summed over the cases, checked below).
    exp16 = (f16 >> 10) & 0x1F
    mant32 = f32_bits & 0x1FFF
    normal16 = (exp16 > 0) & (exp16 < 31)
    cov = {
        "f16_subnormal": int(np.count_nonzero((exp16 == 0) & ((f16 & 0x3FF) != 0))),
        "f16_zero_from_nonzero": int(np.count_nonzero(((f16 & 0x7FFF) == 0) & (f64 != 0))),
        "f16_inf": int(np.count_nonzero((f16 & 0x7FFF) == 0x7C00)),
        "f16_max": int(np.count_nonzero((f16 & 0x7FFF) == 0x7BFF)),
        "f16_ties": int(np.count_nonzero(normal16 & (mant32 == 0x1000))),
        "f16_double_rounding_visible": int(np.count_nonzero(direct16 != want16)),
        "bf16_ties": int(np.count_nonzero((f32_bits & 0xFFFF) == 0x8000)),
        "bf16_inf": int(np.count_nonzero((bf16 & 0x7FFF) == 0x7F80)),
        "f32_inf": int(np.count_nonzero((f32_bits & 0x7FFFFFFF) == 0x7F800000)),
        "f32_subnormal": int(np.count_nonzero(((f32_bits & 0x7F800000) == 0) & ((f32_bits & 0x7FFFFF) != 0))),
    }
    for k, v in cov.items():
        COVERAGE[k] = COVERAGE.get(k, 0) + v


def test_rounding_cases_covered_the_edges():
    """Runs after the cases above (pytest keeps file order)."""
    if len(COVERAGE) == 0:
        pytest.skip("the rounding cases did not run")
    for key in ("f16_subnormal", "f16_zero_from_nonzero", "f16_inf", "f16_max", "f16_ties", "bf16_ties",
                "bf16_inf", "f32_inf", "f32_subnormal", "f16_double_rounding_visible"):
        assert COVERAGE[key] > 0, (key, COVERAGE)


def test_bf16_matches_ml_dtypes(lib):
    ml_dtypes = pytest.importorskip("ml_dtypes")
    for algorithm in (1, 2):
        for _name, seed, scale, mode, dist, shape in CASES + CASES_V2_EXTRA:
            _, f32, _, bf16 = _fill_all(lib, seed, scale, mode, dist, shape, algorithm)
            want = f32.astype(ml_dtypes.bfloat16).view(np.uint16)
            assert np.array_equal(bf16, want), (algorithm, _name)


# ------------------------------------------------------------- splitmix64-ctr-v2

CASES_V2_EXTRA = [
    ("wide_f32_1e78_fan1", 22, 1e78, R.FAN_IN, R.UNTRUNCATED_NORMAL, [1, 65536]),
    ("wide_f32_uniform_1e78_fan1", 23, 1e78, R.FAN_IN, R.UNIFORM, [1, 4096]),
]
COVERAGE_V2: dict[str, int] = {}


@pytest.mark.parametrize("name,seed,scale,mode,dist,shape", CASES + CASES_V2_EXTRA,
                         ids=[c[0] for c in CASES + CASES_V2_EXTRA])
def test_v2_rounding_matches_numpy(lib, name, seed, scale, mode, dist, shape):
    """splitmix64-ctr-v2: f16 and bf16 = round(f32); f64 a separate stream;
    f32 = the reference's §7 values on a sample."""
    f64, f32, f16, bf16 = _fill_all(lib, seed, scale, mode, dist, shape, algorithm=2)
    f32_bits = f32.view(np.uint32)

    with np.errstate(over="ignore"):
        want16 = f32.astype(np.float16).view(np.uint16)
        from_f64 = f64.astype(np.float32).view(np.uint32)
    err = _first_mismatch("f16", lambda i: f"f32 {int(f32_bits[i]):08x}", f16, want16)
    assert err is None, err
    err = _first_mismatch("bf16", lambda i: f"f32 {int(f32_bits[i]):08x}", bf16, bf16_rne(f32_bits))
    assert err is None, err
    # separate streams: (float)f64[i] is not f32[i] (unless both are zeros or infinities)
    finite_nonzero = np.isfinite(f32) & (f32 != 0)
    if np.any(finite_nonzero):
        assert np.mean(from_f64[finite_nonzero] == f32_bits[finite_nonzero]) < 0.01

    # f32 (and so f16, bf16) against the reference, on a sample of elements
    n = f32.size
    idx = sorted(set(range(0, n, max(1, n // 200))) | {n - 1})
    ref = R2.fill_indices_all(seed, scale, mode, dist, shape, None, idx, ("f32",))["f32"]
    got = [int(f32_bits[i]) for i in idx]
    assert got == ref, next((idx[k], hex(a), hex(b)) for k, (a, b) in enumerate(zip(got, ref)) if a != b)

    exp16 = (f16 >> 10) & 0x1F
    mant32 = f32_bits & 0x1FFF
    normal16 = (exp16 > 0) & (exp16 < 31)
    cov = {
        "f16_subnormal": int(np.count_nonzero((exp16 == 0) & ((f16 & 0x3FF) != 0))),
        "f16_zero_from_nonzero": int(np.count_nonzero(((f16 & 0x7FFF) == 0) & (f32 != 0))),
        "f16_inf": int(np.count_nonzero((f16 & 0x7FFF) == 0x7C00)),
        "f16_max": int(np.count_nonzero((f16 & 0x7FFF) == 0x7BFF)),
        "f16_ties": int(np.count_nonzero(normal16 & (mant32 == 0x1000))),
        "bf16_ties": int(np.count_nonzero((f32_bits & 0xFFFF) == 0x8000)),
        "bf16_inf": int(np.count_nonzero((bf16 & 0x7FFF) == 0x7F80)),
        "f32_inf": int(np.count_nonzero((f32_bits & 0x7FFFFFFF) == 0x7F800000)),
        "f32_finite_with_inf_factor": int(np.count_nonzero(np.isfinite(f32)))
        if math.isinf(R2.to_f32(R.factor(scale, mode, dist, shape))) else 0,
        "f32_subnormal": int(np.count_nonzero(((f32_bits & 0x7F800000) == 0) & ((f32_bits & 0x7FFFFF) != 0))),
    }
    for k, v in cov.items():
        COVERAGE_V2[k] = COVERAGE_V2.get(k, 0) + v


def test_v2_rounding_cases_covered_the_edges():
    """Runs after the v2 cases above (pytest keeps file order)."""
    if len(COVERAGE_V2) == 0:
        pytest.skip("the v2 rounding cases did not run")
    for key in ("f16_subnormal", "f16_zero_from_nonzero", "f16_inf", "f16_max", "f16_ties", "bf16_ties",
                "bf16_inf", "f32_inf", "f32_finite_with_inf_factor", "f32_subnormal"):
        assert COVERAGE_V2[key] > 0, (key, COVERAGE_V2)
