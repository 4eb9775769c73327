"""Accuracy of `splitmix64-ctr-v2`'s standard values against mpmath.

The values come from reference_v2.py (bit-identical to the library: see
test_reference_v2.py); the exact functions from mpmath at 40 digits, at the
exact input the algorithm forms (the rounded binary32/binary64 `x`, `v`,
`odd53(a)` and angle), so the figures are the error of the evaluation alone.
Errors are in ulps of the exact result in the output format (binary32 ulp
2^(e-23), binary64 ulp 2^(e-52) for a result in [2^e, 2^(e+1))).

Inputs: 3000 per pipeline (1000 for the binary64 ones): the 500 smallest
and the 500 largest grid points (the ends of the ranges: x near 0 and near
erf(sqrt 2), v = 2^-32 and v near 1, angles at every octant boundary) and
random ones in between.

Measured maxima (Python 3.11, mpmath 1.3; recorded when this file was
written; the test prints them again with -s):

| pipeline                                         | max error   | tolerance |
|--------------------------------------------------|-------------|-----------|
| binary32 -ln(t) (neg_ln32, t = fma(-x, x, 1))    | 0.74 ulp    | 2 ulp     |
| binary32 truncated normal vs sqrt(2) erfinv(x)   | 1.53 ulp    | 3 ulp     |
| binary32 Box-Muller radius vs sqrt(-2 ln v)      | 1.04 ulp    | 2 ulp     |
| binary32 circle (cos, sin) vs the exact angle    | 1.01 ulp    | 2 ulp     |
| binary64 -ln(t) (neg_ln64)                       | 0.52 ulp    | 1 ulp     |
| binary64 truncated normal vs sqrt(2) erfinv(x)   | 1.13 ulp    | 2 ulp     |
| binary64 Box-Muller radius vs sqrt(-2 ln v)      | 0.64 ulp    | 1.5 ulp   |
| binary64 circle (cos, sin) vs the exact angle    | 0.82 ulp    | 1.5 ulp   |

The fitted errors printed in docs/algorithm-v2.md §8 are reproduced too
(`test_fitted_errors_are_the_pages`): each polynomial, evaluated exactly
with its binary coefficients, against the function it approximates on its
interval (LOG32_R: (log1p(f) - f) / f^2; T32/T64: G(w) = sqrt(2) erfinv(x)
/ x with x = sqrt(1 - e^-w); SIN: sin(pi/4 sqrt u) / sqrt u; COS:
cos(pi/4 sqrt u); LOG64_Q: Q(z) = R / z with R the remainder of FreeBSD's
log, R = (2 atanh(s) - f + f^2/2) / s - f^2/2, f = 2s / (1 - s), s = sqrt z):
measured 3.28e-7, 6.49e-8, 3.54e-8, 9.47e-9, 4.66e-16, 2.32e-17, 3.9e-17,
2.12e-17, as printed.

Why these tolerances. A pipeline's error is (a) the polynomial's relative
fit error, (b) the rounding of each Horner step (with fma, about half an
ulp of the running value each, damped by the small argument), (c) the
error of the logarithm feeding it, times the sensitivity of the result to
w, and (d) the final rounding (0.5 ulp). In ulps of the result, a relative
error e is between e / 2^-24 and e / 2^-23 ulps (binary32) or e / 2^-53 and
e / 2^-52 (binary64).

- binary32 truncated normal: (a) 6.5e-8 relative is up to 1.1 ulp; (c) the
  logarithm's 0.75 ulp of w moves G(w) by w G'(w)/G(w) <= 0.35 of that
  (relative), about 0.3 ulp; (b)+(d) about 1 ulp: bound 3 ulp. binary64:
  (a) 2.3e-17 is 0.2 ulp, the rest as above: bound 2 ulp.
- Box-Muller radius: sqrt halves the relative error of w + w (log: <= 1
  ulp with the final fma), plus the sqrt's own 0.5 ulp: < 1.5 ulp, 2 ulp
  for binary32 (whose log is an 8-term polynomial of fit error 0.3 ulp).
- circle: one polynomial of fit error 0.6 ulp (SIN32) / 0.16 ulp (COS32),
  the multiplication by g and the rounding of g^2 (0.5 ulp of zz, damped by
  the small higher coefficients): < 2 ulp binary32, < 1.5 ulp binary64.
- the logarithms: 2 ulp / 1 ulp (the final fma rounds once; the rest is
  the fit error (0.5 ulp binary32), and FreeBSD's scheme for binary64,
  documented below 1 ulp).

The binary32 truncated normal's bound also matters for §5.2's claim that
every value is below 2: its largest value is 2 - 6 ulp.
"""

from __future__ import annotations

import random

import pytest

mp = pytest.importorskip("mpmath")

import reference_v2 as R2  # noqa: E402

mp.mp.dps = 40
N32 = 3000
N64 = 1000
MEASURED: dict[str, float] = {}


def _ulp(y, prec: int) -> "mp.mpf":
    """ulp of the exact (nonzero, normal) y in a format with `prec` bits."""
    e = int(mp.floor(mp.log(abs(y), 2)))
    if mp.mpf(2) ** e > abs(y):  # guard the floor of an inexact log2
        e -= 1
    elif mp.mpf(2) ** (e + 1) <= abs(y):
        e += 1
    return mp.mpf(2) ** (e - prec + 1)


def _ulps(got: float, exact, prec: int) -> float:
    if exact == 0:
        assert got == 0
        return 0.0
    return float(abs(mp.mpf(got) - exact) / _ulp(exact, prec))


def _grid(bits: int, n: int, seed: int) -> list[int]:
    """n integers of `bits` bits: the 500 smallest, the 500 largest, random."""
    top = 1 << bits
    ends = list(range(500)) + list(range(top - 500, top))
    rng = random.Random(seed)
    return ends + [rng.randrange(500, top - 500) for _ in range(n - len(ends))]


def _record(name: str, errs: list[float], tol: float):
    worst = max(errs)
    MEASURED[name] = worst
    print(f"\n{name}: max {worst:.3f} ulp over {len(errs)} inputs (tolerance {tol})")
    assert worst <= tol, (name, worst)


SQRT2 = mp.sqrt(2)


def test_truncated32_vs_erfinv():
    errs, log_errs = [], []
    for m in _grid(23, N32, 1):
        x = R2.trunc32_x(m)
        t = R2.fma32(-x, x, 1.0)
        log_errs.append(_ulps(R2.neg_ln32(t), -mp.log(mp.mpf(t)), 24) if t != 1.0 else 0.0)
        z = R2.trunc32(m)
        errs.append(_ulps(z, SQRT2 * mp.erfinv(mp.mpf(x)), 24))
        assert 0 < z < 2
    _record("neg_ln32", log_errs, 2.0)
    _record("truncated32", errs, 3.0)


def test_truncated64_vs_erfinv():
    errs, log_errs = [], []
    for m in _grid(52, N64, 2):
        x = R2.trunc64_x(m)
        t = R2.fma64(-x, x, 1.0)
        log_errs.append(_ulps(R2.neg_ln64(t), -mp.log(mp.mpf(t)), 53) if t != 1.0 else 0.0)
        z = R2.trunc64(m)
        errs.append(_ulps(z, SQRT2 * mp.erfinv(mp.mpf(x)), 53))
        assert 0 < z < 2
    _record("neg_ln64", log_errs, 1.0)
    _record("truncated64", errs, 2.0)


def test_box_muller32_radius():
    errs = []
    for h in _grid(31, N32, 3):
        a = h << 1 | (h & 1)  # the radius uses a >> 1; the dropped bit is arbitrary
        v = R2.bm32_v(a)
        assert 0 < v <= 1
        errs.append(_ulps(R2.bm32_radius(a), mp.sqrt(-2 * mp.log(mp.mpf(v))), 24))
    _record("radius32", errs, 2.0)


def test_box_muller64_radius():
    errs = []
    for m in _grid(52, N64, 4):
        v = R2.odd53(m)
        errs.append(_ulps(R2.bm64_radius(m), mp.sqrt(-2 * mp.log(mp.mpf(v))), 53))
    _record("radius64", errs, 1.5)


def _circle_inputs(frac_bits: int, octant_shift: int, n: int, seed: int) -> list[int]:
    """Words b: in every octant, the 40 smallest and 40 largest fractions
    (the octant boundaries), the rest random (unused bits random too)."""
    rng = random.Random(seed)
    width = octant_shift + 3
    top = 1 << frac_bits
    out = []
    for o in range(8):
        for frac in list(range(40)) + list(range(top - 40, top)):
            unused = rng.getrandbits(octant_shift - frac_bits) << frac_bits
            out.append(o << octant_shift | unused | frac)
    out += [rng.getrandbits(width) for _ in range(n - len(out))]
    return out


def _circle_errors(circle, b: int, frac_bits: int, octant_shift: int, prec: int) -> list[float]:
    o = b >> octant_shift
    frac = b & ((1 << frac_bits) - 1)
    theta = (o + mp.mpf(2 * frac + 1) / mp.mpf(2) ** (frac_bits + 1)) * mp.pi / 4  # the exact angle
    c, s = circle(b)
    return [_ulps(c, mp.cos(theta), prec), _ulps(s, mp.sin(theta), prec)]


def test_circle32():
    errs = []
    for b in _circle_inputs(23, 29, N32, 5):
        errs += _circle_errors(R2.circle32, b, 23, 29, 24)
    _record("circle32", errs, 2.0)


def test_circle64():
    errs = []
    for b in _circle_inputs(52, 61, N64, 6):
        errs += _circle_errors(R2.circle64, b, 52, 61, 53)
    _record("circle64", errs, 1.5)


# -------------------------------------------- the page's constants and fits

def test_constants_are_what_the_page_says():
    e = mp.erf(SQRT2)
    f32 = lambda b: mp.mpf(R2.f32_from_bits(b))  # noqa: E731
    f64 = lambda b: mp.mpf(R2.f64_from_bits(b))  # noqa: E731
    b = R2.CONSTANTS["ERF_SQRT2_32"][1]
    assert f32(b) < e < f32(b + 1)  # rounded down (so the truncation cannot exceed 2)
    b = R2.CONSTANTS["ERF_SQRT2_64"][1]
    assert abs(f64(b) - e) < abs(f64(b + 1) - e) and abs(f64(b) - e) < abs(f64(b - 1) - e)
    ln2 = mp.log(2)
    b = R2.CONSTANTS["LN2_32"][1]
    assert abs(f32(b) - ln2) < abs(f32(b + 1) - ln2) and abs(f32(b) - ln2) < abs(f32(b - 1) - ln2)
    b = R2.CONSTANTS["LN2_HI"][1]
    assert abs(f64(b) - ln2) < abs(f64(b + 1) - ln2) and abs(f64(b) - ln2) < abs(f64(b - 1) - ln2)
    lo = ln2 - mp.mpf(R2.LN2_HI)
    b = R2.CONSTANTS["LN2_LO"][1]
    assert abs(f64(b) - lo) < abs(f64(b + 1) - lo) and abs(f64(b) - lo) < abs(f64(b - 1) - lo)
    # §4: "M0 is sqrt(1/2) rounded down". True of the binary32 pattern; the
    # binary64 pattern 0x3fe6a09e667f3bcd is sqrt(1/2) rounded to NEAREST,
    # which is above it (the page's wording is wrong; the bits are what count).
    half = mp.sqrt(mp.mpf(1) / 2)
    assert f32(R2.M0_32) < half < f32(R2.M0_32 + 1)
    assert f64(R2.M0_64 - 1) < half < f64(R2.M0_64)
    assert abs(f64(R2.M0_64) - half) < abs(f64(R2.M0_64 - 1) - half)


def _poly_exact(p, u):
    c = [mp.mpf(v) for v in p.coeffs]
    x = mp.mpf(u) - mp.mpf(p.centre)
    r = c[-1]
    for cj in reversed(c[:-1]):
        r = r * x + cj
    return r


def _G(w):
    x = mp.sqrt(-mp.expm1(-w))
    return SQRT2 * mp.erfinv(x) / x


def _log32_r(f):
    return (mp.log1p(f) - f) / f ** 2


def _sin_s(u):
    s = mp.sqrt(u)
    return mp.sin(mp.pi / 4 * s) / s


def _cos_c(u):
    return mp.cos(mp.pi / 4 * mp.sqrt(u))


def _log64_q(z):
    s = mp.sqrt(z)
    f = 2 * s / (1 - s)
    h = f * f / 2
    return ((2 * mp.atanh(s) - f + h) / s - h) / z


TARGETS = {"LOG32_R": (_log32_r, 3.3e-7), "T32": (_G, 6.5e-8), "SIN32": (_sin_s, 3.5e-8),
           "COS32": (_cos_c, 9.5e-9), "LOG64_Q": (_log64_q, 4.7e-16), "T64": (_G, 2.3e-17),
           "SIN64": (_sin_s, 3.9e-17), "COS64": (_cos_c, 2.1e-17)}


@pytest.mark.parametrize("name", list(TARGETS))
def test_fitted_errors_are_the_pages(name):
    """Each polynomial's relative error on its interval (600 Chebyshev
    points) is the figure §8 prints (within its two digits)."""
    fn, stated = TARGETS[name]
    p = R2.POLYS[name]
    lo, hi = (mp.mpf(v) for v in p.interval)
    n = 600
    worst = mp.mpf(0)
    for i in range(n + 1):
        u = lo + (hi - lo) * (1 - mp.cos(mp.pi * i / n)) / 2
        if abs(u) < mp.mpf(10) ** -12:  # the removable singularities at 0
            u = mp.mpf(10) ** -12
        worst = max(worst, abs(_poly_exact(p, u) / fn(u) - 1))
    print(f"\n{name}: fitted relative error {mp.nstr(worst, 3)} (page: {stated})")
    assert 0.9 * stated <= worst <= 1.05 * stated, (name, worst, stated)
