"""Independent re-implementation of the `splitmix64-ctr-v2` sampling algorithm.

Written only from docs/algorithm-v2.md (and docs/algorithm.md §1 for the
shape-to-factor part, shared with reference.py), without looking at src/.
Every constant and polynomial coefficient of the page's §8 is read from the
table block of docs/algorithm-v2.md when this module is imported; none is
copied here. (The literals that remain are the ones the page writes inside
its pseudo-code: SplitMix64's multipliers, the stream salt "vs-ctr-2", the
bit masks and the `M0` bit patterns of the logarithms.)

Python 3.11 standard library only. IEEE-754 emulation:

- binary64 `+ - * / sqrt` are Python's float operations (one rounding each,
  nearest-even);
- binary32 `+ - * / sqrt` are done in binary64 and rounded to binary32
  (`r32`); for these operations that double rounding is innocuous
  (53 >= 2 * 24 + 2), so the result is the correctly rounded binary32 one;
- `fma64` is exact: the operands' `as_integer_ratio()` give the exact
  `a * b + c` as an integer over a power of two, and CPython's int true
  division rounds that once, to nearest-even (subnormals included);
- `fma32`: the product of two binary32 numbers is exact in binary64; the sum
  with `c` is rounded to *odd* in binary64 (TwoSum gives the exact error,
  then the last bit is forced to 1 when inexact) and that is rounded to
  binary32: round-to-odd at >= p + 2 bits followed by round-to-nearest is a
  single correct rounding (Boldo & Melquiond);
- integer to float conversions: Python's `float(int)` rounds to nearest-even,
  then `r32` (exact for the integers below 2^53 that occur here, so again one
  rounding).

Entry points: `fill_range(seed, scale, mode, dist, shape, axes, offset,
count, dtype)` returns the bit patterns (ints) of elements
[offset, offset + count) for dtype "f64", "f32", "f16" or "bf16";
`fill_indices` does the same for any list of flat indices (slices);
`fill_range_all` returns all four types at once (the 16-bit types are
rounded from the f32 values, so the binary32 stream is computed once).
The per-word functions (`trunc32`, `box_muller32`, `trunc64`, ...) are
exposed for the accuracy tests.
"""

from __future__ import annotations

import math
import re
import struct
from pathlib import Path

import reference as v1  # shape -> factor (docs/algorithm.md §1), mix64, rounding to f16/bf16

DOC = Path(__file__).resolve().parents[2] / "docs" / "algorithm-v2.md"

MASK32 = (1 << 32) - 1
MASK64 = (1 << 64) - 1
MASK52 = (1 << 52) - 1
MASK23 = (1 << 23) - 1

FAN_IN, FAN_OUT, FAN_AVG = v1.FAN_IN, v1.FAN_OUT, v1.FAN_AVG
TRUNCATED_NORMAL, UNTRUNCATED_NORMAL, UNIFORM = v1.TRUNCATED_NORMAL, v1.UNTRUNCATED_NORMAL, v1.UNIFORM
CLASS32, CLASS64 = 0, 1
TRUNCATED_STDDEV = v1.TRUNCATED_STDDEV

NAME = "splitmix64-ctr-v2"

# ------------------------------------------------------------------ bit casts

_S_F = struct.Struct("<f")
_S_I = struct.Struct("<I")
_S_D = struct.Struct("<d")
_S_Q = struct.Struct("<Q")


def f32_from_bits(b: int) -> float:
    return _S_F.unpack(_S_I.pack(b & MASK32))[0]


def f32_to_bits(x: float) -> int:
    """Bits of a Python float that is exactly a binary32 value (or rounds to one)."""
    return _S_I.unpack(_S_F.pack(x))[0]


def f64_from_bits(b: int) -> float:
    return _S_D.unpack(_S_Q.pack(b & MASK64))[0]


def f64_to_bits(x: float) -> int:
    return _S_Q.unpack(_S_D.pack(x))[0]


def r32(x: float) -> float:
    """Round a binary64 to binary32 (nearest-even). Raises OverflowError when
    the result would be infinite (only the final value products can overflow;
    they use `to_f32`)."""
    return _S_F.unpack(_S_F.pack(x))[0]


def to_f32(x: float) -> float:
    """As r32, overflowing to a signed infinity."""
    try:
        return _S_F.unpack(_S_F.pack(x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


# ------------------------------------------------------------- fused multiply-add

def fma64(a: float, b: float, c: float) -> float:
    """binary64 fma: a * b + c exactly, rounded once to nearest-even."""
    na, da = a.as_integer_ratio()
    nb, db = b.as_integer_ratio()
    nc, dc = c.as_integer_ratio()
    num = na * nb
    den = da * db  # all denominators are powers of two
    if den >= dc:
        num += nc * (den // dc)
    else:
        num = num * (dc // den) + nc
        den = dc
    if num == 0:
        # Exact zero. IEEE 754 §6.3: x + y = 0 exactly with operands of opposite
        # signs gives +0 (nearest-even); the sum of two zeros of the same sign
        # keeps it. The product's sign is sign(a) xor sign(b) even when zero.
        if (a == 0.0 or b == 0.0) and c == 0.0:
            prod_neg = (math.copysign(1.0, a) < 0) != (math.copysign(1.0, b) < 0)
            if prod_neg and math.copysign(1.0, c) < 0:
                return -0.0
        return 0.0
    return num / den  # CPython: correctly rounded int / int


def fma32(a: float, b: float, c: float) -> float:
    """binary32 fma (a, b, c binary32 values): exact a * b + c, rounded once."""
    p = a * b  # exact: 24 + 24 bits fit in 53, and the exponent range of binary64
    s = p + c
    bb = s - p  # TwoSum (Knuth): e is the exact error of s
    e = (p - (s - bb)) + (c - bb)
    if e != 0.0 and not (_S_Q.unpack(_S_D.pack(s))[0] & 1):
        # round to odd: the exact value lies strictly between s and its
        # neighbour in the direction of e; take the one with the odd last bit.
        s = math.nextafter(s, math.inf if e > 0.0 else -math.inf)
    return to_f32(s)


def horner32(coeffs: list[float], u: float) -> float:
    p = coeffs[-1]
    for cj in reversed(coeffs[:-1]):
        p = fma32(p, u, cj)
    return p


def horner64(coeffs: list[float], u: float) -> float:
    p = coeffs[-1]
    for cj in reversed(coeffs[:-1]):
        p = fma64(p, u, cj)
    return p


# --------------------------------------------- §8 constants, parsed from the page

class Poly:
    __slots__ = ("name", "fmt", "degree", "coeffs", "centre", "coeff_bits", "centre_bits", "interval")

    def __repr__(self):
        return f"Poly({self.name}, {self.fmt}, degree {self.degree}, centre {self.centre!r})"


def _from_bits(fmt: str, bits: int) -> float:
    if fmt == "binary32":
        return f32_from_bits(bits)
    if fmt == "binary64":
        return f64_from_bits(bits)
    raise ValueError(f"unknown format {fmt}")


def parse_coefficients(text: str) -> tuple[dict, dict]:
    """(constants, polynomials) from the block between the COEFFICIENTS markers.
    constants: name -> (format, bits, value); polynomials: name -> Poly."""
    m = re.search(r"<!-- BEGIN COEFFICIENTS[^>]*-->(.*?)<!-- END COEFFICIENTS -->", text, re.S)
    if not m:
        raise ValueError("no COEFFICIENTS block in docs/algorithm-v2.md")
    block = m.group(1)
    consts = {}
    for row in re.finditer(r"^\|\s*`(\w+)`\s*\|\s*(binary32|binary64)\s*\|\s*`0x([0-9a-fA-F]+)`\s*\|\s*"
                           r"([-+0-9.eE]+)", block, re.M):
        name, fmt, hexbits, decimal = row.groups()
        bits = int(hexbits, 16)
        width = 8 if fmt == "binary32" else 16
        if len(hexbits) != width:
            raise ValueError(f"{name}: {len(hexbits)} hex digits for {fmt}")
        value = _from_bits(fmt, bits)
        if float(decimal) != value:  # the printed decimal is the shortest repr of the value
            raise ValueError(f"{name}: bits {hexbits} are {value!r}, the page prints {decimal}")
        consts[name] = (fmt, bits, value)
    polys = {}
    header = re.compile(r"^`(\w+)`\s*\((binary32|binary64), degree (\d+), interval \[([^\]]*)\], "
                        r"centre `0x([0-9a-fA-F]+)` = ([-+0-9.eE]+);[^\n]*\n+```\n(.*?)```", re.M | re.S)
    for h in header.finditer(block):
        name, fmt, degree, interval, centre_hex, centre_dec, body = h.groups()
        width = 8 if fmt == "binary32" else 16
        words = body.split()
        if any(not re.fullmatch(r"0x[0-9a-fA-F]{%d}" % width, w) for w in words):
            raise ValueError(f"{name}: malformed coefficient in {words}")
        p = Poly()
        p.name, p.fmt, p.degree = name, fmt, int(degree)
        p.coeff_bits = [int(w, 16) for w in words]
        if len(p.coeff_bits) != p.degree + 1:
            raise ValueError(f"{name}: degree {degree} but {len(p.coeff_bits)} coefficients")
        p.coeffs = [_from_bits(fmt, b) for b in p.coeff_bits]
        p.centre_bits = int(centre_hex, 16)
        p.centre = _from_bits(fmt, p.centre_bits)
        if float(centre_dec) != p.centre and fmt == "binary32":
            raise ValueError(f"{name}: centre bits {centre_hex} vs {centre_dec}")
        p.interval = tuple(float(v) for v in interval.split(","))
        polys[name] = p
    return consts, polys


CONSTANTS, POLYS = parse_coefficients(DOC.read_text())

_WANT_CONSTANTS = {"ERF_SQRT2_32": "binary32", "ERF_SQRT2_64": "binary64", "LN2_32": "binary32",
                   "LN2_HI": "binary64", "LN2_LO": "binary64"}
_WANT_POLYS = {"LOG32_R": "binary32", "T32": "binary32", "SIN32": "binary32", "COS32": "binary32",
               "LOG64_Q": "binary64", "T64": "binary64", "SIN64": "binary64", "COS64": "binary64"}
for _n, _f in _WANT_CONSTANTS.items():
    if _n not in CONSTANTS or CONSTANTS[_n][0] != _f:
        raise ValueError(f"docs/algorithm-v2.md §8: constant {_n} ({_f}) missing")
for _n, _f in _WANT_POLYS.items():
    if _n not in POLYS or POLYS[_n].fmt != _f:
        raise ValueError(f"docs/algorithm-v2.md §8: polynomial {_n} ({_f}) missing")

ERF_SQRT2_32 = CONSTANTS["ERF_SQRT2_32"][2]
ERF_SQRT2_64 = CONSTANTS["ERF_SQRT2_64"][2]
LN2_32 = CONSTANTS["LN2_32"][2]
LN2_HI = CONSTANTS["LN2_HI"][2]
LN2_LO = CONSTANTS["LN2_LO"][2]
K32 = ERF_SQRT2_32 * 2.0 ** -24  # §5.2: exact (a power-of-two scaling, far from the subnormals)
assert r32(K32) == K32

LOG32_R = POLYS["LOG32_R"].coeffs
T32 = POLYS["T32"].coeffs
T32_CENTRE = POLYS["T32"].centre
SIN32 = POLYS["SIN32"].coeffs
COS32 = POLYS["COS32"].coeffs
LOG64_Q = POLYS["LOG64_Q"].coeffs
T64 = POLYS["T64"].coeffs
T64_CENTRE = POLYS["T64"].centre
SIN64 = POLYS["SIN64"].coeffs
COS64 = POLYS["COS64"].coeffs
for _n in ("LOG32_R", "SIN32", "COS32", "LOG64_Q", "SIN64", "COS64"):
    # the page evaluates these as Horner(P, u) with no centre subtraction
    if POLYS[_n].centre != 0.0:
        raise ValueError(f"{_n}: the page's formulas assume centre 0")

# ------------------------------------------------------------ §3 streams and words

mix64 = v1.mix64
GAMMA = 0x9E3779B97F4A7C15
STREAM_SALT = 0x76732D6374722D32  # "vs-ctr-2"
assert STREAM_SALT.to_bytes(8, "big") == b"vs-ctr-2"


def key(seed: int, dist: int, cls: int) -> int:
    return mix64(mix64((seed ^ STREAM_SALT) & MASK64) ^ (4 * cls + dist))


def word(k: int, j: int) -> int:
    """W(key, j) = mix64(key + (j + 1) * gamma)."""
    return mix64((k + (j + 1) * GAMMA) & MASK64)


# ---------------------------------------------------------------- §4 logarithms

M0_32 = 0x3F3504F3
M0_64 = 0x3FE6A09E667F3BCD
LOG32_OFFSET = 0x004AFB0D
LOG64_OFFSET = 0x00095F619980C433
assert LOG32_OFFSET == 0x3F800000 - M0_32 and LOG64_OFFSET == 0x3FF0000000000000 - M0_64


def neg_ln32(t: float) -> float:
    """-ln(t) for a normal binary32 t in (0, 1] (§4.1)."""
    ix = (f32_to_bits(t) + LOG32_OFFSET) & MASK32
    k = (ix >> 23) - 127
    m = f32_from_bits((ix & 0x007FFFFF) + M0_32)
    f = m - 1.0  # exact
    y = fma32(r32(f * f), horner32(LOG32_R, f), f)
    neg_k = -float(k)  # "the integer converted to binary32 (exact) and negated": -0.0 for k = 0
    return fma32(neg_k, LN2_32, -y)


def neg_ln64(t: float) -> float:
    """-ln(t) for a normal binary64 t in (0, 1] (§4.2)."""
    ix = (f64_to_bits(t) + LOG64_OFFSET) & MASK64
    k = (ix >> 52) - 1023
    m = f64_from_bits((ix & MASK52) + M0_64)
    f = m - 1.0  # exact
    hfsq = (0.5 * f) * f
    s = f / (2.0 + f)
    z = s * s
    R = z * horner64(LOG64_Q, z)
    c = fma64(-s, hfsq + R, hfsq)
    y = f - c
    kf = float(k)
    lo = fma64(kf, LN2_LO, y)
    return fma64(-kf, LN2_HI, -lo)


# -------------------------------------------------------- §5 binary32 standard values

TWO_M23 = 2.0 ** -23
TWO_M24 = 2.0 ** -24
TWO_M31 = 2.0 ** -31
TWO_M32 = 2.0 ** -32
ONE_MINUS_2M24 = 1.0 - TWO_M24


def uniform32(r: int) -> float:
    """§5.1: r is 32 bits."""
    return (r >> 8) * TWO_M23 - 1.0


def trunc32_x(r: int) -> float:
    """§5.2's x (binary32), the point whose sqrt(2) erfinv the value is."""
    q2 = 2 * (r & 0x7FFFFF) + 1
    return r32(float(q2) * K32)


def trunc32(r: int) -> float:
    """§5.2: truncated normal from 32 random bits."""
    x = trunc32_x(r)
    t = fma32(-x, x, 1.0)
    w = neg_ln32(t)
    p = horner32(T32, r32(w - T32_CENTRE))
    z = r32(x * p)
    return -z if r & 0x80000000 else z


def bm32_v(a: int) -> float:
    """§5.3's v in (0, 1] from the low 32 bits a of the word."""
    return fma32(r32(float(a >> 1)), TWO_M31, TWO_M32)


def bm32_radius(a: int) -> float:
    w = neg_ln32(bm32_v(a))
    return r32(math.sqrt(w + w))  # w + w exact


def circle32_g(b: int) -> tuple[int, float]:
    """(octant, g) of §5.3: theta = (o + g') pi/4 where g' is g or 1 - g."""
    o = b >> 29
    frac = b & MASK23
    if o & 1:
        frac ^= MASK23
    g = f32_from_bits(0x3F800000 | frac) - ONE_MINUS_2M24  # (2 frac + 1) 2^-24, exact
    return o, g


def _octant(o: int, S: float, C: float) -> tuple[float, float]:
    swap = ((o + 1) >> 1) & 1
    sv, cv = (C, S) if swap else (S, C)
    cos_t = -cv if ((o + 2) >> 2) & 1 else cv
    sin_t = -sv if (o >> 2) & 1 else sv
    return cos_t, sin_t


def circle32(b: int) -> tuple[float, float]:
    """(cos theta, sin theta) from the high 32 bits b of the word."""
    o, g = circle32_g(b)
    zz = r32(g * g)
    S = r32(g * horner32(SIN32, zz))
    C = horner32(COS32, zz)
    return _octant(o, S, C)


def box_muller32(w: int) -> tuple[float, float]:
    """§5.3: the pair (z[2j], z[2j + 1]) from W(key, j)."""
    rad = bm32_radius(w & MASK32)
    c, s = circle32(w >> 32)
    return r32(rad * c), r32(rad * s)


# -------------------------------------------------------- §6 binary64 standard values

TWO_M51 = 2.0 ** -51
TWO_M53 = 2.0 ** -53


def odd53(r: int) -> float:
    return (2 * (r & MASK52) + 1) * TWO_M53  # exact


def uniform64(r: int) -> float:
    return (r >> 12) * TWO_M51 - 1.0


def trunc64_x(r: int) -> float:
    return odd53(r) * ERF_SQRT2_64


def trunc64(r: int) -> float:
    x = trunc64_x(r)
    t = fma64(-x, x, 1.0)
    w = neg_ln64(t)
    p = horner64(T64, w - T64_CENTRE)
    z = x * p
    return -z if r >> 63 else z


def bm64_radius(a: int) -> float:
    w = neg_ln64(odd53(a))
    return math.sqrt(w + w)


def circle64_g(b: int) -> tuple[int, float]:
    o = b >> 61
    frac = b & MASK52
    if o & 1:
        frac ^= MASK52
    return o, odd53(frac)


def circle64(b: int) -> tuple[float, float]:
    o, g = circle64_g(b)
    zz = g * g
    S = g * horner64(SIN64, zz)
    C = horner64(COS64, zz)
    return _octant(o, S, C)


def box_muller64(a: int, b: int) -> tuple[float, float]:
    rad = bm64_radius(a)
    c, s = circle64(b)
    return rad * c, rad * s


# ------------------------------------------------------------ standard values by index

def standard_values(seed: int, dist: int, cls: int, indices) -> list[float]:
    """Standard values z of the given flat element indices (any order)."""
    k = key(seed, dist, cls)
    out = []
    last_j, last_pair = -1, None  # Box-Muller: the pair computed last
    for i in indices:
        if dist == UNTRUNCATED_NORMAL:
            j = i >> 1
            if j != last_j:
                if cls == CLASS32:
                    last_pair = box_muller32(word(k, j))
                else:
                    last_pair = box_muller64(word(k, 2 * j), word(k, 2 * j + 1))
                last_j = j
            out.append(last_pair[i & 1])
        elif cls == CLASS32:
            w = word(k, i >> 1)
            r = (w >> 32) if i & 1 else (w & MASK32)
            out.append(trunc32(r) if dist == TRUNCATED_NORMAL else uniform32(r))
        else:
            r = word(k, i)
            out.append(trunc64(r) if dist == TRUNCATED_NORMAL else uniform64(r))
    return out


# ------------------------------------------------------------------ §7 output types

def f32_values(zs: list[float], fac: float) -> list[float]:
    """binary32 values (as Python floats) of binary32 standard values."""
    F = to_f32(fac)
    if math.isfinite(F):
        return [to_f32(z * F) for z in zs]  # z * F exact in binary64, then one rounding
    return [to_f32(z * fac) for z in zs]  # the "wide" rule: binary64 product, rounded


def f32_bits_to_f16_bits(b: int) -> int:
    return v1._f64_to_f16_bits(f32_from_bits(b))


def _check_range(shape, indices_max: int):
    n = v1.element_count(shape)
    if indices_max >= n:
        raise ValueError("index past the end of the tensor")


KINDS = ("f64", "f32", "f16", "bf16")


def fill_indices_all(seed, scale, mode, dist, shape, axes, indices, kinds=KINDS) -> dict[str, list[int]]:
    """Bit patterns of the elements `indices` of the tensor, for each kind."""
    indices = list(indices)
    if indices:
        _check_range(shape, max(indices))
    fac = v1.factor(scale, mode, dist, shape, axes)
    out = {}
    if "f64" in kinds:
        out["f64"] = [f64_to_bits(z * fac) for z in standard_values(seed, dist, CLASS64, indices)]
    if any(k in kinds for k in ("f32", "f16", "bf16")):
        b32 = [f32_to_bits(v) for v in f32_values(standard_values(seed, dist, CLASS32, indices), fac)]
        if "f32" in kinds:
            out["f32"] = b32
        if "f16" in kinds:
            out["f16"] = [f32_bits_to_f16_bits(b) for b in b32]
        if "bf16" in kinds:
            out["bf16"] = [v1.f32_bits_to_bf16_bits(b) for b in b32]
    return out


def fill_indices(seed, scale, mode, dist, shape, axes, indices, dtype) -> list[int]:
    return fill_indices_all(seed, scale, mode, dist, shape, axes, indices, (dtype,))[dtype]


def fill_range_all(seed, scale, mode, dist, shape, axes, offset, count, kinds=KINDS) -> dict[str, list[int]]:
    return fill_indices_all(seed, scale, mode, dist, shape, axes, range(offset, offset + count), kinds)


def fill_range(seed, scale, mode, dist, shape, axes, offset, count, dtype) -> list[int]:
    """Bit patterns of elements [offset, offset + count) as `dtype`
    ("f64", "f32", "f16" or "bf16")."""
    return fill_range_all(seed, scale, mode, dist, shape, axes, offset, count, (dtype,))[dtype]


def slice_indices(shape, start, extent) -> list[int]:
    """Flat row-major indices of the box [start, start + extent), in the box's
    own row-major order (the order of vs_fill_slice_*)."""
    rank = len(shape)
    strides = [1] * rank
    for d in range(rank - 2, -1, -1):
        strides[d] = strides[d + 1] * shape[d + 1]
    idx = [0]
    for d in range(rank):
        if not (0 <= start[d] and 0 <= extent[d] and start[d] + extent[d] <= shape[d]):
            raise ValueError(f"dimension {d}: box [{start[d]}, {start[d] + extent[d]}) outside {shape[d]}")
        idx = [base + (start[d] + t) * strides[d] for base in idx for t in range(extent[d])]
    return idx
