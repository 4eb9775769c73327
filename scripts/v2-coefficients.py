#!/usr/bin/env python3
"""Fits the polynomials of the `splitmix64-ctr-v2` sampling algorithm and
writes them where they live: the table in docs/algorithm-v2.md (the
specification) and src/engine/v2/coefficients.rs (the code).

    python3 scripts/v2-coefficients.py            # print the fitted errors
    python3 scripts/v2-coefficients.py --write    # rewrite both files
    python3 scripts/v2-coefficients.py --check    # fail if either file differs

Needs mpmath (pip install mpmath). The fits are Chebyshev interpolants
computed with 50 significant digits, re-expanded as power series around the
centre of their interval and rounded to binary32 or binary64; the error
printed is the largest relative error of the rounded polynomial (without
evaluation rounding) on 2001 points of its interval. The pipelines' real
errors, evaluation rounding included, are measured by
tests/python/test_v2_accuracy.py.

What each polynomial approximates:
  LOG32_R       R(f) = (log1p(f) - f) / f^2       on f in [sqrt(1/2) - 1, sqrt(2) - 1]
  LOG64_Q       Q(z) = (2 atanh(s) - 2 s) / s^3   on z = s^2 in [0, ((sqrt2-1)/(sqrt2+1))^2]
  T32, T64      sqrt(2) erfinv(x) / x as a function of w = -ln(1 - x^2), w in [0, 2.4202]
  SIN32, SIN64  sin(pi/4 g) / g as a function of z = g^2, z in [0, 1]
  COS32, COS64  cos(pi/4 g) as a function of z = g^2, z in [0, 1]
"""

from __future__ import annotations

import math
import re
import struct
import sys
from pathlib import Path

import mpmath as mp

mp.mp.dps = 50
ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "algorithm-v2.md"
RUST = ROOT / "src" / "engine" / "v2" / "coefficients.rs"
BEGIN = "<!-- BEGIN COEFFICIENTS (scripts/v2-coefficients.py --write) -->"
END = "<!-- END COEFFICIENTS -->"


def g_of_w(w):
    """sqrt(2) * erfinv(x) / x with x = sqrt(1 - exp(-w))."""
    w = mp.mpf(w)
    if w == 0:
        return mp.sqrt(2) * mp.sqrt(mp.pi) / 2
    x = mp.sqrt(-mp.expm1(-w))
    return mp.sqrt(2) * mp.erfinv(x) / x


def log_r(f):
    f = mp.mpf(f)
    if f == 0:
        return mp.mpf(-0.5)
    return (mp.log1p(f) - f) / (f * f)


def log_q(z):
    z = mp.mpf(z)
    if z == 0:
        return mp.mpf(2) / 3
    s = mp.sqrt(z)
    return (2 * mp.atanh(s) - 2 * s) / (s * z)


def cheb_power_series(f, a, b, degree, centre):
    """Chebyshev interpolant of degree `degree` of f on [a, b], as power
    series coefficients in (x - centre)."""
    a, b, centre = mp.mpf(a), mp.mpf(b), mp.mpf(centre)
    mid, half = (a + b) / 2, (b - a) / 2
    n = degree + 1
    nodes = [mp.cos(mp.pi * (k + mp.mpf(1) / 2) / n) for k in range(n)]
    values = [f(mid + half * t) for t in nodes]
    cheb = []
    for j in range(n):
        acc = mp.fsum(values[k] * mp.cos(mp.pi * j * (k + mp.mpf(1) / 2) / n) for k in range(n))
        cheb.append(2 * acc / n)
    cheb[0] /= 2
    # Chebyshev polynomials as power series in t
    polys = [[mp.mpf(1)], [mp.mpf(0), mp.mpf(1)]]
    for j in range(2, n):
        nxt = [mp.mpf(0)] + [2 * v for v in polys[j - 1]]
        for i, v in enumerate(polys[j - 2]):
            nxt[i] -= v
        polys.append(nxt)
    in_t = [mp.mpf(0)] * n
    for j in range(n):
        for i, v in enumerate(polys[j]):
            in_t[i] += cheb[j] * v
    # t = (x - mid) / half; re-centre at `centre`: x - mid = (x - centre) + d
    d = centre - mid
    out = [mp.mpf(0)] * n
    for i, coef in enumerate(in_t):
        scaled = coef / half**i
        for k in range(i + 1):
            out[k] += scaled * math.comb(i, k) * d ** (i - k)
    return out


def round32(x) -> float:
    return struct.unpack("<f", struct.pack("<f", float(x)))[0]


def round64(x) -> float:
    return float(x)


def hex32(x: float) -> str:
    return "0x%08x" % struct.unpack("<I", struct.pack("<f", x))[0]


def hex64(x: float) -> str:
    return "0x%016x" % struct.unpack("<Q", struct.pack("<d", x))[0]


def sin_s(z):
    """sin(pi/4 g) / g as a function of z = g^2."""
    z = mp.mpf(z)
    if z == 0:
        return mp.pi / 4
    return mp.sin(mp.pi / 4 * mp.sqrt(z)) / mp.sqrt(z)


def cos_c(z):
    """cos(pi/4 g) as a function of z = g^2."""
    return mp.cos(mp.pi / 4 * mp.sqrt(mp.mpf(z)))


# name, function, interval, degree, centre, binary32?
POLYS = [
    ("LOG32_R", log_r, (mp.sqrt(0.5) - 1, mp.sqrt(2) - 1), 7, 0.0, True),
    ("T32", g_of_w, (0, 2.4202), 6, 1.2101, True),
    ("SIN32", sin_s, (0, 1), 3, 0.0, True),
    ("COS32", cos_c, (0, 1), 4, 0.0, True),
    ("LOG64_Q", log_q, (0, ((mp.sqrt(2) - 1) / (mp.sqrt(2) + 1)) ** 2), 6, 0.0, False),
    ("T64", g_of_w, (0, 2.4202), 16, 1.2101, False),
    ("SIN64", sin_s, (0, 1), 6, 0.0, False),
    ("COS64", cos_c, (0, 1), 7, 0.0, False),
]

ERF_SQRT2 = mp.erf(mp.sqrt(2))
LN2 = mp.log(2)


def scalars():
    """Named scalar constants: (name, value, binary32?, what it is)."""
    c32 = round32(ERF_SQRT2)
    assert c32 <= ERF_SQRT2, "C32 must not exceed erf(sqrt(2))"
    c64 = round64(ERF_SQRT2)
    ln2_hi = round64(LN2)
    ln2_lo = round64(LN2 - mp.mpf(ln2_hi))
    return [
        ("ERF_SQRT2_32", c32, True, "erf(sqrt(2)) rounded to binary32 (not above it)"),
        ("ERF_SQRT2_64", c64, False, "erf(sqrt(2)) rounded to binary64"),
        ("LN2_32", round32(LN2), True, "ln 2 rounded to binary32"),
        ("LN2_HI", ln2_hi, False, "ln 2 rounded to binary64"),
        ("LN2_LO", ln2_lo, False, "ln 2 - LN2_HI rounded to binary64"),
    ]


def fit_all():
    fitted = []
    for name, f, (a, b), degree, centre, is32 in POLYS:
        rnd = round32 if is32 else round64
        centre = rnd(centre)
        coefs = [rnd(c) for c in cheb_power_series(f, a, b, degree, centre)]
        worst = mp.mpf(0)
        for k in range(2001):
            x = mp.mpf(a) + (mp.mpf(b) - a) * k / 2000
            approx = mp.mpf(0)
            for c in reversed(coefs):
                approx = approx * (x - centre) + mp.mpf(c)
            worst = max(worst, abs(approx / f(x) - 1))
        fitted.append((name, is32, centre, coefs, float(worst), (float(a), float(b))))
    return fitted


def markdown(fitted) -> str:
    lines = [BEGIN, ""]
    lines.append("| constant | type | bits | value |")
    lines.append("|---|---|---|---|")
    for name, value, is32, what in scalars():
        bits = hex32(value) if is32 else hex64(value)
        lines.append(f"| `{name}` | {'binary32' if is32 else 'binary64'} | `{bits}` | {value!r} ({what}) |")
    lines.append("")
    for name, is32, centre, coefs, worst, (a, b) in fitted:
        h = hex32 if is32 else hex64
        ty = "binary32" if is32 else "binary64"
        lines.append(
            f"`{name}` ({ty}, degree {len(coefs) - 1}, interval [{a:.6g}, {b:.6g}], "
            f"centre `{h(centre)}` = {centre!r}; fitted relative error {worst:.2g}):"
        )
        lines.append("")
        lines.append("```")
        for i in range(0, len(coefs), 4):
            lines.append(" ".join(h(c) for c in coefs[i:i + 4]))
        lines.append("```")
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def rust(fitted) -> str:
    out = [
        "//! Constants of `splitmix64-ctr-v2`, written by",
        "//! `scripts/v2-coefficients.py --write` from the same fit as the table in",
        "//! docs/algorithm-v2.md. Do not edit by hand.",
        "//!",
        "//! Polynomials are power series in `(x - centre)`, lowest degree first,",
        "//! evaluated by Horner's rule with one fused multiply-add per step.",
        "",
        "#![allow(clippy::unreadable_literal)]",
        "",
    ]
    for name, value, is32, what in scalars():
        ty = "f32" if is32 else "f64"
        bits = hex32(value) if is32 else hex64(value)
        out.append(f"/// `{name}`: {what}, {value!r}.")
        out.append(f"pub const {name}: {ty} = {ty}::from_bits({bits});")
    out.append("")
    for name, is32, centre, coefs, worst, (a, b) in fitted:
        ty = "f32" if is32 else "f64"
        h = hex32 if is32 else hex64
        out.append(f"/// Centre of `{name}` ({centre!r}).")
        out.append(f"pub const {name}_CENTRE: {ty} = {ty}::from_bits({h(centre)});")
        out.append(
            f"/// `{name}`: degree {len(coefs) - 1} on [{a:.6g}, {b:.6g}], fitted relative error {worst:.2g}."
        )
        out.append(f"pub const {name}: [{ty}; {len(coefs)}] = [")
        for c in coefs:
            out.append(f"    {ty}::from_bits({h(c)}),")
        out.append("];")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def main(argv):
    fitted = fit_all()
    for name, is32, centre, coefs, worst, (a, b) in fitted:
        print(f"{name:8s} degree {len(coefs) - 1:2d} on [{a:.6g}, {b:.6g}]: relative error {worst:.3g}")
    md = markdown(fitted)
    rs = rust(fitted)
    if "--write" in argv or "--check" in argv:
        doc = DOC.read_text()
        pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
        if not pattern.search(doc):
            sys.exit(f"{DOC}: markers {BEGIN!r} ... {END!r} not found")
        new_doc = pattern.sub(lambda _: md, doc)
        if "--check" in argv:
            ok = new_doc == doc and RUST.exists() and RUST.read_text() == rs
            if not ok:
                sys.exit("docs/algorithm-v2.md or src/engine/v2/coefficients.rs differ from the fit")
            print("coefficients: docs and code match the fit")
        else:
            DOC.write_text(new_doc)
            RUST.parent.mkdir(parents=True, exist_ok=True)
            RUST.write_text(rs)
            print(f"wrote {DOC.relative_to(ROOT)} and {RUST.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
